import { describe, expect, it } from 'vitest'
import { DragOutServer } from '../../../src-main/transfers/drag-out'

describe('drag-out redirect server', () => {
  it('answers a registered loopback URL once with a redirect to the presigned URL, and nothing else', async () => {
    let now = 0
    const server = new DragOutServer(() => now)
    const presigned = 'https://bucket.s3.amazonaws.com/key?X-Amz-Security-Token=SECRET&X-Amz-Signature=abc'
    const url = await server.register(presigned, '보고서 1.txt')
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/drag\/[\w-]{32}\//)
    expect(url).not.toContain('SECRET')
    const first = await fetch(url, { redirect: 'manual' })
    expect(first.status).toBe(302)
    expect(first.headers.get('location')).toBe(presigned)
    // One use only, and guessing gets nothing.
    expect((await fetch(url, { redirect: 'manual' })).status).toBe(404)
    expect((await fetch(url.replace(/drag\/[\w-]+/, 'drag/guess'), { redirect: 'manual' })).status).toBe(404)
    // Expired tokens are refused.
    const late = await server.register(presigned, 'x')
    now += 16 * 60_000
    expect((await fetch(late, { redirect: 'manual' })).status).toBe(404)
    await server.close()
  })
})
