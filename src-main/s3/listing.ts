/**
 * Flat listings of prefixes (ListObjectsV2 without a delimiter, 1,000 keys a page) as a stream, for the
 * operations that walk everything under a prefix: search, count, copy, move and delete.
 */
import { ListObjectsV2Command, type S3Client, type _Object } from '@aws-sdk/client-s3'
import type { ObjectSummary } from '../api/s3'

/** A listed object with what bulk operations need to know about it without asking again. */
export interface ListedObject {
  key: string
  size: number
  etag?: string
  storageClass: string
  checksumAlgorithm?: string
}

export function toListed(object: _Object & { Key: string }): ListedObject {
  return {
    key: object.Key,
    size: object.Size ?? 0,
    etag: object.ETag,
    storageClass: object.StorageClass ?? 'STANDARD',
    checksumAlgorithm: object.ChecksumAlgorithm?.[0],
  }
}

export function toSummary(object: _Object & { Key: string }): ObjectSummary {
  return {
    key: object.Key,
    size: object.Size ?? 0,
    lastModifiedMs: object.LastModified?.getTime(),
    etag: object.ETag,
    storageClass: object.StorageClass ?? 'STANDARD',
  }
}

/**
 * Pages of every key under `prefix`, in S3's order, each saying whether more follow. `maxKeys` can
 * shrink a page (a bounded search stops exactly at its limit).
 */
export async function* listPages(
  client: S3Client,
  bucket: string,
  prefix: string,
  signal: AbortSignal,
  maxKeys: () => number = () => 1000,
): AsyncGenerator<{ objects: Array<_Object & { Key: string }>; more: boolean }> {
  let token: string | undefined
  do {
    const page = await client.send(
      new ListObjectsV2Command({
        Bucket: bucket,
        Prefix: prefix || undefined,
        ContinuationToken: token,
        MaxKeys: Math.min(1000, maxKeys()),
      }),
      { abortSignal: signal },
    )
    token = page.IsTruncated ? page.NextContinuationToken : undefined
    yield {
      objects: (page.Contents ?? []).filter((object): object is _Object & { Key: string } => object.Key !== undefined),
      more: token !== undefined,
    }
  } while (token)
}

/**
 * The selection of a bulk operation without overlaps: prefixes inside another selected prefix are
 * dropped, and so are keys under a selected prefix (they are listed with it) and repeated keys.
 */
export function normalizeSelection(keys: readonly string[], prefixes: readonly string[]): { keys: string[]; prefixes: string[] } {
  const outer = [...new Set(prefixes)].filter((prefix, _, all) => !all.some((other) => other !== prefix && prefix.startsWith(other)))
  const single = [...new Set(keys)].filter((key) => !outer.some((prefix) => key.startsWith(prefix)))
  return { keys: single, prefixes: outer }
}

/** RFC 3986 encoding, every character but the unreserved ones (A–Z a–z 0–9 - . _ ~) escaped, as SigV4 wants. */
export function uriEncode(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
}

/**
 * A key in a URL path: `/` kept, everything else uriEncode'd, so the server decodes back exactly the
 * key (`+` stays a plus, `%`, `?` and `#` stay themselves).
 */
export function encodeKeyPath(key: string): string {
  return key.split('/').map(uriEncode).join('/')
}

/** The x-amz-copy-source value for an object (the SDK sends it as given, so it must be encoded here). */
export function copySource(bucket: string, key: string, versionId?: string): string {
  return `${bucket}/${encodeKeyPath(key)}${versionId ? `?versionId=${encodeURIComponent(versionId)}` : ''}`
}
