/**
 * The S3 price table shipped with Haneul, and the price book the cost engine reads from it.
 *
 * USD per GB-month, GB = 2^30 bytes (AWS bills binary gigabytes: the S3 FAQ's Express One Zone example
 * turns 10 KB into GB by dividing by 1,048,576). Storage by class and region, the STANDARD and
 * Intelligent-Tiering Frequent Access volume tiers (first 50 TB / next 450 TB / over 500 TB), the
 * Intelligent-Tiering tiers and monitoring fee, lifecycle transition requests by target class, retrieval
 * prices, and the rules that make a class change expensive (minimum storage duration, minimum billable
 * size, per-object archive overhead).
 *
 * Sources: https://aws.amazon.com/s3/pricing/ and the S3 FAQ (https://aws.amazon.com/s3/faqs/), checked
 * as of PRICE_TABLE_DATE; class rules from the S3 User Guide,
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/storage-class-intro.html. Rows not confirmed
 * against a source are listed in a region's `uncertain` (README.md says which and why). Prices change:
 * update the table and its date together.
 */

export const PRICE_TABLE_DATE = '2026-12-03'
export const PRICE_SOURCE_URL = 'https://aws.amazon.com/s3/pricing/'

/** The storage classes the table prices (the contract's OUTPOSTS and SNOW are billed per device contract). */
export const PRICED_CLASSES = [
  'STANDARD',
  'REDUCED_REDUNDANCY',
  'STANDARD_IA',
  'ONEZONE_IA',
  'INTELLIGENT_TIERING',
  'GLACIER_IR',
  'GLACIER',
  'DEEP_ARCHIVE',
  'EXPRESS_ONEZONE',
] as const
export type PricedClass = (typeof PRICED_CLASSES)[number]

/** Intelligent-Tiering access tiers (CloudWatch's IntelligentTiering{FA,IA,AIA,AA,DAA}Storage). */
export const IT_TIERS = ['FA', 'IA', 'AIA', 'AA', 'DAA'] as const
export type IntelligentTieringTier = (typeof IT_TIERS)[number]

export const BYTES_PER_GB = 1024 ** 3
export const BYTES_PER_TB = 1024 * BYTES_PER_GB
const KB = 1024

/** Regions without their own row are estimated with us-east-1's prices only when the caller asks for it. */
export const FALLBACK_REGION = 'us-east-1'

export interface StorageClassRules {
  /** Objects deleted, overwritten or transitioned earlier are billed for the rest of this many days. */
  minStorageDays: number
  /** Smaller objects are billed as this size. */
  minBillableBytes: number
  /**
   * GLACIER and DEEP_ARCHIVE keep 40 KB per object besides the data: 8 KB billed at STANDARD and 32 KB
   * at the class's own rate. They must also be restored before their bytes can be read or copied.
   */
  archived: boolean
}

const NO_MINIMUM: StorageClassRules = { minStorageDays: 0, minBillableBytes: 0, archived: false }

/** INTELLIGENT_TIERING has no minimum duration; objects under 128 KB are simply never moved to cheaper tiers. */
const RULES: Record<PricedClass, StorageClassRules> = {
  STANDARD: NO_MINIMUM,
  REDUCED_REDUNDANCY: NO_MINIMUM,
  INTELLIGENT_TIERING: NO_MINIMUM,
  STANDARD_IA: { minStorageDays: 30, minBillableBytes: 128 * KB, archived: false },
  ONEZONE_IA: { minStorageDays: 30, minBillableBytes: 128 * KB, archived: false },
  GLACIER_IR: { minStorageDays: 90, minBillableBytes: 128 * KB, archived: false },
  GLACIER: { minStorageDays: 90, minBillableBytes: 0, archived: true },
  DEEP_ARCHIVE: { minStorageDays: 180, minBillableBytes: 0, archived: true },
  EXPRESS_ONEZONE: NO_MINIMUM,
}

/** Per GLACIER / DEEP_ARCHIVE object: 8 KB at the STANDARD rate and 32 KB at the class rate. */
export const ARCHIVE_STANDARD_OVERHEAD_BYTES = 8 * KB
export const ARCHIVE_CLASS_OVERHEAD_BYTES = 32 * KB
/** Intelligent-Tiering does not monitor (or charge monitoring for) objects under this size. */
export const IT_MIN_MONITORED_BYTES = 128 * KB
/** TransitionDefaultMinimumObjectSize=all_storage_classes_128K (the default since September 2024). */
export const TRANSITION_DEFAULT_MIN_BYTES = 128 * KB

/** A volume tier: this price applies to the GB up to `upToGb` (cumulative), the last tier has Infinity. */
export interface StorageTier {
  upToGb: number
  usdPerGbMonth: number
}

export interface RetrievalPrice {
  /** 'Standard' etc. for restores; 'Instant' for the IA and Glacier IR per-GB read charge. */
  tier: 'Instant' | 'Expedited' | 'Standard' | 'Bulk'
  usdPerGb: number
  usdPer1000Requests: number
  /** How long the data takes to become readable. */
  latency: string
}

export interface ClassPrice extends StorageClassRules {
  storageClass: PricedClass
  /** Volume tiers (one tier for classes priced flat). */
  tiers: StorageTier[]
  /** Lifecycle transition requests into this class; undefined where lifecycle cannot transition to it. */
  transitionUsdPer1000?: number
  retrieval: RetrievalPrice[]
  /** True when the table's row for this class in this region is not confirmed against a source. */
  uncertain: boolean
  /** True when a user override replaced a price of this class. */
  overridden: boolean
}

export interface PriceBook {
  currency: 'USD'
  date: string
  sourceUrl: string
  /** The region asked for. */
  region: string
  /** The table row the prices come from: `region`, or FALLBACK_REGION when the caller accepted an estimate. */
  pricedAs: string
  /** Set when `pricedAs` is not `region`: say so wherever the figures are shown. */
  estimated?: string
  classes: Partial<Record<PricedClass, ClassPrice>>
  intelligentTiering: {
    /** Per GB-month; FA is the first volume tier (the FA tiers are in classes.INTELLIGENT_TIERING.tiers). */
    tierUsdPerGbMonth: Record<IntelligentTieringTier, number>
    monitoringUsdPer1000Objects: number
    minMonitoredBytes: number
    overridden: boolean
  }
  /** Every price a user override replaced, as `CLASS.field` paths, for "negotiated rates" notes. */
  overridden: string[]
}

/** Region rows: STANDARD volume tiers and each class's flat price; IT tiers follow the classes. */
interface RegionRow {
  standard: [number, number, number]
  REDUCED_REDUNDANCY: number
  STANDARD_IA: number
  ONEZONE_IA: number
  GLACIER_IR: number
  GLACIER: number
  DEEP_ARCHIVE: number
  EXPRESS_ONEZONE?: number
  /** Classes (or 'requests') whose figures here are not confirmed against a source. */
  uncertain: ReadonlyArray<PricedClass | 'requests'>
}

// prettier-ignore
const REGIONS: Record<string, RegionRow> = {
  // Confirmed: the S3 pricing page's figures as quoted by the AWS Pricing API dump of 2025-10-28 and by
  // 2026 secondary sources; Express One Zone from the S3 FAQ's worked example. RRS is legacy (off the page).
  'us-east-1':      { standard: [0.023, 0.022, 0.021],    REDUCED_REDUNDANCY: 0.024,  STANDARD_IA: 0.0125, ONEZONE_IA: 0.01,   GLACIER_IR: 0.004, GLACIER: 0.0036, DEEP_ARCHIVE: 0.00099, EXPRESS_ONEZONE: 0.11, uncertain: ['REDUCED_REDUNDANCY'] },
  // Oregon: STANDARD tiers, IA, One Zone-IA, Deep Archive and request prices confirmed by a us-west-2 price sheet.
  'us-west-2':      { standard: [0.023, 0.022, 0.021],    REDUCED_REDUNDANCY: 0.024,  STANDARD_IA: 0.0125, ONEZONE_IA: 0.01,   GLACIER_IR: 0.004, GLACIER: 0.0036, DEEP_ARCHIVE: 0.00099, EXPRESS_ONEZONE: 0.11, uncertain: ['REDUCED_REDUNDANCY', 'GLACIER_IR', 'GLACIER', 'EXPRESS_ONEZONE'] },
  // Ireland: sources disagree (one says 0.025 for STANDARD); kept at the us-east-1 figures, all uncertain.
  'eu-west-1':      { standard: [0.023, 0.022, 0.021],    REDUCED_REDUNDANCY: 0.024,  STANDARD_IA: 0.0125, ONEZONE_IA: 0.01,   GLACIER_IR: 0.004, GLACIER: 0.0036, DEEP_ARCHIVE: 0.00099, uncertain: ['STANDARD', 'REDUCED_REDUNDANCY', 'STANDARD_IA', 'ONEZONE_IA', 'GLACIER_IR', 'GLACIER', 'DEEP_ARCHIVE', 'requests'] },
  'eu-central-1':   { standard: [0.0245, 0.0235, 0.0225], REDUCED_REDUNDANCY: 0.0264, STANDARD_IA: 0.0135, ONEZONE_IA: 0.0108, GLACIER_IR: 0.005, GLACIER: 0.0045, DEEP_ARCHIVE: 0.0018,  uncertain: ['STANDARD', 'REDUCED_REDUNDANCY', 'STANDARD_IA', 'ONEZONE_IA', 'GLACIER_IR', 'GLACIER', 'DEEP_ARCHIVE', 'requests'] },
  'ap-northeast-1': { standard: [0.025, 0.024, 0.023],    REDUCED_REDUNDANCY: 0.0264, STANDARD_IA: 0.0138, ONEZONE_IA: 0.011,  GLACIER_IR: 0.005, GLACIER: 0.0045, DEEP_ARCHIVE: 0.002,   EXPRESS_ONEZONE: 0.13, uncertain: ['STANDARD', 'REDUCED_REDUNDANCY', 'STANDARD_IA', 'ONEZONE_IA', 'GLACIER_IR', 'GLACIER', 'DEEP_ARCHIVE', 'EXPRESS_ONEZONE', 'requests'] },
  // Seoul: STANDARD ≈ 0.025, One Zone-IA ≈ 0.011 and GLACIER ≈ 0.0045 match a 2025 Korean write-up of the
  // pricing page; it gives Standard-IA as ≈ 0.0134 where this table has 0.0138, so IA stays uncertain.
  'ap-northeast-2': { standard: [0.025, 0.024, 0.023],    REDUCED_REDUNDANCY: 0.0264, STANDARD_IA: 0.0138, ONEZONE_IA: 0.011,  GLACIER_IR: 0.005, GLACIER: 0.0045, DEEP_ARCHIVE: 0.0018,  uncertain: ['REDUCED_REDUNDANCY', 'STANDARD_IA', 'GLACIER_IR', 'DEEP_ARCHIVE', 'requests'] },
  'ap-southeast-1': { standard: [0.025, 0.024, 0.023],    REDUCED_REDUNDANCY: 0.0264, STANDARD_IA: 0.0138, ONEZONE_IA: 0.011,  GLACIER_IR: 0.005, GLACIER: 0.0045, DEEP_ARCHIVE: 0.002,   uncertain: ['STANDARD', 'REDUCED_REDUNDANCY', 'STANDARD_IA', 'ONEZONE_IA', 'GLACIER_IR', 'GLACIER', 'DEEP_ARCHIVE', 'requests'] },
}

export const PRICED_REGIONS: readonly string[] = Object.keys(REGIONS)

/** us-east-1 request prices (per 1,000), used in every region; uncertain outside us-east-1 and us-west-2. */
const TRANSITION_USD_PER_1000: Partial<Record<PricedClass, number>> = {
  STANDARD_IA: 0.01,
  ONEZONE_IA: 0.01,
  INTELLIGENT_TIERING: 0.01,
  GLACIER_IR: 0.02,
  GLACIER: 0.03,
  DEEP_ARCHIVE: 0.05,
}
const RETRIEVAL: Partial<Record<PricedClass, RetrievalPrice[]>> = {
  STANDARD_IA: [{ tier: 'Instant', usdPerGb: 0.01, usdPer1000Requests: 0, latency: 'milliseconds' }],
  ONEZONE_IA: [{ tier: 'Instant', usdPerGb: 0.01, usdPer1000Requests: 0, latency: 'milliseconds' }],
  GLACIER_IR: [{ tier: 'Instant', usdPerGb: 0.03, usdPer1000Requests: 0, latency: 'milliseconds' }],
  GLACIER: [
    { tier: 'Expedited', usdPerGb: 0.03, usdPer1000Requests: 10, latency: '1–5 minutes' },
    { tier: 'Standard', usdPerGb: 0.01, usdPer1000Requests: 0.05, latency: '3–5 hours' },
    { tier: 'Bulk', usdPerGb: 0, usdPer1000Requests: 0, latency: '5–12 hours' },
  ],
  DEEP_ARCHIVE: [
    { tier: 'Standard', usdPerGb: 0.02, usdPer1000Requests: 0.1, latency: 'within 12 hours' },
    { tier: 'Bulk', usdPerGb: 0.0025, usdPer1000Requests: 0.025, latency: 'within 48 hours' },
  ],
}
const IT_MONITORING_USD_PER_1000 = 0.0025

/** Thrown when a region has no row and the caller did not accept us-east-1's prices as an estimate. */
export class UnknownRegionError extends Error {
  constructor(readonly region: string) {
    super(`The price table (${PRICE_TABLE_DATE}) has no prices for region ${region}; it has ${PRICED_REGIONS.join(', ')}`)
    this.name = 'UnknownRegionError'
  }
}

/** Negotiated rates: USD per GB-month by class (flat: replaces every volume tier), and per-1,000 prices. */
export interface PriceOverrides {
  storageUsdPerGbMonth?: Partial<Record<PricedClass, number>>
  transitionUsdPer1000?: Partial<Record<PricedClass, number>>
  intelligentTieringTierUsdPerGbMonth?: Partial<Record<IntelligentTieringTier, number>>
  intelligentTieringMonitoringUsdPer1000Objects?: number
}

export interface PriceBookOptions {
  overrides?: PriceOverrides
  /** Price an unknown region with FALLBACK_REGION's row (the book says so in `estimated`) instead of throwing. */
  estimateUnknownRegion?: boolean
}

const isPriced = (storageClass: string): storageClass is PricedClass => Object.hasOwn(RULES, storageClass)

function tiersOf([first, next, over]: [number, number, number]): StorageTier[] {
  return [
    { upToGb: 50 * 1024, usdPerGbMonth: first },
    { upToGb: 500 * 1024, usdPerGbMonth: next },
    { upToGb: Infinity, usdPerGbMonth: over },
  ]
}

function checkPrice(path: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
    throw new RangeError(`Price override ${path} must be a finite number of USD ≥ 0, got ${String(value)}`)
  return value
}

function checkClassKeys(what: string, record: object | undefined): Array<[PricedClass, unknown]> {
  return Object.entries(record ?? {}).map(([storageClass, value]) => {
    if (!isPriced(storageClass))
      throw new RangeError(`Price override ${what}: ${storageClass} is not a priced storage class (${PRICED_CLASSES.join(', ')})`)
    return [storageClass, value]
  })
}

/**
 * The prices of one region, with user overrides merged over the table. An unknown region throws
 * UnknownRegionError unless `estimateUnknownRegion` is set. Overrides are validated whole before use:
 * a bad one throws and nothing is half-applied.
 */
export function priceBook(region: string, options: PriceBookOptions = {}): PriceBook {
  let pricedAs = region
  let estimated: string | undefined
  if (!Object.hasOwn(REGIONS, region)) {
    if (!options.estimateUnknownRegion) throw new UnknownRegionError(region)
    pricedAs = FALLBACK_REGION
    estimated = `No prices for ${region} in the table of ${PRICE_TABLE_DATE}: estimated with ${FALLBACK_REGION}'s prices`
  }
  const row = REGIONS[pricedAs]!
  const requestsUncertain = row.uncertain.includes('requests')
  const flat: Record<Exclude<PricedClass, 'STANDARD' | 'INTELLIGENT_TIERING'>, number | undefined> = {
    REDUCED_REDUNDANCY: row.REDUCED_REDUNDANCY,
    STANDARD_IA: row.STANDARD_IA,
    ONEZONE_IA: row.ONEZONE_IA,
    GLACIER_IR: row.GLACIER_IR,
    GLACIER: row.GLACIER,
    DEEP_ARCHIVE: row.DEEP_ARCHIVE,
    EXPRESS_ONEZONE: row.EXPRESS_ONEZONE,
  }
  const classes: Partial<Record<PricedClass, ClassPrice>> = {}
  for (const storageClass of PRICED_CLASSES) {
    const tiers =
      storageClass === 'STANDARD' || storageClass === 'INTELLIGENT_TIERING'
        ? tiersOf(row.standard)
        : flat[storageClass] === undefined
          ? undefined
          : [{ upToGb: Infinity, usdPerGbMonth: flat[storageClass] }]
    if (!tiers) continue
    const transition = TRANSITION_USD_PER_1000[storageClass]
    classes[storageClass] = {
      storageClass,
      ...RULES[storageClass],
      tiers,
      ...(transition === undefined ? {} : { transitionUsdPer1000: transition }),
      retrieval: RETRIEVAL[storageClass] ?? [],
      uncertain:
        row.uncertain.includes(storageClass) || (requestsUncertain && (transition !== undefined || RETRIEVAL[storageClass] !== undefined)),
      overridden: false,
    }
  }
  const book: PriceBook = {
    currency: 'USD',
    date: PRICE_TABLE_DATE,
    sourceUrl: PRICE_SOURCE_URL,
    region,
    pricedAs,
    ...(estimated ? { estimated } : {}),
    classes,
    intelligentTiering: {
      tierUsdPerGbMonth: { FA: row.standard[0], IA: row.STANDARD_IA, AIA: row.GLACIER_IR, AA: row.GLACIER, DAA: row.DEEP_ARCHIVE },
      monitoringUsdPer1000Objects: IT_MONITORING_USD_PER_1000,
      minMonitoredBytes: IT_MIN_MONITORED_BYTES,
      overridden: false,
    },
    overridden: [],
  }
  return options.overrides ? applyOverrides(book, options.overrides) : book
}

function applyOverrides(book: PriceBook, overrides: PriceOverrides): PriceBook {
  // Validate everything first, then apply: a bad override loses nothing.
  const storage = checkClassKeys('storageUsdPerGbMonth', overrides.storageUsdPerGbMonth).map(
    ([c, v]) => [c, checkPrice(`storageUsdPerGbMonth.${c}`, v)] as const,
  )
  const transitions = checkClassKeys('transitionUsdPer1000', overrides.transitionUsdPer1000).map(
    ([c, v]) => [c, checkPrice(`transitionUsdPer1000.${c}`, v)] as const,
  )
  const itTiers = Object.entries(overrides.intelligentTieringTierUsdPerGbMonth ?? {}).map(([tier, v]) => {
    if (!(IT_TIERS as readonly string[]).includes(tier))
      throw new RangeError(`Price override intelligentTieringTierUsdPerGbMonth: ${tier} is not a tier (${IT_TIERS.join(', ')})`)
    return [tier as IntelligentTieringTier, checkPrice(`intelligentTieringTierUsdPerGbMonth.${tier}`, v)] as const
  })
  const monitoring =
    overrides.intelligentTieringMonitoringUsdPer1000Objects === undefined
      ? undefined
      : checkPrice('intelligentTieringMonitoringUsdPer1000Objects', overrides.intelligentTieringMonitoringUsdPer1000Objects)
  for (const [storageClass] of [...storage, ...transitions])
    if (!book.classes[storageClass])
      throw new RangeError(`Price override for ${storageClass}: the class is not offered in ${book.pricedAs}`)

  const classes = { ...book.classes }
  const overridden: string[] = []
  for (const [storageClass, usd] of storage) {
    classes[storageClass] = { ...classes[storageClass]!, tiers: [{ upToGb: Infinity, usdPerGbMonth: usd }], overridden: true }
    overridden.push(`${storageClass}.storage`)
  }
  for (const [storageClass, usd] of transitions) {
    classes[storageClass] = { ...classes[storageClass]!, transitionUsdPer1000: usd, overridden: true }
    overridden.push(`${storageClass}.transition`)
  }
  const it = { ...book.intelligentTiering, tierUsdPerGbMonth: { ...book.intelligentTiering.tierUsdPerGbMonth } }
  for (const [tier, usd] of itTiers) {
    it.tierUsdPerGbMonth[tier] = usd
    it.overridden = true
    overridden.push(`INTELLIGENT_TIERING.${tier}`)
  }
  // An FA override also sets the class's own (tiered) price, and the reverse: they are one price.
  if (storage.some(([c]) => c === 'INTELLIGENT_TIERING') && !itTiers.some(([t]) => t === 'FA'))
    it.tierUsdPerGbMonth.FA = classes.INTELLIGENT_TIERING!.tiers[0]!.usdPerGbMonth
  if (itTiers.some(([t]) => t === 'FA') && classes.INTELLIGENT_TIERING)
    classes.INTELLIGENT_TIERING = {
      ...classes.INTELLIGENT_TIERING,
      tiers: [{ upToGb: Infinity, usdPerGbMonth: it.tierUsdPerGbMonth.FA }],
      overridden: true,
    }
  if (monitoring !== undefined) {
    it.monitoringUsdPer1000Objects = monitoring
    it.overridden = true
    overridden.push('INTELLIGENT_TIERING.monitoring')
  }
  return { ...book, classes, intelligentTiering: it, overridden }
}

/** Monthly USD for `gb` GB-month through volume tiers. */
export function tieredMonthlyUsd(gb: number, tiers: readonly StorageTier[]): number {
  let usd = 0
  let below = 0
  for (const { upToGb, usdPerGbMonth } of tiers) {
    if (gb <= below) break
    usd += (Math.min(gb, upToGb) - below) * usdPerGbMonth
    below = upToGb
  }
  return usd
}

// ---- The original API (app.storageClasses, the incomplete-uploads dialog), kept as it was. ----

/** A region's price book; us-east-1's where the table has no row for it (the answer's `region` says so). */
function legacyBook(region: string): PriceBook {
  return priceBook(region, { estimateUnknownRegion: true })
}

/** USD per GB-month (first volume tier) for a class in a region (us-east-1's price where the region is not in the table); undefined if unpriced. */
export function usdPerGbMonth(region: string, storageClass: string): number | undefined {
  return isPriced(storageClass) ? legacyBook(region).classes[storageClass]?.tiers[0]?.usdPerGbMonth : undefined
}

export function storageClassRules(storageClass: string): StorageClassRules {
  return isPriced(storageClass) ? RULES[storageClass] : NO_MINIMUM
}

/** Every priced class in a region with its rules, for the storage-class picker and its warnings. */
export function storageClassTable(region: string): {
  priceTableDate: string
  region: string
  fallbackNote?: string
  classes: Array<{ storageClass: string; usdPerGbMonth: number } & StorageClassRules>
} {
  const book = legacyBook(region)
  const classes = Object.values(book.classes).map((c) => ({
    storageClass: c.storageClass,
    usdPerGbMonth: c.tiers[0]!.usdPerGbMonth,
    ...RULES[c.storageClass],
  }))
  const fallbackNote =
    book.pricedAs === region
      ? undefined
      : `The price table (${PRICE_TABLE_DATE}) has no prices for "${region}"; these are ${book.pricedAs}'s. Check the AWS pricing page for that region.`
  return { priceTableDate: PRICE_TABLE_DATE, region: book.pricedAs, ...(fallbackNote ? { fallbackNote } : {}), classes }
}

/**
 * Monthly cost of parts of incomplete multipart uploads. AWS bills parts of uploads to GLACIER,
 * DEEP_ARCHIVE and INTELLIGENT_TIERING as staging storage at the STANDARD rate until the upload
 * completes; other classes' parts at their own rate.
 */
export function multipartPartsMonthlyUsd(region: string, uploads: ReadonlyArray<{ storageClass?: string; bytes: number }>): number {
  let usd = 0
  for (const { storageClass = 'STANDARD', bytes } of uploads) {
    usd += (bytes / BYTES_PER_GB) * (usdPerGbMonth(region, partsBilledAs(storageClass)) ?? usdPerGbMonth(region, 'STANDARD') ?? 0)
  }
  return usd
}

/** The class whose rate parts of an incomplete upload to `storageClass` are billed at. */
export function partsBilledAs(storageClass: string): string {
  return ['GLACIER', 'DEEP_ARCHIVE', 'INTELLIGENT_TIERING'].includes(storageClass) ? 'STANDARD' : storageClass
}
