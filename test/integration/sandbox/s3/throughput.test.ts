/**
 * Loopback throughput with the real SDK: a large streamed upload (aws-chunked with a CRC32 trailer), a
 * multipart upload of the same size, and a download: checked for integrity; the speeds are printed for
 * information only (targets belong in `npm run bench`).
 */
import { crc32 } from 'node:zlib'
import { Readable } from 'node:stream'
import {
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  GetObjectCommand,
  PutObjectCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { patterned, startS3, type RunningS3 } from '../../../helpers/sandbox-s3-harness'

const MiB = 1024 * 1024
const SIZE = 256 * MiB
let s3: RunningS3
const block = patterned(8 * MiB, 99)

beforeAll(async () => {
  s3 = await startS3()
  await s3.s3.send(new CreateBucketCommand({ Bucket: 'speed' }))
})
afterAll(async () => {
  await s3.close()
})

/** SIZE bytes as a stream of 8 MiB blocks, without holding them all. */
const source = () =>
  Readable.from(
    (function* () {
      for (let sent = 0; sent < SIZE; sent += block.length) yield block
    })(),
  )
const rate = (bytes: number, ms: number) => `${(bytes / MiB / (ms / 1000)).toFixed(0)} MB/s`

it('streams a 256 MiB upload, multipart upload and download intact (speeds reported, not asserted)', async () => {
  let started = performance.now()
  const put = await s3.s3.send(new PutObjectCommand({ Bucket: 'speed', Key: 'big', Body: source(), ContentLength: SIZE }))
  const putMs = performance.now() - started
  let crc = 0
  for (let i = 0; i < SIZE / block.length; i++) crc = crc32(block, crc)
  const expected = Buffer.alloc(4)
  expected.writeUInt32BE(crc >>> 0)
  expect(put.ChecksumCRC32).toBe(expected.toString('base64'))

  started = performance.now()
  const got = await s3.s3.send(new GetObjectCommand({ Bucket: 'speed', Key: 'big' }))
  let received = 0
  for await (const chunk of got.Body as Readable) received += (chunk as Buffer).length
  const getMs = performance.now() - started
  expect(received).toBe(SIZE)

  started = performance.now()
  const upload = await s3.s3.send(new CreateMultipartUploadCommand({ Bucket: 'speed', Key: 'multi' }))
  const parts = await Promise.all(
    Array.from({ length: SIZE / block.length }, async (_, i) => {
      const out = await s3.s3.send(
        new UploadPartCommand({ Bucket: 'speed', Key: 'multi', UploadId: upload.UploadId, PartNumber: i + 1, Body: block }),
      )
      return { PartNumber: i + 1, ETag: out.ETag }
    }),
  )
  const uploadMs = performance.now() - started
  started = performance.now()
  await s3.s3.send(
    new CompleteMultipartUploadCommand({ Bucket: 'speed', Key: 'multi', UploadId: upload.UploadId, MultipartUpload: { Parts: parts } }),
  )
  const completeMs = performance.now() - started
  console.info(
    `256 MiB: PUT ${rate(SIZE, putMs)}, GET ${rate(SIZE, getMs)}, 32 parts ${rate(SIZE, uploadMs)}, complete ${completeMs.toFixed(0)} ms`,
  )
}, 60_000)
