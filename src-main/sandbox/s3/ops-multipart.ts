/**
 * Multipart uploads: create, upload (and copy) parts, list parts, complete and abort. Completing writes
 * only metadata: the object's segments are the parts' blobs, and a full-object CRC is combined from the
 * part CRCs instead of re-reading the data.
 */
import { createHash } from 'node:crypto'
import { sliceSegments } from './blobs'
import { readSmallBody, receiveBlob, requestChecksum } from './body'
import { checksumElementName, checksumHeaderName, combineCrc, compositeChecksum, isCrc } from './checksums'
import { ownerElement, requireParamInt, type RequestContext } from './context'
import { S3Error, invalidArgument, invalidRequest, malformedXml, noSuchUpload } from './errors'
import { checksumValue, parseMetadata, parseObjectHeaders, parseStorageClass, parseTaggingHeader, quoteEtag } from './headers'
import { uriEncode } from './keys'
import type { ChecksumType, PartInfo, PartRecord, StoredChecksum } from './model'
import { MAX_PART_NUMBER, MAX_PART_SIZE, MIN_PART_SIZE } from './model'
import { checkWriteConditions, checksumAlgorithmHeader, resolveCopySource } from './ops-object'
import { wholeSeconds, type BucketState, type UploadState } from './store'
import { childList, childText, isoTime, parseXmlBody, xmlDocument, type XmlChild } from './xml'

const SSE = { 'x-amz-server-side-encryption': 'AES256' }

function requireUpload(ctx: RequestContext, state: BucketState): UploadState {
  const uploadId = ctx.param('uploadId') ?? ''
  const upload = state.uploads.get(uploadId)
  // An upload id used with another key is as unknown to S3 as a made-up one.
  if (!upload || upload.record.key !== ctx.objectKey) throw noSuchUpload(uploadId)
  return upload
}

function partNumberParam(ctx: RequestContext): number {
  const text = ctx.param('partNumber') ?? ''
  const n = Number(text)
  if (!/^\d+$/.test(text) || n < 1 || n > MAX_PART_NUMBER) {
    throw invalidArgument('Part number must be an integer between 1 and 10000, inclusive', 'partNumber', text)
  }
  return n
}

export function createMultipartUpload(ctx: RequestContext): void {
  const state = ctx.bucket()
  const key = ctx.objectKey
  const storageClass = parseStorageClass(ctx.header('x-amz-storage-class'))
  const headers = parseObjectHeaders(ctx)
  const metadata = parseMetadata(ctx)
  const tags = parseTaggingHeader(ctx.header('x-amz-tagging'))
  const algorithm = checksumAlgorithmHeader(ctx)
  const typeText = ctx.header('x-amz-checksum-type')
  if (typeText !== undefined && typeText !== 'FULL_OBJECT' && typeText !== 'COMPOSITE') {
    throw invalidRequest('Value for x-amz-checksum-type header is invalid.')
  }
  if (typeText !== undefined && !algorithm) {
    throw invalidRequest('The x-amz-checksum-type header can only be used with the x-amz-checksum-algorithm header.')
  }
  // S3's rules: CRC64NVME is always full-object, SHA* always composite, CRC32/CRC32C composite unless asked.
  const checksumType: ChecksumType | undefined =
    (typeText as ChecksumType | undefined) ?? (algorithm === 'CRC64NVME' ? 'FULL_OBJECT' : algorithm ? 'COMPOSITE' : undefined)
  if (algorithm && checksumType === 'FULL_OBJECT' && !isCrc(algorithm)) {
    throw invalidRequest(`The FULL_OBJECT checksum type cannot be used with the ${algorithm.toLowerCase()} checksum algorithm.`)
  }
  if (algorithm === 'CRC64NVME' && checksumType === 'COMPOSITE') {
    throw invalidRequest('The COMPOSITE checksum type cannot be used with the crc64nvme checksum algorithm.')
  }
  const uploadId = ctx.store.newUploadId()
  ctx.store.createUpload(state, {
    uploadId,
    key,
    initiatedMs: ctx.env.nowMs(),
    storageClass,
    headers,
    metadata,
    tags,
    checksumAlgorithm: algorithm,
    checksumType,
  })
  const responseHeaders: Record<string, string> = { ...SSE }
  if (algorithm && checksumType) {
    responseHeaders['x-amz-checksum-algorithm'] = algorithm
    responseHeaders['x-amz-checksum-type'] = checksumType
  }
  ctx.sendXml(
    200,
    'InitiateMultipartUploadResult',
    [
      ['Bucket', state.record.name],
      ['Key', key],
      ['UploadId', uploadId],
    ],
    responseHeaders,
  )
}

export async function uploadPart(ctx: RequestContext): Promise<void> {
  const state = ctx.bucket()
  const upload = requireUpload(ctx, state)
  const partNumber = partNumberParam(ctx)
  const algorithm = upload.record.checksumAlgorithm
  // Composite checksums are built from the part checksums, so S3 insists each part brings one.
  if (algorithm && upload.record.checksumType === 'COMPOSITE' && !requestChecksum(ctx)) {
    throw invalidRequest(`Checksum Type mismatch occurred, expected checksum Type: ${algorithm.toLowerCase()}, actual checksum Type: null`)
  }
  const body = await receiveBlob(ctx, {
    maxSize: MAX_PART_SIZE,
    tooLarge: () => new S3Error('EntityTooLarge', undefined, { MaxSizeAllowed: MAX_PART_SIZE }),
    requiredAlgorithm: algorithm,
    defaultAlgorithm: algorithm,
  })
  // The upload may have been completed or aborted while the body streamed.
  if (state.uploads.get(upload.record.uploadId) !== upload) {
    for (const segment of body.segments) await ctx.store.discardBlob(segment.blobId)
    throw noSuchUpload(upload.record.uploadId)
  }
  const part: PartRecord = {
    partNumber,
    size: body.size,
    etag: body.md5Hex,
    lastModifiedMs: wholeSeconds(ctx.env.nowMs()),
    checksum: body.checksum,
    segments: body.segments,
  }
  ctx.store.putPart(state, upload, part)
  const headers: Record<string, string> = { ETag: quoteEtag(part.etag), ...SSE }
  if (part.checksum) headers[checksumHeaderName(part.checksum.algorithm)] = part.checksum.value
  ctx.sendEmpty(200, headers)
}

export async function uploadPartCopy(ctx: RequestContext): Promise<void> {
  const state = ctx.bucket()
  const upload = requireUpload(ctx, state)
  const partNumber = partNumberParam(ctx)
  const source = resolveCopySource(ctx)
  const src = source.version
  const rangeText = ctx.header('x-amz-copy-source-range')
  let start = 0
  let end = src.size
  if (rangeText !== undefined) {
    const m = /^bytes=(\d+)-(\d+)$/.exec(rangeText.trim())
    if (!m || Number(m[2]) < Number(m[1])) {
      throw invalidArgument(
        'The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy',
        'x-amz-copy-source-range',
        rangeText,
      )
    }
    start = Number(m[1])
    end = Number(m[2]) + 1
    if (end > src.size) throw invalidRequest(`Range specified is not valid for source object of size: ${src.size}`)
  }
  if (end - start > MAX_PART_SIZE) {
    throw invalidRequest(`The specified copy source is larger than the maximum allowable size for a copy source: ${MAX_PART_SIZE}`)
  }
  const segments = sliceSegments(src.segments, start, end)
  const algorithm = upload.record.checksumAlgorithm
  const digests = await ctx.store.hashSegments(segments, algorithm)
  const part: PartRecord = {
    partNumber,
    size: end - start,
    etag: digests.md5Hex,
    lastModifiedMs: wholeSeconds(ctx.env.nowMs()),
    checksum: algorithm && digests.checksum ? { algorithm, value: digests.checksum } : undefined,
    segments,
  }
  ctx.store.putPart(state, upload, part)
  const headers: Record<string, string> = { ...SSE }
  if (source.state.record.versioning !== 'Unversioned') headers['x-amz-copy-source-version-id'] = src.versionId
  ctx.sendXml(
    200,
    'CopyPartResult',
    [
      ['ETag', quoteEtag(part.etag)],
      ['LastModified', isoTime(part.lastModifiedMs)],
      ...(part.checksum ? [[checksumElementName(part.checksum.algorithm), part.checksum.value] as XmlChild] : []),
    ],
    headers,
  )
}

export function listParts(ctx: RequestContext): void {
  const state = ctx.bucket()
  const upload = requireUpload(ctx, state)
  const max = requireParamInt(ctx, 'max-parts', 0, 1000, 1000, 'Argument max-parts must be an integer between 0 and 2147483647')
  const marker = requireParamInt(
    ctx,
    'part-number-marker',
    0,
    Number.MAX_SAFE_INTEGER,
    0,
    'Argument part-number-marker must be an integer between 0 and 2147483647',
  )
  const parts = [...upload.parts.values()].filter((part) => part.partNumber > marker).sort((a, b) => a.partNumber - b.partNumber)
  const page = parts.slice(0, max)
  const { record } = upload
  ctx.sendXml(200, 'ListPartsResult', [
    ['Bucket', state.record.name],
    ['Key', record.key],
    ['UploadId', record.uploadId],
    ['PartNumberMarker', marker],
    ['NextPartNumberMarker', page[page.length - 1]?.partNumber ?? 0],
    ['MaxParts', max],
    ['IsTruncated', parts.length > page.length],
    ...page.map((part): XmlChild => [
      'Part',
      [
        ['PartNumber', part.partNumber],
        ['LastModified', isoTime(part.lastModifiedMs)],
        ['ETag', quoteEtag(part.etag)],
        ['Size', part.size],
        ...(part.checksum ? [[checksumElementName(part.checksum.algorithm), part.checksum.value] as XmlChild] : []),
      ],
    ]),
    ownerElement('Initiator'),
    ownerElement(),
    ['StorageClass', record.storageClass],
    ['ChecksumAlgorithm', record.checksumAlgorithm],
    ['ChecksumType', record.checksumType],
  ])
}

export async function completeMultipartUpload(ctx: RequestContext): Promise<void> {
  const state = ctx.bucket()
  const upload = requireUpload(ctx, state)
  const requested = childList(
    parseXmlBody(await readSmallBody(ctx, { checksumHeadersDescribeBody: false }), 'CompleteMultipartUpload'),
    'Part',
  )
  if (requested.length === 0) throw malformedXml()

  const faults = ctx.env.faults
  if (faults.completeMultipartUploadErrorIn200 > 0) {
    // S3 can fail a complete after it has already answered 200: the error then arrives in the body.
    faults.completeMultipartUploadErrorIn200--
    const error = new S3Error('InternalError')
    ctx.sendBody(
      200,
      xmlDocument('Error', [
        ['Code', error.code],
        ['Message', error.message],
        ['RequestId', ctx.requestId],
      ]),
    )
    return
  }

  const { record } = upload
  const algorithm = record.checksumAlgorithm
  const chosen: PartRecord[] = []
  let previous = 0
  for (const item of requested) {
    const numberText = childText(item, 'PartNumber') ?? ''
    const partNumber = Number(numberText)
    const etag = (childText(item, 'ETag') ?? '').trim().replace(/^"(.*)"$/, '$1')
    if (!/^\d+$/.test(numberText)) throw malformedXml()
    if (partNumber <= previous) throw new S3Error('InvalidPartOrder', undefined, { UploadId: record.uploadId })
    previous = partNumber
    const stored = upload.parts.get(partNumber)
    const invalidPart = () => new S3Error('InvalidPart', undefined, { UploadId: record.uploadId, PartNumber: partNumber, ETag: etag })
    if (!stored || stored.etag !== etag) throw invalidPart()
    for (const [name] of Object.entries(typeof item === 'string' ? {} : item)) {
      // Any part checksum the request names must be the one stored for that part.
      if (!name.startsWith('Checksum')) continue
      const given = childText(item, name)
      if (stored.checksum && checksumElementName(stored.checksum.algorithm) === name && stored.checksum.value === given) continue
      throw invalidPart()
    }
    if (algorithm && record.checksumType === 'COMPOSITE' && childText(item, checksumElementName(algorithm)) === undefined) {
      throw invalidRequest(
        `The upload was created using a ${algorithm.toLowerCase()} checksum. The complete request must include the checksum for each part. It was missing for part ${partNumber} in the request.`,
      )
    }
    chosen.push(stored)
  }
  chosen.forEach((part, index) => {
    if (index < chosen.length - 1 && part.size < MIN_PART_SIZE) {
      throw new S3Error('EntityTooSmall', undefined, {
        ProposedSize: part.size,
        MinSizeAllowed: MIN_PART_SIZE,
        PartNumber: part.partNumber,
        ETag: part.etag,
      })
    }
  })

  const typeHeader = ctx.header('x-amz-checksum-type')
  if (typeHeader !== undefined && typeHeader !== record.checksumType) {
    throw invalidRequest(
      `The upload was created using the ${record.checksumType ?? 'null'} checksum mode. The complete request must use the same checksum mode.`,
    )
  }
  const size = chosen.reduce((sum, part) => sum + part.size, 0)
  const declaredSize = ctx.header('x-amz-mp-object-size')
  if (declaredSize !== undefined && Number(declaredSize) !== size) {
    throw invalidRequest(`The provided 'x-amz-mp-object-size' header value ${declaredSize} does not match what was computed: ${size}`)
  }

  let checksum: StoredChecksum | undefined
  if (algorithm && record.checksumType) {
    const partValues = chosen.map((part) => part.checksum?.value ?? '')
    let value: string
    if (record.checksumType === 'FULL_OBJECT' && isCrc(algorithm)) {
      let crc: Buffer = Buffer.from(partValues[0] ?? '', 'base64')
      for (let i = 1; i < chosen.length; i++) {
        crc = combineCrc(algorithm, crc, Buffer.from(partValues[i] ?? '', 'base64'), (chosen[i] as PartRecord).size)
      }
      value = crc.toString('base64')
    } else {
      value = await compositeChecksum(algorithm, partValues)
    }
    checksum = { algorithm, type: record.checksumType, value }
    const expected = ctx.header(checksumHeaderName(algorithm))
    if (expected !== undefined && expected !== checksumValue(checksum, chosen.length) && expected !== value) {
      throw new S3Error('BadDigest', `The ${algorithm} you specified did not match the calculated checksum.`)
    }
  }
  checkWriteConditions(ctx, state, record.key)

  const md5s = createHash('md5')
  for (const part of chosen) md5s.update(Buffer.from(part.etag, 'hex'))
  const parts: PartInfo[] = chosen.map((part) => ({ size: part.size, etag: part.etag, checksum: part.checksum?.value }))
  const version = ctx.store.writeVersion(state, {
    key: record.key,
    deleteMarker: false,
    lastModifiedMs: wholeSeconds(ctx.env.nowMs()),
    size,
    etag: `${md5s.digest('hex')}-${chosen.length}`,
    storageClass: record.storageClass,
    headers: record.headers,
    metadata: record.metadata,
    tags: record.tags,
    checksum,
    parts,
    segments: chosen.flatMap((part) => part.segments),
  })
  // Parts left out of the list go with the upload.
  ctx.store.removeUpload(state, record.uploadId)
  const host = ctx.header('host') ?? '127.0.0.1'
  const headers: Record<string, string> = { ...SSE }
  if (state.record.versioning === 'Enabled') headers['x-amz-version-id'] = version.versionId
  ctx.sendXml(
    200,
    'CompleteMultipartUploadResult',
    [
      ['Location', `http://${host}/${state.record.name}/${uriEncode(record.key, true)}`],
      ['Bucket', state.record.name],
      ['Key', record.key],
      ['ETag', quoteEtag(version.etag)],
      ...(checksum ? [[checksumElementName(checksum.algorithm), checksumValue(checksum, chosen.length)] as XmlChild] : []),
      ['ChecksumType', checksum?.type],
    ],
    headers,
  )
}

export function abortMultipartUpload(ctx: RequestContext): void {
  const state = ctx.bucket()
  const upload = requireUpload(ctx, state)
  ctx.store.removeUpload(state, upload.record.uploadId)
  ctx.sendEmpty(204)
}
