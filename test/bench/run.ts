/**
 * Transfer benchmark: the same data through Haneul's engine, the aws CLI v2, rclone and lib-storage's Upload,
 * against one local S3 emulator running in its own process.
 * `npm run bench [-- --runs=3 --rss-4g "--workload=download,upload 20000"]` (--workload: comma-separated parts of names).
 *
 * Every tool runs in its own child process under GNU time, so throughput (bytes / wall time of the whole
 * process, startup included), CPU seconds (user + sys) and peak RSS are measured the same way for all.
 * Each figure is the median of --runs runs (default 3). Results: bench-results/ (markdown, JSON, PNG).
 */
import { execFileSync, spawn } from 'node:child_process'
import { randomFillSync } from 'node:crypto'
import http from 'node:http'
import { mkdir, mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises'
import { loadavg, tmpdir } from 'node:os'
import path from 'node:path'
import { createInterface } from 'node:readline'
import { build } from 'esbuild'
import { CreateBucketCommand, DeleteObjectsCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3'
import { NodeHttpHandler } from '@smithy/node-http-handler'
import { SANDBOX_ACCESS_KEY_ID, SANDBOX_SECRET_ACCESS_KEY } from '../../src-main/sandbox/credentials'
import { GiB, KiB, MiB, resolveTransferConfig } from '../../src-main/transfers/config'
import type { BenchJob } from './bench-job'
import { renderChart } from './chart'

const repoRoot = path.resolve(import.meta.dirname, '../..')
const BUCKET = 'bench'
const credentials = { accessKeyId: SANDBOX_ACCESS_KEY_ID, secretAccessKey: SANDBOX_SECRET_ACCESS_KEY }
const flags = new Map(
  process.argv.slice(2).map((arg): [string, string | undefined] => {
    const [name = '', value] = arg.replace(/^--/, '').split('=')
    return [name, value]
  }),
)
const RUNS = Number(flags.get('runs') ?? 3)
/**
 * The environment every tool runs in. AWS_CA_BUNDLE (set on some machines) is dropped: the endpoint is plain
 * HTTP, and rclone refuses to start with it ("unable to load custom CA bundle").
 */
const toolEnv: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => name !== 'AWS_CA_BUNDLE'))
/** The folders of small files: name → (count, size). Each is uploaded by every tool and downloaded from a seeded prefix. */
const FOLDERS = {
  '2,000 × 64 KiB': { dir: 'small', files: 2_000, fileBytes: 64 * KiB },
  '20,000 × 4 KiB': { dir: 'tiny', files: 20_000, fileBytes: 4 * KiB },
} as const
type FolderName = keyof typeof FOLDERS

const WORKLOADS = [
  'upload 1 GiB',
  'download 1 GiB',
  'upload 2,000 × 64 KiB',
  'download 2,000 × 64 KiB',
  'upload 20,000 × 4 KiB',
  'download 20,000 × 4 KiB',
] as const
type Workload = (typeof WORKLOADS)[number] | 'upload 4 GiB' | 'download 4 GiB'
/** 'Haneul (base)' is the engine as of --baseline=<git ref>, measured in the same runs as the worktree's. */
type ToolName = 'Haneul' | 'Haneul (base)' | 'aws CLI v2' | 'rclone' | 'lib-storage'

interface Measurement {
  wallSeconds: number
  cpuSeconds: number
  systemSeconds: number
  peakRssMiB: number
  /** CPU the S3 server spent meanwhile: when server + tool fill both cores, the server is the ceiling. */
  serverCpuSeconds?: number
  /** Haneul only: the main event loop's lag while transferring. */
  lagP99Ms?: number
  /** The machine's 1-minute load average when the run started (the machine is shared). */
  load1?: number
}

interface Context {
  workdir: string
  endpoint: string
  bigFile: string
  bin: { haneul: string; haneulBase: string; libStorage: string }
  awsConfig: string
}

const folderOf = (workload: Workload): (typeof FOLDERS)[FolderName] | undefined =>
  FOLDERS[workload.replace(/^(upload|download) /, '') as FolderName]

const workloadBytes = (workload: Workload): number => {
  const folder = folderOf(workload)
  return folder ? folder.files * folder.fileBytes : workload.endsWith('4 GiB') ? 4 * GiB : GiB
}

/** The command each tool runs for a workload, with the default settings of each (see the report's notes). */
function command(
  tool: ToolName,
  workload: Workload,
  ctx: Context,
  run: number,
): { cmd: string; args: string[]; env?: NodeJS.ProcessEnv; cleanup: string } {
  const tag = `${tool.replace(/\W+/g, '-').toLowerCase()}-${run}`
  const folder = folderOf(workload)
  const upload = workload.startsWith('upload')
  const downloadTo = path.join(ctx.workdir, `download-${tag}${folder ? '' : '.bin'}`)
  const source = folder
    ? path.join(ctx.workdir, folder.dir)
    : workload === 'upload 4 GiB'
      ? path.join(ctx.workdir, 'big-4g.bin')
      : ctx.bigFile
  const key = folder ? `${tag}/${folder.dir}/` : `${tag}/big`
  /** What is downloaded: the seeded object or prefix. */
  const remote = folder ? `download/${folder.dir}/` : workload === 'download 4 GiB' ? 'download/4g' : 'download/1g'
  const cleanup = upload ? key : downloadTo
  switch (tool) {
    case 'Haneul':
    case 'Haneul (base)':
    case 'lib-storage': {
      const job: BenchJob = {
        endpoint: ctx.endpoint,
        credentials,
        mode: upload ? (folder ? 'upload-dir' : 'upload-file') : folder ? 'download-prefix' : 'download-file',
        bucket: BUCKET,
        key: upload ? key : remote,
        localPath: upload ? source : downloadTo,
      }
      const bin = { Haneul: ctx.bin.haneul, 'Haneul (base)': ctx.bin.haneulBase, 'lib-storage': ctx.bin.libStorage }[tool]
      return { cmd: process.execPath, args: [bin, JSON.stringify(job)], cleanup }
    }
    case 'aws CLI v2': {
      const env = {
        ...toolEnv,
        AWS_ACCESS_KEY_ID: credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
        AWS_CONFIG_FILE: ctx.awsConfig,
        AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
        AWS_EC2_METADATA_DISABLED: 'true',
      }
      const common = ['--endpoint-url', ctx.endpoint, '--only-show-errors']
      const recursive = folder ? ['--recursive'] : []
      if (upload) return { cmd: '/usr/bin/aws', args: ['s3', 'cp', source, `s3://${BUCKET}/${key}`, ...recursive, ...common], env, cleanup }
      return { cmd: '/usr/bin/aws', args: ['s3', 'cp', `s3://${BUCKET}/${remote}`, downloadTo, ...recursive, ...common], env, cleanup }
    }
    case 'rclone': {
      const s3Flags = [
        '--s3-provider',
        'Other',
        '--s3-endpoint',
        ctx.endpoint,
        '--s3-access-key-id',
        credentials.accessKeyId,
        '--s3-secret-access-key',
        credentials.secretAccessKey,
        '--s3-region',
        'us-east-1',
        '--s3-force-path-style=true',
        '--config',
        '/dev/null',
        '-q',
      ]
      const verb = folder ? 'copy' : 'copyto'
      if (upload) return { cmd: '/usr/bin/rclone', args: [verb, source, `:s3:${BUCKET}/${key}`, ...s3Flags], cleanup }
      return { cmd: '/usr/bin/rclone', args: [verb, `:s3:${BUCKET}/${remote}`, downloadTo, ...s3Flags], cleanup }
    }
  }
}

/** Runs a command under GNU time; wall time from our own clock (GNU time rounds to 10 ms). */
async function measure(
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv | undefined,
  workdir: string,
): Promise<Measurement & { stdout: string }> {
  const timeFile = path.join(workdir, 'time.txt')
  const load1 = loadavg()[0]
  const started = performance.now()
  const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn('/usr/bin/time', ['-f', '%U %S %M', '-o', timeFile, cmd, ...args], {
      env: env ?? toolEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    let err = ''
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()))
    child.on('close', (exitCode) => resolve({ code: exitCode, stdout: out, stderr: err }))
  })
  const wallSeconds = (performance.now() - started) / 1000
  if (code !== 0) throw new Error(`${path.basename(cmd)} ${args.slice(0, 3).join(' ')} failed (${code}): ${stderr.slice(-2000)}`)
  const [user, system, maxRssKiB] = (await readFile(timeFile, 'utf8')).trim().split('\n').at(-1)?.split(' ').map(Number) ?? []
  const lag = stdout.trim() ? (JSON.parse(stdout.trim().split('\n').at(-1) as string) as { lagP99Ms?: number }) : {}
  return {
    wallSeconds,
    cpuSeconds: (user ?? 0) + (system ?? 0),
    systemSeconds: system ?? 0,
    peakRssMiB: (maxRssKiB ?? 0) / 1024,
    lagP99Ms: lag.lagP99Ms,
    load1,
    stdout,
  }
}

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

/** user + sys seconds of a running process, from /proc (Linux). */
async function processCpuSeconds(pid: number): Promise<number> {
  const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]?.split(' ') ?? []
  return (Number(fields[11]) + Number(fields[12])) / 100
}

async function startServer(dataDir: string, logFile: string): Promise<{ endpoint: string; pid: number; stop(): Promise<void> }> {
  const log = await open(logFile, 'w')
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'test/bench/s3-server.ts'), dataDir], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', log.fd],
  })
  const stdout = child.stdout
  if (!stdout) throw new Error('the S3 server has no stdout')
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: stdout }).once('line', resolve)
    child.once('exit', (code) => reject(new Error(`the S3 server exited (${code}); see ${logFile}`)))
  })
  const { port } = JSON.parse(line) as { port: number }
  return {
    endpoint: `http://127.0.0.1:${port}`,
    pid: child.pid as number,
    stop: async () => {
      child.kill('SIGTERM')
      await new Promise((resolve) => child.once('exit', resolve))
      await log.close()
    },
  }
}

async function deleteTree(client: S3Client, prefix: string): Promise<void> {
  let token: string | undefined
  do {
    const page = await client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix, ContinuationToken: token }))
    const keys = (page.Contents ?? []).map((object) => ({ Key: object.Key as string }))
    if (keys.length > 0) await client.send(new DeleteObjectsCommand({ Bucket: BUCKET, Delete: { Objects: keys, Quiet: true } }))
    token = page.NextContinuationToken
  } while (token)
}

/** A single PUT and GET of the 1 GiB file with curl (SigV4, one stream): what the server alone can do. */
async function serverCeiling(ctx: Context): Promise<{ putMiBps: number; getMiBps: number }> {
  const sig = [
    '--aws-sigv4',
    'aws:amz:us-east-1:s3',
    '--user',
    `${credentials.accessKeyId}:${credentials.secretAccessKey}`,
    '-H',
    'x-amz-content-sha256: UNSIGNED-PAYLOAD',
    '-sS',
    '-f',
    '-o',
    '/dev/null',
  ]
  const puts: number[] = []
  const gets: number[] = []
  for (let run = 0; run < RUNS; run++) {
    puts.push(
      (await measure('/usr/bin/curl', [...sig, '-T', ctx.bigFile, `${ctx.endpoint}/${BUCKET}/curl/1g`], undefined, ctx.workdir))
        .wallSeconds,
    )
    gets.push((await measure('/usr/bin/curl', [...sig, `${ctx.endpoint}/${BUCKET}/download/1g`], undefined, ctx.workdir)).wallSeconds)
  }
  return { putMiBps: 1024 / median(puts), getMiBps: 1024 / median(gets) }
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2
}

function summarize(measurements: Measurement[], bytes: number) {
  return {
    throughputMiBps: bytes / MiB / median(measurements.map((m) => m.wallSeconds)),
    cpuSecondsPerGiB: median(measurements.map((m) => m.cpuSeconds)) / (bytes / GiB),
    serverCpuSecondsPerGiB: median(measurements.map((m) => m.serverCpuSeconds ?? 0)) / (bytes / GiB),
    peakRssMiB: median(measurements.map((m) => m.peakRssMiB)),
    lagP99Ms: measurements[0]?.lagP99Ms === undefined ? undefined : median(measurements.map((m) => m.lagP99Ms ?? 0)),
    load1: median(measurements.map((m) => m.load1 ?? 0)),
  }
}
type Summary = ReturnType<typeof summarize>

async function main(): Promise<void> {
  const workdir = await mkdtemp(path.join(tmpdir(), 'haneul-bench-'))
  const resultsDir = path.join(repoRoot, 'bench-results')
  await mkdir(resultsDir, { recursive: true })
  const bin = {
    haneul: path.join(workdir, 'bin', 'haneul-child.cjs'),
    haneulBase: path.join(workdir, 'base-bin', 'haneul-child.cjs'),
    libStorage: path.join(workdir, 'bin', 'lib-storage-child.cjs'),
  }
  // Bundled like the app ships its main process, so no tool pays for compiling TypeScript at startup.
  await build({
    entryPoints: [path.join(repoRoot, 'test/bench/haneul-child.ts'), path.join(repoRoot, 'test/bench/lib-storage-child.ts')],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    outdir: path.join(workdir, 'bin'),
    outExtension: { '.js': '.cjs' },
    logLevel: 'warning',
  })
  const baseline = flags.get('baseline')
  if (baseline) {
    // The engine and this benchmark's child as of the ref, bundled against this worktree's node_modules.
    const tree = path.join(workdir, 'base-src')
    await mkdir(tree)
    execFileSync('sh', ['-c', `git archive ${JSON.stringify(baseline)} src-main test/bench | tar -x -C ${JSON.stringify(tree)}`], {
      cwd: repoRoot,
    })
    // This worktree's child, so both sides are driven the same way (it only uses the engine's public API).
    await writeFile(path.join(tree, 'test/bench/haneul-child.ts'), await readFile(path.join(repoRoot, 'test/bench/haneul-child.ts')))
    await writeFile(path.join(tree, 'test/bench/bench-job.ts'), await readFile(path.join(repoRoot, 'test/bench/bench-job.ts')))
    await build({
      entryPoints: [path.join(tree, 'test/bench/haneul-child.ts')],
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      outdir: path.join(workdir, 'base-bin'),
      outExtension: { '.js': '.cjs' },
      nodePaths: [path.join(repoRoot, 'node_modules')],
      logLevel: 'warning',
    })
  }
  const awsConfig = path.join(workdir, 'aws-config')
  // The aws CLI's documented defaults, written out so nothing on this machine changes them.
  await writeFile(
    awsConfig,
    [
      '[default]',
      'region = us-east-1',
      's3 =',
      '  addressing_style = path',
      '  max_concurrent_requests = 10',
      '  max_queue_size = 1000',
      '  multipart_threshold = 8MB',
      '  multipart_chunksize = 8MB',
      '',
    ].join('\n'),
  )

  console.log(`preparing data in ${workdir} …`)
  // --workload="1 GiB,download 2000" (parts of workloads' names, comma-separated, numbers without their
  // thousands commas) runs a subset; only the folders it uses are written.
  const wanted = (flags.get('workload') ?? flags.get('only') ?? '').split(',')
  const workloads: Workload[] = WORKLOADS.filter((w) => wanted.some((part) => w.replaceAll(',', '').includes(part.trim())))
  if (workloads.length === 0) throw new Error(`--workload matches none of: ${WORKLOADS.join('; ')}`)
  const bigFile = path.join(workdir, 'big-1g.bin')
  await writeRandomFile(bigFile, GiB)
  for (const [name, { dir, files, fileBytes }] of Object.entries(FOLDERS)) {
    await mkdir(path.join(workdir, dir))
    if (!workloads.some((w) => w.endsWith(name))) continue
    for (let i = 0; i < files; i++) await writeRandomFile(path.join(workdir, dir, `file-${String(i).padStart(5, '0')}.bin`), fileBytes)
  }
  if (flags.has('rss-4g')) await writeRandomFile(path.join(workdir, 'big-4g.bin'), 4 * GiB)

  const server = await startServer(path.join(workdir, 's3-data'), path.join(workdir, 's3-server.log'))
  const client = new S3Client({
    endpoint: server.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials,
    requestHandler: new NodeHttpHandler({ httpAgent: new http.Agent({ keepAlive: true }) }),
  })
  const ctx: Context = { workdir, endpoint: server.endpoint, bigFile, bin, awsConfig }
  try {
    await client.send(new CreateBucketCommand({ Bucket: BUCKET }))
    const tools: ToolName[] = ['Haneul', ...(baseline ? (['Haneul (base)'] as const) : []), 'aws CLI v2', 'rclone', 'lib-storage']
    // What every tool downloads, uploaded by Haneul so each object carries a full-object CRC32 to verify against.
    const seeds: BenchJob[] = [
      { endpoint: ctx.endpoint, credentials, mode: 'upload-file', bucket: BUCKET, key: 'download/1g', localPath: bigFile },
      ...Object.entries(FOLDERS)
        .filter(([name]) => workloads.includes(`download ${name}` as Workload))
        .map(([, { dir }]): BenchJob => ({
          endpoint: ctx.endpoint,
          credentials,
          mode: 'upload-dir',
          bucket: BUCKET,
          key: `download/${dir}/`,
          localPath: path.join(workdir, dir),
        })),
    ]
    if (flags.has('rss-4g'))
      seeds.push({
        endpoint: ctx.endpoint,
        credentials,
        mode: 'upload-file',
        bucket: BUCKET,
        key: 'download/4g',
        localPath: path.join(workdir, 'big-4g.bin'),
      })
    for (const seed of seeds) await measure(process.execPath, [bin.haneul, JSON.stringify(seed)], undefined, workdir)
    console.log(
      `load at start: ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')} (1, 5, 15 min)`,
    )

    const raw = new Map<string, Measurement[]>()
    const idleLag = await idleLagP99Ms()
    for (let run = 1; run <= RUNS; run++) {
      // Each run starts with a different tool: whoever goes first after a workload change meets a colder page
      // cache (writing into pages the kernel must first free costs several times the CPU), so no tool always pays.
      const order = tools.map((_, i) => tools[(i + run - 1) % tools.length] as ToolName)
      for (const workload of workloads) {
        // Every download then follows the deletion of a 1 GiB file, as all but the first would anyway.
        if (workload === 'download 1 GiB') await warmUpDownload(ctx)
        for (const tool of order) {
          const { cmd, args, env, cleanup } = command(tool, workload, ctx, run)
          const serverBefore = await processCpuSeconds(server.pid)
          const result = { ...(await measure(cmd, args, env, workdir)), serverCpuSeconds: 0 }
          result.serverCpuSeconds = (await processCpuSeconds(server.pid)) - serverBefore
          raw.set(`${workload}|${tool}`, [...(raw.get(`${workload}|${tool}`) ?? []), result])
          console.log(
            `run ${run} ${workload.padEnd(24)} ${tool.padEnd(12)} ${(workloadBytes(workload) / MiB / result.wallSeconds).toFixed(1).padStart(6)} MiB/s (${result.wallSeconds.toFixed(1)} s)  ` +
              `cpu ${result.cpuSeconds.toFixed(2)} s (sys ${result.systemSeconds.toFixed(2)})  server cpu ${result.serverCpuSeconds.toFixed(2)} s  rss ${result.peakRssMiB.toFixed(0)} MiB` +
              (result.lagP99Ms === undefined ? '' : `  lag p99 ${result.lagP99Ms.toFixed(1)} ms`) +
              `  load ${result.load1?.toFixed(2)}`,
          )
          if (cleanup.startsWith('/')) await rm(cleanup, { recursive: true, force: true })
          else await deleteTree(client, cleanup)
        }
      }
    }
    const summaries = new Map<string, Summary>()
    for (const [id, measurements] of raw) summaries.set(id, summarize(measurements, workloadBytes(id.split('|')[0] as Workload)))

    let rss4g: { upload: Summary; download: Summary } | undefined
    if (flags.has('rss-4g')) {
      const once = async (workload: Workload) => {
        const { cmd, args, cleanup } = command('Haneul', workload, ctx, 99)
        const summary = summarize([await measure(cmd, args, undefined, workdir)], 4 * GiB)
        if (cleanup.startsWith('/')) await rm(cleanup, { force: true })
        else await deleteTree(client, cleanup)
        return summary
      }
      rss4g = { upload: await once('upload 4 GiB'), download: await once('download 4 GiB') }
    }
    const ceiling = await serverCeiling(ctx)
    const report = renderReport(workloads, tools, summaries, ceiling, idleLag, rss4g)
    const stamp = new Date().toISOString().replace(/[:.]/g, '-')
    await writeFile(path.join(resultsDir, `bench-${stamp}.md`), report)
    await writeFile(path.join(resultsDir, 'latest.md'), report)
    await writeFile(
      path.join(resultsDir, 'latest.json'),
      JSON.stringify({ runs: RUNS, summaries: Object.fromEntries(summaries), ceiling, rss4g, raw: Object.fromEntries(raw) }, null, 2),
    )
    const png = await renderChart(
      workloads.map((workload) => ({
        label: workload,
        bars: tools.map((tool) => ({ label: tool, value: summaries.get(`${workload}|${tool}`)?.throughputMiBps ?? 0 })),
      })),
      path.join(resultsDir, 'latest.png'),
    )
    console.log(`\n${report}`)
    console.log(png ? `chart: ${png}` : 'chart: skipped (no Chromium)')
  } finally {
    client.destroy()
    await server.stop()
    await rm(workdir, { recursive: true, force: true })
  }
}

function renderReport(
  workloads: Workload[],
  tools: ToolName[],
  summaries: Map<string, Summary>,
  ceiling: { putMiBps: number; getMiBps: number },
  idleLagMs: number,
  rss4g?: { upload: Summary; download: Summary },
): string {
  const config = resolveTransferConfig()
  const rssLimitMiB = 100 + (config.concurrency * config.partSizeBytes) / MiB
  const lines = [
    `# Transfer benchmark (median of ${RUNS} runs)`,
    '',
    "One local S3 emulator in its own process on 127.0.0.1; every tool in its own process. Throughput = bytes ÷ wall time of the whole process (startup included). CPU = user + sys of the tool's process.",
    '',
    `Event-loop lag = p99 of monitorEventLoopDelay beyond its 10 ms timer, in Haneul's main loop; an idle Node process on this machine shows ${idleLagMs.toFixed(1)} ms at the same time (the machine's own scheduling noise).`,
    '',
    `Load = the machine's 1-minute load average as each run started (median); at the end: ${loadavg()[0]?.toFixed(2)}.`,
    '',
    '| Workload | Tool | Throughput (MiB/s) | Haneul ÷ tool | CPU s per GiB | Server CPU s per GiB | Peak RSS (MiB) | Event-loop lag p99 (ms) | Load |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ]
  const checks: string[] = []
  for (const workload of workloads) {
    const haneul = summaries.get(`${workload}|Haneul`) as Summary
    for (const tool of tools) {
      const s = summaries.get(`${workload}|${tool}`) as Summary
      const ratio = tool === 'Haneul' ? '—' : `${(haneul.throughputMiBps / s.throughputMiBps).toFixed(2)}×`
      lines.push(
        `| ${workload} | ${tool} | ${s.throughputMiBps.toFixed(0)} | ${ratio} | ${s.cpuSecondsPerGiB.toFixed(2)} | ${s.serverCpuSecondsPerGiB.toFixed(2)} | ${s.peakRssMiB.toFixed(0)} | ${s.lagP99Ms === undefined ? '' : s.lagP99Ms.toFixed(1)} | ${s.load1.toFixed(1)} |`,
      )
    }
    const peers = tools.filter((t) => !t.startsWith('Haneul')).map((t) => ({ tool: t, ...(summaries.get(`${workload}|${t}`) as Summary) }))
    const best = peers.reduce((a, b) => (b.throughputMiBps > a.throughputMiBps ? b : a))
    const lib = summaries.get(`${workload}|lib-storage`) as Summary
    const aws = summaries.get(`${workload}|aws CLI v2`) as Summary
    const mark = (ok: boolean) => (ok ? 'met' : 'MISSED')
    checks.push(
      `- ${workload}: throughput ≥ best peer (${best.tool}, ${best.throughputMiBps.toFixed(0)} MiB/s): ${mark(haneul.throughputMiBps >= best.throughputMiBps)} (${(haneul.throughputMiBps / best.throughputMiBps).toFixed(2)}×); ` +
        `≥ 1.5× lib-storage: ${mark(haneul.throughputMiBps >= 1.5 * lib.throughputMiBps)} (${(haneul.throughputMiBps / lib.throughputMiBps).toFixed(2)}×); ` +
        `CPU/GiB ≤ aws CLI (${aws.cpuSecondsPerGiB.toFixed(2)}): ${mark(haneul.cpuSecondsPerGiB <= aws.cpuSecondsPerGiB)} (${haneul.cpuSecondsPerGiB.toFixed(2)}); ` +
        `peak RSS ≤ ${rssLimitMiB} MiB: ${mark(haneul.peakRssMiB <= rssLimitMiB)} (${haneul.peakRssMiB.toFixed(0)}); event-loop lag p99 < 50 ms: ${mark((haneul.lagP99Ms ?? 0) < 50)} (${haneul.lagP99Ms?.toFixed(1)})`,
    )
  }
  lines.push('', '## Targets', '', ...checks)
  if (rss4g) {
    for (const direction of ['upload', 'download'] as const) {
      const oneGiB = summaries.get(`${direction} 1 GiB|Haneul`)
      const four = rss4g[direction]
      lines.push(
        `- ${direction}: peak RSS flat from 1 to 4 GiB: ${oneGiB?.peakRssMiB.toFixed(0) ?? '?'} MiB (1 GiB) → ${four.peakRssMiB.toFixed(0)} MiB (4 GiB, ${four.throughputMiBps.toFixed(0)} MiB/s, lag p99 ${four.lagP99Ms?.toFixed(1)} ms); limit ${rssLimitMiB} MiB: ${four.peakRssMiB <= rssLimitMiB ? 'met' : 'MISSED'}`,
      )
    }
  }
  lines.push(
    '',
    '## Server ceiling',
    '',
    `curl, one stream, 1 GiB (SigV4, UNSIGNED-PAYLOAD): PUT ${ceiling.putMiBps.toFixed(0)} MiB/s, GET ${ceiling.getMiBps.toFixed(0)} MiB/s.`,
    '',
    "## Settings (each tool's defaults)",
    '',
    ...(flags.get('baseline')
      ? [`- Haneul (base): the engine as of \`${flags.get('baseline')}\`, same child, same settings, in the same runs.`]
      : []),
    `- Haneul: concurrency ${config.concurrency}, part size ${config.partSizeBytes / MiB} MiB, multipart threshold ${config.multipartThresholdBytes / MiB} MiB, ${config.checksumAlgorithm} per part + full-object check; downloads verify the full-object CRC32.`,
    '- aws CLI v2 (/usr/bin/aws, 2.9): max_concurrent_requests 10, multipart_threshold 8MB, multipart_chunksize 8MB, --only-show-errors.',
    '- rclone (1.60): provider Other, path style, defaults (--transfers 4, --s3-upload-concurrency 4, --s3-chunk-size 5Mi, --multi-thread-streams 4).',
    '- lib-storage: `new Upload({ client, params })` with defaults (queueSize 4, partSize 5 MiB) on a default S3Client; a folder runs 4 Uploads at a time; its download rows are plain GetObjects streamed to files (4 at a time for a prefix).',
    '',
  )
  return lines.join('\n')
}

/** Downloads the test object with curl into a scratch file and deletes it (untimed). */
async function warmUpDownload(ctx: Context): Promise<void> {
  const scratch = path.join(ctx.workdir, 'warm-up.bin')
  const sig = [
    '--aws-sigv4',
    'aws:amz:us-east-1:s3',
    '--user',
    `${credentials.accessKeyId}:${credentials.secretAccessKey}`,
    '-H',
    'x-amz-content-sha256: UNSIGNED-PAYLOAD',
    '-sS',
    '-f',
  ]
  await measure('/usr/bin/curl', [...sig, '-o', scratch, `${ctx.endpoint}/${BUCKET}/download/1g`], undefined, ctx.workdir)
  await rm(scratch, { force: true })
}

/** The p99 event-loop lag of an idle Node process for 2 s: the floor this machine puts under any measurement. */
async function idleLagP99Ms(): Promise<number> {
  const script =
    "const h=require('node:perf_hooks').monitorEventLoopDelay({resolution:10});h.enable();setTimeout(()=>{h.disable();console.log(JSON.stringify({lagP99Ms:Math.max(0,h.percentile(99)/1e6-10)}))},2000)"
  const { lagP99Ms } = await measure(process.execPath, ['-e', script], undefined, tmpdir())
  return lagP99Ms ?? 0
}

// `npm run bench -- <name>` runs another benchmark instead of the transfers one.
const others: Record<string, () => Promise<void>> = {
  'cloudfront-logs': () => import('./cloudfront-logs').then((m) => m.runCloudFrontLogsBench(flags)),
  dns: () => import('./dns').then((m) => m.runDnsBench()),
  publish: () => import('./publish').then((m) => m.runPublishBench(flags)),
  costs: () => import('./costs').then((m) => m.runCostsBench(flags)),
  pipelines: () => import('./pipelines').then((m) => m.runPipelinesBench()),
}
const chosen = process.argv[2] && !process.argv[2].startsWith('--') ? others[process.argv[2]] : undefined
if (process.argv[2] && !process.argv[2].startsWith('--') && !chosen) {
  console.error(
    `No benchmark "${process.argv[2]}". Try: npm run bench (transfers), ${Object.keys(others)
      .map((n) => `npm run bench -- ${n}`)
      .join(', ')}`,
  )
  process.exit(2)
}
const bench = chosen ? chosen() : main()
bench.catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
