/**
 * The route53 store against a stand-in for main's bridge (the store is under test, not main): a
 * conflict on submit plans again and shows the new diff with its reason; a refused save keeps the draft
 * as it was; offline, the snapshot shows with its age, edits still save, and submit says why it cannot;
 * INSYNC reloads the zone; a late page for a zone no longer open is dropped.
 */
import { beforeEach, describe, expect, it } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import type { AppEvent } from '../../../src-main/api/events'
import type { ChangePlan, RecordRow, RecordSet } from '../../../src-main/api/route53'

type Reply = { ok: true; value: unknown } | { ok: false; error: { code: string; message: string; retryable: boolean } }
const calls: Array<{ operation: string; input: Record<string, unknown> }> = []
let handlers: Record<string, (input: Record<string, unknown>) => Promise<Reply> | Reply> = {}
/** The draft main holds (saveDraft replaces it; a submit clears it, as main does). */
let held: unknown[] | undefined
const listeners = new Set<(event: AppEvent) => void>()
const ok = (value: unknown): Reply => ({ ok: true, value })
const fail = (code: string, message: string): Reply => ({ ok: false, error: { code, message, retryable: false } })

const operation = (name: string) => async (input: Record<string, unknown>) => {
  calls.push({ operation: name, input })
  const handler = handlers[name]
  return handler ? handler(input) : fail('not-found', `no stand-in for ${name}`)
}
;(globalThis as unknown as { window: unknown }).window = {
  haneul: {
    route53: Object.fromEntries(
      ['listZones', 'listRecords', 'checkRecord', 'draft', 'saveDraft', 'discardDraft', 'planDraft', 'submitDraft', 'importZoneFile'].map(
        (n) => [n, operation(n)],
      ),
    ),
    profiles: { list: async () => ok({ profiles: [], activeId: 'p' }) },
    app: { info: async () => ok({}) },
    cancel: () => {},
    onEvent: (listener: (event: AppEvent) => void) => {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
  },
}

const { useRoute53Store } = await import('../../../src-renderer/stores/route53')
const { useProfilesStore } = await import('../../../src-renderer/stores/profiles')

const zone = { id: 'Z1', name: 'example.com.', displayName: 'example.com.', privateZone: false, recordCount: 2, draftEdits: 0 }
const set = (name: string, ttl = 300): RecordSet => ({ Name: name, Type: 'A', TTL: ttl, ResourceRecords: [{ Value: '192.0.2.1' }] })
const row = (s: RecordSet): RecordRow => ({ set: s, displayName: s.Name, routing: 'simple' })
const plan = (planId: string, changes: ChangePlan['changes']): ChangePlan => ({
  zoneId: 'Z1',
  zoneName: 'example.com.',
  changes,
  stale: [],
  noOps: 0,
  batches: 1,
  resourceRecords: 1,
  valueCharacters: 9,
  planId,
})
const settle = () => new Promise((resolve) => setTimeout(resolve, 1))

describe('route53 store', () => {
  beforeEach(() => {
    setActivePinia(createPinia())
    useProfilesStore().activeId = 'p'
    calls.length = 0
    held = undefined
    handlers = {
      draft: () => ok(held ? { draft: { zoneId: 'Z1', edits: held, updatedAtMs: 1 } } : {}),
      listRecords: ({ source }) =>
        source === 'cache'
          ? fail('not-found', 'nothing cached')
          : ok({ zone, records: [row(set('a.example.com.')), row(set('b.example.com.'))] }),
      saveDraft: ({ edits }) => {
        held = edits as unknown[]
        return ok({ draft: { zoneId: 'Z1', edits, updatedAtMs: 1 } })
      },
    }
  })

  it('plans again after a conflict, shows the new diff and why', async () => {
    const dns = useRoute53Store()
    await dns.openZone('Z1')
    await dns.stageUpdate(set('a.example.com.'), set('a.example.com.', 60))
    let planned = 0
    handlers.planDraft = () =>
      ok(
        ++planned === 1
          ? plan('first', [{ kind: 'update', before: set('a.example.com.'), after: set('a.example.com.', 60), changed: ['ttl'] }])
          : plan('second', [{ kind: 'update', before: set('a.example.com.', 120), after: set('a.example.com.', 60), changed: ['ttl'] }]),
      )
    handlers.submitDraft = ({ planId }) =>
      planId === 'second' ? ok({ changes: [] }) : fail('conflict', 'The zone changed since you reviewed it.')
    await dns.review()
    expect(dns.plan?.planId).toBe('first')
    expect(await dns.submit()).toBeUndefined()
    expect(dns.plan?.planId).toBe('second')
    expect(dns.planNote).toBe('The zone changed since you reviewed it.')
    expect(dns.edits).toHaveLength(1)
    expect(calls.filter((c) => c.operation === 'submitDraft').map((c) => c.input.planId)).toEqual(['first'])
  })

  it('keeps the draft as it was when main refuses a save, and says why', async () => {
    const dns = useRoute53Store()
    await dns.openZone('Z1')
    await dns.stageDelete(set('b.example.com.'))
    handlers.saveDraft = () => fail('bad-request', 'The draft was not saved: edit 2, TTL must be 0 to 2147483647.')
    const refused = dns.stageUpdate(set('a.example.com.'), set('a.example.com.', -1))
    expect(dns.edits).toHaveLength(2)
    expect(await refused).toBe(false)
    expect(dns.edits).toEqual([{ kind: 'delete', before: set('b.example.com.') }])
    expect(dns.draftError).toContain('TTL must be 0 to 2147483647')
    expect(dns.rows.map((r) => r.staged)).toEqual([undefined, 'deleted'])
  })

  it('saves one edit at a time, in order, however fast they come', async () => {
    const order: number[] = []
    const releases: Array<() => void> = []
    handlers.saveDraft = ({ edits }) =>
      new Promise<Reply>((resolve) => {
        order.push((edits as unknown[]).length)
        releases.push(() => resolve(ok({ draft: { zoneId: 'Z1', edits, updatedAtMs: 1 } })))
      })
    const dns = useRoute53Store()
    await dns.openZone('Z1')
    const first = dns.stageDelete(set('a.example.com.'))
    const second = dns.stageDelete(set('b.example.com.'))
    await settle()
    expect(order).toEqual([1])
    releases[0]!()
    await first
    await settle()
    expect(order).toEqual([1, 2])
    expect(dns.edits).toHaveLength(2)
    releases[1]!()
    await second
    expect(dns.savingDraft).toBe(false)
    expect(dns.zone?.draftEdits).toBe(2)
  })

  it('offline: shows the snapshot with its age, saves edits, and says why it cannot submit', async () => {
    // As main does offline: the live call is answered from the snapshot, marked with its time.
    handlers.listRecords = () => ok({ zone, records: [row(set('a.example.com.'))], cachedAtMs: 1234 })
    const dns = useRoute53Store()
    await dns.openZone('Z1')
    expect(dns.cachedAtMs).toBe(1234)
    expect(dns.offline).toBe(true)
    expect(dns.listingError).toBeUndefined()
    expect(dns.rows).toHaveLength(1)
    expect(await dns.stageCreate(set('c.example.com.'))).toBe(true)
    expect(calls.filter((c) => c.operation === 'saveDraft')).toHaveLength(1)
    expect(dns.submitBlocked).toBe('offline')
  })

  it('offline with nothing saved for the zone: says so', async () => {
    handlers.listRecords = () => fail('offline', 'Offline, and nothing is cached yet for this listing.')
    const dns = useRoute53Store()
    await dns.openZone('Z1')
    expect(dns.offline).toBe(true)
    expect(dns.listingError?.code).toBe('offline')
  })

  it('reloads the zone once its submitted change is INSYNC', async () => {
    const dns = useRoute53Store()
    await dns.openZone('Z1')
    await dns.stageUpdate(set('a.example.com.'), set('a.example.com.', 60))
    handlers.planDraft = () =>
      ok(plan('p1', [{ kind: 'update', before: set('a.example.com.'), after: set('a.example.com.', 60), changed: ['ttl'] }]))
    handlers.submitDraft = () => {
      held = undefined
      return ok({ changes: [{ changeId: 'C1', status: 'PENDING', watchId: 'w1' }] })
    }
    await dns.review()
    await dns.submit()
    // Route 53 lists the change at once: the zone is read again right after the submit, too.
    await settle()
    expect(dns.edits).toEqual([])
    expect(dns.pendingChanges.map((c) => c.changeId)).toEqual(['C1'])
    handlers.listRecords = () => ok({ zone, records: [row(set('a.example.com.', 60)), row(set('b.example.com.'))] })
    const before = calls.filter((c) => c.operation === 'listRecords').length
    const watch = { watchId: 'w1', kind: 'route53.change', profileId: 'p', subject: 'C1', checks: 2, startedAtMs: 0 } as const
    for (const listener of listeners) listener({ type: 'watch.changed', watch: { ...watch, state: 'watching', status: 'PENDING' } })
    await settle()
    expect(calls.filter((c) => c.operation === 'listRecords').length).toBe(before)
    for (const listener of listeners) listener({ type: 'watch.changed', watch: { ...watch, state: 'done', status: 'INSYNC' } })
    await settle()
    await settle()
    expect(dns.changes[0]).toMatchObject({ status: 'INSYNC', state: 'done' })
    expect(dns.rows[0]!.row.set.TTL).toBe(60)
  })

  it('drops a late page for a zone that is no longer open', async () => {
    let release: (reply: Reply) => void = () => {}
    handlers.listRecords = ({ zoneId, source }) => {
      if (source === 'cache') return fail('not-found', 'nothing cached')
      if (zoneId === 'Z1') return new Promise<Reply>((resolve) => (release = resolve))
      return ok({ zone: { ...zone, id: 'Z2', name: 'other.org.' }, records: [row(set('x.other.org.'))] })
    }
    const dns = useRoute53Store()
    const first = dns.openZone('Z1')
    await settle()
    await dns.openZone('Z2')
    release(ok({ zone, records: [row(set('late.example.com.'))] }))
    await first
    expect(dns.zoneId).toBe('Z2')
    expect(dns.rows.map((r) => r.row.set.Name)).toEqual(['x.other.org.'])
  })

  it('never shows another profile’s zones, not even while the new list loads', async () => {
    handlers.listZones = ({ profileId, source }) =>
      source === 'cache' ? fail('not-found', 'nothing cached') : ok({ zones: [{ ...zone, name: `${String(profileId)}.example.` }] })
    const dns = useRoute53Store()
    await dns.loadZones()
    expect(dns.zones.map((z) => z.name)).toEqual(['p.example.'])
    let release: (reply: Reply) => void = () => {}
    handlers.listZones = ({ source }) =>
      source === 'cache' ? fail('not-found', 'nothing cached') : new Promise<Reply>((resolve) => (release = resolve))
    useProfilesStore().activeId = 'q'
    const loading = dns.loadZones()
    await settle()
    expect(dns.zones).toEqual([])
    release(ok({ zones: [{ ...zone, name: 'q.example.' }] }))
    await loading
    expect(dns.zones.map((z) => z.name)).toEqual(['q.example.'])
  })
})
