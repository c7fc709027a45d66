/**
 * The storage store under a profile switch: a listing still streaming for the old profile must not mix
 * into the new profile's view. window.haneul is replaced by a bridge whose replies the test releases by
 * hand, so the interleaving is exact rather than a race.
 */
import { beforeEach, describe, expect, it } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'

interface Pending {
  operation: string
  input: { profileId: string; bucket?: string; nextToken?: string; source?: string }
  resolve: (value: unknown) => void
}

const pending: Pending[] = []
;(globalThis as unknown as { window: unknown }).window = {
  haneul: {
    s3: {
      listBuckets: (input: Pending['input']) => new Promise((resolve) => pending.push({ operation: 'listBuckets', input, resolve })),
      listObjects: (input: Pending['input']) => new Promise((resolve) => pending.push({ operation: 'listObjects', input, resolve })),
    },
    profiles: {
      setActive: async ({ profileId }: { profileId: string }) => ({ ok: true, value: { activeId: profileId } }),
      list: async () => ({ ok: true, value: { profiles: [], activeId: 'a' } }),
    },
    cancel: () => {},
    onEvent: () => () => {},
  },
}

const { useStorageStore } = await import('../../../src-renderer/stores/storage')
const { useProfilesStore } = await import('../../../src-renderer/stores/profiles')

/** Answers the oldest pending call matching the predicate. */
async function answer(match: (p: Pending) => boolean, value: unknown): Promise<void> {
  for (let i = 0; i < 20 && !pending.some(match); i++) await new Promise((r) => setTimeout(r, 1))
  const index = pending.findIndex(match)
  if (index < 0) throw new Error(`no pending call matches; pending: ${JSON.stringify(pending.map((p) => [p.operation, p.input]))}`)
  const [call] = pending.splice(index, 1)
  call!.resolve(value)
  await new Promise((r) => setTimeout(r, 1))
}

const page = (keys: string[], nextToken?: string) => ({
  ok: true,
  value: { prefixes: [], objects: keys.map((key) => ({ key, size: 1, storageClass: 'STANDARD' })), nextToken },
})
const noCache = { ok: false, error: { code: 'not-found', message: 'nothing cached', retryable: false } }

describe('storage store when the profile changes mid-listing', () => {
  beforeEach(() => {
    setActivePinia(createPinia())
    pending.length = 0
  })

  it('drops the old profile’s late pages and shows only the new profile’s data', async () => {
    const storage = useStorageStore()
    const profiles = useProfilesStore()
    profiles.activeId = 'aws:a'
    const openA = storage.open('bucket-a')
    await answer((p) => p.input.profileId === 'aws:a' && p.input.source === 'cache', noCache)
    await answer((p) => p.input.profileId === 'aws:a' && !p.input.nextToken && p.input.source === undefined, page(['a-1', 'a-2'], 't2'))
    expect(storage.objects.map((o) => o.key)).toEqual(['a-1', 'a-2'])

    // The user switches profile while bucket-a's second page is still on its way.
    profiles.activeId = 'aws:b'
    const bucketsB = storage.loadBuckets()
    await answer((p) => p.input.profileId === 'aws:a' && p.input.nextToken === 't2', page(['a-3-LATE']))
    await openA
    await answer((p) => p.operation === 'listBuckets' && p.input.source === 'cache', noCache)
    await answer((p) => p.operation === 'listBuckets' && p.input.profileId === 'aws:b', {
      ok: true,
      value: { buckets: [{ name: 'bucket-b' }] },
    })
    await bucketsB
    expect(storage.bucket).toBeUndefined()
    expect(storage.buckets.map((b) => b.name)).toEqual(['bucket-b'])
    expect(storage.objects.map((o) => o.key)).not.toContain('a-3-LATE')
    expect(storage.listing).toBe(false)
  })

  it('shows the snapshot first, then replaces it with the live listing', async () => {
    const storage = useStorageStore()
    useProfilesStore().activeId = 'aws:a'
    const opening = storage.open('bucket-a')
    await answer((p) => p.input.source === 'cache', {
      ok: true,
      value: { prefixes: [], objects: [{ key: 'old', size: 1, storageClass: 'STANDARD' }], cachedAtMs: 1_000 },
    })
    expect(storage.objects.map((o) => o.key)).toEqual(['old'])
    expect(storage.cachedAtMs).toBe(1_000)
    await answer((p) => p.input.source === undefined, page(['new']))
    await opening
    expect(storage.objects.map((o) => o.key)).toEqual(['new'])
    expect(storage.cachedAtMs).toBeUndefined()
  })

  it('keeps the snapshot, marked with its age, when the live listing finds the profile offline', async () => {
    const storage = useStorageStore()
    useProfilesStore().activeId = 'aws:a'
    const loading = storage.loadBuckets()
    await answer((p) => p.input.source === 'cache', { ok: true, value: { buckets: [{ name: 'cached-bucket' }], cachedAtMs: 5_000 } })
    await answer((p) => p.input.source === undefined, { ok: false, error: { code: 'offline', message: 'offline', retryable: true } })
    await loading
    expect(storage.buckets.map((b) => b.name)).toEqual(['cached-bucket'])
    expect(storage.cachedAtMs).toBe(5_000)
    expect(storage.bucketsError).toBeUndefined()
    expect(storage.offlineEmpty).toBe(false)
  })

  it('says offline-and-empty when there is no snapshot', async () => {
    const storage = useStorageStore()
    useProfilesStore().activeId = 'aws:new'
    const loading = storage.loadBuckets()
    await answer((p) => p.input.source === 'cache', noCache)
    await answer((p) => p.input.source === undefined, { ok: false, error: { code: 'offline', message: 'offline', retryable: true } })
    await loading
    expect(storage.offlineEmpty).toBe(true)
    expect(storage.bucketsError).toBeUndefined()
  })
})

describe('storage store refresh', () => {
  beforeEach(() => {
    setActivePinia(createPinia())
    pending.length = 0
  })

  /** Opens bucket-a with these live pages (no snapshot) and waits for the listing to finish. */
  async function openWith(pages: Array<{ keys: string[]; folders?: string[] }>) {
    const storage = useStorageStore()
    useProfilesStore().activeId = 'aws:a'
    const opening = storage.open('bucket-a')
    await answer((p) => p.input.source === 'cache', noCache)
    for (const [i, p] of pages.entries()) {
      const token = i === 0 ? undefined : `t${i}`
      await answer((c) => c.input.source === undefined && c.input.nextToken === token, {
        ok: true,
        value: {
          prefixes: p.folders ?? [],
          objects: p.keys.map((key) => ({ key, size: 1, storageClass: 'STANDARD' })),
          nextToken: i < pages.length - 1 ? `t${i + 1}` : undefined,
        },
      })
    }
    await opening
    return storage
  }
  const ids = () => useStorageStore().rows.map((r) => r.id)

  it('keeps the rows on screen until the first new page arrives, then replaces them', async () => {
    const storage = await openWith([{ folders: ['old/'], keys: ['a', 'b', 'c'] }])
    storage.select('o:b')
    storage.select('o:c', 'toggle')
    storage.filter = 'b'
    const refreshing = storage.refresh()
    // Refresh asks for the live listing only (the snapshot is older than what is shown).
    expect(pending.some((p) => p.input.source === 'cache')).toBe(false)
    await new Promise((r) => setTimeout(r, 1))
    expect(storage.listing).toBe(true)
    expect(storage.filter).toBe('b')
    storage.filter = ''
    expect(ids()).toEqual(['p:old/', 'o:a', 'o:b', 'o:c'])
    expect([...storage.selection]).toEqual(['o:b', 'o:c'])

    // The folder and "c" were deleted: the new page replaces everything at once.
    await answer((p) => p.input.source === undefined, page(['a', 'b']))
    await refreshing
    expect(ids()).toEqual(['o:a', 'o:b'])
    expect(storage.objects.map((o) => o.key)).toEqual(['a', 'b'])
    expect([...storage.selection]).toEqual(['o:b'])
    expect(storage.listing).toBe(false)
  })

  it('keeps the old rows after what each page covered, so a long folder never shrinks and grows back', async () => {
    const storage = await openWith([{ keys: ['k1', 'k2', 'k3'] }, { keys: ['k4', 'k5', 'k6'] }])
    storage.select('o:k5')
    const refreshing = storage.refresh()
    // Page 1 now ends at k3 and k2 is gone: k4..k6 stay from before until page 2 says otherwise.
    await answer((p) => p.input.source === undefined && !p.input.nextToken, page(['k1', 'k3'], 't1'))
    expect(ids()).toEqual(['o:k1', 'o:k3', 'o:k4', 'o:k5', 'o:k6'])
    expect([...storage.selection]).toEqual(['o:k5'])
    expect(storage.listing).toBe(true)
    await answer((p) => p.input.nextToken === 't1', page(['k4', 'k6', 'k7']))
    await refreshing
    expect(ids()).toEqual(['o:k1', 'o:k3', 'o:k4', 'o:k6', 'o:k7'])
    expect(storage.selection.size).toBe(0)
  })

  it('keeps the rows when the refresh finds the profile offline', async () => {
    const storage = await openWith([{ keys: ['a'] }])
    const refreshing = storage.refresh()
    await answer((p) => p.input.source === undefined, { ok: false, error: { code: 'offline', message: 'offline', retryable: true } })
    await refreshing
    expect(ids()).toEqual(['o:a'])
    expect(storage.offlineEmpty).toBe(false)
    expect(storage.listingError).toBeUndefined()
  })

  it('keeps the bucket list until the live one arrives', async () => {
    const storage = useStorageStore()
    useProfilesStore().activeId = 'aws:a'
    const loading = storage.loadBuckets()
    await answer((p) => p.input.source === 'cache', noCache)
    await answer((p) => p.operation === 'listBuckets', { ok: true, value: { buckets: [{ name: 'one' }, { name: 'two' }] } })
    await loading
    const refreshing = storage.refresh()
    await new Promise((r) => setTimeout(r, 1))
    expect(storage.buckets.map((b) => b.name)).toEqual(['one', 'two'])
    expect(pending.some((p) => p.input.source === 'cache')).toBe(false)
    await answer((p) => p.operation === 'listBuckets', { ok: true, value: { buckets: [{ name: 'one' }] } })
    await refreshing
    expect(storage.buckets.map((b) => b.name)).toEqual(['one'])
  })

  it('opening another folder still starts from an empty table and a clear selection', async () => {
    const storage = await openWith([{ keys: ['a'] }])
    storage.select('o:a')
    const opening = storage.open('bucket-a', 'sub/')
    expect(storage.rows).toEqual([])
    expect(storage.selection.size).toBe(0)
    await answer((p) => p.input.source === 'cache', noCache)
    await answer((p) => p.input.source === undefined, page(['sub/x']))
    await opening
    expect(ids()).toEqual(['o:sub/x'])
  })

  it('showing the place already shown refreshes it in place; another place or profile starts over', async () => {
    const storage = await openWith([{ keys: ['a'] }])
    const again = storage.show({ bucket: 'bucket-a', prefix: '' })
    expect(ids()).toEqual(['o:a'])
    expect(pending.some((p) => p.input.source === 'cache')).toBe(false)
    await answer((p) => p.input.source === undefined, page(['a', 'b']))
    await again
    expect(ids()).toEqual(['o:a', 'o:b'])

    useProfilesStore().activeId = 'aws:b'
    const other = storage.show({ bucket: 'bucket-a', prefix: '' })
    expect(storage.rows).toEqual([])
    await answer((p) => p.input.profileId === 'aws:b' && p.input.source === 'cache', noCache)
    await answer((p) => p.input.profileId === 'aws:b', page(['z']))
    await other
    expect(ids()).toEqual(['o:z'])
  })
})
