/**
 * What-if transitions and the bucket's existing lifecycle rules, evaluated on scanned objects; figures
 * worked by hand from the us-east-1 prices (GB = 2^30 bytes, months of 30 days for minimum durations).
 */
import { describe, expect, it } from 'vitest'
import { ObjectTable } from '../../../src-main/costs/object-table'
import { priceBook } from '../../../src-main/costs/prices'
import { evaluateLifecycleRules, evaluateWhatIf, whatIfLifecycleRule } from '../../../src-main/costs/what-if'

const KiB = 1024
const GiB = 1024 ** 3
const DAY = 86_400_000
const NOW = Date.UTC(2026, 11, 3)
const book = priceBook('us-east-1')

/** The scanned prefix, in key order as ListObjectsV2 returns it. */
function scanned(): ObjectTable {
  const table = new ObjectTable()
  const rows: Array<[string, number, string, number, Record<string, string>?]> = [
    ['data/x', GiB, 'STANDARD', 100],
    ['logs/a', GiB, 'STANDARD', 100, { team: 'web' }],
    ['logs/b', GiB, 'STANDARD', 10],
    ['logs/deep', GiB, 'DEEP_ARCHIVE', 100],
    ['logs/gir', GiB, 'GLACIER_IR', 50],
    ['logs/gl', GiB, 'GLACIER', 100],
    ['logs/ia', GiB, 'STANDARD_IA', 40],
    ['logs/small', 64 * KiB, 'STANDARD', 100, { team: 'web' }],
  ]
  for (const [key, size, storageClass, ageDays, tags] of rows)
    table.append({ key, size, storageClass, lastModifiedMs: NOW - ageDays * DAY, ...(tags ? { tags } : {}) })
  return table
}

// Whole table before any rule (hand-worked):
//   STANDARD: data/x + logs/a + logs/b = 3 GiB, logs/small 64 KiB, two archive objects' 8 KiB = 16 KiB
//     → (3 + 80/1,048,576) GiB × 0.023 = 0.0690017547607…
//   STANDARD_IA 1 × 0.0125 = 0.0125; GLACIER_IR 1 × 0.004 = 0.004
//   GLACIER (1 GiB + 32 KiB) × 0.0036 = 0.0036001098632…; DEEP_ARCHIVE (1 GiB + 32 KiB) × 0.00099 = 0.0009900302124…
//   total 0.0900918948364258
const BEFORE = 0.0900918948364258
// One object moved to GLACIER costs (1 GiB + 32 KiB) × 0.0036 + 8 KiB × 0.023 = 0.003600285339355469 a month.

describe('what-if rule', () => {
  it('transitions what is due and allowed, and prices before, after, one-time and break-even', () => {
    const r = evaluateWhatIf(scanned(), book, { prefix: 'logs/', olderThanDays: 30, target: 'GLACIER' }, { nowMs: NOW })
    expect(r.matched.objects).toBe(7) // everything under logs/
    expect(r.notYetDue.objects).toBe(1) // logs/b, 10 days
    expect(r.transitioned).toEqual({ objects: 3, bytes: 3 * GiB, byTarget: { GLACIER: 3 } }) // a, ia, gir
    expect(r.skipped).toEqual({
      belowMinimumSize: { objects: 1, bytes: 64 * KiB }, // logs/small: the 128 KB default filter
      alreadyInTarget: 1, // logs/gl
      notAllowed: { DEEP_ARCHIVE: 1 }, // the waterfall goes no further than Deep Archive
      unpriced: 0,
    })
    expect(r.monthly.beforeUsd).toBeCloseTo(BEFORE, 12)
    // saving: 0.023 + 0.0125 + 0.004 − 3 × 0.003600285339355469 = 0.0286991439819336
    expect(r.monthly.savingUsd).toBeCloseTo(0.0286991439819336, 12)
    expect(r.monthly.afterUsd).toBeCloseTo(BEFORE - 0.0286991439819336, 12)
    // 3 transition requests / 1,000 × 0.03 = 0.00009
    expect(r.oneTime.transitionRequests).toBe(3)
    expect(r.oneTime.transitionUsd).toBeCloseTo(0.00009, 15)
    // logs/gir leaves Glacier IR at 50 of its 90 days: 1 GiB × 0.004 × 40/30 = 0.005333…
    expect(r.oneTime.earlyDeletion.objects).toBe(1)
    expect(r.oneTime.earlyDeletion.usd).toBeCloseTo(0.0053333333333333, 12)
    // (0.00009 + 0.0053333…) / 0.0286991439819336 = 0.1889719545902615 months
    expect(r.breakEvenMonths).toBeCloseTo(0.1889719545902615, 10)
    expect(r.retrieval).toEqual([
      expect.objectContaining({
        storageClass: 'GLACIER',
        minStorageDays: 90,
        prices: expect.arrayContaining([expect.objectContaining({ tier: 'Bulk', usdPerGb: 0 })]) as unknown,
      }),
    ])
  })

  it('expires, charging the rest of each minimum duration', () => {
    const r = evaluateWhatIf(scanned(), book, { prefix: 'logs/', olderThanDays: 30, target: 'EXPIRE' }, { nowMs: NOW })
    expect(r.expired.objects).toBe(6) // all of logs/ but logs/b
    // logs/gir 40 days left: 1 × 0.004 × 40/30 = 0.0053333…; logs/deep 80 of 180 left: (1 GiB + 32 KiB) × 0.00099 × 80/30 = 0.0026400805664…
    //   = 0.007973413899739584
    expect(r.oneTime.earlyDeletion).toEqual({ objects: 2, usd: expect.closeTo(0.007973413899739584, 12) as number })
    // the six objects' monthly cost: 0.023 + 64 KiB × 0.023 + 0.0125 + 0.004 + (Deep 0.0009900302 + 8 KiB × 0.023) + 0.003600285339355469
    //   = 0.04409189483642578
    expect(r.monthly.savingUsd).toBeCloseTo(0.04409189483642578, 12)
    expect(r.oneTime.transitionUsd).toBe(0)
    // 0.007973413899739584 / 0.04409189483642578 = 0.18083627227452428
    expect(r.breakEvenMonths).toBeCloseTo(0.18083627227452428, 10)
  })

  it('lets small objects through when the bucket allows it or the rule names a size', () => {
    const varies = evaluateWhatIf(
      scanned(),
      book,
      { prefix: 'logs/', olderThanDays: 30, target: 'GLACIER' },
      { nowMs: NOW, transitionDefaultMinimumObjectSize: 'varies_by_storage_class' },
    )
    expect(varies.transitioned.objects).toBe(4)
    expect(varies.skipped.belowMinimumSize.objects).toBe(0)
    const toIr = evaluateWhatIf(
      scanned(),
      book,
      { prefix: 'logs/', olderThanDays: 30, target: 'GLACIER_IR' },
      { nowMs: NOW, transitionDefaultMinimumObjectSize: 'varies_by_storage_class' },
    )
    expect(toIr.skipped.belowMinimumSize.objects).toBe(1) // only archives take small objects under "varies"
    const sized = evaluateWhatIf(
      scanned(),
      book,
      { prefix: 'logs/', olderThanDays: 30, target: 'GLACIER', largerThanBytes: 0 },
      { nowMs: NOW },
    )
    expect(sized.transitioned.objects).toBe(4)
  })

  it('filters by tag and size, and says when nothing matches', () => {
    const tagged = evaluateWhatIf(
      scanned(),
      book,
      { olderThanDays: 30, target: 'STANDARD_IA', tag: { key: 'team', value: 'web' } },
      { nowMs: NOW },
    )
    expect(tagged.matched.objects).toBe(2) // logs/a, logs/small
    expect(tagged.transitioned.objects).toBe(1)
    // 1 transition / 1,000 × 0.01 = 0.00001; saving 1 × (0.023 − 0.0125) = 0.0105; break-even 0.00001 / 0.0105 = 0.000952380952…
    expect(tagged.oneTime.transitionUsd).toBeCloseTo(0.00001, 15)
    expect(tagged.monthly.savingUsd).toBeCloseTo(0.0105, 12)
    expect(tagged.breakEvenMonths).toBeCloseTo(0.000952380952381, 12)
    const none = evaluateWhatIf(scanned(), book, { prefix: 'nothing/', olderThanDays: 30, target: 'GLACIER' }, { nowMs: NOW })
    expect(none.matched.objects).toBe(0)
    expect(none.breakEvenMonths).toBeNull()
    expect(none.warnings).toContain('The rule matches no scanned object.')
  })

  it('pays back slowly when per-object fees dominate', () => {
    const table = new ObjectTable()
    for (let i = 0; i < 1000; i++) table.append({ key: `t/${i}`, size: 200 * KiB, lastModifiedMs: NOW - 400 * DAY })
    const r = evaluateWhatIf(table, book, { olderThanDays: 0, target: 'DEEP_ARCHIVE' }, { nowMs: NOW })
    // per object before: 200/1,048,576 GiB × 0.023 = 0.00000438690185546875
    // after: (200 + 32)/1,048,576 GiB × 0.00099 + 8/1,048,576 GiB × 0.023 = 0.000000219039916992 + 0.000000175476074219 = 0.000000394515991211
    // saving × 1,000 objects = (0.00000438690185546875 − 0.000000394515991211) × 1,000 = 0.003992385864257812
    // one-time 1,000 / 1,000 × 0.05 = 0.05 → 0.05 / 0.003992385864257812 = 12.5238396 months
    expect(r.monthly.savingUsd).toBeCloseTo(0.003992385864257812, 12)
    expect(r.breakEvenMonths).toBeCloseTo(12.5238396, 6)
  })

  it('refuses rules S3 would refuse, naming the limit', () => {
    const t = scanned()
    expect(() => evaluateWhatIf(t, book, { olderThanDays: 10, target: 'STANDARD_IA' }, { nowMs: NOW })).toThrow(
      /STANDARD_IA before 30 days/,
    )
    expect(() => evaluateWhatIf(t, book, { olderThanDays: 0, target: 'EXPIRE' }, { nowMs: NOW })).toThrow(/at least 1 day/)
    expect(() => evaluateWhatIf(t, book, { olderThanDays: 1.5, target: 'GLACIER' }, { nowMs: NOW })).toThrow(/whole number of days/)
    expect(() => evaluateWhatIf(t, book, { olderThanDays: 1, target: 'STANDARD' as never }, { nowMs: NOW })).toThrow(
      /not a lifecycle transition target/,
    )
  })

  it('becomes the equivalent lifecycle rule', () => {
    expect(whatIfLifecycleRule('to-glacier', { prefix: 'logs/', olderThanDays: 90, target: 'GLACIER' })).toEqual({
      ID: 'to-glacier',
      Filter: { Prefix: 'logs/' },
      Status: 'Enabled',
      Transitions: [{ Days: 90, StorageClass: 'GLACIER' }],
    })
    expect(
      whatIfLifecycleRule('tmp', { prefix: 'tmp/', olderThanDays: 7, target: 'EXPIRE', largerThanBytes: 0, tag: { key: 'k', value: 'v' } }),
    ).toEqual({
      ID: 'tmp',
      Filter: { And: { Prefix: 'tmp/', Tags: [{ Key: 'k', Value: 'v' }], ObjectSizeGreaterThan: 0 } },
      Status: 'Enabled',
      Expiration: { Days: 7 },
    })
  })
})

describe("the bucket's existing lifecycle rules", () => {
  it('say what each enabled rule does to the same objects now', () => {
    const effects = evaluateLifecycleRules(
      scanned(),
      book,
      [
        {
          ID: 'logs-tiering',
          Filter: { Prefix: 'logs/' },
          Status: 'Enabled',
          Transitions: [
            { Days: 30, StorageClass: 'STANDARD_IA' },
            { Days: 90, StorageClass: 'GLACIER' },
          ],
        },
        { ID: 'off', Filter: { Prefix: '' }, Status: 'Disabled', Expiration: { Days: 1 } },
      ],
      { nowMs: NOW },
    )
    const [tiering, off] = effects
    // logs/a (100 d) goes straight to GLACIER, the furthest step due; logs/ia (40 d) is already in STANDARD_IA;
    // logs/gir (50 d) would go to STANDARD_IA, which the waterfall forbids; logs/deep (100 d) to GLACIER, also forbidden.
    expect(tiering!.current).toMatchObject({
      transitioned: { objects: 1, byTarget: { GLACIER: 1 } },
      skipped: { alreadyInTarget: 2, notAllowed: { GLACIER_IR: 1, DEEP_ARCHIVE: 1 }, belowMinimumSize: { objects: 1 } },
      notYetDue: { objects: 1 },
    })
    expect(off).toEqual({ id: 'off', status: 'Disabled', notModelled: [] })
  })

  it('age noncurrent versions from when they became noncurrent, and count uploads to abort', () => {
    const table = new ObjectTable()
    table.append({ key: 'doc', size: GiB, lastModifiedMs: NOW - 2 * DAY, isLatest: true })
    table.append({ key: 'doc', size: GiB, lastModifiedMs: NOW - 30 * DAY, isLatest: false }) // noncurrent for 2 days
    table.append({ key: 'doc', size: GiB, lastModifiedMs: NOW - 60 * DAY, isLatest: false }) // noncurrent for 30 days
    const [effect] = evaluateLifecycleRules(
      table,
      book,
      [
        {
          ID: 'versions',
          Filter: {},
          Status: 'Enabled',
          NoncurrentVersionExpiration: { NoncurrentDays: 7 },
          AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
        },
      ],
      {
        nowMs: NOW,
        uploads: [
          { key: 'big', uploadId: 'u1', initiatedMs: NOW - 10 * DAY, bytes: GiB },
          { key: 'new', uploadId: 'u2', initiatedMs: NOW - DAY, bytes: GiB },
        ],
      },
    )
    expect(effect!.noncurrent).toMatchObject({ matched: { objects: 2 }, expired: { objects: 1 }, notYetDue: { objects: 1 } })
    // one noncurrent GiB at 0.023 = 0.023 saved
    expect(effect!.noncurrent!.monthly.savingUsd).toBeCloseTo(0.023, 12)
    expect(effect!.abortIncompleteUploads).toEqual({ daysAfterInitiation: 7, uploads: 1, bytes: GiB })
    expect(effect!.current).toBeUndefined()
  })
})
