/**
 * The S3 storage price table shipped with Haneul: USD per GB-month (GB = 2^30 bytes, as AWS bills) for
 * the first 50 TB tier of each storage class, per region, plus the rules that make a class change
 * expensive (minimum storage duration, minimum billable object size, per-object archive overhead).
 *
 * Source: the Amazon S3 pricing page, https://aws.amazon.com/s3/pricing/ ("Storage pricing" tab, first
 * 50 TB/month where a class is tiered), and the storage class rules in the S3 User Guide,
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/storage-class-intro.html. Figures as listed on
 * PRICE_TABLE_DATE. Prices change: update the table and its date together.
 */

export const PRICE_TABLE_DATE = '2025-10-01'

/** The table's columns. */
const PRICED_CLASSES = [
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
type PricedClass = (typeof PRICED_CLASSES)[number]

/**
 * USD per GB-month, one row per region in PRICED_CLASSES order. INTELLIGENT_TIERING is its Frequent
 * Access tier (what new objects pay; the per-object monitoring fee is not included).
 * REDUCED_REDUNDANCY is the legacy class, no longer in the pricing page's main table. EXPRESS_ONEZONE
 * only where the class is offered.
 */
// prettier-ignore
const USD_PER_GB_MONTH: Record<string, ReadonlyArray<number | undefined>> = {
  //                 STANDARD  RRS     STD_IA  1Z_IA   INT_T   GLA_IR  GLACIER DEEP     EXPRESS
  'us-east-1':      [0.023,    0.024,  0.0125, 0.01,   0.023,  0.004,  0.0036, 0.00099, 0.11],
  'us-west-2':      [0.023,    0.024,  0.0125, 0.01,   0.023,  0.004,  0.0036, 0.00099, 0.11],
  'eu-west-1':      [0.023,    0.024,  0.0125, 0.01,   0.023,  0.004,  0.0036, 0.00099, undefined],
  'eu-central-1':   [0.0245,   0.0264, 0.0135, 0.0108, 0.0245, 0.005,  0.0045, 0.0018,  undefined],
  'ap-northeast-1': [0.025,    0.0264, 0.0138, 0.011,  0.025,  0.005,  0.0045, 0.002,   0.13],
  'ap-northeast-2': [0.025,    0.0264, 0.0138, 0.011,  0.025,  0.005,  0.0045, 0.0018,  undefined],
  'ap-southeast-1': [0.025,    0.0264, 0.0138, 0.011,  0.025,  0.005,  0.0045, 0.002,   undefined],
}

/** Regions without their own row are estimated with us-east-1's prices (and the answer says so). */
export const FALLBACK_REGION = 'us-east-1'

const KB = 1024

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

export const BYTES_PER_GB = 1024 ** 3

const isPriced = (storageClass: string): storageClass is PricedClass => storageClass in RULES

/** A region's prices by class; us-east-1's where the table has no row for it. */
function regionTable(region: string): { region: string; prices: Partial<Record<PricedClass, number>> } {
  const row = USD_PER_GB_MONTH[region] ? region : FALLBACK_REGION
  const prices: Partial<Record<PricedClass, number>> = {}
  PRICED_CLASSES.forEach((storageClass, column) => {
    const price = USD_PER_GB_MONTH[row]?.[column]
    if (price !== undefined) prices[storageClass] = price
  })
  return { region: row, prices }
}

/** USD per GB-month for a class in a region (us-east-1's price where the region is not in the table); undefined if unpriced. */
export function usdPerGbMonth(region: string, storageClass: string): number | undefined {
  return isPriced(storageClass) ? regionTable(region).prices[storageClass] : undefined
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
  const table = regionTable(region)
  const classes = Object.entries(table.prices).map(([storageClass, price]) => ({
    storageClass,
    usdPerGbMonth: price,
    ...storageClassRules(storageClass),
  }))
  const fallbackNote =
    table.region === region
      ? undefined
      : `The price table (${PRICE_TABLE_DATE}) has no prices for "${region}"; these are ${table.region}'s. Check the AWS pricing page for that region.`
  return { priceTableDate: PRICE_TABLE_DATE, region: table.region, ...(fallbackNote ? { fallbackNote } : {}), classes }
}

/**
 * Monthly cost of parts of incomplete multipart uploads. AWS bills parts of uploads to GLACIER,
 * DEEP_ARCHIVE and INTELLIGENT_TIERING as staging storage at the STANDARD rate until the upload
 * completes; other classes' parts at their own rate.
 */
export function multipartPartsMonthlyUsd(region: string, uploads: ReadonlyArray<{ storageClass?: string; bytes: number }>): number {
  let usd = 0
  for (const { storageClass = 'STANDARD', bytes } of uploads) {
    const billedAs = ['GLACIER', 'DEEP_ARCHIVE', 'INTELLIGENT_TIERING'].includes(storageClass) ? 'STANDARD' : storageClass
    usd += (bytes / BYTES_PER_GB) * (usdPerGbMonth(region, billedAs) ?? usdPerGbMonth(region, 'STANDARD') ?? 0)
  }
  return usd
}
