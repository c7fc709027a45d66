/**
 * The incomplete multipart uploads view against the sandbox: listing uploads with their parts and bytes
 * (bounded), their monthly cost from the price table, aborting one and all, and the lifecycle rule that
 * aborts them automatically, added next to an existing rule without losing it.
 */
import {
  CreateMultipartUploadCommand,
  GetBucketLifecycleConfigurationCommand,
  PutBucketLifecycleConfigurationCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BYTES_PER_GB, PRICE_TABLE_DATE } from '../../../src-main/costs/prices'
import { SANDBOX_ACCESS_KEY_ID, SANDBOX_SECRET_ACCESS_KEY } from '../../../src-main/sandbox/credentials'
import { handlersWith, startWorld, type S3World } from '../../helpers/s3-world'

const MiB = 1024 * 1024
let world: S3World
let raw: S3Client
const profileId = 'aws:main'
const bucket = 'uploads-bucket'

interface Listed {
  uploads: Array<{ key: string; uploadId: string; initiatedMs?: number; storageClass?: string; parts: number; bytes: number }>
  truncated: boolean
  monthlyCostUsd: number
  priceTableDate: string
}

async function startUpload(key: string, partSizes: number[], storageClass?: 'STANDARD_IA' | 'GLACIER'): Promise<string> {
  const { UploadId } = await raw.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, StorageClass: storageClass }))
  for (const [index, size] of partSizes.entries()) {
    await raw.send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId, PartNumber: index + 1, Body: Buffer.alloc(size, index) }))
  }
  return UploadId!
}

beforeAll(async () => {
  world = await startWorld()
  world.sandbox.s3.store.createBucket(bucket)
  raw = new S3Client({
    endpoint: world.sandbox.endpoints.s3,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: SANDBOX_ACCESS_KEY_ID, secretAccessKey: SANDBOX_SECRET_ACCESS_KEY },
  })
  await startUpload('videos/a.mp4', [5 * MiB, 5 * MiB, MiB])
  await startUpload('videos/b.mp4', [2 * MiB], 'STANDARD_IA')
  await startUpload('backups/c.tar', [3 * MiB], 'GLACIER')
})
afterAll(async () => {
  raw?.destroy()
  await world?.close()
})

describe('incomplete multipart uploads', () => {
  it('lists every upload with its parts, bytes and monthly cost', async () => {
    const listed = await world.ok<Listed>('s3.listMultipartUploads', { profileId, bucket })
    const server = world.sandbox.s3.store.listUploads(bucket)
    expect(listed.uploads.map((u) => u.uploadId).sort()).toEqual(server.map((u) => u.uploadId).sort())
    for (const upload of listed.uploads) {
      const parts = world.sandbox.s3.store.listParts(bucket, upload.uploadId)
      expect(upload).toMatchObject({ parts: parts.length, bytes: parts.reduce((n, p) => n + p.size, 0), initiatedMs: expect.any(Number) })
    }
    expect(listed.uploads.find((u) => u.key === 'videos/b.mp4')).toMatchObject({ storageClass: 'STANDARD_IA', parts: 1, bytes: 2 * MiB })
    // us-east-1: STANDARD $0.023, STANDARD_IA $0.0125; GLACIER parts are staged at the STANDARD rate.
    const expected = ((11 * MiB) / BYTES_PER_GB) * 0.023 + ((2 * MiB) / BYTES_PER_GB) * 0.0125 + ((3 * MiB) / BYTES_PER_GB) * 0.023
    expect(listed.monthlyCostUsd).toBeCloseTo(expected, 10)
    expect(listed.priceTableDate).toBe(PRICE_TABLE_DATE)
  })

  it('stops listing at the configured bound', async () => {
    const bounded = handlersWith(world, { maxUploadsListed: 2 })
    const listed = await bounded.ok<Listed>('listMultipartUploads', { profileId, bucket })
    expect(listed.uploads).toHaveLength(2)
    expect(listed.truncated).toBe(true)
    const full = await world.ok<Listed>('s3.listMultipartUploads', { profileId, bucket })
    expect(full.truncated).toBe(false)
  })

  it('aborts one, then all (one already gone counts as aborted)', async () => {
    const [first] = world.sandbox.s3.store.listUploads(bucket)
    expect(
      await world.ok('s3.abortMultipartUploads', { profileId, bucket, uploads: [{ key: first!.key, uploadId: first!.uploadId }] }),
    ).toEqual({ aborted: 1, failures: [] })
    expect(world.sandbox.s3.store.listUploads(bucket)).toHaveLength(2)
    const all = [first!, ...world.sandbox.s3.store.listUploads(bucket)].map(({ key, uploadId }) => ({ key, uploadId }))
    expect(await world.ok('s3.abortMultipartUploads', { profileId, bucket, uploads: all })).toEqual({ aborted: 3, failures: [] })
    expect(world.sandbox.s3.store.listUploads(bucket)).toEqual([])
    expect(await world.ok<Listed>('s3.listMultipartUploads', { profileId, bucket })).toEqual({
      uploads: [],
      truncated: false,
      monthlyCostUsd: 0,
      priceTableDate: PRICE_TABLE_DATE,
    })
  })

  it('adds the abort rule next to existing rules, and updates it in place', async () => {
    await raw.send(
      new PutBucketLifecycleConfigurationCommand({
        Bucket: bucket,
        LifecycleConfiguration: {
          Rules: [
            { ID: 'expire-logs', Status: 'Enabled', Filter: { Prefix: 'logs/' }, Expiration: { Days: 30 } },
            {
              ID: 'archive-backups',
              Status: 'Disabled',
              Filter: { Prefix: 'backups/' },
              Transitions: [{ Days: 90, StorageClass: 'GLACIER' }],
            },
          ],
        },
      }),
    )
    expect(await world.ok('s3.addAbortIncompleteRule', { profileId, bucket, days: 7 })).toEqual({ rules: 3 })
    expect(await world.ok('s3.addAbortIncompleteRule', { profileId, bucket, days: 2 })).toEqual({ rules: 3 })
    const { Rules = [] } = await raw.send(new GetBucketLifecycleConfigurationCommand({ Bucket: bucket }))
    expect(Rules).toEqual([
      expect.objectContaining({ ID: 'expire-logs', Status: 'Enabled', Filter: { Prefix: 'logs/' }, Expiration: { Days: 30 } }),
      expect.objectContaining({
        ID: 'archive-backups',
        Status: 'Disabled',
        Filter: { Prefix: 'backups/' },
        Transitions: [{ Days: 90, StorageClass: 'GLACIER' }],
      }),
      expect.objectContaining({
        ID: 'haneul-abort-incomplete-multipart-uploads',
        Status: 'Enabled',
        AbortIncompleteMultipartUpload: { DaysAfterInitiation: 2 },
      }),
    ])
    expect(await world.ok('s3.bucketInfo', { profileId, bucket })).toMatchObject({ abortIncompleteAfterDays: 2 })
  })

  it('creates the configuration on a bucket that has none', async () => {
    world.sandbox.s3.store.createBucket('no-lifecycle')
    expect(await world.ok('s3.bucketInfo', { profileId, bucket: 'no-lifecycle' })).toEqual({
      region: 'us-east-1',
      versioning: 'Unversioned',
    })
    expect(await world.ok('s3.addAbortIncompleteRule', { profileId, bucket: 'no-lifecycle', days: 1 })).toEqual({ rules: 1 })
    expect(world.sandbox.s3.store.bucket('no-lifecycle')?.record.lifecycleRules).toHaveLength(1)
  })
})
