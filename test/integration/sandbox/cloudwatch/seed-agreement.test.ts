/**
 * Metrics and logs of the seeded sandbox agree, read the way the app will read them: the log files
 * through the S3 emulator and the real S3 client into the log parser, the metrics through the real
 * CloudWatch client from the CloudWatch emulator wired to the seeded store and the CloudFront emulator.
 */
import { GetObjectCommand, paginateListObjectsV2 } from '@aws-sdk/client-s3'
import { CloudWatchClient, GetMetricDataCommand, GetMetricStatisticsCommand } from '@aws-sdk/client-cloudwatch'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LogAggregator, readLogFile, type LogRecord } from '../../../../src-main/cloudfront/logs/index'
import { SANDBOX_ACCESS_KEY_ID, SANDBOX_SECRET_ACCESS_KEY } from '../../../../src-main/sandbox/credentials'
import { createCloudFrontEmulator } from '../../../../src-main/sandbox/cloudfront/index'
import { createCloudWatchEmulator, sandboxMetricSources } from '../../../../src-main/sandbox/cloudwatch/index'
import { DEMO_DISTRIBUTION_ID, DEMO_LOG_PREFIX, LOG_BUCKET, seedSandbox } from '../../../../src-main/sandbox/seed'
import { startS3, type RunningS3 } from '../../../helpers/sandbox-s3-harness'
import { serve, type Served } from '../../../helpers/serve'

const HOUR = 3600_000
const DAY = 24 * HOUR
const seededAt = Date.parse('2026-12-01T12:34:56Z')
// The sandbox restarted a day later: metrics must still match the logs written at seeding.
let now = seededAt
let s3: RunningS3
let served: Served
let cloudwatch: CloudWatchClient
const perDay = new Map<string, { requests: number; bytes: number }>()
const aggregator = new LogAggregator()

beforeAll(async () => {
  s3 = await startS3({ nowMs: () => now })
  await seedSandbox(s3.emulator.store, 'assets/sandbox', () => now)
  now = seededAt + DAY
  const cloudfront = createCloudFrontEmulator({ credentials: s3.credentials, nowMs: () => now })
  const emulator = createCloudWatchEmulator({
    credentials: s3.credentials,
    nowMs: () => now,
    sources: sandboxMetricSources({ s3Store: s3.emulator.store, monitoringSince: cloudfront.monitoringSince }),
  })
  served = await serve(emulator.handle)
  cloudwatch = new CloudWatchClient({
    endpoint: served.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: SANDBOX_ACCESS_KEY_ID, secretAccessKey: SANDBOX_SECRET_ACCESS_KEY },
  })

  const onRecord = (record: LogRecord) => {
    aggregator.add(record)
    const day = new Date(record.timeMs).toISOString().slice(0, 10)
    const entry = perDay.get(day) ?? { requests: 0, bytes: 0 }
    entry.requests++
    entry.bytes += record.scBytes
    perDay.set(day, entry)
  }
  for await (const page of paginateListObjectsV2({ client: s3.s3 }, { Bucket: LOG_BUCKET, Prefix: DEMO_LOG_PREFIX })) {
    for (const object of page.Contents ?? []) {
      const reply = await s3.s3.send(new GetObjectCommand({ Bucket: LOG_BUCKET, Key: object.Key }))
      aggregator.addFile(await readLogFile(object.Key!, reply.Body as AsyncIterable<Uint8Array>, onRecord))
    }
  }
}, 120_000)
afterAll(async () => {
  await served.close()
  await s3.close()
})

const dimensions = [
  { Name: 'DistributionId', Value: DEMO_DISTRIBUTION_ID },
  { Name: 'Region', Value: 'Global' },
]

describe('the seeded sandbox’s metrics and logs', () => {
  it('count the same requests and bytes every day', async () => {
    const start = Date.parse('2026-11-01T00:00:00Z')
    const metric = (id: string, name: string) => ({
      Id: id,
      MetricStat: { Metric: { Namespace: 'AWS/CloudFront', MetricName: name, Dimensions: dimensions }, Period: 86400, Stat: 'Sum' },
    })
    const reply = await cloudwatch.send(
      new GetMetricDataCommand({
        StartTime: new Date(start),
        EndTime: new Date(start + 31 * DAY),
        ScanBy: 'TimestampAscending',
        MetricDataQueries: [metric('requests', 'Requests'), metric('bytes', 'BytesDownloaded')],
      }),
    )
    const [requests, bytes] = reply.MetricDataResults!
    const days = requests!.Timestamps!.map((t) => t.toISOString().slice(0, 10))
    expect(days).toEqual([...perDay.keys()].sort())
    expect(days).toHaveLength(31) // 30 days from 12:00 UTC touch 31 dates
    expect(requests!.Values).toEqual(days.map((day) => perDay.get(day)!.requests))
    expect(bytes!.Values).toEqual(days.map((day) => perDay.get(day)!.bytes))
    const stats = aggregator.result()
    expect(stats.malformed).toBe(0)
    expect(stats.problemFiles).toEqual([])
    expect(requests!.Values!.reduce((a, b) => a + b, 0)).toBe(stats.requests)
  })

  it('count the same requests hour by hour over the last day of traffic', async () => {
    const end = Math.floor(seededAt / HOUR) * HOUR
    const reply = await cloudwatch.send(
      new GetMetricStatisticsCommand({
        Namespace: 'AWS/CloudFront',
        MetricName: 'Requests',
        Dimensions: dimensions,
        StartTime: new Date(end - DAY),
        EndTime: new Date(end),
        Period: 3600,
        Statistics: ['Sum'],
      }),
    )
    const fromMetrics = Object.fromEntries(reply.Datapoints!.map((p) => [p.Timestamp!.getTime(), p.Sum]))
    const fromLogs = Object.fromEntries(
      aggregator
        .result()
        .hourly.filter((h) => h.hourStartMs >= end - DAY)
        .map((h) => [h.hourStartMs, h.requests]),
    )
    expect(Object.keys(fromMetrics)).toHaveLength(24)
    expect(fromMetrics).toEqual(fromLogs)
  })

  it('agree on the cache-busting day: CacheHitRate drops where the logs’ hit ratio drops', async () => {
    const reply = await cloudwatch.send(
      new GetMetricStatisticsCommand({
        Namespace: 'AWS/CloudFront',
        MetricName: 'CacheHitRate',
        Dimensions: dimensions,
        StartTime: new Date(Date.parse('2026-11-02T00:00:00Z')),
        EndTime: new Date(Date.parse('2026-12-01T00:00:00Z')),
        Period: 86400,
        Statistics: ['Average'],
      }),
    )
    const lowestMetricDay = reply
      .Datapoints!.reduce((a, b) => (b.Average! < a.Average! ? b : a))
      .Timestamp!.toISOString()
      .slice(0, 10)
    const byDay = new Map<string, { hits: number; all: number }>()
    for (const hour of aggregator.result().hourly) {
      const day = new Date(hour.hourStartMs).toISOString().slice(0, 10)
      const entry = byDay.get(day) ?? { hits: 0, all: 0 }
      entry.hits += hour.hits
      entry.all += hour.hits + hour.misses + hour.errors
      byDay.set(day, entry)
    }
    const lowestLogDay = [...byDay]
      .filter(([day]) => day >= '2026-11-02' && day < '2026-12-01')
      .reduce((a, b) => (b[1].hits / b[1].all < a[1].hits / a[1].all ? b : a))[0]
    expect(lowestMetricDay).toBe(lowestLogDay)
  })
})
