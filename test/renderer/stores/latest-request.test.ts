/**
 * The stores' shared "latest request wins" tickets and offline-first loading: a reply is shown only
 * while its ticket is the newest of its kind, and offline is told apart from other refusals.
 */
import { describe, expect, it } from 'vitest'

// api.ts reads the preload bridge when imported; these tests never call it.
;(globalThis as unknown as { window: unknown }).window = { haneul: {} }
const { ApiCallError } = await import('../../../src-renderer/api')
const { offlineFirst, useLatestRequest } = await import('../../../src-renderer/stores/latest-request')

const offline = () => new ApiCallError({ code: 'offline', message: 'No network', retryable: true })

describe('useLatestRequest', () => {
  it('keeps only the newest ticket of each kind current', () => {
    const { ticket } = useLatestRequest()
    const first = ticket('list')
    const other = ticket('details')
    expect(first()).toBe(true)
    const second = ticket('list')
    expect(first()).toBe(false)
    expect(second()).toBe(true)
    expect(other()).toBe(true)
  })

  it('drops every ticket taken so far, and a ticket taken afterwards is current', () => {
    const { ticket, dropAll } = useLatestRequest()
    const list = ticket('list')
    const details = ticket('details')
    dropAll()
    expect([list(), details()]).toEqual([false, false])
    expect(ticket('list')()).toBe(true)
  })

  it('keeps the tickets of two stores apart', () => {
    const one = useLatestRequest()
    const two = useLatestRequest()
    const mine = one.ticket('list')
    two.ticket('list')
    two.dropAll()
    expect(mine()).toBe(true)
  })
})

describe('offlineFirst', () => {
  type Answer = { value: string; cachedAtMs?: number }

  it('shows the snapshot, then the live answer', async () => {
    const shown: Answer[] = []
    await offlineFirst<Answer>(
      () => true,
      async (source) => (source === 'cache' ? { value: 'old', cachedAtMs: 5 } : { value: 'new' }),
      (answer) => shown.push(answer),
      () => expect.unreachable(),
    )
    expect(shown).toEqual([{ value: 'old', cachedAtMs: 5 }, { value: 'new' }])
  })

  it('offline with a snapshot shown is no error; offline with none is offline-empty', async () => {
    const failures: unknown[] = []
    const shown: Answer[] = []
    const load = (snapshot: boolean) => async (source: 'cache' | 'network') => {
      if (source === 'network' || !snapshot) throw offline()
      return { value: 'old', cachedAtMs: 5 }
    }
    await offlineFirst<Answer>(
      () => true,
      load(true),
      (a) => shown.push(a),
      (e) => failures.push(e),
    )
    expect(shown).toEqual([{ value: 'old', cachedAtMs: 5 }])
    expect(failures).toEqual([])
    await offlineFirst<Answer>(
      () => true,
      load(false),
      (a) => shown.push(a),
      (e) => failures.push(e),
    )
    expect(failures).toEqual(['offline-empty'])
  })

  it('passes other refusals on as listing errors', async () => {
    const failures: unknown[] = []
    await offlineFirst<Answer>(
      () => true,
      async (source) => {
        if (source === 'cache') throw new Error('no snapshot')
        throw new ApiCallError({ code: 'access-denied', message: 'Access Denied', retryable: false })
      },
      () => expect.unreachable(),
      (e) => failures.push(e),
    )
    expect(failures).toEqual([{ code: 'access-denied', message: 'Access Denied', retryable: false }])
  })

  it('shows nothing once a newer request of its kind started', async () => {
    const { ticket } = useLatestRequest()
    const current = ticket('list')
    const shown: Answer[] = []
    const failures: unknown[] = []
    await offlineFirst<Answer>(
      current,
      async (source) => {
        if (source === 'network') ticket('list')
        return { value: source }
      },
      (a) => shown.push(a),
      (e) => failures.push(e),
    )
    expect(shown).toEqual([{ value: 'cache' }])
    expect(failures).toEqual([])
  })
})
