/** The shipped price table: complete for the regions it names, with each class's rules, in the shape app.storageClasses returns. */
import { describe, expect, it } from 'vitest'
import { appApi } from '../../../src-main/api/app'
import {
  BYTES_PER_GB,
  multipartPartsMonthlyUsd,
  PRICE_TABLE_DATE,
  storageClassRules,
  storageClassTable,
  usdPerGbMonth,
} from '../../../src-main/costs/prices'

const regions = ['us-east-1', 'us-west-2', 'eu-west-1', 'eu-central-1', 'ap-northeast-1', 'ap-northeast-2', 'ap-southeast-1']
const classes = [
  'STANDARD',
  'REDUCED_REDUNDANCY',
  'STANDARD_IA',
  'ONEZONE_IA',
  'INTELLIGENT_TIERING',
  'GLACIER_IR',
  'GLACIER',
  'DEEP_ARCHIVE',
]

describe('price table', () => {
  it('is dated and prices every storage class in every listed region, cheaper as access gets rarer', () => {
    expect(PRICE_TABLE_DATE).toMatch(/^\d{4}-\d{2}-\d{2}$/)
    for (const region of regions) {
      const prices = classes.map((c) => usdPerGbMonth(region, c))
      expect(
        prices.every((p) => typeof p === 'number' && p > 0),
        region,
      ).toBe(true)
      const [standard, , ia, oneZone, , glacierIr, glacier, deep] = prices as number[]
      expect(standard! > ia! && ia! > oneZone! && oneZone! > glacierIr! && glacierIr! > glacier! && glacier! > deep!, region).toBe(true)
    }
    expect(usdPerGbMonth('us-east-1', 'STANDARD')).toBe(0.023)
    expect(usdPerGbMonth('us-east-1', 'OUTPOSTS')).toBeUndefined()
  })

  it('names minimum durations and billable sizes', () => {
    expect(storageClassRules('STANDARD_IA')).toEqual({ minStorageDays: 30, minBillableBytes: 128 * 1024, archived: false })
    expect(storageClassRules('ONEZONE_IA').minStorageDays).toBe(30)
    expect(storageClassRules('GLACIER_IR')).toEqual({ minStorageDays: 90, minBillableBytes: 128 * 1024, archived: false })
    expect(storageClassRules('GLACIER')).toMatchObject({ minStorageDays: 90, archived: true })
    expect(storageClassRules('DEEP_ARCHIVE')).toMatchObject({ minStorageDays: 180, archived: true })
    expect(storageClassRules('INTELLIGENT_TIERING')).toMatchObject({ minStorageDays: 0, minBillableBytes: 0 })
  })

  it('answers app.storageClasses, falling back to us-east-1 for regions it does not have', () => {
    const seoul = appApi.storageClasses.output.parse(storageClassTable('ap-northeast-2'))
    expect(seoul.region).toBe('ap-northeast-2')
    expect(seoul.classes.map((c) => c.storageClass)).toEqual(expect.arrayContaining(classes))
    expect(storageClassTable('sa-east-1').region).toBe('us-east-1')
  })

  it('prices parts of incomplete uploads, Glacier and Intelligent-Tiering ones at the STANDARD staging rate', () => {
    const gb = BYTES_PER_GB
    expect(
      multipartPartsMonthlyUsd('eu-central-1', [
        { bytes: gb },
        { storageClass: 'STANDARD_IA', bytes: 2 * gb },
        { storageClass: 'DEEP_ARCHIVE', bytes: gb },
      ]),
    ).toBeCloseTo(0.0245 + 2 * 0.0135 + 0.0245, 10)
  })
})
