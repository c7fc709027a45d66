/**
 * Request bodies: streamed to a blob file (object data) or read into memory (small XML documents), with
 * Content-MD5, x-amz-checksum-* and x-amz-content-sha256 verified as the bytes arrive, and aws-chunked
 * bodies decoded on the way.
 */
import { createHash } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import { Writable } from 'node:stream'
import { BlobSink, newSinkHashes } from './blobs'
import { AwsChunkedDecoder } from './chunked'
import { checksumHeaderName, createHasher, isValidChecksumValue, parseChecksumAlgorithm, type Hasher } from './checksums'
import type { RequestContext } from './context'
import { S3Error, invalidRequest } from './errors'
import type { ChecksumAlgorithm, Segment } from './model'

const NOT_CHECKSUM_VALUES = new Set(['x-amz-checksum-algorithm', 'x-amz-checksum-type', 'x-amz-checksum-mode'])

export interface RequestChecksum {
  algorithm: ChecksumAlgorithm
  /** The value to verify against; undefined when the server is only asked (or chooses) to compute it. */
  expected?: string
  /** The value arrives in the aws-chunked trailer. */
  inTrailer: boolean
}

/**
 * The checksum a request declares: an x-amz-checksum-<alg> header, an x-amz-trailer naming one, or
 * x-amz-sdk-checksum-algorithm alone. S3 accepts a single one.
 */
export function requestChecksum(ctx: RequestContext): RequestChecksum | undefined {
  const found: RequestChecksum[] = []
  for (const [name, value] of Object.entries(ctx.req.headers)) {
    if (!name.startsWith('x-amz-checksum-') || NOT_CHECKSUM_VALUES.has(name)) continue
    const algorithm = parseChecksumAlgorithm(name.slice('x-amz-checksum-'.length))
    if (!algorithm) continue
    const text = Array.isArray(value) ? value.join(',') : (value ?? '')
    if (!isValidChecksumValue(algorithm, text)) throw invalidRequest(`Value for ${name} header is invalid.`)
    found.push({ algorithm, expected: text, inTrailer: false })
  }
  const trailer = ctx.header('x-amz-trailer')
  if (trailer !== undefined) {
    const algorithm = trailer.startsWith('x-amz-checksum-') ? parseChecksumAlgorithm(trailer.slice('x-amz-checksum-'.length)) : undefined
    if (!algorithm) throw invalidRequest('The value specified in the x-amz-trailer header is not supported')
    found.push({ algorithm, inTrailer: true })
  }
  if (found.length > 1) throw invalidRequest('Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.')
  if (found[0]) return found[0]
  const sdkAlgorithm = ctx.header('x-amz-sdk-checksum-algorithm')
  if (sdkAlgorithm !== undefined) {
    const algorithm = parseChecksumAlgorithm(sdkAlgorithm)
    if (!algorithm) throw invalidRequest('Value for x-amz-sdk-checksum-algorithm header is invalid.')
    return { algorithm, inTrailer: false }
  }
  return undefined
}

function contentMd5(ctx: RequestContext): string | undefined {
  const value = ctx.header('content-md5')
  if (value === undefined) return undefined
  if (Buffer.from(value, 'base64').length !== 16) throw new S3Error('InvalidDigest')
  return value
}

interface BodySource {
  decoder?: AwsChunkedDecoder
  declaredLength: number
}

/** Works out how long the body is and whether it is aws-chunked, rejecting what S3 rejects. */
function bodySource(ctx: RequestContext, maxSize: number, tooLarge: () => S3Error): BodySource {
  const encodings = (ctx.header('content-encoding') ?? '').split(',').map((item) => item.trim())
  const sha = ctx.auth?.contentSha256 ?? ''
  if (encodings.includes('aws-chunked') || sha.startsWith('STREAMING-')) {
    const decodedText = ctx.header('x-amz-decoded-content-length')
    if (decodedText === undefined || !/^\d+$/.test(decodedText)) throw new S3Error('MissingContentLength')
    const declaredLength = Number(decodedText)
    if (declaredLength > maxSize) throw tooLarge()
    const signedTrailer = sha === 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER'
    return { decoder: new AwsChunkedDecoder(ctx.auth?.chunkSigning, signedTrailer), declaredLength }
  }
  if (ctx.header('transfer-encoding') !== undefined) {
    throw new S3Error('NotImplemented', undefined, { Header: 'Transfer-Encoding' })
  }
  const lengthText = ctx.header('content-length')
  if (lengthText === undefined || !/^\d+$/.test(lengthText)) throw new S3Error('MissingContentLength')
  const declaredLength = Number(lengthText)
  if (declaredLength > maxSize) throw tooLarge()
  return { declaredLength }
}

/**
 * Pipes the request (through the decoder) into `sink`. Unlike stream.pipeline it never destroys the
 * request on a downstream error: the rest of the body is drained so S3's error response can still be sent.
 */
function pump(req: IncomingMessage, decoder: AwsChunkedDecoder | undefined, sink: Writable): Promise<void> {
  return new Promise((resolve, reject) => {
    let settled = false
    const fail = (error: Error) => {
      if (settled) return
      settled = true
      req.unpipe()
      decoder?.unpipe()
      req.resume()
      decoder?.destroy()
      sink.destroy()
      reject(error)
    }
    // A client that goes away mid-body is IncompleteBody to S3, not a server fault.
    const cutOff = () => fail(new S3Error('IncompleteBody'))
    req.once('error', cutOff)
    req.once('close', () => {
      if (!req.complete) cutOff()
    })
    decoder?.once('error', fail)
    sink.once('error', fail)
    sink.once('finish', () => {
      if (settled) return
      settled = true
      resolve()
    })
    // The client may have gone while the blob was being opened: its 'close' has fired already.
    if (req.destroyed && !req.complete) return cutOff()
    if (decoder) req.pipe(decoder).pipe(sink)
    else req.pipe(sink)
  })
}

export interface ReceivedBody {
  segments: Segment[]
  size: number
  md5Hex: string
  checksum?: { algorithm: ChecksumAlgorithm; value: string }
}

export interface ReceiveOptions {
  maxSize: number
  tooLarge: () => S3Error
  /** The algorithm to compute when the request declares none (a multipart upload's). */
  defaultAlgorithm?: ChecksumAlgorithm
  /** Reject bodies whose declared checksum uses another algorithm than this one. */
  requiredAlgorithm?: ChecksumAlgorithm
}

/** Streams the request body into a new blob; nothing is left on disk unless it returns. */
export async function receiveBlob(ctx: RequestContext, options: ReceiveOptions): Promise<ReceivedBody> {
  const md5 = contentMd5(ctx)
  const declared = requestChecksum(ctx)
  if (options.requiredAlgorithm && declared && declared.algorithm !== options.requiredAlgorithm) {
    throw invalidRequest(
      `Checksum Type mismatch occurred, expected checksum Type: ${options.requiredAlgorithm.toLowerCase()}, actual checksum Type: ${declared.algorithm.toLowerCase()}`,
    )
  }
  const algorithm = declared?.algorithm ?? options.defaultAlgorithm
  const source = bodySource(ctx, options.maxSize, options.tooLarge)
  const sha = ctx.auth?.contentSha256 ?? ''
  const hasher: Hasher | undefined = algorithm && createHasher(algorithm)
  const hashes = newSinkHashes(hasher, /^[0-9a-f]{64}$/.test(sha))
  const { blobId, file } = await ctx.store.newBlob()
  const sink = new BlobSink(file, hashes, options.maxSize, options.tooLarge)
  try {
    await pump(ctx.req, source.decoder, sink)
    ctx.bytesIn += source.decoder?.bytesIn ?? sink.size
    if (sink.size !== source.declaredLength) throw new S3Error('IncompleteBody')
    if (hashes.sha256 && hashes.sha256.digest('hex') !== sha)
      throw new S3Error('XAmzContentSHA256Mismatch', undefined, { ClientComputedContentSHA256: sha })
    const md5Raw = hashes.md5.digest()
    if (md5 !== undefined && md5Raw.toString('base64') !== md5) {
      throw new S3Error('BadDigest', undefined, {
        ExpectedDigest: Buffer.from(md5, 'base64').toString('hex'),
        CalculatedDigest: md5Raw.toString('hex'),
      })
    }
    let checksum: ReceivedBody['checksum']
    if (algorithm && hasher) {
      const value = (await hasher.digest()).toString('base64')
      const expected = declared?.inTrailer ? source.decoder?.trailers.get(checksumHeaderName(algorithm)) : declared?.expected
      if (declared?.inTrailer && expected === undefined) throw invalidRequest(`The trailer ${checksumHeaderName(algorithm)} is missing`)
      if (expected !== undefined && expected !== value) {
        throw new S3Error('BadDigest', `The ${algorithm} you specified did not match the calculated checksum.`)
      }
      checksum = { algorithm, value }
    }
    if (sink.size === 0) await ctx.store.discardBlob(blobId)
    return {
      segments: sink.size > 0 ? [{ blobId, offset: 0, length: sink.size }] : [],
      size: sink.size,
      md5Hex: md5Raw.toString('hex'),
      checksum,
    }
  } catch (error) {
    await ctx.store.discardBlob(blobId)
    throw error
  }
}

const SMALL_BODY_LIMIT = 4 * 1024 * 1024

export interface SmallBodyOptions {
  /** S3 insists on Content-MD5 or an x-amz-checksum-* (DeleteObjects, lifecycle). */
  requireIntegrity?: boolean
  /** False where x-amz-checksum-* headers describe an object rather than this body (CompleteMultipartUpload). */
  checksumHeadersDescribeBody?: boolean
}

/** Reads a small (XML) body into memory, verifying what the request declares about it. */
export async function readSmallBody(ctx: RequestContext, options: SmallBodyOptions = {}): Promise<Buffer> {
  const { requireIntegrity = false, checksumHeadersDescribeBody = true } = options
  const md5 = contentMd5(ctx)
  const declared = checksumHeadersDescribeBody ? requestChecksum(ctx) : undefined
  if (requireIntegrity && md5 === undefined && declared?.expected === undefined && !declared?.inTrailer) {
    throw invalidRequest('Missing required header for this request: Content-MD5')
  }
  const tooLarge = () => new S3Error('MaxMessageLengthExceeded')
  const source = bodySource(ctx, SMALL_BODY_LIMIT, tooLarge)
  const chunks: Buffer[] = []
  let size = 0
  await pump(
    ctx.req,
    source.decoder,
    new Writable({
      write(chunk: Buffer, _encoding, callback) {
        size += chunk.length
        if (size > SMALL_BODY_LIMIT) return callback(tooLarge())
        chunks.push(chunk)
        callback()
      },
    }),
  )
  const body = Buffer.concat(chunks)
  ctx.bytesIn += source.decoder?.bytesIn ?? body.length
  if (body.length !== source.declaredLength) throw new S3Error('IncompleteBody')
  const sha = ctx.auth?.contentSha256 ?? ''
  if (/^[0-9a-f]{64}$/.test(sha) && createHash('sha256').update(body).digest('hex') !== sha) {
    throw new S3Error('XAmzContentSHA256Mismatch', undefined, { ClientComputedContentSHA256: sha })
  }
  if (md5 !== undefined && createHash('md5').update(body).digest('base64') !== md5) throw new S3Error('BadDigest')
  if (declared) {
    const hasher = createHasher(declared.algorithm)
    hasher.update(body)
    const value = (await hasher.digest()).toString('base64')
    const expected = declared.inTrailer ? source.decoder?.trailers.get(checksumHeaderName(declared.algorithm)) : declared.expected
    if (expected !== undefined && expected !== value) {
      throw new S3Error('BadDigest', `The ${declared.algorithm} you specified did not match the calculated checksum.`)
    }
  }
  return body
}
