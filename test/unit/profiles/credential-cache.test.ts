import { describe, expect, it, vi } from 'vitest'
import { shareCredentials } from '../../../src-main/profiles/credential-cache'

const creds = (id: string, expiresInMs?: number, now = 0) => ({
  accessKeyId: id,
  secretAccessKey: 's',
  ...(expiresInMs === undefined ? {} : { expiration: new Date(now + expiresInMs) }),
})

describe('shared credentials', () => {
  it('runs one refresh however many callers wait', async () => {
    let release!: () => void
    const source = vi.fn(
      () => new Promise<ReturnType<typeof creds>>((resolve) => (release = () => resolve(creds('A', 3600_000, Date.now())))),
    )
    const shared = shareCredentials(source)
    const waiting = Array.from({ length: 50 }, () => shared.provider())
    release()
    const results = await Promise.all(waiting)
    expect(source).toHaveBeenCalledTimes(1)
    expect(new Set(results.map((r) => r.accessKeyId))).toEqual(new Set(['A']))
    await shared.provider()
    expect(source).toHaveBeenCalledTimes(1)
  })

  it('refreshes before expiry, and on forceRefresh', async () => {
    let now = 0
    let n = 0
    const source = vi.fn(async () => creds(`K${++n}`, 15 * 60_000, now))
    const shared = shareCredentials(source, { refreshBeforeExpiryMs: 5 * 60_000, nowMs: () => now })
    expect((await shared.provider()).accessKeyId).toBe('K1')
    now = 9 * 60_000 // 6 minutes left: still good
    expect((await shared.provider()).accessKeyId).toBe('K1')
    now = 11 * 60_000 // 4 minutes left: refresh ahead of expiry
    expect((await shared.provider()).accessKeyId).toBe('K2')
    expect((await shared.provider({ forceRefresh: true })).accessKeyId).toBe('K3')
    shared.invalidate()
    expect((await shared.provider()).accessKeyId).toBe('K4')
  })

  it('does not cache a failure', async () => {
    const source = vi.fn().mockRejectedValueOnce(new Error('MFA cancelled')).mockResolvedValueOnce(creds('B'))
    const shared = shareCredentials(source)
    await expect(shared.provider()).rejects.toThrow('MFA cancelled')
    await expect(shared.provider()).resolves.toMatchObject({ accessKeyId: 'B' })
  })
})
