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
