/**
 * Listings: ListObjectsV2, ListObjects (v1), ListObjectVersions and ListMultipartUploads, with S3's
 * prefix/delimiter roll-up, markers and continuation tokens, over each bucket's sorted key index.
 */
import { ownerElement, requireParamInt, type RequestContext } from './context'
import { invalidArgument } from './errors'
import { quoteEtag } from './headers'
import { endOfPrefix, lowerBound } from './keyindex'
import { compareKeys, listingEncode } from './keys'
import type { ObjectVersion } from './model'
import { ARCHIVE_CLASSES } from './model'
import type { BucketState } from './store'
import { isoTime, type XmlChild } from './xml'

interface WalkOptions {
  prefix: string
  delimiter: string | undefined
  /** Listing resumes strictly after this key (or common prefix). */
  after: string | undefined
  /** Whether a key counts as an entry (ListObjects skips keys whose latest version is a delete marker). */
  include: (key: string) => boolean
}

interface ListItem {
  name: string
  /** A common prefix rather than a key. */
  rolledUp: boolean
}

/**
 * Yields keys and common prefixes in listing order from the start point. A common prefix equal to the
 * marker was returned by the previous page, so it is skipped (that is what makes NextMarker resumable),
 * and a prefix is only listed if some key under it is.
 */
function* walk(state: BucketState, { prefix, delimiter, after, include }: WalkOptions): Generator<ListItem> {
  const keys = state.index.keys()
  let i = lowerBound(keys, prefix)
  if (after !== undefined) i = Math.max(i, lowerBound(keys, after, true))
  while (i < keys.length) {
    const key = keys[i] as string
    if (!key.startsWith(prefix)) return
    const cut = delimiter ? key.indexOf(delimiter, prefix.length) : -1
    if (cut >= 0) {
      const commonPrefix = key.slice(0, cut + (delimiter as string).length)
      const end = endOfPrefix(keys, commonPrefix, i)
      if (commonPrefix !== after && anyIncluded(keys, i, end, include)) yield { name: commonPrefix, rolledUp: true }
      i = end
      continue
    }
    if (include(key)) yield { name: key, rolledUp: false }
    i++
  }
}

function anyIncluded(keys: readonly string[], from: number, to: number, include: (key: string) => boolean): boolean {
  for (let i = from; i < to; i++) if (include(keys[i] as string)) return true
  return false
}

interface Page {
  keys: string[]
  prefixes: string[]
  truncated: boolean
  /** The last key or common prefix returned: NextMarker, and where a continuation token resumes. */
  last: string | undefined
}

/** Up to `max` items, and whether more exist. max-keys=0 answers an empty, untruncated page, as S3 does. */
function page(state: BucketState, options: WalkOptions, max: number): Page {
  const result: Page = { keys: [], prefixes: [], truncated: false, last: undefined }
  if (max === 0) return result
  let count = 0
  for (const item of walk(state, options)) {
    if (count === max) {
      result.truncated = true
      break
    }
    ;(item.rolledUp ? result.prefixes : result.keys).push(item.name)
    result.last = item.name
    count++
  }
  return result
}

function listingParams(ctx: RequestContext) {
  const encodingType = ctx.param('encoding-type')
  if (encodingType !== undefined && encodingType !== 'url')
    throw invalidArgument('Invalid Encoding Method specified in Request', 'encoding-type', encodingType)
  const delimiter = ctx.param('delimiter') || undefined
  const encode = encodingType === 'url' ? listingEncode : (text: string) => text
  const max = requireParamInt(ctx, 'max-keys', 0, 1000, 1000, 'Provided max-keys not an integer or within integer range')
  return { prefix: ctx.param('prefix') ?? '', delimiter, encodingType, encode, max }
}

function restoreStatus(ctx: RequestContext, version: ObjectVersion): XmlChild | undefined {
  const wanted = ctx
    .header('x-amz-optional-object-attributes')
    ?.split(',')
    .map((item) => item.trim())
  if (!wanted?.includes('RestoreStatus') || !ARCHIVE_CLASSES.has(version.storageClass) || !version.restore) return undefined
  const now = ctx.env.nowMs()
  const { readyAtMs, expiresAtMs } = version.restore
  if (now >= expiresAtMs) return undefined
  return [
    'RestoreStatus',
    [
      ['IsRestoreInProgress', now < readyAtMs],
      ['RestoreExpiryDate', now < readyAtMs ? undefined : isoTime(expiresAtMs)],
    ],
  ]
}

function contentsElement(ctx: RequestContext, version: ObjectVersion, encode: (text: string) => string, withOwner: boolean): XmlChild {
  return [
    'Contents',
    [
      ['Key', encode(version.key)],
      ['LastModified', isoTime(version.lastModifiedMs)],
      ['ETag', quoteEtag(version.etag)],
      ['ChecksumAlgorithm', version.checksum?.algorithm],
      ['ChecksumType', version.checksum?.type],
      ['Size', version.size],
      ['StorageClass', version.storageClass],
      withOwner ? ownerElement() : ['Owner', undefined],
      restoreStatus(ctx, version) ?? ['RestoreStatus', undefined],
    ],
  ]
}

const latestLive = (state: BucketState) => (key: string) => state.objects.get(key)?.[0]?.deleteMarker === false

function prefixElements(prefixes: string[], encode: (text: string) => string): XmlChild[] {
  return prefixes.map((prefix): XmlChild => ['CommonPrefixes', [['Prefix', encode(prefix)]]])
}

export function listObjectsV2(ctx: RequestContext): void {
  const state = ctx.bucket()
  const { prefix, delimiter, encodingType, encode, max } = listingParams(ctx)
  const token = ctx.param('continuation-token')
  const startAfter = ctx.param('start-after')
  let after = startAfter
  if (token !== undefined) {
    const decoded = Buffer.from(token, 'base64url').toString('utf8')
    if (token === '' || !decoded.startsWith('k:'))
      throw invalidArgument('The continuation token provided is incorrect', 'continuation-token', token)
    after = decoded.slice(2)
  }
  const result = page(state, { prefix, delimiter, after, include: latestLive(state) }, max)
  const fetchOwner = ctx.param('fetch-owner') === 'true'
  const next = result.truncated && result.last !== undefined ? Buffer.from(`k:${result.last}`).toString('base64url') : undefined
  ctx.sendXml(200, 'ListBucketResult', [
    ['Name', state.record.name],
    ['Prefix', encode(prefix)],
    ['Delimiter', delimiter && encode(delimiter)],
    ['MaxKeys', max],
    ['EncodingType', encodingType],
    ['KeyCount', result.keys.length + result.prefixes.length],
    ['IsTruncated', result.truncated],
    ['ContinuationToken', token],
    ['NextContinuationToken', next],
    ['StartAfter', startAfter && encode(startAfter)],
    ...result.keys.map((key) => contentsElement(ctx, state.objects.get(key)?.[0] as ObjectVersion, encode, fetchOwner)),
    ...prefixElements(result.prefixes, encode),
  ])
}

export function listObjectsV1(ctx: RequestContext): void {
  const state = ctx.bucket()
  const { prefix, delimiter, encodingType, encode, max } = listingParams(ctx)
  const marker = ctx.param('marker')
  const result = page(state, { prefix, delimiter, after: marker || undefined, include: latestLive(state) }, max)
  ctx.sendXml(200, 'ListBucketResult', [
    ['Name', state.record.name],
    ['Prefix', encode(prefix)],
    ['Marker', encode(marker ?? '')],
    // S3 sends NextMarker only for delimited listings; otherwise the last key is the next marker.
    ['NextMarker', delimiter && result.truncated && result.last !== undefined ? encode(result.last) : undefined],
    ['MaxKeys', max],
    ['Delimiter', delimiter && encode(delimiter)],
    ['IsTruncated', result.truncated],
    ['EncodingType', encodingType],
    ...result.keys.map((key) => contentsElement(ctx, state.objects.get(key)?.[0] as ObjectVersion, encode, true)),
    ...prefixElements(result.prefixes, encode),
  ])
}

export function listObjectVersions(ctx: RequestContext): void {
  const state = ctx.bucket()
  const { prefix, delimiter, encodingType, encode, max } = listingParams(ctx)
  const keyMarker = ctx.param('key-marker') || undefined
  const versionIdMarker = ctx.param('version-id-marker') || undefined
  if (versionIdMarker !== undefined && keyMarker === undefined) {
    throw invalidArgument('A version-id marker cannot be specified without a key marker.', 'version-id-marker', versionIdMarker)
  }
  const entries: XmlChild[] = []
  const prefixes: string[] = []
  let truncated = false
  let nextKey: string | undefined
  let nextVersion: string | undefined
  let count = 0
  const add = (version: ObjectVersion, isLatest: boolean): boolean => {
    if (count === max) {
      truncated = true
      return false
    }
    entries.push(versionElement(version, isLatest, encode))
    nextKey = version.key
    nextVersion = version.versionId
    count++
    return true
  }

  // The rest of the marker key's versions come first, then keys after it.
  if (keyMarker !== undefined && versionIdMarker !== undefined && keyMarker.startsWith(prefix) && max > 0) {
    const versions = state.objects.get(keyMarker) ?? []
    const at = versions.findIndex((version) => version.versionId === versionIdMarker)
    if (at < 0 && versions.length > 0) throw invalidArgument('Invalid version id specified', 'version-id-marker', versionIdMarker)
    for (let i = at + 1; i < versions.length && add(versions[i] as ObjectVersion, i === 0); i++);
  }
  if (!truncated && max > 0) {
    // Every version counts towards max-keys, and so does each common prefix.
    for (const item of walk(state, { prefix, delimiter, after: keyMarker, include: () => true })) {
      if (item.rolledUp) {
        if (count === max) {
          truncated = true
          break
        }
        prefixes.push(item.name)
        nextKey = item.name
        nextVersion = undefined
        count++
        continue
      }
      const versions = state.objects.get(item.name) ?? []
      for (let i = 0; i < versions.length && add(versions[i] as ObjectVersion, i === 0); i++);
      if (truncated) break
    }
  }
  ctx.sendXml(200, 'ListVersionsResult', [
    ['Name', state.record.name],
    ['Prefix', encode(prefix)],
    ['KeyMarker', encode(keyMarker ?? '')],
    ['VersionIdMarker', versionIdMarker ?? ''],
    ['NextKeyMarker', truncated && nextKey !== undefined ? encode(nextKey) : undefined],
    ['NextVersionIdMarker', truncated ? nextVersion : undefined],
    ['MaxKeys', max],
    ['Delimiter', delimiter && encode(delimiter)],
    ['IsTruncated', truncated],
    ['EncodingType', encodingType],
    ...entries,
    ...prefixElements(prefixes, encode),
  ])
}

function versionElement(version: ObjectVersion, isLatest: boolean, encode: (text: string) => string): XmlChild {
  if (version.deleteMarker) {
    return [
      'DeleteMarker',
      [
        ['Key', encode(version.key)],
        ['VersionId', version.versionId],
        ['IsLatest', isLatest],
        ['LastModified', isoTime(version.lastModifiedMs)],
        ownerElement(),
      ],
    ]
  }
  return [
    'Version',
    [
      ['Key', encode(version.key)],
      ['VersionId', version.versionId],
      ['IsLatest', isLatest],
      ['LastModified', isoTime(version.lastModifiedMs)],
      ['ETag', quoteEtag(version.etag)],
      ['ChecksumAlgorithm', version.checksum?.algorithm],
      ['ChecksumType', version.checksum?.type],
      ['Size', version.size],
      ['StorageClass', version.storageClass],
      ownerElement(),
    ],
  ]
}

export function listMultipartUploads(ctx: RequestContext): void {
  const state = ctx.bucket()
  const encodingType = ctx.param('encoding-type')
  if (encodingType !== undefined && encodingType !== 'url')
    throw invalidArgument('Invalid Encoding Method specified in Request', 'encoding-type', encodingType)
  const encode = encodingType === 'url' ? listingEncode : (text: string) => text
  const prefix = ctx.param('prefix') ?? ''
  const delimiter = ctx.param('delimiter') || undefined
  const max = requireParamInt(ctx, 'max-uploads', 0, 1000, 1000, 'Argument max-uploads must be an integer between 0 and 2147483647')
  const keyMarker = ctx.param('key-marker') || undefined
  const uploadIdMarker = ctx.param('upload-id-marker') || undefined
  // Upload ids grow with initiation time, so (key, id) order is S3's (key, initiated) order.
  const uploads = [...state.uploads.values()]
    .map((upload) => upload.record)
    .filter((record) => record.key.startsWith(prefix))
    .sort((a, b) => compareKeys(a.key, b.key) || (a.uploadId < b.uploadId ? -1 : a.uploadId > b.uploadId ? 1 : 0))
  const entries: XmlChild[] = []
  const prefixes: string[] = []
  let truncated = false
  let nextKey: string | undefined
  let nextUploadId: string | undefined
  for (const record of uploads) {
    if (keyMarker !== undefined) {
      const c = compareKeys(record.key, keyMarker)
      if (c < 0 || (c === 0 && (uploadIdMarker === undefined || record.uploadId <= uploadIdMarker))) continue
    }
    const cut = delimiter ? record.key.indexOf(delimiter, prefix.length) : -1
    const commonPrefix = cut >= 0 ? record.key.slice(0, cut + (delimiter as string).length) : undefined
    if (commonPrefix !== undefined && (prefixes[prefixes.length - 1] === commonPrefix || commonPrefix === keyMarker)) continue
    if (entries.length + prefixes.length === max) {
      truncated = true
      break
    }
    if (commonPrefix !== undefined) {
      prefixes.push(commonPrefix)
      nextKey = commonPrefix
      nextUploadId = undefined
      continue
    }
    entries.push([
      'Upload',
      [
        ['Key', encode(record.key)],
        ['UploadId', record.uploadId],
        ownerElement('Initiator'),
        ownerElement(),
        ['StorageClass', record.storageClass],
        ['Initiated', isoTime(record.initiatedMs)],
        ['ChecksumAlgorithm', record.checksumAlgorithm],
        ['ChecksumType', record.checksumType],
      ],
    ])
    nextKey = record.key
    nextUploadId = record.uploadId
  }
  ctx.sendXml(200, 'ListMultipartUploadsResult', [
    ['Bucket', state.record.name],
    ['KeyMarker', encode(keyMarker ?? '')],
    ['UploadIdMarker', uploadIdMarker ?? ''],
    ['NextKeyMarker', truncated && nextKey !== undefined ? encode(nextKey) : undefined],
    ['NextUploadIdMarker', truncated ? nextUploadId : undefined],
    ['Prefix', encode(prefix)],
    ['Delimiter', delimiter && encode(delimiter)],
    ['MaxUploads', max],
    ['IsTruncated', truncated],
    ['EncodingType', encodingType],
    ...entries,
    ...prefixElements(prefixes, encode),
  ])
}
