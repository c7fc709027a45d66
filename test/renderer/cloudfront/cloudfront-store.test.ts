/**
 * The CloudFront store's own logic, with window.haneul replaced by a bridge whose replies the test
 * releases by hand (as the storage store's test does): late plans are dropped, a stale ETag is told
 * apart from other refusals, progress events of another analysis are ignored, watches update the list.
 */
import { beforeEach, describe, expect, it } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import type { AppEvent } from '../../../src-main/api/events'

interface Pending {
  operation: string
  input: Record<string, unknown>
  requestId?: string
  resolve: (value: unknown) => void
}

const pending: Pending[] = []
const listeners = new Set<(event: AppEvent) => void>()
const held = (operation: string) => (input: Record<string, unknown>, requestId?: string) =>
  new Promise((resolve) => pending.push({ operation, input, requestId, resolve }))
;(globalThis as unknown as { window: unknown }).window = {
  haneul: {
    cloudfront: Object.fromEntries(
      [
        'listDistributions',
        'distribution',
        'listInvalidations',
        'planInvalidation',
        'createInvalidation',
        'setDistributionEnabled',
        'analyzeLogs',
      ].map((name) => [name, held(name)]),
    ),
    profiles: { list: async () => ({ ok: true, value: { profiles: [], activeId: 'sandbox' } }) },
    jobs: { watches: async () => ({ ok: true, value: { watches: [] } }) },
    cancel: () => {},
    onEvent: (listener: (event: AppEvent) => void) => {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
  },
}

const { canSend, typedPaths, useCloudFrontStore } = await import('../../../src-renderer/stores/cloudfront')
const { useProfilesStore } = await import('../../../src-renderer/stores/profiles')

const tick = () => new Promise((r) => setTimeout(r, 1))
async function answer(match: (p: Pending) => boolean, value: unknown): Promise<Pending> {
  for (let i = 0; i < 20 && !pending.some(match); i++) await tick()
  const index = pending.findIndex(match)
  if (index < 0) throw new Error(`no pending call matches; pending: ${JSON.stringify(pending.map((p) => [p.operation, p.input]))}`)
  const [call] = pending.splice(index, 1)
  call!.resolve(value)
  await tick()
  return call!
}
const ok = (value: unknown) => ({ ok: true, value })
const refused = (code: string, message: string) => ({ ok: false, error: { code, message, retryable: false } })
const emit = (event: AppEvent) => listeners.forEach((listener) => listener(event))

const plan = (paths: string[], problem?: string) => ({
  paths: paths.map((input) => ({ input, path: input, wildcard: false, problem })),
  pathCount: paths.length,
  wildcardCount: 0,
  batches: 1,
  cost: { pathsThisMonth: 3, complete: true, freePerMonth: 1000, billablePaths: 0, usd: 0 },
})

describe('typed paths and whether a plan can be sent', () => {
  it('takes one path a line, trims the ends and keeps spaces inside', () => {
    expect(typedPaths('  /a b.html \r\n\n/문서/*\n   \n')).toEqual(['/a b.html', '/문서/*'])
  })
  it('refuses an empty plan and one with any problem', () => {
    expect(canSend(undefined)).toBe(false)
    expect(canSend(plan([]))).toBe(false)
    expect(canSend(plan(['/a'], '* is allowed only as the last character'))).toBe(false)
    expect(canSend(plan(['/a', '/b']))).toBe(true)
  })
})

describe('cloudfront store', () => {
  beforeEach(() => {
    setActivePinia(createPinia())
    pending.length = 0
    useProfilesStore().activeId = 'sandbox'
  })

  it('shows the plan of what the dialog holds now, dropping a slower reply for what it held before', async () => {
    const store = useCloudFrontStore()
    store.startInvalidation({ distributionId: 'E2', paths: ['/old'] })
    store.draft!.text = '/new'
    void store.plan()
    // The plan for "/new" answers first; the one for "/old" arrives late and must not replace it.
    await answer((p) => p.operation === 'planInvalidation' && (p.input.paths as string[])[0] === '/new', ok(plan(['/new'])))
    await answer((p) => p.operation === 'planInvalidation' && (p.input.paths as string[])[0] === '/old', ok(plan(['/old'])))
    expect(store.draft!.plan!.paths.map((p) => p.input)).toEqual(['/new'])
    expect(store.draft!.planning).toBe(false)
  })

  it('sends objects from Storage as they were chosen, and adds the new invalidation to the open list', async () => {
    const store = useCloudFrontStore()
    const opening = store.open('E2')
    await answer((p) => p.operation === 'listInvalidations' && p.input.source === 'cache', refused('not-found', 'none'))
    await answer((p) => p.operation === 'distribution' && p.input.source === 'cache', refused('not-found', 'none'))
    await answer(
      (p) => p.operation === 'listInvalidations' && p.input.source === 'network',
      ok({ invalidations: [{ id: 'IOLD', status: 'Completed', createdAtMs: 1 }] }),
    )
    await answer((p) => p.operation === 'distribution' && p.input.source === 'network', ok({ distribution: { id: 'E2', etag: 'E1' } }))
    await opening
    const objects = { bucket: 'haneul-demo-site', keys: ['문서/한글 문서.txt'], prefixes: ['css/'] }
    store.startInvalidation({ distributionId: 'E2', objects })
    await answer((p) => p.operation === 'planInvalidation', ok(plan(['/x', '/css/*'])))
    const sending = store.sendInvalidation()
    const sent = await answer(
      (p) => p.operation === 'createInvalidation',
      ok({
        invalidations: [{ id: 'INEW', status: 'InProgress', createdAtMs: 2, paths: 2, watchId: 'w1' }],
        queuedBatches: 0,
        queuedPaths: 0,
      }),
    )
    await sending
    expect(sent.input).toEqual({ profileId: 'sandbox', distributionId: 'E2', paths: [], objects })
    expect(store.invalidations.map((i) => i.id)).toEqual(['INEW', 'IOLD'])

    // Its watch ends: the list says Completed without reloading.
    emit({
      type: 'watch.changed',
      watch: {
        watchId: 'w1',
        kind: 'cloudfront.invalidation',
        profileId: 'sandbox',
        subject: 'E2/INEW',
        state: 'done',
        status: 'Completed',
        checks: 2,
        startedAtMs: 2,
      },
    })
    expect(store.statusOf(store.invalidations[0]!)).toBe('Completed')
    expect(store.invalidations[0]!.status).toBe('Completed')
  })

  it('does not send a plan with a problem', async () => {
    const store = useCloudFrontStore()
    store.startInvalidation({ distributionId: 'E2', paths: ['/a*b'] })
    await answer((p) => p.operation === 'planInvalidation', ok(plan(['/a*b'], '* is allowed only as the last character')))
    await store.sendInvalidation()
    expect(pending.filter((p) => p.operation === 'createInvalidation')).toEqual([])
  })

  it('tells a stale ETag apart: the dialog offers to reload instead of retrying blindly', async () => {
    const store = useCloudFrontStore()
    const opening = store.open('E2')
    await answer((p) => p.operation === 'distribution' && p.input.source === 'cache', refused('not-found', 'none'))
    await answer(
      (p) => p.operation === 'distribution' && p.input.source === 'network',
      ok({ distribution: { id: 'E2', etag: 'ETAG1', enabled: true } }),
    )
    await answer((p) => p.operation === 'listInvalidations' && p.input.source === 'cache', refused('not-found', 'none'))
    await answer((p) => p.operation === 'listInvalidations', ok({ invalidations: [] }))
    await opening
    store.askEnabled(false)
    const setting = store.setEnabled()
    const call = await answer(
      (p) => p.operation === 'setDistributionEnabled',
      refused('conflict', 'The distribution changed since it was read.'),
    )
    await setting
    expect(call.input).toEqual({ profileId: 'sandbox', distributionId: 'E2', enabled: false, etag: 'ETAG1' })
    expect(store.enableDialog).toMatchObject({ stale: true, busy: false, error: 'The distribution changed since it was read.' })

    store.askEnabled(false)
    const again = store.setEnabled()
    await answer((p) => p.operation === 'setDistributionEnabled', refused('access-denied', 'Not allowed.'))
    await again
    expect(store.enableDialog).toMatchObject({ stale: false, error: 'Not allowed.' })
  })

  it('shows the progress of the analysis running now, not of one cancelled before', async () => {
    const store = useCloudFrontStore()
    store.openId = 'E2'
    void store.analyzeLogs()
    await tick()
    const first = pending.find((p) => p.operation === 'analyzeLogs')!
    void store.analyzeLogs()
    await tick()
    const second = pending.filter((p) => p.operation === 'analyzeLogs')[1]!
    expect(second.requestId).toBeDefined()
    expect(second.requestId).not.toBe(first.requestId)
    emit({ type: 'cloudfront.logsProgress', requestId: first.requestId!, filesDone: 9, filesTotal: 9, bytesDone: 9, bytesTotal: 9 })
    expect(store.logsProgress).toBeUndefined()
    emit({ type: 'cloudfront.logsProgress', requestId: second.requestId!, filesDone: 2, filesTotal: 10, bytesDone: 200, bytesTotal: 1000 })
    expect(store.logsProgress).toEqual({ filesDone: 2, filesTotal: 10, bytesDone: 200, bytesTotal: 1000 })
    expect(store.logsRunning).toBe(true)
  })
})

describe('cloudfront store offline', () => {
  beforeEach(() => {
    setActivePinia(createPinia())
    pending.length = 0
    useProfilesStore().activeId = 'sandbox'
  })

  it('keeps the saved list with its age when the endpoint is offline, and says when nothing was saved', async () => {
    const store = useCloudFrontStore()
    const loading = store.loadList()
    await answer(
      (p) => p.operation === 'listDistributions' && p.input.source === 'cache',
      ok({ distributions: [{ id: 'E2' }], cachedAtMs: 1234 }),
    )
    expect(store.distributions.map((d) => d.id)).toEqual(['E2'])
    await answer(
      (p) => p.operation === 'listDistributions' && p.input.source === 'network',
      refused('offline', 'CloudFront cannot be reached.'),
    )
    await loading
    expect(store.listCachedAtMs).toBe(1234)
    expect(store.listError).toBeUndefined()
    expect(store.listOfflineEmpty).toBe(false)

    const again = store.loadList()
    await answer((p) => p.operation === 'listDistributions' && p.input.source === 'cache', refused('not-found', 'nothing saved'))
    await answer(
      (p) => p.operation === 'listDistributions' && p.input.source === 'network',
      refused('offline', 'CloudFront cannot be reached.'),
    )
    await again
    expect(store.distributions).toEqual([])
    expect(store.listOfflineEmpty).toBe(true)
  })

  it('drops a late reply for the previous profile', async () => {
    const store = useCloudFrontStore()
    const first = store.loadList()
    useProfilesStore().activeId = 'other'
    store.reset()
    const second = store.loadList()
    await answer(
      (p) => p.operation === 'listDistributions' && p.input.profileId === 'other' && p.input.source === 'cache',
      refused('not-found', 'none'),
    )
    await answer(
      (p) => p.operation === 'listDistributions' && p.input.profileId === 'other' && p.input.source === 'network',
      ok({ distributions: [{ id: 'EOTHER' }] }),
    )
    await second
    // The old profile's snapshot arrives last; it must not replace what the new profile shows.
    await answer(
      (p) => p.input.profileId === 'sandbox' && p.input.source === 'cache',
      ok({ distributions: [{ id: 'ESTALE' }], cachedAtMs: 1 }),
    )
    await first
    expect(store.distributions.map((d) => d.id)).toEqual(['EOTHER'])
  })
})
