/**
 * The S3 emulator through the real SDK: buckets, object round trips, ranges, conditional requests,
 * checksums and streaming (aws-chunked) uploads.
 */
import { createHash } from 'node:crypto'
import { mkdir, mkdtemp, open, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { crc32 } from 'node:zlib'
import {
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  GetBucketLocationCommand,
  GetObjectAttributesCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  PutObjectCommand,
  S3ServiceException,
} from '@aws-sdk/client-s3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { patterned, startS3, type RunningS3 } from '../../../helpers/sandbox-s3-harness'

let s3: RunningS3

beforeAll(async () => {
  s3 = await startS3()
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

const crc32Base64 = (data: Buffer) => {
  const out = Buffer.alloc(4)
  out.writeUInt32BE(crc32(data) >>> 0)
  return out.toString('base64')
}

describe('buckets', () => {
  it('creates, lists, heads, locates and deletes buckets', async () => {
    await s3.s3.send(new CreateBucketCommand({ Bucket: 'alpha-bucket' }))
    await s3.s3.send(new CreateBucketCommand({ Bucket: 'beta.bucket', CreateBucketConfiguration: { LocationConstraint: 'eu-west-2' } }))
    const listed = await s3.s3.send(new ListBucketsCommand({}))
    const names = listed.Buckets?.map((b) => b.Name)
    expect(names).toEqual(expect.arrayContaining(['alpha-bucket', 'beta.bucket']))
    expect(listed.Buckets?.find((b) => b.Name === 'beta.bucket')?.BucketRegion).toBe('eu-west-2')
    expect(listed.Owner?.ID).toMatch(/^[0-9a-f]{64}$/)

    const head = await s3.s3.send(new HeadBucketCommand({ Bucket: 'beta.bucket' }))
    expect(head.BucketRegion).toBe('eu-west-2')
    expect((await s3.s3.send(new GetBucketLocationCommand({ Bucket: 'beta.bucket' }))).LocationConstraint).toBe('eu-west-2')
    expect((await s3.s3.send(new GetBucketLocationCommand({ Bucket: 'alpha-bucket' }))).LocationConstraint).toBeUndefined()

    const again = await failure(s3.s3.send(new CreateBucketCommand({ Bucket: 'alpha-bucket' })))
    expect(again.name).toBe('BucketAlreadyOwnedByYou')
    expect(again.$metadata.httpStatusCode).toBe(409)

    await s3.s3.send(new PutObjectCommand({ Bucket: 'alpha-bucket', Key: 'x', Body: 'x' }))
    const notEmpty = await failure(s3.s3.send(new DeleteBucketCommand({ Bucket: 'alpha-bucket' })))
    expect(notEmpty.name).toBe('BucketNotEmpty')
    await s3.s3.send(new DeleteObjectCommand({ Bucket: 'alpha-bucket', Key: 'x' }))
    await s3.s3.send(new DeleteBucketCommand({ Bucket: 'alpha-bucket' }))
    const gone = await failure(s3.s3.send(new HeadBucketCommand({ Bucket: 'alpha-bucket' })))
    expect(gone.$metadata.httpStatusCode).toBe(404)
    expect((await failure(s3.s3.send(new DeleteBucketCommand({ Bucket: 'alpha-bucket' })))).name).toBe('NoSuchBucket')
  })

  it('paginates ListBuckets with max-buckets and a continuation token', async () => {
    for (const name of ['page-a', 'page-b', 'page-c']) await s3.s3.send(new CreateBucketCommand({ Bucket: name }))
    const first = await s3.s3.send(new ListBucketsCommand({ MaxBuckets: 2, Prefix: 'page-' }))
    expect(first.Buckets?.map((b) => b.Name)).toEqual(['page-a', 'page-b'])
    expect(first.ContinuationToken).toBeTruthy()
    const second = await s3.s3.send(new ListBucketsCommand({ MaxBuckets: 2, Prefix: 'page-', ContinuationToken: first.ContinuationToken }))
    expect(second.Buckets?.map((b) => b.Name)).toEqual(['page-c'])
    expect(second.ContinuationToken).toBeUndefined()
  })

  it('rejects names that break the bucket naming rules', async () => {
    // Sent raw: the SDK refuses some of these names before they reach a server.
    const bad = [
      'ab',
      'a'.repeat(64),
      'Upper-case',
      'has_underscore',
      '-starts-dash',
      'ends-dash-',
      'two..dots',
      '192.168.5.4',
      'xn--punycode',
      'name-s3alias',
      'name--ol-s3',
    ]
    for (const name of bad) {
      const error = await failure(s3.s3.send(new CreateBucketCommand({ Bucket: name })))
      expect(error.name, name).toBe('InvalidBucketName')
      expect(error.$metadata.httpStatusCode).toBe(400)
    }
    const usEast = await failure(
      s3.s3.send(
        new CreateBucketCommand({ Bucket: 'explicit-us-east-1', CreateBucketConfiguration: { LocationConstraint: 'us-east-1' as never } }),
      ),
    )
    expect(usEast.name).toBe('InvalidLocationConstraint')
  })
})

describe('objects', () => {
  const bucket = 'objects'
  beforeAll(async () => {
    await s3.s3.send(new CreateBucketCommand({ Bucket: bucket }))
  })

  it('round-trips body, metadata and representation headers', async () => {
    const put = await s3.s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: 'docs/readme.txt',
        Body: 'hello, sandbox',
        ContentType: 'text/plain; charset=utf-8',
        CacheControl: 'max-age=60',
        ContentDisposition: 'attachment; filename="readme.txt"',
        ContentLanguage: 'ko',
        Metadata: { owner: 'haneul', purpose: 'test' },
        Tagging: 'team=web&env=dev',
        StorageClass: 'STANDARD_IA',
      }),
    )
    const md5 = createHash('md5').update('hello, sandbox').digest('hex')
    expect(put.ETag).toBe(`"${md5}"`)
    expect(put.ChecksumCRC32).toBe(crc32Base64(Buffer.from('hello, sandbox')))

    const got = await s3.s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'docs/readme.txt' }))
    expect(await got.Body?.transformToString()).toBe('hello, sandbox')
    expect(got.ContentType).toBe('text/plain; charset=utf-8')
    expect(got.CacheControl).toBe('max-age=60')
    expect(got.ContentDisposition).toBe('attachment; filename="readme.txt"')
    expect(got.ContentLanguage).toBe('ko')
    expect(got.Metadata).toEqual({ owner: 'haneul', purpose: 'test' })
    expect(got.StorageClass).toBe('STANDARD_IA')
    expect(got.TagCount).toBe(2)
    expect(got.AcceptRanges).toBe('bytes')
    expect(got.ETag).toBe(`"${md5}"`)
    expect(got.$metadata.requestId).toMatch(/^[0-9A-F]{16}$/)

    const head = await s3.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'docs/readme.txt', ChecksumMode: 'ENABLED' }))
    expect(head.ContentLength).toBe(14)
    expect(head.ChecksumCRC32).toBe(crc32Base64(Buffer.from('hello, sandbox')))
    expect(head.ChecksumType).toBe('FULL_OBJECT')
    expect(head.LastModified?.getTime()).toBe(got.LastModified?.getTime())

    const plain = await s3.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'docs/readme.txt' }))
    expect(plain.ChecksumCRC32).toBeUndefined()

    const missing = await failure(s3.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'nope' })))
    expect(missing.$metadata.httpStatusCode).toBe(404)
    const missingGet = await failure(s3.s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'nope' })))
    expect(missingGet.name).toBe('NoSuchKey')
  })

  it('defaults the content type and omits the STANDARD storage class', async () => {
    // The SDK always sends a Content-Type, so the default shows on an object seeded without one.
    await s3.emulator.store.putObject(bucket, 'plain', Buffer.from([1, 2, 3]))
    const head = await s3.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'plain' }))
    expect(head.ContentType).toBe('binary/octet-stream')
    expect(head.StorageClass).toBeUndefined()
    expect(head.ServerSideEncryption).toBe('AES256')
    const badClass = await failure(
      s3.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'k', Body: 'x', StorageClass: 'EXPRESS_ONEZONE' })),
    )
    expect(badClass.name).toBe('InvalidStorageClass')
  })

  it('serves byte ranges and rejects unsatisfiable ones', async () => {
    const data = patterned(100_000)
    await s3.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'ranged.bin', Body: data }))
    const read = async (range: string) => {
      const out = await s3.s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'ranged.bin', Range: range }))
      return { bytes: Buffer.from(await out.Body!.transformToByteArray()), range: out.ContentRange, status: out.$metadata.httpStatusCode }
    }
    const mid = await read('bytes=1000-1999')
    expect(mid.status).toBe(206)
    expect(mid.range).toBe('bytes 1000-1999/100000')
    expect(mid.bytes.equals(data.subarray(1000, 2000))).toBe(true)
    expect((await read('bytes=99990-')).bytes.equals(data.subarray(99_990))).toBe(true)
    const suffix = await read('bytes=-10')
    expect(suffix.bytes.equals(data.subarray(99_990))).toBe(true)
    expect(suffix.range).toBe('bytes 99990-99999/100000')
    expect((await read('bytes=99000-200000')).range).toBe('bytes 99000-99999/100000')
    const bad = await failure(read('bytes=100000-100001'))
    expect(bad.name).toBe('InvalidRange')
    expect(bad.$metadata.httpStatusCode).toBe(416)
  })

  it('answers conditional GETs with S3 precedence', async () => {
    const put = await s3.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'cond', Body: 'v1' }))
    const head = await s3.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'cond' }))
    const modified = head.LastModified as Date
    const get = (extra: Record<string, unknown>) => s3.s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'cond', ...extra }))
    expect((await get({ IfMatch: put.ETag })).$metadata.httpStatusCode).toBe(200)
    expect((await failure(get({ IfMatch: '"0000"' }))).$metadata.httpStatusCode).toBe(412)
    expect((await failure(get({ IfNoneMatch: put.ETag }))).$metadata.httpStatusCode).toBe(304)
    expect((await failure(get({ IfModifiedSince: modified }))).$metadata.httpStatusCode).toBe(304)
    expect((await get({ IfModifiedSince: new Date(modified.getTime() - 5000) })).$metadata.httpStatusCode).toBe(200)
    expect((await failure(get({ IfUnmodifiedSince: new Date(modified.getTime() - 5000) }))).$metadata.httpStatusCode).toBe(412)
    // If-Match true wins over If-Unmodified-Since false; If-None-Match false wins over If-Modified-Since true.
    expect((await get({ IfMatch: put.ETag, IfUnmodifiedSince: new Date(modified.getTime() - 5000) })).$metadata.httpStatusCode).toBe(200)
    expect((await get({ IfNoneMatch: '"other"', IfModifiedSince: modified })).$metadata.httpStatusCode).toBe(200)
  })

  it('applies conditional writes and response header overrides', async () => {
    await s3.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'once', Body: 'first', IfNoneMatch: '*' }))
    const second = await failure(s3.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'once', Body: 'second', IfNoneMatch: '*' })))
    expect(second.name).toBe('PreconditionFailed')
    const wrongMatch = await failure(s3.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'once', Body: 'third', IfMatch: '"abc"' })))
    expect(wrongMatch.$metadata.httpStatusCode).toBe(412)
    expect(await s3.emulator.store.readObject(bucket, 'once')).toEqual(Buffer.from('first'))

    const got = await s3.s3.send(
      new GetObjectCommand({
        Bucket: bucket,
        Key: 'once',
        ResponseContentType: 'text/x-test',
        ResponseContentDisposition: 'inline',
        ResponseCacheControl: 'no-store',
      }),
    )
    expect(got.ContentType).toBe('text/x-test')
    expect(got.ContentDisposition).toBe('inline')
    expect(got.CacheControl).toBe('no-store')
  })

  it('verifies Content-MD5 and x-amz-checksum-* against the body', async () => {
    const wrongMd5 = await failure(
      s3.s3.send(
        new PutObjectCommand({ Bucket: bucket, Key: 'md5', Body: 'data', ContentMD5: createHash('md5').update('other').digest('base64') }),
      ),
    )
    expect(wrongMd5.name).toBe('BadDigest')
    const invalidMd5 = await failure(
      s3.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'md5', Body: 'data', ContentMD5: 'bm90LW1kNQ==' })),
    )
    expect(invalidMd5.name).toBe('InvalidDigest')
    const wrongCrc = await failure(
      s3.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'crc', Body: 'data', ChecksumCRC32: crc32Base64(Buffer.from('else')) })),
    )
    expect(wrongCrc.name).toBe('BadDigest')
    expect(wrongCrc.message).toBe('The CRC32 you specified did not match the calculated checksum.')
    expect(s3.emulator.store.getObjectRecord(bucket, 'crc')).toBeUndefined()

    for (const algorithm of ['CRC32C', 'CRC64NVME', 'SHA1', 'SHA256'] as const) {
      const put = await s3.s3.send(
        new PutObjectCommand({ Bucket: bucket, Key: `sum-${algorithm}`, Body: 'checksummed', ChecksumAlgorithm: algorithm }),
      )
      const head = await s3.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: `sum-${algorithm}`, ChecksumMode: 'ENABLED' }))
      const field = `Checksum${algorithm}` as const
      expect(head[field], algorithm).toBe(put[field])
      expect(s3.emulator.store.getObjectRecord(bucket, `sum-${algorithm}`)?.checksum?.value).toBe(put[field])
    }
    const sha = createHash('sha256').update('checksummed').digest('base64')
    expect(s3.emulator.store.getObjectRecord(bucket, 'sum-SHA256')?.checksum?.value).toBe(sha)
  })

  it('decodes the SDK default aws-chunked stream upload and stores its CRC32', async () => {
    const data = patterned(3 * 1024 * 1024 + 17, 7)
    const body = Readable.from([data.subarray(0, 1_000_000), data.subarray(1_000_000, 2_500_000), data.subarray(2_500_000)])
    s3.emulator.clearRequestLog()
    const put = await s3.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'streamed.bin', Body: body, ContentLength: data.length }))
    expect(put.ChecksumCRC32).toBe(crc32Base64(data))
    const record = s3.emulator.store.getObjectRecord(bucket, 'streamed.bin')
    expect(record?.size).toBe(data.length)
    expect(record?.checksum).toEqual({ algorithm: 'CRC32', type: 'FULL_OBJECT', value: crc32Base64(data) })
    expect(record?.contentEncoding).toBeUndefined()
    expect((await s3.emulator.store.readObject(bucket, 'streamed.bin')).equals(data)).toBe(true)
    const logged = s3.emulator.requestLog.find((entry) => entry.operation === 'PutObject')
    expect(logged?.bytesIn).toBeGreaterThan(data.length)
    const got = await s3.s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'streamed.bin', ChecksumMode: 'ENABLED' }))
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(data)).toBe(true)
  })

  it('enforces key and metadata limits', async () => {
    const tooLong = await failure(s3.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'k'.repeat(1025), Body: 'x' })))
    expect(tooLong.name).toBe('KeyTooLongError')
    const metadata = await failure(
      s3.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'meta', Body: 'x', Metadata: { big: 'v'.repeat(2100) } })),
    )
    expect(metadata.name).toBe('MetadataTooLarge')
  })

  it('copies objects with metadata and tagging directives, refusing a no-op self-copy', async () => {
    await s3.s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: 'src',
        Body: 'copy me',
        ContentType: 'text/plain',
        Metadata: { a: '1' },
        Tagging: 't=1',
      }),
    )
    const copied = await s3.s3.send(new CopyObjectCommand({ Bucket: bucket, Key: 'dst', CopySource: `${bucket}/src` }))
    expect(copied.CopyObjectResult?.ETag).toBe(`"${createHash('md5').update('copy me').digest('hex')}"`)
    const head = await s3.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'dst' }))
    expect(head.Metadata).toEqual({ a: '1' })
    expect(head.ContentType).toBe('text/plain')
    expect(head.TagCount).toBe(1)

    await s3.s3.send(
      new CopyObjectCommand({
        Bucket: bucket,
        Key: 'dst2',
        CopySource: `/${bucket}/src`,
        MetadataDirective: 'REPLACE',
        Metadata: { b: '2' },
        ContentType: 'text/x',
        TaggingDirective: 'REPLACE',
        Tagging: '',
      }),
    )
    const replaced = await s3.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'dst2' }))
    expect(replaced.Metadata).toEqual({ b: '2' })
    expect(replaced.ContentType).toBe('text/x')
    expect(replaced.TagCount).toBeUndefined()

    const self = await failure(s3.s3.send(new CopyObjectCommand({ Bucket: bucket, Key: 'src', CopySource: `${bucket}/src` })))
    expect(self.name).toBe('InvalidRequest')
    expect(self.message).toContain('copy an object to itself without changing')
    await s3.s3.send(new CopyObjectCommand({ Bucket: bucket, Key: 'src', CopySource: `${bucket}/src`, StorageClass: 'ONEZONE_IA' }))
    expect(s3.emulator.store.getObjectRecord(bucket, 'src')?.storageClass).toBe('ONEZONE_IA')

    const conditional = await failure(
      s3.s3.send(new CopyObjectCommand({ Bucket: bucket, Key: 'dst3', CopySource: `${bucket}/src`, CopySourceIfMatch: '"nope"' })),
    )
    expect(conditional.$metadata.httpStatusCode).toBe(412)
    const missing = await failure(s3.s3.send(new CopyObjectCommand({ Bucket: bucket, Key: 'dst3', CopySource: `${bucket}/absent` })))
    expect(missing.name).toBe('NoSuchKey')
  })

  it('refuses to copy sources larger than 5 GiB', async () => {
    // A data folder holding a sparse 5 GiB + 1 byte object, written in the emulator's own format.
    const dataDir = await mkdtemp(join(tmpdir(), 'haneul-s3-huge-'))
    const blobId = 'ab'.repeat(16)
    await mkdir(join(dataDir, 'blobs', 'ab'), { recursive: true })
    const handle = await open(join(dataDir, 'blobs', 'ab', blobId), 'w')
    await handle.truncate(5 * 1024 ** 3 + 1)
    await handle.close()
    const version = {
      key: 'huge',
      versionId: 'null',
      deleteMarker: false,
      lastModifiedMs: 1_700_000_000_000,
      size: 5 * 1024 ** 3 + 1,
      etag: '0'.repeat(32),
      storageClass: 'STANDARD',
      headers: {},
      metadata: {},
      tags: {},
      segments: [{ blobId, offset: 0, length: 5 * 1024 ** 3 + 1 }],
    }
    await writeFile(
      join(dataDir, 'journal.jsonl'),
      [
        { t: 'bucket', bucket: { name: 'big', region: 'us-east-1', createdMs: 0, versioning: 'Unversioned' } },
        { t: 'ver', b: 'big', v: version },
      ]
        .map((entry) => JSON.stringify(entry) + '\n')
        .join(''),
    )
    const big = await startS3({ dataDir })
    try {
      expect((await big.s3.send(new HeadObjectCommand({ Bucket: 'big', Key: 'huge' }))).ContentLength).toBe(5 * 1024 ** 3 + 1)
      const error = await failure(big.s3.send(new CopyObjectCommand({ Bucket: 'big', Key: 'huge-copy', CopySource: 'big/huge' })))
      expect(error.name).toBe('InvalidRequest')
      expect(error.message).toBe('The specified copy source is larger than the maximum allowable size for a copy source: 5368709120')
    } finally {
      await big.close()
    }
  })

  it('reports object attributes', async () => {
    await s3.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'attrs', Body: 'attributes', ChecksumAlgorithm: 'SHA256' }))
    const attrs = await s3.s3.send(
      new GetObjectAttributesCommand({
        Bucket: bucket,
        Key: 'attrs',
        ObjectAttributes: ['ETag', 'Checksum', 'StorageClass', 'ObjectSize'],
      }),
    )
    expect(attrs.ETag).toBe(createHash('md5').update('attributes').digest('hex'))
    expect(attrs.Checksum?.ChecksumSHA256).toBe(createHash('sha256').update('attributes').digest('base64'))
    expect(attrs.Checksum?.ChecksumType).toBe('FULL_OBJECT')
    expect(attrs.StorageClass).toBe('STANDARD')
    expect(attrs.ObjectSize).toBe(10)
    expect(attrs.ObjectParts).toBeUndefined()
  })

  it('answers unsupported operations with 501 NotImplemented', async () => {
    const response = await fetch(`${s3.endpoint}/${bucket}?cors`)
    expect(response.status).toBe(403)
    const { GetBucketCorsCommand } = await import('@aws-sdk/client-s3')
    const error = await failure(s3.s3.send(new GetBucketCorsCommand({ Bucket: bucket })))
    expect(error.name).toBe('NotImplemented')
    expect(error.$metadata.httpStatusCode).toBe(501)
  })
})
