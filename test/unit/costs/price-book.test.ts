/** The dated, per-region price book: tiers, rules, transition and retrieval prices, unknown regions, overrides, display currency. */
import { describe, expect, it } from 'vitest'
import { formatMoney } from '../../../src-main/costs/money'
import {
  PRICE_SOURCE_URL,
  PRICE_TABLE_DATE,
  priceBook,
  PRICED_CLASSES,
  tieredMonthlyUsd,
  UnknownRegionError,
} from '../../../src-main/costs/prices'

describe('price book', () => {
  it('is dated, sourced and prices every class in the four regions the app is used in', () => {
    for (const region of ['us-east-1', 'us-west-2', 'eu-west-1', 'ap-northeast-2']) {
      const book = priceBook(region)
      expect(book).toMatchObject({ currency: 'USD', date: PRICE_TABLE_DATE, sourceUrl: PRICE_SOURCE_URL, region, pricedAs: region })
      expect(book.estimated).toBeUndefined()
      for (const c of [
        'STANDARD',
        'REDUCED_REDUNDANCY',
        'STANDARD_IA',
        'ONEZONE_IA',
        'INTELLIGENT_TIERING',
        'GLACIER_IR',
        'GLACIER',
        'DEEP_ARCHIVE',
      ] as const)
        expect(book.classes[c]?.tiers[0]?.usdPerGbMonth, `${region} ${c}`).toBeGreaterThan(0)
    }
    expect(PRICE_SOURCE_URL).toBe('https://aws.amazon.com/s3/pricing/')
  })

  it('has the us-east-1 figures of the pricing page', () => {
    const book = priceBook('us-east-1')
    expect(book.classes.STANDARD!.tiers).toEqual([
      { upToGb: 51_200, usdPerGbMonth: 0.023 }, // first 50 TB = 50 × 1024 GB
      { upToGb: 512_000, usdPerGbMonth: 0.022 }, // next 450 TB, up to 500 TB
      { upToGb: Infinity, usdPerGbMonth: 0.021 }, // over 500 TB
    ])
    expect(book.classes.INTELLIGENT_TIERING!.tiers.map((t) => t.usdPerGbMonth)).toEqual([0.023, 0.022, 0.021])
    expect(book.intelligentTiering.tierUsdPerGbMonth).toEqual({ FA: 0.023, IA: 0.0125, AIA: 0.004, AA: 0.0036, DAA: 0.00099 })
    expect(book.intelligentTiering.monitoringUsdPer1000Objects).toBe(0.0025)
    expect(book.intelligentTiering.minMonitoredBytes).toBe(131_072)
    expect(book.classes.EXPRESS_ONEZONE!.tiers[0]!.usdPerGbMonth).toBe(0.11)
    const transition = Object.fromEntries(PRICED_CLASSES.map((c) => [c, book.classes[c]?.transitionUsdPer1000]))
    expect(transition).toEqual({
      STANDARD: undefined,
      REDUCED_REDUNDANCY: undefined,
      STANDARD_IA: 0.01,
      ONEZONE_IA: 0.01,
      INTELLIGENT_TIERING: 0.01,
      GLACIER_IR: 0.02,
      GLACIER: 0.03,
      DEEP_ARCHIVE: 0.05,
      EXPRESS_ONEZONE: undefined,
    })
    expect(book.classes.GLACIER!.retrieval.find((r) => r.tier === 'Bulk')).toMatchObject({ usdPerGb: 0, usdPer1000Requests: 0 })
    expect(book.classes.DEEP_ARCHIVE!.retrieval.find((r) => r.tier === 'Standard')).toMatchObject({
      usdPerGb: 0.02,
      usdPer1000Requests: 0.1,
    })
    expect(book.classes.GLACIER_IR!.retrieval).toEqual([expect.objectContaining({ tier: 'Instant', usdPerGb: 0.03 })])
    expect(book.classes.GLACIER).toMatchObject({ minStorageDays: 90, archived: true, minBillableBytes: 0 })
    expect(book.classes.DEEP_ARCHIVE).toMatchObject({ minStorageDays: 180, archived: true })
    expect(book.classes.STANDARD_IA).toMatchObject({ minStorageDays: 30, minBillableBytes: 131_072 })
  })

  it('marks the rows it could not confirm', () => {
    expect(priceBook('us-east-1').classes.STANDARD!.uncertain).toBe(false)
    expect(priceBook('us-east-1').classes.REDUCED_REDUNDANCY!.uncertain).toBe(true)
    expect(priceBook('eu-west-1').classes.STANDARD!.uncertain).toBe(true)
    expect(priceBook('ap-northeast-2').classes.STANDARD_IA!.uncertain).toBe(true)
    expect(priceBook('ap-northeast-2').classes.EXPRESS_ONEZONE).toBeUndefined()
  })

  it('says a region is unknown instead of pricing it as us-east-1, unless an estimate is asked for', () => {
    expect(() => priceBook('sa-east-1')).toThrow(UnknownRegionError)
    expect(() => priceBook('sa-east-1')).toThrow(/no prices for region sa-east-1/)
    const estimate = priceBook('sa-east-1', { estimateUnknownRegion: true })
    expect(estimate).toMatchObject({ region: 'sa-east-1', pricedAs: 'us-east-1' })
    expect(estimate.estimated).toMatch(/No prices for sa-east-1 .* us-east-1/)
  })

  it('applies the volume tiers to the total', () => {
    const tiers = priceBook('us-east-1').classes.STANDARD!.tiers
    // 100 GB × 0.023 = 2.30
    expect(tieredMonthlyUsd(100, tiers)).toBeCloseTo(2.3, 10)
    // 60 TB = 61,440 GB: 51,200 × 0.023 + 10,240 × 0.022 = 1,177.60 + 225.28 = 1,402.88
    expect(tieredMonthlyUsd(61_440, tiers)).toBeCloseTo(1402.88, 8)
    // 600 TB = 614,400 GB: 51,200 × 0.023 + 460,800 × 0.022 + 102,400 × 0.021 = 1,177.60 + 10,137.60 + 2,150.40 = 13,465.60
    expect(tieredMonthlyUsd(614_400, tiers)).toBeCloseTo(13465.6, 6)
    expect(tieredMonthlyUsd(0, tiers)).toBe(0)
  })

  it('merges negotiated rates over the table and says which prices they replaced', () => {
    const book = priceBook('us-east-1', {
      overrides: {
        storageUsdPerGbMonth: { STANDARD: 0.02 },
        transitionUsdPer1000: { GLACIER: 0.025 },
        intelligentTieringMonitoringUsdPer1000Objects: 0.002,
      },
    })
    expect(book.classes.STANDARD!.tiers).toEqual([{ upToGb: Infinity, usdPerGbMonth: 0.02 }])
    expect(book.classes.STANDARD!.overridden).toBe(true)
    expect(book.classes.GLACIER!.transitionUsdPer1000).toBe(0.025)
    expect(book.classes.STANDARD_IA!.overridden).toBe(false)
    expect(book.intelligentTiering.monitoringUsdPer1000Objects).toBe(0.002)
    expect(book.overridden).toEqual(['STANDARD.storage', 'GLACIER.transition', 'INTELLIGENT_TIERING.monitoring'])
    // The shipped table is untouched.
    expect(priceBook('us-east-1').classes.STANDARD!.tiers[0]!.usdPerGbMonth).toBe(0.023)
    // Frequent Access is one price, whichever way it is overridden.
    expect(
      priceBook('us-east-1', { overrides: { intelligentTieringTierUsdPerGbMonth: { FA: 0.02 } } }).classes.INTELLIGENT_TIERING!.tiers[0]!
        .usdPerGbMonth,
    ).toBe(0.02)
  })

  it('refuses bad overrides whole, naming the bad value', () => {
    expect(() => priceBook('us-east-1', { overrides: { storageUsdPerGbMonth: { STANDARD: -1 } } })).toThrow(
      /storageUsdPerGbMonth.STANDARD must be a finite number/,
    )
    expect(() => priceBook('us-east-1', { overrides: { storageUsdPerGbMonth: { GLACIER_DEEP: 0.001 } as never } })).toThrow(
      /GLACIER_DEEP is not a priced storage class/,
    )
    expect(() => priceBook('us-east-1', { overrides: { intelligentTieringTierUsdPerGbMonth: { XX: 1 } as never } })).toThrow(
      /XX is not a tier/,
    )
    expect(() => priceBook('eu-west-1', { overrides: { storageUsdPerGbMonth: { EXPRESS_ONEZONE: 0.1 } } })).toThrow(
      /not offered in eu-west-1/,
    )
  })
})

describe('display currency', () => {
  it('formats USD, small amounts with enough digits to be non-zero', () => {
    expect(formatMoney(1402.88)).toBe('$1,402.88')
    expect(formatMoney(0.0025)).toBe('$0.0025')
    expect(formatMoney(0)).toBe('$0.00')
  })

  it('converts with a user-set rate, as a formatter input only', () => {
    // 1,402.88 USD × 1,400 KRW/USD = 1,964,032 KRW (the won has no minor unit)
    expect(formatMoney(1402.88, { display: { currency: 'KRW', perUsd: 1400 }, locale: 'ko-KR' })).toBe('₩1,964,032')
    expect(() => formatMoney(1, { display: { currency: 'KRW', perUsd: 0 } })).toThrow(/exchange rate for KRW must be a positive number/)
    expect(() => formatMoney(1, { display: { currency: 'WON', perUsd: 1400 } })).toThrow(/WON is not an ISO 4217 currency code/)
    expect(() => formatMoney(Number.NaN)).toThrow(/finite/)
  })
})
