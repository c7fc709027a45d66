/**
 * The scanned objects in columns, for re-evaluating what-if and lifecycle rules fast: keys as one UTF-8
 * byte buffer with end offsets, sizes and dates as Float64Arrays, class, flags and tag set as small
 * integer codes (classes and tag sets interned). About 25 bytes per object plus its key, so 1,000,000
 * objects with 50-byte keys take ≈ 75 MB; `maxRows` caps it and `truncated` says when rows were left out.
 */

export interface TableObject {
  key: string
  size: number
  storageClass?: string
  lastModifiedMs: number
  /** Versioned listings: false for noncurrent versions. Undefined means current. */
  isLatest?: boolean
  deleteMarker?: boolean
  tags?: Readonly<Record<string, string>>
}

export const FLAG_NONCURRENT = 1
export const FLAG_DELETE_MARKER = 2

const encoder = new TextEncoder()
const decoder = new TextDecoder()

function grow<T extends Float64Array | Uint32Array | Uint8Array>(array: T, length: number): T {
  if (array.length >= length) return array
  const next = new (array.constructor as new (n: number) => T)(Math.max(length, array.length * 2))
  next.set(array)
  return next
}

export class ObjectTable {
  rows = 0
  /** Objects offered after the table was full. */
  truncated = 0
  /** Rows arrive in key order (as ListObjectsV2 and ListObjectVersions return them). */
  sorted = true
  keyBytes = new Uint8Array(1 << 16)
  /** Row i's key is keyBytes[keyEnd[i-1] … keyEnd[i]). */
  keyEnd = new Uint32Array(1024)
  size = new Float64Array(1024)
  lastModifiedMs = new Float64Array(1024)
  /** When the row started counting its age for lifecycle: LastModified, or for a noncurrent version the time its successor was written. */
  sinceMs = new Float64Array(1024)
  classCode = new Uint8Array(1024)
  flags = new Uint8Array(1024)
  tagSet = new Uint32Array(1024)
  readonly classNames: string[] = []
  readonly tagSets: Array<Readonly<Record<string, string>>> = [{}]
  private readonly classCodes = new Map<string, number>()
  private readonly tagSetIds = new Map<string, number>([['', 0]])

  constructor(readonly maxRows = 2_000_000) {}

  private codeOf(storageClass: string): number {
    let code = this.classCodes.get(storageClass)
    if (code === undefined) {
      if (this.classNames.length === 255) throw new RangeError('more than 255 distinct storage classes in one scan')
      code = this.classNames.push(storageClass) - 1
      this.classCodes.set(storageClass, code)
    }
    return code
  }

  private tagSetOf(tags: Readonly<Record<string, string>> | undefined): number {
    if (!tags) return 0
    const canonical = JSON.stringify(Object.entries(tags).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
    let id = this.tagSetIds.get(canonical === '[]' ? '' : canonical)
    if (id === undefined) {
      id = this.tagSets.push({ ...tags }) - 1
      this.tagSetIds.set(canonical, id)
    }
    return id
  }

  /** Appends one object or version; false (and counted in `truncated`) when the table is full. */
  append(object: TableObject): boolean {
    if (this.rows >= this.maxRows) {
      this.truncated++
      return false
    }
    const i = this.rows
    const start = i === 0 ? 0 : this.keyEnd[i - 1]!
    const maxKeyBytes = object.key.length * 3
    this.keyBytes = grow(this.keyBytes, start + maxKeyBytes)
    const { written } = encoder.encodeInto(object.key, this.keyBytes.subarray(start))
    const n = i + 1
    this.keyEnd = grow(this.keyEnd, n)
    this.size = grow(this.size, n)
    this.lastModifiedMs = grow(this.lastModifiedMs, n)
    this.sinceMs = grow(this.sinceMs, n)
    this.classCode = grow(this.classCode, n)
    this.flags = grow(this.flags, n)
    this.tagSet = grow(this.tagSet, n)
    this.keyEnd[i] = start + written
    const noncurrent = object.isLatest === false
    let since = object.lastModifiedMs
    if (i > 0) {
      const order = compareBytes(this.keyBytes, this.keyStart(i - 1), start, this.keyBytes, start, start + written)
      if (order > 0) this.sorted = false
      // Versions of a key are listed newest first: a noncurrent version became noncurrent when the row before it was written.
      if (order === 0 && noncurrent) since = this.lastModifiedMs[i - 1]!
    }
    this.size[i] = object.size
    this.lastModifiedMs[i] = object.lastModifiedMs
    this.sinceMs[i] = since
    this.classCode[i] = this.codeOf(object.storageClass ?? 'STANDARD')
    this.flags[i] = (noncurrent ? FLAG_NONCURRENT : 0) | (object.deleteMarker ? FLAG_DELETE_MARKER : 0)
    this.tagSet[i] = this.tagSetOf(object.tags)
    this.rows = n
    return true
  }

  keyStart(i: number): number {
    return i === 0 ? 0 : this.keyEnd[i - 1]!
  }

  key(i: number): string {
    return decoder.decode(this.keyBytes.subarray(this.keyStart(i), this.keyEnd[i]))
  }

  /** Rows [from, to) whose keys start with `prefix` (all rows scanned when the table is not sorted). */
  prefixRange(prefix: string): { from: number; to: number; contiguous: boolean } {
    if (prefix === '') return { from: 0, to: this.rows, contiguous: true }
    if (!this.sorted) return { from: 0, to: this.rows, contiguous: false }
    const p = encoder.encode(prefix)
    // First row whose key ≥ prefix, then first row whose key does not start with it.
    const lower = (test: (i: number) => boolean) => {
      let lo = 0
      let hi = this.rows
      while (lo < hi) {
        const mid = (lo + hi) >>> 1
        if (test(mid)) hi = mid
        else lo = mid + 1
      }
      return lo
    }
    const from = lower((i) => compareBytes(this.keyBytes, this.keyStart(i), this.keyEnd[i]!, p, 0, p.length) >= 0)
    const to = lower((i) => i >= from && !this.hasPrefix(i, p))
    return { from, to: Math.max(from, to), contiguous: true }
  }

  hasPrefix(i: number, prefix: Uint8Array): boolean {
    const start = this.keyStart(i)
    if (this.keyEnd[i]! - start < prefix.length) return false
    for (let j = 0; j < prefix.length; j++) if (this.keyBytes[start + j] !== prefix[j]) return false
    return true
  }

  /** Retained bytes of the columns (for the memory figures). */
  byteSize(): number {
    return (
      this.keyBytes.byteLength + this.keyEnd.byteLength + this.size.byteLength * 3 + this.classCode.byteLength * 2 + this.tagSet.byteLength
    )
  }
}

export function compareBytes(a: Uint8Array, aStart: number, aEnd: number, b: Uint8Array, bStart: number, bEnd: number): number {
  const n = Math.min(aEnd - aStart, bEnd - bStart)
  for (let j = 0; j < n; j++) {
    const d = a[aStart + j]! - b[bStart + j]!
    if (d !== 0) return d
  }
  return aEnd - aStart - (bEnd - bStart)
}

export const encodeKey = (key: string): Uint8Array => encoder.encode(key)
