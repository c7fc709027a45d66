/**
 * The multipart paths of copying, with thresholds shrunk so a 12 MiB object takes them: above
 * copyObjectMaxBytes a copy-in-place (metadata, storage class) or rename uses UploadPartCopy by ranges;
 * above streamSinglePutMaxBytes a copy across profiles pipes ranged GETs into UploadParts. The server's
 * request log shows which requests were made, and its store what came out.
 */
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { JobSnapshot } from '../../../src-main/api/jobs'
import { SANDBOX_ACCESS_KEY_ID, SANDBOX_SECRET_ACCESS_KEY } from '../../../src-main/sandbox/credentials'
import { handlersWith, serverObject, startWorld, type S3World } from '../../helpers/s3-world'

const MiB = 1024 * 1024
let world: S3World
let s3: ReturnType<typeof handlersWith>
const profileId = 'aws:main'
const bucket = 'multipart-copy'
const body = Buffer.alloc(12 * MiB)
for (let i = 0; i < body.length; i += 4) body.writeUInt32LE((i * 2654435761) >>> 0, i)

const operations = () => world.sandbox.s3.requestLog.map((request) => request.operation)
const count = (name: string) => operations().filter((operation) => operation === name).length

beforeAll(async () => {
  world = await startWorld()
  s3 = handlersWith(world, {
    copyObjectMaxBytes: 8 * MiB,
    copyPartSizeBytes: 5 * MiB,
    streamSinglePutMaxBytes: 8 * MiB,
    streamPartSizeBytes: 5 * MiB,
  })
  world.sandbox.s3.store.createBucket(bucket)
  const raw = new S3Client({
    endpoint: world.sandbox.endpoints.s3,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: SANDBOX_ACCESS_KEY_ID, secretAccessKey: SANDBOX_SECRET_ACCESS_KEY },
  })
  await raw.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: 'big/object.bin',
      Body: body,
      ContentType: 'application/x-big',
      CacheControl: 'max-age=1',
      Metadata: { v: '1' },
      Tagging: 'keep=me',
      StorageClass: 'STANDARD_IA',
      ChecksumAlgorithm: 'CRC32',
    }),
  )
  raw.destroy()
})
afterAll(async () => {
  await world?.close()
})

describe('multipart copies', () => {
  it('edits metadata of an object above copyObjectMaxBytes with UploadPartCopy, keeping everything else', async () => {
    const before = world.sandbox.s3.store.getObjectRecord(bucket, 'big/object.bin')!
    world.sandbox.s3.clearRequestLog()
    await s3.ok('updateMetadata', { profileId, bucket, key: 'big/object.bin', system: { cacheControl: 'no-store' }, metadata: { v: '2' } })
    expect(count('CopyObject')).toBe(0)
    expect([count('CreateMultipartUpload'), count('UploadPartCopy'), count('CompleteMultipartUpload')]).toEqual([1, 3, 1])
    const after = serverObject(world, bucket, 'big/object.bin')!
    expect(after).toMatchObject({
      size: 12 * MiB,
      contentType: 'application/x-big',
      cacheControl: 'no-store',
      metadata: { v: '2' },
      tags: { keep: 'me' },
      storageClass: 'STANDARD_IA',
    })
    // Same bytes, so the combined full-object CRC32 is the original one.
    expect(after.checksum).toEqual(before.checksum)
    expect((await world.sandbox.s3.store.readObject(bucket, 'big/object.bin')).equals(body)).toBe(true)
    expect(world.sandbox.s3.store.listUploads(bucket)).toEqual([])
  })

  it('changes the storage class and renames the same way', async () => {
    await s3.ok('changeStorageClass', { profileId, bucket, key: 'big/object.bin', storageClass: 'GLACIER_IR' })
    expect(serverObject(world, bucket, 'big/object.bin')).toMatchObject({
      storageClass: 'GLACIER_IR',
      metadata: { v: '2' },
      tags: { keep: 'me' },
    })
    world.sandbox.s3.clearRequestLog()
    await s3.ok('rename', { profileId, bucket, key: 'big/object.bin', newKey: 'big/renamed.bin' })
    expect(count('UploadPartCopy')).toBe(3)
    expect(serverObject(world, bucket, 'big/object.bin')).toBeUndefined()
    expect(serverObject(world, bucket, 'big/renamed.bin')).toMatchObject({ storageClass: 'GLACIER_IR', tags: { keep: 'me' } })
    expect((await world.sandbox.s3.store.readObject(bucket, 'big/renamed.bin')).equals(body)).toBe(true)
  })

  it('streams a big object across profiles in ranged parts, never as one PUT', async () => {
    world.sandbox.s3.store.createBucket('multipart-across')
    world.sandbox.s3.clearRequestLog()
    const { jobId } = await s3.ok<{ jobId: string }>('copy', {
      profileId,
      bucket,
      keys: ['big/renamed.bin'],
      destination: { profileId: 'aws:other', bucket: 'multipart-across' },
    })
    expect(await s3.job(jobId)).toMatchObject<Partial<JobSnapshot>>({ state: 'done', done: 1, bytesDone: 12 * MiB, failureCount: 0 })
    expect(count('PutObject')).toBe(0)
    expect([count('CreateMultipartUpload'), count('UploadPart'), count('CompleteMultipartUpload'), count('GetObject')]).toEqual([
      1, 3, 1, 3,
    ])
    expect(serverObject(world, 'multipart-across', 'big/renamed.bin')).toMatchObject({
      size: 12 * MiB,
      contentType: 'application/x-big',
      metadata: { v: '2' },
      tags: { keep: 'me' },
      storageClass: 'GLACIER_IR',
      checksum: { algorithm: 'CRC32', type: 'FULL_OBJECT' },
    })
    expect((await world.sandbox.s3.store.readObject('multipart-across', 'big/renamed.bin')).equals(body)).toBe(true)
  })
})
