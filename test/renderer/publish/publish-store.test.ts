/**
 * The publish store's own logic, with window.haneul replaced by a bridge whose replies the test releases
 * by hand: opening on a distribution asks which origin paths serve the bucket (several → a choice), the
 * dry run sends the unsaved rules without empty headers, `publish.changed` events drive the progress, and
 * an interrupted publish of the bucket is offered for resume.
 */
import { beforeEach, describe, expect, it } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import type { AppEvent } from '../../../src-main/api/events'
import type { PublishView } from '../../../src-main/api/publish'

interface Pending {
  operation: string
  input: Record<string, unknown>
  resolve: (value: unknown) => void
}

const pending: Pending[] = []
const listeners = new Set<(event: AppEvent) => void>()
const held = (operation: string) => (input: Record<string, unknown>) =>
  new Promise((resolve) => pending.push({ operation, input, resolve }))
;(globalThis as unknown as { window: unknown }).window = {
  haneul: {
    publish: Object.fromEntries(
      ['chooseFolder', 'rules', 'saveRules', 'plan', 'start', 'list', 'resume', 'dismiss'].map((name) => [name, held(`publish.${name}`)]),
    ),
    cloudfront: { distribution: held('cloudfront.distribution') },
    cancel: () => {},
    onEvent: (listener: (event: AppEvent) => void) => {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
  },
}

const { usePublishStore } = await import('../../../src-renderer/stores/publish')

const tick = () => new Promise((r) => setTimeout(r, 1))
async function answer(operation: string, value: unknown): Promise<Pending> {
  for (let i = 0; i < 20 && !pending.some((p) => p.operation === operation); i++) await tick()
  const index = pending.findIndex((p) => p.operation === operation)
  if (index < 0) throw new Error(`no pending ${operation}; pending: ${pending.map((p) => p.operation).join(', ')}`)
  const [call] = pending.splice(index, 1)
  call!.resolve({ ok: true, value })
  await tick()
  return call!
}
const emit = (event: AppEvent) => listeners.forEach((listener) => listener(event))
const view = (patch: Partial<PublishView>): PublishView => ({
  publishId: 'p1',
  profileId: 'sandbox',
  bucket: 'site',
  originPath: '',
  folderName: 'dist',
  state: 'uploading',
  uploadsDone: 0,
  uploadsTotal: 3,
  deletesDone: 0,
  deletesTotal: 0,
  bytesDone: 0,
  bytesTotal: 30,
  bytesPerSecond: 0,
  startedAtMs: 1,
  updatedAtMs: 1,
  ...patch,
})
const rules = { rules: [{ pattern: '*.html', cacheControl: 'no-cache' }], defaults: [], saved: false }

beforeEach(() => {
  pending.length = 0
  setActivePinia(createPinia())
})

describe('the publish store', () => {
  it('asks the distribution which origin paths serve the bucket and loads that site’s rules', async () => {
    const store = usePublishStore()
    const opened = store.open({ profileId: 'sandbox', bucket: 'site', distributionId: 'E1' })
    await answer('publish.list', { publishes: [] })
    const origins = [
      { bucket: 'site', originPath: '/live' },
      { bucket: 'other', originPath: '' },
      { bucket: 'site', originPath: '/staging' },
    ]
    await answer('cloudfront.distribution', { distribution: { origins } })
    const asked = await answer('publish.rules', rules)
    await opened
    expect(store.originChoices).toEqual(['/live', '/staging'])
    expect(asked.input).toEqual({ profileId: 'sandbox', bucket: 'site', originPath: '/live' })
  })

  it('runs the dry run with the edited rules, leaving empty headers out', async () => {
    const store = usePublishStore()
    const opened = store.open({ profileId: 'sandbox', bucket: 'site', originPath: '' })
    await answer('publish.list', { publishes: [] })
    await answer('publish.rules', rules)
    await opened
    const chosen = store.chooseFolder()
    await answer('publish.chooseFolder', { folderId: 'f1', folderName: 'dist' })
    await chosen
    store.addRule()
    store.editRule(1, 'pattern', '*.css')
    store.editRule(1, 'cacheControl', 'max-age=60')
    store.editRule(0, 'cacheControl', '')
    expect(store.rulesDirty).toBe(true)
    const ran = store.dryRun()
    const call = await answer('publish.plan', {
      planId: 'plan1',
      items: [],
      counts: { new: 1, changed: 0, unchanged: 0, delete: 0, problem: 0 },
    })
    await ran
    expect(call.input).toMatchObject({
      folderId: 'f1',
      deletions: false,
      rules: [{ pattern: '*.html' }, { pattern: '*.css', cacheControl: 'max-age=60' }],
    })
    expect(store.hasWork).toBe(true)
  })

  it('follows the publish by its events and offers an interrupted one for resume', async () => {
    const store = usePublishStore()
    const opened = store.open({ profileId: 'sandbox', bucket: 'site', originPath: '' })
    await answer('publish.list', { publishes: [] })
    await answer('publish.rules', rules)
    await opened
    emit({ type: 'publish.changed', publish: view({ state: 'interrupted', uploadsDone: 1, message: '1 of 3 uploaded' }) })
    expect(store.interruptedFor('sandbox', 'site').map((p) => p.publishId)).toEqual(['p1'])
    expect(store.interruptedFor('sandbox', 'other')).toEqual([])
    const resumed = store.resume('p1')
    await answer('publish.resume', { publish: view({ state: 'uploading', uploadsDone: 1 }) })
    await resumed
    expect(store.current?.state).toBe('uploading')
    emit({ type: 'publish.changed', publish: view({ state: 'completed', uploadsDone: 3, bytesDone: 30 }) })
    expect(store.current).toMatchObject({ state: 'completed', uploadsDone: 3 })
    expect(store.interruptedFor('sandbox', 'site')).toEqual([])
  })
})
