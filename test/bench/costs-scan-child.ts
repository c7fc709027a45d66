/**
 * One measured run of the costs benchmark, in its own process so its peak RSS is its own:
 * `bare` lists the prefix with a plain ListObjectsV2 loop (the floor), `scan` runs Haneul's exact scan
 * (prefix-scan.ts: the same listing folded into the ScanAggregator and the ObjectTable) through the
 * same client, then times a what-if rule over the scanned objects. Prints one JSON line.
 * `node --import tsx test/bench/costs-scan-child.ts <endpoint> <bucket> <prefix> bare|scan`
 */
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3'
import { NodeHttpHandler } from '@smithy/node-http-handler'
import { newScan, runScan } from '../../src-main/costs/prefix-scan'
import { priceBook } from '../../src-main/costs/prices'
import { evaluateWhatIf } from '../../src-main/costs/what-if'
import { SANDBOX_ACCESS_KEY_ID, SANDBOX_SECRET_ACCESS_KEY } from '../../src-main/sandbox/credentials'

async function main(): Promise<void> {
  const [endpoint, bucket, prefix, mode] = process.argv.slice(2)
  if (!endpoint || !bucket || prefix === undefined || (mode !== 'bare' && mode !== 'scan'))
    throw new Error('usage: costs-scan-child.ts <endpoint> <bucket> <prefix> bare|scan')
  const client = new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: SANDBOX_ACCESS_KEY_ID, secretAccessKey: SANDBOX_SECRET_ACCESS_KEY },
    requestHandler: new NodeHttpHandler({ httpAgent: { keepAlive: true, maxSockets: 50 } }),
  })
  // Where the memory is at its peak: V8's heap, or buffers outside it.
  const peak = { heapTotal: 0, external: 0 }
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
  if (mode === 'bare') {
    let ContinuationToken: string | undefined
    do {
      const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken, MaxKeys: 1000 }))
      objects += page.Contents?.length ?? 0
      ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined
    } while (ContinuationToken)
  } else {
    const nowMs = Date.now()
    const scan = newScan({ id: 'bench', profileId: 'bench', bucket, prefix, versions: false, book: priceBook('us-east-1'), nowMs })
    await runScan(client, scan, { pageSize: 1000, onPage: () => {} })
    objects = scan.listed.objects
    tableMiB = scan.table.byteSize() / 1024 / 1024
    const t = performance.now()
    const result = evaluateWhatIf(scan.table, scan.book, { olderThanDays: 90, target: 'GLACIER' }, { nowMs })
    whatIfMs = performance.now() - t
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
