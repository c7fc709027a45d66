/** Cancel stops at once, removes the multipart upload (confirmed with ListParts) or the partial file, and journals. */
import { existsSync } from 'node:fs'
import { readdir } from 'node:fs/promises'
import path from 'node:path'
import { ListMultipartUploadsCommand } from '@aws-sdk/client-s3'
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { MiB } from '../../../src-main/transfers/config'
import type { TransferEngine } from '../../../src-main/transfers/index'
import { BUCKET, finished, startTestS3, testEngine, writeRandomFile, type TestS3 } from '../../helpers/transfer-s3'

let s3: TestS3
beforeAll(async () => {
  s3 = await startTestS3()
})
afterAll(async () => {
  await s3.close()
})

const whenParts = (engine: TransferEngine, jobId: string, parts: number) =>
  new Promise<void>((resolve) => {
    const unsubscribe = engine.subscribe({ onProgress: (s) => s.jobId === jobId && s.partsDone >= parts && (unsubscribe(), resolve()) })
  })

const config = { partSizeBytes: 5 * MiB, multipartThresholdBytes: 5 * MiB, maxBandwidthBytesPerSecond: 30 * MiB, concurrency: 6 }

describe('cancel', () => {
  it('of an upload returns quickly and leaves no multipart upload, object, journal or temp file', async () => {
    const engine = testEngine(s3, config)
    // A failed assertion must not leave the engine's journal open (Node's DEP0137 on garbage collection).
    onTestFinished(() => engine.close())
    const filePath = path.join(s3.dir, 'src', 'cancel-up.bin')
    await writeRandomFile(filePath, 100 * MiB)
    // Every part after the first two waits at the server until released: cancel must return while they
    // are still in flight, so it cannot have waited for them.
    let parts = 0
    const release = s3.holdRequests((req) => req.method === 'PUT' && (req.url ?? '').includes('uploadId=') && ++parts > 2)
    const jobId = engine.upload({ profileId: 'p', bucket: BUCKET, key: 'cancel/up', filePath })
    await whenParts(engine, jobId, 2)
    await engine.cancel(jobId)
    release()
    await s3.emulator.whenIdle()
    expect(engine.list().find((s) => s.jobId === jobId)?.state).toBe('cancelled')
    const listed = await s3.client().send(new ListMultipartUploadsCommand({ Bucket: BUCKET, Prefix: 'cancel/' }))
    expect(listed.Uploads ?? []).toEqual([])
    expect(s3.emulator.store.getObjectRecord(BUCKET, 'cancel/up')).toBeUndefined()
    // The abort was confirmed: the last word from the server about this upload is NoSuchUpload.
    // (The held parts reach the server after it, as a client that hung up.)
    const last = s3.emulator.requestLog.filter((r) => r.key === 'cancel/up' && r.operation !== 'UploadPart').at(-1)
    expect(last).toMatchObject({ operation: 'ListParts', status: 404, errorCode: 'NoSuchUpload' })
    const journal = await readdir(path.join(s3.dir, 'journal'))
    expect(journal.filter((name) => name !== 'jobs.jsonl')).toEqual([])
    await engine.close()
  })

  it('of a download returns quickly and removes the partial file', async () => {
    const filePath = path.join(s3.dir, 'src', 'cancel-down.bin')
    await writeRandomFile(filePath, 100 * MiB)
    await s3.emulator.store.putObjectFromFile(BUCKET, 'cancel/down', filePath)
    const engine = testEngine(s3, config)
    // A failed assertion must not leave the engine's journal open (Node's DEP0137 on garbage collection).
    onTestFinished(() => engine.close())
    const destination = path.join(s3.dir, 'dst', 'cancel-down.bin')
    // Every range after the first two waits at the server until released: cancel returns while they are in flight.
    let ranges = 0
    const release = s3.holdRequests((req) => req.method === 'GET' && (req.url ?? '').includes('cancel/down') && ++ranges > 2)
    const jobId = engine.download({ profileId: 'p', bucket: BUCKET, key: 'cancel/down', destinationPath: destination })
    await whenParts(engine, jobId, 2)
    expect(existsSync(`${destination}.haneul-partial`)).toBe(true)
    await engine.cancel(jobId)
    release()
    await s3.emulator.whenIdle()
    expect(existsSync(`${destination}.haneul-partial`)).toBe(false)
    expect(existsSync(destination)).toBe(false)
    expect((await readdir(path.join(s3.dir, 'journal'))).filter((name) => name !== 'jobs.jsonl')).toEqual([])
    await engine.close()
  })

  it('of a paused or queued job cleans up the same way', async () => {
    const engine = testEngine(s3, config)
    // A failed assertion must not leave the engine's journal open (Node's DEP0137 on garbage collection).
    onTestFinished(() => engine.close())
    const filePath = path.join(s3.dir, 'src', 'cancel-paused.bin')
    await writeRandomFile(filePath, 30 * MiB)
    const jobId = engine.upload({ profileId: 'p', bucket: BUCKET, key: 'cancel/paused', filePath })
    await whenParts(engine, jobId, 1)
    engine.pause(jobId)
    expect(engine.list().find((s) => s.jobId === jobId)?.state).toBe('paused')
    expect(s3.emulator.store.listUploads(BUCKET).filter((u) => u.key === 'cancel/paused')).toHaveLength(1)
    await engine.cancel(jobId)
    expect(s3.emulator.store.listUploads(BUCKET).filter((u) => u.key === 'cancel/paused')).toEqual([])
    expect((await finished(engine, jobId)).state).toBe('cancelled')
    await engine.close()
  })
})
