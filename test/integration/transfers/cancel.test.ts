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
    const jobId = engine.upload({ profileId: 'p', bucket: BUCKET, key: 'cancel/up', filePath })
    await whenParts(engine, jobId, 2)
    const partsAtCancel = engine.list().find((s) => s.jobId === jobId)!.partsDone
    await engine.cancel(jobId)
    await s3.emulator.whenIdle()
    // Cancel did not wait for the rest of the 20 parts: nothing was sent after it beyond the parts in flight.
    const uploaded = s3.emulator.requestLog.filter((r) => r.key === 'cancel/up' && r.operation === 'UploadPart' && r.status === 200)
    expect(uploaded.length).toBeLessThanOrEqual(partsAtCancel + config.concurrency)
    expect(engine.list().find((s) => s.jobId === jobId)?.state).toBe('cancelled')
    const listed = await s3.client().send(new ListMultipartUploadsCommand({ Bucket: BUCKET, Prefix: 'cancel/' }))
    expect(listed.Uploads ?? []).toEqual([])
    expect(s3.emulator.store.getObjectRecord(BUCKET, 'cancel/up')).toBeUndefined()
    // The abort was confirmed: the last word from the server about this upload is NoSuchUpload.
    const last = s3.emulator.requestLog.filter((r) => r.key === 'cancel/up').at(-1)
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
    const jobId = engine.download({ profileId: 'p', bucket: BUCKET, key: 'cancel/down', destinationPath: destination })
    await whenParts(engine, jobId, 2)
    expect(existsSync(`${destination}.haneul-partial`)).toBe(true)
    const partsAtCancel = engine.list().find((s) => s.jobId === jobId)!.partsDone
    await engine.cancel(jobId)
    await s3.emulator.whenIdle()
    // Cancel did not wait for the rest of the 20 ranges: none was asked for after it beyond those in flight.
    const ranges = s3.emulator.requestLog.filter((r) => r.key === 'cancel/down' && r.operation === 'GetObject')
    expect(ranges.length).toBeLessThanOrEqual(partsAtCancel + config.concurrency)
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
