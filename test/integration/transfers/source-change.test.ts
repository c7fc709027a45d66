/**
 * A source file that is not the one the upload started with: changed between runs (the job starts over and
 * says why) or changed while it is being read (the job fails; nothing is created). And the resume paths that
 * kill -9 rarely hits: parts S3 has that the journal missed, and a journaled part S3 holds differently.
 */
import { appendFile, copyFile, readFile, rename, stat, utimes, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { ListMultipartUploadsCommand } from '@aws-sdk/client-s3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MiB } from '../../../src-main/transfers/config'
import { nodeFileSystem, type TransferFileHandle, type TransferFileSystem } from '../../../src-main/transfers/deps'
import { TransferEngine, type TransferSnapshot } from '../../../src-main/transfers/index'
import { FaultProxy } from '../../helpers/fault-proxy'
import { BUCKET, finished, sha256File, startTestS3, testEngine, writeRandomFile, type TestS3 } from '../../helpers/transfer-s3'

let s3: TestS3
beforeAll(async () => {
  s3 = await startTestS3()
})
afterAll(async () => {
  await s3.close()
})

const openUploads = async (prefix: string) =>
  (await s3.client().send(new ListMultipartUploadsCommand({ Bucket: BUCKET, Prefix: prefix }))).Uploads ?? []

/** Starts an upload and closes the engine (as an app quit would) once `parts` parts are confirmed. */
async function uploadThenQuit(engine: TransferEngine, key: string, filePath: string, parts: number): Promise<string> {
  const jobId = engine.upload({ profileId: 'p', bucket: BUCKET, key, filePath })
  await new Promise<void>((resolve) => {
    const unsubscribe = engine.subscribe({
      onProgress: (s) => {
        if (s.jobId === jobId && s.partsDone >= parts) {
          unsubscribe()
          resolve()
        }
      },
    })
  })
  await engine.close()
  return jobId
}

const slow = { partSizeBytes: 5 * MiB, multipartThresholdBytes: 5 * MiB, maxBandwidthBytesPerSecond: 40 * MiB, concurrency: 2 }

describe('a source file that changed', () => {
  it.each([
    ['size', async (file: string) => appendFile(file, 'more'), /size 31457280 → 31457284 bytes/],
    [
      'inode',
      async (file: string) => {
        // Same bytes, size and mtime, but another file: a program that saves by writing a copy and renaming it.
        const before = await stat(file)
        await copyFile(file, `${file}.new`)
        await utimes(`${file}.new`, before.atime, before.mtime)
        await rename(`${file}.new`, file)
      },
      /inode changed/,
    ],
    ['mtime', async (file: string) => utimes(file, new Date(), new Date(Date.now() + 5_000)), /modified at/],
  ] as const)(
    'between runs (%s) starts over from zero, says why, and removes the old upload',
    async (what, change, reason) => {
      const key = `changed-between/${what}`
      const source = path.join(s3.dir, 'src', `between-${what}.bin`)
      await writeRandomFile(source, 30 * MiB)
      const jobId = await uploadThenQuit(testEngine(s3, slow), key, source, 2)
      const [oldUpload] = await openUploads(key)
      expect(oldUpload).toBeDefined()
      await change(source)

      const engine = testEngine(s3, slow)
      const progress: TransferSnapshot[] = []
      engine.subscribe({ onProgress: (s) => progress.push(s) })
      await engine.restore({ autoResume: true })
      const snapshot = await finished(engine, jobId)
      expect(snapshot.state).toBe('done')
      expect(snapshot.restartReason).toMatch(/changed since the upload started/)
      expect(snapshot.restartReason).toMatch(reason)
      expect(snapshot.bytesDone).toBe((await stat(source)).size)
      // The first report after the restart starts from zero.
      expect(progress.find((s) => s.restartReason)?.bytesDone).toBe(0)
      expect((await openUploads(key)).map((u) => u.UploadId)).toEqual([])
      expect(s3.emulator.store.getObjectRecord(BUCKET, key)?.size).toBe((await stat(source)).size)
      await engine.close()
    },
    60_000,
  )

  it('while it is being uploaded fails the job, creates no object and leaves no upload', async () => {
    const key = 'changed-during/file'
    const source = path.join(s3.dir, 'src', 'during.bin')
    await writeRandomFile(source, 40 * MiB)
    const engine = testEngine(s3, { ...slow, maxBandwidthBytesPerSecond: 20 * MiB })
    const jobId = engine.upload({ profileId: 'p', bucket: BUCKET, key, filePath: source })
    const unsubscribe = engine.subscribe({
      onProgress: (s) => {
        if (s.jobId === jobId && s.partsDone >= 1) {
          unsubscribe()
          void appendFile(source, 'an editor saved the file')
        }
      },
    })
    const snapshot = await finished(engine, jobId)
    expect(snapshot.state).toBe('failed')
    expect(snapshot.error).toMatchObject({ code: 'conflict', retryable: false })
    expect(snapshot.error?.message).toMatch(
      /The file changed while it was being uploaded \(size 41943040 → 41943064 bytes\)\. Nothing was created on S3/,
    )
    expect(s3.emulator.store.getObjectRecord(BUCKET, key)).toBeUndefined()
    expect(await openUploads(key)).toEqual([])
    // A retry uploads the new version.
    engine.retry(jobId)
    expect((await finished(engine, jobId)).state).toBe('done')
    expect(s3.emulator.store.getObjectRecord(BUCKET, key)?.size).toBe(40 * MiB + 24)
    await engine.close()
  }, 60_000)
})

/** The real file system, except that records for part numbers in `lose` never reach the job journal. */
function forgetfulFs(lose: Set<number>): TransferFileSystem {
  return {
    ...nodeFileSystem,
    open: async (p, flags) => {
      const handle = await nodeFileSystem.open(p, flags)
      if (flags !== 'a' || p.endsWith('jobs.jsonl')) return handle
      const wrapped: TransferFileHandle = {
        read: (...args) => handle.read(...args),
        writev: (...args) => handle.writev(...args),
        stat: () => handle.stat(),
        truncate: (length) => handle.truncate(length),
        datasync: () => handle.datasync(),
        sync: () => handle.sync(),
        close: () => handle.close(),
        write: (data) => {
          const kept = data.split('\n').filter((line) => !lose.has((JSON.parse(line || '{}') as { n?: number }).n ?? -1))
          return handle.write(kept.join('\n'))
        },
      }
      return wrapped
    },
  }
}

describe('reconciling a resumed upload with ListParts', () => {
  it('reuses parts S3 acknowledged but the journal never got, after checking their checksums', async () => {
    const key = 'reconcile/unjournaled'
    const source = path.join(s3.dir, 'src', 'unjournaled.bin')
    const sourceSha = await writeRandomFile(source, 30 * MiB)
    // Parts 1 and 2 reach S3 but their journal records are lost, as if the app died between the two.
    const jobId = await uploadThenQuit(testEngine(s3, slow, { fs: forgetfulFs(new Set([1, 2])) }), key, source, 4)
    const journaled = (await readFile(path.join(s3.dir, 'journal', `${jobId}.jsonl`), 'utf8')).match(/"n":\d+/g) ?? []
    expect(journaled).not.toContain('"n":1')
    expect(journaled).not.toContain('"n":2')
    const upload = s3.emulator.store.listUploads(BUCKET).find((u) => u.key === key)
    expect(s3.emulator.store.listParts(BUCKET, upload?.uploadId ?? '').map((p) => p.partNumber)).toEqual(expect.arrayContaining([1, 2]))
    s3.emulator.clearRequestLog()
    const engine = testEngine(s3, slow)
    await engine.restore({ autoResume: true })
    expect((await finished(engine, jobId)).state).toBe('done')
    const resent = s3.emulator.requestLog.filter((r) => r.operation === 'UploadPart').map((r) => r.partNumber)
    expect(resent).not.toContain(1)
    expect(resent).not.toContain(2)
    const copy = path.join(s3.dir, 'dst', 'unjournaled.bin')
    await finished(engine, engine.download({ profileId: 'p', bucket: BUCKET, key, destinationPath: copy }))
    expect(await sha256File(copy)).toBe(sourceSha)
    await engine.close()
  }, 60_000)

  it('resumes on an endpoint without checksums without re-sending journaled parts (ETag check)', async () => {
    const proxy = await FaultProxy.start({ targetPort: s3.port, stripChecksums: true })
    const client = s3.client({ endpoint: proxy.endpoint })
    const engineFor = () =>
      new TransferEngine({ clients: { s3: async () => client }, journalDir: path.join(s3.dir, 'journal-nochecksum'), config: slow })
    const key = 'reconcile/no-checksums'
    const source = path.join(s3.dir, 'src', 'no-checksums.bin')
    const sourceSha = await writeRandomFile(source, 30 * MiB)
    const jobId = await uploadThenQuit(engineFor(), key, source, 3)
    const journaled = ((await readFile(path.join(s3.dir, 'journal-nochecksum', `${jobId}.jsonl`), 'utf8')).match(/"n":(\d+)/g) ?? []).map(
      (m) => Number(m.slice(4)),
    )
    expect(journaled.length).toBeGreaterThanOrEqual(3)
    s3.emulator.clearRequestLog()
    const engine = engineFor()
    await engine.restore({ autoResume: true })
    const snapshot = await finished(engine, jobId)
    expect(snapshot.state).toBe('done')
    expect(snapshot.checksum).toMatchObject({ algorithm: 'MD5', verified: true })
    const resent = s3.emulator.requestLog.filter((r) => r.operation === 'UploadPart').map((r) => r.partNumber as number)
    expect(resent.filter((n) => journaled.includes(n))).toEqual([])
    const copy = path.join(s3.dir, 'dst', 'no-checksums.bin')
    await finished(engine, engine.download({ profileId: 'p', bucket: BUCKET, key, destinationPath: copy }))
    expect(await sha256File(copy)).toBe(sourceSha)
    await engine.close()
    await proxy.close()
  }, 60_000)

  it('sends a journaled part again when S3 holds it with another checksum', async () => {
    const key = 'reconcile/mismatch'
    const source = path.join(s3.dir, 'src', 'mismatch.bin')
    await writeRandomFile(source, 30 * MiB)
    const jobId = await uploadThenQuit(testEngine(s3, slow), key, source, 3)
    // Corrupt the journal's idea of part 1 (or, equally, S3's copy of it): the two no longer agree.
    const journal = path.join(s3.dir, 'journal', `${jobId}.jsonl`)
    const lines = (await readFile(journal, 'utf8'))
      .split('\n')
      .map((line) => (line.includes('"n":1,') ? line.replace(/"checksum":"[^"]+"/, '"checksum":"AAAAAA=="') : line))
    await writeFile(journal, lines.join('\n'))
    s3.emulator.clearRequestLog()
    const engine = testEngine(s3, slow)
    await engine.restore({ autoResume: true })
    const snapshot = await finished(engine, jobId)
    expect(snapshot.state).toBe('done')
    expect(snapshot.checksum?.verified).toBe(true)
    expect(s3.emulator.requestLog.filter((r) => r.operation === 'UploadPart').map((r) => r.partNumber)).toContain(1)
    await engine.close()
  }, 60_000)
})
