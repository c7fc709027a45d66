/**
 * `AWS/S3` daily storage metrics computed from the S3 emulator's real contents (metrics-dimensions.md):
 * BucketSizeBytes per StorageType (all versions and the parts of unfinished multipart uploads, plus the
 * archive and minimum-size overheads S3 bills) and NumberOfObjects with StorageType=AllStorageTypes
 * (versions, delete markers and upload parts). One datapoint per day at 00:00 UTC for each finished
 * day, each counting what existed by the end of that day — the contents' LastModified dates give the
 * history (what was deleted is gone, so the past is "the objects that are still here").
 */
import type { S3Store } from '../s3/index'
import type { Datum, MetricSeries, MetricSource } from './series'

const DAY_MS = 24 * 3600_000
const KIB = 1024
/** S3's minimum billable size for the IA and Glacier Instant Retrieval classes. */
const MIN_BILLABLE_BYTES = 128 * KIB

/** One stored thing S3 counts: an object version, a delete marker or an upload part. */
export interface StoredItem {
  size: number
  storageClass: string
  lastModifiedMs: number
  /** Counted in NumberOfObjects, no bytes. */
  deleteMarker?: boolean
}

/** What the metrics need from an S3 store. */
export interface S3Contents {
  bucketNames(): string[]
  items(bucket: string): Iterable<StoredItem>
}

/** Reads an S3 emulator store: every version of every key, and the parts of unfinished uploads. */
export function s3StoreContents(store: S3Store): S3Contents {
  return {
    bucketNames: () => store.bucketNames(),
    *items(bucket) {
      const state = store.bucket(bucket)
      if (!state) return
      for (const versions of state.objects.values()) {
        for (const v of versions)
          yield { size: v.size, storageClass: v.storageClass, lastModifiedMs: v.lastModifiedMs, deleteMarker: v.deleteMarker }
      }
      for (const upload of state.uploads.values()) {
        for (const part of upload.parts.values()) {
          yield { size: part.size, storageClass: upload.record.storageClass, lastModifiedMs: part.lastModifiedMs }
        }
      }
    },
  }
}

/** Bytes an item adds to each StorageType of BucketSizeBytes. */
export function storageTypesOf(item: StoredItem): Array<[string, number]> {
  if (item.deleteMarker) return []
  const small = Math.max(0, MIN_BILLABLE_BYTES - item.size)
  switch (item.storageClass) {
    case 'STANDARD':
      return [['StandardStorage', item.size]]
    case 'REDUCED_REDUNDANCY':
      return [['ReducedRedundancyStorage', item.size]]
    case 'INTELLIGENT_TIERING':
      return [['IntelligentTieringFAStorage', item.size]]
    case 'STANDARD_IA':
      return [['StandardIAStorage', item.size], ...(small ? [['StandardIASizeOverhead', small] as [string, number]] : [])]
    case 'ONEZONE_IA':
      return [['OneZoneIAStorage', item.size], ...(small ? [['OneZoneIASizeOverhead', small] as [string, number]] : [])]
    case 'GLACIER_IR':
      return [
        ['GlacierInstantRetrievalStorage', item.size],
        ...(small ? [['GlacierInstantRetrievalSizeOverhead', small] as [string, number]] : []),
      ]
    // Archived objects carry 40 KB: 32 KB of index at the archive rate, 8 KB of name and metadata at STANDARD's.
    case 'GLACIER':
      return [
        ['GlacierStorage', item.size],
        ['GlacierObjectOverhead', 32 * KIB],
        ['GlacierS3ObjectOverhead', 8 * KIB],
      ]
    case 'DEEP_ARCHIVE':
      return [
        ['DeepArchiveStorage', item.size],
        ['DeepArchiveObjectOverhead', 32 * KIB],
        ['DeepArchiveS3ObjectOverhead', 8 * KIB],
      ]
    default:
      return [['StandardStorage', item.size]]
  }
}

/** Running totals per metric key over days, from items sorted by time. */
function dailySeries(items: StoredItem[], nowMs: number): Map<string, Datum[]> {
  const out = new Map<string, Datum[]>()
  if (items.length === 0) return out
  items.sort((a, b) => a.lastModifiedMs - b.lastModifiedMs)
  // The last finished day; at most 456 days back (CloudWatch keeps 455).
  const lastDay = Math.floor(nowMs / DAY_MS) * DAY_MS - DAY_MS
  const firstDay = Math.max(Math.floor(items[0]!.lastModifiedMs / DAY_MS) * DAY_MS, lastDay - 456 * DAY_MS)
  const totals = new Map<string, number>()
  let next = 0
  for (let day = firstDay; day <= lastDay; day += DAY_MS) {
    for (; next < items.length && items[next]!.lastModifiedMs < day + DAY_MS; next++) {
      const item = items[next]!
      for (const [type, bytes] of storageTypesOf(item))
        totals.set(`BucketSizeBytes/${type}`, (totals.get(`BucketSizeBytes/${type}`) ?? 0) + bytes)
      totals.set('NumberOfObjects/AllStorageTypes', (totals.get('NumberOfObjects/AllStorageTypes') ?? 0) + 1)
    }
    for (const [key, value] of totals) {
      const list = out.get(key) ?? []
      list.push({ timeMs: day, sampleCount: 1, sum: value, min: value, max: value })
      out.set(key, list)
    }
  }
  return out
}

export function s3StorageMetrics(contents: S3Contents): MetricSource {
  return {
    series(nowMs) {
      return contents.bucketNames().flatMap((bucket) => {
        let computed: Map<string, Datum[]> | undefined
        const data = () => (computed ??= dailySeries([...contents.items(bucket)], nowMs))
        // Which series exist is known only after reading the bucket; ListMetrics needs the names.
        return [...data().keys()].map((key): MetricSeries => {
          const [metricName, storageType] = key.split('/') as [string, string]
          return {
            namespace: 'AWS/S3',
            metricName,
            dimensions: [
              { Name: 'BucketName', Value: bucket },
              { Name: 'StorageType', Value: storageType },
            ],
            unit: metricName === 'BucketSizeBytes' ? 'Bytes' : 'Count',
            data: () => data().get(key) ?? [],
          }
        })
      })
    },
  }
}
