/**
 * The emulator's building blocks on their own: UTF-8 key order, the incremental key index, CRC
 * combination, composite checksums and the aws-chunked decoder.
 */
import { createHash, randomBytes } from 'node:crypto'
import { Readable } from 'node:stream'
import { crc32 } from 'node:zlib'
import { Crc32c, Crc64Nvme } from '@aws-sdk/checksums/crc'
import { describe, expect, it } from 'vitest'
import { AwsChunkedDecoder } from '../../../../src-main/sandbox/s3/chunked'
import { combineCrc, compositeChecksum, isValidChecksumValue } from '../../../../src-main/sandbox/s3/checksums'
import { KeyIndex, endOfPrefix, lowerBound } from '../../../../src-main/sandbox/s3/keyindex'
import { bucketNameProblem, compareKeys, listingEncode } from '../../../../src-main/sandbox/s3/keys'

const byBytes = (a: string, b: string) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'))
const ALPHABET = ['a', 'b', '/', ' ', '~', 'é', '한', '\uD7FF', '\uE000', '\uFFFD', '\uFFFF', '😀', '🎉', '\u{10FFFF}', '\u0000']

function randomKey(rand: () => number): string {
  let key = ''
  const length = 1 + Math.floor(rand() * 6)
  for (let i = 0; i < length; i++) key += ALPHABET[Math.floor(rand() * ALPHABET.length)]
  return key
}

function seeded(seed: number): () => number {
  let state = seed
  return () => {
    state = (state * 1103515245 + 12345) & 0x7fffffff
    return state / 0x80000000
  }
}

describe('compareKeys', () => {
  it('orders keys exactly like their UTF-8 bytes', () => {
    const rand = seeded(7)
    const keys = Array.from({ length: 5000 }, () => randomKey(rand))
    expect([...keys].sort(compareKeys)).toEqual([...keys].sort(byBytes))
  })

  it('puts U+FFFD before an emoji, unlike UTF-16 order', () => {
    expect('\uFFFD' > '😀').toBe(true)
    expect(compareKeys('\uFFFD', '😀')).toBeLessThan(0)
    expect(compareKeys('\uE000', '\uD7FF')).toBeGreaterThan(0)
    expect(compareKeys('abc', 'abc')).toBe(0)
    expect(compareKeys('ab', 'abc')).toBeLessThan(0)
  })
})

describe('KeyIndex', () => {
  it('stays equal to a sorted set under random inserts and removals', () => {
    const rand = seeded(11)
    const index = new KeyIndex()
    const reference = new Set<string>()
    for (let step = 0; step < 20_000; step++) {
      const key = randomKey(rand)
      if (reference.has(key) && rand() < 0.5) {
        reference.delete(key)
        index.remove(key)
      } else if (!reference.has(key)) {
        reference.add(key)
        index.add(key)
      }
      if (step % 997 === 0) expect(index.keys()).toEqual([...reference].sort(byBytes))
    }
    expect(index.keys()).toEqual([...reference].sort(byBytes))
  })

  it('finds start points and prefix ends by binary search', () => {
    const keys = ['a', 'b/1', 'b/2', 'b/3', 'c', '😀'].sort(compareKeys)
    expect(lowerBound(keys, 'b/')).toBe(1)
    expect(lowerBound(keys, 'b/2', true)).toBe(3)
    expect(endOfPrefix(keys, 'b/', 1)).toBe(4)
    expect(lowerBound(keys, '\uFFFD')).toBe(5)
  })
})

const be32 = (n: number) => {
  const out = Buffer.alloc(4)
  out.writeUInt32BE(n >>> 0)
  return out
}
async function digest(Ctor: new () => { update(d: Uint8Array): void; digest(): Promise<Uint8Array> }, data: Buffer) {
  const c = new Ctor()
  c.update(data)
  return Buffer.from(await c.digest())
}

describe('CRC combination', () => {
  it('gives the CRC of the concatenation for CRC32, CRC32C and CRC64NVME', async () => {
    for (const [a, b] of [
      [0, 0],
      [1, 0],
      [0, 5],
      [7, 13],
      [4096, 1],
      [70_001, 65_536],
      [1 << 20, (1 << 20) + 3],
    ] as const) {
      const left = randomBytes(a)
      const right = randomBytes(b)
      const whole = Buffer.concat([left, right])
      expect(combineCrc('CRC32', be32(crc32(left)), be32(crc32(right)), b)).toEqual(be32(crc32(whole)))
      expect(combineCrc('CRC32C', await digest(Crc32c, left), await digest(Crc32c, right), b)).toEqual(await digest(Crc32c, whole))
      expect(combineCrc('CRC64NVME', await digest(Crc64Nvme, left), await digest(Crc64Nvme, right), b)).toEqual(
        await digest(Crc64Nvme, whole),
      )
    }
  })

  it('builds composite checksums from raw part checksums', async () => {
    const parts = [randomBytes(100), randomBytes(50)].map((p) => createHash('sha1').update(p).digest())
    const expected = createHash('sha1').update(Buffer.concat(parts)).digest('base64')
    expect(
      await compositeChecksum(
        'SHA1',
        parts.map((p) => p.toString('base64')),
      ),
    ).toBe(expected)
    expect(isValidChecksumValue('CRC32', 'AAAAAA==')).toBe(true)
    expect(isValidChecksumValue('CRC32', 'AAAAAAAA')).toBe(false)
    expect(isValidChecksumValue('SHA256', createHash('sha256').digest('base64'))).toBe(true)
  })
})

describe('names and encodings', () => {
  it('applies the bucket naming rules', () => {
    for (const good of ['abc', 'my.bucket-1', 'a'.repeat(63)]) expect(bucketNameProblem(good), good).toBeNull()
    for (const bad of ['ab', 'ABC', 'a_b', '.abc', 'abc-', 'a..b', '10.0.0.1', 'xn--abc', 'abc-s3alias', 'abc--ol-s3', 'sthree-x']) {
      expect(bucketNameProblem(bad), bad).not.toBeNull()
    }
  })

  it('URL-encodes listing values like S3 (space as +, slash kept)', () => {
    expect(listingEncode('a b+c/100%/한')).toBe('a+b%2Bc/100%25/%ED%95%9C')
  })
})

async function decode(body: Buffer, chunkSize: number): Promise<{ data: Buffer; decoder: AwsChunkedDecoder }> {
  const decoder = new AwsChunkedDecoder(undefined, false)
  const pieces: Buffer[] = []
  for (let i = 0; i < body.length; i += chunkSize) pieces.push(body.subarray(i, i + chunkSize))
  const out: Buffer[] = []
  for await (const chunk of Readable.from(pieces).pipe(decoder)) out.push(chunk as Buffer)
  return { data: Buffer.concat(out), decoder }
}

describe('AwsChunkedDecoder', () => {
  const data = randomBytes(20_000)
  const trailer = `x-amz-checksum-crc32:${be32(crc32(data)).toString('base64')}`
  const body = Buffer.concat([
    Buffer.from('2000\r\n'),
    data.subarray(0, 0x2000),
    Buffer.from(`\r\n${(data.length - 0x2000).toString(16)}\r\n`),
    data.subarray(0x2000),
    Buffer.from(`\r\n0\r\n${trailer}\r\n\r\n`),
  ])

  it('decodes the SDK’s unsigned trailer format however the bytes are split', async () => {
    for (const size of [1, 2, 7, 4096, body.length]) {
      const { data: decoded, decoder } = await decode(body, size)
      expect(decoded.equals(data), `split ${size}`).toBe(true)
      expect(decoder.trailers.get('x-amz-checksum-crc32')).toBe(trailer.split(':')[1])
      expect(decoder.bytesIn).toBe(body.length)
    }
  })

  it('fails on a truncated or malformed body', async () => {
    await expect(decode(body.subarray(0, body.length - 10), 100)).rejects.toMatchObject({ code: 'IncompleteBody' })
    await expect(decode(Buffer.from('zz\r\nabc\r\n0\r\n\r\n'), 100)).rejects.toMatchObject({ code: 'IncompleteBody' })
  })
})
