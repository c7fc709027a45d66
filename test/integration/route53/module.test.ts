/**
 * The route53.* operations through the router against the Route 53 emulator (real SDK client, a
 * hand-driven clock, watch timers fired by hand): zones and paged records, Route 53's rules for a
 * record, drafts on disk, the plan re-reading what it touches, submit refusing a plan that moved on,
 * the guard, INSYNC, BIND import and export, TestDNSAnswer, and Route 53's refusals in words.
 */
import { ChangeResourceRecordSetsCommand, type ResourceRecordSet } from '@aws-sdk/client-route-53'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { AppEvent } from '../../../src-main/api/events'
import { route53Api, type ChangePlan, type RecordEdit, type RecordSet } from '../../../src-main/api/route53'
import { Watchers } from '../../../src-main/jobs/watchers'
import { ConnectivityMonitor } from '../../../src-main/offline/connectivity'
import { OfflineFirst } from '../../../src-main/offline/offline-first'
import { SnapshotStore } from '../../../src-main/offline/snapshot-store'
import { createRoute53Module } from '../../../src-main/route53/handlers'
import { parseZoneFile } from '../../../src-main/route53/zonefile/parse'
import { createRouter } from '../../../src-main/router'
import {
  DEMO_ZONE_ID,
  DEMO_ZONE_NAME,
  PRIVATE_ZONE_ID,
  PRIVATE_ZONE_NAME,
  SCALE_ZONE_ID,
  SCALE_ZONE_RECORD_SETS,
} from '../../../src-main/sandbox/route53/seed'
import { manualTimers } from '../../helpers/manual-timers'
import { startRoute53, type Route53Harness } from '../sandbox/route53/harness'

const profileId = 'sandbox'
let h: Route53Harness
let dataDir: string
let events: AppEvent[]
let timers: ReturnType<typeof manualTimers>
let modules: Array<{ close?(): void | Promise<void> }>

async function app(
  options: Pick<Parameters<typeof createRoute53Module>[0], 'requestsPerSecond' | 'resolverFor'> = { requestsPerSecond: Infinity },
) {
  const snapshots = await SnapshotStore.open({ dir: join(dataDir, 'snapshots'), maxBytes: 16 << 20 })
  const connectivity = new ConnectivityMonitor({ probe: async () => 'online', onChange: () => {} })
  const watchers = new Watchers({ emit: (event) => events.push(event), setTimer: timers.setTimer })
  const module = createRoute53Module({
    clients: { client: async () => h.client },
    offline: new OfflineFirst(snapshots, connectivity, 'route53'),
    watchers,
    dataDir,
    log: () => {},
    nowMs: () => h.clock.now,
    ...options,
  })
  modules.push({ close: () => watchers.close() }, { close: () => snapshots.flush() })
  const router = createRouter({ contract: { route53: route53Api }, handlers: { route53: module.handlers }, isTrustedSender: () => true })
  return async <T = unknown>(operation: string, payload: unknown) => {
    const result = await router.handle(`route53.${operation}`, payload, {
      senderUrl: 'app://haneul/',
      signal: new AbortController().signal,
    })
    return result as { ok: true; value: T } | { ok: false; error: { code: string; message: string } }
  }
}

async function ok<T>(promise: Promise<{ ok: true; value: T } | { ok: false; error: { code: string; message: string } }>): Promise<T> {
  const result = await promise
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`)
  return result.value
}

async function zoneSets(zoneId: string): Promise<ResourceRecordSet[]> {
  const call = await app()
  const sets: ResourceRecordSet[] = []
  let nextToken: string | undefined
  do {
    const page = await ok(
      call<{ records: Array<{ set: ResourceRecordSet }>; nextToken?: string }>('listRecords', { profileId, zoneId, nextToken }),
    )
    sets.push(...page.records.map((r) => r.set))
    nextToken = page.nextToken
  } while (nextToken)
  return sets
}

const find = (sets: ResourceRecordSet[], name: string, type: string, id?: string) =>
  sets.find((s) => s.Name === name && s.Type === type && s.SetIdentifier === id)!

beforeEach(async () => {
  h = await startRoute53()
  dataDir = await mkdtemp(join(tmpdir(), 'haneul-route53-'))
  events = []
  timers = manualTimers()
  modules = []
})
afterEach(async () => {
  for (const module of modules) await module.close?.()
  await h.close()
  await rm(dataDir, { recursive: true, force: true })
})

describe('zones and records', () => {
  it('lists zones with record counts and pages 10,000 records in Route 53’s order, the zone on the first page only', async () => {
    const call = await app()
    const { zones } = await ok(
      call<{ zones: Array<{ id: string; name: string; recordCount: number; draftEdits: number }> }>('listZones', { profileId }),
    )
    expect(zones.find((z) => z.id === DEMO_ZONE_ID)).toMatchObject({ name: DEMO_ZONE_NAME, draftEdits: 0 })
    const first = await ok(
      call<{ zone?: { recordCount: number }; records: unknown[]; nextToken?: string }>('listRecords', { profileId, zoneId: SCALE_ZONE_ID }),
    )
    expect(first.records).toHaveLength(300)
    expect(first.zone?.recordCount).toBeGreaterThanOrEqual(SCALE_ZONE_RECORD_SETS)
    const second = await ok(
      call<{ zone?: unknown; records: unknown[] }>('listRecords', { profileId, zoneId: SCALE_ZONE_ID, nextToken: first.nextToken }),
    )
    expect(second.zone).toBeUndefined()
    expect(second.records).toHaveLength(300)
    expect((await zoneSets(SCALE_ZONE_ID)).length).toBe(first.zone!.recordCount)
  })

  it('says which alias points at CloudFront, an S3 website or a record, and the routing policy of each row', async () => {
    const call = await app()
    await ok(call('listZones', { profileId }))
    const { records } = await ok(
      call<{ records: Array<{ set: ResourceRecordSet; routing: string; aliasKind?: string; displayName: string }> }>('listRecords', {
        profileId,
        zoneId: DEMO_ZONE_ID,
      }),
    )
    const row = (name: string, type: string, id?: string) =>
      records.find((r) => r.set.Name === name && r.set.Type === type && r.set.SetIdentifier === id)!
    expect(row(DEMO_ZONE_NAME, 'A').aliasKind).toBe('cloudfront')
    expect(row(`www.${DEMO_ZONE_NAME}`, 'A').aliasKind).toBe('record')
    expect(row(`api.${DEMO_ZONE_NAME}`, 'A', 'api-blue').routing).toBe('weighted')
    expect(row(`xn--wh1bz27d.${DEMO_ZONE_NAME}`, 'A').displayName).toBe(`하늘.${DEMO_ZONE_NAME}`)
    expect(row(`\\052.preview.${DEMO_ZONE_NAME}`, 'A').displayName).toBe(`*.preview.${DEMO_ZONE_NAME}`)
  })

  it('waits its turn at Route 53’s 5 requests a second instead of being throttled (34 pages, no retries allowed)', async () => {
    await h.close()
    // The emulator's limit on the real clock; the harness's client makes one attempt, so a Throttling reply would fail the call.
    h = await startRoute53({ nowMs: Date.now, requestsPerSecond: 5 })
    const call = await app({})
    const sets: unknown[] = []
    let nextToken: string | undefined
    do {
      const page = await ok(
        call<{ records: unknown[]; nextToken?: string }>('listRecords', { profileId, zoneId: SCALE_ZONE_ID, nextToken }),
      )
      sets.push(...page.records)
      nextToken = page.nextToken
    } while (nextToken)
    expect(sets.length).toBeGreaterThanOrEqual(SCALE_ZONE_RECORD_SETS)
  }, 60_000)

  it('serves the last listing offline, with its age', async () => {
    const call = await app()
    await ok(call('listZones', { profileId }))
    const cached = await ok(call<{ cachedAtMs?: number; zones: unknown[] }>('listZones', { profileId, source: 'cache' }))
    expect(cached.cachedAtMs).toBeTypeOf('number')
    expect(cached.zones.length).toBeGreaterThan(0)
  })
})

describe('checkRecord: Route 53’s rules before anything is staged', () => {
  it.each([
    [
      'a CNAME at the apex',
      { Name: DEMO_ZONE_NAME, Type: 'CNAME', TTL: 300, ResourceRecords: [{ Value: 'x.example.' }] },
      'Type',
      /cannot be at the zone apex/,
    ],
    [
      'a TXT character-string over 255 bytes',
      { Name: 'note', Type: 'TXT', TTL: 300, ResourceRecords: [{ Value: `"${'x'.repeat(256)}"` }] },
      'ResourceRecords.0',
      /255|long/i,
    ],
    [
      'an invalid IPv4 address',
      { Name: 'host', Type: 'A', TTL: 300, ResourceRecords: [{ Value: '192.0.2.256' }] },
      'ResourceRecords.0',
      /not a valid IPv4 address/,
    ],
    [
      'an MX without priority',
      { Name: '@', Type: 'MX', TTL: 300, ResourceRecords: [{ Value: 'mx1.example.' }] },
      'ResourceRecords.0',
      /priority/,
    ],
    [
      'a name outside the zone',
      { Name: 'www.other.example.', Type: 'A', TTL: 300, ResourceRecords: [{ Value: '192.0.2.1' }] },
      'Name',
      /is not in the zone/,
    ],
    [
      'weighted routing without a SetIdentifier',
      { Name: 'api', Type: 'A', TTL: 60, Weight: 10, ResourceRecords: [{ Value: '192.0.2.1' }] },
      'SetIdentifier',
      /SetIdentifier/,
    ],
    [
      'a TTL beside an alias',
      {
        Name: 'x',
        Type: 'A',
        TTL: 60,
        AliasTarget: { HostedZoneId: 'Z2FDTNDATAQYW2', DNSName: 'd1.cloudfront.net', EvaluateTargetHealth: false },
      },
      'AliasTarget',
      /no TTL/,
    ],
    [
      'a CloudFront alias that evaluates health',
      { Name: 'x', Type: 'A', AliasTarget: { HostedZoneId: 'Z2FDTNDATAQYW2', DNSName: 'd1.cloudfront.net', EvaluateTargetHealth: true } },
      'AliasTarget.EvaluateTargetHealth',
      /cannot evaluate/,
    ],
  ])('names the rule: %s', async (_, set, field, message) => {
    const call = await app()
    const name = set.Name.endsWith('.') ? set.Name : set.Name === '@' ? DEMO_ZONE_NAME : `${set.Name}.${DEMO_ZONE_NAME}`
    const { problems } = await ok(
      call<{ problems: Array<{ field: string; message: string }> }>('checkRecord', {
        zoneName: DEMO_ZONE_NAME,
        set: { ...set, Name: name },
      }),
    )
    expect(problems).toContainEqual({ field, message: expect.stringMatching(message) })
  })

  it('puts a name in Route 53’s form: punycode, lowercase, trailing dot, * escaped', async () => {
    const call = await app()
    const checked = await ok(
      call<{ problems: unknown[]; set: ResourceRecordSet }>('checkRecord', {
        zoneName: 'HANEUL-demo.example',
        set: { Name: '*.하늘.Haneul-Demo.Example', Type: 'A', TTL: 60, ResourceRecords: [{ Value: '192.0.2.7' }] },
      }),
    )
    expect(checked.problems).toEqual([])
    expect(checked.set.Name).toBe(`\\052.xn--wh1bz27d.${DEMO_ZONE_NAME}`)
  })
})

describe('drafts, plans and submits', () => {
  const mx1Before: RecordSet = { Name: `mx1.${DEMO_ZONE_NAME}`, Type: 'A', TTL: 3600, ResourceRecords: [{ Value: '192.0.2.25' }] }
  const edits: RecordEdit[] = [
    { kind: 'update', before: mx1Before, after: { ...mx1Before, TTL: 600 } },
    {
      kind: 'update',
      before: {
        Name: `api.${DEMO_ZONE_NAME}`,
        Type: 'A',
        TTL: 60,
        SetIdentifier: 'api-blue',
        Weight: 80,
        ResourceRecords: [{ Value: '192.0.2.10' }],
      },
      after: {
        Name: `api.${DEMO_ZONE_NAME}`,
        Type: 'A',
        TTL: 60,
        SetIdentifier: 'api-blue',
        Weight: 50,
        ResourceRecords: [{ Value: '192.0.2.10' }],
      },
    },
    { kind: 'create', after: { Name: 'new-host.haneul-demo.example', Type: 'A', TTL: 300, ResourceRecords: [{ Value: '192.0.2.201' }] } },
  ]

  it('keeps a draft across a restart, shows the diff, submits it as one change and follows it to INSYNC', async () => {
    let call = await app()
    await ok(call('saveDraft', { profileId, zoneId: DEMO_ZONE_ID, zoneName: DEMO_ZONE_NAME, edits }))
    call = await app() // "restart": a new module on the same data folder
    const { zones } = await ok(call<{ zones: Array<{ id: string; draftEdits: number }> }>('listZones', { profileId }))
    expect(zones.find((z) => z.id === DEMO_ZONE_ID)?.draftEdits).toBe(3)
    const plan = await ok(call<ChangePlan>('planDraft', { profileId, zoneId: DEMO_ZONE_ID }))
    expect(plan.stale).toEqual([])
    expect(plan.batches).toBe(1)
    expect(plan.confirmCount).toBeUndefined()
    expect(
      plan.changes.map((c) => [c.kind, c.kind === 'delete' ? c.before.Name : c.after.Name, c.kind === 'update' ? c.changed : []]),
    ).toEqual(
      expect.arrayContaining([
        ['update', `mx1.${DEMO_ZONE_NAME}`, ['ttl']],
        ['update', `api.${DEMO_ZONE_NAME}`, ['routing']],
        ['create', `new-host.${DEMO_ZONE_NAME}`, []],
      ]),
    )
    const { changes } = await ok(
      call<{ changes: Array<{ changeId: string; status: string; watchId: string }> }>('submitDraft', {
        profileId,
        zoneId: DEMO_ZONE_ID,
        planId: plan.planId,
      }),
    )
    expect(changes).toHaveLength(1)
    expect(changes[0]!.status).toBe('PENDING')
    expect((await ok(call<{ draft?: unknown }>('draft', { profileId, zoneId: DEMO_ZONE_ID }))).draft).toBeUndefined()
    h.clock.advance(5_000)
    await timers.fireNext()
    await vi.waitFor(() =>
      expect(events.filter((e) => e.type === 'watch.changed').at(-1)).toMatchObject({
        watch: { kind: 'route53.change', subject: changes[0]!.changeId, state: 'done', status: 'INSYNC' },
      }),
    )
    const sets = await zoneSets(DEMO_ZONE_ID)
    expect(find(sets, `mx1.${DEMO_ZONE_NAME}`, 'A').TTL).toBe(600)
    expect(find(sets, `api.${DEMO_ZONE_NAME}`, 'A', 'api-blue').Weight).toBe(50)
    expect(find(sets, `new-host.${DEMO_ZONE_NAME}`, 'A').ResourceRecords).toEqual([{ Value: '192.0.2.201' }])
  })

  it('shows a record that changed at Route 53 since the draft, refuses the old plan, and sends the new one', async () => {
    const call = await app()
    await ok(call('saveDraft', { profileId, zoneId: DEMO_ZONE_ID, zoneName: DEMO_ZONE_NAME, edits: edits.slice(0, 1) }))
    const first = await ok(call<ChangePlan>('planDraft', { profileId, zoneId: DEMO_ZONE_ID }))
    // Someone else changes mx1 meanwhile.
    await h.client.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: DEMO_ZONE_ID,
        ChangeBatch: {
          Changes: [
            { Action: 'DELETE', ResourceRecordSet: mx1Before as ResourceRecordSet },
            { Action: 'CREATE', ResourceRecordSet: { ...(mx1Before as ResourceRecordSet), ResourceRecords: [{ Value: '192.0.2.99' }] } },
          ],
        },
      }),
    )
    const refused = await call('submitDraft', { profileId, zoneId: DEMO_ZONE_ID, planId: first.planId })
    expect(refused).toMatchObject({ ok: false, error: { code: 'conflict', message: expect.stringMatching(/changed since you reviewed/) } })
    const second = await ok(call<ChangePlan>('planDraft', { profileId, zoneId: DEMO_ZONE_ID }))
    expect(second.stale).toEqual([
      {
        key: expect.stringContaining('mx1'),
        draft: expect.objectContaining({ TTL: 3600 }),
        now: expect.objectContaining({ ResourceRecords: [{ Value: '192.0.2.99' }] }),
      },
    ])
    // The diff is against the zone as it is now: the other person's value goes, the draft's comes.
    expect(second.changes).toEqual([expect.objectContaining({ kind: 'update', changed: ['ttl', 'values'] })])
    await ok(call('submitDraft', { profileId, zoneId: DEMO_ZONE_ID, planId: second.planId }))
    expect(find(await zoneSets(DEMO_ZONE_ID), `mx1.${DEMO_ZONE_NAME}`, 'A')).toMatchObject({
      TTL: 600,
      ResourceRecords: [{ Value: '192.0.2.25' }],
    })
  })

  it('does not count reordered values as a change', async () => {
    const call = await app()
    const mx: RecordSet = {
      Name: DEMO_ZONE_NAME,
      Type: 'MX',
      TTL: 3600,
      ResourceRecords: [{ Value: '10 mx1.haneul-demo.example.' }, { Value: '20 mx2.haneul-demo.example.' }],
    }
    const reordered = { ...mx, ResourceRecords: [...mx.ResourceRecords!].reverse() }
    await ok(
      call('saveDraft', {
        profileId,
        zoneId: DEMO_ZONE_ID,
        zoneName: DEMO_ZONE_NAME,
        edits: [{ kind: 'update', before: mx, after: reordered }],
      }),
    )
    const plan = await ok(call<ChangePlan>('planDraft', { profileId, zoneId: DEMO_ZONE_ID }))
    expect(plan.changes).toEqual([])
    expect(plan.noOps).toBe(1)
    expect(await call('submitDraft', { profileId, zoneId: DEMO_ZONE_ID, planId: plan.planId })).toMatchObject({
      ok: false,
      error: { code: 'bad-request', message: expect.stringMatching(/nothing to submit/) },
    })
  })

  it('refuses to save a draft with a broken record, naming the edit and the rule, and keeps the previous draft', async () => {
    const call = await app()
    await ok(call('saveDraft', { profileId, zoneId: DEMO_ZONE_ID, zoneName: DEMO_ZONE_NAME, edits: edits.slice(2) }))
    const broken = await call('saveDraft', {
      profileId,
      zoneId: DEMO_ZONE_ID,
      zoneName: DEMO_ZONE_NAME,
      edits: [{ kind: 'create', after: { Name: 'bad', Type: 'A', TTL: 60, ResourceRecords: [{ Value: 'not-an-ip' }] } }],
    })
    expect(broken).toMatchObject({
      ok: false,
      error: { code: 'bad-request', message: expect.stringMatching(/edit 1, bad A ResourceRecords\.0: .*IPv4/) },
    })
    expect((await ok(call<{ draft: { edits: unknown[] } }>('draft', { profileId, zoneId: DEMO_ZONE_ID }))).draft.edits).toHaveLength(1)
  })

  it('asks for the count to be typed when more than 30 % of the zone would change, and sends when it is', async () => {
    const call = await app()
    const sets = await zoneSets(DEMO_ZONE_ID)
    const deletable = sets
      .filter((s) => !(s.Name === DEMO_ZONE_NAME && (s.Type === 'SOA' || s.Type === 'NS')) && !s.AliasTarget)
      .slice(0, 20)
    await ok(
      call('saveDraft', {
        profileId,
        zoneId: DEMO_ZONE_ID,
        zoneName: DEMO_ZONE_NAME,
        edits: deletable.map((before) => ({ kind: 'delete', before })),
      }),
    )
    const plan = await ok(call<ChangePlan>('planDraft', { profileId, zoneId: DEMO_ZONE_ID }))
    expect(plan.confirmCount).toBe(20)
    expect(plan.guardReason).toMatch(/20 of the zone's \d+ record sets/)
    expect(await call('submitDraft', { profileId, zoneId: DEMO_ZONE_ID, planId: plan.planId })).toMatchObject({
      ok: false,
      error: { code: 'bad-request', message: expect.stringMatching(/Type 20 to confirm/) },
    })
    expect(await call('submitDraft', { profileId, zoneId: DEMO_ZONE_ID, planId: plan.planId, confirmCount: 19 })).toMatchObject({
      ok: false,
    })
    expect((await zoneSets(DEMO_ZONE_ID)).length).toBe(sets.length)
    await ok(call('submitDraft', { profileId, zoneId: DEMO_ZONE_ID, planId: plan.planId, confirmCount: 20 }))
    expect((await zoneSets(DEMO_ZONE_ID)).length).toBe(sets.length - 20)
  })

  it('tells the user when Route 53 is still busy with the previous change (PriorRequestNotComplete)', async () => {
    await h.close()
    h = await startRoute53({ changeProcessingMs: 10_000 })
    const call = await app()
    await ok(call('saveDraft', { profileId, zoneId: DEMO_ZONE_ID, zoneName: DEMO_ZONE_NAME, edits: edits.slice(2) }))
    await ok(
      call('submitDraft', {
        profileId,
        zoneId: DEMO_ZONE_ID,
        planId: (await ok(call<ChangePlan>('planDraft', { profileId, zoneId: DEMO_ZONE_ID }))).planId,
      }),
    )
    await ok(call('saveDraft', { profileId, zoneId: DEMO_ZONE_ID, zoneName: DEMO_ZONE_NAME, edits: edits.slice(0, 1) }))
    const plan = await ok(call<ChangePlan>('planDraft', { profileId, zoneId: DEMO_ZONE_ID }))
    const busy = await call('submitDraft', { profileId, zoneId: DEMO_ZONE_ID, planId: plan.planId })
    expect(busy).toMatchObject({
      ok: false,
      error: { code: 'throttled', message: expect.stringMatching(/still applying the previous change/) },
    })
    expect((await ok(call<{ draft?: { edits: unknown[] } }>('draft', { profileId, zoneId: DEMO_ZONE_ID }))).draft?.edits).toHaveLength(1)
  })
})

describe('BIND files', () => {
  it('exports the zone so that importing it back changes nothing', async () => {
    const call = await app()
    const exported = await ok(
      call<{ fileName: string; text: string; records: number }>('exportZoneFile', { profileId, zoneId: DEMO_ZONE_ID }),
    )
    expect(exported.fileName).toBe('haneul-demo.example.zone')
    expect(parseZoneFile(exported.text, { origin: DEMO_ZONE_NAME }).recordSets).toHaveLength(exported.records)
    const imported = await ok(
      call<{ draft: { edits: unknown[] }; records: number }>('importZoneFile', {
        profileId,
        zoneId: DEMO_ZONE_ID,
        text: exported.text,
        mode: 'replace',
      }),
    )
    expect(imported.draft.edits).toEqual([])
  })

  it('imports a file as a draft (merge adds and updates only) and names line and column of a syntax error', async () => {
    const call = await app()
    const text = `$ORIGIN ${DEMO_ZONE_NAME}\n$TTL 300\nmx1 600 IN A 192.0.2.25\nbrand-new IN TXT "hello" "world"\n`
    const imported = await ok(call<{ draft: { edits: RecordEdit[] } }>('importZoneFile', { profileId, zoneId: DEMO_ZONE_ID, text }))
    expect(imported.draft.edits.map((e) => e.kind).sort()).toEqual(['create', 'update'])
    const broken = await call('importZoneFile', {
      profileId,
      zoneId: DEMO_ZONE_ID,
      text: `$ORIGIN ${DEMO_ZONE_NAME}\nwww 300 IN A 999.1.1.1\n`,
    })
    expect(broken).toMatchObject({ ok: false, error: { code: 'bad-request', message: expect.stringMatching(/line 2, column \d+/) } })
    expect((await ok(call<{ draft: { edits: unknown[] } }>('draft', { profileId, zoneId: DEMO_ZONE_ID }))).draft.edits).toHaveLength(2)
  })
})

describe('checking an answer', () => {
  it('puts this machine’s resolver beside Route 53’s answer, says why it has none, and skips private zones', async () => {
    const asked: string[] = []
    const resolve = async (name: string, type: string) => {
      asked.push(`${name} ${type}`)
      if (name.startsWith('mx1.')) return ['192.0.2.25']
      throw Object.assign(new Error(`queryA ENOTFOUND ${name}`), { code: 'ENOTFOUND' })
    }
    const call = await app({ requestsPerSecond: Infinity, resolverFor: (id) => (id === profileId ? resolve : undefined) })
    const found = await ok(
      call<{ resolver?: unknown }>('testAnswer', { profileId, zoneId: DEMO_ZONE_ID, name: 'mx1.haneul-demo.example', type: 'A' }),
    )
    expect(found.resolver).toEqual({ answers: ['192.0.2.25'] })
    const missing = await ok(
      call<{ resolver?: { problem?: string } }>('testAnswer', {
        profileId,
        zoneId: DEMO_ZONE_ID,
        name: 'nope.haneul-demo.example',
        type: 'A',
      }),
    )
    expect(missing.resolver?.problem).toMatch(/does not exist for this machine’s resolver \(NXDOMAIN\)/)
    const inPrivate = await ok(
      call<{ resolver?: unknown }>('testAnswer', { profileId, zoneId: PRIVATE_ZONE_ID, name: `db.${PRIVATE_ZONE_NAME}`, type: 'A' }),
    )
    expect(inPrivate.resolver).toBeUndefined()
    expect(asked).toEqual([`mx1.${DEMO_ZONE_NAME} A`, `nope.${DEMO_ZONE_NAME} A`])
  })

  it('asks Route 53 what it answers for a name (aliases resolved)', async () => {
    const call = await app()
    const answer = await ok(
      call<{ responseCode: string; answers: string[] }>('testAnswer', {
        profileId,
        zoneId: DEMO_ZONE_ID,
        name: 'mx1.haneul-demo.example',
        type: 'A',
      }),
    )
    expect(answer).toMatchObject({ responseCode: 'NOERROR', answers: ['192.0.2.25'] })
  })
})
