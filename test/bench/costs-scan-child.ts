/**
 * One measured run of the costs benchmark, in its own process so its peak RSS is its own (the whole
 * process's: the scan worker is a thread of it): `bare` lists the prefix with a plain ListObjectsV2 loop
 * on the main thread (the floor), `scan` runs Haneul's exact scan as the app does — in the scan worker
 * (scan-worker.ts: its own client, built from this client's settings and signing with its credentials,
 * the listing folded into the ScanAggregator and the ObjectTable) — then times a what-if rule over the
 * scanned objects, asked of the worker. Lag is this (main) thread's event loop. Prints one JSON line.
 * `node costs-scan-child.cjs <endpoint> <bucket> <prefix> bare|scan <scan-worker.cjs>`
 */
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3'
import { NodeHttpHandler } from '@smithy/node-http-handler'
import { pathToFileURL } from 'node:url'
import type { AwsCredentialIdentity } from '@aws-sdk/types'
import { priceBook } from '../../src-main/costs/prices'
import { ScanWorkerHost, workerClientSettings } from '../../src-main/costs/scan-worker-host'
import { SANDBOX_ACCESS_KEY_ID, SANDBOX_SECRET_ACCESS_KEY } from '../../src-main/sandbox/credentials'

async function main(): Promise<void> {
  const [endpoint, bucket, prefix, mode, workerScript] = process.argv.slice(2)
  if (!endpoint || !bucket || prefix === undefined || (mode !== 'bare' && mode !== 'scan' && mode !== 'idle'))
    throw new Error('usage: costs-scan-child.ts <endpoint> <bucket> <prefix> bare|scan|idle')
  const client = new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: SANDBOX_ACCESS_KEY_ID, secretAccessKey: SANDBOX_SECRET_ACCESS_KEY },
    requestHandler: new NodeHttpHandler({ httpAgent: { keepAlive: true, maxSockets: 50 } }),
  })
  // Where the memory is at its peak: V8's heap, or buffers outside it.
  const peak = { heapTotal: 0, external: 0, workerHeapTotal: 0, workerHeapUsed: 0 }
  const sample = setInterval(() => {
    const m = process.memoryUsage()
    peak.heapTotal = Math.max(peak.heapTotal, m.heapTotal)
    peak.external = Math.max(peak.external, m.external)
  }, 100)
  const lag = monitorEventLoopDelay({ resolution: 10 })
  lag.enable()
  const started = performance.now()
  const cpu = process.cpuUsage()
  let objects = 0
  let whatIfMs: number | undefined
  let tableMiB: number | undefined
  if (mode === 'idle') {
    // The floor: this process's event-loop lag doing nothing for 10 s, at the machine's load.
    await new Promise((resolve) => setTimeout(resolve, 10_000))
  } else if (mode === 'bare') {
    let ContinuationToken: string | undefined
    do {
      const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken, MaxKeys: 1000 }))
      objects += page.Contents?.length ?? 0
      ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined
    } while (ContinuationToken)
  } else {
    const nowMs = Date.now()
    if (!workerScript) throw new Error('scan mode needs the bundled scan worker')
    const host = new ScanWorkerHost({
      entry: () => ({ url: pathToFileURL(workerScript) }),
      // COSTS_BENCH_LIMITS='{"maxYoungGenerationSizeMb":16}' tries other heap limits than the app's.
      ...(process.env.COSTS_BENCH_LIMITS ? { resourceLimits: JSON.parse(process.env.COSTS_BENCH_LIMITS) as object } : {}),
      credentials: () => (client.config.credentials as () => Promise<AwsCredentialIdentity>)(),
      onLost: (reason) => console.error(`the scan worker stopped: ${reason}`),
    })
    const workerSample = setInterval(() => {
      host
        .heapStatistics()
        ?.then((h) => {
          peak.workerHeapTotal = Math.max(peak.workerHeapTotal, h.total_heap_size)
          peak.workerHeapUsed = Math.max(peak.workerHeapUsed, h.used_heap_size)
        })
        // Not started yet, or already stopped.
        .catch(() => {})
    }, 200)
    const book = priceBook('us-east-1')
    const { state, error } = await host.run(
      {
        scanId: 'bench',
        create: { id: 'bench', profileId: 'bench', bucket, prefix, versions: false, book, nowMs },
        client: await workerClientSettings(client),
        pageSize: 1000,
      },
      () => {},
    )
    if (error || !state) throw new Error(`the scan failed: ${error?.message}`)
    objects = state.listed.objects
    tableMiB = state.tableBytes / 1024 / 1024
    const t = performance.now()
    const { result } = await host.whatIf({ scanId: 'bench', rule: { olderThanDays: 90, target: 'GLACIER' }, nowMs, rules: [] })
    whatIfMs = performance.now() - t
    clearInterval(workerSample)
    await host.close()
    if (result.matched.objects === 0) throw new Error('the what-if rule matched nothing: the bench data is wrong')
  }
  const ms = performance.now() - started - (whatIfMs ?? 0)
  const used = process.cpuUsage(cpu)
  const cpuMs = (used.user + used.system) / 1000 - (whatIfMs ?? 0)
  lag.disable()
  clearInterval(sample)
  process.stdout.write(
    `${JSON.stringify({
      mode,
      objects,
      ms: Math.round(ms),
      cpuMs: Math.round(cpuMs),
      peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
      peakHeapMiB: Math.round(peak.heapTotal / 1024 / 1024),
      peakExternalMiB: Math.round(peak.external / 1024 / 1024),
      ...(mode === 'scan'
        ? {
            workerHeapMiB: Math.round(peak.workerHeapTotal / 1024 / 1024),
            workerHeapUsedMiB: Math.round(peak.workerHeapUsed / 1024 / 1024),
          }
        : {}),
      lagP99Ms: Math.round((lag.percentile(99) / 1e6) * 10) / 10,
      ...(whatIfMs !== undefined ? { whatIfMs: Math.round(whatIfMs) } : {}),
      ...(tableMiB !== undefined ? { tableMiB: Math.round(tableMiB) } : {}),
    })}\n`,
  )
  client.destroy()
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
