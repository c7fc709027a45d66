/**
 * S3's additional checksums: incremental hashing while bodies stream, CRC combination for full-object
 * multipart checksums (so completing never re-reads data), and composite checksums of checksums.
 */
import { createHash } from 'node:crypto'
import { crc32 } from 'node:zlib'
import { Crc32c, Crc64Nvme } from '@aws-sdk/checksums/crc'
import type { ChecksumAlgorithm } from './model'
import { CHECKSUM_ALGORITHMS } from './model'

export interface Hasher {
  update(chunk: Uint8Array): void
  digest(): Promise<Buffer>
}

class Crc32Hasher implements Hasher {
  private crc = 0
  update(chunk: Uint8Array): void {
    this.crc = crc32(chunk, this.crc)
  }
  async digest(): Promise<Buffer> {
    const out = Buffer.alloc(4)
    out.writeUInt32BE(this.crc >>> 0)
    return out
  }
}

class NodeHasher implements Hasher {
  private readonly hash
  constructor(algorithm: 'sha1' | 'sha256' | 'md5') {
    this.hash = createHash(algorithm)
  }
  update(chunk: Uint8Array): void {
    this.hash.update(chunk)
  }
  async digest(): Promise<Buffer> {
    return this.hash.digest()
  }
}

class SmithyHasher implements Hasher {
  constructor(private readonly checksum: { update(data: Uint8Array): void; digest(): Promise<Uint8Array> }) {}
  update(chunk: Uint8Array): void {
    this.checksum.update(chunk)
  }
  async digest(): Promise<Buffer> {
    return Buffer.from(await this.checksum.digest())
  }
}

export function createHasher(algorithm: ChecksumAlgorithm): Hasher {
  switch (algorithm) {
    case 'CRC32':
      return new Crc32Hasher()
    case 'CRC32C':
      return new SmithyHasher(new Crc32c())
    case 'CRC64NVME':
      return new SmithyHasher(new Crc64Nvme())
    case 'SHA1':
      return new NodeHasher('sha1')
    case 'SHA256':
      return new NodeHasher('sha256')
  }
}

export async function checksumOf(algorithm: ChecksumAlgorithm, data: Uint8Array): Promise<Buffer> {
  const hasher = createHasher(algorithm)
  hasher.update(data)
  return hasher.digest()
}

const DIGEST_BYTES: Record<ChecksumAlgorithm, number> = { CRC32: 4, CRC32C: 4, CRC64NVME: 8, SHA1: 20, SHA256: 32 }

/** Whether a header value is the base64 of a checksum of the right length for its algorithm. */
export function isValidChecksumValue(algorithm: ChecksumAlgorithm, value: string): boolean {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(value)) return false
  return Buffer.from(value, 'base64').length === DIGEST_BYTES[algorithm] && Buffer.from(value, 'base64').toString('base64') === value
}

export function checksumHeaderName(algorithm: ChecksumAlgorithm): string {
  return `x-amz-checksum-${algorithm.toLowerCase()}`
}

/** The XML element S3 uses for a checksum, e.g. ChecksumCRC64NVME. */
export function checksumElementName(algorithm: ChecksumAlgorithm): string {
  return `Checksum${algorithm}`
}

export function parseChecksumAlgorithm(text: string | undefined): ChecksumAlgorithm | undefined {
  const upper = text?.toUpperCase()
  return CHECKSUM_ALGORITHMS.find((algorithm) => algorithm === upper)
}

/** `base64(hash(concat(raw part checksums)))`, the composite checksum without its `-N` suffix. */
export async function compositeChecksum(algorithm: ChecksumAlgorithm, partChecksums: string[]): Promise<string> {
  const hasher = createHasher(algorithm)
  for (const value of partChecksums) hasher.update(Buffer.from(value, 'base64'))
  return (await hasher.digest()).toString('base64')
}

// CRC combination, after zlib's crc32_combine: crc(A‖B) = crc(A)·x^(8·len(B)) mod P ⊕ crc(B), computed in
// GF(2) with the reflected polynomial. Valid for every CRC with init = xorout = all ones, which covers
// CRC32, CRC32C and CRC64NVME.

const POLY32: Record<'CRC32' | 'CRC32C', number> = { CRC32: 0xedb88320, CRC32C: 0x82f63b78 }
const POLY64 = 0x9a6c9329ac4bc9b5n

function multModP32(a: number, b: number, poly: number): number {
  let m = 0x80000000
  let p = 0
  for (;;) {
    if (a & m) {
      p ^= b
      if ((a & (m - 1)) === 0) break
    }
    m >>>= 1
    b = b & 1 ? (b >>> 1) ^ poly : b >>> 1
  }
  return p >>> 0
}

function multModP64(a: bigint, b: bigint): bigint {
  let m = 1n << 63n
  let p = 0n
  for (;;) {
    if (a & m) {
      p ^= b
      if ((a & (m - 1n)) === 0n) break
    }
    m >>= 1n
    b = b & 1n ? (b >> 1n) ^ POLY64 : b >> 1n
  }
  return p
}

/** x^(2^k) mod P for k = 0..63, enough for any byte length a JS number can hold. */
const powerTables32 = new Map<number, number[]>()
let powerTable64: bigint[] | undefined

function powers32(poly: number): number[] {
  let table = powerTables32.get(poly)
  if (!table) {
    table = [0x40000000]
    for (let k = 1; k < 64; k++) table.push(multModP32(table[k - 1] as number, table[k - 1] as number, poly))
    powerTables32.set(poly, table)
  }
  return table
}

function powers64(): bigint[] {
  if (!powerTable64) {
    const table = [1n << 62n]
    for (let k = 1; k < 64; k++) table.push(multModP64(table[k - 1] as bigint, table[k - 1] as bigint))
    powerTable64 = table
  }
  return powerTable64
}

/** Combines crc(A) and crc(B) into crc(A‖B), given B's length in bytes. Values are raw big-endian bytes. */
export function combineCrc(algorithm: 'CRC32' | 'CRC32C' | 'CRC64NVME', crcA: Buffer, crcB: Buffer, lengthB: number): Buffer {
  if (algorithm === 'CRC64NVME') {
    const table = powers64()
    let op = 1n << 63n
    for (let n = lengthB, k = 3; n > 0; n = Math.floor(n / 2), k++) {
      if (n % 2 === 1) op = multModP64(table[k] as bigint, op)
    }
    const out = Buffer.alloc(8)
    out.writeBigUInt64BE(multModP64(op, crcA.readBigUInt64BE()) ^ crcB.readBigUInt64BE())
    return out
  }
  const poly = POLY32[algorithm]
  const table = powers32(poly)
  let op = 0x80000000
  for (let n = lengthB, k = 3; n > 0; n = Math.floor(n / 2), k++) {
    if (n % 2 === 1) op = multModP32(table[k] as number, op, poly)
  }
  const out = Buffer.alloc(4)
  out.writeUInt32BE((multModP32(op, crcA.readUInt32BE(), poly) ^ crcB.readUInt32BE()) >>> 0)
  return out
}

export function isCrc(algorithm: ChecksumAlgorithm): algorithm is 'CRC32' | 'CRC32C' | 'CRC64NVME' {
  return algorithm === 'CRC32' || algorithm === 'CRC32C' || algorithm === 'CRC64NVME'
}
