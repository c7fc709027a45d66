/**
 * Object operations: Put/Get/Head/Delete, DeleteObjects, CopyObject, tagging, RestoreObject and
 * GetObjectAttributes.
 */
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { isDenied } from './auth'
import { readSegments } from './blobs'
import { readSmallBody, receiveBlob } from './body'
import { checksumElementName, parseChecksumAlgorithm } from './checksums'
import type { RequestContext } from './context'
import { S3Error, invalidArgument, invalidRequest, malformedXml, noSuchKey, preconditionFailed } from './errors'
import {
  checksumHeaders,
  etagMatches,
  httpDate,
  isReadable,
  objectHeaders,
  parseMetadata,
  parseObjectHeaders,
  parseStorageClass,
  parseTaggingHeader,
  quoteEtag,
  restoreExpiry,
  validateTags,
  versionHeader,
} from './headers'
import { percentDecode } from './keys'
import type { ChecksumAlgorithm, ObjectVersion, RestoreTier, StoredChecksum } from './model'
import { ARCHIVE_CLASSES, MAX_OBJECT_SIZE } from './model'
import { parseTagging, tagSetElement } from './ops-bucket'
import { checkKey, isVersionId, wholeSeconds, type BucketState } from './store'
import { childList, childNode, childText, isoTime, parseXmlBody, type XmlChild } from './xml'

const SSE = { 'x-amz-server-side-encryption': 'AES256' }

/**
 * The version a request addresses: `versionId` if given, else the current one. A delete marker as current
 * version reads as NoSuchKey; addressed by id it is MethodNotAllowed (both with x-amz-delete-marker).
 */
export function resolveVersion(state: BucketState, key: string, versionId: string | undefined): ObjectVersion {
  if (versionId !== undefined) {
    if (!isVersionId(versionId)) throw invalidArgument('Invalid version id specified', 'versionId', versionId)
    const version = state.objects.get(key)?.find((v) => v.versionId === versionId)
    if (!version) throw new S3Error('NoSuchVersion', undefined, { Key: key, VersionId: versionId })
    if (version.deleteMarker) {
      throw new S3Error(
        'MethodNotAllowed',
        undefined,
        { Method: 'GET', ResourceType: 'DeleteMarker' },
        {
          'x-amz-delete-marker': 'true',
          'x-amz-version-id': versionId,
          'Last-Modified': httpDate(version.lastModifiedMs),
        },
      )
    }
    return version
  }
  const version = state.objects.get(key)?.[0]
  if (!version) throw noSuchKey(key)
  if (version.deleteMarker) throw noSuchKey(key, { 'x-amz-delete-marker': 'true', 'x-amz-version-id': version.versionId })
  return version
}

const tooLarge = (size?: number) => () => new S3Error('EntityTooLarge', undefined, { ProposedSize: size, MaxSizeAllowed: MAX_OBJECT_SIZE })

/** If-None-Match: * and If-Match on writes, checked when the write commits. */
export function checkWriteConditions(ctx: RequestContext, state: BucketState, key: string): void {
  const current = state.objects.get(key)?.[0]
  const exists = current !== undefined && !current.deleteMarker
  const ifNoneMatch = ctx.header('if-none-match')
  if (ifNoneMatch !== undefined) {
    if (ifNoneMatch.trim() !== '*') throw new S3Error('NotImplemented', undefined, { Header: 'If-None-Match' })
    if (exists) throw preconditionFailed('If-None-Match')
  }
  const ifMatch = ctx.header('if-match')
  if (ifMatch !== undefined) {
    if (!exists) throw noSuchKey(key)
    if (!etagMatches(ifMatch, current.etag)) throw preconditionFailed('If-Match')
  }
}

export async function putObject(ctx: RequestContext): Promise<void> {
  const state = ctx.bucket()
  const key = ctx.objectKey
  const storageClass = parseStorageClass(ctx.header('x-amz-storage-class'))
  const headers = parseObjectHeaders(ctx)
  const metadata = parseMetadata(ctx)
  const tags = parseTaggingHeader(ctx.header('x-amz-tagging'))
  const body = await receiveBlob(ctx, { maxSize: MAX_OBJECT_SIZE, tooLarge: tooLarge(Number(ctx.header('content-length'))) })
  try {
    checkWriteConditions(ctx, state, key)
  } catch (error) {
    for (const segment of body.segments) await ctx.store.discardBlob(segment.blobId)
    throw error
  }
  const checksum: StoredChecksum | undefined = body.checksum && { ...body.checksum, type: 'FULL_OBJECT' }
  const version = ctx.store.writeVersion(state, {
    key,
    deleteMarker: false,
    lastModifiedMs: wholeSeconds(ctx.env.nowMs()),
    size: body.size,
    etag: body.md5Hex,
    storageClass,
    headers,
    metadata,
    tags,
    checksum,
    segments: body.segments,
  })
  ctx.sendEmpty(200, { ETag: quoteEtag(version.etag), ...SSE, ...writeVersionHeader(state, version), ...checksumHeaders(checksum) })
}

/** Writes report the new version id only while versioning is on. */
function writeVersionHeader(state: BucketState, version: ObjectVersion): Record<string, string> {
  return state.record.versioning === 'Enabled' ? { 'x-amz-version-id': version.versionId } : {}
}

/** S3's precedence: If-Match over If-Unmodified-Since (412), If-None-Match over If-Modified-Since (304). */
function checkReadConditions(ctx: RequestContext, version: ObjectVersion): void {
  const ifMatch = ctx.header('if-match')
  const ifNoneMatch = ctx.header('if-none-match')
  const ifModifiedSince = Date.parse(ctx.header('if-modified-since') ?? '')
  const ifUnmodifiedSince = Date.parse(ctx.header('if-unmodified-since') ?? '')
  if (ifMatch !== undefined) {
    if (!etagMatches(ifMatch, version.etag)) throw preconditionFailed('If-Match')
  } else if (!Number.isNaN(ifUnmodifiedSince) && version.lastModifiedMs > ifUnmodifiedSince) {
    throw preconditionFailed('If-Unmodified-Since')
  }
  const notModified = () =>
    new S3Error('NotModified', undefined, {}, { ETag: quoteEtag(version.etag), 'Last-Modified': httpDate(version.lastModifiedMs) })
  if (ifNoneMatch !== undefined) {
    if (etagMatches(ifNoneMatch, version.etag)) throw notModified()
  } else if (!Number.isNaN(ifModifiedSince) && version.lastModifiedMs <= ifModifiedSince) {
    throw notModified()
  }
}

type ByteRange = { start: number; end: number }

/** `bytes=a-b`, `bytes=a-`, `bytes=-n`; anything else is ignored like S3 does (whole object). */
function parseRange(text: string, size: number): ByteRange | undefined {
  const m = /^bytes=(\d*)-(\d*)$/.exec(text.trim())
  if (!m || (m[1] === '' && m[2] === '')) return undefined
  const unsatisfiable = () =>
    new S3Error('InvalidRange', undefined, { RangeRequested: text, ActualObjectSize: size }, { 'Content-Range': `bytes */${size}` })
  if (m[1] === '') {
    const suffix = Number(m[2])
    if (suffix === 0 || size === 0) throw unsatisfiable()
    return { start: Math.max(0, size - suffix), end: size - 1 }
  }
  const start = Number(m[1])
  const last = m[2] === '' ? size - 1 : Number(m[2])
  if (last < start) return undefined
  if (start >= size) throw unsatisfiable()
  return { start, end: Math.min(last, size - 1) }
}

const OVERRIDES: Array<[param: string, header: string]> = [
  ['response-content-type', 'Content-Type'],
  ['response-content-language', 'Content-Language'],
  ['response-expires', 'Expires'],
  ['response-cache-control', 'Cache-Control'],
  ['response-content-disposition', 'Content-Disposition'],
  ['response-content-encoding', 'Content-Encoding'],
]

/** GetObject and HeadObject. */
export async function getObject(ctx: RequestContext): Promise<void> {
  const state = ctx.bucket()
  const version = resolveVersion(state, ctx.objectKey, ctx.param('versionId'))
  checkReadConditions(ctx, version)
  const now = ctx.env.nowMs()
  const isHead = ctx.method === 'HEAD'
  if (!isHead && !isReadable(version, now)) {
    throw new S3Error('InvalidObjectState', undefined, { StorageClass: version.storageClass })
  }
  const headers = objectHeaders(version, state.record.versioning, now)
  for (const [param, header] of OVERRIDES) {
    const value = ctx.param(param)
    if (value === undefined) continue
    if (!/^[\t\x20-\x7e\x80-\xff]*$/.test(value)) throw invalidArgument(`Invalid value for ${param}`, param, value)
    headers[header] = value
  }

  const partCount = version.parts?.length ?? 1
  let range: ByteRange | undefined
  const partText = ctx.param('partNumber')
  const rangeText = ctx.header('range')
  if (partText !== undefined) {
    if (rangeText !== undefined) throw invalidRequest('Cannot specify both Range header and partNumber query parameter')
    const partNumber = Number(partText)
    if (!/^\d+$/.test(partText) || partNumber < 1 || partNumber > 10_000) {
      throw invalidArgument('Part number must be an integer between 1 and 10000, inclusive', 'partNumber', partText)
    }
    if (partNumber > partCount)
      throw new S3Error('InvalidPartNumber', undefined, { PartNumberRequested: partNumber, ActualPartCount: partCount })
    const sizes = version.parts?.map((part) => part.size) ?? [version.size]
    const start = sizes.slice(0, partNumber - 1).reduce((sum, n) => sum + n, 0)
    range = { start, end: start + (sizes[partNumber - 1] as number) - 1 }
    if (version.parts) headers['x-amz-mp-parts-count'] = partCount
    const part = version.parts?.[partNumber - 1]
    if (ctx.header('x-amz-checksum-mode') === 'ENABLED' && version.checksum && part?.checksum) {
      headers[`x-amz-checksum-${version.checksum.algorithm.toLowerCase()}`] = part.checksum
    }
  } else if (rangeText !== undefined) {
    range = parseRange(rangeText, version.size)
  }
  // Checksums describe the whole object, so S3 sends them only for full reads.
  if (!range && ctx.header('x-amz-checksum-mode') === 'ENABLED') Object.assign(headers, checksumHeaders(version.checksum, partCount))

  const start = range?.start ?? 0
  const length = range ? range.end - range.start + 1 : version.size
  headers['Content-Length'] = length
  if (range) headers['Content-Range'] = `bytes ${range.start}-${range.end}/${version.size}`
  const status = range ? 206 : 200
  if (isHead || length === 0) {
    ctx.res.writeHead(status, headers)
    ctx.res.end()
    return
  }
  ctx.res.writeHead(status, headers)
  // Pin the blobs: a concurrent delete must not pull the file from under the stream.
  ctx.store.retain(version.segments)
  try {
    const source = Readable.from(
      readSegments((id) => ctx.store.blobPath(id), version.segments, start, start + length),
      { highWaterMark: 2 },
    )
    await pipeline(source, ctx.res)
  } finally {
    ctx.store.release(version.segments)
  }
}

export function deleteObject(ctx: RequestContext): void {
  const state = ctx.bucket()
  const key = ctx.objectKey
  const versionId = ctx.param('versionId')
  if (versionId !== undefined) {
    if (!isVersionId(versionId)) throw invalidArgument('Invalid version id specified', 'versionId', versionId)
    const removed = ctx.store.deleteVersion(state, key, versionId)
    ctx.sendEmpty(204, { 'x-amz-version-id': versionId, ...(removed?.deleteMarker ? { 'x-amz-delete-marker': 'true' } : {}) })
    return
  }
  const { marker } = ctx.store.deleteCurrent(state, key)
  ctx.sendEmpty(204, marker ? { 'x-amz-delete-marker': 'true', 'x-amz-version-id': marker.versionId } : {})
}

export async function deleteObjects(ctx: RequestContext): Promise<void> {
  const state = ctx.bucket()
  const root = parseXmlBody(await readSmallBody(ctx, { requireIntegrity: true }), 'Delete')
  const quiet = childText(root, 'Quiet') === 'true'
  const objects = childList(root, 'Object')
  if (objects.length === 0 || objects.length > 1000) throw malformedXml()
  const credential = ctx.auth?.credential
  const results: XmlChild[] = []
  for (const object of objects) {
    const key = childText(object, 'Key')
    if (key === undefined) throw malformedXml()
    const versionId = childText(object, 'VersionId') || undefined
    const error = (code: string, message: string): XmlChild => [
      'Error',
      [
        ['Key', key],
        ['VersionId', versionId],
        ['Code', code],
        ['Message', message],
      ],
    ]
    if (credential && isDenied(credential, versionId ? 's3:DeleteObjectVersion' : 's3:DeleteObject')) {
      results.push(error('AccessDenied', 'Access Denied'))
      continue
    }
    try {
      checkKey(key)
    } catch (e) {
      results.push(error((e as S3Error).code, (e as S3Error).message))
      continue
    }
    if (versionId !== undefined) {
      if (!isVersionId(versionId)) {
        results.push(error('NoSuchVersion', 'The specified version does not exist.'))
        continue
      }
      const removed = ctx.store.deleteVersion(state, key, versionId)
      if (!quiet) {
        const marker = removed?.deleteMarker === true
        results.push([
          'Deleted',
          [
            ['Key', key],
            ['VersionId', versionId],
            ['DeleteMarker', marker || undefined],
            ['DeleteMarkerVersionId', marker ? versionId : undefined],
          ],
        ])
      }
      continue
    }
    const { marker } = ctx.store.deleteCurrent(state, key)
    if (!quiet)
      results.push([
        'Deleted',
        [
          ['Key', key],
          ['DeleteMarker', marker ? true : undefined],
          ['DeleteMarkerVersionId', marker?.versionId],
        ],
      ])
  }
  ctx.sendXml(200, 'DeleteResult', results)
}

export interface CopySource {
  state: BucketState
  version: ObjectVersion
}

/** Parses x-amz-copy-source (`[/]bucket/key[?versionId=id]`, URL-encoded), authorizes reading it and applies its conditions. */
export function resolveCopySource(ctx: RequestContext): CopySource {
  const raw = (ctx.header('x-amz-copy-source') ?? '').replace(/^\//, '')
  const q = raw.indexOf('?')
  const pathPart = q < 0 ? raw : raw.slice(0, q)
  let versionId: string | undefined
  if (q >= 0) {
    const query = raw.slice(q + 1)
    const m = /^versionId=(.*)$/.exec(query)
    if (!m) throw invalidArgument('Unsupported copy source parameter.', 'x-amz-copy-source', raw)
    versionId = percentDecode(m[1] ?? '') ?? undefined
  }
  const slash = pathPart.indexOf('/')
  const bucket = slash > 0 ? percentDecode(pathPart.slice(0, slash)) : null
  const key = slash > 0 ? percentDecode(pathPart.slice(slash + 1)) : null
  if (!bucket || !key) {
    throw invalidArgument('Copy Source must mention the source bucket and key: sourcebucket/sourcekey', 'x-amz-copy-source', raw)
  }
  checkKey(key)
  const credential = ctx.auth?.credential
  if (credential && isDenied(credential, versionId ? 's3:GetObjectVersion' : 's3:GetObject')) throw new S3Error('AccessDenied')
  const state = ctx.store.requireBucket(bucket)
  if (versionId !== undefined && state.objects.get(key)?.find((v) => v.versionId === versionId)?.deleteMarker) {
    throw invalidRequest('The source of a copy request may not specifically refer to a delete marker by version id.')
  }
  const version = resolveVersion(state, key, versionId)

  const ifMatch = ctx.header('x-amz-copy-source-if-match')
  const ifNoneMatch = ctx.header('x-amz-copy-source-if-none-match')
  const ifUnmodifiedSince = Date.parse(ctx.header('x-amz-copy-source-if-unmodified-since') ?? '')
  const ifModifiedSince = Date.parse(ctx.header('x-amz-copy-source-if-modified-since') ?? '')
  if (ifMatch !== undefined) {
    if (!etagMatches(ifMatch, version.etag)) throw preconditionFailed('x-amz-copy-source-If-Match')
  } else if (!Number.isNaN(ifUnmodifiedSince) && version.lastModifiedMs > ifUnmodifiedSince) {
    throw preconditionFailed('x-amz-copy-source-If-Unmodified-Since')
  }
  if (ifNoneMatch !== undefined) {
    if (etagMatches(ifNoneMatch, version.etag)) throw preconditionFailed('x-amz-copy-source-If-None-Match')
  } else if (!Number.isNaN(ifModifiedSince) && version.lastModifiedMs <= ifModifiedSince) {
    throw preconditionFailed('x-amz-copy-source-If-Modified-Since')
  }
  if (!isReadable(version, ctx.env.nowMs())) throw new S3Error('InvalidObjectState', undefined, { StorageClass: version.storageClass })
  return { state, version }
}

function directive(ctx: RequestContext, header: string, what: string): 'COPY' | 'REPLACE' {
  const value = ctx.header(header) ?? 'COPY'
  if (value !== 'COPY' && value !== 'REPLACE') throw invalidArgument(`Unknown ${what} directive.`, header, value)
  return value
}

export function checksumAlgorithmHeader(ctx: RequestContext): ChecksumAlgorithm | undefined {
  const text = ctx.header('x-amz-checksum-algorithm')
  if (text === undefined) return undefined
  const algorithm = parseChecksumAlgorithm(text)
  if (!algorithm)
    throw invalidRequest(
      'Checksum algorithm provided is unsupported. Please try again with any of the valid types: [CRC32, CRC32C, CRC64NVME, SHA1, SHA256]',
    )
  return algorithm
}

export async function copyObject(ctx: RequestContext): Promise<void> {
  const state = ctx.bucket()
  const key = ctx.objectKey
  const source = resolveCopySource(ctx)
  const src = source.version
  const metadataDirective = directive(ctx, 'x-amz-metadata-directive', 'metadata')
  const taggingDirective = directive(ctx, 'x-amz-tagging-directive', 'tagging')
  const storageClassHeader = ctx.header('x-amz-storage-class')
  const storageClass = parseStorageClass(storageClassHeader)
  const algorithm = checksumAlgorithmHeader(ctx)
  if (src.size > MAX_OBJECT_SIZE) {
    throw invalidRequest(`The specified copy source is larger than the maximum allowable size for a copy source: ${MAX_OBJECT_SIZE}`)
  }
  const sameObject = source.state === state && src.key === key && state.objects.get(key)?.[0] === src
  const changesSomething =
    metadataDirective === 'REPLACE' ||
    storageClassHeader !== undefined ||
    ctx.header('x-amz-website-redirect-location') !== undefined ||
    ctx.header('x-amz-server-side-encryption') !== undefined ||
    (algorithm !== undefined && algorithm !== src.checksum?.algorithm)
  if (sameObject && !changesSomething) {
    throw invalidRequest(
      "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.",
    )
  }
  const replaced = metadataDirective === 'REPLACE'
  const headers = replaced ? parseObjectHeaders(ctx) : { ...src.headers }
  const metadata = replaced ? parseMetadata(ctx) : { ...src.metadata }
  const tags = taggingDirective === 'REPLACE' ? parseTaggingHeader(ctx.header('x-amz-tagging')) : { ...src.tags }

  // The copy shares the source's blobs. Its ETag is the source's unless the source is multipart: a copy is
  // a single-part object, so S3 gives it the MD5 of the data, which then has to be read.
  const wanted = algorithm ?? src.checksum?.algorithm
  const reuseChecksum = wanted !== undefined && src.checksum?.algorithm === wanted && src.checksum.type === 'FULL_OBJECT'
  let etag = src.etag
  let checksum: StoredChecksum | undefined = reuseChecksum ? src.checksum : undefined
  if (src.parts || (wanted !== undefined && !reuseChecksum)) {
    const digests = await ctx.store.hashSegments(src.segments, reuseChecksum ? undefined : wanted)
    etag = digests.md5Hex
    if (wanted && digests.checksum) checksum = { algorithm: wanted, type: 'FULL_OBJECT', value: digests.checksum }
  }
  checkWriteConditions(ctx, state, key)
  const version = ctx.store.writeVersion(state, {
    key,
    deleteMarker: false,
    lastModifiedMs: wholeSeconds(ctx.env.nowMs()),
    size: src.size,
    etag,
    storageClass,
    headers,
    metadata,
    tags,
    checksum,
    segments: src.segments,
  })
  const responseHeaders: Record<string, string> = { ...SSE, ...writeVersionHeader(state, version) }
  if (source.state.record.versioning !== 'Unversioned') responseHeaders['x-amz-copy-source-version-id'] = src.versionId
  ctx.sendXml(
    200,
    'CopyObjectResult',
    [
      ['ETag', quoteEtag(version.etag)],
      ['LastModified', isoTime(version.lastModifiedMs)],
      ['ChecksumType', checksum?.type],
      ...(checksum ? [[checksumElementName(checksum.algorithm), checksum.value] as XmlChild] : []),
    ],
    responseHeaders,
  )
}

export function getObjectTagging(ctx: RequestContext): void {
  const state = ctx.bucket()
  const version = resolveVersion(state, ctx.objectKey, ctx.param('versionId'))
  ctx.sendXml(200, 'Tagging', [tagSetElement(version.tags)], versionHeader(version, state.record.versioning))
}

export async function putObjectTagging(ctx: RequestContext): Promise<void> {
  const state = ctx.bucket()
  const version = resolveVersion(state, ctx.objectKey, ctx.param('versionId'))
  const tags = validateTags(parseTagging(await readSmallBody(ctx)), 10, 'object')
  ctx.store.updateVersion(state, version, { tags })
  ctx.sendEmpty(200, versionHeader(version, state.record.versioning))
}

export function deleteObjectTagging(ctx: RequestContext): void {
  const state = ctx.bucket()
  const version = resolveVersion(state, ctx.objectKey, ctx.param('versionId'))
  ctx.store.updateVersion(state, version, { tags: {} })
  ctx.sendEmpty(204, versionHeader(version, state.record.versioning))
}

const TIERS: readonly RestoreTier[] = ['Expedited', 'Standard', 'Bulk']

/**
 * POST ?restore: 202 when a restore starts, 200 when the object is already restored (its expiry moves),
 * 409 while one is in progress. Completion is by the emulator's clock after restoreDelayMs for the tier.
 */
export async function restoreObject(ctx: RequestContext): Promise<void> {
  const state = ctx.bucket()
  const version = resolveVersion(state, ctx.objectKey, ctx.param('versionId'))
  const root = parseXmlBody(await readSmallBody(ctx), 'RestoreRequest')
  const daysText = childText(root, 'Days')
  const tierText = childText(childNode(root, 'GlacierJobParameters'), 'Tier') ?? 'Standard'
  const tier = TIERS.find((t) => t === tierText)
  if (daysText === undefined || !/^\d+$/.test(daysText) || Number(daysText) < 1 || !tier) throw malformedXml()
  const days = Number(daysText)
  if (!ARCHIVE_CLASSES.has(version.storageClass)) {
    throw new S3Error('InvalidObjectState', "Restore is not allowed for the object's current storage class", {
      StorageClass: version.storageClass,
    })
  }
  if (version.storageClass === 'DEEP_ARCHIVE' && tier === 'Expedited') {
    throw invalidArgument('Expedited retrieval is not supported for the DEEP_ARCHIVE storage class', 'Tier', tier)
  }
  const now = ctx.env.nowMs()
  const current = version.restore
  if (current && now < current.readyAtMs) throw new S3Error('RestoreAlreadyInProgress')
  if (current && now < current.expiresAtMs) {
    ctx.store.updateVersion(state, version, { restore: { ...current, days, expiresAtMs: restoreExpiry(now, days) } })
    ctx.sendEmpty(200)
    return
  }
  const readyAtMs = now + ctx.env.restoreDelayMs[tier]
  ctx.store.updateVersion(state, version, { restore: { tier, days, readyAtMs, expiresAtMs: restoreExpiry(readyAtMs, days) } })
  ctx.sendEmpty(202)
}

const ATTRIBUTES = new Set(['ETag', 'Checksum', 'ObjectParts', 'StorageClass', 'ObjectSize'])

export function getObjectAttributes(ctx: RequestContext): void {
  const state = ctx.bucket()
  const wanted = new Set(
    (ctx.header('x-amz-object-attributes') ?? '')
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== ''),
  )
  if (wanted.size === 0 || [...wanted].some((name) => !ATTRIBUTES.has(name))) {
    throw invalidArgument('Invalid attribute name specified.', 'x-amz-object-attributes', ctx.header('x-amz-object-attributes'))
  }
  const version = resolveVersion(state, ctx.objectKey, ctx.param('versionId'))
  const maxParts = Number(ctx.header('x-amz-max-parts') ?? 1000)
  const marker = Number(ctx.header('x-amz-part-number-marker') ?? 0)
  if (!Number.isInteger(maxParts) || maxParts < 0 || !Number.isInteger(marker) || marker < 0) {
    throw invalidArgument('Part number marker and max parts must be non-negative integers', 'x-amz-max-parts')
  }
  const children: XmlChild[] = []
  if (wanted.has('ETag')) children.push(['ETag', version.etag])
  if (wanted.has('Checksum') && version.checksum) {
    // GetObjectAttributes reports a composite checksum without its -N suffix.
    children.push([
      'Checksum',
      [
        [checksumElementName(version.checksum.algorithm), version.checksum.value],
        ['ChecksumType', version.checksum.type],
      ],
    ])
  }
  if (wanted.has('ObjectParts') && version.parts) {
    const listed = version.parts.map((part, index) => ({ ...part, number: index + 1 })).filter((part) => part.number > marker)
    const page = listed.slice(0, Math.min(maxParts, 1000))
    const truncated = listed.length > page.length
    const algorithm = version.checksum?.algorithm
    // S3 lists the parts only for objects that have per-part checksums.
    const withParts = algorithm !== undefined && version.parts.every((part) => part.checksum !== undefined)
    children.push([
      'ObjectParts',
      [
        ['PartsCount', version.parts.length],
        ['PartNumberMarker', marker],
        ['NextPartNumberMarker', page.length > 0 ? page[page.length - 1]?.number : undefined],
        ['MaxParts', maxParts],
        ['IsTruncated', truncated],
        ...(withParts
          ? page.map((part): XmlChild => [
              'Part',
              [
                ['PartNumber', part.number],
                ['Size', part.size],
                [checksumElementName(algorithm), part.checksum],
              ],
            ])
          : []),
      ],
    ])
  }
  if (wanted.has('StorageClass')) children.push(['StorageClass', version.storageClass])
  if (wanted.has('ObjectSize')) children.push(['ObjectSize', version.size])
  ctx.sendXml(200, 'GetObjectAttributesResponse', children, {
    'Last-Modified': httpDate(version.lastModifiedMs),
    ...versionHeader(version, state.record.versioning),
  })
}
