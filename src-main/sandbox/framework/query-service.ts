/**
 * The AWS Query protocol (STS): POST / with a form body `Action=...&Version=...`; replies wrap the
 * result as `<{Action}Response><{Action}Result>…</{Action}Result><ResponseMetadata/></{Action}Response>`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { CredentialRegistry, SandboxCredential } from '../credentials'
import { EmulatedError } from './emulated-error'
import { authenticate, readSmallBody, requestId, send } from './http'
import { toXml } from './xml'

export type QueryOperation = (
  params: URLSearchParams,
  caller: SandboxCredential,
) => Record<string, unknown> | Promise<Record<string, unknown>>

export function queryService(operations: Record<string, QueryOperation>, credentials: CredentialRegistry, xmlns: string) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const id = requestId()
    try {
      // STS (the Query service here) calls an unknown key InvalidClientTokenId.
      const body = await readSmallBody(req)
      const caller = await authenticate(req, body, credentials, {
        unknownKey: 'InvalidClientTokenId',
        badSignature: { code: 'SignatureDoesNotMatch', status: 403 },
      })
      const params = new URLSearchParams(body.toString('utf8'))
      const action = params.get('Action') ?? ''
      const operation = operations[action]
      if (!operation) throw new EmulatedError('InvalidAction', `Could not find operation ${action}`, 400)
      const result = await operation(params, caller)
      const xml = toXml({ [`${action}Response`]: { '@_xmlns': xmlns, [`${action}Result`]: result, ResponseMetadata: { RequestId: id } } })
      send(res, 200, { 'content-type': 'text/xml', 'x-amzn-requestid': id }, xml)
    } catch (error) {
      const e = error instanceof EmulatedError ? error : new EmulatedError('InternalFailure', String(error), 500)
      const xml = toXml({ ErrorResponse: { '@_xmlns': xmlns, Error: { Type: e.type, Code: e.code, Message: e.message }, RequestId: id } })
      send(res, e.status, { 'content-type': 'text/xml', 'x-amzn-requestid': id }, xml)
    }
  }
}
