/**
 * cloudfront.metrics, monitoring and offline listings through the router against the sandbox's
 * CloudWatch and CloudFront emulators with the real SDK: series with and without additional metrics,
 * the period chosen for 1 h / 24 h / 7 d / 14 d and custom ranges inside CloudWatch's retention, totals
 * equal to the traffic model the metrics come from (tallied here), turning additional metrics on and
 * off, and, with the sandbox stopped, listings served from snapshots with their age.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DistributionMetrics } from '../../../src-main/api/cloudfront'
import { DEMO_DISTRIBUTION_ID, seededTrafficModel } from '../../../src-main/sandbox/seed'
import { PROFILE, startCloudFrontWorld, type CloudFrontWorld, type OpenModule } from '../../helpers/cloudfront-world'

const HOUR = 3600_000
const DAY = 24 * HOUR
let world: CloudFrontWorld
let cf: OpenModule
beforeAll(async () => {
  world = await startCloudFrontWorld()
  cf = await world.openModule()
}, 60_000)
afterAll(() => world?.close())

const metrics = (range: unknown, distributionId = DEMO_DISTRIBUTION_ID) =>
  cf.ok<DistributionMetrics>('cloudfront.metrics', { profileId: PROFILE, distributionId, range })
const seriesOf = (m: DistributionMetrics, metric: string, statistic?: string) =>
  m.series.find((s) => s.metric === metric && (statistic === undefined || s.statistic === statistic))

describe('cloudfront.metrics', () => {
  it('has every series with additional metrics on, percentiles included', async () => {
    const m = await metrics({ last: '24h' })
    expect(m.additionalMetrics).toBe(true)
    expect(m.series.map((s) => `${s.metric}:${s.statistic}`)).toEqual([
      'Requests:Sum',
      'BytesDownloaded:Sum',
      'BytesUploaded:Sum',
      'TotalErrorRate:Average',
      '4xxErrorRate:Average',
      '5xxErrorRate:Average',
      'CacheHitRate:Average',
      'OriginLatency:p50',
      'OriginLatency:p90',
      'OriginLatency:p99',
      '401ErrorRate:Average',
      '403ErrorRate:Average',
      '404ErrorRate:Average',
      '502ErrorRate:Average',
      '503ErrorRate:Average',
      '504ErrorRate:Average',
    ])
    const hits = seriesOf(m, 'CacheHitRate')!
    expect(hits.unit).toBe('percent')
    expect(hits.points.length).toBeGreaterThan(0)
    expect(hits.points.every(([, v]) => v >= 0 && v <= 100)).toBe(true)
    const p50 = new Map(seriesOf(m, 'OriginLatency', 'p50')!.points)
    const p99 = new Map(seriesOf(m, 'OriginLatency', 'p99')!.points)
    expect(p50.size).toBeGreaterThan(0)
    for (const [t, v] of p50) if (p99.has(t)) expect(p99.get(t)!).toBeGreaterThanOrEqual(v)
    expect(m.totals.requests).toBeGreaterThan(0)
  })

  it('totals the requests and bytes the traffic model made in the range', async () => {
    const m = await metrics({ last: '7d' })
    const model = seededTrafficModel(world.sandbox.s3.store)!
    let requests = 0
    let bytes = 0
    for (const hour of model.hours()) {
      if (hour + HOUR <= m.startMs || hour >= m.endMs) continue
      for (const r of model.requestsInHour(hour)) {
        if (r.timeMs < m.startMs || r.timeMs >= m.endMs) continue
        requests++
        if (r.method === 'GET' || r.method === 'HEAD') bytes += r.scBytes
      }
    }
    expect(requests).toBeGreaterThan(0)
    expect(m.totals).toEqual({ requests, bytesDownloaded: bytes, bytesUploaded: 0 })
  })

  it.each([
    { name: '1 h', range: { last: '1h' }, period: 60, reason: /1-minute periods: the finest/ },
    { name: '24 h', range: { last: '24h' }, period: 60, reason: /1-minute periods/ },
    { name: '7 d', range: { last: '7d' }, period: 600, reason: /10-minute periods keep the chart within 1,440 points/ },
    { name: '14 d', range: { last: '14d' }, period: 900, reason: /15-minute periods keep the chart within 1,440 points/ },
    {
      name: 'custom 2 days from 20 days ago',
      range: 'old2d',
      period: 300,
      reason: /5-minute periods: CloudWatch keeps 1-minute data for 15 days, then 5-minute data up to 63 days/,
    },
    {
      name: 'custom 60 days',
      range: 'last60d',
      period: 3600,
      reason: /1-hour periods: CloudWatch keeps 1-minute data for 15 days.*1-hour periods keep/,
    },
  ])('chooses the period for $name within retention and 1,440 points', async ({ range, period, reason }) => {
    const now = world.nowMs()
    const asked =
      range === 'old2d'
        ? { startMs: now - 20 * DAY, endMs: now - 18 * DAY }
        : range === 'last60d'
          ? { startMs: now - 60 * DAY, endMs: now }
          : range
    const m = await metrics(asked)
    expect(m.periodSeconds).toBe(period)
    expect(m.periodReason).toMatch(reason)
    expect(m.startMs % (period * 1000)).toBe(0)
    expect((m.endMs - m.startMs) / (period * 1000)).toBeLessThanOrEqual(1440)
    const requests = seriesOf(m, 'Requests')!
    // Data comes back (a period CloudWatch does not keep for that age would return nothing).
    expect(requests.points.length).toBeGreaterThan(0)
    expect(requests.points.length).toBeLessThanOrEqual(1440)
    expect(requests.points.every(([t]) => t % (period * 1000) === 0 && t >= m.startMs && t < m.endMs)).toBe(true)
  })

  it('rides out CloudWatch throttling the SDK retries', async () => {
    world.cloudwatch.faults.throttle = 2
    const m = await metrics({ last: '1h' })
    expect(m.periodSeconds).toBe(60)
    expect(world.cloudwatch.faults.throttle).toBe(0)
  })
})

describe('additional metrics', () => {
  it('prices them, turns them off (free series only) and on again', async () => {
    const on = await cf.ok('cloudfront.monitoring', { profileId: PROFILE, distributionId: DEMO_DISTRIBUTION_ID })
    expect(on).toEqual({ additionalMetrics: true, metricCount: 8, monthlyUsd: 2.4 })

    expect(
      await cf.ok('cloudfront.setAdditionalMetrics', {
        profileId: PROFILE,
        distributionId: DEMO_DISTRIBUTION_ID,
        enabled: false,
        confirm: true,
      }),
    ).toEqual({ additionalMetrics: false })
    expect(world.cloudfront.monitoringSince(DEMO_DISTRIBUTION_ID)).toBeUndefined()
    expect(await cf.ok('cloudfront.monitoring', { profileId: PROFILE, distributionId: DEMO_DISTRIBUTION_ID })).toMatchObject({
      additionalMetrics: false,
    })
    const free = await metrics({ last: '24h' })
    expect(free.additionalMetrics).toBe(false)
    expect(free.series.map((s) => s.metric)).toEqual([
      'Requests',
      'BytesDownloaded',
      'BytesUploaded',
      'TotalErrorRate',
      '4xxErrorRate',
      '5xxErrorRate',
    ])
    expect(free.totals.requests).toBeGreaterThan(0)
    // Turning off twice is no error.
    expect(
      await cf.ok('cloudfront.setAdditionalMetrics', {
        profileId: PROFILE,
        distributionId: DEMO_DISTRIBUTION_ID,
        enabled: false,
        confirm: true,
      }),
    ).toEqual({ additionalMetrics: false })

    const unconfirmed = await cf.call('cloudfront.setAdditionalMetrics', {
      profileId: PROFILE,
      distributionId: DEMO_DISTRIBUTION_ID,
      enabled: true,
    })
    expect(unconfirmed.ok).toBe(false)

    const enabledAfter = world.nowMs()
    expect(
      await cf.ok('cloudfront.setAdditionalMetrics', {
        profileId: PROFILE,
        distributionId: DEMO_DISTRIBUTION_ID,
        enabled: true,
        confirm: true,
      }),
    ).toEqual({ additionalMetrics: true })
    expect(world.cloudfront.monitoringSince(DEMO_DISTRIBUTION_ID)).toBeGreaterThanOrEqual(enabledAfter)
    const again = await metrics({ last: '24h' })
    expect(again.additionalMetrics).toBe(true)
    expect(seriesOf(again, 'CacheHitRate')).toBeDefined()
    // Enabling when already on is no error either.
    expect(
      await cf.ok('cloudfront.setAdditionalMetrics', {
        profileId: PROFILE,
        distributionId: DEMO_DISTRIBUTION_ID,
        enabled: true,
        confirm: true,
      }),
    ).toEqual({ additionalMetrics: true })
  })
})

describe('offline', () => {
  it('serves distributions, details, invalidations and metrics from snapshots once the endpoints are gone', async () => {
    const live = {
      list: await cf.ok<{ distributions: unknown[] }>('cloudfront.listDistributions', { profileId: PROFILE }),
      details: await cf.ok<{ distribution: unknown }>('cloudfront.distribution', {
        profileId: PROFILE,
        distributionId: DEMO_DISTRIBUTION_ID,
      }),
      invalidations: await cf.ok<{ invalidations: unknown[] }>('cloudfront.listInvalidations', {
        profileId: PROFILE,
        distributionId: DEMO_DISTRIBUTION_ID,
      }),
      metrics: await metrics({ last: '14d' }),
    }
    await world.harness.services.snapshots.flush()
    const stoppedAt = Date.now()
    await world.stopSandbox()

    const list = await cf.ok<{ distributions: unknown[]; cachedAtMs?: number }>('cloudfront.listDistributions', { profileId: PROFILE })
    expect(list.distributions).toEqual(live.list.distributions)
    expect(list.cachedAtMs).toBeLessThanOrEqual(stoppedAt)
    const details = await cf.ok<{ distribution: unknown; cachedAtMs?: number }>('cloudfront.distribution', {
      profileId: PROFILE,
      distributionId: DEMO_DISTRIBUTION_ID,
    })
    expect(details.distribution).toEqual(live.details.distribution)
    expect(details.cachedAtMs).toBeTypeOf('number')
    const invalidations = await cf.ok<{ invalidations: unknown[]; cachedAtMs?: number }>('cloudfront.listInvalidations', {
      profileId: PROFILE,
      distributionId: DEMO_DISTRIBUTION_ID,
    })
    expect(invalidations.invalidations).toEqual(live.invalidations.invalidations)
    expect(invalidations.cachedAtMs).toBeTypeOf('number')
    const cached = await metrics({ last: '14d' })
    expect(cached.series).toEqual(live.metrics.series)
    expect(cached.cachedAtMs).toBeTypeOf('number')

    expect(world.harness.services.connectivity.state(PROFILE, 'cloudfront')).toBe('offline')
    expect(world.harness.services.connectivity.state(PROFILE, 'cloudwatch')).toBe('offline')

    // What was never loaded cannot come from a snapshot: a clear offline error.
    const now = world.nowMs()
    const never = await cf.call('cloudfront.metrics', {
      profileId: PROFILE,
      distributionId: DEMO_DISTRIBUTION_ID,
      range: { startMs: now - 3 * DAY, endMs: now - 2 * DAY },
    })
    expect(never.ok).toBe(false)
    if (!never.ok) expect(never.error.code).toBe('offline')
    const send = await cf.call('cloudfront.planInvalidation', {
      profileId: PROFILE,
      distributionId: DEMO_DISTRIBUTION_ID,
      paths: ['/a.html'],
    })
    expect(send.ok).toBe(false)
    if (!send.ok) expect(send.error.code).toBe('offline')
  })
})
