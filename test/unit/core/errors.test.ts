import { describe, expect, it } from 'vitest'
import { HaneulError, toApiError } from '../../../src-main/core/errors'

const withCode = (message: string, fields: Record<string, unknown>) => Object.assign(new Error(message), fields)

describe('toApiError', () => {
  it('tells an unreachable endpoint (offline) from a broken connection (try again)', () => {
    expect(toApiError(withCode('connect ECONNREFUSED 127.0.0.1:9', { code: 'ECONNREFUSED' }))).toMatchObject({
      code: 'offline',
      retryable: true,
    })
    expect(toApiError(withCode('getaddrinfo ENOTFOUND s3.amazonaws.com', { code: 'ENOTFOUND' }))).toMatchObject({ code: 'offline' })
    expect(toApiError(withCode('connect ETIMEDOUT', { code: 'ETIMEDOUT', syscall: 'connect' }))).toMatchObject({ code: 'offline' })
    expect(
      toApiError(withCode('Socket timed out without establishing a connection within 5000 ms', { name: 'TimeoutError' })),
    ).toMatchObject({ code: 'offline' })
    expect(toApiError(withCode('socket hang up', { code: 'ECONNRESET' }))).toMatchObject({ code: 'interrupted', retryable: true })
    expect(toApiError(withCode('write EPIPE', { code: 'EPIPE' }))).toMatchObject({ code: 'interrupted' })
    // Codes are found on causes too (the SDK wraps).
    expect(toApiError(withCode('wrapped', { cause: withCode('inner', { code: 'ENETUNREACH' }) }))).toMatchObject({ code: 'offline' })
  })

  it('never puts a local path in the message, only the file name', () => {
    const error = withCode("EACCES: permission denied, open '/home/alice/secret/plan.pdf'", {
      code: 'EACCES',
      syscall: 'open',
      path: '/home/alice/secret/plan.pdf',
    })
    const mapped = toApiError(error)
    expect(mapped.message).toBe('Permission denied (EACCES on "plan.pdf").')
    expect(mapped.message).not.toContain('/home/alice')
  })

  it('maps AWS errors to codes with what to do, and keeps HaneulError as it is', () => {
    expect(
      toApiError(withCode('The provided token has expired.', { name: 'ExpiredToken', $metadata: { httpStatusCode: 400 } })),
    ).toMatchObject({ code: 'credentials-expired' })
    expect(toApiError(withCode('Access Denied', { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } }))).toMatchObject({
      code: 'access-denied',
      message: expect.stringMatching(/IAM policy/),
    })
    expect(
      toApiError(withCode('Please reduce your request rate.', { name: 'SlowDown', $metadata: { httpStatusCode: 503 } })),
    ).toMatchObject({ code: 'throttled', retryable: true })
    expect(toApiError(new HaneulError('conflict', 'exists'))).toEqual({ code: 'conflict', message: 'exists', retryable: false })
    expect(toApiError(withCode('aborted', { name: 'AbortError' }))).toMatchObject({ code: 'cancelled' })
  })
})
