import { describe, expect, it, vi } from 'vitest'
import { createRouter, operationNames, type Handlers } from '../../src-main/router'
import { HaneulError } from '../../src-main/core/errors'

const trusted = 'app://haneul/index.html'

function handlersWithSpies() {
  const handlers = {
    app: {
      info: vi.fn(async () => ({ version: '1', platform: 'linux', osLocale: 'en', sandbox: { state: 'running' as const } })),
      openExternal: vi.fn(async () => ({ opened: true as const })),
    },
    profiles: {
      list: vi.fn(async () => ({ profiles: [], activeId: 'sandbox' })),
      setActive: vi.fn(async ({ profileId }: { profileId: string }) => ({ activeId: profileId })),
    },
    s3: {
      listBuckets: vi.fn(async () => ({ buckets: [] })),
      listObjects: vi.fn(async () => ({ prefixes: [], objects: [] })),
    },
  } satisfies Handlers
  const all = Object.values(handlers).flatMap((service) => Object.values(service))
  return { handlers, all }
}

function context(senderUrl = trusted) {
  return { senderUrl, signal: new AbortController().signal }
}

describe('router', () => {
  it('refuses a call from an untrusted sender before looking at the operation or payload', async () => {
    const { handlers, all } = handlersWithSpies()
    const router = createRouter({ handlers, isTrustedSender: (url) => url === trusted })
    for (const sender of ['https://evil.example/', 'file:///etc/passwd', '']) {
      const result = await router.handle('s3.listBuckets', { profileId: 'sandbox' }, context(sender))
      expect(result).toEqual({ ok: false, error: { code: 'forbidden-sender', message: expect.any(String), retryable: false } })
    }
    // Even an unknown operation from a bad sender gets forbidden-sender, so probing learns nothing.
    const probe = await router.handle('nope.nothing', {}, context('https://evil.example/'))
    expect(probe.ok === false && probe.error.code).toBe('forbidden-sender')
    for (const spy of all) expect(spy).not.toHaveBeenCalled()
  })

  it('answers unknown operations with a typed error and calls nothing', async () => {
    const { handlers, all } = handlersWithSpies()
    const router = createRouter({ handlers, isTrustedSender: () => true })
    for (const name of ['s3.deleteEverything', 's3', '', 'constructor.prototype', 's3.listBuckets.extra', '__proto__.toString']) {
      const result = await router.handle(name, {}, context())
      expect(result.ok === false && result.error.code).toBe('unknown-operation')
    }
    for (const spy of all) expect(spy).not.toHaveBeenCalled()
  })

  it('rejects payloads that break the schema, naming the rule, and calls nothing', async () => {
    const { handlers, all } = handlersWithSpies()
    const router = createRouter({ handlers, isTrustedSender: () => true })
    const cases: Array<[string, unknown, RegExp]> = [
      ['s3.listBuckets', {}, /profileId/],
      ['s3.listBuckets', { profileId: 'sandbox', extra: 1 }, /extra/i],
      ['s3.listBuckets', 'sandbox', /object/i],
      ['s3.listObjects', { profileId: 'sandbox', bucket: 'ab' }, /at least 3 characters/],
      ['s3.listObjects', { profileId: 'sandbox', bucket: 'abc', prefix: '가'.repeat(400) }, /at most 1024 bytes/],
      ['s3.listObjects', { profileId: 'sandbox', bucket: 'abc', pageSize: 5000 }, /at most 1000/],
      ['app.openExternal', { url: 'x'.repeat(3000) }, /at most 2048/],
    ]
    for (const [operation, payload, message] of cases) {
      const result = await router.handle(operation, payload, context())
      expect(result.ok).toBe(false)
      if (!result.ok) {
        expect(result.error.code).toBe('bad-request')
        expect(result.error.message).toMatch(message)
      }
    }
    for (const spy of all) expect(spy).not.toHaveBeenCalled()
  })

  it('passes validated input with defaults applied, and the signal, to the handler', async () => {
    const { handlers } = handlersWithSpies()
    const router = createRouter({ handlers, isTrustedSender: () => true })
    const ctx = context()
    const result = await router.handle('s3.listObjects', { profileId: 'sandbox', bucket: 'haneul-demo-site' }, ctx)
    expect(result).toEqual({ ok: true, value: { prefixes: [], objects: [] } })
    expect(handlers.s3.listObjects).toHaveBeenCalledWith({ profileId: 'sandbox', bucket: 'haneul-demo-site', prefix: '', pageSize: 1000 }, ctx)
  })

  it('turns thrown errors into { code, message, retryable } data', async () => {
    const { handlers } = handlersWithSpies()
    handlers.s3.listBuckets.mockRejectedValueOnce(new HaneulError('access-denied', 'No s3:ListAllMyBuckets.'))
    handlers.s3.listBuckets.mockRejectedValueOnce(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }))
    handlers.s3.listBuckets.mockRejectedValueOnce(Object.assign(new Error('The provided token has expired.'), { name: 'ExpiredToken', $metadata: { httpStatusCode: 400 } }))
    const log = vi.fn()
    handlers.s3.listBuckets.mockRejectedValueOnce(new TypeError('boom'))
    const router = createRouter({ handlers, isTrustedSender: () => true, log })
    const call = () => router.handle('s3.listBuckets', { profileId: 'sandbox' }, context())
    expect(await call()).toEqual({ ok: false, error: { code: 'access-denied', message: 'No s3:ListAllMyBuckets.', retryable: false } })
    expect(await call()).toMatchObject({ ok: false, error: { code: 'offline', retryable: true } })
    expect(await call()).toMatchObject({ ok: false, error: { code: 'credentials-expired', retryable: false } })
    expect(await call()).toMatchObject({ ok: false, error: { code: 'internal' } })
    expect(log).toHaveBeenCalledOnce()
  })

  it('refuses to build without a handler for every operation in the contract', () => {
    const { handlers } = handlersWithSpies()
    const partial = { ...handlers, s3: { listBuckets: handlers.s3.listBuckets } } as unknown as Handlers
    expect(() => createRouter({ handlers: partial, isTrustedSender: () => true })).toThrow(/No handler for s3.listObjects/)
    expect(operationNames()).toEqual(['app.info', 'app.openExternal', 'profiles.list', 'profiles.setActive', 's3.listBuckets', 's3.listObjects'])
  })
})
