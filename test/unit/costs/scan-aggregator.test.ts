/** The streaming aggregator: where the money goes, in retained state bounded by its caps whatever the object count. */
import { describe, expect, it } from 'vitest'
import { ObjectTable } from '../../../src-main/costs/object-table'
import { priceBook } from '../../../src-main/costs/prices'
import { findPrefix, ScanAggregator } from '../../../src-main/costs/scan-aggregator'

const GiB = 1024 ** 3
const MiB = 1024 ** 2
const NOW = Date.UTC(2026, 11, 3)
const DAY = 86_400_000
const book = priceBook('ap-northeast-2')

function feed(aggregator: ScanAggregator, count: number): void {
  for (let i = 0; i < count; i++) {
    // 1,000 folders in 10 top-level ones, sizes 1…count bytes
    aggregator.add({
      key: `t${i % 10}/f${i % 1000}/obj-${i}`,
      size: i + 1,
      lastModifiedMs: NOW - (i % 400) * DAY,
      storageClass: i % 3 ? 'STANDARD' : 'STANDARD_IA',
    })
  }
  for (let i = 0; i < count / 100; i++) aggregator.addUpload({ key: `t0/u${i}`, uploadId: `id${i}`, initiatedMs: NOW, bytes: 10 })
}

describe('scan aggregator', () => {
  it('keeps its retained state within the caps at any object count', () => {
    const caps = { topN: 10, maxDepth: 3, maxPrefixNodes: 100, maxUploadsKept: 5 }
    for (const count of [20_000, 200_000]) {
      const aggregator = new ScanAggregator({ book, nowMs: NOW, ...caps })
      feed(aggregator, count)
      expect(aggregator.retained(), `${count} objects`).toEqual({ prefixNodes: 100, largest: 10, uploadsKept: 5 })
      const summary = aggregator.summary()
      expect(summary.totals.objects).toBe(count)
      expect(summary.incompleteUploads.uploads).toBe(count / 100)
      expect(summary.largest.map((o) => o.size)).toEqual(Array.from({ length: 10 }, (_, i) => count - i))
      // The tree's root counts everything; where the node cap stopped the breakdown, it says so.
      expect(summary.tree.objects).toBe(count)
      expect(summary.tree.children).toHaveLength(10)
      expect(summary.tree.children.some((c) => c.truncated)).toBe(true)
    }
  })

  it('drills down prefix by prefix, most expensive first, and the levels add up', () => {
    const aggregator = new ScanAggregator({ book, nowMs: NOW, prefix: 'site/' })
    aggregator.add({ key: 'site/index.html', size: MiB, lastModifiedMs: NOW })
    aggregator.add({ key: 'site/img/a.png', size: GiB, lastModifiedMs: NOW })
    aggregator.add({ key: 'site/img/b.png', size: GiB, lastModifiedMs: NOW, storageClass: 'GLACIER' })
    aggregator.add({ key: 'site/video/2024/x.mp4', size: 10 * GiB, lastModifiedMs: NOW })
    aggregator.add({ key: 'site/video/2025/y.mp4', size: 5 * GiB, lastModifiedMs: NOW, storageClass: 'DEEP_ARCHIVE' })
    const { tree, totals } = aggregator.summary()
    expect(tree.prefix).toBe('site/')
    expect(tree.children.map((c) => c.prefix)).toEqual(['site/video/', 'site/img/'])
    // Seoul: 10 GiB × 0.025 = 0.25 for 2024; 2025: (5 GiB + 32 KiB) × 0.0018 + 8 KiB × 0.025
    const video = findPrefix(tree, 'site/video/2024/')!
    expect(video.monthlyUsd).toBeCloseTo(0.25, 12)
    expect(findPrefix(tree, 'site/video/')!.children.map((c) => c.prefix)).toEqual(['site/video/2024/', 'site/video/2025/'])
    const sum = tree.children.reduce((s, c) => s + c.monthlyUsd, 0) + (1 / 1024) * 0.025 // + index.html, 1 MiB × 0.025
    expect(sum).toBeCloseTo(totals.monthlyUsd, 12)
    expect(findPrefix(tree, 'elsewhere/')).toBeUndefined()
  })

  it('separates noncurrent versions and delete markers, and feeds the table', () => {
    const table = new ObjectTable()
    const aggregator = new ScanAggregator({ book, nowMs: NOW, table })
    aggregator.add({ key: 'a', size: 100, lastModifiedMs: NOW - DAY, isLatest: true })
    aggregator.add({ key: 'a', size: 50, lastModifiedMs: NOW - 9 * DAY, isLatest: false })
    aggregator.add({ key: 'b', size: 0, lastModifiedMs: NOW, isLatest: true, deleteMarker: true })
    const { versions, totals } = aggregator.summary()
    expect(versions).toEqual({ current: 1, noncurrent: 1, noncurrentBytes: 50, deleteMarkers: 1 })
    expect(totals).toMatchObject({ objects: 2, bytes: 150 })
    expect(table.rows).toBe(3)
    // The noncurrent version became noncurrent when its successor was written, a day ago.
    expect(table.sinceS[1]).toBe((NOW - DAY) / 1000)
  })

  it('marks a partial scan and refuses bad input', () => {
    const aggregator = new ScanAggregator({ book, nowMs: NOW, prefix: 'p/' })
    aggregator.markPartial('network lost after 3 pages')
    expect(aggregator.summary().partial).toBe('network lost after 3 pages')
    expect(() => aggregator.add({ key: 'q/x', size: 1, lastModifiedMs: NOW })).toThrow(/outside the scanned prefix p\//)
    expect(() => aggregator.add({ key: 'p/x', size: -1, lastModifiedMs: NOW })).toThrow(/invalid size/)
  })

  it('says when the prices are an estimate or overridden', () => {
    const estimated = new ScanAggregator({ book: priceBook('me-south-1', { estimateUnknownRegion: true }), nowMs: NOW }).summary()
    expect(estimated.prices).toMatchObject({
      region: 'me-south-1',
      pricedAs: 'us-east-1',
      estimated: expect.stringMatching(/me-south-1/) as string,
    })
    const negotiated = new ScanAggregator({
      book: priceBook('us-east-1', { overrides: { storageUsdPerGbMonth: { STANDARD: 0.02 } } }),
      nowMs: NOW,
    })
    negotiated.add({ key: 'x', size: 100 * GiB, lastModifiedMs: NOW })
    const summary = negotiated.summary()
    expect(summary.prices.overridden).toEqual(['STANDARD.storage'])
    // 100 GiB × 0.02 = 2.00
    expect(summary.totals.monthlyUsd).toBeCloseTo(2, 12)
  })
})
