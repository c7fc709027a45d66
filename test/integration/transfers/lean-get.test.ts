/**
 * The lean GETs downloads move their bytes with (src-main/transfers/s3-get.ts: undici, signed with the client's
 * credentials and endpoint), against the S3 emulator, which checks every SigV4 signature the way S3 does:
 * keys of every alphabet, ranges, If-Match, error answers shaped like the SDK's, and the engine's retries
 * around them (SlowDown, a reset mid-body, expired credentials).
 */
import path from 'node:path'
import { HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3'
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { toApiError } from '../../../src-main/core/errors'
import { SANDBOX_SECRET_ACCESS_KEY } from '../../../src-main/sandbox/credentials'
import { KiB, MiB } from '../../../src-main/transfers/config'
import { TransferEngine, type RetryInfo } from '../../../src-main/transfers/index'
import { LeanObjectGets, S3ResponseError, type ObjectGetAnswer } from '../../../src-main/transfers/s3-get'
import { FaultProxy } from '../../helpers/fault-proxy'
import { BUCKET, finished, sha256File, startTestS3, writeRandomFile, type TestS3 } from '../../helpers/transfer-s3'

let s3: TestS3
const gets = new LeanObjectGets()
beforeAll(async () => {
  s3 = await startTestS3()
})
afterAll(async () => {
  await gets.close()
  await s3.close()
})

async function bodyOf(answer: ObjectGetAnswer): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of answer.body) chunks.push(chunk)
  return Buffer.concat(chunks)
}

const fastRetries = { stallTimeoutMs: 2_000, baseRetryDelayMs: 10, maxRetryDelayMs: 100 }

describe('lean GETs', () => {
  it('sign keys of every alphabet and punctuation the way S3 checks them, whole and ranged', async () => {
    const client = s3.client()
    const keys = [
      '사진/한글 파일.txt'.normalize('NFC'),
      '사진/한글 파일.txt'.normalize('NFD'),
      'emoji/🐱 cat 🎉.bin',
      'plus/a+b=c.txt',
      'percent/100% sure %20 not a space.txt',
      'spaces/  two  spaces  .txt',
      "marks/it's (1) *really*! ~tilde~ & [x] {y} #z ?q;.txt",
      'deep/a//b/../c/./d',
    ]
    for (const [index, key] of keys.entries()) {
      const body = Buffer.from(`object ${index}: ${key}`)
      await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }))
      const whole = await gets.get(client, { bucket: BUCKET, key, checksumMode: true, signal: new AbortController().signal })
      expect(await bodyOf(whole), key).toEqual(body)
      expect(whole.contentLength).toBe(body.length)
      expect(whole.checksums.CRC32 ?? whole.checksums.CRC64NVME, key).toBeTruthy()
      const ranged = await gets.get(client, {
        bucket: BUCKET,
        key,
        range: { offsetBytes: 3, lengthBytes: 5 },
        signal: new AbortController().signal,
      })
      expect(await bodyOf(ranged), key).toEqual(body.subarray(3, 8))
    }
    // NFC and NFD are two keys: each GET fetched its own bytes.
    expect(keys[0]).not.toBe(keys[1])
  })

  it('answer a changed ETag with 412 PreconditionFailed, a missing key with 404 NoSuchKey, as the SDK would', async () => {
    const client = s3.client()
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'lean/changing', Body: 'first' }))
    const first = await client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'lean/changing' }))
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'lean/changing', Body: 'second version' }))
    const signal = new AbortController().signal
    const stale = gets.get(client, { bucket: BUCKET, key: 'lean/changing', ifMatch: (first.ETag ?? '').replaceAll('"', ''), signal })
    await expect(stale).rejects.toMatchObject({ name: 'PreconditionFailed', $metadata: { httpStatusCode: 412 } })
    const missing = await gets.get(client, { bucket: BUCKET, key: 'lean/never-there', signal }).catch((error: unknown) => error)
    expect(missing).toBeInstanceOf(S3ResponseError)
    expect(missing).toMatchObject({ name: 'NoSuchKey', $metadata: { httpStatusCode: 404 } })
    expect(toApiError(missing).code).toBe('not-found')
  })

  it('fail with a clear "session expired" error when the provider only has expired credentials', async () => {
    s3.credentials.add({
      accessKeyId: 'ASIAEXPIREDLEANGET01',
      secretAccessKey: SANDBOX_SECRET_ACCESS_KEY,
      sessionToken: 'expired',
      expiresAtMs: Date.now() - 60_000,
      arn: 'arn:aws:sts::123456789012:assumed-role/t/expired',
    })
    let calls = 0
    const provider = async () => {
      calls++
      return { accessKeyId: 'ASIAEXPIREDLEANGET01', secretAccessKey: SANDBOX_SECRET_ACCESS_KEY, sessionToken: 'expired' }
    }
    await s3.client().send(new PutObjectCommand({ Bucket: BUCKET, Key: 'lean/expired', Body: 'x'.repeat(100) }))
    const client = s3.client({ credentials: provider })
    const engine = new TransferEngine({
      clients: { s3: async () => client },
      journalDir: path.join(s3.dir, 'journal-lean-expired'),
      config: { ...fastRetries, maxAttempts: 3 },
    })
    onTestFinished(() => engine.close())
    const retries: RetryInfo[] = []
    engine.subscribe({ onRetry: (_s, info) => retries.push(info) })
    s3.emulator.clearRequestLog()
    // A listed small object: its one GET is the lean one (no HeadObject first).
    const destinationPath = path.join(s3.dir, 'dst-lean', 'expired.txt')
    const jobId = engine.download({ profileId: 'p', bucket: BUCKET, key: 'lean/expired', destinationPath, sizeBytes: 100 })
    const snapshot = await finished(engine, jobId)
    expect(snapshot.state).toBe('failed')
    expect(snapshot.error?.code).toBe('credentials-expired')
    expect(snapshot.error?.message).toMatch(/session has expired/)
    expect(retries.map((r) => r.kind)).toEqual(['credentials', 'credentials'])
    // Each retry asked the provider again (forceRefresh) before signing anew.
    expect(calls).toBeGreaterThanOrEqual(3)
    expect(s3.emulator.requestLog.map((r) => `${r.operation}:${r.status}`)).toEqual(Array(3).fill('GetObject:400'))
  })
})

describe('downloads over lean GETs through a faulty network', () => {
  async function faultyDownload(name: string, sizeBytes: number, rates: { reset?: number; slowDown?: number }) {
    const source = path.join(s3.dir, 'src', `${name}.bin`)
    const sha = await writeRandomFile(source, sizeBytes)
    const key = `lean/${name}`
    const uploader = new TransferEngine({ clients: { s3: async () => s3.client() }, journalDir: path.join(s3.dir, `journal-up-${name}`) })
    onTestFinished(() => uploader.close())
    expect((await finished(uploader, uploader.upload({ profileId: 'p', bucket: BUCKET, key, filePath: source }))).state).toBe('done')

    const proxy = await FaultProxy.start({ targetPort: s3.port, rates, seed: 3 })
    onTestFinished(() => proxy.close())
    const client = s3.client({ endpoint: proxy.endpoint })
    const engine = new TransferEngine({
      clients: { s3: async () => client },
      journalDir: path.join(s3.dir, `journal-${name}`),
      config: { ...fastRetries, partSizeBytes: 5 * MiB, concurrency: 2 },
    })
    onTestFinished(() => engine.close())
    const retries: RetryInfo[] = []
    // One fault, then a healthy network: the retry must be what brings the download home.
    engine.subscribe({
      onRetry: (_s, info) => {
        retries.push(info)
        proxy.setRates({})
      },
    })
    s3.emulator.clearRequestLog()
    const destinationPath = path.join(s3.dir, 'dst-lean', `${name}.bin`)
    const snapshot = await finished(engine, engine.download({ profileId: 'p', bucket: BUCKET, key, destinationPath }))
    expect(snapshot.state, snapshot.error?.message).toBe('done')
    expect(snapshot.checksum?.verified).toBe(true)
    expect(await sha256File(destinationPath)).toBe(sha)
    return { retries, proxy, snapshot }
  }

  it('retries a 503 SlowDown and lands the file intact', async () => {
    const { retries, proxy } = await faultyDownload('slow-down', 12 * MiB + 7 * KiB, { slowDown: 1 })
    expect(proxy.counts.slowDown).toBeGreaterThanOrEqual(1)
    expect(retries[0]).toMatchObject({ kind: 'slow-down', error: { name: 'SlowDown', $metadata: { httpStatusCode: 503 } } })
  })

  it('retries a connection reset mid-body and lands the file intact', async () => {
    const { retries, proxy } = await faultyDownload('reset', 12 * MiB + 7 * KiB, { reset: 1 })
    expect(proxy.counts.reset).toBeGreaterThanOrEqual(1)
    expect(retries[0]?.kind).toBe('retry')
  })
})
