/**
 * Log statistics: the console's cache-statistics formula on hand-made records, the bounded top-k
 * tables, and the aggregate over all of the seed's log files against an independent tally written
 * here with other means (gunzipSync, split, decodeURIComponent, plain objects).
 */
import { gunzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { LogAggregator, readLogFile, TopK, type LogRecord } from '../../../src-main/cloudfront/logs/index'
import { logFilesFor } from '../../../src-main/sandbox/cloudfront/log-files'
import { demoTrafficModel } from '../../../src-main/sandbox/seed'

const base: LogRecord = {
  timeMs: Date.parse('2026-11-20T10:15:00Z'),
  edgeLocation: 'ICN54-C1',
  scBytes: 100,
  clientIp: '192.0.2.1',
  method: 'GET',
  uriStem: '/index.html',
  query: '',
  status: 200,
  hostHeader: 'haneul-demo.example',
  userAgent: 'test',
  referer: '',
  protocol: 'https',
  resultType: 'Hit',
  responseResultType: 'Hit',
  detailedResultType: 'Hit',
  timeTakenMs: 1,
  contentType: 'text/html',
}
const rec = (resultType: string, responseResultType = resultType, extra: Partial<LogRecord> = {}): LogRecord => ({
  ...base,
  resultType,
  responseResultType,
  ...extra,
})

describe('log statistics', () => {
  it('counts Hit, Miss and Error on the response result type, RefreshHit apart, as the console does', () => {
    const aggregator = new LogAggregator()
    const records = [
      ...Array.from({ length: 4 }, () => rec('Hit')),
      rec('Error', 'Hit', { scBytes: 40, status: 200 }), // the viewer left before the last byte
      rec('Miss', 'Miss', { scBytes: 1000, uriStem: '/a' }),
      rec('Miss', 'Miss', { scBytes: 2000, uriStem: '/a' }),
      rec('Error', 'Miss', { scBytes: 300, uriStem: '/b' }),
      rec('Error', 'Error', { status: 404 }),
      rec('LimitExceeded', 'LimitExceeded', { status: 503 }),
      rec('CapacityExceeded', 'CapacityExceeded', { status: 503 }),
      rec('RefreshHit'),
      rec('RefreshHit', 'RefreshHit', { timeMs: base.timeMs + 3600_000 }),
      rec('Redirect', 'Redirect', { status: 301 }),
    ]
    records.forEach((r) => aggregator.add(r))
    const stats = aggregator.result()
    expect(stats.cache).toEqual({ hits: 5, misses: 3, errors: 3, refreshHits: 2, other: 1, hitRatio: 5 / 11 })
    expect(stats.bytesFromMisses).toBe(3000)
    expect(stats.incompleteDownloads).toEqual({ requests: 2, bytes: 340 })
    expect(stats.byResultType.Error).toEqual({ requests: 3, bytes: 440 })
    expect(stats.topMissedPaths.map((e) => [e.key, e.count, e.bytes])).toEqual([
      ['/a', 2, 3000],
      ['/b', 1, 300],
    ])
    expect(stats.hourly.map((h) => [h.hourStartMs, h.requests, h.refreshHits])).toEqual([
      [Date.parse('2026-11-20T10:00:00Z'), 13, 1],
      [Date.parse('2026-11-20T11:00:00Z'), 1, 1],
    ])
    expect(stats.statusCodes.find((e) => e.key === '503')?.count).toBe(2)
    expect(stats.exact).toBe(true)
  })

  it('keeps top-k tables bounded, with counts that bound the truth', () => {
    const top = new TopK(50)
    const truth = new Map<string, number>()
    // A few heavy keys in a stream of 20,000 distinct light ones.
    for (let i = 0; i < 20_000; i++) {
      const key = i % 4 === 0 ? `/heavy/${i % 5}` : `/light/${i}`
      top.add(key)
      truth.set(key, (truth.get(key) ?? 0) + 1)
    }
    expect(top.size).toBeLessThanOrEqual(50)
    expect(top.exact).toBe(false)
    const reported = top.top(5)
    expect(reported.map((e) => e.key).sort()).toEqual(['/heavy/0', '/heavy/1', '/heavy/2', '/heavy/3', '/heavy/4'])
    for (const entry of reported) {
      expect(entry.count).toBeGreaterThanOrEqual(truth.get(entry.key)!)
      expect(entry.count - entry.error).toBeLessThanOrEqual(truth.get(entry.key)!)
    }
  })

  it('over the seed’s 30 days of logs, equals an independent tally', async () => {
    const model = demoTrafficModel(Date.parse('2026-12-01T12:34:56Z'))
    const files = logFilesFor(model, 'cloudfront/')
    const aggregator = new LogAggregator()
    for (const file of files) {
      const result = await readLogFile(file.key, [file.body], (r) => aggregator.add(r))
      aggregator.addFile(result)
    }
    const stats = aggregator.result()

    // The tally: column positions from the header, plain counting.
    const tally = { requests: 0, Hit: 0, Miss: 0, Err: 0, RefreshHit: 0, missBytes: 0, incomplete: 0 }
    const missed: Record<string, number> = {}
    const statuses: Record<string, number> = {}
    const edges: Record<string, number> = {}
    const dayCounts: Record<string, { hit: number; all: number }> = {}
    for (const file of files) {
      const [, fieldsLine, ...rows] = gunzipSync(file.body).toString('utf8').trimEnd().split('\n')
      const col = Object.fromEntries(
        fieldsLine!
          .replace('#Fields: ', '')
          .split(' ')
          .map((name, i) => [name, i]),
      )
      for (const row of rows) {
        const f = row.split('\t')
        const response = f[col['x-edge-response-result-type']!]!
        const final = f[col['x-edge-result-type']!]!
        tally.requests++
        if (response === 'Hit' || response === 'Miss' || response === 'RefreshHit') tally[response]++
        if (['Error', 'LimitExceeded', 'CapacityExceeded'].includes(response)) tally.Err++
        if (final === 'Miss') tally.missBytes += Number(f[col['sc-bytes']!])
        if (final === 'Error' && response !== 'Error') tally.incomplete++
        const path = decodeURIComponent(f[col['cs-uri-stem']!]!)
        if (response === 'Miss') missed[path] = (missed[path] ?? 0) + 1
        statuses[f[col['sc-status']!]!] = (statuses[f[col['sc-status']!]!] ?? 0) + 1
        edges[f[col['x-edge-location']!]!] = (edges[f[col['x-edge-location']!]!] ?? 0) + 1
        const day = (dayCounts[f[col.date!]!] ??= { hit: 0, all: 0 })
        if (response === 'Hit') day.hit++
        if (response === 'Hit' || response === 'Miss' || ['Error', 'LimitExceeded', 'CapacityExceeded'].includes(response)) day.all++
      }
    }

    expect(stats.malformed).toBe(0)
    expect(stats.files).toBe(files.length)
    expect(stats.requests).toBe(tally.requests)
    expect(stats.cache).toMatchObject({ hits: tally.Hit, misses: tally.Miss, errors: tally.Err, refreshHits: tally.RefreshHit })
    expect(stats.bytesFromMisses).toBe(tally.missBytes)
    expect(stats.incompleteDownloads.requests).toBe(tally.incomplete)
    expect(stats.incompleteDownloads.requests).toBeGreaterThan(0)
    const topTen = Object.entries(missed)
      .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1))
      .slice(0, 10)
    expect(stats.topMissedPaths.slice(0, 10).map((e) => [e.key, e.count])).toEqual(topTen)
    expect(Object.fromEntries(stats.statusCodes.map((e) => [e.key, e.count]))).toEqual(statuses)
    expect(Object.fromEntries(stats.edgeLocations.map((e) => [e.key, e.count]))).toEqual(edges)
    expect(stats.edgeLocations.length).toBeGreaterThanOrEqual(18)
    expect(stats.exact).toBe(true)
    expect(stats.topPaths.map((e) => e.key)).toContain('/문서/한글 문서.txt')

    // The cache-busting day stands out: its hit ratio is far below every other full day's.
    const ratios = Object.entries(dayCounts).map(([day, c]) => [day, c.hit / c.all] as const)
    const worst = ratios.reduce((a, b) => (b[1] < a[1] ? b : a))
    const hourlyOfWorst = stats.hourly.filter((h) => new Date(h.hourStartMs).toISOString().startsWith(worst[0]))
    const hitsOfWorst = hourlyOfWorst.reduce((sum, h) => sum + h.hits, 0)
    expect(hitsOfWorst).toBe(dayCounts[worst[0]]!.hit)
    expect(worst[0]).toBe(new Date(model.cacheBustingDayMs).toISOString().slice(0, 10))
    expect(worst[1]).toBeLessThan(0.4)
    expect(ratios.filter(([day]) => day !== worst[0]).every(([, r]) => r > 0.6)).toBe(true)
  })
})
