/** S3 Inventory CSV records and keys, and which configurations can answer a scan. */
import { describe, expect, it } from 'vitest'
import { decodeInventoryKey, encodeInventoryKey, parseInventoryLine, unusable } from '../../../src-main/costs/inventory'

describe('inventory CSV', () => {
  it('splits fully quoted records, with doubled quotes and empty fields', () => {
    expect(parseInventoryLine('"b","a%2Fb+c.txt","12","2026-12-01T00:00:00.000Z","e\\"\\"t","STANDARD",""'.replace(/\\"/g, '"'))).toEqual([
      'b',
      'a%2Fb+c.txt',
      '12',
      '2026-12-01T00:00:00.000Z',
      'e"t',
      'STANDARD',
      '',
    ])
    expect(parseInventoryLine('"x",,"y",')).toEqual(['x', '', 'y', ''])
    expect(() => parseInventoryLine('"open')).toThrow(SyntaxError)
  })

  it('decodes keys as S3 writes them (URL-encoded, space as +), Korean NFC and NFD kept apart', () => {
    for (const key of [
      '문서/한글 문서.txt'.normalize('NFC'),
      '문서/한글 문서.txt'.normalize('NFD'),
      'downloads/report+final (1).txt',
      '100% done',
      'e/😀?#&=/',
    ])
      expect(decodeInventoryKey(encodeInventoryKey(key))).toBe(key)
    expect(decodeInventoryKey('a+b%2Bc')).toBe('a b+c')
  })
})

describe('which inventory answers a scan', () => {
  const base = {
    Id: 'daily',
    IsEnabled: true,
    IncludedObjectVersions: 'Current' as const,
    Destination: { S3BucketDestination: { Bucket: 'arn:aws:s3:::r', Format: 'CSV' as const } },
    Filter: { Prefix: 'media/' },
    OptionalFields: ['Size' as const, 'StorageClass' as const, 'LastModifiedDate' as const],
    Schedule: { Frequency: 'Daily' as const },
  }
  it('takes a CSV inventory whose filter covers the prefix, and says why another cannot', () => {
    expect(unusable(base, 'media/originals/', false)).toBeUndefined()
    expect(unusable(base, '', false)).toBe('inventory daily covers only "media/"')
    expect(unusable(base, 'media/', true)).toBe('inventory daily lists current versions only')
    expect(unusable({ ...base, IsEnabled: false }, 'media/', false)).toBe('inventory daily is disabled')
    expect(
      unusable({ ...base, Destination: { S3BucketDestination: { Bucket: 'arn:aws:s3:::r', Format: 'Parquet' } } }, 'media/', false),
    ).toBe('inventory daily writes Parquet; Haneul reads CSV reports')
    expect(unusable({ ...base, OptionalFields: ['Size'] }, 'media/', false)).toBe('inventory daily lacks StorageClass, LastModifiedDate')
  })
})
