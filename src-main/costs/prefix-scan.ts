/**
 * The exact scan of a prefix: ListObjectsV2 (or ListObjectVersions) page by page, then
 * ListMultipartUploads and each upload's ListParts, folded into a ScanAggregator and an ObjectTable.
 * The scan keeps where it is (continuation token, key markers), so a scan the network stopped can go on
 * from the page it was at into the same aggregator. Memory: the aggregator is bounded; the table grows
 * with the objects up to its own cap; only the last few scans are kept (ScanStore).
 */
import {
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  ListPartsCommand,
  type S3Client,
} from '@aws-sdk/client-s3'
import type { ScanOrigin } from '../api/costs'
import { findInventoryReport, readInventoryReport, type InventoryChoice, type InventoryReport } from './inventory'
import { ObjectTable } from './object-table'
import type { PriceBook } from './prices'
import { ScanAggregator, type ScannedObject } from './scan-aggregator'

export interface ScanPosition {
  phase: 'objects' | 'uploads' | 'done'
  continuationToken?: string
  keyMarker?: string
  versionIdMarker?: string
  uploadKeyMarker?: string
  uploadIdMarker?: string
  /** The last key folded in. */
  afterKey?: string
  /**
   * While the objects come from an inventory report: the report (kept, so a resume reads the same one),
   * the data file being read, and how many of that file's objects are folded in already. Report files
   * never change, so a resume re-reads the file and skips those.
   */
  inventory?: { report: InventoryReport; file: number; foldedInFile: number }
}

export interface PrefixScan {
  id: string
  profileId: string
  bucket: string
  prefix: string
  versions: boolean
  book: PriceBook
  nowMs: number
  aggregator: ScanAggregator
  table: ObjectTable
  position: ScanPosition
  /** Objects and bytes folded in so far (over resumes). */
  listed: { objects: number; bytes: number }
  /** Why the scan stopped before the end, while it has. */
  stopped?: string
  /** Where the objects came from (the listing unless an inventory report was read). */
  from: ScanOrigin
}

export interface ScanOptions {
  pageSize: number
  signal?: AbortSignal
  /** After each page: what has been listed so far. */
  onPage(objects: number, bytes: number): void
}

/** Byte order of UTF-8, as S3 lists keys. */
const keyOrder = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b))

export function newScan(fields: Omit<PrefixScan, 'aggregator' | 'table' | 'position' | 'listed' | 'from'>, tableRows?: number): PrefixScan {
  const table = new ObjectTable(tableRows)
  return {
    ...fields,
    from: { kind: 'listing' },
    table,
    aggregator: new ScanAggregator({ book: fields.book, nowMs: fields.nowMs, prefix: fields.prefix, table }),
    position: { phase: 'objects' },
    listed: { objects: 0, bytes: 0 },
  }
}

/**
 * Lists (or reads the chosen inventory report) from where the scan is to the end; a failure leaves
 * `position` at the page (or report file and object) that failed, so calling it again resumes.
 */
export async function runScan(client: S3Client, scan: PrefixScan, options: ScanOptions): Promise<void> {
  const { bucket, prefix, position } = scan
  const abortSignal = options.signal
  const { listed } = scan
  const fold = (object: ScannedObject) => {
    scan.aggregator.add(object)
    listed.objects++
    listed.bytes += object.size
    position.afterKey = object.key
  }
  if (position.phase === 'objects' && position.inventory) await readReport(client, scan, position.inventory, fold, options)
  while (position.phase === 'objects') {
    if (scan.versions) {
      const page = await client.send(
        new ListObjectVersionsCommand({
          Bucket: bucket,
          Prefix: prefix || undefined,
          KeyMarker: position.keyMarker,
          VersionIdMarker: position.versionIdMarker,
          MaxKeys: options.pageSize,
        }),
        { abortSignal },
      )
      // The SDK splits the listing's one sequence into versions and delete markers: put it back in
      // S3's order (key, then newest first) so noncurrent versions age from their successor.
      const entries = [
        ...(page.Versions ?? []).map((v) => ({
          key: v.Key ?? '',
          size: v.Size ?? 0,
          storageClass: v.StorageClass ?? 'STANDARD',
          lastModifiedMs: v.LastModified?.getTime() ?? 0,
          isLatest: v.IsLatest ?? true,
          ...(v.VersionId ? { versionId: v.VersionId } : {}),
        })),
        ...(page.DeleteMarkers ?? []).map((m) => ({
          key: m.Key ?? '',
          size: 0,
          lastModifiedMs: m.LastModified?.getTime() ?? 0,
          isLatest: m.IsLatest ?? true,
          deleteMarker: true,
          ...(m.VersionId ? { versionId: m.VersionId } : {}),
        })),
      ].sort((a, b) => keyOrder(a.key, b.key) || Number(b.isLatest) - Number(a.isLatest) || b.lastModifiedMs - a.lastModifiedMs)
      for (const entry of entries) fold(entry)
      if (page.IsTruncated) {
        position.keyMarker = page.NextKeyMarker
        position.versionIdMarker = page.NextVersionIdMarker
      } else position.phase = 'uploads'
    } else {
      const page = await client.send(
        new ListObjectsV2Command({
          Bucket: bucket,
          Prefix: prefix || undefined,
          ContinuationToken: position.continuationToken,
          MaxKeys: options.pageSize,
        }),
        { abortSignal },
      )
      for (const o of page.Contents ?? [])
        fold({
          key: o.Key ?? '',
          size: o.Size ?? 0,
          storageClass: o.StorageClass ?? 'STANDARD',
          lastModifiedMs: o.LastModified?.getTime() ?? 0,
        })
      if (page.IsTruncated && page.NextContinuationToken) position.continuationToken = page.NextContinuationToken
      else position.phase = 'uploads'
    }
    options.onPage(listed.objects, listed.bytes)
  }
  while (position.phase === 'uploads') {
    const page = await client.send(
      new ListMultipartUploadsCommand({
        Bucket: bucket,
        Prefix: prefix || undefined,
        KeyMarker: position.uploadKeyMarker,
        UploadIdMarker: position.uploadIdMarker,
      }),
      { abortSignal },
    )
    for (const upload of page.Uploads ?? []) {
      const key = upload.Key ?? ''
      const uploadId = upload.UploadId ?? ''
      let partBytes = 0
      let PartNumberMarker: string | undefined
      for (;;) {
        const parts = await client.send(new ListPartsCommand({ Bucket: bucket, Key: key, UploadId: uploadId, PartNumberMarker }), {
          abortSignal,
        })
        for (const part of parts.Parts ?? []) partBytes += part.Size ?? 0
        if (!parts.IsTruncated || !parts.NextPartNumberMarker) break
        PartNumberMarker = parts.NextPartNumberMarker
      }
      scan.aggregator.addUpload({
        key,
        uploadId,
        initiatedMs: upload.Initiated?.getTime() ?? 0,
        ...(upload.StorageClass ? { storageClass: upload.StorageClass } : {}),
        bytes: partBytes,
      })
    }
    if (page.IsTruncated) {
      position.uploadKeyMarker = page.NextKeyMarker
      position.uploadIdMarker = page.NextUploadIdMarker
    } else position.phase = 'done'
  }
}

/**
 * Chooses the bucket's latest S3 Inventory report for runScan to read the objects from instead of listing
 * them, when one covers the prefix (`required`: or fails saying why). Without one the scan stays a
 * listing, with the reason in `from`.
 */
export async function chooseInventoryReport(
  client: S3Client,
  scan: PrefixScan,
  options: { required: boolean; signal?: AbortSignal },
): Promise<void> {
  const choice: InventoryChoice = await findInventoryReport(client, scan.bucket, scan.prefix, scan.versions, options.signal).catch(
    (error: unknown) => {
      // Denied or unreadable: the listing still works (the reason is shown).
      if ((error as { name?: string }).name === 'AbortError' || options.signal?.aborted) throw error
      return { why: `the inventory could not be read: ${error instanceof Error ? error.message : String(error)}` }
    },
  )
  if (!choice.report) {
    if (options.required) throw new InventoryUnavailable(choice.why)
    scan.from = { kind: 'listing', inventoryNote: choice.why }
    return
  }
  const { report } = choice
  scan.position.inventory = { report, file: 0, foldedInFile: 0 }
  scan.from = {
    kind: 'inventory',
    configurationId: report.configurationId,
    destinationBucket: report.destinationBucket,
    manifestKey: report.manifestKey,
    format: report.fileFormat,
    reportMs: report.createdMs,
  }
}

/** Reads the report's files from where `at` says, skipping what an interrupted read folded in already. */
async function readReport(
  client: S3Client,
  scan: PrefixScan,
  at: NonNullable<ScanPosition['inventory']>,
  fold: (object: ScannedObject) => void,
  options: ScanOptions,
): Promise<void> {
  let skip = at.foldedInFile
  await readInventoryReport(
    client,
    { ...at.report, files: at.report.files.slice(at.file) },
    {
      prefix: scan.prefix,
      versions: scan.versions,
      ...(options.signal ? { signal: options.signal } : {}),
      fold: (object) => {
        if (skip > 0) {
          skip--
          return
        }
        fold(object)
        at.foldedInFile++
      },
      onFile: () => {
        at.file++
        at.foldedInFile = 0
        skip = 0
        options.onPage(scan.listed.objects, scan.listed.bytes)
      },
    },
  )
  scan.position.inventory = undefined
  scan.position.phase = 'uploads'
}

export class InventoryUnavailable extends Error {}

/** The last few scans by id (oldest dropped first, and `onDrop` told): their tables are what whatIf evaluates. */
export class ScanStore<T extends { id: string } = PrefixScan> {
  private readonly scans = new Map<string, T>()
  constructor(
    private readonly keep: number,
    private readonly onDrop: (id: string) => void = () => {},
  ) {}

  get(id: string): T | undefined {
    return this.scans.get(id)
  }

  /** Adds (or refreshes) a scan as the newest. */
  put(scan: T): void {
    this.scans.delete(scan.id)
    this.scans.set(scan.id, scan)
    while (this.scans.size > this.keep) this.delete(this.scans.keys().next().value!)
  }

  delete(id: string): void {
    if (this.scans.delete(id)) this.onDrop(id)
  }

  /** Forgets every scan without telling onDrop (their owner is gone). */
  clear(): void {
    this.scans.clear()
  }

  get size(): number {
    return this.scans.size
  }
}
