/**
 * Object operations sent without a key reach S3 as `/<bucket>/?<subresource>`. S3 answers them as the
 * object operation they are — 400 InvalidRequest "A key must be specified" — never as the bucket
 * operation of the same method (a keyless AbortMultipartUpload is no DeleteBucket). The requests here
 * go out from a bare SDK client, with no Haneul guard in between.
 */
import { mkdtempSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  HeadBucketCommand,
  ListPartsCommand,
  PutObjectCommand,
  RestoreObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SANDBOX_ACCESS_KEY_ID, SANDBOX_SECRET_ACCESS_KEY } from '../../../../src-main/sandbox/credentials'
import { startSandbox, type RunningSandbox } from '../../../../src-main/sandbox/servers'
import { sandboxAssets } from '../../../helpers/app-harness'

describe('S3 emulator: object operations without a key', () => {
  let sandbox: RunningSandbox
  let dir: string
  let s3: S3Client
  const Bucket = 'keyless-empty'

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'haneul-keyless-'))
    sandbox = await startSandbox({ dataDir: dir, assetsDir: sandboxAssets })
    s3 = new S3Client({
      endpoint: sandbox.endpoints.s3,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: SANDBOX_ACCESS_KEY_ID, secretAccessKey: SANDBOX_SECRET_ACCESS_KEY },
      maxAttempts: 1,
    })
    await s3.send(new CreateBucketCommand({ Bucket }))
    await s3.send(new PutObjectCommand({ Bucket: 'keyless-source', Key: 'x', Body: 'x' })).catch(async () => {
      await s3.send(new CreateBucketCommand({ Bucket: 'keyless-source' }))
      await s3.send(new PutObjectCommand({ Bucket: 'keyless-source', Key: 'x', Body: 'x' }))
    })
  })
  afterAll(async () => {
    s3?.destroy()
    await sandbox?.close()
    await rm(dir, { recursive: true, force: true })
  })

  const keyless = [
    ['AbortMultipartUpload (DELETE ?uploadId)', () => new AbortMultipartUploadCommand({ Bucket, Key: '', UploadId: 'x' })],
    ['CreateMultipartUpload (POST ?uploads)', () => new CreateMultipartUploadCommand({ Bucket, Key: '' })],
    ['UploadPart (PUT ?partNumber&uploadId)', () => new UploadPartCommand({ Bucket, Key: '', UploadId: 'x', PartNumber: 1, Body: 'x' })],
    ['ListParts (GET ?uploadId)', () => new ListPartsCommand({ Bucket, Key: '', UploadId: 'x' })],
    [
      'CompleteMultipartUpload (POST ?uploadId)',
      () =>
        new CompleteMultipartUploadCommand({
          Bucket,
          Key: '',
          UploadId: 'x',
          MultipartUpload: { Parts: [{ PartNumber: 1, ETag: '"x"' }] },
        }),
    ],
    ['CopyObject (PUT with x-amz-copy-source)', () => new CopyObjectCommand({ Bucket, Key: '', CopySource: 'keyless-source/x' })],
    ['RestoreObject (POST ?restore)', () => new RestoreObjectCommand({ Bucket, Key: '', RestoreRequest: { Days: 1 } })],
  ] as const

  for (const [name, command] of keyless) {
    it(`${name}: 400 InvalidRequest "A key must be specified", and the bucket is still there`, async () => {
      const before = sandbox.s3.requestLog.length
      const error = await s3.send(command() as never).then(
        () => undefined,
        (e: { name?: string; message?: string; $metadata?: { httpStatusCode?: number } }) => e,
      )
      expect(error?.name).toBe('InvalidRequest')
      expect(error?.message).toBe('A key must be specified')
      expect(error?.$metadata?.httpStatusCode).toBe(400)
      // Answered as no operation at all: not DeleteBucket, CreateBucket or a listing.
      const logged = sandbox.s3.requestLog.slice(before)
      expect(logged.map((entry) => entry.operation)).toEqual(['Unknown'])
      await expect(s3.send(new HeadBucketCommand({ Bucket }))).resolves.toBeTruthy()
    })
  }
})
