/**
 * S3 Inventory CSV records and keys, the Parquet columns and their types, the manifests' schemas, and
 * which configurations can answer a scan.
 */
import { describe, expect, it } from 'vitest'
import {
  decodeInventoryKey,
  encodeInventoryKey,
  missingColumns,
  parquetRow,
  parseInventoryLine,
  readParquetRowGroup,
  schemaColumns,
  unusable,
} from '../../../src-main/costs/inventory'
import { parquetFileSchema, parquetInventoryFile } from '../../helpers/parquet-inventory'

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
  it('takes a CSV or Parquet inventory whose filter covers the prefix, and says why another cannot', () => {
    expect(unusable(base, 'media/originals/', false)).toBeUndefined()
    expect(unusable(base, '', false)).toBe('inventory daily covers only "media/"')
    expect(unusable(base, 'media/', true)).toBe('inventory daily lists current versions only')
    expect(unusable({ ...base, IsEnabled: false }, 'media/', false)).toBe('inventory daily is disabled')
    expect(
      unusable({ ...base, Destination: { S3BucketDestination: { Bucket: 'arn:aws:s3:::r', Format: 'Parquet' } } }, 'media/', false),
    ).toBeUndefined()
    expect(unusable({ ...base, Destination: { S3BucketDestination: { Bucket: 'arn:aws:s3:::r', Format: 'ORC' } } }, 'media/', false)).toBe(
      'inventory daily writes ORC; Haneul reads CSV and Parquet reports',
    )
    expect(unusable({ ...base, OptionalFields: ['Size'] }, 'media/', false)).toBe('inventory daily lacks StorageClass, LastModifiedDate')
  })
})

/** The User Guide's Parquet manifest example (UTF8 annotations), and the form S3 writes today (STRING, TIMESTAMP(MILLIS,true)). */
const GUIDE_PARQUET_SCHEMA =
  'message s3.inventory { required binary bucket (UTF8); required binary key (UTF8); optional binary version_id (UTF8); optional boolean is_latest; optional boolean is_delete_marker; optional int64 size; optional int64 last_modified_date (TIMESTAMP_MILLIS); optional binary e_tag (UTF8); optional binary storage_class (UTF8); optional boolean is_multipart_uploaded; optional binary replication_status (UTF8); optional binary encryption_status (UTF8); optional int64 object_lock_retain_until_date (TIMESTAMP_MILLIS); optional binary object_lock_mode (UTF8); optional binary object_lock_legal_hold_status (UTF8); optional binary intelligent_tiering_access_tier (UTF8); optional binary bucket_key_status (UTF8); optional binary checksum_algorithm (UTF8); }'

describe("a manifest's fileSchema", () => {
  it('names the columns of a Parquet message and of a CSV header', () => {
    expect(schemaColumns('Parquet', GUIDE_PARQUET_SCHEMA)).toEqual([
      'bucket',
      'key',
      'version_id',
      'is_latest',
      'is_delete_marker',
      'size',
      'last_modified_date',
      'e_tag',
      'storage_class',
      'is_multipart_uploaded',
      'replication_status',
      'encryption_status',
      'object_lock_retain_until_date',
      'object_lock_mode',
      'object_lock_legal_hold_status',
      'intelligent_tiering_access_tier',
      'bucket_key_status',
      'checksum_algorithm',
    ])
    expect(schemaColumns('Parquet', parquetFileSchema(false))).toEqual([
      'bucket',
      'key',
      'size',
      'last_modified_date',
      'e_tag',
      'storage_class',
      'intelligent_tiering_access_tier',
    ])
    expect(schemaColumns('CSV', 'Bucket, Key, Size, LastModifiedDate, ETag, StorageClass')).toEqual([
      'Bucket',
      'Key',
      'Size',
      'LastModifiedDate',
      'ETag',
      'StorageClass',
    ])
  })

  it('names the columns costs needs that a schema lacks, in its format', () => {
    expect(missingColumns('Parquet', schemaColumns('Parquet', GUIDE_PARQUET_SCHEMA))).toEqual([])
    expect(missingColumns('Parquet', ['bucket', 'key', 'e_tag'])).toEqual(['size', 'last_modified_date', 'storage_class'])
    expect(missingColumns('CSV', ['Bucket', 'Key', 'Size'])).toEqual(['LastModifiedDate', 'StorageClass'])
    expect(missingColumns('Parquet', ['Key', 'Size', 'LastModifiedDate', 'StorageClass'])).toEqual([
      'key',
      'size',
      'last_modified_date',
      'storage_class',
    ])
  })
})

describe('inventory Parquet columns', () => {
  it('maps a row of decoded columns: int64 size, boolean flags, millisecond timestamps, nulls to defaults', () => {
    const columns = {
      key: ['문서/한글 문서.txt', 'a+b%20c', 'gone'],
      versionId: ['v1', null, 'v3'],
      isLatest: [true, null, false],
      deleteMarker: [false, null, true],
      size: BigInt64Array.from([5_000_000_000n, 0n, 0n]),
      modified: [1_764_547_200_000, new Date(1_764_547_201_000), null],
      storageClass: ['INTELLIGENT_TIERING', null, ''],
      tier: ['ARCHIVE_INSTANT_ACCESS', null, ''],
    }
    expect(parquetRow(columns, 0)).toEqual({
      key: '문서/한글 문서.txt',
      versionId: 'v1',
      isLatest: true,
      deleteMarker: false,
      size: 5_000_000_000,
      lastModifiedMs: 1_764_547_200_000,
      storageClass: 'INTELLIGENT_TIERING',
      tier: 'ARCHIVE_INSTANT_ACCESS',
    })
    // Keys are taken as they are (only CSV keys are URL-encoded); null flags read as a current object.
    expect(parquetRow(columns, 1)).toEqual({
      key: 'a+b%20c',
      isLatest: true,
      deleteMarker: false,
      size: 0,
      lastModifiedMs: 1_764_547_201_000,
      storageClass: 'STANDARD',
    })
    expect(parquetRow(columns, 2)).toMatchObject({ versionId: 'v3', isLatest: false, deleteMarker: true, lastModifiedMs: 0 })
    // A report of current versions only has no version columns.
    expect(parquetRow({ key: ['k'], size: [7n], modified: [1], storageClass: ['GLACIER'] }, 0)).toEqual({
      key: 'k',
      isLatest: true,
      deleteMarker: false,
      size: 7,
      lastModifiedMs: 1,
      storageClass: 'GLACIER',
    })
  })

  it('reads a file in the AWS schema row group by row group, each with its own rows', async () => {
    const rows = Array.from({ length: 25 }, (_, n) => ({
      bucket: 'b',
      key: `k/${String(n).padStart(2, '0')} ✓`,
      versionId: n % 5 === 4 ? null : `v${n}`,
      isLatest: n % 3 !== 0,
      isDeleteMarker: n === 24,
      size: n === 24 ? null : n * 1_000_003,
      lastModifiedMs: Date.UTC(2026, 10, 1) + n * 1000,
      eTag: `"e${n}"`,
      storageClass: n === 24 ? null : ['STANDARD', 'STANDARD_IA', 'INTELLIGENT_TIERING'][n % 3]!,
      tier: n % 3 === 2 ? 'INFREQUENT' : null,
    }))
    const file = parquetInventoryFile(rows, { versions: true, rowGroupSize: 10 })
    const { parquetMetadata } = await import('hyparquet')
    const buffer = file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength) as ArrayBuffer
    const metadata = parquetMetadata(buffer)
    expect(metadata.row_groups.map((group) => Number(group.num_rows))).toEqual([10, 10, 5])
    const read: ReturnType<typeof parquetRow>[] = []
    let start = 0
    for (const group of metadata.row_groups) {
      const count = Number(group.num_rows)
      const columns = await readParquetRowGroup(buffer, metadata, start, count)
      expect(Object.keys(columns).sort()).toEqual(
        ['deleteMarker', 'isLatest', 'key', 'modified', 'size', 'storageClass', 'tier', 'versionId'].sort(),
      )
      for (let i = 0; i < count; i++) read.push(parquetRow(columns, i))
      start += count
    }
    expect(read).toEqual(
      rows.map((row) => ({
        key: row.key,
        ...(row.versionId ? { versionId: row.versionId } : {}),
        isLatest: row.isLatest,
        deleteMarker: row.isDeleteMarker,
        size: row.size ?? 0,
        lastModifiedMs: row.lastModifiedMs,
        storageClass: row.storageClass ?? 'STANDARD',
        ...(row.tier ? { tier: row.tier } : {}),
      })),
    )
  })
})
