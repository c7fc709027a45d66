/**
 * `npm run bench -- publish [--runs=3] [--invalidation-ms=0]` (not a test): publishing a 5,000-file site
 * that is already in the bucket, with 50 files changed, through Haneul's publish and through `aws s3 sync`
 * followed by `aws cloudfront create-invalidation` of the keys sync printed (the workflow of aws/aws-cli#920).
 *
 * Scenarios:
 * - "50 changed, all by size": every change changes the file's size, so `s3 sync` sees all 50 and both
 *   tools do the same work; the fair comparison of requests.
 * - "50 changed": 20 edits that keep the size and carry an older mtime (a checkout or a copied build: what
 *   `s3 sync`'s size-and-time rule cannot see), 20 that change the size, 10 that keep the size with a
 *   newer mtime.
 * - "50 changed + rebuild": as "50 changed", and 1,000 unchanged files rewritten with identical bytes and
 *   a new mtime, as a static-site generator does on every build.
 *
 * Both tools run in their own process, one after the other (order alternating per run), against one
 * server process (publish-server.ts: the sandbox's S3 and CloudFront emulators) that counts the requests
 * that reached it (retries included), by kind, and the bytes it received. Invalidations complete after
 * --invalidation-ms (default 0: CloudFront answers Completed at once, so there is nothing to follow).
 * Wall time is the whole of each tool's processes, startup included. "Missed" are changed files whose
 * object does not hold the new bytes afterwards; "per file updated" divides the requests (without
 * follow-ups) by the changed files that do. Medians of --runs runs.
 */
import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { createInterface } from 'node:readline'
import { build } from 'esbuild'
import { CreateBucketCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3'
import { SANDBOX_ACCESS_KEY_ID, SANDBOX_SECRET_ACCESS_KEY } from '../../src-main/sandbox/credentials'
import { DEMO_DISTRIBUTION_ID } from '../../src-main/sandbox/seed'
import { STAGING_DISTRIBUTION_ID } from '../../src-main/sandbox/cloudfront/index'

const repoRoot = path.resolve(import.meta.dirname, '../..')
const BUCKET = 'haneul-demo-site'
const FILES = 5_000
const REBUILT = 1_000
const credentials = { accessKeyId: SANDBOX_ACCESS_KEY_ID, secretAccessKey: SANDBOX_SECRET_ACCESS_KEY }
const toolEnv: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => name !== 'AWS_CA_BUNDLE'))

const SCENARIOS = ['50 changed, all by size', '50 changed', '50 changed + rebuild'] as const
type Scenario = (typeof SCENARIOS)[number]
type Tool = 'Haneul' | 'aws CLI v2'

interface Stats {
  kinds: Record<string, number>
  operations: Record<string, number>
  bytesReceived: number
}
/** Requests by kind, as the server classified them (publish-server.ts). */
interface Requests {
  s3List: number
  s3Read: number
  s3Write: number
  cloudfrontRead: number
  cloudfrontCreate: number
  cloudfrontFollowUp: number
}
interface Measured {
  wallSeconds: number
  requests: Requests
  operations: Record<string, number>
  bytesSent: number
  missed: number
  invalidatedPaths: number
  uploads: number
}
/** Every request but the follow-ups: what it took to update the bucket and send the invalidation. */
const workOf = (r: Requests) => r.s3List + r.s3Read + r.s3Write + r.cloudfrontRead + r.cloudfrontCreate

/** A file's bytes, reproducible from its index and version (the site generator). */
function contentOf(index: number, version: number, sizeDelta = 0): Buffer {
  const size = 1024 + ((index * 7919) % 12_288) + sizeDelta
  const out = Buffer.alloc(size)
  let seed = createHash('sha256').update(`${index}:${version}`).digest()
  for (let offset = 0; offset < size; offset += seed.length) {
    seed.copy(out, offset)
    seed = createHash('sha256').update(seed).digest()
  }
  return out
}

function nameOf(index: number): string {
  const folder = `p${String(Math.floor(index / 100)).padStart(2, '0')}`
  const n = index % 100
  const hash = createHash('md5').update(String(index)).digest('hex').slice(0, 10)
  const kind = n % 4
  return `${folder}/${kind === 0 ? `page-${n}.html` : kind === 1 ? `app-${n}.${hash}.js` : kind === 2 ? `style-${n}.css` : `img-${n}.png`}`
}

interface Change {
  index: number
  kind: 'same size, older mtime' | 'other size' | 'same size, newer mtime'
}
/** The same 50 files in every scenario; in "all by size" each of them changes its size. */
const changesOf = (scenario: Scenario): Change[] =>
  Array.from({ length: 50 }, (_, i) => ({
    index: 37 + i * 97,
    kind:
      scenario === '50 changed, all by size'
        ? 'other size'
        : i < 20
          ? 'same size, older mtime'
          : i < 40
            ? 'other size'
            : 'same size, newer mtime',
  }))
const CHANGED_INDEXES = changesOf('50 changed').map((c) => c.index)
const changedContent = (c: Change) => contentOf(c.index, 2, c.kind === 'other size' ? 17 : 0)
const REBUILT_INDEXES = Array.from({ length: REBUILT }, (_, i) => (i * 5 + 3) % FILES).filter((i) => !CHANGED_INDEXES.includes(i))

const md5 = (data: Buffer) => createHash('md5').update(data).digest('hex')
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!

async function startServer(dataDir: string, invalidationMs: number) {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(repoRoot, 'test/bench/publish-server.ts'), dataDir, String(invalidationMs)],
    {
      cwd: repoRoot,
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  )
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]()
  const next = async () => JSON.parse(((await lines.next()).value as string) ?? '{}') as unknown
  const ports = (await next()) as { s3: number; cloudfront: number }
  const ask = async (command: string) => (child.stdin!.write(`${command}\n`), next())
  return {
    s3: `http://127.0.0.1:${ports.s3}`,
    cloudfront: `http://127.0.0.1:${ports.cloudfront}`,
    reset: () => ask('reset'),
    stats: () => ask('stats') as Promise<{ s3: Stats; cloudfront: Stats }>,
    stop: () =>
      new Promise<void>((resolve) => {
        child.on('close', () => resolve())
        child.stdin!.end()
      }),
  }
}

async function run(cmd: string, args: string[], env?: NodeJS.ProcessEnv): Promise<{ stdout: string; seconds: number }> {
  const started = performance.now()
  const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(cmd, args, { env: env ?? toolEnv, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()))
    child.on('close', (exitCode) => resolve({ code: exitCode, stdout: out, stderr: err }))
  })
  if (code !== 0) throw new Error(`${path.basename(cmd)} ${args.slice(0, 3).join(' ')} failed (${code}): ${stderr.slice(-2000)}`)
  return { stdout, seconds: (performance.now() - started) / 1000 }
}

async function putAll(s3: S3Client, entries: Array<{ key: string; body: Buffer }>): Promise<void> {
  let next = 0
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (next < entries.length) {
        const { key, body } = entries[next++]!
        await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }))
      }
    }),
  )
}

async function etagsBelow(s3: S3Client, prefix: string): Promise<Map<string, string>> {
  const out = new Map<string, string>()
  let token: string | undefined
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix, ContinuationToken: token }))
    for (const o of page.Contents ?? []) out.set(o.Key!, o.ETag!.replaceAll('"', ''))
    token = page.NextContinuationToken
  } while (token)
  return out
}

export async function runPublishBench(flags: Map<string, string | undefined>): Promise<void> {
  const runs = Number(flags.get('runs') ?? 3)
  const invalidationMs = Number(flags.get('invalidation-ms') ?? 0)
  const workdir = await mkdtemp(path.join(tmpdir(), 'haneul-bench-publish-'))
  const site = path.join(workdir, 'site')
  const server = await startServer(path.join(workdir, 's3'), invalidationMs)
  const s3 = new S3Client({ endpoint: server.s3, region: 'us-east-1', forcePathStyle: true, credentials })
  const child = path.join(workdir, 'bin', 'publish-child.cjs')
  await build({
    entryPoints: [path.join(repoRoot, 'test/bench/publish-child.ts')],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    outdir: path.join(workdir, 'bin'),
    outExtension: { '.js': '.cjs' },
    logLevel: 'warning',
  })
  const awsConfig = path.join(workdir, 'aws-config')
  await writeFile(
    awsConfig,
    ['[default]', 'region = us-east-1', 's3 =', '  addressing_style = path', '  max_concurrent_requests = 10', ''].join('\n'),
  )
  const awsEnv = {
    ...toolEnv,
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    AWS_CONFIG_FILE: awsConfig,
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_PAGER: '',
  }
  const prefixes: Record<Tool, string> = { Haneul: 'staging/', 'aws CLI v2': 'demo/' }

  console.log(
    `Writing a ${FILES.toLocaleString('en-US')}-file site and putting it in the bucket under ${Object.values(prefixes).join(' and ')} …`,
  )
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }))
  const original = Array.from({ length: FILES }, (_, i) => ({ name: nameOf(i), body: contentOf(i, 1) }))
  for (const { name, body } of original) {
    await mkdir(path.dirname(path.join(site, name)), { recursive: true })
    await writeFile(path.join(site, name), body)
  }
  await putAll(
    s3,
    Object.values(prefixes).flatMap((prefix) => original.map(({ name, body }) => ({ key: prefix + name, body }))),
  )

  const results = Object.fromEntries(SCENARIOS.map((s) => [s, { Haneul: [], 'aws CLI v2': [] }])) as unknown as Record<
    Scenario,
    Record<Tool, Measured[]>
  >
  for (const scenario of SCENARIOS) {
    const changes = changesOf(scenario)
    for (let r = 0; r < runs; r++) {
      // The bucket holds the original of every changed file again, and the folder is as deployed an hour ago.
      await putAll(
        s3,
        Object.values(prefixes).flatMap((prefix) => changes.map((c) => ({ key: prefix + nameOf(c.index), body: contentOf(c.index, 1) }))),
      )
      const deployedS = Date.now() / 1000
      for (const c of changes) await writeFile(path.join(site, nameOf(c.index)), contentOf(c.index, 1))
      await Promise.all(original.map(({ name }) => utimes(path.join(site, name), deployedS - 3600, deployedS - 3600)))
      for (const c of changes) {
        const file = path.join(site, nameOf(c.index))
        await writeFile(file, changedContent(c))
        const mtime = c.kind === 'same size, older mtime' ? deployedS - 7200 : deployedS + 10
        await utimes(file, mtime, mtime)
      }
      if (scenario === '50 changed + rebuild') {
        for (const i of REBUILT_INDEXES) await utimes(path.join(site, nameOf(i)), deployedS + 10, deployedS + 10)
      }
      const order: Tool[] = r % 2 === 0 ? ['aws CLI v2', 'Haneul'] : ['Haneul', 'aws CLI v2']
      for (const tool of order) {
        await server.reset()
        let seconds: number
        let invalidated: string[]
        let uploads: number
        if (tool === 'aws CLI v2') {
          const common = ['--endpoint-url']
          const sync = await run(
            '/usr/bin/aws',
            ['s3', 'sync', site, `s3://${BUCKET}/${prefixes[tool]}`, ...common, server.s3, '--no-progress'],
            awsEnv,
          )
          const keys = [...sync.stdout.matchAll(/^upload: .* to s3:\/\/[^/]+\/(.+)$/gm)].map((m) => m[1]!)
          invalidated = keys.map((key) => `/${key}`)
          uploads = keys.length
          seconds = sync.seconds
          if (invalidated.length) {
            const cf = await run(
              '/usr/bin/aws',
              [
                'cloudfront',
                'create-invalidation',
                '--distribution-id',
                DEMO_DISTRIBUTION_ID,
                '--paths',
                ...invalidated,
                ...common,
                server.cloudfront,
                '--output',
                'json',
              ],
              awsEnv,
            )
            seconds += cf.seconds
          }
        } else {
          const job = {
            s3Endpoint: server.s3,
            cloudfrontEndpoint: server.cloudfront,
            credentials,
            bucket: BUCKET,
            originPath: '/staging',
            distributionId: STAGING_DISTRIBUTION_ID,
            folder: site,
          }
          const out = await run(process.execPath, [child, JSON.stringify(job)])
          const reply = JSON.parse(out.stdout.trim().split('\n').at(-1)!) as {
            uploaded: number
            invalidated: string[]
            planMs: number
            totalMs: number
          }
          console.log(
            `  Haneul: plan (dry run) done ${(reply.planMs / 1000).toFixed(2)} s after start, publish ${(reply.totalMs / 1000).toFixed(2)} s`,
          )
          seconds = out.seconds
          invalidated = reply.invalidated
          uploads = reply.uploaded
        }
        const stats = await server.stats()
        const etags = await etagsBelow(s3, prefixes[tool])
        const missed = changes.filter((c) => etags.get(prefixes[tool] + nameOf(c.index)) !== md5(changedContent(c))).length
        results[scenario][tool].push({
          wallSeconds: seconds,
          requests: {
            s3List: stats.s3.kinds.list ?? 0,
            s3Read: stats.s3.kinds.read ?? 0,
            s3Write: stats.s3.kinds.write ?? 0,
            cloudfrontRead: stats.cloudfront.kinds.read ?? 0,
            cloudfrontCreate: stats.cloudfront.kinds.create ?? 0,
            cloudfrontFollowUp: stats.cloudfront.kinds['follow-up'] ?? 0,
          },
          operations: {
            ...stats.s3.operations,
            ...Object.fromEntries(Object.entries(stats.cloudfront.operations).map(([k, v]) => [`cloudfront ${k}`, v])),
          },
          bytesSent: stats.s3.bytesReceived + stats.cloudfront.bytesReceived,
          missed,
          invalidatedPaths: invalidated.length,
          uploads,
        })
        console.log(`${scenario}, run ${r + 1}, ${tool}: ${seconds.toFixed(2)} s, ${uploads} uploads, ${missed} missed`)
      }
    }
  }

  const rows: string[] = [
    '| Scenario | Tool | Wall s | S3 list | S3 read | S3 write | CloudFront read | CloudFront create | Requests | Per file updated | CloudFront follow-up | Bytes sent | Uploads | Missed | Paths invalidated | Wall vs aws CLI |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ]
  const notes: string[] = []
  const json: Record<string, unknown> = { invalidationMs }
  const medianOf = (ms: Measured[], pick: (m: Measured) => number) => median(ms.map(pick))
  for (const scenario of SCENARIOS) {
    const aws = medianOf(results[scenario]['aws CLI v2'], (m) => m.wallSeconds)
    const summary = {} as Record<
      Tool,
      { work: number; missed: number; s3List: number; s3Write: number; cloudfront: number; cloudfrontRead: number }
    >
    for (const tool of ['Haneul', 'aws CLI v2'] as Tool[]) {
      const ms = results[scenario][tool]
      const wall = medianOf(ms, (m) => m.wallSeconds)
      const req = (pick: (r: Requests) => number) => medianOf(ms, (m) => pick(m.requests))
      const work = req(workOf)
      const missed = medianOf(ms, (m) => m.missed)
      const updated = changesOf(scenario).length - missed
      summary[tool] = {
        work,
        missed,
        s3List: req((r) => r.s3List),
        s3Write: req((r) => r.s3Write),
        cloudfront: req((r) => r.cloudfrontRead + r.cloudfrontCreate),
        cloudfrontRead: req((r) => r.cloudfrontRead),
      }
      rows.push(
        `| ${scenario} | ${tool} | ${wall.toFixed(2)} | ${req((r) => r.s3List)} | ${req((r) => r.s3Read)} | ${req((r) => r.s3Write).toLocaleString('en-US')} | ${req((r) => r.cloudfrontRead)} | ${req((r) => r.cloudfrontCreate)} | ${work.toLocaleString('en-US')} | ${updated ? (work / updated).toFixed(2) : '–'} | ${req((r) => r.cloudfrontFollowUp)} | ${Math.round(medianOf(ms, (m) => m.bytesSent) / 1024).toLocaleString('en-US')} KiB | ${medianOf(ms, (m) => m.uploads).toLocaleString('en-US')} | ${missed} of 50 | ${medianOf(ms, (m) => m.invalidatedPaths).toLocaleString('en-US')} | ${(wall / aws).toFixed(2)}× |`,
      )
      json[`${scenario} / ${tool}`] = ms
    }
    const h = summary.Haneul
    const c = summary['aws CLI v2']
    const than = (a: number, b: number) => (a < b ? 'fewer than' : a === b ? 'as many as' : 'more than')
    const n = (v: number) => v.toLocaleString('en-US')
    // What both tools do: list, upload, create the invalidation. Haneul's CloudFront reads come on top.
    const shared = (t: typeof h) => t.work - t.cloudfrontRead
    let note = `${scenario}: Haneul sends ${n(h.work)} requests, ${than(h.work, c.work)} the aws CLI's ${n(c.work)} (S3 listing ${h.s3List} pages against ${c.s3List}; S3 writes ${n(h.s3Write)} against ${n(c.s3Write)}; CloudFront ${h.cloudfront} against ${c.cloudfront}).`
    note += ` For what both do (list, upload, create the invalidation) Haneul sends ${than(shared(h), shared(c))} the CLI: ${n(shared(h))} against ${n(shared(c))}.`
    if (c.missed > h.missed) {
      note += ` The CLI leaves ${c.missed} of the 50 changed files stale (and does not invalidate them)${c.work < h.work ? `: that is why it sends fewer requests — ${h.s3Write - c.s3Write} fewer PUTs, for files it should have uploaded` : ''}.`
    }
    if (h.cloudfront > c.cloudfront) {
      note += ` Haneul's ${h.cloudfront - c.cloudfront} further CloudFront requests are reads the CLI does not make: the account's distributions (is the bucket and origin path served by this one? and the ids for the next) and each distribution's invalidations this month (the cost shown before sending).`
    }
    notes.push(note)
  }
  notes.push(
    invalidationMs
      ? `Invalidations completed after ${invalidationMs} ms; Haneul follows each to Completed (the follow-up column; polls at 1 s, 2 s, 4 s …), the CLI does not wait.`
      : 'Invalidations completed at once (CloudFront answered Completed), so there was nothing to follow up; with a real invalidation Haneul polls at 1 s, 2 s, 4 s … up to 30 s (follow-up column), the CLI does not wait.',
  )
  const table = `${rows.join('\n')}\n\n${notes.map((n) => `- ${n}`).join('\n')}`
  console.log(`\n${table}\n`)
  const resultsDir = path.join(repoRoot, 'bench-results')
  await mkdir(resultsDir, { recursive: true })
  await writeFile(path.join(resultsDir, 'publish.md'), `${table}\n`)
  await writeFile(path.join(resultsDir, 'publish.json'), JSON.stringify(json, null, 2))
  s3.destroy()
  await server.stop()
  await rm(workdir, { recursive: true, force: true })
}
