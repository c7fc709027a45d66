/**
 * One benchmark run of Haneul's log analysis in its own process (bundled by cloudfront-logs.ts): the
 * app's analyzer over an S3 endpoint, with an S3 client built as the app builds them. Prints one JSON
 * line: the analysis' counts and top-10 missed paths, and the main event loop's lag while it ran
 * (monitorEventLoopDelay; the loop that downloads and hands bytes to the workers).
 */
import http from 'node:http'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { pathToFileURL } from 'node:url'
import { S3Client } from '@aws-sdk/client-s3'
import { NodeHttpHandler } from '@smithy/node-http-handler'
import { createLogAnalyzer } from '../../src-main/cloudfront/log-analysis/index'

export interface LogBenchJob {
  endpoint: string
  credentials: { accessKeyId: string; secretAccessKey: string }
  bucket: string
  prefix: string
  distributionId: string
  fromMs: number
  toMs: number
  dataDir: string
  workerPath: string
  /** Worker threads (the analyzer's default when absent). */
  workers?: number
}

const LAG_RESOLUTION_MS = 10

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2] ?? '{}') as LogBenchJob
  const client = new S3Client({
    endpoint: job.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: job.credentials,
    requestHandler: new NodeHttpHandler({ httpAgent: new http.Agent({ keepAlive: true, maxSockets: 64 }) }),
  })
  const analyzer = createLogAnalyzer({
    dataDir: job.dataDir,
    s3: async () => client,
    worker: { url: pathToFileURL(job.workerPath) },
    ...(job.workers ? { workers: job.workers } : {}),
  })
  const lag = monitorEventLoopDelay({ resolution: LAG_RESOLUTION_MS })
  lag.enable()
  let progressEvents = 0
  // Where memory goes, sampled: the main thread's heap and buffers (workers' heaps are in rss only).
  const peak = { rssMiB: 0, mainHeapUsedMiB: 0, mainHeapTotalMiB: 0, externalMiB: 0 }
  const sampler = setInterval(() => {
    const usage = process.memoryUsage()
    peak.rssMiB = Math.max(peak.rssMiB, usage.rss / 2 ** 20)
    peak.mainHeapUsedMiB = Math.max(peak.mainHeapUsedMiB, usage.heapUsed / 2 ** 20)
    peak.mainHeapTotalMiB = Math.max(peak.mainHeapTotalMiB, usage.heapTotal / 2 ** 20)
    peak.externalMiB = Math.max(peak.externalMiB, usage.external / 2 ** 20)
  }, 100)
  const rssAtStartMiB = process.memoryUsage().rss / 2 ** 20
  const started = performance.now()
  const result = await analyzer.analyze(
    {
      profileId: 'bench',
      distributionId: job.distributionId,
      bucket: job.bucket,
      prefix: job.prefix,
      fromMs: job.fromMs,
      toMs: job.toMs,
      source: 'network',
    },
    { signal: new AbortController().signal, onProgress: () => void progressEvents++ },
  )
  const elapsedMs = performance.now() - started
  lag.disable()
  clearInterval(sampler)
  await analyzer.close()
  client.destroy()
  process.stdout.write(
    `${JSON.stringify({
      elapsedMs,
      lagP99Ms: Math.max(0, lag.percentile(99) / 1e6 - LAG_RESOLUTION_MS),
      lagMaxMs: Math.max(0, lag.max / 1e6 - LAG_RESOLUTION_MS),
      progressEvents,
      rssAtStartMiB,
      memory: peak,
      files: result.files,
      lines: result.lines,
      requests: result.requests,
      malformed: result.malformed,
      problemFiles: result.problemFiles.length,
      cache: result.cache,
      exact: result.exact,
      topMissed: result.topMissedPaths.slice(0, 10).map((entry) => [entry.key, entry.count]),
    })}\n`,
  )
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
