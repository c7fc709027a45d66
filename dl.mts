import { spawn, execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createInterface } from 'node:readline'
import { build } from 'esbuild'
const work = '/tmp/prof'
await build({ entryPoints: ['/work/main/test/bench/haneul-child.ts', '/work/main/test/bench/lib-storage-child.ts'], bundle: true, platform: 'node', target: 'node20', format: 'cjs', outdir: work + '/bin', outExtension: { '.js': '.cjs' }, logLevel: 'warning' })
execFileSync('rm', ['-rf', work + '/data'])
const server = spawn(process.execPath, ['--import', 'tsx', '/work/main/test/bench/s3-server.ts', work + '/data'], { cwd: '/work/main', stdio: ['ignore', 'pipe', 'ignore'] })
const line: string = await new Promise((r) => createInterface({ input: server.stdout! }).once('line', r))
const endpoint = `http://127.0.0.1:${JSON.parse(line).port}`
const creds = { accessKeyId: 'AKIAHANEULSANDBOX001', secretAccessKey: 'haneul-sandbox-secret-key-not-for-aws' }
const { S3Client, CreateBucketCommand } = await import('@aws-sdk/client-s3')
await new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: creds }).send(new CreateBucketCommand({ Bucket: 'bench' }))
const job = (mode: string, key: string, localPath: string) => JSON.stringify({ endpoint, credentials: creds, mode, bucket: 'bench', key, localPath, config: process.env.CFG ? JSON.parse(process.env.CFG) : undefined })
execFileSync(process.execPath, [`${work}/bin/haneul-child.cjs`, job('upload-file', 'seed', work + '/big.bin')], { stdio: 'ignore' })
const wrap = process.argv.slice(2)
for (let i = 0; i < 2; i++) {
  if (process.env.RM === '1') execFileSync('rm', ['-f', work + '/out.bin'])
  const t0 = performance.now()
  execFileSync('/usr/bin/time', ['-o', work + '/time.txt', '-f', '%U %S %M', ...wrap, process.execPath, `${work}/bin/${process.env.TOOL ?? 'haneul'}-child.cjs`, job('download-file', 'seed', work + '/out.bin')], { stdio: ['ignore', 'ignore', 'inherit'] })
  console.log('wall', ((performance.now() - t0) / 1000).toFixed(2), 'u/s/rss', readFileSync(work + '/time.txt', 'utf8').trim())
}
server.kill()
