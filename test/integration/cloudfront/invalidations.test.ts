/**
 * cloudfront.* invalidations through the router against the sandbox's CloudFront emulator with the real
 * SDK: the plan's cost (this month's invalidations across the account, tallied here from the emulator's
 * own state), batches and the queue's reason over the limits, refusal of bad paths with nothing sent,
 * create → watch to Completed with the emulator's clock moved by the test (never slept), waiting behind
 * CloudFront's in-progress limits and throttling with backoff, and a queue that survives closing and
 * reopening the module on the same data folder.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CreateInvalidationCommand, type CloudFrontClient } from '@aws-sdk/client-cloudfront'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { InvalidationPlan } from '../../../src-main/api/cloudfront'
import type { WatchSnapshot } from '../../../src-main/api/jobs'
import { DEMO_DISTRIBUTION_ID } from '../../../src-main/sandbox/seed'
import { STAGING_DISTRIBUTION_ID } from '../../../src-main/sandbox/cloudfront/index'
import { LIMITED_PROFILE, PROFILE, startCloudFrontWorld, type CloudFrontWorld, type OpenModule } from '../../helpers/cloudfront-world'

interface Created {
  invalidations: Array<{ id: string; status: string; paths: number; watchId: string }>
  queuedBatches: number
  queuedPaths: number
}

let world: CloudFrontWorld
beforeAll(async () => {
  world = await startCloudFrontWorld()
}, 60_000)
afterAll(() => world?.close())
// Every test starts with nothing in progress: whatever earlier tests (or the seed) started has completed.
beforeEach(() => {
  world.clock.offsetMs += 25_000
})

const demo = () => world.cloudfront.state.distributions.find((d) => d.id === DEMO_DISTRIBUTION_ID)!
const request = (paths: string[], distributionId = DEMO_DISTRIBUTION_ID) => ({ profileId: PROFILE, distributionId, paths })
const rawInvalidate = (distributionId: string, paths: string[], callerReference: string) =>
  world.raw.send(
    new CreateInvalidationCommand({
      DistributionId: distributionId,
      InvalidationBatch: { CallerReference: callerReference, Paths: { Quantity: paths.length, Items: paths } },
    }),
  )
const many = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => `/${prefix}/${i}.html`)
const wildcards = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => `/${prefix}/${i}/*`)

/** This month's invalidated paths in the whole account, counted from the emulator's state. */
function pathsThisMonthInEmulator(): number {
  const now = new Date(world.nowMs())
  const monthStart = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)
  return world.cloudfront.state.distributions
    .flatMap((d) => d.invalidations)
    .filter((i) => i.createdMs >= monthStart)
    .reduce((n, i) => n + i.paths.length, 0)
}

const watchOf = (cf: OpenModule, watchId: string): WatchSnapshot | undefined =>
  cf.events.flatMap((e) => (e.type === 'watch.changed' && e.watch.watchId === watchId ? [e.watch] : [])).at(-1)
const ours = () => demo().invalidations.filter((i) => i.callerReference.startsWith('haneul-') && !i.callerReference.startsWith('haneul-i2'))

describe('planInvalidation', () => {
  it('prices paths against this month of the whole account: 1,000 free, then $0.005', async () => {
    const cf = await world.openModule()
    const first = await cf.ok<InvalidationPlan>('cloudfront.planInvalidation', request(['/index.html', '/about.html']))
    const seeded = pathsThisMonthInEmulator()
    expect(first.cost).toEqual({
      pathsThisMonth: seeded,
      complete: true,
      freePerMonth: 1000,
      billablePaths: Math.max(0, 2 - Math.max(0, 1000 - seeded)),
      usd: Math.max(0, 2 - Math.max(0, 1000 - seeded)) * 0.005,
    })
    // Another distribution's invalidations count too: push the month past the free 1,000.
    await rawInvalidate(STAGING_DISTRIBUTION_ID, many(600, 'bulk-a'), 'month-a')
    await rawInvalidate(STAGING_DISTRIBUTION_ID, many(600, 'bulk-b'), 'month-b')
    const tallied = pathsThisMonthInEmulator()
    expect(tallied).toBe(seeded + 1200)
    const priced = await cf.ok<InvalidationPlan>('cloudfront.planInvalidation', request([...many(9, 'p'), '/p/*']))
    expect(priced.cost).toMatchObject({ pathsThisMonth: tallied, billablePaths: 10, usd: 0.05 })
    expect(priced).toMatchObject({ pathCount: 10, wildcardCount: 1, batches: 1 })
    expect(priced.queueReason).toBeUndefined()

    // Path counts of invalidations are read once: a second plan asks CloudFront for no invalidation again.
    const gets = world.cloudfront.calls.GetInvalidation ?? 0
    await cf.ok('cloudfront.planInvalidation', request(['/index.html']))
    expect((world.cloudfront.calls.GetInvalidation ?? 0) - gets).toBe(0)
  })

  it('splits 3,500 paths into two batches and says why', async () => {
    const cf = await world.openModule()
    const plan = await cf.ok<InvalidationPlan>('cloudfront.planInvalidation', request(many(3500, 'split')))
    expect(plan).toMatchObject({ pathCount: 3500, wildcardCount: 0, batches: 2 })
    expect(plan.queueReason).toMatch(
      /^3,500 paths: CloudFront takes at most 3,000 in one invalidation\. Batch 1 is sent now; 1 more batch waits/,
    )
  })

  it('splits 20 wildcards at the 15 that may be in progress', async () => {
    const cf = await world.openModule()
    const plan = await cf.ok<InvalidationPlan>('cloudfront.planInvalidation', request(wildcards(20, 'w')))
    expect(plan).toMatchObject({ pathCount: 20, wildcardCount: 20, batches: 2 })
    expect(plan.queueReason).toMatch(/20 wildcard paths: at most 15 can be in progress on a distribution/)
  })

  it('sizes the first batch to the room left by what is in progress', async () => {
    const cf = await world.openModule()
    await rawInvalidate(DEMO_DISTRIBUTION_ID, many(2990, 'running'), 'room-test')
    const plan = await cf.ok<InvalidationPlan>('cloudfront.planInvalidation', request(many(20, 'room')))
    expect(plan).toMatchObject({ pathCount: 20, batches: 2 })
    expect(plan.queueReason).toMatch(/2,990 paths and 0 wildcard paths of this distribution are in progress already/)
  })

  it('lists every problem with the rule, and createInvalidation then sends nothing', async () => {
    const cf = await world.openModule()
    const payload = request(['/ok.html', '/a*b.html', '', `/${'x'.repeat(4000)}`])
    const plan = await cf.ok<InvalidationPlan>('cloudfront.planInvalidation', payload)
    expect(plan.paths.map((p) => [p.input.slice(0, 10), p.path, p.problem === undefined])).toEqual([
      ['/ok.html', '/ok.html', true],
      ['/a*b.html', undefined, false],
      ['', undefined, false],
      [`/${'x'.repeat(9)}`, undefined, false],
    ])
    expect(plan.paths[1]!.problem).toMatch(/only as the last character/)
    expect(plan.paths[2]!.problem).toMatch(/must not be empty/)
    expect(plan.paths[3]!.problem).toMatch(/at most 4,000 characters/)
    expect(plan.pathCount).toBe(1)

    const creates = world.cloudfront.calls.CreateInvalidation ?? 0
    const refused = await cf.call('cloudfront.createInvalidation', payload)
    expect(refused.ok).toBe(false)
    if (!refused.ok) {
      expect(refused.error.code).toBe('bad-request')
      expect(refused.error.message).toMatch(
        /^Nothing was sent: 3 paths have problems\. "\/a\*b\.html": A "\*" is allowed only as the last character/,
      )
    }
    expect((world.cloudfront.calls.CreateInvalidation ?? 0) - creates).toBe(0)
  })

  it('maps selected objects and folders through the origin path', async () => {
    const cf = await world.openModule()
    const plan = await cf.ok<InvalidationPlan>('cloudfront.planInvalidation', {
      profileId: PROFILE,
      distributionId: STAGING_DISTRIBUTION_ID,
      objects: { bucket: 'haneul-demo-site', keys: ['staging/문서/a b.html', 'index.html'], prefixes: ['staging/img/'] },
    })
    expect(plan.paths.map((p) => [p.input, p.path ?? p.problem?.slice(0, 32)])).toEqual([
      ['staging/문서/a b.html', '/%EB%AC%B8%EC%84%9C/a%20b.html'],
      ['index.html', 'Not served by this distribution:'],
      ['staging/img/', '/img/*'],
    ])
  })
})

describe('createInvalidation', () => {
  it('sends, watches to Completed as the clock moves, and notifies once', async () => {
    const cf = await world.openModule()
    const created = await cf.ok<Created>('cloudfront.createInvalidation', request(['/문서/a b.html', '/img/*']))
    expect(created.queuedBatches).toBe(0)
    expect(created.invalidations).toHaveLength(1)
    const [sent] = created.invalidations
    expect(sent).toMatchObject({ status: 'InProgress', paths: 2 })
    const atServer = demo().invalidations.find((i) => i.id === sent!.id)!
    expect([...atServer.paths].sort()).toEqual(['/%EB%AC%B8%EC%84%9C/a%20b.html', '/img/*'])
    expect(atServer.callerReference).toMatch(/^haneul-[0-9a-f-]{36}-1$/)
    expect(watchOf(cf, sent!.watchId)).toMatchObject({
      kind: 'cloudfront.invalidation',
      subject: `${DEMO_DISTRIBUTION_ID}/${sent!.id}`,
      state: 'watching',
    })

    // The watch polls; while the clock stands still, it stays in progress.
    await cf.drive(
      () =>
        (watchOf(cf, sent!.watchId)?.checks ?? 0) >= 1 ||
        cf.events.some((e) => e.type === 'watch.changed' && e.watch.status === 'InProgress'),
      'a first poll',
    )
    expect(watchOf(cf, sent!.watchId)?.state).toBe('watching')
    expect(cf.notifications).toEqual([])

    world.clock.offsetMs += 20_000
    await cf.drive(() => watchOf(cf, sent!.watchId)?.state === 'done', 'the watch to end')
    expect(watchOf(cf, sent!.watchId)).toMatchObject({ state: 'done', status: 'Completed' })
    expect(cf.notifications).toEqual([`CloudFront invalidation completed: ${DEMO_DISTRIBUTION_ID}: 2 paths invalidated.`])

    const listed = await cf.ok<{ invalidations: Array<{ id: string; status: string }> }>('cloudfront.listInvalidations', {
      profileId: PROFILE,
      distributionId: DEMO_DISTRIBUTION_ID,
    })
    expect(listed.invalidations[0]).toMatchObject({ id: sent!.id, status: 'Completed' })
    const one = await cf.ok<{ invalidation: { paths: string[]; callerReference: string } }>('cloudfront.invalidation', {
      profileId: PROFILE,
      distributionId: DEMO_DISTRIBUTION_ID,
      invalidationId: sent!.id,
    })
    expect(one.invalidation.callerReference).toBe(atServer.callerReference)
  })

  it('waits behind CloudFront’s in-progress limit, retrying with growing delays', async () => {
    const cf = await world.openModule({})
    await rawInvalidate(DEMO_DISTRIBUTION_ID, wildcards(15, 'full'), 'fill-wildcards')
    const created = await cf.ok<Created>('cloudfront.createInvalidation', request(['/late/*']))
    expect(created).toEqual({ invalidations: [], queuedBatches: 1, queuedPaths: 1 })
    expect(cf.timers.delays()).toEqual([5_000])
    const before = ours().length
    // Still full: each try is refused (TooManyInvalidationsInProgress) and the next waits twice as long.
    await cf.timers.fireNext()
    await cf.drive(() => cf.timers.delays().length === 1 && cf.timers.delays()[0] === 10_000, 'a second try')
    await cf.timers.fireNext()
    await cf.drive(() => cf.timers.delays()[0] === 20_000, 'a third try')
    expect(ours().length).toBe(before)

    world.clock.offsetMs += 20_000
    await cf.drive(() => ours().length === before + 1, 'the queued batch to be sent')
    world.clock.offsetMs += 20_000
    await cf.drive(() => cf.notifications.length === 1, 'the notification')
    expect(cf.notifications[0]).toMatch(/1 path invalidated/)
  })

  it('keeps a batch queued when throttling outlasts the SDK retries, then sends it', async () => {
    const cf = await world.openModule()
    // Throttle every attempt of the next CreateInvalidation, at the server.
    const client = (await world.harness.services.clients.client(PROFILE, 'cloudfront')) as CloudFrontClient
    let armed = true
    client.middlewareStack.add(
      (next, context) => async (args) => {
        if (armed && context.commandName === 'CreateInvalidationCommand') {
          armed = false
          world.cloudfront.faults.throttle = 3
        }
        return next(args)
      },
      { step: 'initialize', name: 'throttleNextCreate' },
    )
    const created = await cf.ok<Created>('cloudfront.createInvalidation', request(['/throttled.html']))
    expect(created).toEqual({ invalidations: [], queuedBatches: 1, queuedPaths: 1 })
    expect(world.cloudfront.faults.throttle).toBe(0)
    const before = ours().length
    await cf.drive(() => ours().length === before + 1, 'the retry to send it')
    world.clock.offsetMs += 20_000
    await cf.drive(() => cf.notifications.length === 1, 'completion')
    client.middlewareStack.remove('throttleNextCreate')
  })

  it('refuses a request the IAM policy denies, leaving nothing queued', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'haneul-cf-denied-'))
    const cf = await world.openModule({ dataDir })
    const result = await cf.call('cloudfront.createInvalidation', { ...request(['/denied.html']), profileId: LIMITED_PROFILE })
    expect(result.ok).toBe(false)
    if (!result.ok) {
      expect(result.error.code).toBe('access-denied')
      expect(result.error.message).toMatch(/IAM policy must allow/)
    }
    expect(cf.timers.delays()).toEqual([])
    const file = JSON.parse(readFileSync(join(dataDir, 'cloudfront', 'invalidations.json'), 'utf8')) as { requests: unknown[] }
    expect(file.requests).toEqual([])
  })

  it('refuses an unknown distribution whole', async () => {
    const cf = await world.openModule()
    const result = await cf.call('cloudfront.createInvalidation', request(['/a.html'], 'ENOSUCHDIST001'))
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.error.code).toBe('not-found')
  })
})

describe('requests sent', () => {
  const calls = () => ({ ...world.cloudfront.calls })
  const since = (before: Partial<Record<string, number>>) =>
    Object.fromEntries(
      Object.entries(world.cloudfront.calls)
        .map(([name, n]) => [name, (n ?? 0) - (before[name] ?? 0)] as const)
        .filter(([, n]) => n > 0),
    )

  it('sends after its plan without listing again, counting its own invalidations in, until the reading is old', async () => {
    const cf = await world.openModule()
    const distributionCount = world.cloudfront.state.distributions.length
    const start = calls()
    let before = calls()
    await cf.ok('cloudfront.planInvalidation', request(many(2990, 'own')))
    // The plan reads the account's month: the distributions, then each one's invalidations (one page each here).
    expect(since(before)).toMatchObject({ ListDistributions: 1, ListInvalidations: distributionCount })
    expect(since(before).GetDistribution).toBeUndefined()

    before = calls()
    const first = await cf.ok<Created>('cloudfront.createInvalidation', request(many(2990, 'own')))
    expect(first).toMatchObject({ invalidations: [{ paths: 2990 }], queuedBatches: 0 })
    expect(since(before)).toEqual({ CreateInvalidation: 1 })

    // Its own 2,990 paths are in progress in the reading it keeps: 20 more fit 10 now, 10 later, still without listing.
    before = calls()
    const second = await cf.ok<Created>('cloudfront.createInvalidation', request(many(20, 'more')))
    expect(second).toMatchObject({ invalidations: [{ paths: 10 }], queuedBatches: 1, queuedPaths: 10 })
    expect(since(before)).toEqual({ CreateInvalidation: 1 })

    // The dry run always reads the invalidations afresh, and finds the month as the emulator holds it (the
    // list of distributions read moments ago serves again).
    before = calls()
    const fresh = await cf.ok<InvalidationPlan>('cloudfront.planInvalidation', request(['/x.html']))
    expect(fresh.cost.pathsThisMonth).toBe(pathsThisMonthInEmulator())
    expect(since(before)).toEqual({ ListInvalidations: distributionCount })

    // Past its validity (or into another month) a reading is not used: the send lists again.
    world.clock.offsetMs += 121_000
    const mine = ours().length
    await cf.drive(() => ours().length === mine + 1, 'the queued 10 to be sent')
    before = calls()
    await cf.ok<Created>('cloudfront.createInvalidation', request(['/late.html']))
    expect(since(before)).toMatchObject({ ListDistributions: 1, ListInvalidations: distributionCount, CreateInvalidation: 1 })
    await cf.close()
    // Four invalidations, four CreateInvalidation requests: the two completions above each started a pump,
    // and only one of them sent the queued batch.
    expect(since(start).CreateInvalidation).toBe(4)
  })

  it('lets its watch use a status read since its last poll (a publish following it) instead of asking again', async () => {
    const cf = await world.openModule()
    const created = await cf.ok<Created>('cloudfront.createInvalidation', request(['/followed.html']))
    const [sent] = created.invalidations
    const gets = () => world.cloudfront.calls.GetInvalidation ?? 0
    const follow = async () =>
      (
        await cf.ok<{ invalidation: { status: string } }>('cloudfront.invalidation', {
          profileId: PROFILE,
          distributionId: DEMO_DISTRIBUTION_ID,
          invalidationId: sent!.id,
        })
      ).invalidation.status

    expect(await follow()).toBe('InProgress')
    let before = gets()
    await cf.drive(() => watchOf(cf, sent!.watchId)?.status === 'InProgress', "the watch's first poll")
    expect(gets() - before).toBe(0)

    // Nothing read since: the next poll asks CloudFront.
    before = gets()
    await cf.drive(() => gets() > before, "the watch's own poll")
    expect(watchOf(cf, sent!.watchId)?.state).toBe('watching')

    // The follower sees it Completed: the watch ends on that, without a request of its own.
    world.clock.offsetMs += 20_000
    expect(await follow()).toBe('Completed')
    before = gets()
    await cf.drive(() => watchOf(cf, sent!.watchId)?.state === 'done', 'the watch to end')
    expect(gets() - before).toBe(0)
    expect(cf.notifications).toEqual([`CloudFront invalidation completed: ${DEMO_DISTRIBUTION_ID}: 1 path invalidated.`])
    await cf.close()
  })
})

describe('listInvalidations', () => {
  it('pages newest first with nextMarker', async () => {
    const cf = await world.openModule()
    for (let i = 0; i < 60; i++) await rawInvalidate(STAGING_DISTRIBUTION_ID, [`/page/${i}.html`], `paging-${i}`)
    const expected = world.cloudfront.state.distributions.find((d) => d.id === STAGING_DISTRIBUTION_ID)!.invalidations.map((i) => i.id)
    const seen: string[] = []
    let marker: string | undefined
    let pages = 0
    do {
      const page = await cf.ok<{ invalidations: Array<{ id: string }>; nextMarker?: string }>('cloudfront.listInvalidations', {
        profileId: PROFILE,
        distributionId: STAGING_DISTRIBUTION_ID,
        ...(marker ? { marker } : {}),
      })
      seen.push(...page.invalidations.map((i) => i.id))
      marker = page.nextMarker
      pages++
    } while (marker)
    expect(seen).toEqual(expected)
    expect(pages).toBe(Math.ceil(expected.length / 50))
  })
})

describe('the queue across a restart', () => {
  it('resumes watching and sending after the module is closed and reopened on the same data folder', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'haneul-cf-restart-'))
    const first = await world.openModule({ dataDir })
    const created = await first.ok<Created>('cloudfront.createInvalidation', request(many(3500, 'restart')))
    expect(created).toMatchObject({ queuedBatches: 1, queuedPaths: 500 })
    expect(created.invalidations.map((i) => i.paths)).toEqual([3000])
    await first.close()

    const file = JSON.parse(readFileSync(join(dataDir, 'cloudfront', 'invalidations.json'), 'utf8')) as {
      requests: Array<{ batches: Array<{ state: string; invalidationId?: string; paths: string[] }> }>
    }
    expect(file.requests).toHaveLength(1)
    expect(file.requests[0]!.batches.map((b) => [b.state, b.paths.length])).toEqual([
      ['sent', 3000],
      ['queued', 500],
    ])
    const firstId = file.requests[0]!.batches[0]!.invalidationId!

    const second = await world.openModule({ dataDir })
    expect(second.events.some((e) => e.type === 'watch.changed' && e.watch.subject === `${DEMO_DISTRIBUTION_ID}/${firstId}`)).toBe(true)
    const reference = demo()
      .invalidations.find((i) => i.id === firstId)!
      .callerReference.replace(/-1$/, '')
    const batchesAtServer = () => demo().invalidations.filter((i) => i.callerReference.startsWith(reference))
    world.clock.offsetMs += 20_000
    await second.drive(() => batchesAtServer().length === 2, 'the second batch to be sent')
    world.clock.offsetMs += 20_000
    await second.drive(() => second.notifications.length === 1, 'the notification')
    expect(second.notifications).toEqual([
      `CloudFront invalidation completed: ${DEMO_DISTRIBUTION_ID}: 3,500 paths invalidated in 2 batches.`,
    ])
    expect(first.notifications).toEqual([])
    const sentPaths = batchesAtServer().flatMap((i) => i.paths)
    expect(sentPaths).toHaveLength(3500)
    expect(new Set(sentPaths).size).toBe(3500)
    const after = JSON.parse(readFileSync(join(dataDir, 'cloudfront', 'invalidations.json'), 'utf8')) as { requests: unknown[] }
    expect(after.requests).toEqual([])
  })

  it('re-sends a batch that was being sent when the app died with the same CallerReference: no duplicate', async () => {
    // The app sent the batch, CloudFront made the invalidation, and the app died before saving the reply.
    const dataDir = mkdtempSync(join(tmpdir(), 'haneul-cf-crash-'))
    const callerReference = 'haneul-00000000-0000-4000-8000-000000000001-1'
    const paths = ['/crashed/a.html', '/crashed/b.html']
    const made = await rawInvalidate(DEMO_DISTRIBUTION_ID, paths, callerReference)
    mkdirSync(join(dataDir, 'cloudfront'), { recursive: true })
    writeFileSync(
      join(dataDir, 'cloudfront', 'invalidations.json'),
      JSON.stringify({
        version: 1,
        requests: [
          {
            id: '00000000-0000-4000-8000-000000000001',
            profileId: PROFILE,
            distributionId: DEMO_DISTRIBUTION_ID,
            createdAtMs: world.nowMs(),
            batches: [{ callerReference, paths, state: 'sending' }],
          },
        ],
      }),
    )
    const cf = await world.openModule({ dataDir })
    const watched = () =>
      cf.events.some((e) => e.type === 'watch.changed' && e.watch.subject === `${DEMO_DISTRIBUTION_ID}/${made.Invalidation!.Id}`)
    await cf.drive(watched, 'the resent batch to be watched')
    expect(demo().invalidations.filter((i) => i.callerReference === callerReference)).toHaveLength(1)
    world.clock.offsetMs += 20_000
    await cf.drive(() => cf.notifications.length === 1, 'completion')
    expect(cf.notifications[0]).toMatch(/2 paths invalidated/)
  })

  it('keeps an unreadable queue file aside instead of overwriting it', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'haneul-cf-torn-'))
    mkdirSync(join(dataDir, 'cloudfront'))
    writeFileSync(join(dataDir, 'cloudfront', 'invalidations.json'), '{"version":1,"requests":[{"id":')
    const cf = await world.openModule({ dataDir })
    const created = await cf.ok<Created>('cloudfront.createInvalidation', request(['/after-torn.html']))
    expect(created.invalidations).toHaveLength(1)
    const files = readdirSync(join(dataDir, 'cloudfront'))
    const aside = files.find((f) => f.startsWith('invalidations.json.unreadable-'))
    expect(aside).toBeDefined()
    expect(readFileSync(join(dataDir, 'cloudfront', aside!), 'utf8')).toBe('{"version":1,"requests":[{"id":')
  })
})
