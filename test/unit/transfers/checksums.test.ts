import { createHash, randomBytes } from 'node:crypto'
import { crc32 } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { Crc32c } from '@aws-sdk/checksums/crc'
import { combineCrc as emulatorCombine } from '../../../src-main/sandbox/s3/checksums'
import {
  combineCrc,
  combineCrcs,
  compositeOf,
  crc32c,
  crc32Of,
  createHasher,
  multipartEtag,
  type CrcAlgorithm,
} from '../../../src-main/transfers/checksums'

const digest = async (algorithm: CrcAlgorithm, data: Uint8Array) => {
  const hasher = createHasher(algorithm)
  hasher.update(data)
  return hasher.digest()
}

describe('crc32c', () => {
  it('matches the Castagnoli check value and the SDK implementation', async () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283)
    for (const length of [0, 1, 3, 7, 8, 9, 63, 64, 65, 4097, 100_003]) {
      const data = randomBytes(length + 3)
      // Unaligned views exercise the byte-wise head and tail around the word loop.
      for (const offset of [0, 1, 2, 3]) {
        const view = data.subarray(offset, offset + length)
        const sdk = new Crc32c()
        sdk.update(view)
        expect(crc32c(view)).toBe(Buffer.from(await sdk.digest()).readUInt32BE())
      }
    }
  })

  it('continues from a previous value like zlib.crc32', () => {
    const data = randomBytes(10_000)
    expect(crc32c(data.subarray(5_001), crc32c(data.subarray(0, 5_001)))).toBe(crc32c(data))
  })
})

describe('CRC combination', () => {
  it.each(['CRC32', 'CRC32C', 'CRC64NVME'] as const)('%s of A‖B from crc(A), crc(B) and len(B)', async (algorithm) => {
    const data = randomBytes(3 * 1024 * 1024 + 11)
    for (const cut of [0, 1, 1024, 1024 * 1024, data.length - 1, data.length]) {
      const a = data.subarray(0, cut)
      const b = data.subarray(cut)
      const combined = combineCrc(algorithm, await digest(algorithm, a), await digest(algorithm, b), b.length)
      expect(combined.equals(await digest(algorithm, data))).toBe(true)
      // The emulator's combination is an independent implementation: both must agree.
      expect(emulatorCombine(algorithm, await digest(algorithm, a), await digest(algorithm, b), b.length).equals(combined)).toBe(true)
    }
  })

  it('combines many pieces in order into the full-object CRC', async () => {
    const data = randomBytes(2_000_003)
    const pieces = [0, 700_000, 1_400_000, 2_000_003].slice(1).map((end, index, ends) => {
      const start = index === 0 ? 0 : (ends[index - 1] as number)
      return { crc: crc32Of('CRC32', data.subarray(start, end)), lengthBytes: end - start }
    })
    expect(combineCrcs('CRC32', pieces).readUInt32BE()).toBe(crc32(data))
    expect(combineCrcs('CRC32', []).readUInt32BE()).toBe(crc32(Buffer.alloc(0)))
  })
})

describe('composite and multipart ETag', () => {
  it('computes S3 composite checksums and multipart ETags from the parts', async () => {
    const parts = [randomBytes(1000), randomBytes(2000)]
    const partCrcs = parts.map((part) => crc32Of('CRC32', part))
    const expected = createHash('sha256') // any hash: the composite is hash(concat(raw part checksums))
    expect((await compositeOf('SHA256', partCrcs)).equals(expected.update(Buffer.concat(partCrcs)).digest())).toBe(true)
    const md5s = parts.map((part) => createHash('md5').update(part).digest('hex'))
    const etag = createHash('md5')
      .update(Buffer.concat(md5s.map((hex) => Buffer.from(hex, 'hex'))))
      .digest('hex')
    expect(multipartEtag(md5s)).toBe(`${etag}-2`)
  })
})
