/**
 * The last check before an S3 request leaves: an object operation must address an object. The SDK
 * serializes `Key: ''` as the bucket's own path, so AbortMultipartUpload becomes `DELETE /bucket?uploadId=`
 * (DeleteBucket on stores that ignore the parameter), PutObjectTagging replaces the *bucket's* tags and a
 * presigned GetObject lists the bucket. The contract's schemas refuse such input already; this guard
 * makes every request builder (bulk jobs, transfers, presigning) refuse it too, whatever called it.
 */
import type { S3Client } from '@aws-sdk/client-s3'
import type { InitializeHandler, InitializeHandlerArguments, InitializeMiddleware, MetadataBearer } from '@aws-sdk/types'
import { isWellFormed } from '../api/common'
import { HaneulError } from '../core/errors'

/** Commands whose request addresses one object (their input's Key names it). */
export const OBJECT_COMMANDS = new Set([
  'AbortMultipartUploadCommand',
  'CompleteMultipartUploadCommand',
  'CopyObjectCommand',
  'CreateMultipartUploadCommand',
  'DeleteObjectCommand',
  'DeleteObjectTaggingCommand',
  'GetObjectAclCommand',
  'GetObjectAttributesCommand',
  'GetObjectCommand',
  'GetObjectLegalHoldCommand',
  'GetObjectRetentionCommand',
  'GetObjectTaggingCommand',
  'GetObjectTorrentCommand',
  'HeadObjectCommand',
  'ListPartsCommand',
  'PutObjectAclCommand',
  'PutObjectCommand',
  'PutObjectLegalHoldCommand',
  'PutObjectRetentionCommand',
  'PutObjectTaggingCommand',
  'RestoreObjectCommand',
  'SelectObjectContentCommand',
  'UploadPartCommand',
  'UploadPartCopyCommand',
])

/** Why a request must not be sent, or undefined if it may. */
export function requestProblem(commandName: string, input: Record<string, unknown>): string | undefined {
  for (const [field, value] of Object.entries(input)) {
    if (typeof value === 'string' && !isWellFormed(value)) return `${field} is not well-formed Unicode (a lone UTF-16 surrogate)`
  }
  if (OBJECT_COMMANDS.has(commandName)) {
    const key = input.Key
    if (typeof key !== 'string' || key === '') return `${commandName.replace(/Command$/, '')} needs an object key, and the key is empty`
  }
  if ('Bucket' in input && (typeof input.Bucket !== 'string' || input.Bucket === '')) return 'the bucket name is empty'
  return undefined
}

const guard: InitializeMiddleware<object, MetadataBearer> =
  (next: InitializeHandler<object, MetadataBearer>, context) => async (args: InitializeHandlerArguments<object>) => {
    const problem = requestProblem(context.commandName ?? '', args.input as Record<string, unknown>)
    if (problem) throw new HaneulError('bad-request', `Haneul did not send this request: ${problem}.`)
    return next(args)
  }

/** Installs the guard on a client (and so on every presigned request made from it). */
export function guardObjectRequests<C extends S3Client>(client: C): C {
  client.middlewareStack.add(guard as never, { step: 'initialize', name: 'haneulObjectRequestGuard', priority: 'high' })
  return client
}
