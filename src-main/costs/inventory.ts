/**
 * S3 Inventory as the scan's source for big buckets: the bucket's inventory configurations
 * (ListBucketInventoryConfigurations), the latest report of one that covers the prefix, and its data
 * files read as a stream (GetObject → gunzip → lines), one object at a time, so memory stays bounded.
 *
 * Layout (S3 User Guide, "Locating your inventory list"): in the destination bucket,
 * `[destination-prefix/]source-bucket/config-ID/YYYY-MM-DDTHH-MMZ/manifest.json` names the report's
 * `fileFormat`, `fileSchema` and `files` (`data/<uuid>.csv.gz`). CSV reports are read; ORC and Parquet
 * are named as the reason the listing is used instead. CSV rows are fully quoted, with keys URL-encoded
 * (so no field spans lines); LastModifiedDate is ISO 8601.
 */
import { GetObjectCommand, ListBucketInventoryConfigurationsCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3'
import type { InventoryConfiguration } from '@aws-sdk/client-s3'
import { createInterface } from 'node:readline'
import { pipeline, type Readable } from 'node:stream'
import { createGunzip } from 'node:zlib'
import type { IntelligentTieringTier } from './prices'
import type { ScannedObject } from './scan-aggregator'

/** The fields a report needs for costs (OptionalFields in the configuration). */
const NEEDED_FIELDS = ['Size', 'StorageClass', 'LastModifiedDate'] as const

export interface InventoryReport {
  configurationId: string
  destinationBucket: string
  manifestKey: string
  /** The manifest's creationTimestamp: when S3 started the report (the figures are as of then). */
  createdMs: number
  fileFormat: string
  fileSchema: string[]
  files: Array<{ key: string; size: number }>
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
  if (format !== 'CSV') return `inventory ${id} writes ${format ?? 'an unknown format'}; Haneul reads CSV reports`
  const filter = configuration.Filter?.Prefix ?? ''
  if (!prefix.startsWith(filter)) return `inventory ${id} covers only "${filter}"`
  if (versions && configuration.IncludedObjectVersions !== 'All') return `inventory ${id} lists current versions only`
  const fields = new Set<string>(configuration.OptionalFields ?? [])
  const missing = NEEDED_FIELDS.filter((field) => !fields.has(field))
  if (missing.length) return `inventory ${id} lacks ${missing.join(', ')}`
  return undefined
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
    for (const folder of dates) {
      const manifestKey = `${folder}manifest.json`
      const manifest = await readManifest(client, destinationBucket, manifestKey, signal)
      if (manifest) return { report: { configurationId: configuration.Id!, destinationBucket, manifestKey, ...manifest } }
    }
    reasons.push(`inventory ${configuration.Id} has no report yet (S3 writes the first within 48 hours)`)
  }
  return { why: reasons.join('; ') }
}

async function readManifest(
  client: S3Client,
  bucket: string,
  key: string,
  signal?: AbortSignal,
): Promise<Omit<InventoryReport, 'configurationId' | 'destinationBucket' | 'manifestKey'> | undefined> {
  let text: string
  try {
    const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: signal })
    text = (await object.Body?.transformToString('utf-8')) ?? ''
  } catch (error) {
    if ((error as { name?: string }).name === 'NoSuchKey') return undefined
    throw error
  }
  const manifest = JSON.parse(text) as {
    creationTimestamp?: string
    fileFormat?: string
    fileSchema?: string
    files?: Array<{ key?: string; size?: number }>
  }
  return {
    createdMs: Number(manifest.creationTimestamp ?? 0),
    fileFormat: manifest.fileFormat ?? '',
    fileSchema: (manifest.fileSchema ?? '').split(',').map((field) => field.trim()),
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

/** Reads every data file of the report, folding the objects under `prefix` (current ones unless `versions`). */
export async function readInventoryReport(
  client: S3Client,
  report: InventoryReport,
  options: { prefix: string; versions: boolean; signal?: AbortSignal; fold(object: ScannedObject): void; onFile?(): void },
): Promise<void> {
  const at = (name: string) => report.fileSchema.indexOf(name)
  const column = {
    key: at('Key'),
    versionId: at('VersionId'),
    isLatest: at('IsLatest'),
    deleteMarker: at('IsDeleteMarker'),
    size: at('Size'),
    modified: at('LastModifiedDate'),
    storageClass: at('StorageClass'),
    tier: at('IntelligentTieringAccessTier'),
  }
  if (column.key < 0 || column.size < 0 || column.modified < 0 || column.storageClass < 0)
    throw new Error(`the inventory report ${report.manifestKey} lacks Key, Size, LastModifiedDate or StorageClass`)
  for (const file of report.files) {
    const object = await client.send(new GetObjectCommand({ Bucket: report.destinationBucket, Key: file.key }), {
      abortSignal: options.signal,
    })
    const body = object.Body as Readable
    // pipeline, not pipe: a body the network breaks (or a cancel) must end the read with its error.
    const lines = createInterface({ input: pipeline(body, createGunzip(), () => {}), crlfDelay: Infinity })
    for await (const line of lines) {
      if (line === '') continue
      const fields = parseInventoryLine(line)
      const key = decodeInventoryKey(fields[column.key] ?? '')
      if (!key.startsWith(options.prefix)) continue
      const isLatest = column.isLatest < 0 || fields[column.isLatest] !== 'false'
      const deleteMarker = column.deleteMarker >= 0 && fields[column.deleteMarker] === 'true'
      if (!options.versions && (!isLatest || deleteMarker)) continue
      const tier = column.tier >= 0 ? TIERS[fields[column.tier] ?? ''] : undefined
      const versionId = column.versionId >= 0 ? fields[column.versionId] : undefined
      options.fold({
        key,
        size: Number(fields[column.size] || 0),
        storageClass: fields[column.storageClass] || 'STANDARD',
        lastModifiedMs: Date.parse(fields[column.modified] ?? '') || 0,
        ...(options.versions ? { isLatest, deleteMarker } : {}),
        ...(versionId ? { versionId } : {}),
        ...(tier ? { itTier: tier } : {}),
      })
    }
    options.onFile?.()
  }
}
