/**
 * A quick A/B loop for one Haneul workload, no peers and no report: `npx tsx test/bench/quick.ts download 5`.
 * Workloads: upload, download, small, upload4g. Prints MiB/s (whole process), CPU (user/sys), server CPU and peak
 * RSS per run and the median of each. Environment: HANEUL_BINS=a.cjs,b.cjs runs other bundles (e.g. a baseline built
 * with esbuild from another tree) interleaved with this tree's; HANEUL_CONFIG='{"partSizeBytes":33554432}' passes a
 * config; HANEUL_NODE_ARGS='--cpu-prof' and HANEUL_WRAP='perf record -g --' wrap the child; HANEUL_VERBOSE=1 prints
 * what the child reports (memory peaks included).
 */
import { spawn } from 'node:child_process'
import { randomFillSync } from 'node:crypto'
import http from 'node:http'
import { mkdir, mkdtemp, open, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { createInterface } from 'node:readline'
import { build } from 'esbuild'
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3'
import { NodeHttpHandler } from '@smithy/node-http-handler'
import { SANDBOX_ACCESS_KEY_ID, SANDBOX_SECRET_ACCESS_KEY } from '../../src-main/sandbox/credentials'
import { GiB, KiB, MiB } from '../../src-main/transfers/config'
import type { BenchJob } from './bench-job'

const repoRoot = path.resolve(import.meta.dirname, '../..')
const credentials = { accessKeyId: SANDBOX_ACCESS_KEY_ID, secretAccessKey: SANDBOX_SECRET_ACCESS_KEY }
const [workload = 'download', runsArg = '3'] = process.argv.slice(2)
const RUNS = Number(runsArg)
const childEnv = { ...process.env, ...(JSON.parse(process.env.HANEUL_CHILD_ENV ?? '{}') as Record<string, string>) }
const nodeArgs = (process.env.HANEUL_NODE_ARGS ?? '').split(' ').filter(Boolean)
const wrap = (process.env.HANEUL_WRAP ?? '').split(' ').filter(Boolean)
const config = JSON.parse(process.env.HANEUL_CONFIG ?? '{}') as BenchJob['config']

async function writeRandomFile(filePath: string, sizeBytes: number): Promise<void> {
  const handle = await open(filePath, 'w')
  const chunk = Buffer.allocUnsafe(8 * MiB)
  try {
    for (let written = 0; written < sizeBytes; written += chunk.length) {
      randomFillSync(chunk)
      await handle.write(chunk, 0, Math.min(chunk.length, sizeBytes - written), written)
    }
  } finally {
    await handle.close()
  }
}

async function cpuOf(pid: number): Promise<number> {
  const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]?.split(' ') ?? []
  return (Number(fields[11]) + Number(fields[12])) / 100
}

async function run(args: string[], workdir: string, env = process.env) {
  const timeFile = path.join(workdir, 'time.txt')
  const started = performance.now()
  const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn('/usr/bin/time', ['-f', '%U %S %M', '-o', timeFile, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    child.stdout.on('data', (c: Buffer) => (out += c.toString()))
    child.stderr.on('data', (c: Buffer) => (err += c.toString()))
    child.on('close', (exitCode) => resolve({ code: exitCode, stdout: out, stderr: err }))
  })
  const wall = (performance.now() - started) / 1000
  if (code !== 0) throw new Error(`failed (${code}): ${stderr.slice(-2000)}`)
  const [user = 0, sys = 0, rss = 0] = (await readFile(timeFile, 'utf8')).trim().split('\n').at(-1)?.split(' ').map(Number) ?? []
  return {
    wall,
    user,
    sys,
    rssMiB: rss / 1024,
    stdout:
      stdout.trim() +
      ' ' +
      stderr
        .split('\n')
        .filter((l) => l.startsWith('EXIT'))
        .join(' '),
  }
}

async function main(): Promise<void> {
  const workdir = await mkdtemp(path.join(tmpdir(), 'haneul-quick-'))
  const bin = path.join(workdir, 'bin', 'haneul-child.cjs')
  // HANEUL_BINS=a.cjs,b.cjs: other bundles (e.g. a baseline) run interleaved with this tree's, run by run.
  const bins = [bin, ...(process.env.HANEUL_BINS ?? '').split(',').filter(Boolean)]
  await build({
    entryPoints: [path.join(repoRoot, 'test/bench/haneul-child.ts')],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    outdir: path.join(workdir, 'bin'),
    outExtension: { '.js': '.cjs' },
    logLevel: 'warning',
  })
  const bigFile = path.join(workdir, 'big.bin')
  const bytes = workload === 'upload4g' ? 4 * GiB : workload === 'small' ? 2000 * 64 * KiB : GiB
  if (workload !== 'small') await writeRandomFile(bigFile, bytes)
  const smallDir = path.join(workdir, 'small')
  if (workload === 'small') {
    await mkdir(smallDir)
    for (let i = 0; i < 2000; i++) await writeRandomFile(path.join(smallDir, `file-${String(i).padStart(4, '0')}.bin`), 64 * KiB)
  }
  const log = await open(path.join(workdir, 'server.log'), 'w')
  const server = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'test/bench/s3-server.ts'), path.join(workdir, 'data')], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', log.fd],
  })
  const line = await new Promise<string>((resolve) =>
    createInterface({ input: server.stdout as NodeJS.ReadableStream }).once('line', resolve),
  )
  const endpoint = `http://127.0.0.1:${(JSON.parse(line) as { port: number }).port}`
  const client = new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials,
    requestHandler: new NodeHttpHandler({ httpAgent: new http.Agent({ keepAlive: true }) }),
  })
  try {
    await client.send(new CreateBucketCommand({ Bucket: 'bench' }))
    const job = (mode: BenchJob['mode'], key: string, localPath: string): string =>
      JSON.stringify({ endpoint, credentials, mode, bucket: 'bench', key, localPath, config } satisfies BenchJob)
    if (workload === 'download') await run([process.execPath, bin, job('upload-file', 'download/1g', bigFile)], workdir)
    const results = new Map<string, Array<{ mibps: number; cpu: number; server: number; rss: number }>>()
    for (let i = 1; i <= RUNS; i++) {
      for (const [b, childBin] of bins.entries()) {
        const target = path.join(workdir, `out-${i}.bin`)
        const args =
          workload === 'download'
            ? job('download-file', 'download/1g', target)
            : workload === 'small'
              ? job('upload-dir', `small-${i}-${b}/`, smallDir)
              : job('upload-file', `up-${i}-${b}`, bigFile)
        const serverBefore = await cpuOf(server.pid as number)
        const r = await run([...wrap, process.execPath, ...nodeArgs, childBin, args], workdir, childEnv)
        const serverCpu = (await cpuOf(server.pid as number)) - serverBefore
        const name = path.basename(childBin)
        const mibps = bytes / MiB / r.wall
        results.set(name, [...(results.get(name) ?? []), { mibps, cpu: r.user + r.sys, server: serverCpu, rss: r.rssMiB }])
        console.log(
          `${workload} ${name} run ${i}: ${mibps.toFixed(0)} MiB/s  cpu ${(r.user + r.sys).toFixed(2)} (usr ${r.user.toFixed(2)} sys ${r.sys.toFixed(2)})  server ${serverCpu.toFixed(2)}  rss ${r.rssMiB.toFixed(0)} MiB  ${process.env.HANEUL_VERBOSE ? r.stdout : ''}`,
        )
        await rm(target, { force: true })
      }
    }
    const med = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number
    for (const [name, list] of results)
      console.log(
        `MEDIAN ${name.padEnd(22)} ${med(list.map((x) => x.mibps)).toFixed(0)} MiB/s  cpu ${med(list.map((x) => x.cpu)).toFixed(2)}  server ${med(list.map((x) => x.server)).toFixed(2)}  rss ${med(list.map((x) => x.rss)).toFixed(0)}`,
      )
  } finally {
    client.destroy()
    server.kill('SIGTERM')
    await new Promise((resolve) => server.once('exit', resolve))
    await log.close()
    await rm(workdir, { recursive: true, force: true })
  }
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
