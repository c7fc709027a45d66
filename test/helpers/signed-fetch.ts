/**
 * fetch() with a SigV4 Authorization header made by the SDK's own signer, for tests that send a body
 * the SDK would not (to check an emulator's wire format) to an emulator that verifies signatures.
 */
import { HttpRequest } from '@smithy/protocol-http'
import { SignatureV4 } from '@smithy/signature-v4'
import { SANDBOX_ACCESS_KEY_ID, SANDBOX_SECRET_ACCESS_KEY } from '../../src-main/sandbox/credentials'
import { Sha256 } from '../../src-main/sandbox/framework/sha256'

export async function signedFetch(
  url: string,
  init: { method: string; body?: string; headers?: Record<string, string> },
  scope: { service: string; region: string },
): Promise<Response> {
  const target = new URL(url)
  const signer = new SignatureV4({
    credentials: { accessKeyId: SANDBOX_ACCESS_KEY_ID, secretAccessKey: SANDBOX_SECRET_ACCESS_KEY },
    region: scope.region,
    service: scope.service,
    sha256: Sha256,
  })
  const signed = await signer.sign(
    new HttpRequest({
      method: init.method,
      protocol: target.protocol,
      hostname: target.hostname,
      port: Number(target.port),
      path: target.pathname,
      query: Object.fromEntries(target.searchParams),
      headers: { host: target.host, ...init.headers },
      body: init.body,
    }),
  )
  const { host: _host, ...headers } = signed.headers
  return fetch(url, { method: init.method, headers, body: init.body })
}
