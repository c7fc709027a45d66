/**
 * Persistence: reopening a data folder restores everything, a torn last journal line is survivable, the
 * journal compacts, and a request cut off mid-body leaves nothing behind.
 */
import { appendFile, readdir, readFile, stat } from 'node:fs/promises'
import http from 'node:http'
import { join } from 'node:path'
import {
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketTaggingCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadBucketCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  ListPartsCommand,
  PutBucketLifecycleConfigurationCommand,
  PutBucketTaggingCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3'
import { HttpRequest } from '@smithy/protocol-http'
import { SignatureV4 } from '@smithy/signature-v4'
import { afterEach, describe, expect, it } from 'vitest'
import { SANDBOX_CREDENTIALS, Sha256, patterned, startS3, type RunningS3 } from '../../../helpers/sandbox-s3-harness'

const running: RunningS3[] = []
async function open(dataDir?: string): Promise<RunningS3> {
  const s3 = await startS3(dataDir ? { dataDir } : {})
  running.push(s3)
  return s3
}
afterEach(async () => {
  for (const s3 of running.splice(0)) await s3.close().catch(() => undefined)
})

async function blobCount(dataDir: string): Promise<number> {
  let n = 0
  for (const shard of await readdir(join(dataDir, 'blobs'))) n += (await readdir(join(dataDir, 'blobs', shard))).length
  return n
}

describe('reopening a data folder', () => {
  it('restores buckets, objects, versions, uploads and configuration', async () => {
    const first = await open()
    const { s3 } = first
    await s3.send(new CreateBucketCommand({ Bucket: 'kept', CreateBucketConfiguration: { LocationConstraint: 'ap-northeast-2' } }))
    await s3.send(new PutBucketVersioningCommand({ Bucket: 'kept', VersioningConfiguration: { Status: 'Enabled' } }))
    const v1 = await s3.send(new PutObjectCommand({ Bucket: 'kept', Key: '한글/파일.txt', Body: 'first', Metadata: { note: 'one' } }))
    await s3.send(new PutObjectCommand({ Bucket: 'kept', Key: '한글/파일.txt', Body: 'second', Tagging: 'a=b' }))
    const big = patterned(2 * 1024 * 1024, 5)
    await s3.send(new PutObjectCommand({ Bucket: 'kept', Key: 'big.bin', Body: big, StorageClass: 'GLACIER_IR' }))
    await s3.send(new PutBucketTaggingCommand({ Bucket: 'kept', Tagging: { TagSet: [{ Key: 'env', Value: 'demo' }] } }))
    await s3.send(
      new PutBucketLifecycleConfigurationCommand({
        Bucket: 'kept',
        LifecycleConfiguration: {
          Rules: [{ ID: 'r', Status: 'Enabled', Filter: { Prefix: 'x/' }, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 3 } }],
        },
      }),
    )
    const upload = await s3.send(new CreateMultipartUploadCommand({ Bucket: 'kept', Key: 'pending', ChecksumAlgorithm: 'SHA256' }))
    await s3.send(
      new UploadPartCommand({
        Bucket: 'kept',
        Key: 'pending',
        UploadId: upload.UploadId,
        PartNumber: 2,
        Body: 'part two',
        ChecksumAlgorithm: 'SHA256',
      }),
    )
    await first.stop()

    const second = await open(first.dataDir)
    const again = second.s3
    expect((await again.send(new HeadBucketCommand({ Bucket: 'kept' }))).BucketRegion).toBe('ap-northeast-2')
    const current = await again.send(new GetObjectCommand({ Bucket: 'kept', Key: '한글/파일.txt' }))
    expect(await current.Body?.transformToString()).toBe('second')
    expect((await again.send(new GetObjectTaggingCommand({ Bucket: 'kept', Key: '한글/파일.txt' }))).TagSet).toEqual([
      { Key: 'a', Value: 'b' },
    ])
    const old = await again.send(new GetObjectCommand({ Bucket: 'kept', Key: '한글/파일.txt', VersionId: v1.VersionId }))
    expect(await old.Body?.transformToString()).toBe('first')
    expect(old.Metadata).toEqual({ note: 'one' })
    const bigBack = await again.send(new GetObjectCommand({ Bucket: 'kept', Key: 'big.bin' }))
    expect(Buffer.from(await bigBack.Body!.transformToByteArray()).equals(big)).toBe(true)
    expect(bigBack.StorageClass).toBe('GLACIER_IR')
    expect((await again.send(new ListObjectVersionsCommand({ Bucket: 'kept' }))).Versions).toHaveLength(3)
    expect((await again.send(new GetBucketTaggingCommand({ Bucket: 'kept' }))).TagSet).toEqual([{ Key: 'env', Value: 'demo' }])
    expect(
      (await again.send(new GetBucketLifecycleConfigurationCommand({ Bucket: 'kept' }))).Rules?.[0]?.AbortIncompleteMultipartUpload
        ?.DaysAfterInitiation,
    ).toBe(3)
    const parts = await again.send(new ListPartsCommand({ Bucket: 'kept', Key: 'pending', UploadId: upload.UploadId }))
    expect(parts.Parts?.map((p) => [p.PartNumber, p.Size])).toEqual([[2, 8]])
    expect(parts.ChecksumAlgorithm).toBe('SHA256')
  })

  it('opens a journal whose last line was torn by a crash, and keeps working', async () => {
    const first = await open()
    await first.s3.send(new CreateBucketCommand({ Bucket: 'torn' }))
    await first.s3.send(new PutObjectCommand({ Bucket: 'torn', Key: 'safe', Body: 'safe' }))
    await first.stop()
    const journal = join(first.dataDir, 'journal.jsonl')
    await appendFile(journal, '{"t":"ver","b":"torn","v":{"key":"half-writ')

    const second = await open(first.dataDir)
    expect(await (await second.s3.send(new GetObjectCommand({ Bucket: 'torn', Key: 'safe' }))).Body?.transformToString()).toBe('safe')
    expect((await second.s3.send(new ListObjectsV2Command({ Bucket: 'torn' }))).Contents?.map((o) => o.Key)).toEqual(['safe'])
    await second.s3.send(new PutObjectCommand({ Bucket: 'torn', Key: 'after', Body: 'after' }))
    await second.stop()
    // The torn tail was cut off, so the new line is whole and readable.
    expect((await readFile(journal, 'utf8')).split('\n').every((line) => line === '' || JSON.parse(line))).toBe(true)

    const third = await open(first.dataDir)
    expect((await third.s3.send(new ListObjectsV2Command({ Bucket: 'torn' }))).Contents?.map((o) => o.Key)).toEqual(['after', 'safe'])
  })

  it('compacts a journal that is mostly history', async () => {
    const first = await open()
    await first.s3.send(new CreateBucketCommand({ Bucket: 'churn' }))
    const store = first.emulator.store
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < 500; i++) await store.putObject('churn', `k${i}`, '')
    }
    await first.stop()
    const journal = join(first.dataDir, 'journal.jsonl')
    const before = (await stat(journal)).size
    const second = await open(first.dataDir)
    const after = (await stat(journal)).size
    expect(after).toBeLessThan(before / 3)
    expect((await second.s3.send(new ListObjectsV2Command({ Bucket: 'churn' }))).KeyCount).toBe(500)
  })
})

describe('interrupted uploads', () => {
  it('leaves no object and no blob when the client disconnects mid-body', async () => {
    const s3 = await open()
    await s3.s3.send(new CreateBucketCommand({ Bucket: 'cut' }))
    const blobsBefore = await blobCount(s3.dataDir)
    const url = new URL(s3.endpoint)
    const signer = new SignatureV4({
      credentials: SANDBOX_CREDENTIALS,
      region: 'us-east-1',
      service: 's3',
      sha256: Sha256,
      uriEscapePath: false,
    })
    const signed = await signer.sign(
      new HttpRequest({
        method: 'PUT',
        protocol: 'http:',
        hostname: url.hostname,
        port: Number(url.port),
        path: '/cut/partial',
        headers: { host: url.host, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD', 'content-length': String(10 * 1024 * 1024) },
      }),
    )
    await new Promise<void>((resolve) => {
      const req = http.request({ host: url.hostname, port: url.port, method: 'PUT', path: '/cut/partial', headers: signed.headers })
      req.on('error', () => resolve())
      req.write(Buffer.alloc(1024 * 1024, 1), () => {
        setTimeout(() => {
          req.destroy()
          resolve()
        }, 50)
      })
    })
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect(s3.emulator.store.getObjectRecord('cut', 'partial')).toBeUndefined()
    expect(await blobCount(s3.dataDir)).toBe(blobsBefore)
    expect(s3.emulator.requestLog.at(-1)).toMatchObject({ operation: 'PutObject', key: 'partial' })
  })
})
