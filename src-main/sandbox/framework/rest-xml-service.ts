/**
 * The REST-XML protocol (CloudFront, Route 53): the operation is chosen by method and path template,
 * e.g. `GET /2020-05-31/distribution/{Id}`; bodies and replies are XML; errors are
 * `<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { CredentialRegistry, SandboxCredential } from '../credentials'
import { EmulatedError } from './emulated-error'
import { authenticate, readSmallBody, requestId, send } from './http'
import { fromXml, toXml } from './xml'

export interface RestXmlRequest {
  params: Record<string, string>
  query: URLSearchParams
  headers: IncomingMessage['headers']
  /** Parsed XML body, if any. */
  body: Record<string, unknown> | undefined
  caller: SandboxCredential
}

export interface RestXmlReply {
  status?: number
  headers?: Record<string, string>
  /** `{ RootElement: {...} }`; omitted for empty replies. */
  xml?: Record<string, unknown>
}

export interface RestXmlRoute {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE'
  /** Path template with `{Name}` segments. */
  path: string
  handle(request: RestXmlRequest): RestXmlReply | Promise<RestXmlReply>
}

interface CompiledRoute extends RestXmlRoute {
  pattern: RegExp
  names: string[]
}

function compile(route: RestXmlRoute): CompiledRoute {
  const names: string[] = []
  const source = route.path
    .split('/')
    .map((segment) => {
      const name = /^\{(\w+)\}$/.exec(segment)?.[1]
      if (!name) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
      names.push(name)
      return '([^/]+)'
    })
    .join('/')
  return { ...route, pattern: new RegExp(`^${source}$`), names }
}

export function restXmlService(
  routes: RestXmlRoute[],
  credentials: CredentialRegistry,
  xmlns: string,
  /** What the service calls an unknown access key (Route 53 and CloudFront: InvalidClientTokenId). */
  unknownKeyCode?: string,
) {
  const compiled = routes.map(compile)
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const id = requestId()
    try {
      const raw = await readSmallBody(req)
      const caller = await authenticate(req, raw, credentials, {
        unknownKey: unknownKeyCode ?? 'UnrecognizedClientException',
        badSignature: { code: 'SignatureDoesNotMatch', status: 403 },
      })
      const url = new URL(req.url ?? '/', 'http://sandbox')
      let params: Record<string, string> | undefined
      const route = compiled.find((candidate) => {
        if (candidate.method !== req.method) return false
        const match = candidate.pattern.exec(url.pathname)
        if (!match) return false
        params = Object.fromEntries(candidate.names.map((name, index) => [name, decodeURIComponent(match[index + 1]!)]))
        return true
      })
      if (!route || !params) throw new EmulatedError('InvalidAction', `No operation for ${req.method} ${url.pathname}`, 400)
      const body = raw.length ? fromXml(raw.toString('utf8')) : undefined
      const reply = await route.handle({ params, query: url.searchParams, headers: req.headers, body, caller })
      const xml = reply.xml ? withNamespace(reply.xml, xmlns) : undefined
      send(
        res,
        reply.status ?? 200,
        { 'x-amzn-requestid': id, ...(xml ? { 'content-type': 'text/xml' } : {}), ...reply.headers },
        xml ? toXml(xml) : '',
      )
    } catch (error) {
      const e = error instanceof EmulatedError ? error : new EmulatedError('InternalFailure', String(error), 500)
      const xml = toXml({
        ErrorResponse: { '@_xmlns': xmlns, Error: { Type: e.type, Code: e.code, Message: e.message, ...e.details }, RequestId: id },
      })
      send(res, e.status, { 'content-type': 'text/xml', 'x-amzn-requestid': id }, xml)
    }
  }
}

function withNamespace(document: Record<string, unknown>, xmlns: string): Record<string, unknown> {
  const [root, value] = Object.entries(document)[0]!
  return { [root]: { '@_xmlns': xmlns, ...(value as Record<string, unknown>) } }
}
