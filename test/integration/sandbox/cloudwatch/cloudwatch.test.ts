/**
 * The CloudWatch emulator through the real @aws-sdk/client-cloudwatch (AWS JSON 1.0, awsQueryCompatible):
 * the wire shape of its errors, GetMetricStatistics and GetMetricData limits, paging and retention,
 * ListMetrics, CloudFront metrics from the traffic model (additional ones only with a subscription),
 * and S3 storage metrics from a real S3 emulator store.
 */
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto'
import {
  CloudWatchClient,
  GetMetricDataCommand,
  GetMetricStatisticsCommand,
  InvalidParameterCombinationException,
  InvalidParameterValueException,
  ListMetricsCommand,
  type MetricDataQuery,
} from '@aws-sdk/client-cloudwatch'
import { CreateMultipartUploadCommand, DeleteObjectCommand, PutObjectCommand, UploadPartCommand } from '@aws-sdk/client-s3'
import { SignatureV4 } from '@smithy/signature-v4'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SANDBOX_ACCESS_KEY_ID, SANDBOX_SECRET_ACCESS_KEY } from '../../../../src-main/sandbox/credentials'
import { TrafficModel } from '../../../../src-main/sandbox/cloudfront/traffic'
import {
  cloudFrontMetrics,
  createCloudWatchEmulator,
  type CloudWatchEmulator,
  s3StorageMetrics,
  s3StoreContents,
} from '../../../../src-main/sandbox/cloudwatch/index'
import { startS3, type RunningS3 } from '../../../helpers/sandbox-s3-harness'
import { serve, type Served } from '../../../helpers/serve'

const HOUR = 3600_000
const DAY = 24 * HOUR
const windowEnd = Date.parse('2026-12-01T12:00:00Z')
let now = windowEnd + 30 * 60_000
const demo = new TrafficModel({
  distributionId: 'EDEMOTRAFFIC01',
  domainName: 'd1demo.cloudfront.net',
  hostHeaders: ['demo.example'],
  endMs: windowEnd,
  days: 30,
})
const plain = new TrafficModel({
  distributionId: 'EPLAINTRAFFIC1',
  domainName: 'd2plain.cloudfront.net',
  hostHeaders: ['plain.example'],
  endMs: windowEnd,
  days: 3,
  peakRequestsPerHour: 20,
})
const subscriptions = new Map<string, number>([['EDEMOTRAFFIC01', windowEnd - 40 * DAY]])

let s3: RunningS3
let served: Served
let emulator: CloudWatchEmulator
let client: CloudWatchClient
const dims = (id: string) => [
  { Name: 'DistributionId', Value: id },
  { Name: 'Region', Value: 'Global' },
]
/** SHA-256 (and HMAC) for SignatureV4 from node:crypto. */
class Sha256 {
  private hash!: Hash | Hmac
  private readonly secret?: string | Buffer
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.secret =
      secret === undefined || typeof secret === 'string'
        ? secret
        : secret instanceof ArrayBuffer
          ? Buffer.from(secret)
          : Buffer.from(secret.buffer, secret.byteOffset, secret.byteLength)
    this.reset()
  }
  update(data: Uint8Array | string): void {
    this.hash.update(data)
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.hash.digest()))
  }
  reset(): void {
    this.hash = this.secret === undefined ? createHash('sha256') : createHmac('sha256', this.secret)
  }
}

const errorOf = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (e: unknown) => e as Error & { Error?: { Code?: string } },
  )

beforeAll(async () => {
  s3 = await startS3({ nowMs: () => now })
  const store = s3.emulator.store
  store.createBucket('sizes')
  const at = (daysAgo: number) => new Date(windowEnd - daysAgo * DAY)
  await store.putObject('sizes', 'a.txt', Buffer.alloc(1000), { lastModified: at(10) })
  await store.putObject('sizes', 'b.txt', Buffer.alloc(3000), { lastModified: at(5) })
  await store.putObject('sizes', 'ia.bin', Buffer.alloc(10 * 1024), { storageClass: 'STANDARD_IA', lastModified: at(5) })
  await store.putObject('sizes', 'cold.zip', Buffer.alloc(2000), { storageClass: 'GLACIER', lastModified: at(5) })
  await store.putObject('sizes', 'ancient.txt', Buffer.alloc(7), { lastModified: at(900) })
  emulator = createCloudWatchEmulator({
    credentials: s3.credentials,
    nowMs: () => now,
    sources: [
      cloudFrontMetrics({ traffic: [demo, plain], monitoringSince: (id) => subscriptions.get(id) }),
      s3StorageMetrics(s3StoreContents(store)),
    ],
  })
  served = await serve(emulator.handle)
  client = new CloudWatchClient({
    endpoint: served.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: SANDBOX_ACCESS_KEY_ID, secretAccessKey: SANDBOX_SECRET_ACCESS_KEY },
  })
})
afterAll(async () => {
  await served.close()
  await s3.close()
})

/** Requests of the model per hour, counted here from the model's hours (not through the metrics code). */
const requestsOfHours = (model: TrafficModel, fromMs: number, hours: number) =>
  Array.from({ length: hours }, (_, i) => model.requestsInHour(fromMs + i * HOUR).length)

describe('CloudWatch emulator: the wire protocol', () => {
  it('is what the installed client really sends: JSON 1.0, X-Amz-Target, query mode, epoch seconds', async () => {
    const sent: Array<{ headers: Record<string, string>; body: string }> = []
    const spy = new CloudWatchClient({
      endpoint: served.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: SANDBOX_ACCESS_KEY_ID, secretAccessKey: SANDBOX_SECRET_ACCESS_KEY },
    })
    spy.middlewareStack.add(
      (next) => async (args) => {
        const request = args.request as { headers: Record<string, string>; body: string }
        sent.push({ headers: { ...request.headers }, body: String(request.body) })
        return next(args)
      },
      { step: 'finalizeRequest', priority: 'low' },
    )
    await spy.send(
      new GetMetricDataCommand({
        StartTime: new Date(windowEnd - HOUR),
        EndTime: new Date(windowEnd),
        MetricDataQueries: [
          {
            Id: 'm',
            MetricStat: {
              Metric: { Namespace: 'AWS/CloudFront', MetricName: 'Requests', Dimensions: dims('EDEMOTRAFFIC01') },
              Period: 60,
              Stat: 'Sum',
            },
          },
        ],
      }),
    )
    expect(sent).toHaveLength(1)
    expect(sent[0]!.headers).toMatchObject({
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': 'GraniteServiceVersion20100801.GetMetricData',
      'x-amzn-query-mode': 'true',
    })
    expect(JSON.parse(sent[0]!.body)).toMatchObject({ StartTime: (windowEnd - HOUR) / 1000, EndTime: windowEnd / 1000 })
  })

  it('answers errors with x-amzn-query-error and the Smithy shape in __type', async () => {
    const body = JSON.stringify({
      Namespace: 'AWS/CloudFront',
      MetricName: 'Requests',
      StartTime: 1,
      EndTime: 2,
      Period: 7,
      Statistics: ['Sum'],
    })
    const url = new URL(served.endpoint)
    const signer = new SignatureV4({
      service: 'monitoring',
      region: 'us-east-1',
      sha256: Sha256,
      credentials: { accessKeyId: SANDBOX_ACCESS_KEY_ID, secretAccessKey: SANDBOX_SECRET_ACCESS_KEY },
    })
    const signed = await signer.sign({
      method: 'POST',
      protocol: 'http:',
      hostname: url.hostname,
      port: Number(url.port),
      path: '/',
      headers: {
        host: url.host,
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': 'GraniteServiceVersion20100801.GetMetricStatistics',
        'x-amzn-query-mode': 'true',
      },
      body,
    })
    const reply = await fetch(served.endpoint, { method: 'POST', headers: signed.headers, body })
    expect(reply.status).toBe(400)
    expect(reply.headers.get('x-amzn-query-error')).toBe('InvalidParameterValue;Sender')
    expect(reply.headers.get('content-type')).toBe('application/x-amz-json-1.0')
    expect(await reply.json()).toMatchObject({ __type: 'com.amazonaws.cloudwatch#InvalidParameterValueException' })

    const viaSdk = await errorOf(
      client.send(
        new GetMetricStatisticsCommand({
          Namespace: 'AWS/CloudFront',
          MetricName: 'Requests',
          StartTime: new Date(1000),
          EndTime: new Date(2000),
          Period: 7,
          Statistics: ['Sum'],
        }),
      ),
    )
    expect(viaSdk).toBeInstanceOf(InvalidParameterValueException)
    expect(viaSdk?.Error?.Code).toBe('InvalidParameterValue')

    const stranger = new CloudWatchClient({
      endpoint: served.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIANOTKNOWN00000000', secretAccessKey: 'x' },
    })
    expect((await errorOf(stranger.send(new ListMetricsCommand({}))))?.name).toBe('InvalidClientTokenId')
  })

  it('refuses the actions a credential is denied with AccessDenied, naming user and action', async () => {
    s3.credentials.add({
      accessKeyId: 'AKIACWDENIEDTEST0001',
      secretAccessKey: 'cw-denied-secret',
      arn: 'arn:aws:iam::123456789012:user/no-data',
      deniedActions: ['cloudwatch:GetMetric*'],
    })
    const limited = new CloudWatchClient({
      endpoint: served.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIACWDENIEDTEST0001', secretAccessKey: 'cw-denied-secret' },
    })
    const denied = await errorOf(
      limited.send(
        new GetMetricStatisticsCommand({
          Namespace: 'AWS/S3',
          MetricName: 'NumberOfObjects',
          StartTime: new Date(now - 3 * DAY),
          EndTime: new Date(now),
          Period: 86_400,
          Statistics: ['Average'],
        }),
      ),
    )
    expect(denied?.name).toBe('AccessDenied')
    expect(denied?.message).toMatch(/user\/no-data is not authorized to perform: cloudwatch:GetMetricStatistics/)
    // ListMetrics is not denied.
    expect((await limited.send(new ListMetricsCommand({ Namespace: 'AWS/S3' }))).Metrics?.length).toBeGreaterThan(0)
    limited.destroy()
  })
})

describe('CloudWatch emulator: GetMetricStatistics', () => {
  it('throttles on demand, with the error the SDK retries', async () => {
    const ask = (c: CloudWatchClient) => c.send(new ListMetricsCommand({ Namespace: 'AWS/CloudFront', MetricName: 'Requests' }))
    const before = emulator.calls.ListMetrics ?? 0
    emulator.faults.throttle = 1
    expect((await ask(client)).Metrics?.length).toBeGreaterThan(0)
    expect(emulator.calls.ListMetrics).toBe(before + 2)
    emulator.faults.throttle = 1
    const once = new CloudWatchClient({
      endpoint: served.endpoint,
      region: 'us-east-1',
      maxAttempts: 1,
      credentials: { accessKeyId: SANDBOX_ACCESS_KEY_ID, secretAccessKey: SANDBOX_SECRET_ACCESS_KEY },
    })
    const throttled = await errorOf(ask(once))
    expect(throttled?.name).toBe('Throttling')
    expect(throttled?.Error?.Code).toBe('Throttling')
  })

  it('sums CloudFront Requests per hour exactly as the traffic model has them', async () => {
    const start = windowEnd - DAY
    const reply = await client.send(
      new GetMetricStatisticsCommand({
        Namespace: 'AWS/CloudFront',
        MetricName: 'Requests',
        Dimensions: dims('EDEMOTRAFFIC01'),
        StartTime: new Date(start),
        EndTime: new Date(windowEnd),
        Period: 3600,
        Statistics: ['Sum', 'SampleCount'],
      }),
    )
    const points = [...reply.Datapoints!].sort((a, b) => a.Timestamp!.getTime() - b.Timestamp!.getTime())
    expect(reply.Label).toBe('Requests')
    expect(points.map((p) => p.Timestamp!.getTime())).toEqual(Array.from({ length: 24 }, (_, i) => start + i * HOUR))
    expect(points.map((p) => p.Sum)).toEqual(requestsOfHours(demo, start, 24))
    expect(points.every((p) => p.SampleCount! > 0 && p.SampleCount! <= 60)).toBe(true)
    // Dimensions must match exactly: Region alone names another (empty) metric.
    const partial = await client.send(
      new GetMetricStatisticsCommand({
        Namespace: 'AWS/CloudFront',
        MetricName: 'Requests',
        Dimensions: [{ Name: 'Region', Value: 'Global' }],
        StartTime: new Date(start),
        EndTime: new Date(windowEnd),
        Period: 3600,
        Statistics: ['Sum'],
      }),
    )
    expect(partial.Datapoints).toEqual([])
  })

  it('gives OriginLatency percentiles through ExtendedStatistics, only for a distribution with a subscription', async () => {
    const hour = windowEnd - 5 * HOUR
    const ask = (id: string) =>
      client.send(
        new GetMetricStatisticsCommand({
          Namespace: 'AWS/CloudFront',
          MetricName: 'OriginLatency',
          Dimensions: dims(id),
          StartTime: new Date(hour),
          EndTime: new Date(hour + HOUR),
          Period: 3600,
          ExtendedStatistics: ['p50', 'p90', 'p100'],
        }),
      )
    const reply = await ask('EDEMOTRAFFIC01')
    const origin = demo
      .requestsInHour(hour)
      .filter((r) => r.responseResultType === 'Miss' || r.responseResultType === 'RefreshHit')
      .map((r) => r.timeToFirstByteMs)
      .sort((a, b) => a - b)
    const nearestRank = (p: number) => origin[Math.ceil((p / 100) * origin.length) - 1]
    expect(reply.Datapoints).toHaveLength(1)
    expect(reply.Datapoints![0]!.ExtendedStatistics).toEqual({
      p50: nearestRank(50),
      p90: nearestRank(90),
      p100: origin[origin.length - 1],
    })
    expect(reply.Datapoints![0]!.Unit).toBe('Milliseconds')
    expect((await ask('EPLAINTRAFFIC1')).Datapoints).toEqual([])
  })

  it('refuses more than 1,440 datapoints, both kinds of statistics, and a start after the end', async () => {
    const base = { Namespace: 'AWS/CloudFront', MetricName: 'Requests', Dimensions: dims('EDEMOTRAFFIC01') }
    const tooMany = await errorOf(
      client.send(
        new GetMetricStatisticsCommand({
          ...base,
          StartTime: new Date(windowEnd - 2 * DAY),
          EndTime: new Date(windowEnd),
          Period: 60,
          Statistics: ['Sum'],
        }),
      ),
    )
    expect(tooMany).toBeInstanceOf(InvalidParameterCombinationException)
    expect(tooMany?.message).toBe(
      'You have requested up to 2880 datapoints, which exceeds the limit of 1440. You may reduce the datapoints requested by increasing Period, or decreasing the time range.',
    )
    const both = await errorOf(
      client.send(
        new GetMetricStatisticsCommand({
          ...base,
          StartTime: new Date(windowEnd - HOUR),
          EndTime: new Date(windowEnd),
          Period: 60,
          Statistics: ['Sum'],
          ExtendedStatistics: ['p90'],
        }),
      ),
    )
    expect(both).toBeInstanceOf(InvalidParameterCombinationException)
    const backwards = await errorOf(
      client.send(
        new GetMetricStatisticsCommand({
          ...base,
          StartTime: new Date(windowEnd),
          EndTime: new Date(windowEnd - HOUR),
          Period: 60,
          Statistics: ['Sum'],
        }),
      ),
    )
    expect(backwards).toBeInstanceOf(InvalidParameterValueException)
    const badStat = await errorOf(
      client.send(
        new GetMetricStatisticsCommand({
          ...base,
          StartTime: new Date(windowEnd - HOUR),
          EndTime: new Date(windowEnd),
          Period: 60,
          Statistics: ['Median' as 'Sum'],
        }),
      ),
    )
    expect(badStat).toBeInstanceOf(InvalidParameterValueException)
  })
})

describe('CloudWatch emulator: GetMetricData', () => {
  const requests = (id: string, period: number, stat = 'Sum'): MetricDataQuery => ({
    Id: id,
    MetricStat: {
      Metric: { Namespace: 'AWS/CloudFront', MetricName: 'Requests', Dimensions: dims('EDEMOTRAFFIC01') },
      Period: period,
      Stat: stat,
    },
  })

  it('returns timestamps newest first by default, and pages with NextToken when over MaxDatapoints', async () => {
    const start = windowEnd - 2 * DAY
    const whole = await client.send(
      new GetMetricDataCommand({
        StartTime: new Date(start),
        EndTime: new Date(windowEnd),
        MetricDataQueries: [requests('hourly', 3600), requests('peak', 3600, 'Maximum')],
      }),
    )
    const hourly = whole.MetricDataResults!.find((r) => r.Id === 'hourly')!
    expect(hourly).toMatchObject({ Label: 'Requests', StatusCode: 'Complete' })
    expect(hourly.Timestamps).toHaveLength(48)
    expect(hourly.Timestamps![0]!.getTime()).toBe(windowEnd - HOUR)
    expect([...hourly.Values!].reverse()).toEqual(requestsOfHours(demo, start, 48))
    expect(whole.NextToken).toBeUndefined()

    const pages: (typeof whole)[] = []
    let token: string | undefined
    do {
      const page = await client.send(
        new GetMetricDataCommand({
          StartTime: new Date(start),
          EndTime: new Date(windowEnd),
          MaxDatapoints: 30,
          NextToken: token,
          MetricDataQueries: [requests('hourly', 3600), requests('peak', 3600, 'Maximum')],
        }),
      )
      pages.push(page)
      token = page.NextToken
    } while (token)
    expect(pages).toHaveLength(4)
    expect(pages[0]!.MetricDataResults![0]!.StatusCode).toBe('PartialData')
    for (const id of ['hourly', 'peak']) {
      const joined = pages.flatMap((p) => p.MetricDataResults!.find((r) => r.Id === id)!.Values!)
      expect(joined).toEqual(whole.MetricDataResults!.find((r) => r.Id === id)!.Values)
    }
    const foreign = await errorOf(
      client.send(
        new GetMetricDataCommand({
          StartTime: new Date(start),
          EndTime: new Date(windowEnd),
          NextToken: pages[0]!.NextToken,
          MetricDataQueries: [requests('other', 300)],
        }),
      ),
    )
    expect(foreign?.name).toBe('InvalidNextToken')
  })

  it('keeps 1-minute data for 15 days and 5-minute data for 63, by the age of the start time', async () => {
    const ask = (daysAgo: number, period: number) =>
      client.send(
        new GetMetricDataCommand({
          StartTime: new Date(now - daysAgo * DAY),
          EndTime: new Date(now - daysAgo * DAY + HOUR),
          ScanBy: 'TimestampAscending',
          MetricDataQueries: [requests('m', period)],
        }),
      )
    expect((await ask(2, 60)).MetricDataResults![0]!.Values!.length).toBeGreaterThan(10)
    expect((await ask(20, 60)).MetricDataResults![0]!.Values).toEqual([])
    const fiveMinutes = (await ask(20, 300)).MetricDataResults![0]!
    expect(fiveMinutes.Values!.length).toBeGreaterThan(3)
    expect(fiveMinutes.Timestamps!.every((t) => t.getTime() % 300_000 === 0)).toBe(true)
  })

  it('refuses more than 500 queries, repeated or malformed ids and unknown statistics', async () => {
    const range = { StartTime: new Date(windowEnd - HOUR), EndTime: new Date(windowEnd) }
    const many = await errorOf(
      client.send(new GetMetricDataCommand({ ...range, MetricDataQueries: Array.from({ length: 501 }, (_, i) => requests(`q${i}`, 60)) })),
    )
    expect(many?.Error?.Code).toBe('ValidationError')
    expect(many?.message).toContain('500')
    expect(
      (
        await client.send(
          new GetMetricDataCommand({ ...range, MetricDataQueries: Array.from({ length: 500 }, (_, i) => requests(`q${i}`, 60)) }),
        )
      ).MetricDataResults,
    ).toHaveLength(500)
    const repeated = await errorOf(
      client.send(new GetMetricDataCommand({ ...range, MetricDataQueries: [requests('a', 60), requests('a', 60)] })),
    )
    expect(repeated?.message).toBe('The values for parameter id in MetricDataQueries are not unique.')
    expect(
      (await errorOf(client.send(new GetMetricDataCommand({ ...range, MetricDataQueries: [requests('Upper', 60)] }))))?.Error?.Code,
    ).toBe('ValidationError')
    expect(
      (await errorOf(client.send(new GetMetricDataCommand({ ...range, MetricDataQueries: [requests('m', 60, 'Min')] }))))?.Error?.Code,
    ).toBe('ValidationError')
  })
})

describe('CloudWatch emulator: ListMetrics', () => {
  it('lists the free CloudFront metrics, and the additional ones only with a subscription', async () => {
    const names = async (id: string) =>
      (await client.send(new ListMetricsCommand({ Namespace: 'AWS/CloudFront', Dimensions: [{ Name: 'DistributionId', Value: id }] })))
        .Metrics!.map((m) => m.MetricName)
        .sort()
    const free = ['4xxErrorRate', '5xxErrorRate', 'BytesDownloaded', 'BytesUploaded', 'Requests', 'TotalErrorRate']
    expect(await names('EPLAINTRAFFIC1')).toEqual(free)
    expect(await names('EDEMOTRAFFIC01')).toEqual(
      [
        ...free,
        '401ErrorRate',
        '403ErrorRate',
        '404ErrorRate',
        '502ErrorRate',
        '503ErrorRate',
        '504ErrorRate',
        'CacheHitRate',
        'OriginLatency',
      ].sort(),
    )
    const listed = await client.send(new ListMetricsCommand({ Namespace: 'AWS/CloudFront', MetricName: 'Requests' }))
    expect(listed.Metrics?.map((m) => m.Dimensions)).toContainEqual(dims('EDEMOTRAFFIC01'))
  })
})

describe('CloudWatch emulator: AWS/S3 storage metrics from the S3 store', () => {
  const daily = (metric: string, storageType: string) =>
    client.send(
      new GetMetricStatisticsCommand({
        Namespace: 'AWS/S3',
        MetricName: metric,
        Dimensions: [
          { Name: 'BucketName', Value: 'sizes' },
          { Name: 'StorageType', Value: storageType },
        ],
        // Midnight, so each period holds the datapoint of its own day.
        StartTime: new Date(windowEnd - 12 * DAY - 12 * HOUR),
        EndTime: new Date(windowEnd),
        Period: 86400,
        Statistics: ['Average'],
      }),
    )
  const byDay = (points: { Timestamp?: Date; Average?: number }[]) =>
    Object.fromEntries(points.map((p) => [p.Timestamp!.toISOString().slice(0, 10), p.Average]))

  it('counts bytes per storage type day by day, with the archive and minimum-size overheads', async () => {
    const standard = byDay((await daily('BucketSizeBytes', 'StandardStorage')).Datapoints!)
    expect(standard['2026-11-19']).toBe(7)
    expect(standard['2026-11-21']).toBe(1007)
    expect(standard['2026-11-26']).toBe(4007)
    expect(standard['2026-11-30']).toBe(4007)
    expect(byDay((await daily('BucketSizeBytes', 'StandardIASizeOverhead')).Datapoints!)['2026-11-30']).toBe(118 * 1024)
    expect(byDay((await daily('BucketSizeBytes', 'GlacierStorage')).Datapoints!)['2026-11-30']).toBe(2000)
    expect(byDay((await daily('BucketSizeBytes', 'GlacierObjectOverhead')).Datapoints!)['2026-11-30']).toBe(32 * 1024)
    expect(byDay((await daily('BucketSizeBytes', 'GlacierS3ObjectOverhead')).Datapoints!)['2026-11-30']).toBe(8 * 1024)
    expect(byDay((await daily('NumberOfObjects', 'AllStorageTypes')).Datapoints!)['2026-11-30']).toBe(5)
  })

  it('counts versions, delete markers and upload parts, and answers unknown storage types with no data', async () => {
    const store = s3.emulator.store
    store.createBucket('versions')
    store.setVersioning('versions', 'Enabled')
    await s3.s3.send(new PutObjectCommand({ Bucket: 'versions', Key: 'k', Body: 'one' }))
    await s3.s3.send(new PutObjectCommand({ Bucket: 'versions', Key: 'k', Body: 'three' }))
    await s3.s3.send(new DeleteObjectCommand({ Bucket: 'versions', Key: 'k' }))
    const upload = await s3.s3.send(new CreateMultipartUploadCommand({ Bucket: 'versions', Key: 'big' }))
    await s3.s3.send(
      new UploadPartCommand({ Bucket: 'versions', Key: 'big', UploadId: upload.UploadId, PartNumber: 1, Body: Buffer.alloc(11) }),
    )
    const later = now
    now += 2 * DAY
    try {
      const ask = (metric: string, storageType: string) =>
        client.send(
          new GetMetricStatisticsCommand({
            Namespace: 'AWS/S3',
            MetricName: metric,
            Dimensions: [
              { Name: 'BucketName', Value: 'versions' },
              { Name: 'StorageType', Value: storageType },
            ],
            StartTime: new Date(later - 2 * DAY),
            EndTime: new Date(now),
            Period: 86400,
            Statistics: ['Maximum'],
          }),
        )
      const count = (await ask('NumberOfObjects', 'AllStorageTypes')).Datapoints!.map((p) => p.Maximum ?? 0)
      expect(Math.max(...count)).toBe(4)
      const bytes = (await ask('BucketSizeBytes', 'StandardStorage')).Datapoints!.map((p) => p.Maximum ?? 0)
      expect(Math.max(...bytes)).toBe(3 + 5 + 11)
      expect((await ask('BucketSizeBytes', 'IntelligentTieringAAStorage')).Datapoints).toEqual([])
      expect((await ask('BucketSizeBytes', 'SomeFutureStorage')).Datapoints).toEqual([])
    } finally {
      now = later
    }
  })
})
