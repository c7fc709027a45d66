/**
 * One request in flight: its parsed target, its identity, and helpers to answer the way S3 does.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { createHash } from 'node:crypto'
import type { CredentialRegistry } from '../credentials'
import { SANDBOX_ACCOUNT_ID } from '../credentials'
import type { AuthResult, QueryParams } from './auth'
import { S3Error } from './errors'
import type { S3Store } from './store'
import type { BucketState } from './store'
import { xmlDocument, type XmlChild } from './xml'

export interface EmulatorEnv {
  store: S3Store
  credentials: CredentialRegistry
  defaultRegion: string
  nowMs: () => number
  restoreDelayMs: { Expedited: number; Standard: number; Bulk: number }
  faults: { completeMultipartUploadErrorIn200: number }
}

export class RequestContext {
  operation = 'Unknown'
  bytesIn = 0
  bucketName: string | undefined
  key: string | undefined
  auth: AuthResult | undefined

  constructor(
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    readonly env: EmulatorEnv,
    readonly requestId: string,
    readonly rawPath: string,
    readonly query: QueryParams,
  ) {}

  get store(): S3Store {
    return this.env.store
  }

  get method(): string {
    return this.req.method ?? 'GET'
  }

  /** The first value of a query parameter. */
  param(name: string): string | undefined {
    for (const [n, value] of this.query) if (n === name) return value
    return undefined
  }

  hasParam(name: string): boolean {
    return this.query.some(([n]) => n === name)
  }

  header(name: string): string | undefined {
    const value = this.req.headers[name]
    return Array.isArray(value) ? value.join(',') : value
  }

  /** The target bucket; routing guarantees bucket-level operations have a name. */
  bucket(): BucketState {
    return this.store.requireBucket(this.bucketName as string)
  }

  /** The object key; routing guarantees object-level operations have one. */
  get objectKey(): string {
    return this.key as string
  }

  sendXml(status: number, root: string, children: readonly XmlChild[], headers: Record<string, string | number> = {}, rawInner = ''): void {
    this.sendBody(status, xmlDocument(root, children, rawInner), headers)
  }

  sendBody(status: number, body: string, headers: Record<string, string | number> = {}): void {
    const bytes = Buffer.from(body, 'utf8')
    this.res.writeHead(status, { ...headers, 'Content-Type': 'application/xml', 'Content-Length': bytes.length })
    this.res.end(this.method === 'HEAD' ? undefined : bytes)
  }

  sendEmpty(status: number, headers: Record<string, string | number> = {}): void {
    this.res.writeHead(status, { ...headers, 'Content-Length': 0 })
    this.res.end()
  }

  /** S3's error document; HEAD requests (and 304s) get the status and headers only. */
  sendError(error: S3Error): void {
    const resource = this.bucketName === undefined ? '/' : `/${this.bucketName}${this.key === undefined ? '' : `/${this.key}`}`
    const children: XmlChild[] = [
      ['Code', error.code],
      ['Message', error.message],
      ...Object.entries(error.fields),
      ['Resource', resource],
      ['RequestId', this.requestId],
      ['HostId', hostId(this.requestId)],
    ]
    if (this.method === 'HEAD' || error.status === 304) {
      this.res.writeHead(error.status, error.headers)
      this.res.end()
      return
    }
    this.sendBody(error.status, xmlDocument('Error', children), error.headers)
  }
}

/** The sandbox account's canonical user id, as S3 shows owners (64 hex digits). */
export const OWNER_ID = createHash('sha256').update(`haneul-sandbox:${SANDBOX_ACCOUNT_ID}`).digest('hex')

export const ownerElement = (name = 'Owner'): XmlChild => [
  name,
  [
    ['ID', OWNER_ID],
    ['DisplayName', 'sandbox'],
  ],
]

/** x-amz-id-2: S3 sends an opaque base64 host id; derive one from the request id. */
export function hostId(requestId: string): string {
  return Buffer.from(`haneul-sandbox/${requestId}`).toString('base64')
}

export function requireParamInt(ctx: RequestContext, name: string, min: number, max: number, fallback: number, message: string): number {
  const text = ctx.param(name)
  if (text === undefined || text === '') return fallback
  if (!/^-?\d+$/.test(text)) throw new S3Error('InvalidArgument', message, { ArgumentName: name, ArgumentValue: text })
  const value = Number(text)
  if (value < min) throw new S3Error('InvalidArgument', message, { ArgumentName: name, ArgumentValue: text })
  return Math.min(value, max)
}
