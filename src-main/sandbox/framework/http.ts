/** Request plumbing shared by the emulated protocols. */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { randomUUID } from 'node:crypto'
import type { CredentialRegistry, SandboxCredential } from '../credentials'
import { EmulatedError } from './emulated-error'

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

/**
 * Identifies the caller from a SigV4 Authorization header (access key and session token), the way AWS
 * rejects unknown keys and expired sessions before looking at the request.
 */
export function authenticate(
  req: IncomingMessage,
  credentials: CredentialRegistry,
  unknownKeyCode = 'UnrecognizedClientException',
): SandboxCredential {
  const header = req.headers.authorization ?? ''
  const match = /Credential=([^/,\s]+)\//.exec(header)
  if (!match?.[1]) throw new EmulatedError('MissingAuthenticationToken', 'Request is missing Authentication Token', 403)
  const token = req.headers['x-amz-security-token']
  const found = credentials.lookup(match[1], Array.isArray(token) ? token[0] : token)
  if (!found.ok) {
    const status = found.code === 'InvalidAccessKeyId' ? 403 : 400
    // Each service family names the bad-key error its own way (S3 has its own emulator).
    const code =
      found.code === 'InvalidAccessKeyId'
        ? unknownKeyCode
        : found.code === 'ExpiredToken'
          ? 'ExpiredTokenException'
          : 'InvalidClientTokenId'
    throw new EmulatedError(code, found.message, status)
  }
  return found.credential
}

export function requestId(): string {
  return randomUUID()
}

export function send(res: ServerResponse, status: number, headers: Record<string, string>, body: string | Buffer): void {
  const payload = typeof body === 'string' ? Buffer.from(body) : body
  res.writeHead(status, { ...headers, 'content-length': String(payload.length) })
  res.end(payload)
}
