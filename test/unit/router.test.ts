import { describe, expect, it, vi, type Mock } from 'vitest'
import { contract } from '../../src-main/api/index'
import { createRouter, operationNames, type Handlers } from '../../src-main/router'
import { HaneulError } from '../../src-main/core/errors'

const trusted = 'app://haneul/index.html'

/** A spy for every operation in the contract, with real-looking replies for the ones the tests call. */
function handlersWithSpies() {
  const handlers = Object.fromEntries(
    Object.entries(contract).map(([service, operations]) => [
      service,
      Object.fromEntries(Object.keys(operations).map((name) => [name, vi.fn(async () => ({}))])),
    ]),
  ) as unknown as Record<string, Record<string, Mock>>
  handlers.s3!.listBuckets!.mockImplementation(async () => ({ buckets: [] }))
  handlers.s3!.listObjects!.mockImplementation(async () => ({ prefixes: [], objects: [] }))
  const all = Object.values(handlers).flatMap((service) => Object.values(service))
  return { handlers: handlers as unknown as Handlers, spies: handlers, all }
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
      ['profiles.submitMfa', { promptId: 'p', code: '12345' }, /6 digits/],
      [
        'profiles.add',
        { name: 'x', region: 'us-east-1', accessKeyId: 'AKIA1234', secret: 's', endpoint: 'ftp://minio' },
        /http:\/\/ or https:\/\//,
      ],
      [
        'profiles.add',
        { name: 'x', region: 'us-east-1', accessKeyId: 'AKIA1234', secret: 's', endpoint: 'https://user:pw@minio' },
        /without user or password/,
      ],
      ['profiles.add', { name: '', region: 'us-east-1', accessKeyId: 'AKIA1234', secret: 's' }, /name must not be empty/],
      ['profiles.add', { name: 'x', region: 'Seoul', accessKeyId: 'AKIA1234', secret: 's' }, /region must look like/],
      ['profiles.update', { profileId: 'app:1', accessKeyId: 'AKIA1234' }, /both accessKeyId and secret/],
      ['profiles.update', { profileId: 'app:1', sessionToken: 'token-alone' }, /sessionToken only with them/],
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
    const { handlers, spies } = handlersWithSpies()
    const router = createRouter({ handlers, isTrustedSender: () => true })
    const ctx = context()
    const result = await router.handle('s3.listObjects', { profileId: 'sandbox', bucket: 'haneul-demo-site' }, ctx)
    expect(result).toEqual({ ok: true, value: { prefixes: [], objects: [] } })
    expect(spies.s3!.listObjects).toHaveBeenCalledWith(
      { profileId: 'sandbox', bucket: 'haneul-demo-site', prefix: '', pageSize: 1000, source: 'network' },
      ctx,
    )
  })

  it('turns thrown errors into { code, message, retryable } data', async () => {
    const { handlers, spies } = handlersWithSpies()
    const listBuckets = spies.s3!.listBuckets!
    listBuckets.mockRejectedValueOnce(new HaneulError('access-denied', 'No s3:ListAllMyBuckets.'))
    listBuckets.mockRejectedValueOnce(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }))
    listBuckets.mockRejectedValueOnce(
      Object.assign(new Error('The provided token has expired.'), { name: 'ExpiredToken', $metadata: { httpStatusCode: 400 } }),
    )
    const log = vi.fn()
    listBuckets.mockRejectedValueOnce(new TypeError('boom'))
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
    expect(operationNames()).toContain('s3.listObjects')
    expect(operationNames()).toContain('profiles.submitMfa')
  })
})
