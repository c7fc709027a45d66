/**
 * Upload and download through the engine against the real emulator, asserting what the server received and
 * stored, not what the engine says about itself.
 */
import { createHash } from 'node:crypto'
import { open } from 'node:fs/promises'
import path from 'node:path'
import { crc32 } from 'node:zlib'
import { CompleteMultipartUploadCommand, CreateMultipartUploadCommand, PutObjectCommand, UploadPartCommand } from '@aws-sdk/client-s3'
import { downloadRangeBytes } from '../../../src-main/transfers/range-plan'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { crc32c } from '../../../src-main/transfers/checksums'
import { MiB } from '../../../src-main/transfers/config'
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

/** CRC of a byte range read straight from the file, independent of the engine's reading and checksum code. */
async function rangeCrc(filePath: string, offset: number, length: number, algorithm: 'CRC32' | 'CRC32C'): Promise<string> {
  const handle = await open(filePath, 'r')
  try {
    const data = Buffer.alloc(length)
    await handle.read(data, 0, length, offset)
    const value = algorithm === 'CRC32' ? crc32(data) : crc32c(data)
    const out = Buffer.alloc(4)
    out.writeUInt32BE(value)
    return out.toString('base64')
  } finally {
    await handle.close()
  }
}

describe('upload → download round trips', () => {
  const partSize = 5 * MiB
  const cases: Array<[string, number, 'CRC32' | 'CRC32C']> = [
    ['0 B', 0, 'CRC32'],
    ['1 B', 1, 'CRC32C'],
    ['exactly 5 MiB', 5 * MiB, 'CRC32'],
    ['5 MiB + 1', 5 * MiB + 1, 'CRC32C'],
    ['~300 MiB', 300 * MiB + 12_345, 'CRC32'],
  ]

  it.each(cases)(
    '%s (%i bytes) with %s',
    async (name, size, algorithm) => {
      const engine = testEngine(s3, { partSizeBytes: partSize, multipartThresholdBytes: 5 * MiB, checksumAlgorithm: algorithm })
      const source = path.join(s3.dir, 'src', `${name}.bin`)
      const sourceSha = await writeRandomFile(source, size)
      const key = `roundtrip/${name}`
      const multipart = size >= 5 * MiB
      const partCount = Math.max(1, Math.ceil(size / partSize))
      // The server's view of the parts at the instant the engine starts completing (nothing sent yet for Complete).
      let partsBeforeComplete: ReturnType<TestS3['emulator']['store']['listParts']> | undefined
      engine.subscribe({
        onProgress: (snapshot) => {
          if (snapshot.kind !== 'upload' || snapshot.state !== 'verifying' || partsBeforeComplete) return
          const upload = s3.emulator.store.listUploads(BUCKET).find((u) => u.key === key)
          if (upload) partsBeforeComplete = s3.emulator.store.listParts(BUCKET, upload.uploadId)
        },
      })

      s3.emulator.clearRequestLog()
      const uploaded = await finished(engine, engine.upload({ profileId: 'test', bucket: BUCKET, key, filePath: source }))
      expect(uploaded.state).toBe('done')
      expect(uploaded.bytesDone).toBe(size)
      expect(uploaded.checksum).toMatchObject({ algorithm, type: 'FULL_OBJECT', verified: true })

      const sequence = requestSequence(s3)
      if (multipart) {
        expect(sequence[0]).toBe('CreateMultipartUpload:200')
        const parts = sequence.slice(1, 1 + partCount)
        expect(parts.map((p) => Number(/#(\d+)/.exec(p)?.[1])).sort((a, b) => a - b)).toEqual(
          Array.from({ length: partCount }, (_, i) => i + 1),
        )
        expect(parts.every((p) => p.startsWith('UploadPart#') && p.endsWith(':200'))).toBe(true)
        expect(sequence.slice(1 + partCount)).toEqual(['CompleteMultipartUpload:200', 'HeadObject:200'])
        expect(partsBeforeComplete).toHaveLength(partCount)
        for (const part of partsBeforeComplete ?? []) {
          const offset = (part.partNumber - 1) * partSize
          expect(part.checksum).toEqual({ algorithm, value: await rangeCrc(source, offset, Math.min(partSize, size - offset), algorithm) })
        }
      } else {
        expect(sequence).toEqual(['PutObject:200'])
      }
      const stored = s3.emulator.store.getObjectRecord(BUCKET, key)
      expect(stored?.size).toBe(size)
      expect(stored?.checksum).toEqual({ algorithm, type: 'FULL_OBJECT', value: uploaded.checksum?.value })
      if (!multipart) expect(uploaded.checksum?.value).toBe(await rangeCrc(source, 0, size, algorithm))

      s3.emulator.clearRequestLog()
      const destination = path.join(s3.dir, 'dst', `${name}.bin`)
      const downloaded = await finished(engine, engine.download({ profileId: 'test', bucket: BUCKET, key, destinationPath: destination }))
      expect(downloaded.state).toBe('done')
      expect(downloaded.bytesDone).toBe(size)
      expect(downloaded.checksum).toMatchObject({ algorithm, type: 'FULL_OBJECT', value: uploaded.checksum?.value, verified: true })
      expect(await sha256File(destination)).toBe(sourceSha)
      const gets = requestSequence(s3)
      expect(gets[0]).toBe('HeadObject:200')
      // Downloads ask for ranges of their own size (larger than parts for big objects): one GET per range.
      const ranges = size === 0 ? 0 : Math.ceil(size / downloadRangeBytes(size, engine.settings))
      expect(gets.slice(1)).toEqual(Array.from({ length: ranges }, () => 'GetObject:206'))
      await engine.close()
    },
    120_000,
  )
})

describe('downloads of objects other tools made', () => {
  it('verifies a COMPOSITE multipart object part by part (GetObjectAttributes) and its checksum of checksums', async () => {
    const client = s3.client()
    const key = 'made-elsewhere/composite-sha256'
    const parts = [Buffer.alloc(5 * MiB, 1), Buffer.alloc(5 * MiB, 2), Buffer.from('tail')]
    const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: key, ChecksumAlgorithm: 'SHA256' }))
    const done = []
    for (const [index, body] of parts.entries()) {
      const out = await client.send(
        new UploadPartCommand({ Bucket: BUCKET, Key: key, UploadId, PartNumber: index + 1, Body: body, ChecksumAlgorithm: 'SHA256' }),
      )
      done.push({ PartNumber: index + 1, ETag: out.ETag, ChecksumSHA256: out.ChecksumSHA256 })
    }
    await client.send(new CompleteMultipartUploadCommand({ Bucket: BUCKET, Key: key, UploadId, MultipartUpload: { Parts: done } }))

    // A small part size splits nothing here: SHA parts cannot be combined, so each part is one range.
    const engine = testEngine(s3, { partSizeBytes: 5 * MiB })
    const destination = path.join(s3.dir, 'dst', 'composite.bin')
    s3.emulator.clearRequestLog()
    const snapshot = await finished(engine, engine.download({ profileId: 'test', bucket: BUCKET, key, destinationPath: destination }))
    expect(snapshot.state).toBe('done')
    expect(snapshot.checksum).toMatchObject({ algorithm: 'SHA256', type: 'COMPOSITE', verified: true })
    expect(snapshot.checksum?.value).toMatch(/-3$/)
    expect(requestSequence(s3)).toEqual(['HeadObject:200', 'GetObjectAttributes:200', 'GetObject:206', 'GetObject:206', 'GetObject:206'])
    expect(await sha256File(destination)).toBe(createHash('sha256').update(Buffer.concat(parts)).digest('hex'))
    await engine.close()
  })

  it('verifies an object S3 checksummed itself (CRC64NVME by default)', async () => {
    const client = s3.client()
    const key = 'made-elsewhere/plain-put'
    const body = Buffer.alloc(12 * MiB + 3, 7)
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }))
    const engine = testEngine(s3, { partSizeBytes: 5 * MiB })
    const snapshot = await finished(
      engine,
      engine.download({ profileId: 'test', bucket: BUCKET, key, destinationPath: path.join(s3.dir, 'dst', 'plain.bin') }),
    )
    expect(snapshot.state).toBe('done')
    expect(snapshot.checksum?.verified).toBe(true)
    expect(snapshot.checksum?.type).toBe('FULL_OBJECT')
    expect(snapshot.partsTotal).toBe(3)
    await engine.close()
  })
})
