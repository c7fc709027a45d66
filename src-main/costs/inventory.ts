/**
 * S3 Inventory as the scan's source for big buckets: the bucket's inventory configurations
 * (ListBucketInventoryConfigurations), the latest report of one that covers the prefix, and its data
 * files read one object at a time, so memory stays bounded.
 *
 * Layout (S3 User Guide, "Locating your inventory list"): in the destination bucket,
 * `[destination-prefix/]source-bucket/config-ID/YYYY-MM-DDTHH-MMZ/manifest.json` names the report's
 * `fileFormat`, `fileSchema` and `files`. Two formats are read, behind one reader (`readInventoryRows`):
 * - CSV (`data/<uuid>.csv.gz`, gzipped): GetObject → gunzip → lines. Every field is quoted and keys are
 *   URL-encoded (so no record spans lines); `fileSchema` is the field names ("Bucket, Key, Size, …").
 * - Parquet (`data/<uuid>.parquet`, Snappy inside): ranged GetObjects through hyparquet — the footer
 *   first, then one row group's column chunks at a time, only the columns costs need. Keys are not
 *   encoded; `fileSchema` is a Parquet message ("message s3.inventory { required binary key (STRING);
 *   optional int64 size; optional int64 last_modified_date (TIMESTAMP(MILLIS,true)); … }").
 * ORC reports are refused with the reason (the listing is used instead).
 */
import {
  GetObjectCommand,
  HeadObjectCommand,
  ListBucketInventoryConfigurationsCommand,
  ListObjectsV2Command,
  type S3Client,
} from '@aws-sdk/client-s3'
import type { InventoryConfiguration } from '@aws-sdk/client-s3'
import { parquetMetadataAsync, parquetRead, parquetSchema, type AsyncBuffer, type FileMetaData } from 'hyparquet'
import { createInterface } from 'node:readline'
import { pipeline, type Readable } from 'node:stream'
import { createGunzip } from 'node:zlib'
import { HaneulError } from '../core/errors'
import type { IntelligentTieringTier } from './prices'
import type { ScannedObject } from './scan-aggregator'

/** The fields a report needs for costs (OptionalFields in the configuration). */
const NEEDED_FIELDS = ['Size', 'StorageClass', 'LastModifiedDate'] as const

/** The report formats read here, of S3's three (InventoryFormat: CSV | ORC | Parquet). */
export type InventoryFormat = 'CSV' | 'Parquet'
const READABLE_FORMATS: readonly string[] = ['CSV', 'Parquet'] satisfies InventoryFormat[]
const READS = 'Haneul reads CSV and Parquet reports'

/**
 * The columns costs reads, by their CSV field name (a CSV manifest's fileSchema) and their Parquet
 * column (S3 names them in snake case: the Parquet manifest example in the User Guide).
 */
export const INVENTORY_COLUMNS = {
  key: { csv: 'Key', parquet: 'key' },
  versionId: { csv: 'VersionId', parquet: 'version_id' },
  isLatest: { csv: 'IsLatest', parquet: 'is_latest' },
  deleteMarker: { csv: 'IsDeleteMarker', parquet: 'is_delete_marker' },
  size: { csv: 'Size', parquet: 'size' },
  modified: { csv: 'LastModifiedDate', parquet: 'last_modified_date' },
  storageClass: { csv: 'StorageClass', parquet: 'storage_class' },
  tier: { csv: 'IntelligentTieringAccessTier', parquet: 'intelligent_tiering_access_tier' },
} as const
export type InventoryColumn = keyof typeof INVENTORY_COLUMNS
const COLUMNS = Object.keys(INVENTORY_COLUMNS) as InventoryColumn[]
const REQUIRED_COLUMNS: InventoryColumn[] = ['key', 'size', 'modified', 'storageClass']
const columnName = (format: InventoryFormat, column: InventoryColumn) => INVENTORY_COLUMNS[column][format === 'Parquet' ? 'parquet' : 'csv']

export interface InventoryReport {
  configurationId: string
  destinationBucket: string
  manifestKey: string
  /** The manifest's creationTimestamp: when S3 started the report (the figures are as of then). */
  createdMs: number
  fileFormat: InventoryFormat
  /** The column names the manifest's fileSchema gives (CSV field names, or the Parquet message's columns). */
  fileSchema: string[]
  files: Array<{ key: string; size: number }>
}

/** One object, version or delete marker of a report, whichever format it came in. */
export interface InventoryRow {
  /** Decoded (CSV keys are URL-encoded, Parquet keys are not). */
  key: string
  versionId?: string
  /** True in a report of current versions only (it has no IsLatest). */
  isLatest: boolean
  deleteMarker: boolean
  size: number
  lastModifiedMs: number
  storageClass: string
  /** The Intelligent-Tiering access tier as S3 writes it (FREQUENT, ARCHIVE_INSTANT_ACCESS, …). */
  tier?: string
}

export type InventoryChoice = { report: InventoryReport } | { report?: undefined; why: string }

const TIERS: Record<string, IntelligentTieringTier> = {
  FREQUENT: 'FA',
  INFREQUENT: 'IA',
  ARCHIVE_INSTANT_ACCESS: 'AIA',
  ARCHIVE: 'AA',
  DEEP_ARCHIVE: 'DAA',
}

/** Why a configuration cannot answer a scan of this prefix, or undefined when it can. */
export function unusable(configuration: InventoryConfiguration, prefix: string, versions: boolean): string | undefined {
  const id = configuration.Id ?? '?'
  if (!configuration.IsEnabled) return `inventory ${id} is disabled`
  const format = configuration.Destination?.S3BucketDestination?.Format
  if (!format || !READABLE_FORMATS.includes(format)) return `inventory ${id} writes ${format ?? 'an unknown format'}; ${READS}`
  const filter = configuration.Filter?.Prefix ?? ''
  if (!prefix.startsWith(filter)) return `inventory ${id} covers only "${filter}"`
  if (versions && configuration.IncludedObjectVersions !== 'All') return `inventory ${id} lists current versions only`
  const fields = new Set<string>(configuration.OptionalFields ?? [])
  const missing = NEEDED_FIELDS.filter((field) => !fields.has(field))
  if (missing.length) return `inventory ${id} lacks ${missing.join(', ')}`
  return undefined
}

/**
 * The column names of a manifest's fileSchema: "Bucket, Key, Size, …" for CSV; for Parquet the
 * fields of its message, "message s3.inventory { required binary key (STRING); optional int64 size; … }".
 */
export function schemaColumns(format: InventoryFormat, fileSchema: string): string[] {
  if (format === 'CSV') return fileSchema.split(',').map((field) => field.trim())
  const body = /\{([\s\S]*)\}/.exec(fileSchema)?.[1] ?? ''
  return body
    .split(';')
    .map((field) => /^\s*(?:required|optional|repeated)\s+\S+\s+([^\s(;]+)/.exec(field)?.[1])
    .filter((name): name is string => name !== undefined)
}

/** The columns costs needs that a report's schema lacks (in that format's names). */
export function missingColumns(format: InventoryFormat, columns: Iterable<string>): string[] {
  const present = new Set(columns)
  return REQUIRED_COLUMNS.map((column) => columnName(format, column)).filter((name) => !present.has(name))
}

const bucketOfArn = (arn: string | undefined) => (arn?.startsWith('arn:aws:s3:::') ? arn.slice('arn:aws:s3:::'.length) : undefined)

/** The newest report of the first configuration that covers the prefix; otherwise why there is none. */
export async function findInventoryReport(
  client: S3Client,
  bucket: string,
  prefix: string,
  versions: boolean,
  signal?: AbortSignal,
): Promise<InventoryChoice> {
  const configurations: InventoryConfiguration[] = []
  let ContinuationToken: string | undefined
  do {
    const page = await client.send(new ListBucketInventoryConfigurationsCommand({ Bucket: bucket, ContinuationToken }), {
      abortSignal: signal,
    })
    configurations.push(...(page.InventoryConfigurationList ?? []))
    ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined
  } while (ContinuationToken)
  if (configurations.length === 0) return { why: 'the bucket has no inventory configuration' }
  const reasons: string[] = []
  for (const configuration of configurations) {
    const problem = unusable(configuration, prefix, versions)
    if (problem) {
      reasons.push(problem)
      continue
    }
    const destination = configuration.Destination!.S3BucketDestination!
    const destinationBucket = bucketOfArn(destination.Bucket)
    if (!destinationBucket) {
      reasons.push(`inventory ${configuration.Id} has no destination bucket`)
      continue
    }
    const base = [destination.Prefix?.replace(/\/+$/, ''), bucket, configuration.Id].filter(Boolean).join('/') + '/'
    const listed = await client.send(new ListObjectsV2Command({ Bucket: destinationBucket, Prefix: base, Delimiter: '/' }), {
      abortSignal: signal,
    })
    const dates = (listed.CommonPrefixes ?? [])
      .map((p) => p.Prefix ?? '')
      .filter((p) => /\/\d{4}-\d{2}-\d{2}T\d{2}-\d{2}Z\/$/.test(p))
      .sort()
      .reverse()
    let manifest: Manifest | undefined
    let manifestKey = ''
    for (const folder of dates) {
      manifestKey = `${folder}manifest.json`
      manifest = await readManifest(client, destinationBucket, manifestKey, signal)
      if (manifest) break
    }
    if (!manifest) {
      reasons.push(`inventory ${configuration.Id} has no report yet (S3 writes the first within 48 hours)`)
      continue
    }
    // The configuration may have changed format since the report was written: the manifest says what it is.
    const { fileFormat } = manifest
    if (!READABLE_FORMATS.includes(fileFormat)) {
      reasons.push(`the latest report of inventory ${configuration.Id} is ${fileFormat || 'of an unknown format'}; ${READS}`)
      continue
    }
    const format = fileFormat as InventoryFormat
    const fileSchema = schemaColumns(format, manifest.fileSchema)
    const missing = missingColumns(format, fileSchema)
    if (missing.length) {
      reasons.push(`the latest report of inventory ${configuration.Id} lacks ${missing.join(', ')}`)
      continue
    }
    return {
      report: {
        configurationId: configuration.Id!,
        destinationBucket,
        manifestKey,
        createdMs: manifest.createdMs,
        fileFormat: format,
        fileSchema,
        files: manifest.files,
      },
    }
  }
  return { why: reasons.join('; ') }
}

interface Manifest {
  createdMs: number
  fileFormat: string
  fileSchema: string
  files: Array<{ key: string; size: number }>
}

async function readManifest(client: S3Client, bucket: string, key: string, signal?: AbortSignal): Promise<Manifest | undefined> {
  let text: string
  try {
    const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: signal })
    text = (await object.Body?.transformToString('utf-8')) ?? ''
  } catch (error) {
    if ((error as { name?: string }).name === 'NoSuchKey') return undefined
    throw error
  }
  let manifest: { creationTimestamp?: string; fileFormat?: string; fileSchema?: string; files?: Array<{ key?: string; size?: number }> }
  try {
    manifest = JSON.parse(text) as typeof manifest
  } catch (error) {
    throw new Error(`${key} is not valid JSON (${(error as Error).message})`)
  }
  return {
    createdMs: Number(manifest.creationTimestamp ?? 0),
    fileFormat: manifest.fileFormat ?? '',
    fileSchema: manifest.fileSchema ?? '',
    files: (manifest.files ?? []).map((file) => ({ key: file.key ?? '', size: file.size ?? 0 })),
  }
}

/**
 * One CSV record of an inventory file: every field double-quoted, `""` for a quote inside. Written by
 * hand (not a CSV library): the format is fixed and simple, and keys are URL-encoded, so a record is
 * always one line.
 */
export function parseInventoryLine(line: string): string[] {
  const fields: string[] = []
  let i = 0
  while (i < line.length) {
    if (line[i] === '"') {
      let value = ''
      i++
      for (;;) {
        const quote = line.indexOf('"', i)
        if (quote < 0) throw new SyntaxError('an inventory CSV field has no closing quote')
        value += line.slice(i, quote)
        if (line[quote + 1] === '"') {
          value += '"'
          i = quote + 2
        } else {
          i = quote + 1
          break
        }
      }
      fields.push(value)
    } else {
      const comma = line.indexOf(',', i)
      fields.push(line.slice(i, comma < 0 ? line.length : comma))
      i = comma < 0 ? line.length : comma
    }
    if (line[i] === ',') {
      i++
      if (i === line.length) fields.push('')
    }
  }
  return fields
}

/** Inventory CSV keys are URL-encoded as HTML forms are (a space is `+`). */
export const decodeInventoryKey = (encoded: string): string => decodeURIComponent(encoded.replace(/\+/g, ' '))
/** How the sandbox (and tests) write a key into a report. */
export const encodeInventoryKey = (key: string): string => encodeURIComponent(key).replace(/%20/g, '+')

/** A report file that is not what its manifest says: what happened and what to do. */
function unreadable(report: InventoryReport, fileKey: string, detail: string): HaneulError {
  const what = report.fileFormat === 'Parquet' ? 'a valid Parquet file' : 'a valid gzipped CSV file'
  return new HaneulError(
    'unsupported',
    `The inventory report ${report.manifestKey} could not be read: ${fileKey} is not ${what} (${detail}). ` +
      'Scan with "List every object" instead, or wait for the next report.',
  )
}

/** The rows of one data file of the report, one at a time. */
export function readInventoryRows(
  client: S3Client,
  report: InventoryReport,
  file: { key: string },
  signal?: AbortSignal,
): AsyncGenerator<InventoryRow> {
  return report.fileFormat === 'Parquet' ? parquetRows(client, report, file.key, signal) : csvRows(client, report, file.key, signal)
}

async function* csvRows(client: S3Client, report: InventoryReport, fileKey: string, signal?: AbortSignal): AsyncGenerator<InventoryRow> {
  const at = Object.fromEntries(COLUMNS.map((column) => [column, report.fileSchema.indexOf(columnName('CSV', column))])) as Record<
    InventoryColumn,
    number
  >
  const missing = missingColumns('CSV', report.fileSchema)
  if (missing.length) throw unreadable(report, fileKey, `the manifest's schema lacks ${missing.join(', ')}`)
  const object = await client.send(new GetObjectCommand({ Bucket: report.destinationBucket, Key: fileKey }), { abortSignal: signal })
  // pipeline, not pipe: a body the network breaks (or a cancel) must end the read with its error.
  const lines = createInterface({ input: pipeline(object.Body as Readable, createGunzip(), () => {}), crlfDelay: Infinity })
  try {
    for await (const line of lines) {
      if (line === '') continue
      const fields = parseInventoryLine(line)
      const field = (column: InventoryColumn) => (at[column] >= 0 ? fields[at[column]] : undefined)
      const versionId = field('versionId')
      const tier = field('tier')
      yield {
        key: decodeInventoryKey(field('key') ?? ''),
        ...(versionId ? { versionId } : {}),
        isLatest: field('isLatest') !== 'false',
        deleteMarker: field('deleteMarker') === 'true',
        size: Number(field('size') || 0),
        lastModifiedMs: Date.parse(field('modified') ?? '') || 0,
        storageClass: field('storageClass') || 'STANDARD',
        ...(tier ? { tier } : {}),
      }
    }
  } catch (error) {
    const code = (error as { code?: string }).code ?? ''
    if (error instanceof SyntaxError || error instanceof URIError || code.startsWith('Z_'))
      throw unreadable(report, fileKey, (error as Error).message)
    throw error
  }
}

/**
 * A report file in S3 as hyparquet's AsyncBuffer: every slice is one ranged GetObject, pinned to the ETag
 * HeadObject saw (a file replaced mid-read fails with PreconditionFailed instead of mixing two files).
 * `failure` keeps the first S3 error, so it is not mistaken for a damaged file.
 */
async function s3AsyncBuffer(
  client: S3Client,
  bucket: string,
  key: string,
  signal?: AbortSignal,
): Promise<{ buffer: AsyncBuffer; failure: { error?: unknown } }> {
  const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: signal })
  const byteLength = head.ContentLength ?? 0
  const failure: { error?: unknown } = {}
  const buffer: AsyncBuffer = {
    byteLength,
    async slice(start: number, end = byteLength): Promise<ArrayBuffer> {
      if (end <= start) return new ArrayBuffer(0)
      try {
        const part = await client.send(
          new GetObjectCommand({
            Bucket: bucket,
            Key: key,
            Range: `bytes=${start}-${end - 1}`,
            ...(head.ETag ? { IfMatch: head.ETag } : {}),
          }),
          { abortSignal: signal },
        )
        const bytes = (await part.Body?.transformToByteArray()) ?? new Uint8Array()
        if (bytes.byteLength !== end - start)
          throw new Error(`S3 answered ${bytes.byteLength} bytes for the range ${start}-${end - 1} of ${key}`)
        return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer
      } catch (error) {
        failure.error ??= error
        throw error
      }
    },
  }
  return { buffer, failure }
}

/** Timestamps as epoch milliseconds (S3 writes TIMESTAMP(MILLIS); the others in case a writer differs). */
const TIMESTAMPS_AS_MS = {
  timestampFromMilliseconds: (ms: bigint) => Number(ms),
  timestampFromMicroseconds: (us: bigint) => Number(us / 1000n),
  timestampFromNanoseconds: (ns: bigint) => Number(ns / 1_000_000n),
}

/** One row group's values, by column (only the columns the file has). */
export type ParquetColumns = Partial<Record<InventoryColumn, ArrayLike<unknown>>>

/** Row `i` of a row group's columns as an inventory row (S3's Parquet types: int64 size, boolean flags, …). */
export function parquetRow(columns: ParquetColumns, i: number): InventoryRow {
  const value = (column: InventoryColumn) => columns[column]?.[i]
  const versionId = value('versionId')
  const tier = value('tier')
  const modified = value('modified')
  const storageClass = value('storageClass')
  return {
    key: String(value('key') ?? ''),
    ...(typeof versionId === 'string' && versionId !== '' ? { versionId } : {}),
    isLatest: value('isLatest') !== false,
    deleteMarker: value('deleteMarker') === true,
    size: Number(value('size') ?? 0),
    lastModifiedMs: modified instanceof Date ? modified.getTime() : Number(modified ?? 0),
    storageClass: typeof storageClass === 'string' && storageClass !== '' ? storageClass : 'STANDARD',
    ...(typeof tier === 'string' && tier !== '' ? { tier } : {}),
  }
}

/** The file's footer (one ranged GET, two for a big footer), then row group after row group. */
async function* parquetRows(
  client: S3Client,
  report: InventoryReport,
  fileKey: string,
  signal?: AbortSignal,
): AsyncGenerator<InventoryRow> {
  const { buffer, failure } = await s3AsyncBuffer(client, report.destinationBucket, fileKey, signal)
  const parsing = <T>(work: Promise<T>): Promise<T> =>
    work.catch((error: unknown) => {
      throw failure.error ?? unreadable(report, fileKey, error instanceof Error ? error.message : String(error))
    })
  const metadata: FileMetaData = await parsing(parquetMetadataAsync(buffer))
  const present = parquetSchema(metadata).children.map((child) => child.element.name)
  const missing = missingColumns('Parquet', present)
  if (missing.length) throw unreadable(report, fileKey, `it has no ${missing.join(', ')} column`)
  let groupStart = 0
  for (const group of metadata.row_groups) {
    const rows = Number(group.num_rows)
    const columns = await parsing(readParquetRowGroup(buffer, metadata, groupStart, rows))
    for (let i = 0; i < rows; i++) yield parquetRow(columns, i)
    groupStart += rows
  }
}

/**
 * The columns costs reads (those the file has) of the row group of `rows` rows at `groupStart`: only its
 * column chunks are fetched, and the values stay in columns (no row objects), so memory is one row
 * group's worth whatever the file's size.
 */
export async function readParquetRowGroup(
  file: AsyncBuffer,
  metadata: FileMetaData,
  groupStart: number,
  rows: number,
): Promise<ParquetColumns> {
  const present = new Set(parquetSchema(metadata).children.map((child) => child.element.name))
  const wanted = COLUMNS.filter((column) => present.has(columnName('Parquet', column)))
  const columns: ParquetColumns = {}
  const byName = new Map<string, unknown[]>()
  for (const column of wanted) {
    const values = new Array<unknown>(rows)
    columns[column] = values
    byName.set(columnName('Parquet', column), values)
  }
  await parquetRead({
    file,
    metadata,
    columns: [...byName.keys()],
    rowStart: groupStart,
    rowEnd: groupStart + rows,
    parsers: TIMESTAMPS_AS_MS,
    // Pages arrive as they are decoded: copy each into place.
    onChunk({ columnName: name, columnData, rowStart }) {
      const values = byName.get(name)
      if (!values) return
      for (let j = 0; j < columnData.length; j++) {
        const at = rowStart - groupStart + j
        if (at >= 0 && at < rows) values[at] = columnData[j]
      }
    },
  })
  return columns
}

/** Reads every data file of the report, folding the objects under `prefix` (current ones unless `versions`). */
export async function readInventoryReport(
  client: S3Client,
  report: InventoryReport,
  options: { prefix: string; versions: boolean; signal?: AbortSignal; fold(object: ScannedObject): void; onFile?(): void },
): Promise<void> {
  for (const file of report.files) {
    for await (const row of readInventoryRows(client, report, file, options.signal)) {
      if (!row.key.startsWith(options.prefix)) continue
      if (!options.versions && (!row.isLatest || row.deleteMarker)) continue
      const tier = row.tier ? TIERS[row.tier] : undefined
      options.fold({
        key: row.key,
        size: row.size,
        storageClass: row.storageClass,
        lastModifiedMs: row.lastModifiedMs,
        ...(options.versions ? { isLatest: row.isLatest, deleteMarker: row.deleteMarker } : {}),
        ...(row.versionId ? { versionId: row.versionId } : {}),
        ...(tier ? { itTier: tier } : {}),
      })
    }
    options.onFile?.()
  }
}
