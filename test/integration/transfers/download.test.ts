/** Downloading a prefix into a folder, untrusted key names, and an object that changes mid-download. */
import { readFile, readdir } from 'node:fs/promises'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MiB } from '../../../src-main/transfers/config'
import { CompleteMultipartUploadCommand, CreateMultipartUploadCommand, PutObjectCommand, UploadPartCommand } from '@aws-sdk/client-s3'
import {
  BUCKET,
  finished,
  requestSequence,
  sha256File,
  startTestS3,
  testEngine,
  writeRandomFile,
  type TestS3,
} from '../../helpers/transfer-s3'

let s3: TestS3
beforeAll(async () => {
  s3 = await startTestS3()
})
afterAll(async () => {
  await s3.close()
})

const NFC = '한글 파일.txt'.normalize('NFC')
const NFD = '한글 파일.txt'.normalize('NFD')

describe('downloadPrefix', () => {
  const keys = ['ok.txt', 'sub/deep.txt', '../evil', '/abs', 'a/../../b', 'C:\\x', 'CON.txt', NFC, NFD, '사진/🎉 party.png', 'folder/']

  beforeAll(async () => {
    for (const key of keys) await s3.emulator.store.putObject(BUCKET, `tree/${key}`, key.endsWith('/') ? '' : `contents of ${key}`)
  })

  it('refuses keys that climb out of the folder and keeps every other name byte for byte (POSIX)', async () => {
    const engine = testEngine(s3)
    const root = path.join(s3.dir, 'posix-root')
    const destinationDir = path.join(root, 'inside')
    const { jobIds, refused } = await engine.downloadPrefix({
      profileId: 'p',
      bucket: BUCKET,
      prefix: 'tree/',
      destinationDir,
      platform: 'linux',
    })
    expect(refused.map((r) => r.key).sort()).toEqual(['tree//abs', 'tree/../evil', 'tree/a/../../b'].sort())
    expect(refused.find((r) => r.key === 'tree/../evil')?.reason).toMatch(/climbs out/)
    expect(refused.find((r) => r.key === 'tree//abs')?.reason).toMatch(/absolute/)
    const done = await Promise.all(jobIds.map((id) => finished(engine, id)))
    expect(done.every((s) => s.state === 'done')).toBe(true)
    expect((await readdir(destinationDir)).sort()).toEqual(['C:\\x', 'CON.txt', NFC, NFD, 'ok.txt', 'sub', '사진'].sort())
    expect(await readFile(path.join(destinationDir, NFD), 'utf8')).toBe(`contents of ${NFD}`)
    expect(await readFile(path.join(destinationDir, NFC), 'utf8')).toBe(`contents of ${NFC}`)
    expect(await readFile(path.join(destinationDir, '사진', '🎉 party.png'), 'utf8')).toBe('contents of 사진/🎉 party.png')
    // Nothing landed beside or above the destination.
    expect(await readdir(root)).toEqual(['inside'])
    await engine.close()
  })

  it('also refuses drive letters and maps reserved names under Windows rules', async () => {
    const engine = testEngine(s3)
    const destinationDir = path.join(s3.dir, 'win-root')
    const { jobIds, refused } = await engine.downloadPrefix({
      profileId: 'p',
      bucket: BUCKET,
      prefix: 'tree/',
      destinationDir,
      platform: 'win32',
    })
    expect(refused.map((r) => r.key).sort()).toEqual(['tree//abs', 'tree/../evil', 'tree/C:\\x', 'tree/a/../../b'].sort())
    expect(refused.find((r) => r.key === 'tree/C:\\x')?.reason).toMatch(/drive letter/)
    await Promise.all(jobIds.map((id) => finished(engine, id)))
    const names = await readdir(destinationDir)
    expect(names).toContain('CON_.txt')
    expect(names).not.toContain('CON.txt')
    expect(await readFile(path.join(destinationDir, 'CON_.txt'), 'utf8')).toBe('contents of CON.txt')
    await engine.close()
  })
})

describe('small objects of a listing', () => {
  it('take one GET each (no HeadObject, no journal), verified by the checksum or MD5 ETag they answer with', async () => {
    const client = s3.client()
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'few/crc.bin', Body: 'with a CRC32', ChecksumAlgorithm: 'CRC32' }))
    await s3.emulator.store.putObject(BUCKET, 'few/plain.txt', 'no checksum, MD5 ETag')
    const engine = testEngine(s3)
    s3.emulator.clearRequestLog()
    const destinationDir = path.join(s3.dir, 'few')
    const { jobIds } = await engine.downloadPrefix({ profileId: 'p', bucket: BUCKET, prefix: 'few/', destinationDir })
    const done = await Promise.all(jobIds.map((id) => finished(engine, id)))
    expect(done.map((d) => [d.key, d.state, d.checksum?.algorithm, d.checksum?.verified]).sort()).toEqual([
      ['few/crc.bin', 'done', 'CRC32', true],
      ['few/plain.txt', 'done', 'MD5', true],
    ])
    expect(requestSequence(s3).sort()).toEqual(['GetObject:200', 'GetObject:200', 'ListObjectsV2:200'])
    expect(await readFile(path.join(destinationDir, 'crc.bin'), 'utf8')).toBe('with a CRC32')
    expect(await readFile(path.join(destinationDir, 'plain.txt'), 'utf8')).toBe('no checksum, MD5 ETag')
    expect((await readdir(path.join(s3.dir, 'journal'))).filter((name) => name !== 'jobs.jsonl')).toEqual([])
    await engine.close()
  })

  it('fall back to the ranged, verified path when the answer cannot be checked whole (a multipart ETag)', async () => {
    const client = s3.client()
    const key = 'few-multipart/object'
    const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: key }))
    const { ETag } = await client.send(new UploadPartCommand({ Bucket: BUCKET, Key: key, UploadId, PartNumber: 1, Body: 'one part' }))
    await client.send(
      new CompleteMultipartUploadCommand({ Bucket: BUCKET, Key: key, UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag }] } }),
    )
    const engine = testEngine(s3)
    const destinationDir = path.join(s3.dir, 'few-multipart')
    const { jobIds } = await engine.downloadPrefix({ profileId: 'p', bucket: BUCKET, prefix: 'few-multipart/', destinationDir })
    const [snapshot] = await Promise.all(jobIds.map((id) => finished(engine, id)))
    expect(snapshot).toMatchObject({ state: 'done', checksum: { algorithm: 'MD5', verified: true } })
    expect(await readFile(path.join(destinationDir, 'object'), 'utf8')).toBe('one part')
    await engine.close()
  })
})

describe('an object that changes during its download', () => {
  it('answers 412 to If-Match; the download starts over, says why, and ends with the new version', async () => {
    const first = path.join(s3.dir, 'src', 'v1.bin')
    const second = path.join(s3.dir, 'src', 'v2.bin')
    await writeRandomFile(first, 40 * MiB)
    const secondSha = await writeRandomFile(second, 20 * MiB + 1)
    await s3.emulator.store.putObjectFromFile(BUCKET, 'changing/object', first)
    const engine = testEngine(s3, { partSizeBytes: 5 * MiB, concurrency: 2 })
    // Every GET of the object after the first waits at the server until the object has been replaced, so the
    // change lands between two ranges however fast or slow the machine is.
    let gets = 0
    const release = s3.holdRequests((req) => req.method === 'GET' && (req.url ?? '').includes('changing/object') && ++gets > 1)
    const destination = path.join(s3.dir, 'dst', 'changing.bin')
    const jobId = engine.download({ profileId: 'p', bucket: BUCKET, key: 'changing/object', destinationPath: destination })
    await new Promise<void>((resolve) => {
      const unsubscribe = engine.subscribe({
        onProgress: (s) => {
          if (s.jobId !== jobId || s.partsDone < 1) return
          unsubscribe()
          void s3.emulator.store.putObjectFromFile(BUCKET, 'changing/object', second).then(() => resolve())
        },
      })
    })
    release()
    const snapshot = await finished(engine, jobId)
    expect(snapshot.state).toBe('done')
    expect(snapshot.restartReason).toMatch(/The object changed on S3 during the download \(If-Match ".*" failed\)/)
    expect(snapshot.bytesDone).toBe(20 * MiB + 1)
    expect(s3.emulator.requestLog.some((r) => r.operation === 'GetObject' && r.status === 412)).toBe(true)
    expect(await sha256File(destination)).toBe(secondSha)
    await engine.close()
  })
})
