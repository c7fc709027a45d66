/**
 * Merging per-file aggregates: TopK summaries merge with Space-Saving's guarantees kept (counts bound
 * the truth, heavy keys kept, exact while nothing overflows), aggregates survive JSON, and merging
 * per-file aggregates equals aggregating every file at once. Also the key names and edge cities.
 */
import { describe, expect, it } from 'vitest'
import { LogAggregator, readLogFile, TopK } from '../../../src-main/cloudfront/logs/index'
import { edgeCity } from '../../../src-main/cloudfront/log-analysis/edge-cities'
import { hourStamp, logFileHour, startAfterFor } from '../../../src-main/cloudfront/log-analysis/log-keys'
import { logFilesFor } from '../../../src-main/sandbox/cloudfront/log-files'
import { seededRandom } from '../../../src-main/sandbox/cloudfront/traffic'
import { demoTrafficModel } from '../../../src-main/sandbox/seed'

describe('TopK.merge', () => {
  it('is exact, and equal to one table over both streams, while the keys fit', () => {
    const a = new TopK(10)
    const b = new TopK(10)
    const one = new TopK(10)
    for (const [key, n] of [
      ['x', 3],
      ['y', 1],
      ['z', 2],
    ] as const)
      for (let i = 0; i < n; i++) {
        a.add(key, 10)
        one.add(key, 10)
      }
    for (const [key, n] of [
      ['x', 1],
      ['w', 4],
    ] as const)
      for (let i = 0; i < n; i++) {
        b.add(key, 1)
        one.add(key, 1)
      }
    a.merge(b)
    expect(a.exact).toBe(true)
    expect(a.total).toBe(11)
    expect(a.top(10)).toEqual(one.top(10))
    expect(a.top(1)).toEqual([{ key: 'w', count: 4, error: 0, bytes: 4 }])
    // `other` is left as it was.
    expect(b.top(10).map((e) => [e.key, e.count])).toEqual([
      ['w', 4],
      ['x', 1],
    ])
  })

  it('stays at capacity over many merged streams, with counts that bound the truth and the heavy keys kept', () => {
    const rand = seededRandom(7)
    const truth = new Map<string, number>()
    const merged = new TopK(64)
    let total = 0
    for (let part = 0; part < 40; part++) {
      const table = new TopK(64)
      for (let i = 0; i < 500; i++) {
        // Five heavy keys (about 30 % of the traffic), then a long tail of rare ones.
        const key = rand() < 0.3 ? `/heavy/${Math.floor(rand() * 5)}` : `/tail/${Math.floor(rand() * 50_000)}`
        table.add(key)
        truth.set(key, (truth.get(key) ?? 0) + 1)
        total++
      }
      merged.merge(table)
      expect(merged.size).toBeLessThanOrEqual(64)
    }
    expect(merged.total).toBe(total)
    expect(merged.exact).toBe(false)
    const top = merged.top(5)
    expect(top.map((e) => e.key).sort()).toEqual(['/heavy/0', '/heavy/1', '/heavy/2', '/heavy/3', '/heavy/4'])
    for (const entry of merged.top(64)) {
      expect(entry.count).toBeGreaterThanOrEqual(truth.get(entry.key)!)
      expect(entry.count - entry.error).toBeLessThanOrEqual(truth.get(entry.key)!)
    }
    // Every key seen more than total / capacity times is kept.
    for (const [key, count] of truth) if (count > total / 64) expect(merged.top(64).some((e) => e.key === key)).toBe(true)
  })

  it('survives a round trip through its state and JSON', () => {
    const table = new TopK(3)
    for (const key of ['a', 'b', 'a', 'c', 'd', 'a', 'e']) table.add(key, 5)
    const copy = TopK.fromState(JSON.parse(JSON.stringify(table.toState())))
    expect(copy.top(3)).toEqual(table.top(3))
    expect([copy.exact, copy.total, copy.size]).toEqual([table.exact, table.total, table.size])
    copy.add('f')
    table.add('f')
    expect(copy.top(3)).toEqual(table.top(3))
  })
})

describe('LogAggregator.merge', () => {
  it('of per-file aggregates (through JSON) equals one aggregator over every file', async () => {
    const files = logFilesFor(demoTrafficModel(Date.parse('2026-12-01T12:34:56Z')), 'cloudfront/').slice(0, 120)
    const all = new LogAggregator()
    const merged = new LogAggregator()
    for (const file of files) {
      const own = new LogAggregator()
      const result = await readLogFile(file.key, [file.body], (record) => {
        all.add(record)
        own.add(record)
      })
      all.addFile(result)
      own.addFile(result)
      merged.merge(LogAggregator.fromState(JSON.parse(JSON.stringify(own.toState()))))
    }
    expect(merged.result()).toEqual(all.result())
    expect(merged.result().files).toBe(120)
  })

  it('reports only the hours of a range in the series', () => {
    const aggregator = new LogAggregator()
    const at = Date.parse('2026-11-20T10:15:00Z')
    const record = {
      timeMs: at,
      edgeLocation: 'ICN54-C1',
      scBytes: 1,
      clientIp: '',
      method: 'GET',
      uriStem: '/',
      query: '',
      status: 200,
      hostHeader: '',
      userAgent: '',
      referer: '',
      protocol: 'https',
      resultType: 'Hit',
      responseResultType: 'Hit',
      detailedResultType: 'Hit',
      timeTakenMs: 1,
      contentType: '',
    }
    for (let hour = 0; hour < 5; hour++) aggregator.add({ ...record, timeMs: at + hour * 3600_000 })
    const hours = aggregator.result({ fromMs: Date.parse('2026-11-20T11:00:00Z'), toMs: Date.parse('2026-11-20T13:00:00Z') }).hourly
    expect(hours.map((h) => new Date(h.hourStartMs).toISOString())).toEqual(['2026-11-20T11:00:00.000Z', '2026-11-20T12:00:00.000Z'])
  })
})

describe('log file names and edge cities', () => {
  it('reads the hour from a legacy or partitioned v2 key, and nothing from other names', () => {
    const hour = Date.parse('2026-11-03T05:00:00Z')
    expect(logFileHour('cloudfront/E2HANEULDEMO01.2026-11-03-05.a1b2c3d4.gz', 'E2HANEULDEMO01')).toBe(hour)
    expect(logFileHour('AWSLogs/1/CloudFront/E2HANEULDEMO01/2026/11/03/05/E2HANEULDEMO01.2026-11-03-05.x.gz', 'E2HANEULDEMO01')).toBe(hour)
    expect(logFileHour('cloudfront/E9OTHER.2026-11-03-05.a1b2c3d4.gz', 'E2HANEULDEMO01')).toBeUndefined()
    expect(logFileHour('cloudfront/E2HANEULDEMO01.2026-02-30-05.a.gz', 'E2HANEULDEMO01')).toBeUndefined()
    expect(logFileHour('cloudfront/E2HANEULDEMO01.notes.txt', 'E2HANEULDEMO01')).toBeUndefined()
  })

  it('starts a listing just before the first file of the first hour', () => {
    const from = Date.parse('2026-11-03T05:42:00Z')
    const after = startAfterFor('cloudfront/', 'E2', from)
    expect(after).toBe(`cloudfront/E2.${hourStamp(from)}`)
    expect('cloudfront/E2.2026-11-03-05.00000000.gz' > after).toBe(true)
    expect('cloudfront/E2.2026-11-03-04.ffffffff.gz' < after).toBe(true)
  })

  it('names the city of an edge location by its airport', () => {
    expect(edgeCity('ICN54-C1')).toBe('Seoul')
    expect(edgeCity('NRT57-P2')).toBe('Tokyo')
    expect(edgeCity('IAD89-C2')).toBe('Ashburn')
    expect(edgeCity('XXX1-C1')).toBeUndefined()
    expect(edgeCity('')).toBeUndefined()
  })
})
