/**
 * The pure parts of the module: origin kinds from origin domains, batches within CloudFront's limits,
 * the month's cost, and the chart period for a range (expected values worked out from the rules).
 */
import { describe, expect, it } from 'vitest'
import { logBucketOf, originKindOf } from '../../../src-main/cloudfront/distributions'
import { invalidationCost, monthStartUtc, splitIntoBatches } from '../../../src-main/cloudfront/invalidations'
import { choosePeriod } from '../../../src-main/cloudfront/metrics'

describe('origin kinds', () => {
  it.each([
    ['site.s3.amazonaws.com', true, 's3', 'site'],
    ['site.s3.us-east-1.amazonaws.com', true, 's3', 'site'],
    ['my.dotted.bucket.s3.ap-northeast-2.amazonaws.com', true, 's3', 'my.dotted.bucket'],
    ['site.s3-us-west-2.amazonaws.com', true, 's3', 'site'],
    ['site.s3.dualstack.eu-west-1.amazonaws.com', true, 's3', 'site'],
    ['site.s3-website-us-east-1.amazonaws.com', false, 's3-website', 'site'],
    ['site.s3-website.ap-northeast-2.amazonaws.com', false, 's3-website', 'site'],
    ['site.s3.cn-north-1.amazonaws.com.cn', true, 's3', 'site'],
    ['Site.S3.Amazonaws.com', true, 's3', 'site'],
    ['origin.example.com', false, 'custom', undefined],
    ['minio.internal:9000', true, 's3', undefined],
    ['s3.amazonaws.com.evil.example', false, 'custom', undefined],
  ])('%s → %s', (domain, s3Config, kind, bucket) => {
    expect(originKindOf(domain, s3Config)).toEqual({ kind, ...(bucket ? { bucket } : {}) })
  })

  it('reads the log bucket of Logging.Bucket', () => {
    expect(logBucketOf('haneul-demo-logs.s3.amazonaws.com')).toBe('haneul-demo-logs')
    expect(logBucketOf('logs.example.com')).toBeUndefined()
  })
})

const paths = (n: number) => Array.from({ length: n }, (_, i) => `/p${i}`)
const stars = (n: number) => Array.from({ length: n }, (_, i) => `/w${i}/*`)
const shape = (batches: string[][]) =>
  batches.map((b) => [b.filter((p) => !p.endsWith('*')).length, b.filter((p) => p.endsWith('*')).length])

describe('splitIntoBatches', () => {
  const empty = { paths: 3000, wildcards: 15 }
  it('3,500 paths: 3,000 then 500', () => {
    const { batches, firstNow } = splitIntoBatches(paths(3500), empty)
    expect(shape(batches)).toEqual([
      [3000, 0],
      [500, 0],
    ])
    expect(firstNow).toBe(true)
  })
  it('20 wildcards: 15 then 5', () =>
    expect(shape(splitIntoBatches(stars(20), empty).batches)).toEqual([
      [0, 15],
      [0, 5],
    ]))
  it('wildcards and paths share a batch up to 3,000 in all', () =>
    expect(shape(splitIntoBatches([...stars(15), ...paths(3000)], empty).batches)).toEqual([
      [2985, 15],
      [15, 0],
    ]))
  it('the first batch fits the room left', () =>
    expect(shape(splitIntoBatches(paths(20), { paths: 10, wildcards: 15 }).batches)).toEqual([
      [10, 0],
      [10, 0],
    ]))
  it('no room at all: full batches, the first waits too', () => {
    const { batches, firstNow } = splitIntoBatches(stars(3), { paths: 3000, wildcards: 0 })
    expect(shape(batches)).toEqual([[0, 3]])
    expect(firstNow).toBe(false)
  })
  it('nothing to send', () => expect(splitIntoBatches([], empty)).toEqual({ batches: [], firstNow: false }))
})

describe('invalidation cost', () => {
  it.each([
    [0, 10, 0, 0],
    [995, 10, 5, 0.025],
    [1000, 1, 1, 0.005],
    [5000, 3500, 3500, 17.5],
    [0, 1000, 0, 0],
    [0, 1001, 1, 0.005],
  ])('%i used + %i new → %i billable, $%f', (used, fresh, billable, usd) => {
    expect(invalidationCost(used, fresh)).toEqual({ billablePaths: billable, usd })
  })
  it('counts the month in UTC', () =>
    expect(monthStartUtc(Date.parse('2026-12-01T00:30:00+09:00'))).toBe(Date.parse('2026-11-01T00:00:00Z')))
})

describe('choosePeriod', () => {
  const now = Date.parse('2026-12-03T12:34:56Z')
  const day = 86_400_000
  it.each([
    ['1h', { last: '1h' as const }, 60],
    ['24h', { last: '24h' as const }, 60],
    ['7d', { last: '7d' as const }, 600],
    ['14d', { last: '14d' as const }, 900],
    ['3 days, 20 days ago (5-minute data only)', { startMs: now - 20 * day, endMs: now - 17 * day }, 300],
    ['60 days', { startMs: now - 60 * day, endMs: now }, 3600],
    ['2 days, 100 days ago (hourly data only)', { startMs: now - 100 * day, endMs: now - 98 * day }, 3600],
    ['400 days', { startMs: now - 400 * day, endMs: now }, 43200],
  ])('%s → %i s', (_name, range, period) => {
    const chosen = choosePeriod(range, now)
    expect(chosen.periodSeconds).toBe(period)
    expect(chosen.startMs % (period * 1000)).toBe(0)
    expect(Math.ceil((chosen.endMs - chosen.startMs) / (period * 1000))).toBeLessThanOrEqual(1440)
  })
})
