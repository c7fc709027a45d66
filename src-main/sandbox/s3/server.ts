/**
 * HTTP front of the emulator: parses path-style requests, picks the S3 operation the way S3's REST API
 * does (method + subresource), authenticates, checks denied actions, runs the operation and logs it.
 */
import { randomBytes } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { authenticate, isDenied, type QueryParams } from './auth'
import { RequestContext, hostId, type EmulatorEnv } from './context'
import { invalidRequest, S3Error } from './errors'
import { percentDecode } from './keys'
import * as bucketOps from './ops-bucket'
import * as inventoryOps from './ops-inventory'
import * as listOps from './ops-list'
import * as multipartOps from './ops-multipart'
import * as objectOps from './ops-object'
import { checkKey } from './store'

export type OperationName =
  | 'ListBuckets'
  | 'CreateBucket'
  | 'DeleteBucket'
  | 'HeadBucket'
  | 'GetBucketLocation'
  | 'GetBucketVersioning'
  | 'PutBucketVersioning'
  | 'GetBucketLifecycleConfiguration'
  | 'PutBucketLifecycleConfiguration'
  | 'DeleteBucketLifecycle'
  | 'GetBucketInventoryConfiguration'
  | 'PutBucketInventoryConfiguration'
  | 'ListBucketInventoryConfigurations'
  | 'DeleteBucketInventoryConfiguration'
  | 'GetBucketTagging'
  | 'PutBucketTagging'
  | 'DeleteBucketTagging'
  | 'GetBucketPolicy'
  | 'PutBucketPolicy'
  | 'DeleteBucketPolicy'
  | 'ListObjectsV2'
  | 'ListObjects'
  | 'ListObjectVersions'
  | 'ListMultipartUploads'
  | 'DeleteObjects'
  | 'PutObject'
  | 'GetObject'
  | 'HeadObject'
  | 'DeleteObject'
  | 'CopyObject'
  | 'GetObjectTagging'
  | 'PutObjectTagging'
  | 'DeleteObjectTagging'
  | 'RestoreObject'
  | 'GetObjectAttributes'
  | 'CreateMultipartUpload'
  | 'UploadPart'
  | 'UploadPartCopy'
  | 'ListParts'
  | 'CompleteMultipartUpload'
  | 'AbortMultipartUpload'

export interface LoggedRequest {
  operation: OperationName | 'Unknown'
  method: string
  bucket?: string
  key?: string
  partNumber?: number
  uploadId?: string
  /** The Range header of a GET, as sent. */
  range?: string
  status: number
  bytesIn: number
  errorCode?: string
}

interface Operation {
  /** The IAM action S3 authorizes the request against. */
  action: string | ((ctx: RequestContext) => string)
  run: (ctx: RequestContext) => Promise<void> | void
}

const versioned = (plain: string, withVersion: string) => (ctx: RequestContext) => (ctx.hasParam('versionId') ? withVersion : plain)

const OPERATIONS: Record<OperationName, Operation> = {
  ListBuckets: { action: 's3:ListAllMyBuckets', run: bucketOps.listBuckets },
  CreateBucket: { action: 's3:CreateBucket', run: bucketOps.createBucket },
  DeleteBucket: { action: 's3:DeleteBucket', run: bucketOps.deleteBucket },
  HeadBucket: { action: 's3:ListBucket', run: bucketOps.headBucket },
  GetBucketLocation: { action: 's3:GetBucketLocation', run: bucketOps.getBucketLocation },
  GetBucketVersioning: { action: 's3:GetBucketVersioning', run: bucketOps.getBucketVersioning },
  PutBucketVersioning: { action: 's3:PutBucketVersioning', run: bucketOps.putBucketVersioning },
  GetBucketLifecycleConfiguration: { action: 's3:GetLifecycleConfiguration', run: bucketOps.getBucketLifecycle },
  PutBucketLifecycleConfiguration: { action: 's3:PutLifecycleConfiguration', run: bucketOps.putBucketLifecycle },
  DeleteBucketLifecycle: { action: 's3:PutLifecycleConfiguration', run: bucketOps.deleteBucketLifecycle },
  GetBucketInventoryConfiguration: { action: 's3:GetInventoryConfiguration', run: inventoryOps.getBucketInventory },
  PutBucketInventoryConfiguration: { action: 's3:PutInventoryConfiguration', run: inventoryOps.putBucketInventory },
  ListBucketInventoryConfigurations: { action: 's3:GetInventoryConfiguration', run: inventoryOps.listBucketInventories },
  DeleteBucketInventoryConfiguration: { action: 's3:PutInventoryConfiguration', run: inventoryOps.deleteBucketInventory },
  GetBucketTagging: { action: 's3:GetBucketTagging', run: bucketOps.getBucketTagging },
  PutBucketTagging: { action: 's3:PutBucketTagging', run: bucketOps.putBucketTagging },
  DeleteBucketTagging: { action: 's3:PutBucketTagging', run: bucketOps.deleteBucketTagging },
  GetBucketPolicy: { action: 's3:GetBucketPolicy', run: bucketOps.getBucketPolicy },
  PutBucketPolicy: { action: 's3:PutBucketPolicy', run: bucketOps.putBucketPolicy },
  DeleteBucketPolicy: { action: 's3:DeleteBucketPolicy', run: bucketOps.deleteBucketPolicy },
  ListObjectsV2: { action: 's3:ListBucket', run: listOps.listObjectsV2 },
  ListObjects: { action: 's3:ListBucket', run: listOps.listObjectsV1 },
  ListObjectVersions: { action: 's3:ListBucketVersions', run: listOps.listObjectVersions },
  ListMultipartUploads: { action: 's3:ListBucketMultipartUploads', run: listOps.listMultipartUploads },
  // Authorized per key inside the operation, as S3 reports per-key AccessDenied errors.
  DeleteObjects: { action: '', run: objectOps.deleteObjects },
  PutObject: { action: 's3:PutObject', run: objectOps.putObject },
  GetObject: { action: versioned('s3:GetObject', 's3:GetObjectVersion'), run: objectOps.getObject },
  HeadObject: { action: versioned('s3:GetObject', 's3:GetObjectVersion'), run: objectOps.getObject },
  DeleteObject: { action: versioned('s3:DeleteObject', 's3:DeleteObjectVersion'), run: objectOps.deleteObject },
  CopyObject: { action: 's3:PutObject', run: objectOps.copyObject },
  GetObjectTagging: { action: versioned('s3:GetObjectTagging', 's3:GetObjectVersionTagging'), run: objectOps.getObjectTagging },
  PutObjectTagging: { action: versioned('s3:PutObjectTagging', 's3:PutObjectVersionTagging'), run: objectOps.putObjectTagging },
  DeleteObjectTagging: { action: versioned('s3:DeleteObjectTagging', 's3:DeleteObjectVersionTagging'), run: objectOps.deleteObjectTagging },
  RestoreObject: { action: 's3:RestoreObject', run: objectOps.restoreObject },
  GetObjectAttributes: { action: versioned('s3:GetObjectAttributes', 's3:GetObjectVersionAttributes'), run: objectOps.getObjectAttributes },
  CreateMultipartUpload: { action: 's3:PutObject', run: multipartOps.createMultipartUpload },
  UploadPart: { action: 's3:PutObject', run: multipartOps.uploadPart },
  UploadPartCopy: { action: 's3:PutObject', run: multipartOps.uploadPartCopy },
  ListParts: { action: 's3:ListMultipartUploadParts', run: multipartOps.listParts },
  CompleteMultipartUpload: { action: 's3:PutObject', run: multipartOps.completeMultipartUpload },
  AbortMultipartUpload: { action: 's3:AbortMultipartUpload', run: multipartOps.abortMultipartUpload },
}

/** Subresources of S3 this emulator does not implement: answered 501 rather than misread as another operation. */
const UNSUPPORTED_SUBRESOURCES = new Set([
  'acl',
  'accelerate',
  'analytics',
  'cors',
  'encryption',
  'intelligent-tiering',
  'legal-hold',
  'logging',
  'metrics',
  'notification',
  'object-lock',
  'ownershipControls',
  'policyStatus',
  'publicAccessBlock',
  'replication',
  'requestPayment',
  'retention',
  'select',
  'torrent',
  'website',
  'session',
  'metadataTable',
  'metadataConfiguration',
  'renameObject',
  'abac',
])

function route(ctx: RequestContext): OperationName {
  const has = (name: string) => ctx.hasParam(name)
  if (ctx.query.some(([name]) => UNSUPPORTED_SUBRESOURCES.has(name))) throw new S3Error('NotImplemented')
  const method = ctx.method
  if (ctx.bucketName === undefined) {
    if (method === 'GET') return 'ListBuckets'
    throw new S3Error('MethodNotAllowed')
  }
  if (ctx.key === undefined) {
    // Object subresources on a bucket's path: S3 refuses them ("A key must be specified") instead of
    // reading the request as a bucket operation (a keyless AbortMultipartUpload is no DeleteBucket).
    const objectOnly =
      has('uploadId') ||
      has('partNumber') ||
      has('attributes') ||
      (method === 'POST' && (has('uploads') || has('restore'))) ||
      (method === 'PUT' && ctx.header('x-amz-copy-source') !== undefined)
    if (objectOnly) throw invalidRequest('A key must be specified')
    switch (method) {
      case 'GET':
        if (has('location')) return 'GetBucketLocation'
        if (has('versioning')) return 'GetBucketVersioning'
        if (has('lifecycle')) return 'GetBucketLifecycleConfiguration'
        if (has('inventory')) return has('id') ? 'GetBucketInventoryConfiguration' : 'ListBucketInventoryConfigurations'
        if (has('tagging')) return 'GetBucketTagging'
        if (has('policy')) return 'GetBucketPolicy'
        if (has('versions')) return 'ListObjectVersions'
        if (has('uploads')) return 'ListMultipartUploads'
        return ctx.param('list-type') === '2' ? 'ListObjectsV2' : 'ListObjects'
      case 'PUT':
        if (has('versioning')) return 'PutBucketVersioning'
        if (has('lifecycle')) return 'PutBucketLifecycleConfiguration'
        if (has('inventory')) return 'PutBucketInventoryConfiguration'
        if (has('tagging')) return 'PutBucketTagging'
        if (has('policy')) return 'PutBucketPolicy'
        return 'CreateBucket'
      case 'DELETE':
        if (has('lifecycle')) return 'DeleteBucketLifecycle'
        if (has('inventory')) return 'DeleteBucketInventoryConfiguration'
        if (has('tagging')) return 'DeleteBucketTagging'
        if (has('policy')) return 'DeleteBucketPolicy'
        return 'DeleteBucket'
      case 'HEAD':
        return 'HeadBucket'
      case 'POST':
        if (has('delete')) return 'DeleteObjects'
        throw new S3Error('NotImplemented')
    }
    throw new S3Error('MethodNotAllowed')
  }
  switch (method) {
    case 'GET':
      if (has('tagging')) return 'GetObjectTagging'
      if (has('attributes')) return 'GetObjectAttributes'
      if (has('uploadId')) return 'ListParts'
      return 'GetObject'
    case 'HEAD':
      return 'HeadObject'
    case 'PUT':
      if (has('tagging')) return 'PutObjectTagging'
      if (has('partNumber') && has('uploadId')) return ctx.header('x-amz-copy-source') !== undefined ? 'UploadPartCopy' : 'UploadPart'
      if (ctx.header('x-amz-copy-source') !== undefined) return 'CopyObject'
      return 'PutObject'
    case 'DELETE':
      if (has('tagging')) return 'DeleteObjectTagging'
      if (has('uploadId')) return 'AbortMultipartUpload'
      return 'DeleteObject'
    case 'POST':
      if (has('uploads')) return 'CreateMultipartUpload'
      if (has('uploadId')) return 'CompleteMultipartUpload'
      if (has('restore')) return 'RestoreObject'
      throw new S3Error('NotImplemented')
  }
  throw new S3Error('MethodNotAllowed')
}

/** Splits `/bucket/key?query` into its decoded parts; keys are decoded per RFC 3986 (`+` stays a plus). */
function parseTarget(url: string): { rawPath: string; query: QueryParams; bucket?: string; key?: string } {
  // Absolute-form request targets (through a proxy) carry scheme and host first.
  const target = /^https?:\/\//i.test(url) ? url.replace(/^https?:\/\/[^/]*/i, '') || '/' : url
  const q = target.indexOf('?')
  const rawPath = q < 0 ? target : target.slice(0, q)
  const query: QueryParams = []
  if (q >= 0) {
    for (const item of target.slice(q + 1).split('&')) {
      if (item === '') continue
      const eq = item.indexOf('=')
      const name = percentDecode(eq < 0 ? item : item.slice(0, eq))
      const value = percentDecode(eq < 0 ? '' : item.slice(eq + 1))
      if (name === null || value === null) throw new S3Error('InvalidURI')
      query.push([name, value])
    }
  }
  if (!rawPath.startsWith('/')) throw new S3Error('InvalidURI')
  const slash = rawPath.indexOf('/', 1)
  const bucketRaw = slash < 0 ? rawPath.slice(1) : rawPath.slice(1, slash)
  const keyRaw = slash < 0 ? '' : rawPath.slice(slash + 1)
  const bucket = bucketRaw === '' ? undefined : percentDecode(bucketRaw)
  const key = keyRaw === '' ? undefined : percentDecode(keyRaw)
  if (bucket === null || key === null) throw new S3Error('InvalidURI')
  return { rawPath, query, bucket, key }
}

const MAX_LOG = 10_000

export class S3Server {
  readonly requestLog: LoggedRequest[] = []
  private inFlight = 0
  private idleWaiters: Array<() => void> = []

  constructor(private readonly env: EmulatorEnv) {}

  readonly handle = (req: IncomingMessage, res: ServerResponse): void => {
    this.inFlight++
    void this.serve(req, res).finally(() => {
      if (--this.inFlight === 0) for (const wake of this.idleWaiters.splice(0)) wake()
    })
  }

  /** Resolves once every request received so far has been answered (or dropped) and logged. */
  whenIdle(): Promise<void> {
    return this.inFlight === 0 ? Promise.resolve() : new Promise((resolve) => this.idleWaiters.push(resolve))
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = randomBytes(8).toString('hex').toUpperCase()
    res.setHeader('x-amz-request-id', requestId)
    res.setHeader('x-amz-id-2', hostId(requestId))
    res.setHeader('Date', new Date(this.env.nowMs()).toUTCString())
    res.setHeader('Server', 'AmazonS3')
    let ctx: RequestContext | undefined
    let errorCode: string | undefined
    try {
      const target = parseTarget(req.url ?? '/')
      ctx = new RequestContext(req, res, this.env, requestId, target.rawPath, target.query)
      ctx.bucketName = target.bucket
      ctx.key = target.key
      // S3 authenticates before it complains about the request itself.
      let name: OperationName | undefined
      let routeError: unknown
      try {
        name = route(ctx)
        ctx.operation = name
      } catch (error) {
        routeError = error
      }
      ctx.auth = await authenticate(req, target.rawPath, target.query, this.env.credentials, this.env.nowMs())
      if (name === undefined) throw routeError
      const operation = OPERATIONS[name]
      const action = typeof operation.action === 'function' ? operation.action(ctx) : operation.action
      if (action !== '' && isDenied(ctx.auth.credential, action)) throw new S3Error('AccessDenied')
      if (ctx.key !== undefined) checkKey(ctx.key)
      await operation.run(ctx)
    } catch (error) {
      errorCode = this.fail(ctx ?? new RequestContext(req, res, this.env, requestId, '/', []), error)
    }
    this.log({
      operation: (ctx?.operation ?? 'Unknown') as LoggedRequest['operation'],
      method: req.method ?? 'GET',
      bucket: ctx?.bucketName,
      key: ctx?.key,
      partNumber: ctx?.param('partNumber') !== undefined ? Number(ctx.param('partNumber')) : undefined,
      uploadId: ctx?.param('uploadId'),
      range: ctx?.header('range'),
      status: res.statusCode,
      bytesIn: ctx?.bytesIn ?? 0,
      errorCode,
    })
  }

  /** Answers with S3's error document; returns the error code for the log. */
  private fail(ctx: RequestContext, error: unknown): string {
    const s3Error = error instanceof S3Error ? error : new S3Error('InternalError')
    // A client that hangs up mid-body (a cancelled or timed-out transfer) is normal traffic, not a fault here.
    const clientGone = ctx.req.destroyed || ctx.res.destroyed || (error as NodeJS.ErrnoException)?.code === 'ERR_STREAM_PREMATURE_CLOSE'
    if (!(error instanceof S3Error) && !clientGone) console.error('[s3 emulator] internal error', error)
    if (ctx.res.headersSent) {
      // Mid-stream failure (client gone, file unreadable): all S3 can do then is drop the connection.
      ctx.res.destroy()
    } else {
      ctx.sendError(s3Error)
    }
    return s3Error.code
  }

  private log(entry: LoggedRequest): void {
    this.requestLog.push(entry)
    if (this.requestLog.length > MAX_LOG) this.requestLog.shift()
  }
}
