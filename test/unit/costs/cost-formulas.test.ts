/**
 * The cost formulas against cases worked by hand from the S3 pricing page (us-east-1, table of
 * 2026-12-03). GB = GiB = 2^30 bytes, as AWS bills; each expected figure is the hand calculation in
 * its comment, never a value computed by the code under test.
 */
import { describe, expect, it } from 'vitest'
import { priceBook } from '../../../src-main/costs/prices'
import { ScanAggregator, type ScannedObject } from '../../../src-main/costs/scan-aggregator'
import { earlyDeletionUsd, metricsCostSeries, metricsMonthlyCost } from '../../../src-main/costs/storage-cost'

const KiB = 1024
const MiB = 1024 * KiB
const GiB = 1024 * MiB
const TiB = 1024 * GiB
const DAY = 86_400_000
const NOW = Date.UTC(2026, 11, 3)
const book = priceBook('us-east-1')

/** Monthly cost of a set of objects, through the streaming aggregator. */
function scanCost(objects: Array<Partial<ScannedObject> & { size: number }>) {
  const aggregator = new ScanAggregator({ book, nowMs: NOW })
  objects.forEach((o, i) => aggregator.add({ key: `k${i}`, lastModifiedMs: NOW - 365 * DAY, ...o }))
  return aggregator.summary()
}

/** n objects of one size and class (as a generator: no array of a million). */
function many(n: number, size: number, storageClass: string): Array<Partial<ScannedObject> & { size: number }> {
  return Array.from({ length: n }, () => ({ size, storageClass }))
}

describe('monthly storage cost per class (hand-worked)', () => {
  const cases: Array<[string, Array<Partial<ScannedObject> & { size: number }>, number]> = [
    // 100 GiB × 0.023 = 2.30
    ['STANDARD 100 GiB', [{ size: 100 * GiB, storageClass: 'STANDARD' }], 2.3],
    // 100 GiB × 0.0125 = 1.25
    ['STANDARD_IA 100 GiB', [{ size: 100 * GiB, storageClass: 'STANDARD_IA' }], 1.25],
    // 10 GiB × 0.01 = 0.10
    ['ONEZONE_IA 10 GiB', [{ size: 10 * GiB, storageClass: 'ONEZONE_IA' }], 0.1],
    // 1 TiB = 1,024 GiB × 0.004 = 4.096
    ['GLACIER_IR 1 TiB', [{ size: TiB, storageClass: 'GLACIER_IR' }], 4.096],
    // 10 GiB × 0.024 = 0.24 (legacy class)
    ['REDUCED_REDUNDANCY 10 GiB', [{ size: 10 * GiB, storageClass: 'REDUCED_REDUNDANCY' }], 0.24],
    // 10 GiB × 0.11 = 1.10 (the S3 FAQ's Express One Zone example: "10 GB-Month x $0.11 = $1.10")
    ['EXPRESS_ONEZONE 10 GiB', [{ size: 10 * GiB, storageClass: 'EXPRESS_ONEZONE' }], 1.1],
    // 60 TiB = 61,440 GiB: 51,200 × 0.023 + 10,240 × 0.022 = 1,177.60 + 225.28 = 1,402.88
    ['STANDARD 60 TiB across the 50 TB tier', [{ size: 30 * TiB }, { size: 30 * TiB }], 1402.88],
    // 1,000 × 1 KiB in STANDARD_IA billed as 128 KiB each: 128,000 KiB = 0.1220703125 GiB × 0.0125 = 0.00152587890625
    ['STANDARD_IA minimum billable size', many(1000, KiB, 'STANDARD_IA'), 0.00152587890625],
    // 1,000 × 1 KiB in GLACIER_IR billed as 128 KiB: 0.1220703125 GiB × 0.004 = 0.00048828125
    ['GLACIER_IR minimum billable size', many(1000, KiB, 'GLACIER_IR'), 0.00048828125],
    // 1,000 × 1 MiB in GLACIER: data 1,000 MiB = 0.9765625 GiB, + 32 KiB each = 32,000 KiB = 0.030517578125 GiB at 0.0036
    //   = 1.007080078125 × 0.0036 = 0.0036254882812…; + 8 KiB each = 8,000 KiB = 0.00762939453125 GiB at STANDARD 0.023
    //   = 0.00017547607421875; total 0.0036254882812 + 0.0001754760742 = 0.00380096435546875
    ['GLACIER archive overhead', many(1000, MiB, 'GLACIER'), 0.00380096435546875],
    // 1 GiB in DEEP_ARCHIVE: (1 + 32/1,048,576) GiB × 0.00099 = 0.000990030212402…; + 8/1,048,576 GiB × 0.023 = 0.000000175476074…
    //   total 0.00099020568847656
    ['DEEP_ARCHIVE archive overhead', [{ size: GiB, storageClass: 'DEEP_ARCHIVE' }], 0.00099020568847656],
    // Intelligent-Tiering, 1,000 × 1 MiB (monitored) + 1,000 × 64 KiB (under 128 KiB: not monitored):
    //   storage 1,000 MiB + 64,000 KiB = 0.9765625 + 0.06103515625 = 1.03759765625 GiB × 0.023 = 0.02386474609375
    //   monitoring 1,000 objects / 1,000 × 0.0025 = 0.0025; total 0.02636474609375
    [
      'INTELLIGENT_TIERING with monitoring fee',
      [...many(1000, MiB, 'INTELLIGENT_TIERING'), ...many(1000, 64 * KiB, 'INTELLIGENT_TIERING')],
      0.02636474609375,
    ],
    // Intelligent-Tiering object in the Archive Access tier: 100 GiB × 0.0036 = 0.36, + 1 × 0.0025 / 1,000 = 0.0000025 → 0.3600025
    ['INTELLIGENT_TIERING archive tier', [{ size: 100 * GiB, storageClass: 'INTELLIGENT_TIERING', itTier: 'AA' }], 0.3600025],
  ]
  it.each(cases)('%s', (_name, objects, expected) => {
    expect(scanCost(objects).totals.monthlyUsd).toBeCloseTo(expected, 12)
  })

  it('splits the total by class so the classes add up to it', () => {
    const summary = scanCost([{ size: 100 * GiB }, { size: 100 * GiB, storageClass: 'STANDARD_IA' }, ...many(1000, MiB, 'GLACIER')])
    const byClass = Object.fromEntries(summary.classes.map((c) => [c.storageClass, c.monthlyUsd]))
    // 100 GiB × 0.023 = 2.30 (the 8 KiB Glacier overheads are billed at STANDARD but belong to GLACIER)
    expect(byClass.STANDARD).toBeCloseTo(2.3, 12)
    // 100 GiB × 0.0125 = 1.25
    expect(byClass.STANDARD_IA).toBeCloseTo(1.25, 12)
    // as in the GLACIER case above: 0.00380096435546875
    expect(byClass.GLACIER).toBeCloseTo(0.00380096435546875, 12)
    // 2.30 + 1.25 + 0.00380096435546875 = 3.55380096435546875
    expect(summary.totals.monthlyUsd).toBeCloseTo(3.553800964355469, 12)
    expect(summary.classes.find((c) => c.storageClass === 'STANDARD_IA')).toMatchObject({
      objects: 1,
      bytes: 100 * GiB,
      billableBytes: 100 * GiB,
    })
    // 1,000 × (1 MiB + 40 KiB) = 1,000 × 1,089,536 = 1,089,536,000 billable bytes
    expect(summary.classes.find((c) => c.storageClass === 'GLACIER')!.billableBytes).toBe(1_089_536_000)
  })

  it('shows unpriced classes without a price instead of dropping them', () => {
    const summary = scanCost([{ size: GiB, storageClass: 'OUTPOSTS' }, { size: GiB }])
    expect(summary.classes.find((c) => c.storageClass === 'OUTPOSTS')).toMatchObject({ objects: 1, bytes: GiB, monthlyUsd: undefined })
    // 1 GiB × 0.023 = 0.023
    expect(summary.totals.monthlyUsd).toBeCloseTo(0.023, 12)
  })
})

describe('minimum storage duration (hand-worked)', () => {
  it('charges the remaining days at the class rate, 30 days a month', () => {
    // GLACIER, 100 GiB, 30 days old: 60 days left; (100 GiB + 32 KiB = 100.000030517578125 GiB) × 0.0036 × 60/30 = 0.7200002197265625
    expect(earlyDeletionUsd(book, 'GLACIER', 100 * GiB, 30)).toEqual({
      remainingDays: 60,
      usd: expect.closeTo(0.7200002197265625, 12) as number,
    })
    // STANDARD_IA, 10 GiB, 10 days old: 20 days left; 10 × 0.0125 × 20/30 = 0.083333…
    expect(earlyDeletionUsd(book, 'STANDARD_IA', 10 * GiB, 10).usd).toBeCloseTo(0.0833333333333333, 12)
    // STANDARD_IA, 1 KiB, 0 days: billed as 128 KiB = 0.0001220703125 GiB × 0.0125 × 30/30 = 0.00000152587890625
    expect(earlyDeletionUsd(book, 'STANDARD_IA', KiB, 0).usd).toBeCloseTo(0.00000152587890625, 15)
    // DEEP_ARCHIVE, 1 TiB, 200 days old: past its 180 days, nothing
    expect(earlyDeletionUsd(book, 'DEEP_ARCHIVE', TiB, 200)).toEqual({ remainingDays: 0, usd: 0 })
    // DEEP_ARCHIVE, 1 TiB, 0 days: (1,024 GiB + 32 KiB = 1024.000030517578125) × 0.00099 × 180/30 = 6.082560181274414
    expect(earlyDeletionUsd(book, 'DEEP_ARCHIVE', TiB, 0).usd).toBeCloseTo(6.082560181274414, 10)
    expect(earlyDeletionUsd(book, 'STANDARD', TiB, 0)).toEqual({ remainingDays: 0, usd: 0 })
  })

  it('counts the objects a scan finds inside their minimum, with what deleting them now would cost', () => {
    const aggregator = new ScanAggregator({ book, nowMs: NOW })
    aggregator.add({ key: 'a', size: 10 * GiB, storageClass: 'STANDARD_IA', lastModifiedMs: NOW - 10 * DAY })
    aggregator.add({ key: 'b', size: 10 * GiB, storageClass: 'STANDARD_IA', lastModifiedMs: NOW - 40 * DAY })
    aggregator.add({ key: 'c', size: 100 * GiB, storageClass: 'GLACIER', lastModifiedMs: NOW - 30 * DAY })
    const classes = Object.fromEntries(aggregator.summary().classes.map((c) => [c.storageClass, c.withinMinimum]))
    // a: 10 × 0.0125 × 20/30 = 0.083333…; b is past 30 days
    expect(classes.STANDARD_IA).toEqual({ objects: 1, bytes: 10 * GiB, earlyDeletionUsd: expect.closeTo(0.0833333333333333, 12) as number })
    // c: as above, 0.7200002197265625
    expect(classes.GLACIER!.earlyDeletionUsd).toBeCloseTo(0.7200002197265625, 12)
  })
})

describe('incomplete multipart uploads (hand-worked)', () => {
  it('are a line of their own, archive parts at the STANDARD staging rate', () => {
    const aggregator = new ScanAggregator({ book, nowMs: NOW })
    aggregator.add({ key: 'x', size: GiB, lastModifiedMs: NOW })
    aggregator.addUpload({ key: 'big.iso', uploadId: 'u1', initiatedMs: NOW - 40 * DAY, bytes: 2 * GiB })
    aggregator.addUpload({ key: 'vault.tar', uploadId: 'u2', initiatedMs: NOW - 3 * DAY, storageClass: 'DEEP_ARCHIVE', bytes: GiB })
    aggregator.addUpload({ key: 'ia.bin', uploadId: 'u3', initiatedMs: NOW - 3 * DAY, storageClass: 'STANDARD_IA', bytes: 4 * GiB })
    const { incompleteUploads, totals } = aggregator.summary()
    // (2 + 1) GiB × 0.023 + 4 GiB × 0.0125 = 0.069 + 0.05 = 0.119
    expect(incompleteUploads).toMatchObject({ uploads: 3, bytes: 7 * GiB, oldestInitiatedMs: NOW - 40 * DAY })
    expect(incompleteUploads.monthlyUsd).toBeCloseTo(0.119, 12)
    // not in the object totals: 1 GiB × 0.023 = 0.023
    expect(totals.monthlyUsd).toBeCloseTo(0.023, 12)
  })
})

describe('CloudWatch BucketSizeBytes by StorageType (hand-worked)', () => {
  const bytesByStorageType = {
    StandardStorage: 100 * GiB,
    StandardIAStorage: 50 * GiB,
    StandardIASizeOverhead: GiB,
    GlacierStorage: 200 * GiB,
    GlacierObjectOverhead: 1000 * 32 * KiB,
    GlacierS3ObjectOverhead: 1000 * 8 * KiB,
    IntelligentTieringFAStorage: 10 * GiB,
    IntelligentTieringIAStorage: 20 * GiB,
    IntelligentTieringAAStorage: 100 * GiB,
    DeepArchiveStorage: 1000 * GiB,
    SomeFutureStorage: 5 * GiB,
  }

  it('prices each StorageType at its class or overhead rate', () => {
    const cost = metricsMonthlyCost(book, { bytesByStorageType, numberOfObjects: 5000 })
    const usd = Object.fromEntries(cost.lines.map((l) => [l.storageType, l.usd]))
    expect(usd.StandardStorage).toBeCloseTo(2.3, 12) // 100 × 0.023
    expect(usd.StandardIASizeOverhead).toBeCloseTo(0.0125, 12) // 1 × 0.0125
    expect(usd.GlacierObjectOverhead).toBeCloseTo(0.0001098632812, 12) // 32,000 KiB = 0.030517578125 GiB × 0.0036
    expect(usd.GlacierS3ObjectOverhead).toBeCloseTo(0.00017547607421875, 12) // 8,000 KiB = 0.00762939453125 GiB × 0.023
    expect(usd.IntelligentTieringIAStorage).toBeCloseTo(0.25, 12) // 20 × 0.0125
    expect(usd.IntelligentTieringAAStorage).toBeCloseTo(0.36, 12) // 100 × 0.0036
    expect(cost.unpriced).toEqual([
      { storageType: 'SomeFutureStorage', bytes: 5 * GiB, reason: 'StorageType not known to the price table' },
    ])
    expect(cost.derivedObjects.GLACIER).toBe(1000) // 32,000 KiB / 32 KiB
    // 2.30 + (50 + 1) × 0.0125 + 200.030517578125 × 0.0036 + 0.00762939453125 × 0.023 + 10 × 0.023 + 20 × 0.0125 + 100 × 0.0036 + 1,000 × 0.00099
    //   = 2.30 + 0.6375 + 0.72010986328125 + 0.00017547607421875 + 0.23 + 0.25 + 0.36 + 0.99 = 5.48778533935546875
    expect(cost.totalUsd).toBeCloseTo(5.48778533935546875, 12)
    const glacier = cost.byClass.find((c) => c.storageClass === 'GLACIER')!
    // 0.72010986328125 + 0.00017547607421875 = 0.72028533935546875
    expect(glacier.usd).toBeCloseTo(0.7202853393554688, 12)
    // CloudWatch does not publish the monitored count: at most all 5,000 objects, 5 × 0.0025 = 0.0125
    expect(cost.monitoring).toEqual({ known: false, upperBoundObjects: 5000, upperBoundUsd: expect.closeTo(0.0125, 12) as number })
  })

  it('adds the monitoring fee when the count is known', () => {
    const cost = metricsMonthlyCost(book, { bytesByStorageType: { IntelligentTieringFAStorage: 10 * GiB }, monitoredObjects: 400 })
    // 10 × 0.023 + 400 / 1,000 × 0.0025 = 0.23 + 0.001 = 0.231
    expect(cost.totalUsd).toBeCloseTo(0.231, 12)
  })

  it('applies the STANDARD tiers to the STANDARD-rate total, overheads included', () => {
    const cost = metricsMonthlyCost(book, { bytesByStorageType: { StandardStorage: 50 * TiB, GlacierStagingStorage: 10 * TiB } })
    // 60 TiB at the STANDARD rate: 1,402.88 (as above); the staging share is 10/60 of it = 233.8133…
    expect(cost.totalUsd).toBeCloseTo(1402.88, 8)
    expect(cost.lines.find((l) => l.storageType === 'GlacierStagingStorage')!.usd).toBeCloseTo(1402.88 / 6, 8)
  })

  it('refuses a negative byte count', () => {
    expect(() => metricsMonthlyCost(book, { bytesByStorageType: { StandardStorage: -1 } })).toThrow(
      /StandardStorage must be a number of bytes/,
    )
  })
})

describe('CloudWatch figures and the exact scan agree', () => {
  it('prices the StorageType totals a scan implies to the same monthly cost as the scan itself', () => {
    const aggregator = new ScanAggregator({ book, nowMs: NOW })
    const objects: Array<[number, string, ScannedObject['itTier']?]> = [
      [100 * GiB, 'STANDARD'],
      [KiB, 'STANDARD_IA'],
      [10 * GiB, 'STANDARD_IA'],
      [KiB, 'ONEZONE_IA'],
      [5 * KiB, 'GLACIER_IR'],
      [MiB, 'GLACIER'],
      [GiB, 'DEEP_ARCHIVE'],
      [3 * GiB, 'REDUCED_REDUNDANCY'],
      [GiB, 'INTELLIGENT_TIERING', 'IA'],
      [GiB, 'INTELLIGENT_TIERING', 'DAA'],
      [64 * KiB, 'INTELLIGENT_TIERING', 'AA'], // under 128 KiB: stays in Frequent Access, unmonitored
    ]
    objects.forEach(([size, storageClass, itTier], i) =>
      aggregator.add({ key: `o${i}`, size, storageClass, lastModifiedMs: NOW - 400 * DAY, ...(itTier ? { itTier } : {}) }),
    )
    aggregator.addUpload({ key: 'up', uploadId: 'u', initiatedMs: NOW, storageClass: 'GLACIER', bytes: GiB })
    const summary = aggregator.summary()
    expect(summary.storageTypeBytes).toMatchObject({
      StandardIASizeOverhead: 127 * KiB, // 128 KiB − 1 KiB of padding
      OneZoneIASizeOverhead: 127 * KiB,
      GlacierInstantRetrievalSizeOverhead: 123 * KiB,
      GlacierObjectOverhead: 32 * KiB,
      GlacierS3ObjectOverhead: 8 * KiB,
      DeepArchiveObjectOverhead: 32 * KiB,
      GlacierStagingStorage: GiB,
      IntelligentTieringIAStorage: GiB,
      IntelligentTieringDAAStorage: GiB,
      IntelligentTieringFAStorage: 64 * KiB,
    })
    expect(summary.monitoredObjects).toBe(2)
    const metrics = metricsMonthlyCost(book, { bytesByStorageType: summary.storageTypeBytes, monitoredObjects: summary.monitoredObjects })
    expect(metrics.unpriced).toEqual([])
    expect(metrics.totalUsd).toBeCloseTo(summary.totals.monthlyUsd + summary.incompleteUploads.monthlyUsd, 12)
  })

  it('gives a daily cost series for the trend chart, oldest first', () => {
    const series = metricsCostSeries(book, [
      { timestampMs: NOW, bytesByStorageType: { StandardStorage: 200 * GiB } },
      { timestampMs: NOW - DAY, bytesByStorageType: { StandardStorage: 100 * GiB } },
    ])
    // 100 × 0.023 = 2.30, then 200 × 0.023 = 4.60
    expect(series.map((p) => [p.timestampMs, p.totalUsd])).toEqual([
      [NOW - DAY, expect.closeTo(2.3, 12)],
      [NOW, expect.closeTo(4.6, 12)],
    ])
  })

  it('counts noncurrent versions per class', () => {
    const aggregator = new ScanAggregator({ book, nowMs: NOW })
    aggregator.add({ key: 'a', size: 10, lastModifiedMs: NOW, isLatest: true })
    aggregator.add({ key: 'a', size: 20, lastModifiedMs: NOW - DAY, isLatest: false, storageClass: 'STANDARD_IA' })
    expect(aggregator.summary().classes.find((c) => c.storageClass === 'STANDARD_IA')).toMatchObject({
      noncurrentObjects: 1,
      noncurrentBytes: 20,
    })
  })
})
