/**
 * Kill -9 in the middle of a transfer running in a child process, then a new engine on the same journal folder:
 * the job comes back, reconciles with the server, and sends only what was not already there.
 */
import { spawn } from 'node:child_process'
import { createReadStream, existsSync } from 'node:fs'
import path from 'node:path'
import { createInterface } from 'node:readline'
import { crc32 } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { MiB, resolveTransferConfig } from '../../../src-main/transfers/config'
import { downloadRangeBytes } from '../../../src-main/transfers/range-plan'
import { nodeFileSystem } from '../../../src-main/transfers/deps'
import { readLog } from '../../../src-main/transfers/journal'
import { TransferEngine } from '../../../src-main/transfers/index'
import { BUCKET, finished, sha256File, startTestS3, writeRandomFile, type TestS3 } from '../../helpers/transfer-s3'

const repoRoot = path.resolve(import.meta.dirname, '../../..')
const childEntry = path.join(repoRoot, 'test/helpers/transfer-child.ts')

let s3: TestS3
beforeAll(async () => {
  s3 = await startTestS3()
})
afterAll(async () => {
  await s3.close()
})

interface Progress {
  state: string
  partsDone: number
  partsTotal: number
}

/**
 * Runs the child until `killWhen` says so, then SIGKILLs it a random 0–150 ms later (not in step with its
 * progress ticks); resolves with the last progress it had shown.
 */
function runChildAndKill(args: object, killWhen: (progress: Progress) => boolean): Promise<Progress> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', childEntry, JSON.stringify(args)], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    let last: Progress | undefined
    let killing = false
    createInterface({ input: child.stdout }).on('line', (line) => {
      const progress = JSON.parse(line) as Progress
      if (progress.state === 'done') reject(new Error('the child finished before it could be killed'))
      last = progress
      if (!killing && killWhen(progress)) {
        killing = true
        setTimeout(() => child.kill('SIGKILL'), Math.random() * 150)
      }
    })
    child.on('exit', (_code, signal) =>
      signal === 'SIGKILL' && last ? resolve(last) : reject(new Error(`child exited with ${signal ?? _code}`)),
    )
  })
}

async function jobJournal(journalDir: string): Promise<{ jobId: string; records: Array<{ t: string; n?: number; i?: number }> }> {
  const engineLog = (await readLog(nodeFileSystem, path.join(journalDir, 'jobs.jsonl'))) as Array<{ t: string; jobId: string }>
  const jobId = engineLog.find((r) => r.t === 'job')?.jobId as string
  return {
    jobId,
    records: ((await readLog(nodeFileSystem, path.join(journalDir, `${jobId}.jsonl`))) ?? []) as Array<{
      t: string
      n?: number
      i?: number
    }>,
  }
}

async function fileCrc32(filePath: string): Promise<string> {
  let value = 0
  for await (const chunk of createReadStream(filePath, { highWaterMark: 4 * MiB })) value = crc32(chunk as Buffer, value)
  const out = Buffer.alloc(4)
  out.writeUInt32BE(value)
  return out.toString('base64')
}

describe('resume after kill -9', () => {
  it('re-sends no part the server already had, and at most the parts that were in flight', async () => {
    const concurrency = 8
    const size = 512 * MiB
    const partSize = 8 * MiB
    const totalParts = size / partSize
    const source = path.join(s3.dir, 'src', 'big-upload.bin')
    const sourceSha = await writeRandomFile(source, size)
    const journalDir = path.join(s3.dir, 'journal-upload')
    const config = { concurrency, partSizeBytes: partSize }
    s3.emulator.clearRequestLog()

    const atKill = await runChildAndKill(
      {
        mode: 'upload',
        endpoint: s3.endpoint,
        journalDir,
        bucket: BUCKET,
        key: 'resume/big',
        path: source,
        config: { ...config, maxBandwidthBytesPerSecond: 160 * MiB },
      },
      (progress) => progress.partsDone >= totalParts / 2,
    )
    // The server logs the requests the kill cut off once their sockets close: wait until it has all of them.
    await s3.emulator.whenIdle()
    const beforeKill = [...s3.emulator.requestLog]
    const acknowledged = new Set(beforeKill.filter((r) => r.operation === 'UploadPart' && r.status === 200).map((r) => r.partNumber))
    const cutOff = new Set(beforeKill.filter((r) => r.operation === 'UploadPart' && r.status !== 200).map((r) => r.partNumber))
    const { jobId, records } = await jobJournal(journalDir)
    const journaled = new Set(records.filter((r) => r.t === 'part').map((r) => r.n))

    s3.emulator.clearRequestLog()
    const engine = new TransferEngine({ clients: { s3: async () => s3.client() }, journalDir, config })
    // A failed assertion must not leave the engine's journal open (Node's DEP0137 on garbage collection).
    onTestFinished(() => engine.close())
    await engine.restore()
    const restored = engine.list()
    expect(restored).toHaveLength(1)
    expect(restored[0]).toMatchObject({
      jobId,
      state: 'paused',
      partsDone: journaled.size,
      bytesDone: journaled.size * partSize,
      bytesTotal: size,
    })
    engine.resume(jobId)
    const snapshot = await finished(engine, jobId)
    expect(snapshot.state).toBe('done')
    expect(snapshot.checksum).toMatchObject({ algorithm: 'CRC32', value: await fileCrc32(source), verified: true })

    const afterRestore = s3.emulator.requestLog
    const sentAgain = afterRestore.filter((r) => r.operation === 'UploadPart').map((r) => r.partNumber as number)
    const resentAcknowledged = sentAgain.filter((n) => acknowledged.has(n))
    const resentJournaled = sentAgain.filter((n) => journaled.has(n))
    // Parts S3 acknowledged but the journal had not yet flushed: those were "in flight" for the journal.
    const acknowledgedNotJournaled = [...acknowledged].filter((n) => !journaled.has(n))
    console.info(
      `[resume upload] ${totalParts} parts of 8 MiB; child showed ${atKill.partsDone} done at kill; journaled ${journaled.size}, ` +
        `server had ${acknowledged.size} (${acknowledgedNotJournaled.length} not yet journaled, reused after a checksum match); ` +
        `in flight at the kill (cut off mid-body): ${cutOff.size}; sent after restore ${sentAgain.length} (= ${totalParts} − ${acknowledged.size}); ` +
        `re-sent of those the server had: ${resentAcknowledged.length}`,
    )
    expect(cutOff.size).toBeLessThanOrEqual(concurrency)
    expect(resentJournaled).toEqual([])
    expect(resentAcknowledged.length).toBeLessThanOrEqual(concurrency)
    expect(resentAcknowledged).toEqual([])
    expect(acknowledgedNotJournaled.length).toBeLessThanOrEqual(concurrency)
    expect(sentAgain.sort((a, b) => a - b)).toEqual(Array.from({ length: totalParts }, (_, i) => i + 1).filter((n) => !acknowledged.has(n)))
    expect(afterRestore[0]?.operation).toBe('ListParts')
    expect(afterRestore.slice(-2).map((r) => r.operation)).toEqual(['CompleteMultipartUpload', 'HeadObject'])

    const copy = path.join(s3.dir, 'dst', 'big-upload.bin')
    expect(
      (await finished(engine, engine.download({ profileId: 'p', bucket: BUCKET, key: 'resume/big', destinationPath: copy }))).state,
    ).toBe('done')
    expect(await sha256File(copy)).toBe(sourceSha)
    expect(existsSync(path.join(journalDir, `${jobId}.jsonl`))).toBe(false)
    await engine.close()
  }, 120_000)

  it('resumes a download, fetching only ranges not yet durable in the partial file', async () => {
    const size = 256 * MiB + 77
    const partSize = 8 * MiB
    const totalRanges = Math.ceil(
      size / downloadRangeBytes(size, { partSizeBytes: partSize, concurrency: resolveTransferConfig().concurrency }),
    )
    const source = path.join(s3.dir, 'src', 'big-download.bin')
    const sourceSha = await writeRandomFile(source, size)
    await s3.emulator.store.putObjectFromFile(BUCKET, 'resume/download', source)
    const journalDir = path.join(s3.dir, 'journal-download')
    const destination = path.join(s3.dir, 'dst', 'resumed-download.bin')
    s3.emulator.clearRequestLog()

    await runChildAndKill(
      {
        mode: 'download',
        endpoint: s3.endpoint,
        journalDir,
        bucket: BUCKET,
        key: 'resume/download',
        path: destination,
        config: { partSizeBytes: partSize, maxBandwidthBytesPerSecond: 128 * MiB },
      },
      (progress) => progress.partsDone >= totalRanges / 2,
    )
    const { jobId, records } = await jobJournal(journalDir)
    const journaled = new Set(records.filter((r) => r.t === 'range').map((r) => r.i as number))
    expect(existsSync(`${destination}.haneul-partial`)).toBe(true)

    s3.emulator.clearRequestLog()
    const engine = new TransferEngine({ clients: { s3: async () => s3.client() }, journalDir, config: { partSizeBytes: partSize } })
    // A failed assertion must not leave the engine's journal open (Node's DEP0137 on garbage collection).
    onTestFinished(() => engine.close())
    await engine.restore({ autoResume: true })
    const snapshot = await finished(engine, jobId)
    expect(snapshot.state).toBe('done')
    expect(snapshot.checksum?.verified).toBe(true)
    const gets = s3.emulator.requestLog.filter((r) => r.operation === 'GetObject')
    console.info(`[resume download] ${totalRanges} ranges; journaled at kill ${journaled.size}; fetched after restore ${gets.length}`)
    expect(gets).toHaveLength(totalRanges - journaled.size)
    expect(await sha256File(destination)).toBe(sourceSha)
    expect(existsSync(`${destination}.haneul-partial`)).toBe(false)
    await engine.close()
  }, 120_000)
})
