/**
 * The costs.* operations through the router against the sandbox's S3 and CloudWatch emulators (real SDK
 * clients): the bucket's cost from CloudWatch equals the exact scan of the same contents, scan progress
 * and cancel, a scan the network cut is partial and resumes, what-if on the scanned objects, lifecycle
 * plans that keep every existing rule and write one PUT, conflicts, and a profile without CloudWatch.
 */
import {
  CreateBucketCommand,
  GetBucketLifecycleConfigurationCommand,
  PutBucketLifecycleConfigurationCommand,
  PutObjectCommand,
  S3Client,
  type LifecycleRule,
} from '@aws-sdk/client-s3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { BucketCosts, ScanResult } from '../../../src-main/api/costs'
import type { CostsClientSource } from '../../../src-main/costs/handlers'
import { priceBook } from '../../../src-main/costs/prices'
import { LOG_BUCKET, SITE_BUCKET } from '../../../src-main/sandbox/seed'
import { SANDBOX_ACCESS_KEY_ID, SANDBOX_SECRET_ACCESS_KEY } from '../../../src-main/sandbox/credentials'
import { DAY_MS, NO_METRICS_PROFILE, PROFILE, startCostsWorld, type CostsWorld } from '../../helpers/costs-world'
import { FaultProxy } from '../../helpers/fault-proxy'

let world: CostsWorld
const MANY = 'haneul-costs-many'

beforeAll(async () => {
  world = await startCostsWorld()
  // A bucket of 260 small objects in three folders, written "now"; then two days pass, so S3 has
  // published a daily datapoint that counts every object.
  await world.raw.send(new CreateBucketCommand({ Bucket: MANY }))
  for (let i = 0; i < 260; i++)
    await world.raw.send(
      new PutObjectCommand({
        Bucket: MANY,
        Key: `${['a', 'b', 'c'][i % 3]}/object-${String(i).padStart(4, '0')}.bin`,
        Body: Buffer.alloc(100 + i),
        StorageClass: i % 5 === 0 ? 'STANDARD_IA' : undefined,
      }),
    )
  world.clock.offsetMs = 2 * DAY_MS
}, 120_000)

afterAll(async () => {
  await world?.close()
})

const scanTotalUsd = (result: ScanResult) => result.summary.totals.monthlyUsd + result.summary.incompleteUploads.monthlyUsd

describe('bucketCosts', () => {
  it.each([SITE_BUCKET, LOG_BUCKET, MANY])('prices %s from CloudWatch to what the exact scan of every version finds', async (bucket) => {
    const app = world.open()
    const metrics = await app.ok<BucketCosts>('bucketCosts', { profileId: PROFILE, bucket, days: 30 })
    const scan = await app.ok<ScanResult>('scanPrefix', { profileId: PROFILE, bucket, versions: true })
    expect(metrics.metricsAvailable).toBe(true)
    expect(metrics.region).toBe('us-east-1')
    // S3 publishes once a day: the latest datapoint is yesterday's, 00:00 UTC.
    expect(metrics.latestDayMs).toBe((Math.floor(world.nowMs() / DAY_MS) - 1) * DAY_MS)
    expect(metrics.prices.date).toBe(priceBook('us-east-1').date)
    // The same bytes per StorageType, and the same money.
    const byType = Object.fromEntries(metrics.monthly.lines.map((l) => [l.storageType, l.bytes]))
    const scanned = Object.fromEntries(Object.entries(scan.summary.storageTypeBytes).filter(([, bytes]) => bytes > 0))
    expect(Object.fromEntries(Object.entries(byType).filter(([, bytes]) => bytes > 0))).toEqual(scanned)
    expect(metrics.monthly.unpriced).toEqual([])
    expect(metrics.monthly.totalUsd).toBeGreaterThan(0)
    const monitoringUsd = (scan.summary.monitoredObjects / 1000) * priceBook('us-east-1').intelligentTiering.monitoringUsdPer1000Objects
    expect(metrics.monthly.totalUsd).toBeCloseTo(scanTotalUsd(scan) - monitoringUsd, 10)
    // The trend ends at the latest day's figure.
    expect(metrics.series.at(-1)!.totalUsd).toBeCloseTo(metrics.monthly.totalUsd, 12)
    expect(metrics.series.at(-1)!.timestampMs).toBe(metrics.latestDayMs)
  })

  it('reads the metrics of a bucket in another region there, priced with that region’s table', async () => {
    const bucket = 'haneul-costs-seoul'
    await world.raw.send(new CreateBucketCommand({ Bucket: bucket, CreateBucketConfiguration: { LocationConstraint: 'ap-northeast-2' } }))
    await world.sandbox.s3.store.putObject(bucket, 'photo.jpg', Buffer.alloc(200_000), {
      lastModified: new Date(world.nowMs() - 5 * DAY_MS),
    })
    const app = world.open()
    const metrics = await app.ok<BucketCosts>('bucketCosts', { profileId: PROFILE, bucket })
    const scan = await app.ok<ScanResult>('scanPrefix', { profileId: PROFILE, bucket })
    expect(metrics).toMatchObject({
      region: 'ap-northeast-2',
      metricsAvailable: true,
      prices: { region: 'ap-northeast-2', pricedAs: 'ap-northeast-2' },
    })
    expect(metrics.monthly.totalUsd).toBeCloseTo(scan.summary.totals.monthlyUsd, 12)
    expect(metrics.monthly.totalUsd).toBeCloseTo(
      (200_000 / 2 ** 30) * priceBook('ap-northeast-2').classes.STANDARD!.tiers[0]!.usdPerGbMonth,
      12,
    )
  })

  it('says so for a bucket S3 has not published metrics for yet', async () => {
    await world.raw.send(new CreateBucketCommand({ Bucket: 'haneul-costs-new' }))
    await world.raw.send(new PutObjectCommand({ Bucket: 'haneul-costs-new', Key: 'x', Body: 'x' }))
    const metrics = await world.open().ok<BucketCosts>('bucketCosts', { profileId: PROFILE, bucket: 'haneul-costs-new' })
    expect(metrics.metricsAvailable).toBe(false)
    expect(metrics.message).toMatch(/once a day.*Scan the bucket/s)
    expect(metrics.series).toEqual([])
  })

  it('serves the last figures from the snapshot, with their age', async () => {
    const app = world.open()
    const live = await app.ok<BucketCosts>('bucketCosts', { profileId: PROFILE, bucket: MANY, days: 90 })
    await world.harness.services.snapshots.flush()
    const cached = await app.ok<BucketCosts>('bucketCosts', { profileId: PROFILE, bucket: MANY, days: 90, source: 'cache' })
    expect(cached.cachedAtMs).toBeTypeOf('number')
    expect(cached.monthly.totalUsd).toBe(live.monthly.totalUsd)
  })

  it('refuses a profile without CloudWatch permission with access-denied, pointing to the exact scan', async () => {
    const app = world.open()
    const result = await app.call('bucketCosts', { profileId: NO_METRICS_PROFILE, bucket: SITE_BUCKET })
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.error.code).toBe('access-denied')
    expect(result.error.message).toMatch(/CloudWatch.*exact scan/s)
    // The exact scan works for that profile.
    const scan = await app.ok<ScanResult>('scanPrefix', { profileId: NO_METRICS_PROFILE, bucket: SITE_BUCKET })
    expect(scan.summary.totals.objects).toBeGreaterThan(0)
  })
})

describe('scanPrefix', () => {
  it('streams progress events for its request id and ends with the totals', async () => {
    const app = world.open({ pageSize: 50 })
    const result = await app.ok<ScanResult>('scanPrefix', { profileId: PROFILE, bucket: MANY, prefix: 'a/' }, { requestId: 'scan-a' })
    const progress = app.events.flatMap((e) => (e.type === 'costs.scanProgress' && e.requestId === 'scan-a' ? [e] : []))
    expect(result.summary.totals.objects).toBe(87)
    expect(result.stopped).toBeUndefined()
    expect(progress.length).toBeGreaterThanOrEqual(2)
    expect(progress.map((p) => p.objects)).toEqual([...progress.map((p) => p.objects)].sort((a, b) => a - b))
    expect(progress.at(-1)).toMatchObject({ objects: 87, bytes: result.summary.totals.bytes })
    expect(result.summary.tree.prefix).toBe('a/')
  })

  it('is cancelled by its request', async () => {
    const controller = new AbortController()
    const app = world.open({ pageSize: 50, onEvent: (event) => event.type === 'costs.scanProgress' && controller.abort() })
    const result = await app.call<ScanResult>(
      'scanPrefix',
      { profileId: PROFILE, bucket: MANY },
      { requestId: 'c', signal: controller.signal },
    )
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.error.code).toBe('cancelled')
  })

  it('is partial when the network goes mid-scan, says where it stopped, and resumes to the full figures', async () => {
    const s3Port = Number(new URL(world.sandbox.endpoints.s3!).port)
    // The third page of the listing finds the network gone (the scan's requests come from its worker's
    // own client, so the proxy, not a middleware, counts them).
    let listings = 0
    const proxy: FaultProxy = await FaultProxy.start({
      targetPort: s3Port,
      eligible: (req) => {
        if (req.method === 'GET' && /[?&]list-type=2/.test(req.url ?? '') && ++listings === 3) void proxy.setOffline(true)
        return false
      },
    })
    const proxied = new S3Client({
      endpoint: proxy.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      maxAttempts: 2,
      credentials: { accessKeyId: SANDBOX_ACCESS_KEY_ID, secretAccessKey: SANDBOX_SECRET_ACCESS_KEY },
    })
    const real = world.harness.services.clients
    const clients = {
      client: (profileId: string, service: 's3' | 'cloudwatch', region?: string) =>
        service === 's3' ? Promise.resolve(proxied) : real.client(profileId, service, region),
    } as CostsClientSource
    try {
      const app = world.open({ pageSize: 50, clients })
      const partial = await app.ok<ScanResult>('scanPrefix', { profileId: PROFILE, bucket: MANY })
      expect(partial.stopped).toMatchObject({ phase: 'objects', resumable: true, afterKey: expect.any(String) })
      expect(partial.summary.partial).toMatch(/stopped after 100 objects/)
      expect(partial.summary.totals.objects).toBe(100)
      await proxy.setOffline(false)
      const resumed = await app.ok<ScanResult>('scanPrefix', { profileId: PROFILE, bucket: MANY, resumeScanId: partial.scanId })
      const fresh = await world.open().ok<ScanResult>('scanPrefix', { profileId: PROFILE, bucket: MANY })
      expect(resumed.scanId).toBe(partial.scanId)
      expect(resumed.stopped).toBeUndefined()
      expect(resumed.summary.partial).toBeUndefined()
      expect(resumed.summary.totals).toEqual(fresh.summary.totals)
      // Early-deletion charges depend on the moment each scan read the clock; the rest is the same.
      const classes = (r: ScanResult) =>
        r.summary.classes.map(({ withinMinimum: { earlyDeletionUsd: _usd, ...within }, ...rest }) => ({ ...rest, within }))
      expect(classes(resumed)).toEqual(classes(fresh))
      expect(resumed.summary.largest).toEqual(fresh.summary.largest)
    } finally {
      proxied.destroy()
      await proxy.close()
    }
  })

  it('keeps the summary as a snapshot for offline use', async () => {
    const app = world.open()
    const live = await app.ok<ScanResult>('scanPrefix', { profileId: PROFILE, bucket: MANY, prefix: 'b/' })
    await world.harness.services.snapshots.flush()
    const cached = await app.ok<ScanResult>('scanPrefix', { profileId: PROFILE, bucket: MANY, prefix: 'b/', source: 'cache' })
    expect(cached.cachedAtMs).toBeTypeOf('number')
    expect(cached.scanId).toBeUndefined()
    expect(cached.summary.totals).toEqual(live.summary.totals)
  })

  it('answers with the last summary, and its age, when offline before the first page', async () => {
    const proxy = await FaultProxy.start({ targetPort: Number(new URL(world.sandbox.endpoints.s3!).port), eligible: () => false })
    const proxied = new S3Client({
      endpoint: proxy.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      // The sandbox's clock is two days ahead: the SDK corrects its skew on a retry.
      maxAttempts: 2,
      credentials: { accessKeyId: SANDBOX_ACCESS_KEY_ID, secretAccessKey: SANDBOX_SECRET_ACCESS_KEY },
    })
    const real = world.harness.services.clients
    const clients = {
      client: (profileId: string, service: 's3' | 'cloudwatch', region?: string) =>
        service === 's3' ? Promise.resolve(proxied) : real.client(profileId, service, region),
    } as CostsClientSource
    try {
      const app = world.open({ clients })
      const live = await app.ok<ScanResult>('scanPrefix', { profileId: PROFILE, bucket: MANY, prefix: 'c/' })
      await world.harness.services.snapshots.flush()
      await proxy.setOffline(true)
      const offline = await app.ok<ScanResult>('scanPrefix', { profileId: PROFILE, bucket: MANY, prefix: 'c/' })
      expect(offline.cachedAtMs).toBeTypeOf('number')
      expect(offline.scanId).toBeUndefined()
      expect(offline.summary.totals).toEqual(live.summary.totals)
      // Nothing cached for this prefix: the scan says it is offline.
      const nothing = await app.call('scanPrefix', { profileId: PROFILE, bucket: MANY, prefix: 'never/' })
      expect(nothing).toMatchObject({ ok: false, error: { code: 'offline' } })
    } finally {
      proxied.destroy()
      await proxy.close()
    }
  })
})

describe('whatIf', () => {
  it('evaluates a rule on the scanned objects, with the bucket’s own rules on the same objects', async () => {
    await world.raw.send(
      new PutBucketLifecycleConfigurationCommand({
        Bucket: MANY,
        LifecycleConfiguration: { Rules: [{ ID: 'expire-c', Status: 'Enabled', Filter: { Prefix: 'c/' }, Expiration: { Days: 1 } }] },
      }),
    )
    const app = world.open()
    const scan = await app.ok<ScanResult>('scanPrefix', { profileId: PROFILE, bucket: MANY })
    const { result, existingRules } = await app.ok<{
      result: {
        matched: { objects: number }
        transitioned: { objects: number }
        skipped: { belowMinimumSize: { objects: number }; alreadyInTarget: number }
        oneTime: { transitionRequests: number; transitionUsd: number }
        monthly: { beforeUsd: number; afterUsd: number }
        breakEvenMonths: number | null
        retrieval: Array<{ storageClass: string }>
      }
      existingRules: Array<{ id?: string; current?: { matched: { objects: number }; expired: { objects: number } } }>
    }>('whatIf', { scanId: scan.scanId, rule: { prefix: 'a/', olderThanDays: 1, target: 'GLACIER' } })
    // Every object is under 128 KB: the default filter keeps all 87 of a/ where they are.
    expect(result.matched.objects).toBe(87)
    expect(result.skipped.belowMinimumSize.objects).toBe(87)
    expect(result.transitioned.objects).toBe(0)
    expect(result.oneTime.transitionRequests).toBe(0)
    expect(result.monthly.afterUsd).toBe(result.monthly.beforeUsd)
    expect(result.breakEvenMonths).toBeNull()
    expect(result.retrieval.map((r) => r.storageClass)).toEqual(['GLACIER'])
    // The bucket's rule expires the 86 objects of c/, all older than a day.
    expect(existingRules).toHaveLength(1)
    expect(existingRules[0]).toMatchObject({ id: 'expire-c', current: { matched: { objects: 86 }, expired: { objects: 86 } } })
  })

  it('refuses a scan id that is gone with not-found, and a rule S3 would refuse with bad-request', async () => {
    const app = world.open()
    const gone = await app.call('whatIf', {
      scanId: '00000000-0000-4000-8000-000000000000',
      rule: { olderThanDays: 90, target: 'GLACIER' },
    })
    expect(gone).toMatchObject({ ok: false, error: { code: 'not-found', message: expect.stringMatching(/Scan again/) } })
    const scan = await app.ok<ScanResult>('scanPrefix', { profileId: PROFILE, bucket: MANY, prefix: 'b/' })
    const early = await app.call('whatIf', { scanId: scan.scanId, rule: { olderThanDays: 10, target: 'STANDARD_IA' } })
    expect(early).toMatchObject({ ok: false, error: { code: 'bad-request', message: expect.stringMatching(/30 days/) } })
  })

  it('keeps only the last scans: an older one is gone and says to scan again', async () => {
    const app = world.open({ keepScans: 2 })
    const rule = { olderThanDays: 90, target: 'GLACIER' }
    const scans: ScanResult[] = []
    for (const prefix of ['a/', 'b/', 'c/'])
      scans.push(await app.ok<ScanResult>('scanPrefix', { profileId: PROFILE, bucket: MANY, prefix }))
    expect(await app.call('whatIf', { scanId: scans[0]!.scanId, rule })).toMatchObject({ ok: false, error: { code: 'not-found' } })
    for (const scan of scans.slice(1)) expect((await app.call('whatIf', { scanId: scan.scanId, rule })).ok).toBe(true)
  })
})

describe('lifecycle plans', () => {
  const existing: LifecycleRule[] = [
    {
      ID: 'logs-to-ia',
      Status: 'Enabled',
      Filter: { And: { Prefix: 'logs/', ObjectSizeGreaterThan: 1024 } },
      Transitions: [{ Days: 45, StorageClass: 'STANDARD_IA' }],
    },
    { ID: 'abort', Status: 'Disabled', Filter: { Prefix: '' }, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 3 } },
  ]
  const rawLifecycle = async (bucket: string) => {
    const { $metadata: _m, ...config } = await world.raw.send(new GetBucketLifecycleConfigurationCommand({ Bucket: bucket }))
    return config
  }
  const puts = (bucket: string) =>
    world.sandbox.s3.requestLog.filter((r) => r.operation === 'PutBucketLifecycleConfiguration' && r.bucket === bucket).length

  it('keeps every existing rule exactly, writes one PUT, and restores the previous configuration', async () => {
    const bucket = 'haneul-costs-lifecycle'
    await world.raw.send(new CreateBucketCommand({ Bucket: bucket }))
    await world.raw.send(
      new PutBucketLifecycleConfigurationCommand({
        Bucket: bucket,
        LifecycleConfiguration: { Rules: existing },
        TransitionDefaultMinimumObjectSize: 'varies_by_storage_class',
      }),
    )
    const before = await rawLifecycle(bucket)
    const app = world.open()
    const plan = await app.ok<{ planId: string; before: unknown; after: { Rules: unknown[] }; lines: Array<{ kind: string }> }>(
      'planLifecycle',
      {
        profileId: PROFILE,
        bucket,
        ruleId: 'archive-media',
        rule: { prefix: 'media/', olderThanDays: 90, target: 'GLACIER', largerThanBytes: 131072 },
      },
    )
    expect(plan.before).toEqual(JSON.parse(JSON.stringify(before)))
    expect(plan.after.Rules).toHaveLength(3)
    expect(plan.lines.some((l) => l.kind === 'added')).toBe(true)
    const putsBefore = puts(bucket)
    const applied = await app.ok<{ rules: number; previous: unknown }>('applyLifecycle', {
      profileId: PROFILE,
      bucket,
      planId: plan.planId,
      confirm: true,
    })
    expect(puts(bucket) - putsBefore).toBe(1)
    expect(applied.rules).toBe(3)
    expect(applied.previous).toEqual(JSON.parse(JSON.stringify(before)))
    const after = await rawLifecycle(bucket)
    // The old rules byte for byte (as S3 hands them back), the new one last, the size default kept.
    expect(after.Rules!.slice(0, 2)).toEqual(before.Rules)
    expect(after.Rules![2]).toMatchObject({
      ID: 'archive-media',
      Status: 'Enabled',
      Filter: { And: { Prefix: 'media/', ObjectSizeGreaterThan: 131072 } },
      Transitions: [{ Days: 90, StorageClass: 'GLACIER' }],
    })
    expect(after.TransitionDefaultMinimumObjectSize).toBe('varies_by_storage_class')
    // Applying twice is refused; restoring writes the previous configuration back.
    expect(await app.call('applyLifecycle', { profileId: PROFILE, bucket, planId: plan.planId, confirm: true })).toMatchObject({
      ok: false,
      error: { code: 'conflict' },
    })
    await app.ok('restoreLifecycle', { profileId: PROFILE, bucket, planId: plan.planId, confirm: true })
    expect(await rawLifecycle(bucket)).toEqual(before)
  })

  it('refuses with conflict when the lifecycle changed since the plan, and writes nothing', async () => {
    const bucket = 'haneul-costs-conflict'
    await world.raw.send(new CreateBucketCommand({ Bucket: bucket }))
    const app = world.open()
    // No configuration at all is a fine start.
    const plan = await app.ok<{ planId: string; before: { Rules?: unknown[] } }>('planLifecycle', {
      profileId: PROFILE,
      bucket,
      ruleId: 'expire-tmp',
      rule: { prefix: 'tmp/', olderThanDays: 7, target: 'EXPIRE' },
    })
    expect(plan.before.Rules).toEqual([])
    await world.raw.send(new PutBucketLifecycleConfigurationCommand({ Bucket: bucket, LifecycleConfiguration: { Rules: existing } }))
    const meanwhile = await rawLifecycle(bucket)
    const putsBefore = puts(bucket)
    const result = await app.call('applyLifecycle', { profileId: PROFILE, bucket, planId: plan.planId, confirm: true })
    expect(result).toMatchObject({ ok: false, error: { code: 'conflict', message: expect.stringMatching(/changed since the plan/) } })
    expect(puts(bucket)).toBe(putsBefore)
    expect(await rawLifecycle(bucket)).toEqual(meanwhile)
    // A duplicate rule id is refused at planning.
    const duplicate = await app.call('planLifecycle', {
      profileId: PROFILE,
      bucket,
      ruleId: 'abort',
      rule: { olderThanDays: 7, target: 'EXPIRE' },
    })
    expect(duplicate).toMatchObject({ ok: false, error: { code: 'already-exists' } })
  })
})

describe('prices', () => {
  it('shows the dated table with the overrides from settings marked', async () => {
    const app = world.open({
      settings: {
        get: () => ({ priceOverrides: { storageUsdPerGbMonth: { STANDARD: 0.02 } }, displayCurrency: { currency: 'KRW', perUsd: 1400 } }),
      },
    })
    const book = await app.ok<{
      date: string
      sourceUrl: string
      overridden: string[]
      classes: Array<{ storageClass: string; tiers: Array<{ upToGb: number | null; usdPerGbMonth: number }>; overridden: boolean }>
      displayCurrency?: { currency: string }
    }>('prices', { region: 'us-east-1' })
    expect(book.date).toBe(priceBook('us-east-1').date)
    expect(book.sourceUrl).toMatch(/aws\.amazon\.com\/s3\/pricing/)
    expect(book.overridden).toContain('STANDARD.storage')
    const standard = book.classes.find((c) => c.storageClass === 'STANDARD')!
    expect(standard).toMatchObject({ overridden: true, tiers: [{ upToGb: null, usdPerGbMonth: 0.02 }] })
    expect(book.classes.find((c) => c.storageClass === 'GLACIER')!.overridden).toBe(false)
    expect(book.displayCurrency?.currency).toBe('KRW')
    const plain = await world.open().ok<{ classes: Array<{ storageClass: string; tiers: unknown[] }> }>('prices', { region: 'us-east-1' })
    expect(plain.classes.find((c) => c.storageClass === 'STANDARD')!.tiers).toHaveLength(3)
  })

  it('refuses a bad override in settings with a message naming it', async () => {
    const app = world.open({ settings: { get: () => ({ priceOverrides: { storageUsdPerGbMonth: { NOT_A_CLASS: 0.01 } } }) } })
    const result = await app.call('prices', { region: 'us-east-1' })
    expect(result).toMatchObject({ ok: false, error: { code: 'bad-request', message: expect.stringMatching(/NOT_A_CLASS/) } })
  })
})
