/**
 * One benchmark transfer through Haneul's engine with its default settings, in its own process (bundled by
 * run.ts). Prints {"elapsedMs", "lagP99Ms", "lagMaxMs", "retries", "verified", "memory"}: the event-loop lag is
 * the main loop's, measured with monitorEventLoopDelay while the transfer runs.
 */
import http from 'node:http'
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { S3Client } from '@aws-sdk/client-s3'
import { NodeHttpHandler } from '@smithy/node-http-handler'
import { TransferEngine, type TransferSnapshot } from '../../src-main/transfers/index'
import type { BenchJob } from './bench-job'

const LAG_RESOLUTION_MS = 10

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2] ?? '{}') as BenchJob
  const client = new S3Client({
    endpoint: job.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: job.credentials,
    // As the app's AwsClients builds them: keep-alive, 64 sockets per profile.
    requestHandler: new NodeHttpHandler({ httpAgent: new http.Agent({ keepAlive: true, maxSockets: 64 }) }),
  })
  const journalDir = await mkdtemp(path.join(tmpdir(), 'haneul-bench-journal-'))
  const engine = new TransferEngine({ clients: { s3: async () => client }, journalDir, config: job.config })
  // A job may end before its id is known here (downloadPrefix starts jobs while it lists), so endings are kept.
  const pending = new Map<string, (snapshot: TransferSnapshot) => void>()
  const ended = new Map<string, TransferSnapshot>()
  engine.subscribe({
    onDone: (snapshot) => {
      const resolve = pending.get(snapshot.jobId)
      if (resolve) resolve(snapshot)
      else ended.set(snapshot.jobId, snapshot)
    },
  })
  const wait = (jobId: string) =>
    new Promise<TransferSnapshot>((resolve) => {
      const snapshot = ended.get(jobId)
      if (snapshot) resolve(snapshot)
      else pending.set(jobId, resolve)
    })

  const lag = monitorEventLoopDelay({ resolution: LAG_RESOLUTION_MS })
  lag.enable()
  // Where memory goes, sampled: RSS alone cannot tell part buffers from heap growth.
  const peak = { rssMiB: 0, heapUsedMiB: 0, externalMiB: 0 }
  const sampler = setInterval(() => {
    const usage = process.memoryUsage()
    peak.rssMiB = Math.max(peak.rssMiB, usage.rss / 2 ** 20)
    peak.heapUsedMiB = Math.max(peak.heapUsedMiB, usage.heapUsed / 2 ** 20)
    peak.externalMiB = Math.max(peak.externalMiB, usage.external / 2 ** 20)
  }, 100)
  const started = performance.now()
  let jobIds: string[]
  if (job.mode === 'upload-file') {
    jobIds = [engine.upload({ profileId: 'bench', bucket: job.bucket, key: job.key, filePath: job.localPath })]
  } else if (job.mode === 'download-file') {
    jobIds = [engine.download({ profileId: 'bench', bucket: job.bucket, key: job.key, destinationPath: job.localPath })]
  } else if (job.mode === 'download-prefix') {
    const started = await engine.downloadPrefix({ profileId: 'bench', bucket: job.bucket, prefix: job.key, destinationDir: job.localPath })
    if (started.refused.length > 0) throw new Error(`refused: ${started.refused[0]?.reason}`)
    jobIds = started.jobIds
  } else {
    const names = await readdir(job.localPath)
    jobIds = names.map((name) =>
      engine.upload({ profileId: 'bench', bucket: job.bucket, key: `${job.key}${name}`, filePath: path.join(job.localPath, name) }),
    )
  }
  const results = await Promise.all(jobIds.map(wait))
  const elapsedMs = performance.now() - started
  lag.disable()
  clearInterval(sampler)
  const failed = results.filter((r) => r.state !== 'done')
  if (failed.length > 0) throw new Error(`${failed.length} transfers failed: ${failed[0]?.error?.message}`)
  await engine.close()
  client.destroy()
  await rm(journalDir, { recursive: true, force: true })
  process.stdout.write(
    `${JSON.stringify({
      elapsedMs,
      // The histogram holds the interval of a LAG_RESOLUTION_MS timer; the lag is what exceeds it.
      lagP99Ms: Math.max(0, lag.percentile(99) / 1e6 - LAG_RESOLUTION_MS),
      lagMaxMs: Math.max(0, lag.max / 1e6 - LAG_RESOLUTION_MS),
      memory: peak,
      retries: results.reduce((sum, r) => sum + r.retries, 0),
      verified: results.every((r) => r.checksum?.verified),
    })}\n`,
  )
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
