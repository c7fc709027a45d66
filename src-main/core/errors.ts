/**
 * One place that turns anything thrown in main into the `{ code, message, retryable }` that crosses IPC.
 * Messages say what happened and what to do about it.
 */
import type { ApiError, ErrorCode } from '../api/contract'

/** An error main raises on purpose, already in the shape the renderer understands. */
export class HaneulError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly retryable = false,
  ) {
    super(message)
    this.name = 'HaneulError'
  }
}

/** The endpoint cannot be reached at all: the profile is offline. */
const unreachableCodes = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN'])
/** A connection that worked broke: one request failed, the network may well be fine. */
const interruptedCodes = new Set([
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
  'ECONNABORTED',
])

interface ErrorLike {
  name?: string
  code?: string
  message?: string
  $metadata?: { httpStatusCode?: number }
  $retryable?: unknown
  cause?: unknown
}

function codeIn(codes: Set<string>, error: ErrorLike, depth = 0): string | undefined {
  if (error.code && codes.has(error.code)) return error.code
  if (depth < 3 && error.cause && typeof error.cause === 'object') return codeIn(codes, error.cause as ErrorLike, depth + 1)
  return undefined
}

/** A file-system error's code and the file's name (its path may hold the user's home: it stays in main). */
function fileErrorOf(error: ErrorLike & { syscall?: string; path?: string }): string | undefined {
  if (!error.syscall || typeof error.path !== 'string') return undefined
  const name = error.path.split(/[\\/]/).pop() ?? ''
  return `${error.code ?? 'error'} on "${name}"`
}

/** Maps AWS SDK, network, validation and programming errors onto the contract's error codes. */
export function toApiError(thrown: unknown): ApiError {
  if (thrown instanceof HaneulError) {
    return { code: thrown.code, message: thrown.message, retryable: thrown.retryable }
  }
  const error: ErrorLike = typeof thrown === 'object' && thrown !== null ? (thrown as ErrorLike) : { message: String(thrown) }
  const name = error.name ?? ''
  const status = error.$metadata?.httpStatusCode
  const detail = error.message && error.message !== 'UnknownError' ? ` (${error.message})` : ''

  if (name === 'AbortError' || error.code === 'ABORT_ERR') {
    return { code: 'cancelled', message: 'Cancelled.', retryable: false }
  }
  // Timing out while connecting is as unreachable as a refusal (a dropped VPN often just swallows packets).
  const connectTimeout =
    ((error as { syscall?: string }).syscall === 'connect' && error.code === 'ETIMEDOUT') ||
    (name === 'TimeoutError' && /establishing a connection/i.test(error.message ?? ''))
  const unreachable = codeIn(unreachableCodes, error) ?? (connectTimeout ? 'connect timeout' : undefined)
  if (unreachable) {
    return {
      code: 'offline',
      message: `Could not reach the service (${unreachable}). Check your network or VPN; Haneul retries when it is back.`,
      retryable: true,
    }
  }
  const interrupted = codeIn(interruptedCodes, error)
  if (interrupted || name === 'TimeoutError' || name === 'RequestTimeout') {
    return { code: 'interrupted', message: `The connection was interrupted (${interrupted ?? name}). Try again.`, retryable: true }
  }
  const fileError = fileErrorOf(error as ErrorLike & { syscall?: string; path?: string })
  if (fileError && error.code === 'ENAMETOOLONG') {
    return { code: 'bad-request', message: `The file name is too long for this disk (${fileError}).`, retryable: false }
  }
  if (fileError) {
    const what =
      error.code === 'EACCES' || error.code === 'EPERM'
        ? 'Permission denied'
        : error.code === 'ENOSPC'
          ? 'The disk is full'
          : 'A file could not be used'
    return { code: 'internal', message: `${what} (${fileError}).`, retryable: error.code === 'ENOSPC' }
  }
  switch (name) {
    case 'ExpiredToken':
    case 'ExpiredTokenException':
    case 'TokenRefreshRequired':
    case 'RequestExpired':
      return {
        code: 'credentials-expired',
        message: `The profile's session has expired${detail}. Sign in again or refresh the credentials.`,
        retryable: false,
      }
    case 'InvalidAccessKeyId':
    case 'SignatureDoesNotMatch':
    case 'UnrecognizedClientException':
    case 'InvalidClientTokenId':
    case 'InvalidToken':
      return {
        code: 'credentials-invalid',
        message: `AWS did not accept the profile's credentials${detail}. Check the access key and secret for this profile.`,
        retryable: false,
      }
    case 'CredentialsProviderError':
      return { code: 'credentials-missing', message: `No usable credentials for this profile${detail}.`, retryable: false }
    case 'AccessDenied':
    case 'AccessDeniedException':
    case 'Forbidden':
    case 'AllAccessDisabled':
      return {
        code: 'access-denied',
        message: `Access denied${detail}. The profile's IAM policy does not allow this action.`,
        retryable: false,
      }
    case 'NoSuchBucket':
      return { code: 'not-found', message: `The bucket does not exist or belongs to another account${detail}.`, retryable: false }
    case 'NoSuchKey':
    case 'NotFound':
    case 'NoSuchUpload':
    case 'NoSuchVersion':
      return { code: 'not-found', message: `Not found${detail}. It may have been deleted or moved.`, retryable: false }
    case 'BucketAlreadyExists':
    case 'BucketAlreadyOwnedByYou':
      return {
        code: 'already-exists',
        message: `That name is taken${detail}. Bucket names are global across all AWS accounts.`,
        retryable: false,
      }
    case 'SlowDown':
    case 'Throttling':
    case 'ThrottlingException':
    case 'TooManyRequestsException':
    case 'RequestLimitExceeded':
      return { code: 'throttled', message: `AWS asked Haneul to slow down${detail}. It retries with backoff.`, retryable: true }
    case 'ZodError':
      return { code: 'bad-request', message: error.message ?? 'Invalid input.', retryable: false }
    case 'URIError':
      // encodeURIComponent throws this on a lone surrogate: text that has no UTF-8 form.
      return { code: 'bad-request', message: 'A name or value is not well-formed Unicode, so it cannot be sent.', retryable: false }
  }
  if (error.code === 'ERR_INVALID_CHAR' || error.code === 'ERR_INVALID_HTTP_TOKEN') {
    // Node refuses a header holding a line break or non-ASCII (e.g. a session token pasted with a newline).
    return {
      code: 'bad-request',
      message:
        'A value sent as an HTTP header holds a character headers cannot carry (a line break or non-ASCII). Check the profile and the fields entered.',
      retryable: false,
    }
  }
  if (status === 403) return { code: 'access-denied', message: `Access denied (HTTP 403)${detail}.`, retryable: false }
  if (status === 404) return { code: 'not-found', message: `Not found (HTTP 404)${detail}.`, retryable: false }
  // Other refusals of the request itself (replies to HEAD carry no error code, only the status).
  if (status === 409 || status === 412) {
    return {
      code: 'conflict',
      message: `The service refused: the resource is not in a state that allows this (HTTP ${status})${detail}.`,
      retryable: false,
    }
  }
  if (status === 405 || status === 501) {
    return { code: 'unsupported', message: `The service does not support this request (HTTP ${status})${detail}.`, retryable: false }
  }
  if (status !== undefined && status >= 400 && status < 500) {
    return {
      code: 'bad-request',
      message: `The service refused the request as invalid (HTTP ${status})${detail}. Check the names, ids and values given.`,
      retryable: false,
    }
  }
  if (status !== undefined && status >= 500) {
    return { code: 'internal', message: `The service failed (HTTP ${status})${detail}. Try again.`, retryable: true }
  }
  return { code: 'internal', message: `Unexpected error${detail || `: ${name || 'unknown'}`}.`, retryable: false }
}
