/** The columnar table behind what-if rules: UTF-8 keys, prefix ranges, the row cap. */
import { describe, expect, it } from 'vitest'
import { ObjectTable } from '../../../src-main/costs/object-table'
import { priceBook } from '../../../src-main/costs/prices'
import { ScanAggregator, topPrefixes } from '../../../src-main/costs/scan-aggregator'
import { evaluateWhatIf } from '../../../src-main/costs/what-if'

const NOW = Date.UTC(2026, 11, 3)

describe('object table', () => {
  it('finds a prefix range in key order, Korean NFC and NFD keys kept apart', () => {
    const table = new ObjectTable()
    // UTF-8 byte order, as S3 lists: NFD "사" starts with U+1109 (E1 84 89), before NFC "사" U+C0AC (EC 82 AC); emoji (F0…) last
    const nfc = '사진/'.normalize('NFC')
    const nfd = '사진/'.normalize('NFD')
    const keys = ['a/1', 'a/2', 'b', `${nfd}1`, `${nfc}1`, `${nfc}2`, '사진x'.normalize('NFC'), '😀/z']
    for (const key of keys) table.append({ key, size: 1, lastModifiedMs: NOW })
    expect(table.sorted).toBe(true)
    expect(table.prefixRange(nfc)).toEqual({ from: 4, to: 6, contiguous: true })
    expect(table.prefixRange(nfd)).toEqual({ from: 3, to: 4, contiguous: true })
    expect(table.prefixRange('a/')).toEqual({ from: 0, to: 2, contiguous: true })
    // "zz" sorts after "b" and before every Korean key: an empty range there
    expect(table.prefixRange('zz')).toMatchObject({ from: 3, to: 3 })
    expect(table.prefixRange('😀/')).toMatchObject({ from: 7, to: 8 })
    expect(table.key(7)).toBe('😀/z')
  })

  it('falls back to a full scan when rows are not in key order, with the same answer', () => {
    const table = new ObjectTable()
    for (const key of ['b/1', 'a/1', 'b/2', 'a/2']) table.append({ key, size: 200 * 1024, lastModifiedMs: NOW - 100 * 86_400_000 })
    expect(table.sorted).toBe(false)
    expect(table.prefixRange('b/').contiguous).toBe(false)
    const r = evaluateWhatIf(table, priceBook('us-east-1'), { prefix: 'b/', olderThanDays: 30, target: 'GLACIER' }, { nowMs: NOW })
    expect(r.transitioned.objects).toBe(2)
  })

  it('stops at maxRows, counts what it left out, and results say so', () => {
    const table = new ObjectTable(3)
    for (let i = 0; i < 5; i++) table.append({ key: `k${i}`, size: 1, lastModifiedMs: NOW })
    expect([table.rows, table.truncated]).toEqual([3, 2])
    const r = evaluateWhatIf(table, priceBook('us-east-1'), { olderThanDays: 1, target: 'EXPIRE' }, { nowMs: NOW })
    expect(r.warnings).toContain('2 objects were left out of the table (limit 3); figures cover the rest.')
  })
})

describe('top prefixes', () => {
  it('lists the most expensive prefixes at a level', () => {
    const aggregator = new ScanAggregator({ book: priceBook('us-east-1'), nowMs: NOW })
    const GiB = 1024 ** 3
    aggregator.add({ key: 'a/x/1', size: GiB, lastModifiedMs: NOW })
    aggregator.add({ key: 'a/y/1', size: 3 * GiB, lastModifiedMs: NOW })
    aggregator.add({ key: 'b/z/1', size: 2 * GiB, lastModifiedMs: NOW })
    const { tree } = aggregator.summary()
    expect(topPrefixes(tree, 5).map((p) => p.prefix)).toEqual(['a/', 'b/'])
    expect(topPrefixes(tree, 2, 2).map((p) => [p.prefix, p.bytes])).toEqual([
      ['a/y/', 3 * GiB],
      ['b/z/', 2 * GiB],
    ])
  })
})
