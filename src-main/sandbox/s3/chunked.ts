/**
 * Decoder for `Content-Encoding: aws-chunked` bodies (SigV4 streaming uploads): the SDK's default for stream
 * bodies, where the checksum arrives in a trailer after the data. Handles the unsigned form
 * (STREAMING-UNSIGNED-PAYLOAD-TRAILER) and the signed ones (STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER]),
 * verifying each chunk signature.
 *
 *   <hex size>[;chunk-signature=<sig>]\r\n<data>\r\n ... 0[;chunk-signature=<sig>]\r\n[<trailers>\r\n]\r\n
 */
import { createHash, createHmac } from 'node:crypto'
import { Transform, type TransformCallback } from 'node:stream'
import { S3Error } from './errors'

const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'
const MAX_LINE = 4096

/** What signed chunks are checked against: the request's signing key, scope and seed signature. */
export interface ChunkSigning {
  signingKey: Uint8Array
  longDate: string
  scope: string
  seedSignature: string
}

type State = 'size' | 'data' | 'data-crlf' | 'trailer' | 'done'

export class AwsChunkedDecoder extends Transform {
  /** Trailing headers (lowercase names), e.g. x-amz-checksum-crc32. */
  readonly trailers = new Map<string, string>()
  bytesIn = 0
  decodedLength = 0

  private state: State = 'size'
  private line = ''
  private remaining = 0
  private chunkSignature = ''
  private chunkHash: ReturnType<typeof createHash> | undefined
  private previousSignature: string
  private trailerText = ''

  constructor(
    private readonly signing: ChunkSigning | undefined,
    private readonly signedTrailer: boolean,
  ) {
    super()
    this.previousSignature = signing?.seedSignature ?? ''
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytesIn += chunk.length
    try {
      this.consume(chunk)
      callback()
    } catch (error) {
      callback(error as Error)
    }
  }

  override _flush(callback: TransformCallback): void {
    callback(this.state === 'done' ? null : new S3Error('IncompleteBody', 'The request body terminated unexpectedly'))
  }

  private consume(chunk: Buffer): void {
    let i = 0
    while (i < chunk.length) {
      switch (this.state) {
        case 'size':
        case 'trailer': {
          const nl = chunk.indexOf(0x0a, i)
          const end = nl < 0 ? chunk.length : nl + 1
          this.line += chunk.toString('latin1', i, end)
          i = end
          if (this.line.length > MAX_LINE) throw malformed()
          if (nl >= 0) {
            const line = this.line.endsWith('\r\n') ? this.line.slice(0, -2) : this.line.slice(0, -1)
            this.line = ''
            if (this.state === 'size') this.startChunk(line)
            else this.trailerLine(line)
          }
          break
        }
        case 'data': {
          const take = Math.min(this.remaining, chunk.length - i)
          const data = chunk.subarray(i, i + take)
          this.chunkHash?.update(data)
          this.push(data)
          this.remaining -= take
          this.decodedLength += take
          i += take
          if (this.remaining === 0) {
            this.verifyChunk()
            this.state = 'data-crlf'
          }
          break
        }
        case 'data-crlf': {
          // The CRLF after chunk data, possibly split across network chunks.
          const byte = chunk[i++]
          if (byte === 0x0d) break
          if (byte !== 0x0a) throw malformed()
          this.state = 'size'
          break
        }
        case 'done':
          // Anything after the terminating empty line is padding at most.
          if (chunk.subarray(i).some((byte) => byte !== 0x0d && byte !== 0x0a)) throw malformed()
          return
      }
    }
  }

  private startChunk(line: string): void {
    const [sizeText = '', ...extensions] = line.split(';')
    if (!/^[0-9a-fA-F]{1,16}$/.test(sizeText.trim())) throw malformed()
    const size = parseInt(sizeText, 16)
    this.chunkSignature = ''
    for (const extension of extensions) {
      const [name, value] = extension.split('=')
      if (name?.trim() === 'chunk-signature' && value) this.chunkSignature = value.trim()
    }
    if (this.signing) {
      if (!this.chunkSignature) throw signatureMismatch()
      this.chunkHash = createHash('sha256')
    }
    if (size > 0) {
      this.remaining = size
      this.state = 'data'
      return
    }
    this.verifyChunk()
    // The final chunk: trailers follow until an empty line.
    this.state = 'trailer'
  }

  private verifyChunk(): void {
    if (!this.signing || !this.chunkHash) return
    const { longDate, scope, signingKey } = this.signing
    const stringToSign = [
      'AWS4-HMAC-SHA256-PAYLOAD',
      longDate,
      scope,
      this.previousSignature,
      EMPTY_SHA256,
      this.chunkHash.digest('hex'),
    ].join('\n')
    const expected = createHmac('sha256', signingKey).update(stringToSign).digest('hex')
    if (expected !== this.chunkSignature) throw signatureMismatch()
    this.previousSignature = expected
    this.chunkHash = undefined
  }

  private trailerLine(line: string): void {
    if (line === '') {
      if (this.signing && this.signedTrailer && !this.trailers.has('x-amz-trailer-signature')) throw signatureMismatch()
      this.state = 'done'
      return
    }
    const colon = line.indexOf(':')
    if (colon <= 0) throw malformed()
    const name = line.slice(0, colon).trim().toLowerCase()
    const value = line.slice(colon + 1).trim()
    if (name === 'x-amz-trailer-signature') {
      if (this.signing && this.signedTrailer) this.verifyTrailer(value)
    } else {
      this.trailerText += `${name}:${value}\n`
    }
    this.trailers.set(name, value)
  }

  private verifyTrailer(signature: string): void {
    const { longDate, scope, signingKey } = this.signing as ChunkSigning
    const hash = createHash('sha256').update(this.trailerText).digest('hex')
    const stringToSign = ['AWS4-HMAC-SHA256-TRAILER', longDate, scope, this.previousSignature, hash].join('\n')
    if (createHmac('sha256', signingKey).update(stringToSign).digest('hex') !== signature) throw signatureMismatch()
  }
}

const malformed = (): S3Error => new S3Error('IncompleteBody', 'The aws-chunked body is malformed')
const signatureMismatch = (): S3Error => new S3Error('SignatureDoesNotMatch')
