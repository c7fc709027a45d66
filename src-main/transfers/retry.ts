/**
 * Per-request retries: what is worth retrying, how long to wait, and the watchdog that turns a silent
 * socket into a retry. Each part, PutObject or ranged GET runs under `withRetries` on its own, so one bad
 * request never restarts the whole job.
 */
import type { TransferConfig } from './config'
import type { Clock } from './deps'

/** A request moved no bytes for stallTimeoutMs; it was aborted so it can be sent again. */
export class StallError extends Error {
  override readonly name = 'StallError'
  constructor(readonly stallTimeoutMs: number) {
    super(`no bytes moved for ${stallTimeoutMs} ms`)
  }
}

/** The server's answer did not match what was sent or expected (checksum, ETag, length). Sent again. */
export class IntegrityError extends Error {
  override readonly name = 'IntegrityError'
}

export type FailureKind =
  /** Send again after a jittered delay (5xx, reset sockets, stalls, RequestTimeout, BadDigest). */
  | 'retry'
  /** 503 SlowDown / throttling: send again after a longer, never-short delay. */
  | 'slow-down'
  /** The session expired: refresh the credentials through the client's provider, then send again. */
  | 'credentials'
  /** The endpoint could not be reached at all: maybe the network is gone. */
  | 'unreachable'
  | 'aborted'
  | 'fatal'

interface ErrorLike {
  name?: string
  code?: string
  message?: string
  syscall?: string
  $metadata?: { httpStatusCode?: number; attempts?: number }
  $retryable?: unknown
  cause?: unknown
}

const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'ENETDOWN'])
const TRANSIENT_CODES = new Set([
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ECONNABORTED',
  'ERR_STREAM_PREMATURE_CLOSE',
  // undici's (the lean GETs of s3-get.ts): a socket that closed, a body cut short, a timeout.
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CONNECT_TIMEOUT',
])
const CREDENTIAL_NAMES = new Set(['ExpiredToken', 'ExpiredTokenException', 'TokenRefreshRequired', 'RequestExpired'])
const SLOW_DOWN_NAMES = new Set(['SlowDown', 'Throttling', 'ThrottlingException', 'RequestLimitExceeded', 'TooManyRequestsException'])
const TRANSIENT_NAMES = new Set([
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'InternalError',
  'ServiceUnavailable',
  'BadDigest',
  'IncompleteBody',
  'XAmzContentSHA256Mismatch',
  'StallError',
  'IntegrityError',
])

function errorCode(error: ErrorLike, depth = 0): string | undefined {
  if (error.code) return error.code
  if (depth < 3 && error.cause && typeof error.cause === 'object') return errorCode(error.cause as ErrorLike, depth + 1)
  return undefined
}

export function classifyError(thrown: unknown, jobSignal?: AbortSignal): FailureKind {
  if (jobSignal?.aborted) return 'aborted'
  const error: ErrorLike = typeof thrown === 'object' && thrown !== null ? (thrown as ErrorLike) : {}
  const name = error.name ?? ''
  const status = error.$metadata?.httpStatusCode
  const code = errorCode(error)
  if (CREDENTIAL_NAMES.has(name)) return 'credentials'
  if (SLOW_DOWN_NAMES.has(name) || status === 503 || status === 429) return 'slow-down'
  if (TRANSIENT_NAMES.has(name) || (status !== undefined && status >= 500) || error.$retryable) return 'retry'
  if (code && UNREACHABLE_CODES.has(code)) return 'unreachable'
  // A socket that died mid-body, whether the SDK names it or Node does.
  if ((code && TRANSIENT_CODES.has(code)) || /socket hang up|aborted|premature close/i.test(error.message ?? '')) return 'retry'
  return 'fatal'
}

/**
 * Full jitter (AWS Architecture Blog, "Exponential Backoff and Jitter"): a delay drawn from 0..ceiling, with
 * the ceiling doubling per attempt. SlowDown uses "equal jitter" on a doubled ceiling instead, so a throttled
 * request always waits at least half of it.
 */
export function retryDelayMs(
  attempt: number,
  kind: FailureKind,
  config: Pick<TransferConfig, 'baseRetryDelayMs' | 'maxRetryDelayMs'>,
  random: () => number = Math.random,
): number {
  const factor = kind === 'slow-down' ? 2 : 1
  const ceiling = Math.min(config.maxRetryDelayMs, config.baseRetryDelayMs * factor * 2 ** (attempt - 1))
  return Math.round(kind === 'slow-down' ? ceiling / 2 + (random() * ceiling) / 2 : random() * ceiling)
}

export interface RetryInfo {
  /** The attempt that failed, 1-based. */
  attempt: number
  kind: FailureKind
  error: unknown
  delayMs: number
}

export interface Attempt {
  /** 1-based. */
  number: number
  /** Aborted when the job stops or this attempt stalls. Pass it to the SDK call. */
  signal: AbortSignal
  /** Call whenever bytes move, so the watchdog knows the request is alive. */
  alive(): void
}

export interface RetryContext {
  config: Pick<TransferConfig, 'maxAttempts' | 'baseRetryDelayMs' | 'maxRetryDelayMs' | 'stallTimeoutMs'>
  clock: Clock
  /** The job's signal: aborting it ends the retries at once. */
  signal: AbortSignal
  random?: () => number
  refreshCredentials(): Promise<void>
  /** Present when the engine knows about connectivity: an unreachable endpoint while offline waits instead of failing. */
  network?: { isOnline(): boolean; waitUntilOnline(signal: AbortSignal): Promise<void>; reportUnreachable(): void }
  onRetry?(info: RetryInfo): void
  onNetworkWait?(waiting: boolean): void
}

/**
 * Runs operation until it succeeds, a fatal error, or maxAttempts. `stallTimeoutMs` overrides the config for
 * requests that may legitimately sit silent (CompleteMultipartUpload of a big object).
 */
export async function withRetries<T>(
  operation: (attempt: Attempt) => Promise<T>,
  context: RetryContext,
  stallTimeoutMs = context.config.stallTimeoutMs,
): Promise<T> {
  const { config, clock, signal } = context
  for (let attempt = 1; ; attempt++) {
    signal.throwIfAborted()
    const controller = new AbortController()
    const onJobAbort = () => controller.abort(signal.reason)
    signal.addEventListener('abort', onJobAbort, { once: true })
    const watchdog = new StallWatchdog(clock, stallTimeoutMs, () => controller.abort(new StallError(stallTimeoutMs)))
    try {
      return await operation({ number: attempt, signal: controller.signal, alive: () => watchdog.alive() })
    } catch (thrown) {
      const error = controller.signal.reason instanceof StallError ? controller.signal.reason : thrown
      const kind = classifyError(error, signal)
      if (kind === 'aborted') throw signal.reason ?? error
      if (kind === 'fatal') throw error
      if (kind === 'unreachable') context.network?.reportUnreachable()
      if (kind === 'unreachable' && context.network && !context.network.isOnline()) {
        context.onNetworkWait?.(true)
        try {
          await context.network.waitUntilOnline(signal)
        } finally {
          context.onNetworkWait?.(false)
        }
        // Time offline is not the request's fault: this attempt does not count.
        attempt--
        continue
      }
      if (attempt >= config.maxAttempts) throw error
      const delayMs = kind === 'credentials' ? 0 : retryDelayMs(attempt, kind, config, context.random)
      context.onRetry?.({ attempt, kind, error, delayMs })
      if (kind === 'credentials') await context.refreshCredentials()
      await clock.sleep(delayMs, signal)
    } finally {
      signal.removeEventListener('abort', onJobAbort)
      watchdog.stop()
    }
  }
}

/**
 * Fires onStall once if alive() is not called for timeoutMs. One timer per request, re-armed only when it
 * fires (alive() just records the time), so a chunk of body costs a clock read, not a timer.
 */
class StallWatchdog {
  private lastAliveMs: number
  private cancel: () => void

  constructor(
    private readonly clock: Clock,
    private readonly timeoutMs: number,
    private readonly onStall: () => void,
  ) {
    this.lastAliveMs = clock.now()
    this.cancel = clock.setTimer(() => this.check(), timeoutMs)
  }

  alive(): void {
    this.lastAliveMs = this.clock.now()
  }

  stop(): void {
    this.cancel()
  }

  private check(): void {
    const silentMs = this.clock.now() - this.lastAliveMs
    if (silentMs >= this.timeoutMs) this.onStall()
    else this.cancel = this.clock.setTimer(() => this.check(), this.timeoutMs - silentMs)
  }
}
