/**
 * The log-analysis engine against the real S3 emulator with the real S3 client, over the sandbox's
 * seeded 30 days of logs: statistics equal to an independent tally written here (gunzipSync, split,
 * decodeURIComponent, plain objects), a second look that downloads nothing, a new file read alone, bad
 * files named and the rest counted, a missing or forbidden bucket, cancel, offline, bounded tables.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gunzipSync, gzipSync } from 'node:zlib'
import { CreateBucketCommand, DeleteObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LogAnalysis } from '../../../src-main/api/cloudfront'
import { toApiError } from '../../../src-main/core/errors'
import { createLogAnalyzer, type LogAnalysisProgress, type LogAnalysisRequest } from '../../../src-main/cloudfront/log-analysis/index'
import { LOG_FIELDS_LINE, LOG_VERSION_LINE, logFilesFor, logLine, lateHourOf } from '../../../src-main/sandbox/cloudfront/log-files'
import { TrafficModel } from '../../../src-main/sandbox/cloudfront/traffic'
import { DEMO_DISTRIBUTION_ID, DEMO_LOG_PREFIX, LOG_BUCKET, demoTrafficModel, seedSandbox } from '../../../src-main/sandbox/seed'
import { sandboxAssets } from '../../helpers/app-harness'
import { startS3, type RunningS3 } from '../../helpers/sandbox-s3-harness'

const HOUR = 3600_000
const SEEDED_AT = Date.parse('2026-12-01T12:34:56Z')
const model = demoTrafficModel(SEEDED_AT)
const seedFiles = logFilesFor(model, DEMO_LOG_PREFIX)
const DENIED = { accessKeyId: 'AKIAHANEULNOLOGS0001', secretAccessKey: 'no-logs-secret' }

let s3: RunningS3
let dataDir: string
const never = new AbortController().signal
const progressOf = () => {
  const reports: LogAnalysisProgress[] = []
  return { reports, onProgress: (p: LogAnalysisProgress) => void reports.push(p) }
}

function request(overrides: Partial<LogAnalysisRequest> = {}): LogAnalysisRequest {
  return {
    profileId: 'sandbox',
    distributionId: DEMO_DISTRIBUTION_ID,
    bucket: LOG_BUCKET,
    prefix: DEMO_LOG_PREFIX,
    fromMs: model.startMs,
    toMs: model.endMs,
    source: 'network',
    ...overrides,
  }
}

function analyzer(options: { dataDir?: string; client?: S3Client; pathCapacity?: number } = {}) {
  return createLogAnalyzer({
    dataDir: options.dataDir ?? dataDir,
    s3: async () => options.client ?? s3.s3,
    progressIntervalMs: 0,
    ...(options.pathCapacity ? { aggregator: { pathCapacity: options.pathCapacity } } : {}),
  })
}

const getObjects = () => s3.emulator.requestLog.filter((r) => r.operation === 'GetObject').length

/** The tally, by other means: columns from the header, plain counting. */
function tally(bodies: Buffer[]) {
  const t = { lines: 0, hits: 0, misses: 0, errors: 0, refreshHits: 0 }
  const missed: Record<string, number> = {}
  const statuses: Record<string, number> = {}
  for (const body of bodies) {
    const [, fieldsLine, ...rows] = gunzipSync(body).toString('utf8').trimEnd().split('\n')
    const col = Object.fromEntries(
      fieldsLine!
        .replace('#Fields: ', '')
        .split(' ')
        .map((name, i) => [name, i]),
    )
    for (const row of rows) {
      const f = row.split('\t')
      const response = f[col['x-edge-response-result-type']!]!
      t.lines++
      if (response === 'Hit') t.hits++
      else if (response === 'Miss') t.misses++
      else if (response === 'RefreshHit') t.refreshHits++
      else if (['Error', 'LimitExceeded', 'CapacityExceeded'].includes(response)) t.errors++
      const path = decodeURIComponent(f[col['cs-uri-stem']!]!)
      if (response === 'Miss') missed[path] = (missed[path] ?? 0) + 1
      const status = f[col['sc-status']!]!
      statuses[status] = (statuses[status] ?? 0) + 1
    }
  }
  const topMissed = Object.entries(missed)
    .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1))
    .slice(0, 10)
  return { ...t, topMissed, statuses }
}

function expectTally(result: LogAnalysis, bodies: Buffer[]) {
  const t = tally(bodies)
  expect(result.requests).toBe(t.lines)
  expect(result.cache).toMatchObject({ hits: t.hits, misses: t.misses, errors: t.errors, refreshHits: t.refreshHits })
  expect(result.cache.hitRatio).toBeCloseTo(t.hits / (t.hits + t.misses + t.errors), 12)
  expect(result.topMissedPaths.slice(0, 10).map((e) => [e.key, e.count])).toEqual(t.topMissed)
  expect(Object.fromEntries(result.statusCodes.map((e) => [e.key, e.count]))).toEqual(t.statuses)
}

beforeAll(async () => {
  s3 = await startS3({ nowMs: () => SEEDED_AT })
  await seedSandbox(s3.emulator.store, sandboxAssets, () => SEEDED_AT)
  s3.credentials.add({ ...DENIED, arn: 'arn:aws:iam::123456789012:user/no-logs', deniedActions: ['s3:ListBucket', 's3:GetObject'] })
  dataDir = await mkdtemp(join(tmpdir(), 'haneul-cf-logs-'))
})

afterAll(async () => {
  await s3?.close()
  await rm(dataDir, { recursive: true, force: true })
})

describe('log analysis over the seeded 30 days', () => {
  it('equals an independent tally, with edge cities, and the hourly series in the range', async () => {
    const logs = analyzer()
    const { reports, onProgress } = progressOf()
    const result = LogAnalysis.parse(await logs.analyze(request(), { signal: never, onProgress }))
    await logs.close()

    expect(result.files).toBe(seedFiles.length)
    expect(result.filesFromCache).toBe(0)
    expect(result.offline).toBe(false)
    expect(result.bytesRead).toBe(seedFiles.reduce((sum, f) => sum + f.body.length, 0))
    expect(result.problemFiles).toEqual([])
    expect(result.malformed).toBe(0)
    expectTally(
      result,
      seedFiles.map((f) => f.body),
    )
    expect(result.hourly.reduce((sum, h) => sum + h.requests, 0)).toBe(result.requests)
    expect(result.hourly[0]!.hourStartMs).toBeGreaterThanOrEqual(model.startMs)
    expect(result.location).toBe('s3://haneul-demo-logs/cloudfront/')
    const icn = result.edgeLocations.find((e) => e.key === 'ICN54-C1')
    expect(icn?.city).toBe('Seoul')
    expect(result.edgeLocations.find((e) => e.key === 'GRU3-P1')?.city).toBe('São Paulo')
    expect(result.exact).toBe(true)

    // Progress: files and bytes only go up, and end at the totals.
    const last = reports.at(-1)!
    expect(last).toEqual({
      filesDone: seedFiles.length,
      filesTotal: seedFiles.length,
      bytesDone: result.bytesRead,
      bytesTotal: result.bytesRead,
    })
    for (let i = 1; i < reports.length; i++) {
      expect(reports[i]!.filesDone).toBeGreaterThanOrEqual(reports[i - 1]!.filesDone)
      expect(reports[i]!.bytesDone).toBeGreaterThanOrEqual(reports[i - 1]!.bytesDone)
    }
  })

  it('a second look downloads nothing and says every file came from the data folder', async () => {
    const logs = analyzer()
    s3.emulator.clearRequestLog()
    const result = await logs.analyze(request(), { signal: never, onProgress: () => {} })
    await logs.close()
    expect(getObjects()).toBe(0)
    expect(result.filesFromCache).toBe(result.files)
    expect(result.files).toBe(seedFiles.length)
    expect(result.bytesRead).toBe(0)
    expectTally(
      result,
      seedFiles.map((f) => f.body),
    )
  })

  it('counts the late file of an hour with that hour, whatever its delivery time', async () => {
    const late = lateHourOf(model)
    const ofHour = seedFiles.filter((f) => f.key.includes(`.${new Date(late).toISOString().slice(0, 13).replace('T', '-')}.`))
    expect(ofHour.length).toBe(2)
    expect(Math.max(...ofHour.map((f) => f.deliveredMs))).toBeGreaterThan(late + 20 * HOUR)
    const logs = analyzer()
    const result = await logs.analyze(request({ fromMs: late + 60_000, toMs: late + 30 * 60_000 }), { signal: never, onProgress: () => {} })
    await logs.close()
    // The range is widened to whole hours, and says so.
    expect([result.fromMs, result.toMs]).toEqual([late, late + HOUR])
    expect(result.files).toBe(2)
    expectTally(
      result,
      ofHour.map((f) => f.body),
    )
    expect(result.hourly.map((h) => h.hourStartMs)).toEqual([late])
  })

  it('reads only a file uploaded afterwards', async () => {
    const hour = model.endMs - 5 * HOUR
    const extra = new TrafficModel({
      distributionId: DEMO_DISTRIBUTION_ID,
      domainName: model.domainName,
      hostHeaders: ['haneul-demo.example'],
      endMs: SEEDED_AT,
      days: 1,
    })
    const rows = extra.requestsInHour(hour).map((r) => logLine(r, model.domainName))
    const body = gzipSync([LOG_VERSION_LINE, LOG_FIELDS_LINE, ...rows].join('\n') + '\n')
    const key = `${DEMO_LOG_PREFIX}${DEMO_DISTRIBUTION_ID}.${new Date(hour).toISOString().slice(0, 13).replace('T', '-')}.ffffffff.gz`
    await s3.s3.send(new PutObjectCommand({ Bucket: LOG_BUCKET, Key: key, Body: body }))
    try {
      s3.emulator.clearRequestLog()
      const logs = analyzer()
      const result = await logs.analyze(request(), { signal: never, onProgress: () => {} })
      await logs.close()
      const gets = s3.emulator.requestLog.filter((r) => r.operation === 'GetObject')
      expect(gets.map((r) => r.key)).toEqual([key])
      expect(result.files).toBe(seedFiles.length + 1)
      expect(result.filesFromCache).toBe(seedFiles.length)
      expect(result.bytesRead).toBe(body.length)
      expectTally(result, [...seedFiles.map((f) => f.body), body])
    } finally {
      await s3.s3.send(new DeleteObjectCommand({ Bucket: LOG_BUCKET, Key: key }))
    }
  })
})

describe('standard logging v2', () => {
  it('finds JSON files in partition folders by their names, gzipped or not', async () => {
    const own = await mkdtemp(join(tmpdir(), 'haneul-cf-logs-v2-'))
    const bucket = 'v2-delivery-logs'
    const prefix = 'AWSLogs/123456789012/CloudFront/'
    await s3.s3.send(new CreateBucketCommand({ Bucket: bucket }))
    const hours = [model.endMs - 8 * HOUR, model.endMs - 7 * HOUR]
    const bodies: Buffer[] = []
    for (const [index, hour] of hours.entries()) {
      const at = new Date(hour).toISOString()
      const lines = model.requestsInHour(hour).map((r) =>
        JSON.stringify({
          timestamp: r.timeMs / 1000,
          'x-edge-location': r.edgeLocation,
          'sc-bytes': r.scBytes,
          'cs-method': r.method,
          'cs-uri-stem': encodeURI(r.uriStem),
          'sc-status': String(r.status).padStart(3, '0'),
          'x-edge-result-type': r.resultType,
          'x-edge-response-result-type': r.responseResultType,
        }),
      )
      const text = lines.join('\n') + '\n'
      // The tally reads the legacy form of the same rows.
      bodies.push(
        gzipSync([LOG_VERSION_LINE, LOG_FIELDS_LINE, ...model.requestsInHour(hour).map((r) => logLine(r, model.domainName))].join('\n')),
      )
      const partition = `${prefix}${DEMO_DISTRIBUTION_ID}/${at.slice(0, 4)}/${at.slice(5, 7)}/${at.slice(8, 10)}/${at.slice(11, 13)}/`
      const name = `${DEMO_DISTRIBUTION_ID}.${at.slice(0, 10)}-${at.slice(11, 13)}.v2file0${index}${index === 0 ? '.gz' : ''}`
      await s3.s3.send(new PutObjectCommand({ Bucket: bucket, Key: partition + name, Body: index === 0 ? gzipSync(text) : text }))
    }
    // Another distribution's files in the same folders are not counted.
    await s3.s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: `${prefix}E9OTHER/2026/11/10/05/E9OTHER.2026-11-10-05.aaaa.gz`, Body: bodies[0] }),
    )
    try {
      const logs = analyzer({ dataDir: own })
      const result = await logs.analyze(request({ bucket, prefix, fromMs: hours[0]!, toMs: hours[1]! + HOUR }), {
        signal: never,
        onProgress: () => {},
      })
      await logs.close()
      expect(result.files).toBe(2)
      expect(result.problemFiles).toEqual([])
      expect(result.malformed).toBe(0)
      expectTally(result, bodies)
    } finally {
      await rm(own, { recursive: true, force: true })
    }
  })
})

describe('bad input', () => {
  it('names a truncated gzip and a file that is no log, and counts the rest', async () => {
    const own = await mkdtemp(join(tmpdir(), 'haneul-cf-logs-bad-'))
    const hour = model.endMs - 3 * HOUR
    const stamp = new Date(hour).toISOString().slice(0, 13).replace('T', '-')
    const good = seedFiles.filter((f) => f.key.includes(`.${stamp}.`))
    const whole = gzipSync(
      [LOG_VERSION_LINE, LOG_FIELDS_LINE, ...model.requestsInHour(hour).map((r) => logLine(r, model.domainName))].join('\n') + '\n',
    )
    const truncatedKey = `${DEMO_LOG_PREFIX}${DEMO_DISTRIBUTION_ID}.${stamp}.0badc0de.gz`
    const notLogKey = `${DEMO_LOG_PREFIX}${DEMO_DISTRIBUTION_ID}.${stamp}.0notalog.gz`
    const strayKey = `${DEMO_LOG_PREFIX}${DEMO_DISTRIBUTION_ID}.${stamp}-notes.txt`
    const cut = whole.subarray(0, Math.floor(whole.length / 2))
    await s3.s3.send(new PutObjectCommand({ Bucket: LOG_BUCKET, Key: truncatedKey, Body: cut }))
    await s3.s3.send(new PutObjectCommand({ Bucket: LOG_BUCKET, Key: notLogKey, Body: gzipSync('<html><body>not a log</body></html>\n') }))
    await s3.s3.send(new PutObjectCommand({ Bucket: LOG_BUCKET, Key: strayKey, Body: 'notes' }))
    try {
      const logs = analyzer({ dataDir: own })
      const result = await logs.analyze(request({ fromMs: hour, toMs: hour + HOUR }), { signal: never, onProgress: () => {} })
      await logs.close()
      expect(result.files).toBe(good.length + 2)
      const problems = Object.fromEntries(result.problemFiles.map((p) => [p.name, p]))
      expect(Object.keys(problems).sort()).toEqual([notLogKey, truncatedKey, strayKey].sort())
      expect(problems[truncatedKey]).toMatchObject({ truncated: true, problem: expect.stringMatching(/gzip data ends early/) })
      expect(problems[notLogKey]).toMatchObject({ truncated: false, problem: expect.stringMatching(/not a CloudFront standard log/) })
      expect(problems[strayKey]!.problem).toMatch(/not named like a CloudFront log file/)
      // The good files are all counted, and the lines of the cut file before the break too.
      const full = tally(good.map((f) => f.body))
      const cutLines = gunzipSync(cut, { finishFlush: 2 }).toString('utf8').split('\n').slice(2, -1).length
      expect(cutLines).toBeGreaterThan(0)
      expect(result.requests).toBe(full.lines + cutLines)
      expect(result.malformed).toBeGreaterThanOrEqual(2)
    } finally {
      for (const key of [truncatedKey, notLogKey, strayKey]) await s3.s3.send(new DeleteObjectCommand({ Bucket: LOG_BUCKET, Key: key }))
      await rm(own, { recursive: true, force: true })
    }
  })

  it('says what to do about a missing log bucket or one the profile may not read', async () => {
    const logs = analyzer()
    const missing = await logs.analyze(request({ bucket: 'no-such-log-bucket' }), { signal: never, onProgress: () => {} }).catch(toApiError)
    expect(missing).toMatchObject({
      code: 'not-found',
      message: expect.stringMatching(/log bucket "no-such-log-bucket" does not exist.*standard logging settings/),
    })
    const denied = analyzer({ client: s3.client({ credentials: DENIED }) })
    const refused = await denied.analyze(request(), { signal: never, onProgress: () => {} }).catch(toApiError)
    expect(refused).toMatchObject({
      code: 'access-denied',
      message: expect.stringMatching(/s3:ListBucket on arn:aws:s3:::haneul-demo-logs and s3:GetObject/),
    })
    await logs.close()
    await denied.close()
  })
})

describe('cancel, offline and bounded memory', () => {
  it('cancels mid-way; the files read stay saved, and the next look reads only the rest', async () => {
    const own = await mkdtemp(join(tmpdir(), 'haneul-cf-logs-cancel-'))
    try {
      const controller = new AbortController()
      const logs = analyzer({ dataDir: own })
      let filesAtCancel = 0
      const cancelled = await logs
        .analyze(request(), {
          signal: controller.signal,
          onProgress: (p) => {
            if (p.filesDone >= 5 && !controller.signal.aborted) {
              filesAtCancel = p.filesDone
              controller.abort()
            }
          },
        })
        .catch(toApiError)
      expect(cancelled).toMatchObject({ code: 'cancelled' })
      expect(filesAtCancel).toBeGreaterThanOrEqual(5)

      const offline = await logs.analyze(request({ source: 'cache' }), { signal: never, onProgress: () => {} })
      expect(offline.filesFromCache).toBeGreaterThanOrEqual(filesAtCancel)
      expect(offline.filesFromCache).toBeLessThan(seedFiles.length)

      s3.emulator.clearRequestLog()
      const rest = await logs.analyze(request(), { signal: never, onProgress: () => {} })
      expect(rest.filesFromCache).toBe(offline.filesFromCache)
      expect(getObjects()).toBe(seedFiles.length - offline.filesFromCache)
      expectTally(
        rest,
        seedFiles.map((f) => f.body),
      )
      await logs.close()
    } finally {
      await rm(own, { recursive: true, force: true })
    }
  })

  it('offline, counts the files read before without touching the network', async () => {
    const logs = createLogAnalyzer({
      dataDir,
      s3: () => Promise.reject(new Error('offline: no S3 client may be asked for')),
    })
    const range = { fromMs: model.startMs + 5 * 24 * HOUR, toMs: model.startMs + 12 * 24 * HOUR }
    const result = LogAnalysis.parse(await logs.analyze(request({ ...range, source: 'cache' }), { signal: never, onProgress: () => {} }))
    await logs.close()
    const inRange = seedFiles.filter((f) => {
      const hour = Date.parse(f.key.replace(/^.*\.(\d{4}-\d{2}-\d{2})-(\d{2})\..*$/, '$1T$2:00:00Z'))
      return hour >= range.fromMs && hour < range.toMs
    })
    expect(result.offline).toBe(true)
    expect(result.files).toBe(inRange.length)
    expect(result.filesFromCache).toBe(inRange.length)
    expect(result.bytesRead).toBe(0)
    expectTally(
      result,
      inRange.map((f) => f.body),
    )
    expect(result.hourly.every((h) => h.hourStartMs >= range.fromMs && h.hourStartMs < range.toMs)).toBe(true)
  })

  it('keeps the tables at capacity over many files of many distinct paths, and says the counts are bounds', async () => {
    const own = await mkdtemp(join(tmpdir(), 'haneul-cf-logs-many-'))
    const bucket = 'many-paths-logs'
    await s3.s3.send(new CreateBucketCommand({ Bucket: bucket }))
    const hour0 = Date.parse('2026-11-10T00:00:00Z')
    const heavy = ['/index.html', '/css/site.css', '/app.js']
    const truth: Record<string, number> = {}
    const base = model.requestsInHour(model.endMs - 10 * HOUR)[0]!
    for (let file = 0; file < 24; file++) {
      const rows: string[] = []
      for (let i = 0; i < 400; i++) {
        const path = i % 4 === 0 ? heavy[i % 3]! : `/tail/${file}/${i}.html`
        truth[path] = (truth[path] ?? 0) + 1
        rows.push(
          logLine(
            { ...base, timeMs: hour0 + file * HOUR + i, uriStem: path, resultType: 'Miss', responseResultType: 'Miss' },
            model.domainName,
          ),
        )
      }
      const stamp = new Date(hour0 + file * HOUR).toISOString().slice(0, 13).replace('T', '-')
      await s3.s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: `logs/${DEMO_DISTRIBUTION_ID}.${stamp}.abcdef01.gz`,
          Body: gzipSync([LOG_VERSION_LINE, LOG_FIELDS_LINE, ...rows].join('\n')),
        }),
      )
    }
    try {
      const logs = analyzer({ dataDir: own, pathCapacity: 100 })
      const result = await logs.analyze(request({ bucket, prefix: 'logs/', fromMs: hour0, toMs: hour0 + 24 * HOUR }), {
        signal: never,
        onProgress: () => {},
      })
      await logs.close()
      expect(result.requests).toBe(24 * 400)
      expect(result.exact).toBe(false)
      expect(result.topPaths.length).toBeLessThanOrEqual(50)
      // The heavy paths come first with their true counts (they were never evicted); every count bounds the truth.
      expect(result.topPaths.slice(0, 3).map((e) => [e.key, e.count, e.error])).toEqual(
        heavy
          .map((path) => [path, truth[path], 0])
          .sort((a, b) => (b[1] as number) - (a[1] as number) || ((a[0] as string) < (b[0] as string) ? -1 : 1)),
      )
      for (const entry of [...result.topPaths, ...result.topMissedPaths]) {
        expect(entry.count).toBeGreaterThanOrEqual(truth[entry.key]!)
        expect(entry.count - entry.error).toBeLessThanOrEqual(truth[entry.key]!)
      }
    } finally {
      await rm(own, { recursive: true, force: true })
    }
  })
})
