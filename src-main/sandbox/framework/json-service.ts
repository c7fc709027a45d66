/**
 * The AWS JSON protocols (1.0 for CloudWatch, 1.1 for CodePipeline): POST / with
 * `X-Amz-Target: <Prefix>.<Operation>` and a JSON body; errors as `{ "__type": code, "message": ... }`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { CredentialRegistry, SandboxCredential } from '../credentials'
import { EmulatedError } from './emulated-error'
import { type AuthErrorCodes, authenticate, readSmallBody, requestId, send } from './http'

export type JsonOperation = (input: Record<string, unknown>, caller: SandboxCredential) => unknown

export interface JsonServiceDefinition {
  /** e.g. 'CodePipeline_20150709' or 'GraniteServiceVersion20100801'. */
  targetPrefix: string
  version: '1.0' | '1.1'
  operations: Record<string, JsonOperation>
  credentials: CredentialRegistry
  /** What the service calls an unknown access key. Default UnrecognizedClientException. */
  unknownKeyCode?: string
  /** What the service calls a wrong signature. Default InvalidSignatureException (400). */
  badSignature?: AuthErrorCodes['badSignature']
  /**
   * For services moved from Query to JSON with `awsQueryCompatible` (CloudWatch): errors carry the old
   * Query code in `x-amzn-query-error: Code;Sender`, and `__type` names the Smithy error shape.
   * `shapes` maps a Query code to its shape name where they differ (InvalidParameterValue →
   * InvalidParameterValueException).
   */
  queryCompatible?: { namespace: string; shapes: Record<string, string> }
}

export function jsonService(definition: JsonServiceDefinition) {
  const contentType = `application/x-amz-json-${definition.version}`
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const id = requestId()
    try {
      const body = await readSmallBody(req)
      const caller = await authenticate(req, body, definition.credentials, {
        unknownKey: definition.unknownKeyCode ?? 'UnrecognizedClientException',
        badSignature: definition.badSignature ?? { code: 'InvalidSignatureException', status: 400 },
      })
      const target = String(req.headers['x-amz-target'] ?? '')
      const [prefix, name] = target.split('.')
      const operation = prefix === definition.targetPrefix && name ? definition.operations[name] : undefined
      if (req.method !== 'POST' || !operation) {
        throw new EmulatedError('UnknownOperationException', `Unknown operation ${target || '(no X-Amz-Target)'}`, 400)
      }
      let input: Record<string, unknown>
      try {
        input = body.length ? (JSON.parse(body.toString('utf8')) as Record<string, unknown>) : {}
      } catch {
        throw new EmulatedError('SerializationException', 'Request body is not valid JSON.', 400)
      }
      const output = (await operation(input, caller)) ?? {}
      send(res, 200, { 'content-type': contentType, 'x-amzn-requestid': id }, JSON.stringify(output))
    } catch (error) {
      const e = error instanceof EmulatedError ? error : new EmulatedError('InternalFailure', String(error), 500)
      const compatible = definition.queryCompatible
      const type = compatible ? `${compatible.namespace}#${compatible.shapes[e.code] ?? e.code}` : e.code
      send(
        res,
        e.status,
        {
          'content-type': contentType,
          'x-amzn-requestid': id,
          'x-amzn-errortype': e.code,
          ...(compatible ? { 'x-amzn-query-error': `${e.code};${e.type}` } : {}),
        },
        JSON.stringify({ __type: type, message: e.message }),
      )
    }
  }
}
