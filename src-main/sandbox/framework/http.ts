/** Request plumbing shared by the emulated protocols. */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { createHash, randomUUID, timingSafeEqual } from 'node:crypto'
import { HttpRequest } from '@smithy/protocol-http'
import { SignatureV4 } from '@smithy/signature-v4'
import type { CredentialRegistry, SandboxCredential } from '../credentials'
import { EmulatedError } from './emulated-error'
import { Sha256 } from './sha256'

const maxBodyBytes = 10 * 1024 * 1024

/** Reads a small request body (control-plane APIs only; S3 object bodies never come through here). */
export async function readSmallBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    size += (chunk as Buffer).length
    if (size > maxBodyBytes) throw new EmulatedError('RequestEntityTooLarge', 'Request body is larger than 10 MB.', 413)
    chunks.push(chunk as Buffer)
  }
  return Buffer.concat(chunks)
}

/** How a service family names its authentication failures (S3 has its own emulator). */
export interface AuthErrorCodes {
  /** An access key AWS does not know: UnrecognizedClientException (JSON) or InvalidClientTokenId. */
  unknownKey: string
  /** A signature that does not match: InvalidSignatureException (JSON, 400) or SignatureDoesNotMatch (403). */
  badSignature: { code: string; status: number }
}

const SIGNATURE_MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.'

/**
 * Identifies the caller from a SigV4 Authorization header the way AWS does: unknown keys and expired
 * sessions are refused first, then the signature is recomputed over the request as received (method,
 * path, query, the signed headers and the body) with the caller's secret key.
 */
export async function authenticate(
  req: IncomingMessage,
  body: Buffer,
  credentials: CredentialRegistry,
  codes: AuthErrorCodes,
): Promise<SandboxCredential> {
  const header = firstHeader(req, 'authorization') ?? ''
  const accessKeyId = /Credential=([^/,\s]+)\//.exec(header)?.[1]
  if (!accessKeyId) throw new EmulatedError('MissingAuthenticationToken', 'Request is missing Authentication Token', 403)
  const found = credentials.lookup(accessKeyId, firstHeader(req, 'x-amz-security-token'))
  if (!found.ok) {
    const status = found.code === 'InvalidAccessKeyId' ? 403 : 400
    const code =
      found.code === 'InvalidAccessKeyId'
        ? codes.unknownKey
        : found.code === 'ExpiredToken'
          ? 'ExpiredTokenException'
          : 'InvalidClientTokenId'
    throw new EmulatedError(code, found.message, status)
  }
  if (!(await signatureMatches(req, header, body, found.credential))) {
    throw new EmulatedError(codes.badSignature.code, SIGNATURE_MISMATCH, codes.badSignature.status)
  }
  return found.credential
}

async function signatureMatches(
  req: IncomingMessage,
  authorization: string,
  body: Buffer,
  credential: SandboxCredential,
): Promise<boolean> {
  if (!authorization.startsWith('AWS4-HMAC-SHA256 ')) return false
  const fields = new Map<string, string>()
  for (const part of authorization.slice('AWS4-HMAC-SHA256 '.length).split(',')) {
    const eq = part.indexOf('=')
    if (eq > 0) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim())
  }
  const [, date, region, service, terminator] = (fields.get('Credential') ?? '').split('/')
  const signedHeaders = fields.get('SignedHeaders')?.split(';') ?? []
  const signature = fields.get('Signature') ?? ''
  const amzDate = firstHeader(req, 'x-amz-date') ?? ''
  const signingDate = parseAmzDate(amzDate)
  if (!date || !region || !service || terminator !== 'aws4_request' || !signingDate || date !== amzDate.slice(0, 8)) return false

  // A signed x-amz-content-sha256 would stand in for the body: the body must hash to it, as AWS hashes the body it received.
  const claimedHash = firstHeader(req, 'x-amz-content-sha256')
  if (claimedHash !== undefined && claimedHash !== createHash('sha256').update(body).digest('hex')) return false

  const headers: Record<string, string> = {}
  for (const name of signedHeaders) {
    const value = firstHeader(req, name)
    if (value !== undefined) headers[name] = value
  }
  const target = req.url ?? '/'
  const queryAt = target.indexOf('?')
  const request = new HttpRequest({
    method: req.method ?? 'GET',
    protocol: 'http:',
    hostname: '',
    // The path as sent: the signer encodes it once more, as the client's signer did (non-S3 services).
    path: queryAt < 0 ? target : target.slice(0, queryAt),
    query: queryAt < 0 ? {} : parseQuery(target.slice(queryAt + 1)),
    headers,
    body,
  })
  const signer = new SignatureV4({
    credentials: {
      accessKeyId: credential.accessKeyId,
      secretAccessKey: credential.secretAccessKey,
      sessionToken: credential.sessionToken,
    },
    region,
    service,
    sha256: Sha256,
    applyChecksum: false,
  })
  const signed = new Set(signedHeaders)
  const result = await signer.sign(request, {
    signingDate,
    signingRegion: region,
    signingService: service,
    signableHeaders: signed,
    // The signer adds these itself; keep them out of the canonical request unless the client signed them.
    unsignableHeaders: new Set(['x-amz-date', 'x-amz-security-token', 'x-amz-content-sha256'].filter((name) => !signed.has(name))),
  })
  const expected = /Signature=([0-9a-f]+)/.exec(String(result.headers['authorization']))?.[1] ?? ''
  const a = Buffer.from(expected)
  const b = Buffer.from(signature)
  return a.length === b.length && timingSafeEqual(a, b)
}

/** A raw query string as names and values percent-decoded once (`+` stays `+`, as SigV4 encodes it). */
function parseQuery(text: string): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = Object.create(null) as Record<string, string | string[]>
  for (const pair of text.split('&')) {
    if (!pair) continue
    const eq = pair.indexOf('=')
    const name = safeDecode(eq < 0 ? pair : pair.slice(0, eq))
    const value = eq < 0 ? '' : safeDecode(pair.slice(eq + 1))
    const existing = query[name]
    query[name] = existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value]
  }
  return query
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}

/** Parses `yyyyMMddTHHmmssZ`. */
function parseAmzDate(text: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text)
  if (!m) return undefined
  return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])))
}

function firstHeader(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name]
  return Array.isArray(value) ? value.join(',') : value
}

export function requestId(): string {
  return randomUUID()
}

export function send(res: ServerResponse, status: number, headers: Record<string, string>, body: string | Buffer): void {
  const payload = typeof body === 'string' ? Buffer.from(body) : body
  res.writeHead(status, { ...headers, 'content-length': String(payload.length) })
  res.end(payload)
}
