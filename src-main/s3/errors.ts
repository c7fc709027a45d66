/**
 * S3's own refusals (HTTP 400/409/412/501 with an S3 error code) as HaneulErrors that say what to do.
 * core/errors.ts maps what every service shares; these codes only S3 sends.
 */
import { HaneulError, toApiError } from '../core/errors'

interface S3ErrorLike {
  name?: string
  message?: string
}

const REFUSED_INPUT = new Set([
  'InvalidArgument',
  'InvalidRequest',
  'MalformedXML',
  'InvalidStorageClass',
  'KeyTooLongError',
  'MetadataTooLarge',
  'InvalidBucketName',
  'InvalidLocationConstraint',
  'IllegalLocationConstraintException',
  'EntityTooLarge',
  'EntityTooSmall',
  'InvalidTag',
  'InvalidRange',
  'InvalidPart',
  'InvalidPartOrder',
  'BadDigest',
  'InvalidURI',
  'InvalidDigest',
  'InvalidObjectName',
  'InvalidVersionId',
  'IncompleteBody',
  'MissingContentLength',
  'BadRequest',
])

/** Turns a known S3 refusal into a HaneulError; anything else is returned as it was. */
export function explainS3Error(thrown: unknown): unknown {
  if (thrown instanceof HaneulError || typeof thrown !== 'object' || thrown === null) return thrown
  const { name = '', message = '' } = thrown as S3ErrorLike
  const detail = message && message !== 'UnknownError' ? ` (${message})` : ''
  if (name === 'InvalidArgument' && /continuation token|marker/i.test(message)) {
    return new HaneulError(
      'bad-request',
      `S3 does not recognise this page token${detail}: it belongs to another listing or has expired. Reload the folder to start from the first page.`,
    )
  }
  if (name === 'InvalidArgument' && /version id/i.test(message)) {
    return new HaneulError('bad-request', `S3 does not accept this version id${detail}. Pick the version again from the versions list.`)
  }
  if (REFUSED_INPUT.has(name)) return new HaneulError('bad-request', `S3 refused the request: ${name}${detail}.`)
  switch (name) {
    case 'InvalidObjectState':
      return new HaneulError(
        'conflict',
        `The object is archived in a Glacier storage class and not restored${detail}. Restore it first, then try again.`,
      )
    case 'BucketNotEmpty':
      return new HaneulError(
        'conflict',
        'The bucket still holds objects, old versions or delete markers. Delete them first, then delete the bucket.',
      )
    case 'PreconditionFailed':
      return new HaneulError('conflict', 'The object changed while Haneul was working on it. Reload it and try again.')
    case 'NotImplemented':
      return new HaneulError('unsupported', `This S3 endpoint does not support that operation${detail}.`)
  }
  return thrown
}

/** Rethrows an S3 error explained; for `.catch()` in call chains. */
export function rethrowExplained(thrown: unknown): never {
  throw explainS3Error(thrown)
}

/** A failure that ends a whole bulk job instead of one key: the network, credentials or a cancel. */
export function isJobFatal(thrown: unknown): boolean {
  return ['offline', 'credentials-expired', 'credentials-invalid', 'credentials-missing', 'cancelled'].includes(toApiError(thrown).code)
}

/** The `code` and `message` of a per-key failure in a bulk job. */
export function keyFailure(key: string, thrown: unknown): { key: string; code: string; message: string } {
  const { code, message } = toApiError(explainS3Error(thrown))
  return { key, code, message }
}

/** S3 answered 404 (HeadObject has no body, so the SDK names it NotFound). */
export function isNotFound(thrown: unknown): boolean {
  return toApiError(thrown).code === 'not-found'
}
