/**
 * `npm run bench -- costs [--runs=N] [--counts=100000,1000000]` (not a test): the exact scan of a prefix
 * of 100,000 and 1,000,000 objects in the sandbox's S3 emulator (its own process, seeded through the
 * store), against the bare ListObjectsV2 loop through the same client: scan time vs bare (target ≥ 0.9×
 * the bare loop's speed), peak RSS of the scanning process (≤ 150 MiB, flat from 100,000 to 1,000,000),
 * main event-loop lag p99 during the scan (< 50 ms), and a what-if rule over the scanned objects (< 1 s).
 * Each figure is the median of --runs runs (default 3), each run in a fresh process. The pure engine's
 * figures are `npx tsx test/bench/costs-what-if.ts`.
 */
import { spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { availableParallelism, loadavg, tmpdir } from 'node:os'
import path from 'node:path'
import { createInterface } from 'node:readline'
import { build } from 'esbuild'

const repoRoot = path.resolve(import.meta.dirname, '../..')
const BUCKET = 'costs-bench'
/** The prefix a count's objects live under: `n100000/`. */
const benchPrefix = (count: number) => `n${count}/`

interface Run {
  mode: 'bare' | 'scan' | 'idle'
  objects: number
  ms: number
  /** CPU of the scanning process (user + system): steadier than wall time on a shared machine. */
  cpuMs: number
  peakRssMiB: number
  peakHeapMiB: number
  lagP99Ms: number
  whatIfMs?: number
  tableMiB?: number
  /** The scan worker's V8 heap at its peak (it is inside peakRssMiB: threads share the process). */
  workerHeapMiB?: number
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!

function child(script: string, args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [script, ...args], {
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    let out = ''
    proc.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()))
    proc.on('error', reject)
    proc.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as Run) : reject(new Error(`scan child exited with ${code}`))))
  })
}

export async function runCostsBench(flags: Map<string, string | undefined>): Promise<void> {
  const runs = Number(flags.get('runs') ?? 3)
  const counts = (flags.get('counts') ?? '100000,1000000').split(',').map(Number)
  const dataDir = await mkdtemp(path.join(tmpdir(), 'haneul-costs-bench-'))
  const server = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(repoRoot, 'test/bench/costs-server.ts'), dataDir, BUCKET, ...counts.map((n) => `${benchPrefix(n)}=${n}`)],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  )
  try {
    const ready = await new Promise<{ port: number; seedMs: number }>((resolve, reject) => {
      server.on('exit', (code) => reject(new Error(`the S3 server exited with ${code}`)))
      createInterface({ input: server.stdout }).once('line', (line) => resolve(JSON.parse(line) as { port: number; seedMs: number }))
    })
    // The scanning child runs bundled, as main does in the app (tsx's loader alone would add ~100 MiB).
    const script = path.join(dataDir, 'costs-scan-child.cjs')
    const workerScript = path.join(dataDir, 'costs-scan-worker.cjs')
    for (const [entry, outfile] of [
      ['test/bench/costs-scan-child.ts', script],
      ['src-main/costs/scan-worker.ts', workerScript],
    ] as const)
      await build({
        entryPoints: [path.join(repoRoot, entry)],
        bundle: true,
        platform: 'node',
        target: 'node22',
        format: 'cjs',
        outfile,
        logLevel: 'warning',
      })
    const endpoint = `http://127.0.0.1:${ready.port}`
    console.log(`Load: ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} cores (wall times move with it; CPU times much less).`)
    console.log(
      `Seeded ${counts.map((n) => n.toLocaleString('en-US')).join(' + ')} objects in ${(ready.seedMs / 1000).toFixed(1)} s; load ${loadavg()[0]!.toFixed(1)}`,
    )
    const idle = await child(script, [endpoint, BUCKET, '', 'idle'])
    console.log(`An idle process's event-loop lag p99 at this load (the floor): ${idle.lagP99Ms} ms; load ${loadavg()[0]!.toFixed(1)}`)
    const rows: string[] = []
    for (const count of counts) {
      const bare: Run[] = []
      const scan: Run[] = []
      const load: number[] = []
      for (let r = 0; r < runs; r++) {
        load.push(loadavg()[0]!)
        bare.push(await child(script, [endpoint, BUCKET, benchPrefix(count), 'bare']))
        scan.push(await child(script, [endpoint, BUCKET, benchPrefix(count), 'scan', workerScript]))
      }
      for (const run of [...bare, ...scan])
        if (run.objects !== count) throw new Error(`${run.mode} listed ${run.objects} objects, expected ${count}`)
      const bareMs = median(bare.map((r) => r.ms))
      const scanMs = median(scan.map((r) => r.ms))
      const bareCpu = median(bare.map((r) => r.cpuMs))
      const scanCpu = median(scan.map((r) => r.cpuMs))
      rows.push(
        `| ${count.toLocaleString('en-US')} | ${(bareMs / 1000).toFixed(1)} s | ${(scanMs / 1000).toFixed(1)} s | ${(bareMs / scanMs).toFixed(2)}× | ` +
          `${(bareCpu / 1000).toFixed(1)} s | ${(scanCpu / 1000).toFixed(1)} s | ${(bareCpu / scanCpu).toFixed(2)}× | ` +
          `${median(bare.map((r) => r.peakRssMiB))} MiB | ${median(scan.map((r) => r.peakRssMiB))} MiB (heaps: main ${median(scan.map((r) => r.peakHeapMiB))}, worker ${median(scan.map((r) => r.workerHeapMiB ?? 0))}) | ${median(scan.map((r) => r.tableMiB ?? 0))} MiB | ` +
          `${median(scan.map((r) => r.lagP99Ms))} ms | ${median(scan.map((r) => r.whatIfMs ?? 0))} ms | ${load.map((l) => l.toFixed(1)).join('–')} |`,
      )
    }
    console.log(`\nMedians of ${runs} runs, each in a fresh process (targets: ≥ 0.9×, ≤ 150 MiB flat, lag p99 < 50 ms, what-if < 1 s)\n`)
    console.log(
      '| objects | bare ListObjectsV2 | Haneul scan | speed vs bare | bare CPU | scan CPU | CPU vs bare | bare peak RSS | scan peak RSS (process) | table | main lag p99 | what-if | load |',
    )
    console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|')
    for (const row of rows) console.log(row)
  } finally {
    server.kill('SIGTERM')
    await new Promise((resolve) => server.once('exit', resolve))
    await rm(dataDir, { recursive: true, force: true })
  }
}
