/**
 * CloudFront's and CloudWatch's refusals in words a person can act on. The SDK names the error after
 * CloudFront's `<Code>` (NoSuchDistribution, PreconditionFailed, …); anything not listed here goes to
 * core/errors.ts's general mapping (network, credentials, HTTP status).
 */
import { HaneulError, toApiError } from '../core/errors'

interface SdkErrorLike {
  name?: string
  message?: string
}

const detailOf = (error: SdkErrorLike) => (error.message && error.message !== 'UnknownError' ? ` (${error.message})` : '')

/** The HaneulError for a CloudFront or CloudWatch error, or undefined when the general mapping says it best. */
export function explainCloudFrontError(thrown: unknown): HaneulError | undefined {
  if (thrown instanceof HaneulError || typeof thrown !== 'object' || thrown === null) return undefined
  const error = thrown as SdkErrorLike
  const detail = detailOf(error)
  switch (error.name) {
    case 'NoSuchDistribution':
      return new HaneulError(
        'not-found',
        'This distribution does not exist in the account (it may have been deleted). Reload the list of distributions.',
      )
    case 'NoSuchInvalidation':
      return new HaneulError('not-found', 'This invalidation does not exist for the distribution. Reload its invalidations.')
    case 'PreconditionFailed':
      return new HaneulError('conflict', 'The distribution changed since you loaded it; reload it and try again. Nothing was changed.')
    case 'InvalidIfMatchVersion':
      return new HaneulError('conflict', 'CloudFront needs the ETag of the distribution you loaded; reload it and try again.')
    case 'TooManyInvalidationsInProgress':
      return new HaneulError(
        'conflict',
        'The distribution already has as many invalidations in progress as CloudFront allows (3,000 paths and 15 wildcard paths). Haneul keeps the rest queued and sends it when earlier ones complete.',
        true,
      )
    case 'BatchTooLarge':
      return new HaneulError(
        'bad-request',
        'CloudFront takes at most 3,000 paths in one invalidation; Haneul splits larger ones into batches.',
      )
    case 'InvalidArgument':
      return new HaneulError('bad-request', `CloudFront refused a value of the request${detail}. Check the paths and settings given.`)
    case 'InconsistentQuantities':
      return new HaneulError('bad-request', `CloudFront found the request's counts inconsistent${detail}.`)
    case 'AccessDenied':
    case 'AccessDeniedException':
      return new HaneulError(
        'access-denied',
        `Access denied${detail}. The profile's IAM policy must allow this CloudFront (or CloudWatch) action.`,
      )
    case 'Throttling':
    case 'ThrottlingException':
      // The SDK has already retried with backoff by the time this reaches us.
      return new HaneulError('throttled', 'AWS is throttling CloudFront calls for this account. Wait a moment and try again.', true)
    case 'IllegalUpdate':
      return new HaneulError('bad-request', `CloudFront refused the change${detail}.`)
    default:
      return undefined
  }
}

/** Use in `.catch(rethrowExplained)` around SDK calls. */
export function rethrowExplained(error: unknown): never {
  throw explainCloudFrontError(error) ?? error
}

/** The contract's code of anything thrown, after the explanations above. */
export const codeOf = (error: unknown) => toApiError(explainCloudFrontError(error) ?? error).code
