import { describe, expect, it } from 'vitest'
import { systemClock } from '../../../src-main/transfers/deps'
import { StallError, classifyError, retryDelayMs, withRetries, type RetryContext, type RetryInfo } from '../../../src-main/transfers/retry'

const s3Error = (name: string, status: number) => Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } })
const nodeError = (code: string) => Object.assign(new Error(`connect ${code}`), { code })

function context(overrides: Partial<RetryContext> = {}): RetryContext & { retries: RetryInfo[] } {
  const retries: RetryInfo[] = []
  return {
    config: { maxAttempts: 4, baseRetryDelayMs: 1, maxRetryDelayMs: 5, stallTimeoutMs: 30_000 },
    clock: systemClock,
    signal: new AbortController().signal,
    refreshCredentials: async () => {},
    onRetry: (info) => retries.push(info),
    retries,
    ...overrides,
  }
}

describe('classifyError', () => {
  it('retries what a second try can fix and fails fast on the rest', () => {
    expect(classifyError(s3Error('SlowDown', 503))).toBe('slow-down')
    expect(classifyError(s3Error('ServiceUnavailable', 503))).toBe('slow-down')
    expect(classifyError(s3Error('InternalError', 500))).toBe('retry')
    expect(classifyError(s3Error('RequestTimeout', 400))).toBe('retry')
    expect(classifyError(s3Error('BadDigest', 400))).toBe('retry')
    expect(classifyError(new StallError(1000))).toBe('retry')
    expect(classifyError(nodeError('ECONNRESET'))).toBe('retry')
    expect(classifyError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))).toBe('retry')
    expect(classifyError(nodeError('ECONNREFUSED'))).toBe('unreachable')
    expect(classifyError(nodeError('ENOTFOUND'))).toBe('unreachable')
    expect(classifyError(s3Error('ExpiredToken', 400))).toBe('credentials')
    expect(classifyError(s3Error('AccessDenied', 403))).toBe('fatal')
    expect(classifyError(s3Error('NoSuchBucket', 404))).toBe('fatal')
    expect(classifyError(s3Error('PreconditionFailed', 412))).toBe('fatal')
    expect(classifyError(new TypeError('x is not a function'))).toBe('fatal')
    const aborted = new AbortController()
    aborted.abort()
    expect(classifyError(s3Error('InternalError', 500), aborted.signal)).toBe('aborted')
  })
})

describe('retryDelayMs', () => {
  const config = { baseRetryDelayMs: 100, maxRetryDelayMs: 10_000 }
  it('draws full jitter under a doubling ceiling, capped', () => {
    expect(retryDelayMs(1, 'retry', config, () => 0.999)).toBeLessThanOrEqual(100)
    expect(retryDelayMs(3, 'retry', config, () => 0.999)).toBeLessThanOrEqual(400)
    expect(retryDelayMs(3, 'retry', config, () => 0)).toBe(0)
    expect(retryDelayMs(30, 'retry', config, () => 1)).toBe(10_000)
  })
  it('never waits briefly after SlowDown', () => {
    expect(retryDelayMs(1, 'slow-down', config, () => 0)).toBe(100)
    expect(retryDelayMs(3, 'slow-down', config, () => 0)).toBe(400)
    expect(retryDelayMs(3, 'slow-down', config, () => 1)).toBe(800)
  })
})

describe('withRetries', () => {
  it('retries transient failures and returns the first success', async () => {
    const ctx = context()
    let calls = 0
    const result = await withRetries(async () => {
      calls++
      if (calls < 3) throw s3Error('SlowDown', 503)
      return 'ok'
    }, ctx)
    expect(result).toBe('ok')
    expect(ctx.retries.map((r) => [r.attempt, r.kind])).toEqual([
      [1, 'slow-down'],
      [2, 'slow-down'],
    ])
  })

  it('gives up after maxAttempts and on the first fatal error', async () => {
    const ctx = context()
    await expect(
      withRetries(async () => {
        throw s3Error('InternalError', 500)
      }, ctx),
    ).rejects.toThrow('InternalError')
    expect(ctx.retries).toHaveLength(3)
    let calls = 0
    await expect(
      withRetries(async () => {
        calls++
        throw s3Error('AccessDenied', 403)
      }, context()),
    ).rejects.toThrow('AccessDenied')
    expect(calls).toBe(1)
  })

  it('refreshes credentials once per ExpiredToken and sends again at once', async () => {
    let refreshed = 0
    const ctx = context({ refreshCredentials: async () => void refreshed++ })
    let calls = 0
    await withRetries(async () => {
      if (++calls === 1) throw s3Error('ExpiredToken', 400)
    }, ctx)
    expect(refreshed).toBe(1)
    expect(ctx.retries[0]).toMatchObject({ kind: 'credentials', delayMs: 0 })
  })

  it('aborts a request that moves no bytes for stallTimeoutMs, and sends it again', async () => {
    const ctx = context({ config: { maxAttempts: 3, baseRetryDelayMs: 1, maxRetryDelayMs: 1, stallTimeoutMs: 120 } })
    let calls = 0
    const started = Date.now()
    const result = await withRetries(async (attempt) => {
      calls++
      if (calls === 1) {
        // Never answers, like a socket that stopped forwarding; only the watchdog can end it.
        await new Promise((_resolve, reject) => attempt.signal.addEventListener('abort', () => reject(new Error('aborted by caller'))))
      }
      // Alive calls keep a slow but moving request going past the timeout.
      for (let i = 0; i < 5; i++) {
        attempt.alive()
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
      return calls
    }, ctx)
    expect(result).toBe(2)
    expect(ctx.retries[0]?.error).toBeInstanceOf(StallError)
    expect(Date.now() - started).toBeGreaterThanOrEqual(120)
  })

  it('waits for the network to come back without spending attempts', async () => {
    let online = false
    let waits = 0
    let reports = 0
    const waiting: boolean[] = []
    const ctx = context({
      config: { maxAttempts: 1, baseRetryDelayMs: 1, maxRetryDelayMs: 1, stallTimeoutMs: 30_000 },
      network: {
        isOnline: () => online,
        waitUntilOnline: async () => {
          waits++
          online = true
        },
        reportUnreachable: () => reports++,
      },
      onNetworkWait: (w) => waiting.push(w),
    })
    let calls = 0
    await withRetries(async () => {
      if (++calls === 1) throw nodeError('ECONNREFUSED')
    }, ctx)
    expect(calls).toBe(2)
    expect(waits).toBe(1)
    expect(reports).toBe(1)
    expect(waiting).toEqual([true, false])
  })

  it('stops at once when the job is aborted', async () => {
    const controller = new AbortController()
    const ctx = context({
      signal: controller.signal,
      config: { maxAttempts: 5, baseRetryDelayMs: 10_000, maxRetryDelayMs: 10_000, stallTimeoutMs: 30_000 },
    })
    const running = withRetries(async () => {
      throw s3Error('InternalError', 500)
    }, ctx)
    setTimeout(() => controller.abort(new Error('paused')), 20)
    const started = Date.now()
    await expect(running).rejects.toThrow()
    expect(Date.now() - started).toBeLessThan(1_000)
  })
})
