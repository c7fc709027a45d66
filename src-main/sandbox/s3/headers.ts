/**
 * Object headers both ways: what PutObject-like requests carry (representation headers, user metadata,
 * tags, storage class) and what GET/HEAD answer with.
 */
import { S3Error } from './errors'
import type { RequestContext } from './context'
import { checksumHeaderName } from './checksums'
import type { ObjectHeaders, ObjectVersion, StorageClass, StoredChecksum, VersioningStatus } from './model'
import { MAX_USER_METADATA_BYTES, STORAGE_CLASSES } from './model'
import { utf8Length } from './keys'

const DAY_MS = 24 * 3600 * 1000

export function httpDate(ms: number): string {
  return new Date(ms).toUTCString()
}

export const quoteEtag = (etag: string): string => `"${etag}"`

/** Parses an If-Match style list into unquoted ETags, or '*'. */
export function parseEtagList(text: string): string[] | '*' {
  if (text.trim() === '*') return '*'
  return text.split(',').map((item) =>
    item
      .trim()
      .replace(/^W\//, '')
      .replace(/^"(.*)"$/, '$1'),
  )
}

export function etagMatches(text: string, etag: string): boolean {
  const list = parseEtagList(text)
  return list === '*' || list.includes(etag)
}

export function parseStorageClass(text: string | undefined): StorageClass {
  if (text === undefined || text === '') return 'STANDARD'
  const found = STORAGE_CLASSES.find((storageClass) => storageClass === text)
  if (!found) throw new S3Error('InvalidStorageClass', undefined, { StorageClassRequested: text })
  return found
}

export function parseObjectHeaders(ctx: RequestContext): ObjectHeaders {
  // aws-chunked is how the body travelled, not how the object is encoded.
  const encoding = ctx
    .header('content-encoding')
    ?.split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '' && item !== 'aws-chunked')
    .join(',')
  return {
    contentType: ctx.header('content-type') ?? 'binary/octet-stream',
    cacheControl: ctx.header('cache-control'),
    contentDisposition: ctx.header('content-disposition'),
    contentEncoding: encoding || undefined,
    contentLanguage: ctx.header('content-language'),
    expires: ctx.header('expires'),
    websiteRedirectLocation: ctx.header('x-amz-website-redirect-location'),
  }
}

/** One RFC 2047 encoded-word's text, or undefined when its charset or encoding is not one S3 reads. */
function decodeEncodedWord(charset: string, encoding: string, text: string): string | undefined {
  const name = charset.toLowerCase()
  if (name !== 'utf-8' && name !== 'us-ascii' && name !== 'iso-8859-1') return undefined
  const bytes =
    encoding.toUpperCase() === 'B'
      ? Buffer.from(text, 'base64')
      : Buffer.from(
          text.replace(/_/g, ' ').replace(/=([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))),
          'latin1',
        )
  return name === 'utf-8' ? bytes.toString('utf8') : bytes.toString('latin1')
}

/**
 * S3 decodes RFC 2047 encoded-words (`=?UTF-8?B?…?=`, `=?UTF-8?Q?…?=`) in metadata values before storing
 * them; whitespace between adjacent encoded-words is dropped (RFC 2047 §6.2).
 */
export function decodeMetadataHeader(value: string): string {
  if (!value.includes('=?')) return value
  return value
    .replace(/(\?=)\s+(?==\?)/g, '$1')
    .replace(
      /=\?([^?\s]+)\?([BbQq])\?([^?\s]*)\?=/g,
      (word, charset: string, encoding: string, text: string) => decodeEncodedWord(charset, encoding, text) ?? word,
    )
}

/** S3 returns a metadata value holding anything but printable US-ASCII RFC 2047-encoded, to keep it header-safe. */
export function encodeMetadataHeader(value: string): string {
  return /^[\x20-\x7e]*$/.test(value) ? value : `=?UTF-8?B?${Buffer.from(value, 'utf8').toString('base64')}?=`
}

/** x-amz-meta-* headers, limited like S3 to 2 KB of UTF-8 names and values. */
export function parseMetadata(ctx: RequestContext): Record<string, string> {
  const metadata: Record<string, string> = {}
  let size = 0
  for (const [name, value] of Object.entries(ctx.req.headers)) {
    if (!name.startsWith('x-amz-meta-') || value === undefined) continue
    const key = name.slice('x-amz-meta-'.length)
    const text = decodeMetadataHeader(Array.isArray(value) ? value.join(',') : value)
    metadata[key] = text
    size += utf8Length(key) + utf8Length(text)
  }
  if (size > MAX_USER_METADATA_BYTES) {
    throw new S3Error('MetadataTooLarge', undefined, { Size: size, MaxSizeAllowed: MAX_USER_METADATA_BYTES })
  }
  return metadata
}

const TAG_CHARS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u

/** S3's tag rules; objects allow 10 tags, buckets 50. */
export function validateTags(pairs: Array<[string, string]>, max: number, kind: 'object' | 'bucket'): Record<string, string> {
  if (pairs.length > max) {
    throw kind === 'object'
      ? new S3Error('BadRequest', `Object tags cannot be greater than ${max}`)
      : new S3Error('InvalidTag', `Bucket tag count cannot be greater than ${max}`)
  }
  const tags: Record<string, string> = {}
  for (const [key, value] of pairs) {
    if (key.length === 0 || !TAG_CHARS.test(key))
      throw new S3Error('InvalidTag', 'The TagKey you have provided is invalid', { TagKey: key })
    if ([...key].length > 128) throw new S3Error('InvalidTag', 'The TagKey you have provided is too long, max 128', { TagKey: key })
    if ([...value].length > 256)
      throw new S3Error('InvalidTag', 'The TagValue you have provided is too long, max 256', { TagKey: key, TagValue: value })
    if (!TAG_CHARS.test(value))
      throw new S3Error('InvalidTag', 'The TagValue you have provided is invalid', { TagKey: key, TagValue: value })
    if (key.toLowerCase().startsWith('aws:')) throw new S3Error('InvalidTag', 'Your TagKey cannot be prefixed with aws:', { TagKey: key })
    if (Object.hasOwn(tags, key)) throw new S3Error('InvalidTag', 'Cannot provide multiple Tags with the same key', { TagKey: key })
    tags[key] = value
  }
  return tags
}

/** x-amz-tagging: URL query encoded `k=v&k2=v2`. */
export function parseTaggingHeader(text: string | undefined): Record<string, string> {
  if (text === undefined || text === '') return {}
  const pairs: Array<[string, string]> = []
  for (const item of text.split('&')) {
    if (item === '') continue
    const eq = item.indexOf('=')
    try {
      const decode = (s: string) => decodeURIComponent(s.replace(/\+/g, ' '))
      pairs.push(eq < 0 ? [decode(item), ''] : [decode(item.slice(0, eq)), decode(item.slice(eq + 1))])
    } catch {
      throw new S3Error(
        'InvalidArgument',
        "The header 'x-amz-tagging' shall be encoded as UTF-8 then URLEncoded URL query parameters without tag name duplicates.",
      )
    }
  }
  return validateTags(pairs, 10, 'object')
}

/** x-amz-restore for an archived object, by the emulator's clock; undefined once a restored copy expired. */
export function restoreHeader(version: ObjectVersion, nowMs: number): string | undefined {
  const restore = version.restore
  if (!restore) return undefined
  if (nowMs < restore.readyAtMs) return 'ongoing-request="true"'
  if (nowMs >= restore.expiresAtMs) return undefined
  return `ongoing-request="false", expiry-date="${httpDate(restore.expiresAtMs)}"`
}

/** S3 keeps a restored copy for `days` after the restore completes, until the following midnight UTC. */
export function restoreExpiry(readyAtMs: number, days: number): number {
  return Math.ceil((readyAtMs + days * DAY_MS) / DAY_MS) * DAY_MS
}

/** Whether an archived object's data can be read now. */
export function isReadable(version: ObjectVersion, nowMs: number): boolean {
  if (version.storageClass !== 'GLACIER' && version.storageClass !== 'DEEP_ARCHIVE') return true
  const restore = version.restore
  return restore !== undefined && nowMs >= restore.readyAtMs && nowMs < restore.expiresAtMs
}

/** The value S3 reports for a stored checksum: composite ones carry their part count. */
export function checksumValue(checksum: StoredChecksum, partCount: number | undefined): string {
  return checksum.type === 'COMPOSITE' ? `${checksum.value}-${partCount ?? 1}` : checksum.value
}

export function checksumHeaders(checksum: StoredChecksum | undefined, partCount?: number): Record<string, string> {
  if (!checksum) return {}
  return {
    [checksumHeaderName(checksum.algorithm)]: checksumValue(checksum, partCount),
    'x-amz-checksum-type': checksum.type,
  }
}

/** The version id header S3 sends once a bucket has had versioning turned on. */
export function versionHeader(version: ObjectVersion, versioning: VersioningStatus): Record<string, string> {
  return versioning === 'Unversioned' ? {} : { 'x-amz-version-id': version.versionId }
}

/** GET/HEAD headers describing an object version (length and range are the caller's). */
export function objectHeaders(version: ObjectVersion, versioning: VersioningStatus, nowMs: number): Record<string, string | number> {
  const h = version.headers
  const headers: Record<string, string | number> = {
    'Last-Modified': httpDate(version.lastModifiedMs),
    ETag: quoteEtag(version.etag),
    'Content-Type': h.contentType ?? 'binary/octet-stream',
    'Accept-Ranges': 'bytes',
    'x-amz-server-side-encryption': 'AES256',
    ...versionHeader(version, versioning),
  }
  if (h.cacheControl !== undefined) headers['Cache-Control'] = h.cacheControl
  if (h.contentDisposition !== undefined) headers['Content-Disposition'] = h.contentDisposition
  if (h.contentEncoding !== undefined) headers['Content-Encoding'] = h.contentEncoding
  if (h.contentLanguage !== undefined) headers['Content-Language'] = h.contentLanguage
  if (h.expires !== undefined) headers['Expires'] = h.expires
  if (h.websiteRedirectLocation !== undefined) headers['x-amz-website-redirect-location'] = h.websiteRedirectLocation
  for (const [name, value] of Object.entries(version.metadata)) headers[`x-amz-meta-${name}`] = encodeMetadataHeader(value)
  if (version.storageClass !== 'STANDARD') headers['x-amz-storage-class'] = version.storageClass
  const tagCount = Object.keys(version.tags).length
  if (tagCount > 0) headers['x-amz-tagging-count'] = tagCount
  const restore = restoreHeader(version, nowMs)
  if (restore) headers['x-amz-restore'] = restore
  return headers
}
