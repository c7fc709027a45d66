/**
 * Cache statistics from a distribution's standard logs: lists the log files of a range, reads each
 * file not read before in a worker thread (main only downloads and hands over the bytes), keeps every
 * file's aggregate in the data folder, and merges them into one LogAnalysis. See README.md.
 */
import { availableParallelism } from 'node:os'
import { GetObjectCommand, ListObjectsV2Command, type S3Client, type _Object } from '@aws-sdk/client-s3'
import type { LogAnalysis } from '../../api/cloudfront'
import { HaneulError, toApiError } from '../../core/errors'
import { LogAggregator, type AggregatorOptions } from '../logs/index'
import { AggregateStore, type LogFileIdentity } from './aggregate-store'
import { edgeCity } from './edge-cities'
import { legacyKeyPrefix, logFileHour, startAfterFor } from './log-keys'
import { defaultWorkerEntry, LogFileFailed, LogWorkerPool, LogWorkerStopped, type WorkerEntry } from './worker-pool'

const HOUR_MS = 3600_000

export interface LogAnalysisRequest {
  profileId: string
  distributionId: string
  /** The log bucket and prefix of the distribution's standard logging ('' or ending in '/' usually). */
  bucket: string
  prefix: string
  fromMs: number
  toMs: number
  /** 'cache': only per-file aggregates already on disk, no network. */
  source: 'network' | 'cache'
}

export interface LogAnalysisProgress {
  filesDone: number
  filesTotal: number
  bytesDone: number
  bytesTotal: number
}

export interface AnalyzeOptions {
  signal: AbortSignal
  onProgress: (progress: LogAnalysisProgress) => void
}

export interface LogAnalyzerOptions {
  dataDir: string
  /** The profile's S3 client (credentials stay with it, in main). */
  s3: (profileId: string, region?: string) => Promise<S3Client>
  nowMs?: () => number
  log?: (message: string) => void
  /** The worker script; defaults to the one beside this file or in the build (defaultWorkerEntry). */
  worker?: WorkerEntry
  /** Worker threads per analysis. Default: the cores but one, at least 1 and at most 2. */
  workers?: number
  /** Table capacities (paths 10,000 by default). */
  aggregator?: AggregatorOptions
  /** At most one progress report per this many ms (plus the last). Default 250. */
  progressIntervalMs?: number
}

export interface LogAnalyzer {
  analyze(request: LogAnalysisRequest, options: AnalyzeOptions): Promise<LogAnalysis>
  /** Cancels running analyses and waits for them to stop. */
  close(): Promise<void>
}

interface ListedFile extends LogFileIdentity {
  hourStartMs: number
}

type ProblemFile = LogAnalysis['problemFiles'][number]

const s3Name = (error: unknown) => (error as { name?: string } | undefined)?.name ?? ''

/** A missing or unreadable log bucket, said so that the user knows what to do. */
function explainBucketError(error: unknown, bucket: string, prefix: string): unknown {
  const name = s3Name(error)
  if (name === 'NoSuchBucket')
    return new HaneulError(
      'not-found',
      `The log bucket "${bucket}" does not exist (or belongs to another account). Check the distribution's standard logging settings: the bucket may have been deleted or renamed.`,
    )
  if (name === 'AccessDenied' || name === 'AllAccessDisabled' || name === 'Forbidden')
    return new HaneulError(
      'access-denied',
      `This profile may not read the log bucket "${bucket}". Allow s3:ListBucket on arn:aws:s3:::${bucket} and s3:GetObject on arn:aws:s3:::${bucket}/${prefix}*, or use a profile that has them.`,
    )
  return error
}

export function createLogAnalyzer(options: LogAnalyzerOptions): LogAnalyzer {
  const nowMs = options.nowMs ?? Date.now
  const log = options.log ?? (() => {})
  // One core stays for main (downloads) and the rest of the machine: on 2 cores, 1 worker reads
  // faster than 2 (measured in the bench) and keeps the event loop's lag lower.
  const workerCount = Math.max(1, options.workers ?? Math.min(2, availableParallelism() - 1))
  const aggregatorOptions = options.aggregator ?? {}
  const intervalMs = options.progressIntervalMs ?? 250
  const running = new Set<{ controller: AbortController; done: Promise<unknown> }>()
  let workerEntry = options.worker

  async function listFiles(client: S3Client, request: LogAnalysisRequest, fromMs: number, toMs: number, signal: AbortSignal) {
    const files: ListedFile[] = []
    const problems: ProblemFile[] = []
    const take = (object: _Object) => {
      const key = object.Key!
      const hourStartMs = logFileHour(key, request.distributionId)
      if (hourStartMs === undefined) {
        problems.push({
          name: key,
          problem: 'not named like a CloudFront log file (<distribution>.YYYY-MM-DD-HH.<id>.gz); skipped',
          truncated: false,
        })
        return 'skip'
      }
      if (hourStartMs >= toMs) return 'after'
      if (hourStartMs + HOUR_MS > fromMs)
        files.push({ bucket: request.bucket, key, etag: object.ETag ?? '', size: object.Size ?? 0, hourStartMs })
      return 'taken'
    }
    const pages = async function* (params: { Prefix: string; StartAfter?: string; MaxKeys?: number }) {
      let token: string | undefined
      do {
        signal.throwIfAborted()
        const page = await client
          .send(new ListObjectsV2Command({ Bucket: request.bucket, ...params, ContinuationToken: token }), { abortSignal: signal })
          .catch((error: unknown) => {
            throw explainBucketError(error, request.bucket, request.prefix)
          })
        yield page.Contents ?? []
        token = page.IsTruncated ? page.NextContinuationToken : undefined
      } while (token)
    }

    // Legacy files (and v2 files without partitioning): in hour order under "<prefix><id>.".
    const legacyPrefix = legacyKeyPrefix(request.prefix, request.distributionId)
    let seenLegacy = false
    legacy: for await (const objects of pages({
      Prefix: legacyPrefix,
      StartAfter: startAfterFor(request.prefix, request.distributionId, fromMs),
    })) {
      for (const object of objects) {
        seenLegacy = true
        if (take(object) === 'after') break legacy
      }
    }
    if (seenLegacy) return { files, problems }
    const anyLegacy = await pages({ Prefix: legacyPrefix, MaxKeys: 1 }).next()
    if (!anyLegacy.done && anyLegacy.value.length > 0) return { files, problems }

    // No legacy file of this distribution at all: standard logging v2 may partition into folders
    // ({DistributionId}/{yyyy}/{MM}/{dd}/{HH}/, Hive-style year=…/): find its files by name below the prefix.
    for await (const objects of pages({ Prefix: request.prefix }))
      for (const object of objects) if (logFileHour(object.Key!, request.distributionId) !== undefined) take(object)
    files.sort((a, b) => a.hourStartMs - b.hourStartMs || (a.key < b.key ? -1 : 1))
    return { files, problems }
  }

  async function run(request: LogAnalysisRequest, signal: AbortSignal, onProgress: AnalyzeOptions['onProgress']): Promise<LogAnalysis> {
    const fromMs = Math.floor(request.fromMs / HOUR_MS) * HOUR_MS
    const toMs = Math.ceil(request.toMs / HOUR_MS) * HOUR_MS
    const offline = request.source === 'cache'
    const store = new AggregateStore(options.dataDir, request)
    await store.load()

    // What to merge from disk and what to download.
    let listed: ListedFile[] = []
    const problems: ProblemFile[] = []
    let saved: string[]
    if (offline) {
      saved = await store.savedIn(fromMs, toMs)
    } else {
      const client = await options.s3(request.profileId)
      const listing = await listFiles(client, request, fromMs, toMs, signal)
      listed = listing.files
      problems.push(...listing.problems)
      saved = []
    }
    const toRead: ListedFile[] = []
    for (const file of listed) {
      const name = store.nameOf(file, file.hourStartMs)
      if (store.has(name)) saved.push(name)
      else toRead.push(file)
    }

    const progress: LogAnalysisProgress = {
      filesDone: 0,
      filesTotal: offline ? saved.length : listed.length,
      bytesDone: 0,
      bytesTotal: toRead.reduce((sum, file) => sum + file.size, 0),
    }
    let lastReportMs = -Infinity
    const report = (force = false) => {
      const now = nowMs()
      if (!force && now - lastReportMs < intervalMs) return
      lastReportMs = now
      onProgress({ ...progress })
    }
    report(true)

    const merged = new LogAggregator(aggregatorOptions)
    let filesFromCache = 0
    let bytesRead = 0
    if (saved.length + toRead.length > 0) {
      workerEntry ??= defaultWorkerEntry()
      const poolSize = Math.min(workerCount, saved.length + toRead.length)
      const pool = new LogWorkerPool(workerEntry, poolSize, { options: aggregatorOptions })
      const stop = new AbortController()
      const stopped = AbortSignal.any([signal, stop.signal])
      const client = offline ? undefined : await options.s3(request.profileId)
      const queue: Array<{ saved: string } | { read: ListedFile }> = [
        ...saved.map((name) => ({ saved: name })),
        ...toRead.map((file) => ({ read: file })),
      ]
      const fileOf = new Map(listed.map((file) => [store.nameOf(file, file.hourStartMs), file]))

      const readFile = async (file: ListedFile) => {
        let received = 0
        try {
          const object = await client!.send(new GetObjectCommand({ Bucket: file.bucket, Key: file.key, IfMatch: file.etag || undefined }), {
            abortSignal: stopped,
          })
          const body = object.Body as AsyncIterable<Uint8Array> | undefined
          const name = store.nameOf(file, file.hourStartMs)
          const head = JSON.stringify({
            version: 1,
            bucket: file.bucket,
            key: file.key,
            etag: file.etag,
            size: file.size,
            hourStartMs: file.hourStartMs,
            readAtMs: nowMs(),
          })
          await pool.read(file.key, body ?? [], { saveAs: { folder: store.folder, name }, head }, stopped, (bytes) => {
            received += bytes
            progress.bytesDone += bytes
            report()
          })
          bytesRead += received
          await store.saved(name)
        } catch (error) {
          bytesRead += received
          stopped.throwIfAborted()
          const name = s3Name(error)
          if (name === 'NoSuchKey')
            problems.push({ name: file.key, problem: 'deleted from the bucket after it was listed', truncated: false })
          else if (name === 'PreconditionFailed')
            problems.push({
              name: file.key,
              problem: 'replaced in the bucket while being read; it is read again next time',
              truncated: false,
            })
          else if (name === 'AccessDenied') throw explainBucketError(error, request.bucket, request.prefix)
          else if (error instanceof LogFileFailed) {
            problems.push({ name: file.key, problem: `could not be read (${error.message}); it is read again next time`, truncated: false })
            log(`cloudfront logs: ${file.key}: ${error.message}`)
          } else {
            const { code, message } = toApiError(error)
            if (
              error instanceof LogWorkerStopped ||
              ['offline', 'credentials-expired', 'credentials-invalid', 'credentials-missing'].includes(code)
            )
              throw error
            problems.push({ name: file.key, problem: `could not be downloaded (${message}); it is read again next time`, truncated: false })
            log(`cloudfront logs: ${file.key}: ${message}`)
          }
        }
      }
      const mergeFile = async (name: string) => {
        const outcome = await pool.mergeSaved(store.pathOf(name))
        if (outcome.merged) {
          filesFromCache++
          return
        }
        const file = fileOf.get(name)
        // Online, a damaged aggregate is read again from S3; offline it can only be named.
        if (file && !offline) return readFile(file)
        problems.push({ name: file?.key ?? name, problem: outcome.problem, truncated: false })
      }
      const runner = async () => {
        for (let next = queue.shift(); next; next = queue.shift()) {
          stopped.throwIfAborted()
          if ('saved' in next) await mergeFile(next.saved)
          else await readFile(next.read)
          progress.filesDone++
          report()
        }
      }
      try {
        // Online, one more runner than workers: the next GetObject is under way while a worker finishes a file.
        const runners = Array.from({ length: Math.min(queue.length, poolSize + (offline ? 0 : 1)) }, async () => {
          try {
            await runner()
          } catch (error) {
            stop.abort(error)
            throw error
          }
        })
        const results = await Promise.allSettled(runners)
        signal.throwIfAborted()
        const failed = results.find((result) => result.status === 'rejected')
        if (failed) throw (failed as PromiseRejectedResult).reason
        for (const state of await pool.totals()) merged.merge(LogAggregator.fromState(state))
      } finally {
        await pool.close()
      }
    }
    report(true)

    const stats = merged.result({ fromMs, toMs })
    return {
      fromMs,
      toMs,
      location: `s3://${request.bucket}/${request.prefix}`,
      files: offline ? saved.length : listed.length,
      filesFromCache,
      offline,
      bytesRead,
      lines: stats.lines,
      requests: stats.requests,
      malformed: stats.malformed,
      malformedSamples: stats.malformedSamples,
      problemFiles: [...stats.problemFiles, ...problems],
      ...(stats.firstRequestMs === undefined ? {} : { firstRequestMs: stats.firstRequestMs, lastRequestMs: stats.lastRequestMs }),
      bytes: stats.bytes,
      cache: stats.cache,
      hourly: stats.hourly,
      byResultType: stats.byResultType,
      bytesFromMisses: stats.bytesFromMisses,
      incompleteDownloads: stats.incompleteDownloads,
      topPaths: stats.topPaths,
      topMissedPaths: stats.topMissedPaths,
      statusCodes: stats.statusCodes,
      edgeLocations: stats.edgeLocations.map((entry) => {
        const city = edgeCity(entry.key)
        return city ? { ...entry, city } : entry
      }),
      exact: stats.exact,
    }
  }

  return {
    analyze(request, { signal, onProgress }) {
      const controller = new AbortController()
      const linked = AbortSignal.any([signal, controller.signal])
      const done = run(request, linked, onProgress)
      const entry = { controller, done }
      running.add(entry)
      void done.then(
        () => running.delete(entry),
        () => running.delete(entry),
      )
      return done
    },
    async close() {
      for (const entry of running) entry.controller.abort()
      await Promise.allSettled([...running].map((entry) => entry.done))
    },
  }
}
