/**
 * One object at a time: details, metadata and storage class edits (a copy onto itself that writes every
 * attribute again, so only what was asked changes), tags, Glacier restores, folder markers, and one
 * page of versions.
 */
import {
  GetObjectTaggingCommand,
  ListObjectVersionsCommand,
  PutObjectCommand,
  PutObjectTaggingCommand,
  RestoreObjectCommand,
  type HeadObjectCommandOutput,
  type S3Client,
} from '@aws-sdk/client-s3'
import type { ObjectDetails, ObjectVersion } from '../api/s3'
import { HaneulError } from '../core/errors'
import type { S3Config } from './config'
import { attributesOf, checksumOf, copyServerSide, headObject, sourceFromHead, type ObjectAttributes } from './copy'
import { explainS3Error, isNotFound } from './errors'
import { decodeMetadata } from './header-values'

export interface ObjectRef {
  bucket: string
  key: string
  versionId?: string
}

/** x-amz-restore: `ongoing-request="true"`, or `ongoing-request="false", expiry-date="<HTTP date>"`. */
function parseRestore(header: string | undefined): ObjectDetails['restore'] {
  if (!header) return undefined
  const ongoing = /ongoing-request="true"/.test(header)
  const expiry = /expiry-date="([^"]+)"/.exec(header)?.[1]
  const expiresAtMs = expiry ? Date.parse(expiry) : NaN
  return { ongoing, expiresAtMs: Number.isNaN(expiresAtMs) ? undefined : expiresAtMs }
}

const ARCHIVE_CLASSES = new Set(['GLACIER', 'DEEP_ARCHIVE'])

/** Bytes that cannot be read now: a Glacier class without a finished restore, or an Intelligent-Tiering archive tier. */
function isArchived(head: HeadObjectCommandOutput): boolean {
  if (head.ArchiveStatus) return true
  if (!ARCHIVE_CLASSES.has(head.StorageClass ?? 'STANDARD')) return false
  const restore = parseRestore(head.Restore)
  return !restore || restore.ongoing
}

export function refuseIfArchived(head: HeadObjectCommandOutput, key: string, what: string): void {
  if (isArchived(head)) {
    throw new HaneulError(
      'conflict',
      `"${key}" is archived in ${head.StorageClass ?? 'an archive tier'} and cannot be ${what} until it is restored. Restore it first, then try again.`,
    )
  }
}

function detailsFrom(ref: ObjectRef, head: HeadObjectCommandOutput, tags: Record<string, string>): ObjectDetails {
  const checksum = checksumOf(head)
  // Multipart ETags end in -<parts>; HEAD reports no part count without a part number.
  const parts = /-(\d+)"?$/.exec(head.ETag ?? '')?.[1]
  return {
    key: ref.key,
    versionId: head.VersionId,
    size: head.ContentLength ?? 0,
    etag: head.ETag,
    lastModifiedMs: head.LastModified?.getTime(),
    storageClass: head.StorageClass ?? 'STANDARD',
    checksum: checksum && { algorithm: checksum.algorithm, value: checksum.value, type: checksum.type },
    partsCount: parts === undefined ? undefined : Number(parts),
    system: {
      contentType: head.ContentType,
      cacheControl: head.CacheControl,
      contentDisposition: head.ContentDisposition,
      contentEncoding: head.ContentEncoding,
      contentLanguage: head.ContentLanguage,
      expires: head.ExpiresString ?? head.Expires?.toUTCString(),
      serverSideEncryption: head.ServerSideEncryption,
      websiteRedirectLocation: head.WebsiteRedirectLocation,
    },
    // S3 returns non-ASCII values RFC 2047-encoded; people read them decoded.
    metadata: decodeMetadata(head.Metadata),
    tags,
    restore: parseRestore(head.Restore),
    archived: isArchived(head),
  }
}

async function tagsOf(client: S3Client, ref: ObjectRef, signal?: AbortSignal): Promise<Record<string, string>> {
  const { TagSet = [] } = await client.send(new GetObjectTaggingCommand({ Bucket: ref.bucket, Key: ref.key, VersionId: ref.versionId }), {
    abortSignal: signal,
  })
  return Object.fromEntries(TagSet.map((tag) => [tag.Key ?? '', tag.Value ?? '']))
}

export async function objectDetails(client: S3Client, ref: ObjectRef, signal?: AbortSignal): Promise<ObjectDetails> {
  const [head, tags] = await Promise.all([headObject(client, ref.bucket, ref.key, signal, ref.versionId), tagsOf(client, ref, signal)])
  return detailsFrom(ref, head, tags)
}

/** Editable system metadata as the contract sends it: a named field replaces the value, "" removes it. */
export interface SystemChanges {
  contentType?: string
  cacheControl?: string
  contentDisposition?: string
  contentEncoding?: string
  contentLanguage?: string
  expires?: string
}

function applyChanges(current: ObjectAttributes, changes: SystemChanges, metadata: Record<string, string>): ObjectAttributes {
  const next: ObjectAttributes = { ...current, metadata }
  for (const [name, value] of Object.entries(changes) as Array<[keyof SystemChanges, string | undefined]>) {
    if (value === undefined) continue
    if (name === 'expires') {
      const date = value === '' ? undefined : new Date(value)
      if (date && Number.isNaN(date.getTime()))
        throw new HaneulError('bad-request', `Expires must be a date, e.g. "Wed, 21 Oct 2026 07:28:00 GMT" (got "${value}").`)
      next.expires = date
    } else {
      next[name] = value === '' ? undefined : value
    }
  }
  return next
}

/**
 * Rewrites system and user metadata by copying the object onto itself with everything else re-sent:
 * same storage class, encryption, redirect, checksum algorithm; tags copied; the data untouched.
 */
export async function updateMetadata(
  client: S3Client,
  config: S3Config,
  ref: ObjectRef,
  changes: SystemChanges,
  metadata: Record<string, string>,
  signal: AbortSignal,
): Promise<ObjectDetails> {
  const head = await headObject(client, ref.bucket, ref.key, signal)
  refuseIfArchived(head, ref.key, 'edited')
  await copyServerSide(client, config, sourceFromHead(ref.bucket, ref.key, head), ref, {
    attributes: applyChanges(attributesOf(head), changes, metadata),
    signal,
  })
  return objectDetails(client, { bucket: ref.bucket, key: ref.key }, signal)
}

export async function changeStorageClass(
  client: S3Client,
  config: S3Config,
  ref: ObjectRef,
  storageClass: string,
  signal: AbortSignal,
): Promise<ObjectDetails> {
  const head = await headObject(client, ref.bucket, ref.key, signal)
  refuseIfArchived(head, ref.key, 'moved to another storage class')
  if ((head.StorageClass ?? 'STANDARD') !== storageClass) {
    await copyServerSide(client, config, sourceFromHead(ref.bucket, ref.key, head), ref, {
      storageClass,
      attributes: attributesOf(head),
      signal,
    })
  }
  return objectDetails(client, { bucket: ref.bucket, key: ref.key }, signal)
}

export async function putTags(client: S3Client, ref: ObjectRef, tags: Record<string, string>): Promise<{ tags: Record<string, string> }> {
  await client.send(
    new PutObjectTaggingCommand({
      Bucket: ref.bucket,
      Key: ref.key,
      VersionId: ref.versionId,
      Tagging: { TagSet: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) },
    }),
  )
  // What S3 now holds, not what was sent.
  return { tags: await tagsOf(client, ref) }
}

/** S3 answers 202 when a restore starts, 200 when the object is already restored (its expiry moves), 409 while one runs. */
export async function restoreObject(
  client: S3Client,
  ref: ObjectRef,
  days: number,
  tier: 'Expedited' | 'Standard' | 'Bulk',
): Promise<{ status: 'started' | 'already-restored' | 'in-progress' }> {
  try {
    const reply = await client.send(
      new RestoreObjectCommand({
        Bucket: ref.bucket,
        Key: ref.key,
        VersionId: ref.versionId,
        RestoreRequest: { Days: days, GlacierJobParameters: { Tier: tier } },
      }),
    )
    return { status: reply.$metadata.httpStatusCode === 200 ? 'already-restored' : 'started' }
  } catch (error) {
    const name = (error as { name?: string }).name
    if (name === 'RestoreAlreadyInProgress') return { status: 'in-progress' }
    if (name === 'InvalidObjectState') {
      throw new HaneulError(
        'bad-request',
        `"${ref.key}" is not in GLACIER or DEEP_ARCHIVE, so it needs no restore: it can be read as it is.`,
      )
    }
    throw explainS3Error(error)
  }
}

/** The zero-byte "folder/" marker S3 consoles show as a folder. */
export async function createFolder(client: S3Client, bucket: string, prefix: string): Promise<{ created: true }> {
  const exists = await headObject(client, bucket, prefix).then(
    () => true,
    (error: unknown) => {
      if (isNotFound(error)) return false
      throw error
    },
  )
  if (exists) throw new HaneulError('already-exists', `The folder "${prefix}" already exists.`)
  await client.send(new PutObjectCommand({ Bucket: bucket, Key: prefix, Body: '', ContentLength: 0 }))
  return { created: true }
}

/** Orders keys by UTF-8 bytes, as S3 lists them. */
const compareKeys = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b))

/**
 * One page of versions and delete markers. The SDK hands them back as two lists; each is in S3's order
 * (key, then newest first), so merging them restores the listing order.
 */
export async function listVersions(
  client: S3Client,
  input: { bucket: string; prefix: string; keyMarker?: string; versionIdMarker?: string; pageSize: number },
  signal: AbortSignal,
): Promise<{ versions: ObjectVersion[]; next?: { keyMarker: string; versionIdMarker?: string } }> {
  const page = await client.send(
    new ListObjectVersionsCommand({
      Bucket: input.bucket,
      Prefix: input.prefix || undefined,
      KeyMarker: input.keyMarker,
      VersionIdMarker: input.keyMarker === undefined ? undefined : input.versionIdMarker,
      MaxKeys: input.pageSize,
    }),
    { abortSignal: signal },
  )
  const versions: ObjectVersion[] = (page.Versions ?? []).flatMap((v) =>
    v.Key === undefined
      ? []
      : [
          {
            key: v.Key,
            versionId: v.VersionId ?? 'null',
            isLatest: v.IsLatest ?? false,
            deleteMarker: false,
            size: v.Size ?? 0,
            lastModifiedMs: v.LastModified?.getTime(),
            etag: v.ETag,
            storageClass: v.StorageClass,
          },
        ],
  )
  const markers: ObjectVersion[] = (page.DeleteMarkers ?? []).flatMap((m) =>
    m.Key === undefined
      ? []
      : [
          {
            key: m.Key,
            versionId: m.VersionId ?? 'null',
            isLatest: m.IsLatest ?? false,
            deleteMarker: true,
            size: 0,
            lastModifiedMs: m.LastModified?.getTime(),
          },
        ],
  )
  const before = (a: ObjectVersion, b: ObjectVersion) =>
    compareKeys(a.key, b.key) || Number(b.isLatest) - Number(a.isLatest) || (b.lastModifiedMs ?? 0) - (a.lastModifiedMs ?? 0)
  const merged: ObjectVersion[] = []
  let i = 0
  let j = 0
  while (i < versions.length || j < markers.length) {
    const v = versions[i]
    const m = markers[j]
    if (v && (!m || before(v, m) <= 0)) {
      merged.push(v)
      i++
    } else if (m) {
      merged.push(m)
      j++
    }
  }
  const next =
    page.IsTruncated && page.NextKeyMarker !== undefined
      ? { keyMarker: page.NextKeyMarker, versionIdMarker: page.NextVersionIdMarker }
      : undefined
  return { versions: merged, next }
}
