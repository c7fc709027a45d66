/**
 * Multipart uploads through the real SDK: concurrent out-of-order parts, full-object and composite
 * checksums checked against independently computed values, S3's completion errors, UploadPartCopy, abort,
 * and the 200-with-error fault.
 */
import { createHash } from 'node:crypto'
import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { crc32 } from 'node:zlib'
import { Crc32c, Crc64Nvme } from '@aws-sdk/checksums/crc'
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetObjectAttributesCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListPartsCommand,
  PutObjectCommand,
  S3ServiceException,
  UploadPartCommand,
  UploadPartCopyCommand,
  type ChecksumAlgorithm,
  type CompletedPart,
} from '@aws-sdk/client-s3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { patterned, startS3, type RunningS3 } from '../../../helpers/sandbox-s3-harness'

const MiB = 1024 * 1024
const bucket = 'multipart'
let s3: RunningS3

beforeAll(async () => {
  s3 = await startS3()
  await s3.s3.send(new CreateBucketCommand({ Bucket: bucket }))
})
afterAll(async () => {
  await s3.close()
})

async function failure(promise: Promise<unknown>): Promise<S3ServiceException> {
  try {
    await promise
  } catch (error) {
    if (error instanceof S3ServiceException) return error
    throw error
  }
  throw new Error('expected the call to fail')
}

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64')
const crc32Of = (data: Buffer) => {
  const out = Buffer.alloc(4)
  out.writeUInt32BE(crc32(data) >>> 0)
  return out.toString('base64')
}
async function smithyChecksum(Ctor: new () => { update(d: Uint8Array): void; digest(): Promise<Uint8Array> }, data: Buffer) {
  const c = new Ctor()
  c.update(data)
  return b64(await c.digest())
}
const md5 = (data: Buffer) => createHash('md5').update(data).digest()

/** Uploads the parts concurrently, last part first, and returns them in part order. */
async function uploadParts(key: string, uploadId: string, parts: Buffer[], algorithm?: ChecksumAlgorithm): Promise<CompletedPart[]> {
  const order = parts.map((_, i) => i).reverse()
  const results = await Promise.all(
    order.map(async (i) => {
      const out = await s3.s3.send(
        new UploadPartCommand({
          Bucket: bucket,
          Key: key,
          UploadId: uploadId,
          PartNumber: i + 1,
          Body: parts[i],
          ChecksumAlgorithm: algorithm,
        }),
      )
      return {
        i,
        part: {
          PartNumber: i + 1,
          ETag: out.ETag,
          ChecksumCRC32: out.ChecksumCRC32,
          ChecksumCRC32C: out.ChecksumCRC32C,
          ChecksumCRC64NVME: out.ChecksumCRC64NVME,
          ChecksumSHA1: out.ChecksumSHA1,
          ChecksumSHA256: out.ChecksumSHA256,
        },
      }
    }),
  )
  return results.sort((a, b) => a.i - b.i).map((r) => r.part)
}

describe('full-object checksums', () => {
  it('completes a CRC32 FULL_OBJECT upload whose checksum equals the CRC32 of the whole data', async () => {
    const data = patterned(11 * MiB + 12345, 3)
    const parts = [data.subarray(0, 5 * MiB), data.subarray(5 * MiB, 10 * MiB), data.subarray(10 * MiB)]
    const created = await s3.s3.send(
      new CreateMultipartUploadCommand({
        Bucket: bucket,
        Key: 'full.bin',
        ChecksumAlgorithm: 'CRC32',
        ChecksumType: 'FULL_OBJECT',
        ContentType: 'application/x-test',
        Metadata: { m: '1' },
      }),
    )
    expect(created.ChecksumAlgorithm).toBe('CRC32')
    expect(created.ChecksumType).toBe('FULL_OBJECT')
    const uploadId = created.UploadId as string
    const completed = await uploadParts('full.bin', uploadId, parts)
    expect(completed.map((p) => p.ChecksumCRC32)).toEqual(parts.map(crc32Of))

    const first = await s3.s3.send(new ListPartsCommand({ Bucket: bucket, Key: 'full.bin', UploadId: uploadId, MaxParts: 2 }))
    expect(first.Parts?.map((p) => p.PartNumber)).toEqual([1, 2])
    expect(first.IsTruncated).toBe(true)
    expect(first.NextPartNumberMarker).toBe('2')
    expect(first.ChecksumAlgorithm).toBe('CRC32')
    expect(first.ChecksumType).toBe('FULL_OBJECT')
    expect(first.Parts?.[0]?.Size).toBe(5 * MiB)
    const rest = await s3.s3.send(
      new ListPartsCommand({ Bucket: bucket, Key: 'full.bin', UploadId: uploadId, PartNumberMarker: first.NextPartNumberMarker }),
    )
    expect(rest.Parts?.map((p) => p.PartNumber)).toEqual([3])
    expect(rest.IsTruncated).toBe(false)

    const whole = crc32Of(data)
    const done = await s3.s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key: 'full.bin',
        UploadId: uploadId,
        ChecksumType: 'FULL_OBJECT',
        ChecksumCRC32: whole,
        MultipartUpload: { Parts: completed.map(({ PartNumber, ETag }) => ({ PartNumber, ETag })) },
      }),
    )
    expect(done.ChecksumCRC32).toBe(whole)
    expect(done.ChecksumType).toBe('FULL_OBJECT')
    const etag = `"${createHash('md5')
      .update(Buffer.concat(parts.map(md5)))
      .digest('hex')}-3"`
    expect(done.ETag).toBe(etag)

    const head = await s3.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'full.bin', ChecksumMode: 'ENABLED' }))
    expect(head.ChecksumCRC32).toBe(whole)
    expect(head.ChecksumType).toBe('FULL_OBJECT')
    expect(head.ContentLength).toBe(data.length)
    expect(head.ContentType).toBe('application/x-test')
    expect(head.Metadata).toEqual({ m: '1' })
    const got = await s3.s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'full.bin', ChecksumMode: 'ENABLED' }))
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(data)).toBe(true)

    const part2 = await s3.s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'full.bin', PartNumber: 2 }))
    expect(part2.PartsCount).toBe(3)
    expect(part2.ContentRange).toBe(`bytes ${5 * MiB}-${10 * MiB - 1}/${data.length}`)
    expect(Buffer.from(await part2.Body!.transformToByteArray()).equals(parts[1] as Buffer)).toBe(true)
    expect(s3.emulator.store.listUploads(bucket).some((u) => u.uploadId === uploadId)).toBe(false)
  })

  it('combines CRC32C and CRC64NVME part checksums into the whole-object value', async () => {
    const data = patterned(10 * MiB + 999, 11)
    const parts = [data.subarray(0, 5 * MiB), data.subarray(5 * MiB)]
    for (const [algorithm, expected] of [
      ['CRC32C', await smithyChecksum(Crc32c, data)],
      ['CRC64NVME', await smithyChecksum(Crc64Nvme, data)],
    ] as const) {
      const key = `full-${algorithm}`
      const created = await s3.s3.send(
        new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ChecksumAlgorithm: algorithm, ChecksumType: 'FULL_OBJECT' }),
      )
      const completed = await uploadParts(key, created.UploadId as string, parts, algorithm)
      const wrong = await failure(
        s3.s3.send(
          new CompleteMultipartUploadCommand({
            Bucket: bucket,
            Key: key,
            UploadId: created.UploadId,
            ChecksumType: 'FULL_OBJECT',
            [`Checksum${algorithm}`]: algorithm === 'CRC32C' ? 'AAAAAA==' : 'AAAAAAAAAAA=',
            MultipartUpload: { Parts: completed },
          }),
        ),
      )
      expect(wrong.name).toBe('BadDigest')
      const done = await s3.s3.send(
        new CompleteMultipartUploadCommand({
          Bucket: bucket,
          Key: key,
          UploadId: created.UploadId,
          ChecksumType: 'FULL_OBJECT',
          [`Checksum${algorithm}`]: expected,
          MultipartUpload: { Parts: completed },
        }),
      )
      expect(done[`Checksum${algorithm}`], algorithm).toBe(expected)
    }
  })

  it('defaults CRC64NVME to FULL_OBJECT and refuses S3-invalid algorithm/type pairs', async () => {
    const crc64 = await s3.s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'k64', ChecksumAlgorithm: 'CRC64NVME' }))
    expect(crc64.ChecksumType).toBe('FULL_OBJECT')
    const crc32 = await s3.s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'k32', ChecksumAlgorithm: 'CRC32' }))
    expect(crc32.ChecksumType).toBe('COMPOSITE')
    const sha = await failure(
      s3.s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'ks', ChecksumAlgorithm: 'SHA256', ChecksumType: 'FULL_OBJECT' })),
    )
    expect(sha.name).toBe('InvalidRequest')
    const nvme = await failure(
      s3.s3.send(
        new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'kn', ChecksumAlgorithm: 'CRC64NVME', ChecksumType: 'COMPOSITE' }),
      ),
    )
    expect(nvme.name).toBe('InvalidRequest')
    for (const [key, id] of [
      ['k64', crc64.UploadId],
      ['k32', crc32.UploadId],
    ]) {
      await s3.s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: id }))
    }
  })
})

describe('composite checksums', () => {
  it('completes a SHA256 COMPOSITE upload as base64(sha256(part checksums))-N', async () => {
    const parts = [patterned(5 * MiB, 21), patterned(2 * MiB + 7, 22)]
    const created = await s3.s3.send(
      new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'composite.bin', ChecksumAlgorithm: 'SHA256' }),
    )
    expect(created.ChecksumType).toBe('COMPOSITE')
    const completed = await uploadParts('composite.bin', created.UploadId as string, parts, 'SHA256')
    const partSums = parts.map((p) => createHash('sha256').update(p).digest())
    expect(completed.map((p) => p.ChecksumSHA256)).toEqual(partSums.map(b64))

    const missing = await failure(
      s3.s3.send(
        new CompleteMultipartUploadCommand({
          Bucket: bucket,
          Key: 'composite.bin',
          UploadId: created.UploadId,
          MultipartUpload: { Parts: completed.map(({ PartNumber, ETag }) => ({ PartNumber, ETag })) },
        }),
      ),
    )
    expect(missing.name).toBe('InvalidRequest')
    expect(missing.message).toBe(
      'The upload was created using a sha256 checksum. The complete request must include the checksum for each part. It was missing for part 1 in the request.',
    )
    const mismatched = await failure(
      s3.s3.send(
        new CompleteMultipartUploadCommand({
          Bucket: bucket,
          Key: 'composite.bin',
          UploadId: created.UploadId,
          MultipartUpload: { Parts: completed.map((p) => ({ ...p, ChecksumSHA256: completed[0]?.ChecksumSHA256 })) },
        }),
      ),
    )
    expect(mismatched.name).toBe('InvalidPart')

    const done = await s3.s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key: 'composite.bin',
        UploadId: created.UploadId,
        MultipartUpload: { Parts: completed },
      }),
    )
    const composite = createHash('sha256').update(Buffer.concat(partSums)).digest('base64')
    expect(done.ChecksumSHA256).toBe(`${composite}-2`)
    expect(done.ChecksumType).toBe('COMPOSITE')

    const head = await s3.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'composite.bin', ChecksumMode: 'ENABLED' }))
    expect(head.ChecksumSHA256).toBe(`${composite}-2`)
    expect(head.ChecksumType).toBe('COMPOSITE')
    // The SDK skips validating composite values, so a checksum-mode GET of the whole object still works.
    const got = await s3.s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'composite.bin', ChecksumMode: 'ENABLED' }))
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(Buffer.concat(parts))).toBe(true)

    const attrs = await s3.s3.send(
      new GetObjectAttributesCommand({
        Bucket: bucket,
        Key: 'composite.bin',
        ObjectAttributes: ['ObjectParts', 'Checksum', 'ETag', 'ObjectSize'],
        MaxParts: 1,
      }),
    )
    expect(attrs.Checksum?.ChecksumSHA256).toBe(composite)
    expect(attrs.Checksum?.ChecksumType).toBe('COMPOSITE')
    expect(attrs.ObjectParts?.TotalPartsCount).toBe(2)
    expect(attrs.ObjectParts?.IsTruncated).toBe(true)
    expect(attrs.ObjectParts?.Parts?.map((p) => [p.PartNumber, p.Size, p.ChecksumSHA256])).toEqual([
      [1, 5 * MiB, b64(partSums[0] as Buffer)],
    ])
    expect(attrs.ObjectSize).toBe(7 * MiB + 7)
    expect(attrs.ETag).toMatch(/^[0-9a-f]{32}-2$/)
  })

  it('requires each part of a composite upload to bring its checksum', async () => {
    const created = await s3.s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'needs-sums', ChecksumAlgorithm: 'SHA1' }))
    const client = s3.client({ requestChecksumCalculation: 'WHEN_REQUIRED' })
    const error = await failure(
      client.send(new UploadPartCommand({ Bucket: bucket, Key: 'needs-sums', UploadId: created.UploadId, PartNumber: 1, Body: 'x' })),
    )
    expect(error.name).toBe('InvalidRequest')
    expect(error.message).toBe('Checksum Type mismatch occurred, expected checksum Type: sha1, actual checksum Type: null')
    const wrongAlgorithm = await failure(
      s3.s3.send(
        new UploadPartCommand({
          Bucket: bucket,
          Key: 'needs-sums',
          UploadId: created.UploadId,
          PartNumber: 1,
          Body: 'x',
          ChecksumAlgorithm: 'CRC32',
        }),
      ),
    )
    expect(wrongAlgorithm.message).toBe('Checksum Type mismatch occurred, expected checksum Type: sha1, actual checksum Type: crc32')
    await s3.s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: 'needs-sums', UploadId: created.UploadId }))
  })
})

describe('completion rules', () => {
  async function twoParts(key: string, sizes: [number, number]) {
    const created = await s3.s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }))
    const parts = await uploadParts(
      key,
      created.UploadId as string,
      sizes.map((n, i) => patterned(n, 40 + i)),
    )
    return { uploadId: created.UploadId as string, parts }
  }
  const complete = (key: string, uploadId: string, parts: CompletedPart[]) =>
    s3.s3.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId, MultipartUpload: { Parts: parts } }))

  it('refuses non-last parts under 5 MiB with EntityTooSmall', async () => {
    const { uploadId, parts } = await twoParts('small', [5 * MiB - 1, 10])
    const error = await failure(complete('small', uploadId, parts))
    expect(error.name).toBe('EntityTooSmall')
    expect(error.$metadata.httpStatusCode).toBe(400)
  })

  it('refuses parts out of order, unknown parts and wrong ETags', async () => {
    const { uploadId, parts } = await twoParts('order', [5 * MiB, 10])
    expect((await failure(complete('order', uploadId, [...parts].reverse()))).name).toBe('InvalidPartOrder')
    expect(
      (
        await failure(
          complete('order', uploadId, [
            { PartNumber: 1, ETag: parts[0]?.ETag },
            { PartNumber: 3, ETag: parts[1]?.ETag },
          ]),
        )
      ).name,
    ).toBe('InvalidPart')
    expect((await failure(complete('order', uploadId, [{ PartNumber: 1, ETag: '"00000000000000000000000000000000"' }]))).name).toBe(
      'InvalidPart',
    )
    expect((await failure(complete('order', 'no-such-upload', parts))).name).toBe('NoSuchUpload')
    const badNumber = await failure(
      s3.s3.send(new UploadPartCommand({ Bucket: bucket, Key: 'order', UploadId: uploadId, PartNumber: 10001, Body: 'x' })),
    )
    expect(badNumber.name).toBe('InvalidArgument')
    // Still completable after the failures.
    const done = await complete('order', uploadId, parts)
    expect(done.ETag).toMatch(/-2"$/)
  })

  it('discards uploaded parts the completion leaves out', async () => {
    const created = await s3.s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'subset' }))
    const data = [patterned(5 * MiB, 51), patterned(5 * MiB, 52), patterned(100, 53)]
    const parts = await uploadParts('subset', created.UploadId as string, data)
    await complete('subset', created.UploadId as string, [parts[0] as CompletedPart, parts[2] as CompletedPart])
    expect((await s3.emulator.store.readObject(bucket, 'subset')).equals(Buffer.concat([data[0] as Buffer, data[2] as Buffer]))).toBe(true)
    expect(s3.emulator.store.getObjectRecord(bucket, 'subset')?.parts?.map((p) => p.size)).toEqual([5 * MiB, 100])
  })

  it('replaces a part uploaded twice with the same number', async () => {
    const created = await s3.s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'again' }))
    const uploadId = created.UploadId as string
    await s3.s3.send(new UploadPartCommand({ Bucket: bucket, Key: 'again', UploadId: uploadId, PartNumber: 1, Body: 'old' }))
    const second = await s3.s3.send(new UploadPartCommand({ Bucket: bucket, Key: 'again', UploadId: uploadId, PartNumber: 1, Body: 'new' }))
    expect(s3.emulator.store.listParts(bucket, uploadId).map((p) => p.etag)).toEqual([createHash('md5').update('new').digest('hex')])
    await complete('again', uploadId, [{ PartNumber: 1, ETag: second.ETag }])
    expect((await s3.emulator.store.readObject(bucket, 'again')).toString()).toBe('new')
  })
})

describe('copy, abort, listing and faults', () => {
  it('builds an object from ranges of another with UploadPartCopy', async () => {
    const source = patterned(12 * MiB + 5, 61)
    await s3.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'copy-source', Body: source }))
    const created = await s3.s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'copy-target', ChecksumAlgorithm: 'CRC32' }))
    const uploadId = created.UploadId as string
    const ranges = [
      [0, 5 * MiB - 1],
      [5 * MiB, 12 * MiB + 4],
    ] as const
    const parts: CompletedPart[] = []
    for (const [i, [start, end]] of ranges.entries()) {
      const out = await s3.s3.send(
        new UploadPartCopyCommand({
          Bucket: bucket,
          Key: 'copy-target',
          UploadId: uploadId,
          PartNumber: i + 1,
          CopySource: `${bucket}/copy-source`,
          CopySourceRange: `bytes=${start}-${end}`,
        }),
      )
      const slice = source.subarray(start, end + 1)
      expect(out.CopyPartResult?.ETag).toBe(`"${md5(slice).toString('hex')}"`)
      expect(out.CopyPartResult?.ChecksumCRC32).toBe(crc32Of(slice))
      parts.push({ PartNumber: i + 1, ETag: out.CopyPartResult?.ETag, ChecksumCRC32: out.CopyPartResult?.ChecksumCRC32 })
    }
    await s3.s3.send(
      new CompleteMultipartUploadCommand({ Bucket: bucket, Key: 'copy-target', UploadId: uploadId, MultipartUpload: { Parts: parts } }),
    )
    expect((await s3.emulator.store.readObject(bucket, 'copy-target')).equals(source)).toBe(true)
    const bad = await failure(
      s3.s3.send(
        new UploadPartCopyCommand({ Bucket: bucket, Key: 'x', UploadId: 'nope', PartNumber: 1, CopySource: `${bucket}/copy-source` }),
      ),
    )
    expect(bad.name).toBe('NoSuchUpload')
  })

  it('aborts an upload and removes its part files', async () => {
    const blobFiles = async () => {
      let n = 0
      for (const shard of await readdir(join(s3.dataDir, 'blobs'))) n += (await readdir(join(s3.dataDir, 'blobs', shard))).length
      return n
    }
    const before = await blobFiles()
    const created = await s3.s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'aborted' }))
    await uploadParts('aborted', created.UploadId as string, [patterned(1000, 1), patterned(1000, 2)])
    expect(await blobFiles()).toBe(before + 2)
    const aborted = await s3.s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: 'aborted', UploadId: created.UploadId }))
    expect(aborted.$metadata.httpStatusCode).toBe(204)
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(await blobFiles()).toBe(before)
    const again = await failure(s3.s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: 'aborted', UploadId: created.UploadId })))
    expect(again.name).toBe('NoSuchUpload')
    expect(again.$metadata.httpStatusCode).toBe(404)
    expect(
      (
        await failure(
          s3.s3.send(new UploadPartCommand({ Bucket: bucket, Key: 'aborted', UploadId: created.UploadId, PartNumber: 1, Body: 'x' })),
        )
      ).name,
    ).toBe('NoSuchUpload')
  })

  it('lists uploads with prefix, delimiter and paging', async () => {
    const ids: string[] = []
    for (const key of ['up/a', 'up/a', 'up/b', 'up/dir/c', 'other']) {
      ids.push((await s3.s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }))).UploadId as string)
    }
    const all = await s3.s3.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: 'up/', Delimiter: '/' }))
    expect(all.Uploads?.map((u) => u.Key)).toEqual(['up/a', 'up/a', 'up/b'])
    expect(all.Uploads?.map((u) => u.UploadId)).toEqual(ids.slice(0, 3))
    expect(all.CommonPrefixes?.map((p) => p.Prefix)).toEqual(['up/dir/'])
    const seen: string[] = []
    let keyMarker: string | undefined
    let uploadIdMarker: string | undefined
    for (;;) {
      const page = await s3.s3.send(
        new ListMultipartUploadsCommand({
          Bucket: bucket,
          Prefix: 'up/',
          MaxUploads: 1,
          KeyMarker: keyMarker,
          UploadIdMarker: uploadIdMarker,
        }),
      )
      seen.push(...(page.Uploads ?? []).map((u) => u.UploadId as string))
      if (!page.IsTruncated) break
      keyMarker = page.NextKeyMarker
      uploadIdMarker = page.NextUploadIdMarker
    }
    expect(seen).toEqual(ids.slice(0, 4))
  })

  it('answers 200 with an <Error> body when the fault is armed, which the SDK raises', async () => {
    const created = await s3.s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'faulty' }))
    const part = await s3.s3.send(
      new UploadPartCommand({ Bucket: bucket, Key: 'faulty', UploadId: created.UploadId, PartNumber: 1, Body: 'data' }),
    )
    const request = {
      Bucket: bucket,
      Key: 'faulty',
      UploadId: created.UploadId,
      MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] },
    }

    s3.emulator.faults.completeMultipartUploadErrorIn200 = 1
    const noRetry = s3.client({ maxAttempts: 1 })
    const error = await failure(noRetry.send(new CompleteMultipartUploadCommand(request)))
    expect(error.name).toBe('InternalError')
    expect(s3.emulator.store.getObjectRecord(bucket, 'faulty')).toBeUndefined()
    expect(s3.emulator.store.listUploads(bucket).some((u) => u.uploadId === created.UploadId)).toBe(true)

    // InternalError is retryable: with the default retry strategy the second attempt completes.
    s3.emulator.faults.completeMultipartUploadErrorIn200 = 1
    s3.emulator.clearRequestLog()
    const done = await s3.s3.send(new CompleteMultipartUploadCommand(request))
    expect(done.ETag).toMatch(/-1"$/)
    expect(s3.emulator.requestLog.filter((entry) => entry.operation === 'CompleteMultipartUpload')).toHaveLength(2)
    expect(s3.emulator.faults.completeMultipartUploadErrorIn200).toBe(0)
  })
})
