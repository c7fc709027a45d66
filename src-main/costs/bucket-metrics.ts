/**
 * A bucket's storage from CloudWatch: the daily `AWS/S3` BucketSizeBytes of every StorageType the bucket
 * has (ListMetrics) or the price table knows, and NumberOfObjects, in one GetMetricData over the
 * bucket's region (period one day, paged by NextToken), folded into one input per day for the engine.
 */
import {
  GetMetricDataCommand,
  ListMetricsCommand,
  type CloudWatchClient,
  type MetricDataQuery,
  type MetricDataResult,
} from '@aws-sdk/client-cloudwatch'
import type { MetricsInput } from './storage-cost'
import { STORAGE_TYPES } from './storage-cost'

const DAY_MS = 86_400_000

export interface DailyStorage extends MetricsInput {
  timestampMs: number
  bytesByStorageType: Record<string, number>
}

/** StorageTypes of BucketSizeBytes published for the bucket in the last two weeks. */
async function listedStorageTypes(client: CloudWatchClient, bucket: string, signal?: AbortSignal): Promise<string[]> {
  const types: string[] = []
  let NextToken: string | undefined
  do {
    const page = await client.send(
      new ListMetricsCommand({
        Namespace: 'AWS/S3',
        MetricName: 'BucketSizeBytes',
        Dimensions: [{ Name: 'BucketName', Value: bucket }],
        NextToken,
      }),
      { abortSignal: signal },
    )
    for (const metric of page.Metrics ?? []) {
      const type = metric.Dimensions?.find((d) => d.Name === 'StorageType')?.Value
      if (type) types.push(type)
    }
    NextToken = page.NextToken
  } while (NextToken)
  return types
}

/** Daily storage datapoints of the last `days` days, oldest first; empty when S3 has published none yet. */
export async function dailyStorage(
  client: CloudWatchClient,
  bucket: string,
  days: number,
  nowMs: number,
  signal?: AbortSignal,
): Promise<DailyStorage[]> {
  const storageTypes = [...new Set([...Object.keys(STORAGE_TYPES), ...(await listedStorageTypes(client, bucket, signal))])]
  const queries: MetricDataQuery[] = storageTypes.map((type, i) => ({
    Id: `s${i}`,
    Label: type,
    MetricStat: {
      Metric: {
        Namespace: 'AWS/S3',
        MetricName: 'BucketSizeBytes',
        Dimensions: [
          { Name: 'BucketName', Value: bucket },
          { Name: 'StorageType', Value: type },
        ],
      },
      Period: 86_400,
      Stat: 'Average',
    },
  }))
  queries.push({
    Id: 'objects',
    MetricStat: {
      Metric: {
        Namespace: 'AWS/S3',
        MetricName: 'NumberOfObjects',
        Dimensions: [
          { Name: 'BucketName', Value: bucket },
          { Name: 'StorageType', Value: 'AllStorageTypes' },
        ],
      },
      Period: 86_400,
      Stat: 'Average',
    },
  })
  // Whole days: from 00:00 UTC `days` days ago (plus the day S3 has not published yet) to now.
  const endMs = nowMs
  const startMs = (Math.floor(nowMs / DAY_MS) - days - 1) * DAY_MS
  const results: MetricDataResult[] = []
  let NextToken: string | undefined
  do {
    const page = await client.send(
      new GetMetricDataCommand({
        MetricDataQueries: queries,
        StartTime: new Date(startMs),
        EndTime: new Date(endMs),
        ScanBy: 'TimestampAscending',
        NextToken,
      }),
      { abortSignal: signal },
    )
    results.push(...(page.MetricDataResults ?? []))
    NextToken = page.NextToken
  } while (NextToken)

  const byDay = new Map<number, DailyStorage>()
  const day = (timestampMs: number) => {
    let entry = byDay.get(timestampMs)
    if (!entry) byDay.set(timestampMs, (entry = { timestampMs, bytesByStorageType: {} }))
    return entry
  }
  for (const result of results) {
    const type = result.Id === 'objects' ? undefined : storageTypes[Number(result.Id?.slice(1))]
    const timestamps = result.Timestamps ?? []
    const values = result.Values ?? []
    timestamps.forEach((timestamp, i) => {
      const value = values[i]
      if (value === undefined) return
      const entry = day(timestamp.getTime())
      if (type === undefined) entry.numberOfObjects = value
      else entry.bytesByStorageType[type] = (entry.bytesByStorageType[type] ?? 0) + value
    })
  }
  return [...byDay.values()].sort((a, b) => a.timestampMs - b.timestampMs)
}
