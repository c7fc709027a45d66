/**
 * SigV4 authentication as S3 performs it, for the Authorization header and for presigned URLs: the access
 * key is looked up in the sandbox's CredentialRegistry and the signature recomputed with
 * @smithy/signature-v4 over what AWS would canonicalize.
 */
import { timingSafeEqual } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import { HttpRequest } from '@smithy/protocol-http'
import { SignatureV4, getSigningKey } from '@smithy/signature-v4'
import type { CredentialRegistry, SandboxCredential } from '../credentials'
import { Sha256 } from '../framework/sha256'
import type { ChunkSigning } from './chunked'
import { S3Error } from './errors'
import { percentDecode, uriEncode } from './keys'

const MAX_SKEW_MS = 15 * 60 * 1000
const MAX_PRESIGN_SECONDS = 604_800

export interface AuthResult {
  credential: SandboxCredential
  /** The payload hash mode: a hex SHA-256, UNSIGNED-PAYLOAD, or a STREAMING-* value. */
  contentSha256: string
  /** Set for STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER] bodies, whose chunks carry signatures. */
  chunkSigning?: ChunkSigning
}

/** The query as sent: names and values percent-decoded, repeated names kept. */
export type QueryParams = Array<[name: string, value: string]>

/** AWS's canonical URI for S3: each segment decoded once and re-encoded with only unreserved characters kept. */
export function canonicalPath(rawPath: string): string {
  return rawPath
    .split('/')
    .map((segment) => uriEncode(percentDecode(segment) ?? segment))
    .join('/')
}

function firstHeader(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name]
  return Array.isArray(value) ? value.join(',') : value
}

/** Parses `yyyyMMddTHHmmssZ`. */
function parseAmzDate(text: string | undefined): Date | undefined {
  const m = text?.match(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/)
  if (!m) return undefined
  return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])))
}

interface Scope {
  accessKeyId: string
  date: string
  region: string
  service: string
}

function parseCredential(text: string | undefined): Scope | undefined {
  const parts = text?.split('/')
  if (!parts || parts.length !== 5 || parts[4] !== 'aws4_request') return undefined
  const [accessKeyId = '', date = '', region = '', service = ''] = parts
  return { accessKeyId, date, region, service }
}

function queryObject(query: QueryParams, without: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = Object.create(null) as Record<string, string | string[]>
  for (const [name, value] of query) {
    if (name === without) continue
    const existing = out[name]
    if (existing === undefined) out[name] = value
    else out[name] = Array.isArray(existing) ? [...existing, value] : [existing, value]
  }
  return out
}

function sameSignature(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

function lookup(registry: CredentialRegistry, accessKeyId: string, sessionToken: string | undefined): SandboxCredential {
  const found = registry.lookup(accessKeyId, sessionToken)
  if (!found.ok) throw new S3Error(found.code, found.message, found.code === 'InvalidAccessKeyId' ? { AWSAccessKeyId: accessKeyId } : {})
  return found.credential
}

function signerFor(credential: SandboxCredential, region: string): SignatureV4 {
  return new SignatureV4({
    credentials: {
      accessKeyId: credential.accessKeyId,
      secretAccessKey: credential.secretAccessKey,
      sessionToken: credential.sessionToken,
    },
    region,
    service: 's3',
    sha256: Sha256,
    uriEscapePath: false,
    applyChecksum: false,
  })
}

/** The signed headers' values as the client sent them. */
function signedHeaderValues(req: IncomingMessage, names: string[]): Record<string, string> {
  const headers: Record<string, string> = {}
  for (const name of names) {
    const value = firstHeader(req, name)
    if (value !== undefined) headers[name] = value
  }
  return headers
}

export async function authenticate(
  req: IncomingMessage,
  rawPath: string,
  query: QueryParams,
  registry: CredentialRegistry,
  nowMs: number,
): Promise<AuthResult> {
  const presigned = query.some(([name]) => name === 'X-Amz-Algorithm')
  if (presigned) return authenticatePresigned(req, rawPath, query, registry, nowMs)
  const authorization = firstHeader(req, 'authorization')
  if (authorization === undefined) throw new S3Error('AccessDenied')
  if (!authorization.startsWith('AWS4-HMAC-SHA256 ')) {
    throw new S3Error('InvalidRequest', 'The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.')
  }
  const fields = new Map<string, string>()
  for (const part of authorization.slice('AWS4-HMAC-SHA256 '.length).split(',')) {
    const eq = part.indexOf('=')
    if (eq > 0) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim())
  }
  const scope = parseCredential(fields.get('Credential'))
  const signedHeaders = fields.get('SignedHeaders')?.split(';')
  const signature = fields.get('Signature')
  if (!scope || !signedHeaders || !signature) throw new S3Error('AuthorizationHeaderMalformed')

  const credential = lookup(registry, scope.accessKeyId, firstHeader(req, 'x-amz-security-token'))
  const amzDateText = firstHeader(req, 'x-amz-date')
  const signingDate = parseAmzDate(amzDateText) ?? (firstHeader(req, 'date') ? new Date(firstHeader(req, 'date') as string) : undefined)
  if (!signingDate || Number.isNaN(signingDate.getTime())) {
    throw new S3Error('AccessDenied', 'AWS authentication requires a valid Date or x-amz-date header')
  }
  if (Math.abs(nowMs - signingDate.getTime()) > MAX_SKEW_MS) {
    throw new S3Error('RequestTimeTooSkewed', undefined, {
      RequestTime: amzDateText,
      ServerTime: new Date(nowMs).toISOString(),
      MaxAllowedSkewMilliseconds: MAX_SKEW_MS,
    })
  }
  const contentSha256 = firstHeader(req, 'x-amz-content-sha256')
  if (contentSha256 === undefined) throw new S3Error('InvalidRequest', 'Missing required header for this request: x-amz-content-sha256')
  if (!/^[0-9a-f]{64}$/.test(contentSha256) && contentSha256 !== 'UNSIGNED-PAYLOAD' && !contentSha256.startsWith('STREAMING-')) {
    throw new S3Error(
      'InvalidArgument',
      'x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER or a valid sha256 value.',
    )
  }

  const signed = new Set(signedHeaders)
  const headers = signedHeaderValues(req, signedHeaders)
  headers['x-amz-content-sha256'] = contentSha256
  const request = new HttpRequest({
    method: req.method ?? 'GET',
    protocol: 'http:',
    hostname: '',
    path: canonicalPath(rawPath),
    query: queryObject(query, ''),
    headers,
  })
  const result = await signerFor(credential, scope.region).sign(request, {
    signingDate,
    signingRegion: scope.region,
    signingService: scope.service,
    signableHeaders: signed,
    // The signer adds these itself; keep them out of the canonical request unless the client signed them.
    unsignableHeaders: new Set(['x-amz-date', 'x-amz-security-token', 'x-amz-content-sha256'].filter((name) => !signed.has(name))),
  })
  const expected = /Signature=([0-9a-f]+)/.exec(String(result.headers['authorization']))?.[1] ?? ''
  if (scope.service !== 's3' || scope.date !== amzDateText?.slice(0, 8) || !sameSignature(expected, signature)) {
    throw new S3Error('SignatureDoesNotMatch', undefined, { AWSAccessKeyId: scope.accessKeyId, SignatureProvided: signature })
  }

  const streamingSigned =
    contentSha256 === 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD' || contentSha256 === 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER'
  const chunkSigning = streamingSigned
    ? {
        signingKey: await getSigningKey(Sha256, credential, scope.date, scope.region, scope.service),
        longDate: amzDateText ?? '',
        scope: `${scope.date}/${scope.region}/${scope.service}/aws4_request`,
        seedSignature: signature,
      }
    : undefined
  return { credential, contentSha256, chunkSigning }
}

async function authenticatePresigned(
  req: IncomingMessage,
  rawPath: string,
  query: QueryParams,
  registry: CredentialRegistry,
  nowMs: number,
): Promise<AuthResult> {
  const param = (name: string): string | undefined => query.find(([n]) => n === name)?.[1]
  const scope = parseCredential(param('X-Amz-Credential'))
  const dateText = param('X-Amz-Date')
  const signingDate = parseAmzDate(dateText)
  const expiresText = param('X-Amz-Expires')
  const signedHeaders = param('X-Amz-SignedHeaders')?.split(';')
  const signature = param('X-Amz-Signature')
  if (param('X-Amz-Algorithm') !== 'AWS4-HMAC-SHA256') {
    throw new S3Error('AuthorizationQueryParametersError', 'X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"')
  }
  if (!scope || !signingDate || !expiresText || !signedHeaders || !signature) throw new S3Error('AuthorizationQueryParametersError')
  const expires = Number(expiresText)
  if (!/^\d+$/.test(expiresText) || expires < 1 || expires > MAX_PRESIGN_SECONDS) {
    throw new S3Error('AuthorizationQueryParametersError', 'X-Amz-Expires must be less than a week (in seconds) that is 604800')
  }

  const credential = lookup(registry, scope.accessKeyId, param('X-Amz-Security-Token'))
  const expiresAt = signingDate.getTime() + expires * 1000
  if (nowMs > expiresAt) {
    throw new S3Error('AccessDenied', 'Request has expired', {
      'X-Amz-Expires': expiresText,
      Expires: new Date(expiresAt).toISOString(),
      ServerTime: new Date(nowMs).toISOString(),
    })
  }
  if (signingDate.getTime() - nowMs > MAX_SKEW_MS) throw new S3Error('AccessDenied', 'Request is not valid yet')

  const signed = new Set(signedHeaders)
  const headers = signedHeaderValues(req, signedHeaders)
  // Presigned S3 requests sign an unsigned payload unless the URL says otherwise.
  headers['x-amz-content-sha256'] = param('X-Amz-Content-Sha256') ?? 'UNSIGNED-PAYLOAD'
  const request = new HttpRequest({
    method: req.method ?? 'GET',
    protocol: 'http:',
    hostname: '',
    path: canonicalPath(rawPath),
    query: queryObject(query, 'X-Amz-Signature'),
    headers,
  })
  const result = await signerFor(credential, scope.region).presign(request, {
    signingDate,
    expiresIn: expires,
    signingRegion: scope.region,
    signingService: scope.service,
    signableHeaders: signed,
    unsignableHeaders: signed.has('x-amz-content-sha256') ? undefined : new Set(['x-amz-content-sha256']),
    // Headers stay headers: the URL already carries every query parameter that was signed.
    unhoistableHeaders: new Set(Object.keys(headers)),
  })
  const expected = String(result.query?.['X-Amz-Signature'] ?? '')
  if (scope.service !== 's3' || scope.date !== dateText?.slice(0, 8) || !sameSignature(expected, signature)) {
    throw new S3Error('SignatureDoesNotMatch', undefined, { AWSAccessKeyId: scope.accessKeyId, SignatureProvided: signature })
  }
  return { credential, contentSha256: 'UNSIGNED-PAYLOAD' }
}

/** Whether an IAM-style pattern list (`s3:GetObject`, `s3:Get*`, `s3:*`, `*`) covers an action. */
export function isDenied(credential: SandboxCredential, action: string): boolean {
  return (credential.deniedActions ?? []).some((pattern) => {
    if (pattern === '*' || pattern === action) return true
    return pattern.endsWith('*') && action.startsWith(pattern.slice(0, -1))
  })
}
