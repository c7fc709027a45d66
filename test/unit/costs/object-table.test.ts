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

  it('gives back every key exactly from the front-coded store, and finds every prefix range as a full scan would', () => {
    const table = new ObjectTable()
    const long = 'x'.repeat(400)
    const keys: string[] = []
    // Sorted by UTF-8 bytes: shared parts short, long (over 255 bytes), Korean, emoji, and a key that is a prefix of the next.
    for (let d = 0; d < 7; d++)
      for (let f = 0; f < 23; f++)
        keys.push(`site/${d}/${f % 3 === 0 ? long : ''}${String(f).padStart(3, '0')}-${'한글'.repeat(f % 4)}.bin`)
    keys.push('site/7', 'site/7/', 'site/7/😀', 'z')
    keys.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)))
    for (const key of keys) table.append({ key, size: 1, lastModifiedMs: NOW })
    expect(table.sorted).toBe(true)
    // In order, backwards and at random: the same keys.
    expect(keys.map((_, i) => table.key(i))).toEqual(keys)
    expect(keys.map((_, i) => table.key(keys.length - 1 - i))).toEqual([...keys].reverse())
    for (const i of [37, 2, 150, 16, 15, 0, keys.length - 1]) expect(table.key(i)).toBe(keys[i])
    for (const prefix of ['site/', 'site/3/', `site/4/${long}`, 'site/7', 'site/7/', 'site/6/021-한', 's', 'site/9', 'a', 'zz']) {
      const matching = keys.flatMap((key, i) => (key.startsWith(prefix) ? [i] : []))
      const range = table.prefixRange(prefix)
      expect(range.contiguous).toBe(true)
      expect(range.to - range.from).toBe(matching.length)
      if (matching.length) expect(range.from).toBe(matching[0])
    }
    // Front coding: keys of one folder keep little more than what differs.
    const logs = new ObjectTable()
    const logKeys = Array.from({ length: 1000 }, (_, i) => `cloudfront/E2HANEULDEMO01.2026-12-03-${String(i).padStart(4, '0')}.gz`)
    for (const key of logKeys) logs.append({ key, size: 1, lastModifiedMs: NOW })
    expect(logs.keyEnd[logs.rows - 1]!).toBeLessThan(logKeys.join('').length / 3)
    expect(logs.key(777)).toBe(logKeys[777])
  })

  it('keeps dates in whole seconds and a tag column only once an object has tags', () => {
    const table = new ObjectTable()
    table.append({ key: 'a', size: 1, lastModifiedMs: NOW + 999 })
    expect(table.tagSet.length).toBe(0)
    table.append({ key: 'b', size: 1, lastModifiedMs: NOW - 2 * 86_400_000, tags: { tier: 'cold' } })
    expect(table.lastModifiedS[0]).toBe(NOW / 1000)
    expect([table.tagSet[0], table.tagSet[1]]).toEqual([0, 1])
    const r = evaluateWhatIf(
      table,
      priceBook('us-east-1'),
      { tag: { key: 'tier', value: 'cold' }, olderThanDays: 1, target: 'EXPIRE' },
      { nowMs: NOW },
    )
    expect(r.matched.objects).toBe(1)
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
