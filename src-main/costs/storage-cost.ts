/**
 * Pure storage-cost formulas over a PriceBook: what an object or a set of CloudWatch byte totals costs
 * per month, and what deleting or transitioning an object before its minimum duration costs.
 *
 * Bytes are accumulated into a RateVector (billable bytes per rate) and priced once at the end, so the
 * STANDARD and Intelligent-Tiering Frequent Access volume tiers apply to the total, not per object.
 */
import {
  ARCHIVE_CLASS_OVERHEAD_BYTES,
  ARCHIVE_STANDARD_OVERHEAD_BYTES,
  BYTES_PER_GB,
  type IntelligentTieringTier,
  IT_MIN_MONITORED_BYTES,
  PRICED_CLASSES,
  type PriceBook,
  type PricedClass,
  tieredMonthlyUsd,
} from './prices'

/** One slot per rate: the priced classes (INTELLIGENT_TIERING = its Frequent Access tier), then IT's other tiers. */
export const RATE_KEYS = [...PRICED_CLASSES, 'IT_IA', 'IT_AIA', 'IT_AA', 'IT_DAA'] as const
export type RateKey = (typeof RATE_KEYS)[number]
const RATE_INDEX = new Map<string, number>(RATE_KEYS.map((key, i) => [key, i]))
export const rateIndex = (key: RateKey): number => RATE_INDEX.get(key)!
const STANDARD_SLOT = rateIndex('STANDARD')

/** Billable bytes per rate key. */
export type RateVector = Float64Array
export const newRateVector = (): RateVector => new Float64Array(RATE_KEYS.length)

export const MINIMUM_DAYS_PER_MONTH = 30

const isPricedClass = (storageClass: string): storageClass is PricedClass => (PRICED_CLASSES as readonly string[]).includes(storageClass)

function itKey(tier: IntelligentTieringTier): RateKey {
  return tier === 'FA' ? 'INTELLIGENT_TIERING' : (`IT_${tier}` as RateKey)
}

/** Tiers of a rate key in a book; undefined when the book does not price it (class not offered there). */
function rateTiers(book: PriceBook, key: RateKey) {
  if (key.startsWith('IT_')) {
    if (!book.classes.INTELLIGENT_TIERING) return undefined
    return [{ upToGb: Infinity, usdPerGbMonth: book.intelligentTiering.tierUsdPerGbMonth[key.slice(3) as IntelligentTieringTier] }]
  }
  return book.classes[key as PricedClass]?.tiers
}

/** Monthly USD of each rate slot and their total (volume tiers applied to each slot's total). */
export function priceRateVector(book: PriceBook, vector: RateVector): { usd: Float64Array; totalUsd: number; unpricedBytes: number } {
  const usd = new Float64Array(RATE_KEYS.length)
  let totalUsd = 0
  let unpricedBytes = 0
  RATE_KEYS.forEach((key, i) => {
    const bytes = vector[i]!
    if (bytes === 0) return
    const tiers = rateTiers(book, key)
    if (!tiers) {
      unpricedBytes += bytes
      return
    }
    usd[i] = tieredMonthlyUsd(bytes / BYTES_PER_GB, tiers)
    totalUsd += usd[i]
  })
  return { usd, totalUsd, unpricedBytes }
}

/** Average USD per byte-month of each slot after tiering (0 for empty or unpriced slots). */
export function averageRates(book: PriceBook, vector: RateVector): Float64Array {
  const { usd } = priceRateVector(book, vector)
  return usd.map((u, i) => (vector[i]! > 0 ? u / vector[i]! : 0))
}

export interface ObjectBilling {
  /** False for classes the book does not price (OUTPOSTS, SNOW, unknown, or not offered in the region). */
  priced: boolean
  /** Bytes billed at the class's (or IT tier's) rate: size raised to the minimum, plus 32 KB for archives. */
  classBytes: number
  /** Bytes billed at STANDARD: 8 KB per GLACIER / DEEP_ARCHIVE object. */
  standardBytes: number
  rateKey?: RateKey
  /** Intelligent-Tiering charges its monitoring fee for this object (≥ 128 KB). */
  monitored: boolean
}

/** How one stored object (or version) is billed. Intelligent-Tiering objects of unknown tier count as Frequent Access. */
export function objectBilling(
  book: PriceBook,
  storageClass: string,
  sizeBytes: number,
  itTier: IntelligentTieringTier = 'FA',
): ObjectBilling {
  const cls = isPricedClass(storageClass) ? book.classes[storageClass] : undefined
  if (!cls) return { priced: false, classBytes: sizeBytes, standardBytes: 0, monitored: false }
  const archived = cls.archived
  return {
    priced: true,
    classBytes: Math.max(sizeBytes, cls.minBillableBytes) + (archived ? ARCHIVE_CLASS_OVERHEAD_BYTES : 0),
    standardBytes: archived ? ARCHIVE_STANDARD_OVERHEAD_BYTES : 0,
    // Objects under 128 KB are never moved out of Frequent Access, whatever tier is claimed for them.
    rateKey:
      storageClass === 'INTELLIGENT_TIERING'
        ? itKey(sizeBytes < book.intelligentTiering.minMonitoredBytes ? 'FA' : itTier)
        : (storageClass as PricedClass),
    monitored: storageClass === 'INTELLIGENT_TIERING' && sizeBytes >= book.intelligentTiering.minMonitoredBytes,
  }
}

/** Adds an already computed billing to a vector. */
export function addBilling(vector: RateVector, billing: ObjectBilling, sign = 1): void {
  if (!billing.priced) return
  vector[rateIndex(billing.rateKey!)]! += sign * billing.classBytes
  vector[STANDARD_SLOT]! += sign * billing.standardBytes
}

/** The early-deletion charge of an object whose billing is known (see earlyDeletionUsd). */
export function earlyDeletionOf(
  book: PriceBook,
  storageClass: string,
  billing: ObjectBilling,
  ageDays: number,
): { remainingDays: number; usd: number } {
  const cls = billing.priced ? book.classes[storageClass as PricedClass] : undefined
  if (!cls || cls.minStorageDays === 0) return NO_CHARGE
  const remainingDays = Math.max(0, cls.minStorageDays - Math.max(0, ageDays))
  if (remainingDays === 0) return NO_CHARGE
  return {
    remainingDays,
    usd: (billing.classBytes / BYTES_PER_GB) * cls.tiers[0]!.usdPerGbMonth * (remainingDays / MINIMUM_DAYS_PER_MONTH),
  }
}
const NO_CHARGE = Object.freeze({ remainingDays: 0, usd: 0 })

/** Adds an object's billing to a vector; returns it (undefined when unpriced). */
export function addObject(
  book: PriceBook,
  vector: RateVector,
  storageClass: string,
  sizeBytes: number,
  sign = 1,
  itTier?: IntelligentTieringTier,
): ObjectBilling {
  const billing = objectBilling(book, storageClass, sizeBytes, itTier)
  addBilling(vector, billing, sign)
  return billing
}

export const monitoringMonthlyUsd = (book: PriceBook, monitoredObjects: number): number =>
  (monitoredObjects / 1000) * book.intelligentTiering.monitoringUsdPer1000Objects

/**
 * What deleting, overwriting or transitioning an object now costs on top of what was already billed:
 * the rest of its minimum storage duration at its class rate (prorated per day, 30 days a month).
 * `ageDays` is counted from LastModified; for objects a lifecycle rule moved into their class later,
 * the real remainder is longer, so this is a lower bound.
 */
export function earlyDeletionUsd(
  book: PriceBook,
  storageClass: string,
  sizeBytes: number,
  ageDays: number,
): { remainingDays: number; usd: number } {
  const { remainingDays, usd } = earlyDeletionOf(book, storageClass, objectBilling(book, storageClass, sizeBytes), ageDays)
  return { remainingDays, usd }
}

// ---- CloudWatch AWS/S3 BucketSizeBytes by StorageType ----

/** StorageType → the class it belongs to and the rate it is billed at (AWS-FACTS D2, metrics-dimensions.md). */
export const STORAGE_TYPES: Record<string, { storageClass: PricedClass; rateKey: RateKey; note?: string }> = {
  StandardStorage: { storageClass: 'STANDARD', rateKey: 'STANDARD' },
  IntelligentTieringFAStorage: { storageClass: 'INTELLIGENT_TIERING', rateKey: 'INTELLIGENT_TIERING' },
  IntelligentTieringIAStorage: { storageClass: 'INTELLIGENT_TIERING', rateKey: 'IT_IA' },
  IntelligentTieringAIAStorage: { storageClass: 'INTELLIGENT_TIERING', rateKey: 'IT_AIA' },
  IntelligentTieringAAStorage: { storageClass: 'INTELLIGENT_TIERING', rateKey: 'IT_AA' },
  IntelligentTieringDAAStorage: { storageClass: 'INTELLIGENT_TIERING', rateKey: 'IT_DAA' },
  StandardIAStorage: { storageClass: 'STANDARD_IA', rateKey: 'STANDARD_IA' },
  StandardIASizeOverhead: { storageClass: 'STANDARD_IA', rateKey: 'STANDARD_IA', note: 'objects under 128 KB billed as 128 KB' },
  StandardIAObjectOverhead: { storageClass: 'STANDARD_IA', rateKey: 'STANDARD_IA' },
  OneZoneIAStorage: { storageClass: 'ONEZONE_IA', rateKey: 'ONEZONE_IA' },
  OneZoneIASizeOverhead: { storageClass: 'ONEZONE_IA', rateKey: 'ONEZONE_IA', note: 'objects under 128 KB billed as 128 KB' },
  ReducedRedundancyStorage: { storageClass: 'REDUCED_REDUNDANCY', rateKey: 'REDUCED_REDUNDANCY' },
  GlacierInstantRetrievalStorage: { storageClass: 'GLACIER_IR', rateKey: 'GLACIER_IR' },
  GlacierInstantRetrievalSizeOverhead: { storageClass: 'GLACIER_IR', rateKey: 'GLACIER_IR', note: 'objects under 128 KB billed as 128 KB' },
  GlacierStorage: { storageClass: 'GLACIER', rateKey: 'GLACIER' },
  GlacierObjectOverhead: { storageClass: 'GLACIER', rateKey: 'GLACIER', note: '32 KB per object at the GLACIER rate' },
  GlacierS3ObjectOverhead: { storageClass: 'GLACIER', rateKey: 'STANDARD', note: '8 KB per object at the STANDARD rate' },
  GlacierStagingStorage: { storageClass: 'GLACIER', rateKey: 'STANDARD', note: 'parts of incomplete uploads, at the STANDARD rate' },
  DeepArchiveStorage: { storageClass: 'DEEP_ARCHIVE', rateKey: 'DEEP_ARCHIVE' },
  DeepArchiveObjectOverhead: { storageClass: 'DEEP_ARCHIVE', rateKey: 'DEEP_ARCHIVE', note: '32 KB per object at the DEEP_ARCHIVE rate' },
  DeepArchiveS3ObjectOverhead: { storageClass: 'DEEP_ARCHIVE', rateKey: 'STANDARD', note: '8 KB per object at the STANDARD rate' },
  DeepArchiveStagingStorage: {
    storageClass: 'DEEP_ARCHIVE',
    rateKey: 'STANDARD',
    note: 'parts of incomplete uploads, at the STANDARD rate',
  },
}

export interface MetricsInput {
  /** Latest daily BucketSizeBytes (Average) per StorageType. */
  bytesByStorageType: Readonly<Record<string, number>>
  /** NumberOfObjects (StorageType=AllStorageTypes): all versions, delete markers and upload parts. */
  numberOfObjects?: number
  /** Intelligent-Tiering objects ≥ 128 KB, when known (e.g. from a scan); CloudWatch does not publish it. */
  monitoredObjects?: number
}

export interface MetricsCostLine {
  storageType: string
  storageClass: PricedClass
  billedAs: RateKey
  bytes: number
  usd: number
  note?: string
}

export interface MetricsCost {
  lines: MetricsCostLine[]
  byClass: Array<{ storageClass: PricedClass; bytes: number; usd: number }>
  /** StorageTypes the engine does not know, or classes the region does not price: shown, never dropped. */
  unpriced: Array<{ storageType: string; bytes: number; reason: string }>
  monitoring:
    | { known: true; objects: number; usd: number }
    /** The count is not published: at most every object in the bucket, at least none. */
    | { known: false; upperBoundObjects?: number; upperBoundUsd?: number }
  /** Object counts the overheads imply (32 KB each). */
  derivedObjects: { GLACIER: number; DEEP_ARCHIVE: number }
  /** Storage plus the known monitoring fee. */
  totalUsd: number
}

/** Monthly cost of a bucket from its CloudWatch daily storage metrics. */
export function metricsMonthlyCost(book: PriceBook, input: MetricsInput): MetricsCost {
  const vector = newRateVector()
  const known: Array<{ storageType: string; bytes: number; entry: (typeof STORAGE_TYPES)[string] }> = []
  const unpriced: MetricsCost['unpriced'] = []
  for (const [storageType, bytes] of Object.entries(input.bytesByStorageType)) {
    if (!Number.isFinite(bytes) || bytes < 0)
      throw new RangeError(`BucketSizeBytes for ${storageType} must be a number of bytes ≥ 0, got ${bytes}`)
    const entry = Object.hasOwn(STORAGE_TYPES, storageType) ? STORAGE_TYPES[storageType]! : undefined
    if (!entry) unpriced.push({ storageType, bytes, reason: 'StorageType not known to the price table' })
    else if (!rateTiers(book, entry.rateKey))
      unpriced.push({ storageType, bytes, reason: `${entry.storageClass} is not priced in ${book.pricedAs}` })
    else {
      vector[rateIndex(entry.rateKey)]! += bytes
      known.push({ storageType, bytes, entry })
    }
  }
  const rates = averageRates(book, vector)
  const lines = known.map(({ storageType, bytes, entry }) => ({
    storageType,
    storageClass: entry.storageClass,
    billedAs: entry.rateKey,
    bytes,
    usd: bytes * rates[rateIndex(entry.rateKey)]!,
    ...(entry.note ? { note: entry.note } : {}),
  }))
  const byClass = new Map<PricedClass, { storageClass: PricedClass; bytes: number; usd: number }>()
  for (const line of lines) {
    const row = byClass.get(line.storageClass) ?? { storageClass: line.storageClass, bytes: 0, usd: 0 }
    row.bytes += line.bytes
    row.usd += line.usd
    byClass.set(line.storageClass, row)
  }
  let totalUsd = lines.reduce((sum, l) => sum + l.usd, 0)
  const itBytes = lines.filter((l) => l.storageClass === 'INTELLIGENT_TIERING').reduce((s, l) => s + l.bytes, 0)
  let monitoring: MetricsCost['monitoring']
  if (input.monitoredObjects !== undefined) {
    const usd = monitoringMonthlyUsd(book, input.monitoredObjects)
    monitoring = { known: true, objects: input.monitoredObjects, usd }
    totalUsd += usd
  } else if (itBytes > 0 && input.numberOfObjects !== undefined) {
    monitoring = {
      known: false,
      upperBoundObjects: input.numberOfObjects,
      upperBoundUsd: monitoringMonthlyUsd(book, input.numberOfObjects),
    }
  } else monitoring = itBytes > 0 ? { known: false } : { known: true, objects: 0, usd: 0 }
  const overhead = (type: string) => (input.bytesByStorageType[type] ?? 0) / ARCHIVE_CLASS_OVERHEAD_BYTES
  return {
    lines,
    byClass: [...byClass.values()],
    unpriced,
    monitoring,
    derivedObjects: { GLACIER: overhead('GlacierObjectOverhead'), DEEP_ARCHIVE: overhead('DeepArchiveObjectOverhead') },
    totalUsd,
  }
}

/**
 * What CloudWatch's BucketSizeBytes would report, per StorageType, for one object (added to `into`).
 * The SizeOverhead types are the padding that raises an object under 128 KB to 128 KB; the archive
 * ObjectOverhead types 32 KB and the S3ObjectOverhead types 8 KB per object. EXPRESS_ONEZONE and
 * unpriced classes have no StorageType here.
 */
export function addStorageTypeBytes(
  into: Record<string, number>,
  storageClass: string,
  sizeBytes: number,
  itTier: IntelligentTieringTier = 'FA',
): void {
  const add = (type: string, bytes: number) => {
    if (bytes > 0 || type in into) into[type] = (into[type] ?? 0) + bytes
  }
  const padding = Math.max(0, 128 * 1024 - sizeBytes)
  switch (storageClass) {
    case 'STANDARD':
      return add('StandardStorage', sizeBytes)
    case 'REDUCED_REDUNDANCY':
      return add('ReducedRedundancyStorage', sizeBytes)
    case 'STANDARD_IA':
      add('StandardIAStorage', sizeBytes)
      return add('StandardIASizeOverhead', padding)
    case 'ONEZONE_IA':
      add('OneZoneIAStorage', sizeBytes)
      return add('OneZoneIASizeOverhead', padding)
    case 'GLACIER_IR':
      add('GlacierInstantRetrievalStorage', sizeBytes)
      return add('GlacierInstantRetrievalSizeOverhead', padding)
    case 'GLACIER':
      add('GlacierStorage', sizeBytes)
      add('GlacierObjectOverhead', ARCHIVE_CLASS_OVERHEAD_BYTES)
      return add('GlacierS3ObjectOverhead', ARCHIVE_STANDARD_OVERHEAD_BYTES)
    case 'DEEP_ARCHIVE':
      add('DeepArchiveStorage', sizeBytes)
      add('DeepArchiveObjectOverhead', ARCHIVE_CLASS_OVERHEAD_BYTES)
      return add('DeepArchiveS3ObjectOverhead', ARCHIVE_STANDARD_OVERHEAD_BYTES)
    case 'INTELLIGENT_TIERING':
      return add(`IntelligentTiering${sizeBytes < IT_MIN_MONITORED_BYTES ? 'FA' : itTier}Storage`, sizeBytes)
  }
}

/** Parts of incomplete uploads, as CloudWatch counts them: archive uploads as staging storage, others in their class. */
export function addUploadStorageTypeBytes(into: Record<string, number>, storageClass: string | undefined, bytes: number): void {
  const type =
    storageClass === 'GLACIER'
      ? 'GlacierStagingStorage'
      : storageClass === 'DEEP_ARCHIVE'
        ? 'DeepArchiveStagingStorage'
        : storageClass === 'STANDARD_IA'
          ? 'StandardIAStorage'
          : storageClass === 'ONEZONE_IA'
            ? 'OneZoneIAStorage'
            : storageClass === 'GLACIER_IR'
              ? 'GlacierInstantRetrievalStorage'
              : storageClass === 'REDUCED_REDUNDANCY'
                ? 'ReducedRedundancyStorage'
                : 'StandardStorage'
  into[type] = (into[type] ?? 0) + bytes
}

/** Daily cost of a bucket from a series of daily metric datapoints (for the 30/90-day trend). */
export function metricsCostSeries(
  book: PriceBook,
  points: ReadonlyArray<{ timestampMs: number } & MetricsInput>,
): Array<{ timestampMs: number; totalUsd: number; byClass: MetricsCost['byClass'] }> {
  return [...points]
    .sort((a, b) => a.timestampMs - b.timestampMs)
    .map(({ timestampMs, ...input }) => {
      const cost = metricsMonthlyCost(book, input)
      return { timestampMs, totalUsd: cost.totalUsd, byClass: cost.byClass }
    })
}

export { IT_MIN_MONITORED_BYTES }
