/**
 * An S3 Inventory data file in Parquet as S3 writes one (User Guide, "Inventory manifest": the Parquet
 * manifest's fileSchema), written with hyparquet-writer: bucket and key required UTF-8 strings, the
 * version columns only in a report of all versions, size int64, last_modified_date int64
 * TIMESTAMP(MILLIS, UTC), the rest optional strings; Snappy-compressed; `rowGroupSize` rows a group.
 */
import { parquetWriteBuffer } from 'hyparquet-writer'

/** The writer's own schema type (it pins its own hyparquet, whose types may differ from the reader's). */
type SchemaElement = NonNullable<Parameters<typeof parquetWriteBuffer>[0]['schema']>[number]

export interface ParquetInventoryRow {
  bucket: string
  key: string
  versionId?: string | null
  isLatest?: boolean
  isDeleteMarker?: boolean
  /** Null for a delete marker (it has no size). */
  size: number | null
  lastModifiedMs: number
  eTag?: string | null
  storageClass?: string | null
  tier?: string | null
}

const string = (name: string, required = false): SchemaElement => ({
  name,
  type: 'BYTE_ARRAY',
  converted_type: 'UTF8',
  logical_type: { type: 'STRING' },
  repetition_type: required ? 'REQUIRED' : 'OPTIONAL',
})

function schemaOf(versions: boolean): SchemaElement[] {
  const columns: SchemaElement[] = [
    string('bucket', true),
    string('key', true),
    ...(versions
      ? [
          string('version_id'),
          { name: 'is_latest', type: 'BOOLEAN', repetition_type: 'OPTIONAL' } as SchemaElement,
          { name: 'is_delete_marker', type: 'BOOLEAN', repetition_type: 'OPTIONAL' } as SchemaElement,
        ]
      : []),
    { name: 'size', type: 'INT64', repetition_type: 'OPTIONAL' },
    {
      name: 'last_modified_date',
      type: 'INT64',
      converted_type: 'TIMESTAMP_MILLIS',
      logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MILLIS' },
      repetition_type: 'OPTIONAL',
    },
    string('e_tag'),
    string('storage_class'),
    string('intelligent_tiering_access_tier'),
  ]
  return [{ name: 's3.inventory', num_children: columns.length }, ...columns]
}

/** The manifest's fileSchema for that file, in the form S3 writes it. */
export function parquetFileSchema(versions: boolean): string {
  const fields = schemaOf(versions)
    .slice(1)
    .map((column) => {
      const annotation =
        column.logical_type?.type === 'STRING' ? ' (STRING)' : column.logical_type?.type === 'TIMESTAMP' ? ' (TIMESTAMP(MILLIS,true))' : ''
      return `${column.repetition_type === 'REQUIRED' ? 'required' : 'optional'} ${column.type === 'BYTE_ARRAY' ? 'binary' : column.type!.toLowerCase()} ${column.name}${annotation};`
    })
  return `message s3.inventory {  ${fields.join('  ')}}`
}

export function parquetInventoryFile(rows: ParquetInventoryRow[], options: { versions: boolean; rowGroupSize?: number }): Uint8Array {
  const data: Record<string, unknown[]> = {
    bucket: rows.map((row) => row.bucket),
    key: rows.map((row) => row.key),
    size: rows.map((row) => (row.size === null ? null : BigInt(row.size))),
    last_modified_date: rows.map((row) => new Date(row.lastModifiedMs)),
    e_tag: rows.map((row) => row.eTag ?? null),
    storage_class: rows.map((row) => row.storageClass ?? null),
    intelligent_tiering_access_tier: rows.map((row) => row.tier ?? null),
  }
  if (options.versions) {
    data.version_id = rows.map((row) => row.versionId ?? null)
    data.is_latest = rows.map((row) => row.isLatest ?? true)
    data.is_delete_marker = rows.map((row) => row.isDeleteMarker ?? false)
  }
  const schema = schemaOf(options.versions)
  const buffer = parquetWriteBuffer({
    schema,
    columnData: schema.slice(1).map((column) => ({ name: column.name, data: data[column.name]! })),
    codec: 'SNAPPY',
    rowGroupSize: options.rowGroupSize ?? 100_000,
  })
  return new Uint8Array(buffer)
}
