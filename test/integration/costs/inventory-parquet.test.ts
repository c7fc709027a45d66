/**
 * The exact scan from a Parquet S3 Inventory report, through the router against the sandbox with the real
 * S3 client. The scene: a versioned bucket of objects in seven classes (odd keys included), an inventory
 * configuration writing Parquet of all versions, and the report S3 would have written for those
 * objects — built from ListObjectVersions of the bucket, in S3's Parquet schema, four row groups — in
 * the destination bucket. The report's figures equal the listing's (current objects and every version),
 * it is read by ranged GETs only, and a damaged file, an ORC report or an ORC configuration get clear
 * answers.
 */
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  ListObjectVersionsCommand,
  PutBucketInventoryConfigurationCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  type InventoryConfiguration,
  type StorageClass,
} from '@aws-sdk/client-s3'
import { createHash, randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ScanResult } from '../../../src-main/api/costs'
import { DAY_MS, PROFILE, startCostsWorld, type CostsWorld } from '../../helpers/costs-world'
import { parquetFileSchema, parquetInventoryFile, type ParquetInventoryRow } from '../../helpers/parquet-inventory'

const SOURCE = 'haneul-parquet-source'
const REPORTS = 'haneul-parquet-reports'
const CONFIG = 'pq-daily'
const ROW_GROUP = 16

let world: CostsWorld
let manifestKey: string
let dataKey: string
let reportMs: number
let rowGroups: number

const CLASSES: StorageClass[] = [
  'STANDARD',
  'STANDARD_IA',
  'ONEZONE_IA',
  'GLACIER_IR',
  'GLACIER',
  'DEEP_ARCHIVE',
  'INTELLIGENT_TIERING',
  'REDUCED_REDUNDANCY',
]
const ODD_KEYS = [
  `문서/${'한글 문서'.normalize('NFC')}.txt`,
  `문서/${'한글 문서'.normalize('NFD')}.txt`,
  'downloads/report+final (1).txt',
  'downloads/100% done.txt',
  'downloads/spaces  twice.txt',
  'images/🎉 launch.svg',
]

const folderOf = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace(':', '-') + 'Z'

/** Puts a report of `body` as data file `dataName` with a manifest in the folder of `atMs`; returns the keys. */
async function putReport(options: { atMs: number; dataName: string; body: Uint8Array; fileFormat?: string; fileSchema?: string }) {
  const base = `reports/${SOURCE}/${CONFIG}`
  const data = `${base}/data/${options.dataName}`
  await world.raw.send(new PutObjectCommand({ Bucket: REPORTS, Key: data, Body: options.body }))
  const manifest = JSON.stringify({
    sourceBucket: SOURCE,
    destinationBucket: `arn:aws:s3:::${REPORTS}`,
    version: '2016-11-30',
    creationTimestamp: String(options.atMs),
    fileFormat: options.fileFormat ?? 'Parquet',
    fileSchema: options.fileSchema ?? parquetFileSchema(true),
    files: [{ key: data, size: options.body.byteLength, MD5checksum: createHash('md5').update(options.body).digest('hex') }],
  })
  const manifestAt = `${base}/${folderOf(options.atMs)}/manifest.json`
  await world.raw.send(new PutObjectCommand({ Bucket: REPORTS, Key: manifestAt, Body: manifest, ContentType: 'application/json' }))
  return { manifestKey: manifestAt, dataKey: data }
}

async function removeReport(keys: { manifestKey: string; dataKey: string }) {
  for (const Key of [keys.manifestKey, keys.dataKey]) await world.raw.send(new DeleteObjectCommand({ Bucket: REPORTS, Key }))
}

/** What S3 Inventory would list for the bucket now: every version and delete marker, from ListObjectVersions. */
async function bucketAsInventoryRows(): Promise<ParquetInventoryRow[]> {
  const rows: ParquetInventoryRow[] = []
  let KeyMarker: string | undefined
  let VersionIdMarker: string | undefined
  do {
    const page = await world.raw.send(new ListObjectVersionsCommand({ Bucket: SOURCE, KeyMarker, VersionIdMarker }))
    // A listing gives versions and delete markers apart; S3's report (and the scan) has them in key order, newest first.
    const entries = [
      ...(page.Versions ?? []).map((v) => ({ ...v, deleteMarker: false })),
      ...(page.DeleteMarkers ?? []).map((m) => ({ ...m, deleteMarker: true, Size: undefined, ETag: undefined, StorageClass: undefined })),
    ].sort((a, b) => (a.Key! < b.Key! ? -1 : a.Key! > b.Key! ? 1 : b.LastModified!.getTime() - a.LastModified!.getTime()))
    for (const entry of entries) {
      // ListObjectVersions answers every class, though the SDK types it as STANDARD only.
      const storageClass = (entry.StorageClass as string | undefined) ?? null
      rows.push({
        bucket: SOURCE,
        key: entry.Key!,
        versionId: entry.VersionId,
        isLatest: entry.IsLatest ?? false,
        isDeleteMarker: entry.deleteMarker,
        size: entry.deleteMarker ? null : (entry.Size ?? 0),
        lastModifiedMs: entry.LastModified!.getTime(),
        eTag: entry.ETag ?? null,
        storageClass,
        tier: storageClass === 'INTELLIGENT_TIERING' ? 'FREQUENT' : null,
      })
    }
    KeyMarker = page.IsTruncated ? page.NextKeyMarker : undefined
    VersionIdMarker = page.IsTruncated ? page.NextVersionIdMarker : undefined
  } while (KeyMarker)
  return rows
}

const configuration = (id: string, format: 'Parquet' | 'ORC'): InventoryConfiguration => ({
  Id: id,
  IsEnabled: true,
  IncludedObjectVersions: 'All',
  Destination: { S3BucketDestination: { Bucket: `arn:aws:s3:::${REPORTS}`, Format: format, Prefix: 'reports' } },
  OptionalFields: ['Size', 'LastModifiedDate', 'ETag', 'StorageClass', 'IntelligentTieringAccessTier'],
  Schedule: { Frequency: 'Daily' },
})

beforeAll(async () => {
  world = await startCostsWorld()
  const { raw } = world
  await raw.send(new CreateBucketCommand({ Bucket: SOURCE }))
  await raw.send(new CreateBucketCommand({ Bucket: REPORTS }))
  await raw.send(new PutBucketVersioningCommand({ Bucket: SOURCE, VersioningConfiguration: { Status: 'Enabled' } }))
  // 48 objects over three folders and eight classes (sizes either side of 128 KB), the odd keys,
  // then new versions of six objects and two deletes: current objects, noncurrent versions, delete markers.
  for (let i = 0; i < 48; i++)
    await raw.send(
      new PutObjectCommand({
        Bucket: SOURCE,
        Key: `${['media', 'logs', 'media/originals'][i % 3]}/object-${String(i).padStart(3, '0')}.bin`,
        Body: Buffer.alloc(i % 4 === 0 ? 300 * 1024 + i : 1000 + i * 37, i),
        StorageClass: CLASSES[i % CLASSES.length],
      }),
    )
  for (const key of ODD_KEYS) await raw.send(new PutObjectCommand({ Bucket: SOURCE, Key: key, Body: `body of ${key}` }))
  for (let i = 0; i < 6; i++)
    await raw.send(
      new PutObjectCommand({ Bucket: SOURCE, Key: `media/object-${String(i * 3).padStart(3, '0')}.bin`, Body: Buffer.alloc(200 * 1024) }),
    )
  await raw.send(new DeleteObjectCommand({ Bucket: SOURCE, Key: 'logs/object-001.bin' }))
  await raw.send(new DeleteObjectCommand({ Bucket: SOURCE, Key: 'downloads/100% done.txt' }))
  await raw.send(
    new PutBucketInventoryConfigurationCommand({ Bucket: SOURCE, Id: CONFIG, InventoryConfiguration: configuration(CONFIG, 'Parquet') }),
  )

  // S3 starts the report an hour later; the scans run 200 days on, past every minimum storage duration
  // (so the two scans, milliseconds apart, owe the same early-deletion charges: none).
  reportMs = Math.floor((world.nowMs() + 3_600_000) / 60_000) * 60_000
  const rows = await bucketAsInventoryRows()
  rowGroups = Math.ceil(rows.length / ROW_GROUP)
  ;({ manifestKey, dataKey } = await putReport({
    atMs: reportMs,
    dataName: `${randomUUID()}.parquet`,
    body: parquetInventoryFile(rows, { versions: true, rowGroupSize: ROW_GROUP }),
  }))
  world.clock.offsetMs = 200 * DAY_MS
}, 120_000)

afterAll(async () => {
  await world?.close()
})

const scan = (payload: Record<string, unknown>, app = world.open()) =>
  app.ok<ScanResult>('scanPrefix', { profileId: PROFILE, bucket: SOURCE, ...payload })

describe('scan from a Parquet S3 Inventory report', () => {
  it('reads the report by ranged GETs, says it is Parquet and of when, and finds what the listing finds', async () => {
    world.sandbox.s3.clearRequestLog()
    const fromReport = await scan({})
    expect(fromReport.from).toEqual({
      kind: 'inventory',
      configurationId: CONFIG,
      destinationBucket: REPORTS,
      manifestKey,
      format: 'Parquet',
      reportMs,
    })
    expect(manifestKey).toBe(`reports/${SOURCE}/${CONFIG}/${folderOf(reportMs)}/manifest.json`)
    // The data file: one HeadObject, then only ranged GETs — the footer, and each of the row groups.
    const reads = world.sandbox.s3.requestLog.filter((r) => r.bucket === REPORTS && r.key === dataKey)
    expect(reads[0]).toMatchObject({ operation: 'HeadObject', status: 200 })
    const gets = reads.filter((r) => r.operation === 'GetObject')
    expect(gets.length).toBeGreaterThanOrEqual(1 + rowGroups)
    for (const get of gets) expect(get).toMatchObject({ status: 206, range: expect.stringMatching(/^bytes=\d+-\d+$/) })

    const listed = await scan({ method: 'listing' })
    expect(listed.from).toEqual({ kind: 'listing' })
    expect(fromReport.summary.totals).toEqual(listed.summary.totals)
    expect(fromReport.summary.totals.objects).toBe(48 + ODD_KEYS.length - 2)
    expect(fromReport.summary.classes).toEqual(listed.summary.classes)
    expect(fromReport.summary.classes.map((c) => c.storageClass).sort()).toEqual([...CLASSES].sort())
    expect(fromReport.summary.storageTypeBytes).toEqual(listed.summary.storageTypeBytes)
    expect(fromReport.summary.tree).toEqual(listed.summary.tree)
    expect(new Set(fromReport.summary.largest.map((o) => `${o.key} ${o.size} ${o.storageClass}`))).toEqual(
      new Set(listed.summary.largest.map((o) => `${o.key} ${o.size} ${o.storageClass}`)),
    )
    // Keys come as they are (a Parquet report does not URL-encode them): both Korean forms, '+', spaces.
    const underDocs = await scan({ prefix: '문서/' })
    expect(underDocs.from?.kind).toBe('inventory')
    expect(underDocs.summary.largest.map((o) => o.key).sort()).toEqual(ODD_KEYS.slice(0, 2).sort())
    const downloads = await scan({ prefix: 'downloads/' })
    expect(downloads.summary.largest.map((o) => o.key).sort()).toEqual(['downloads/report+final (1).txt', 'downloads/spaces  twice.txt'])
  })

  it('reads every version and delete marker when asked, as the version listing does', async () => {
    const fromReport = await scan({ versions: true })
    expect(fromReport.from).toMatchObject({ kind: 'inventory', format: 'Parquet', reportMs })
    const listed = await scan({ versions: true, method: 'listing' })
    expect(fromReport.summary.versions).toEqual(listed.summary.versions)
    expect(fromReport.summary.versions).toMatchObject({ noncurrent: 6 + 2, deleteMarkers: 2 })
    expect(fromReport.summary.totals).toEqual(listed.summary.totals)
    expect(fromReport.summary.classes).toEqual(listed.summary.classes)
    expect(fromReport.summary.tree).toEqual(listed.summary.tree)
  })

  it('a what-if rule works on the objects read from the report', async () => {
    const app = world.open()
    const media = await scan({ prefix: 'media/' }, app)
    const listed = await scan({ prefix: 'media/', method: 'listing' }, app)
    expect(media.from?.kind).toBe('inventory')
    const rule = { olderThanDays: 30, target: 'GLACIER' }
    const [fromReport, fromListing] = await Promise.all(
      [media, listed].map((result) => app.ok<{ result: { matched: { objects: number } } }>('whatIf', { scanId: result.scanId, rule })),
    )
    expect(fromReport!.result.matched.objects).toBe(media.summary.totals.objects)
    expect(fromReport!.result).toEqual(fromListing!.result)
  })

  it('a damaged Parquet file is named, with what to do, and the listing still answers', async () => {
    const good = parquetInventoryFile(await bucketAsInventoryRows(), { versions: true, rowGroupSize: ROW_GROUP })
    // A truncated file (no footer), then one whose footer is whole but a column chunk is overwritten.
    const truncated = good.slice(0, Math.floor(good.byteLength / 2))
    const scrambled = good.slice()
    scrambled.fill(0xff, 4, Math.floor(good.byteLength / 3))
    for (const [n, body] of [truncated, scrambled].entries()) {
      const later = await putReport({ atMs: reportMs + (n + 1) * DAY_MS, dataName: `damaged-${n}.parquet`, body })
      try {
        const refused = await world.open().call('scanPrefix', { profileId: PROFILE, bucket: SOURCE })
        expect(refused).toEqual({
          ok: false,
          error: expect.objectContaining({
            code: 'unsupported',
            message: expect.stringMatching(
              new RegExp(
                `^The inventory report ${later.manifestKey} could not be read: ${later.dataKey} is not a valid Parquet file \\(.+\\)\\. ` +
                  'Scan with "List every object" instead, or wait for the next report\\.$',
              ),
            ),
          }),
        })
        const listed = await scan({ method: 'listing' })
        expect(listed.summary.totals.objects).toBe(48 + ODD_KEYS.length - 2)
      } finally {
        await removeReport(later)
      }
    }
  })

  it('an ORC report, or a configuration writing ORC, is not read: the listing answers and says why', async () => {
    // The configuration still says Parquet, but its latest report is ORC (the format was changed back).
    const orc = await putReport({
      atMs: reportMs + 3 * DAY_MS,
      dataName: `${randomUUID()}.orc`,
      body: Buffer.from('ORC not really'),
      fileFormat: 'ORC',
      fileSchema: 'struct<bucket:string,key:string,size:bigint,last_modified_date:timestamp,storage_class:string>',
    })
    try {
      const listed = await scan({})
      expect(listed.from).toEqual({
        kind: 'listing',
        inventoryNote: `the latest report of inventory ${CONFIG} is ORC; Haneul reads CSV and Parquet reports`,
      })
      const refused = await world.open().call('scanPrefix', { profileId: PROFILE, bucket: SOURCE, method: 'inventory' })
      expect(refused).toEqual({
        ok: false,
        error: expect.objectContaining({
          code: 'not-found',
          message: `No inventory report can be used: the latest report of inventory ${CONFIG} is ORC; Haneul reads CSV and Parquet reports.`,
        }),
      })
    } finally {
      await removeReport(orc)
    }

    const orcBucket = 'haneul-orc-source'
    await world.raw.send(new CreateBucketCommand({ Bucket: orcBucket }))
    await world.raw.send(new PutObjectCommand({ Bucket: orcBucket, Key: 'a.txt', Body: 'a' }))
    await world.raw.send(
      new PutBucketInventoryConfigurationCommand({
        Bucket: orcBucket,
        Id: 'orc-weekly',
        InventoryConfiguration: configuration('orc-weekly', 'ORC'),
      }),
    )
    const fromListing = await world.open().ok<ScanResult>('scanPrefix', { profileId: PROFILE, bucket: orcBucket })
    expect(fromListing.from).toEqual({
      kind: 'listing',
      inventoryNote: 'inventory orc-weekly writes ORC; Haneul reads CSV and Parquet reports',
    })
    expect(fromListing.summary.totals.objects).toBe(1)
  })

  it('a manifest whose schema lacks a column costs needs is not used, and says which', async () => {
    const noSize = await putReport({
      atMs: reportMs + 4 * DAY_MS,
      dataName: `${randomUUID()}.parquet`,
      body: Buffer.from('unused'),
      fileSchema:
        'message s3.inventory {  required binary bucket (STRING);  required binary key (STRING);  optional binary storage_class (STRING);}',
    })
    try {
      const listed = await scan({})
      expect(listed.from).toEqual({
        kind: 'listing',
        inventoryNote: `the latest report of inventory ${CONFIG} lacks size, last_modified_date`,
      })
    } finally {
      await removeReport(noSize)
    }
  })
})
