/**
 * The scanned objects in columns, for re-evaluating what-if and lifecycle rules fast. What a rule reads
 * per row is its size, dates, class, flags and tag set, plus the key only to find a prefix — so keys are
 * kept front-coded (each key stores only the bytes after what it shares with the one before, with a full
 * key every 16 rows to binary-search on), dates as whole seconds in Uint32Arrays (S3's LastModified has
 * second precision), and the tag-set column exists only once an object has tags (listings have none).
 * About 23 bytes per object plus the unshared part of its key; columns grow by half, not double. `maxRows`
 * caps it and `truncated` says when rows were left out.
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

/** A full key every this many rows (the binary search's points). */
const RESTART_EVERY = 16
/** Shared prefixes are stored in one byte; a longer shared part is stored as suffix. */
const MAX_SHARED = 255

const encoder = new TextEncoder()
const decoder = new TextDecoder()

type Column = Float64Array | Uint32Array | Uint8Array

/** `array` with room for `length` items: the same one, or a copy half as large again. */
function grow<T extends Column>(array: T, length: number): T {
  if (array.length >= length) return array
  const next = new (array.constructor as new (n: number) => T)(Math.max(length, Math.ceil(array.length * 1.5)))
  next.set(array)
  return next
}

export class ObjectTable {
  rows = 0
  /** Objects offered after the table was full. */
  truncated = 0
  /** Rows arrive in key order (as ListObjectsV2 and ListObjectVersions return them). */
  sorted = true
  /** The keys' unshared bytes, row after row. Row i's are keyBytes[keyEnd[i-1] … keyEnd[i]). */
  keyBytes = new Uint8Array(1 << 16)
  keyEnd = new Uint32Array(1024)
  /** How many leading bytes row i's key shares with row i-1's (0 on every RESTART_EVERY-th row). */
  keyShared = new Uint8Array(1024)
  size = new Float64Array(1024)
  /** LastModified, in whole seconds since the epoch. */
  lastModifiedS = new Uint32Array(1024)
  /** When the row started counting its age for lifecycle (seconds): LastModified, or for a noncurrent version the time its successor was written. */
  sinceS = new Uint32Array(1024)
  classCode = new Uint8Array(1024)
  flags = new Uint8Array(1024)
  /** Tag-set id per row; empty until the first object with tags (rows past its end have none: id 0). */
  tagSet = new Uint32Array(0)
  readonly classNames: string[] = []
  readonly tagSets: Array<Readonly<Record<string, string>>> = [{}]
  private readonly classCodes = new Map<string, number>()
  private readonly tagSetIds = new Map<string, number>([['', 0]])
  /** The previous row's full key, and a buffer for the next one (swapped after each append). */
  private previous = new Uint8Array(1024)
  private previousLength = 0
  private next = new Uint8Array(1024)
  /** The last key rebuilt by keyInto (row and bytes), so walking rows in order costs one suffix each. */
  private cursorRow = -1
  private cursor = new Uint8Array(1024)
  private cursorLength = 0

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
    if (this.next.length < object.key.length * 3) this.next = new Uint8Array(object.key.length * 3)
    const length = encoder.encodeInto(object.key, this.next).written
    const key = this.next
    const prev = this.previous
    const prevLength = this.previousLength
    // Bytes shared with the previous key, and the order of the two.
    const common = Math.min(length, prevLength)
    let shared = 0
    while (shared < common && key[shared] === prev[shared]) shared++
    const order = i === 0 ? 1 : shared < common ? key[shared]! - prev[shared]! : length - prevLength
    if (order < 0) this.sorted = false
    const stored = i % RESTART_EVERY === 0 ? 0 : Math.min(shared, MAX_SHARED)

    const start = i === 0 ? 0 : this.keyEnd[i - 1]!
    this.keyBytes = grow(this.keyBytes, start + length - stored)
    this.keyBytes.set(key.subarray(stored, length), start)
    const n = i + 1
    this.keyEnd = grow(this.keyEnd, n)
    this.keyShared = grow(this.keyShared, n)
    this.size = grow(this.size, n)
    this.lastModifiedS = grow(this.lastModifiedS, n)
    this.sinceS = grow(this.sinceS, n)
    this.classCode = grow(this.classCode, n)
    this.flags = grow(this.flags, n)
    this.keyEnd[i] = start + length - stored
    this.keyShared[i] = stored

    const noncurrent = object.isLatest === false
    const modifiedS = Math.floor(object.lastModifiedMs / 1000)
    // Versions of a key are listed newest first: a noncurrent version became noncurrent when the row before it was written.
    const since = i > 0 && order === 0 && noncurrent ? this.lastModifiedS[i - 1]! : modifiedS
    this.size[i] = object.size
    this.lastModifiedS[i] = modifiedS
    this.sinceS[i] = since
    this.classCode[i] = this.codeOf(object.storageClass ?? 'STANDARD')
    this.flags[i] = (noncurrent ? FLAG_NONCURRENT : 0) | (object.deleteMarker ? FLAG_DELETE_MARKER : 0)
    const tagSet = this.tagSetOf(object.tags)
    if (tagSet !== 0 || this.tagSet.length > 0) {
      this.tagSet = grow(this.tagSet, Math.max(n, this.size.length))
      this.tagSet[i] = tagSet
    }
    this.previous = key
    this.previousLength = length
    this.next = prev
    this.rows = n
    return true
  }

  /** Rebuilds row i's key; returns the buffer holding it (valid until the next call) and its length. */
  private keyInto(i: number): { bytes: Uint8Array; length: number } {
    let row: number
    if (this.cursorRow >= 0 && this.cursorRow <= i && i - this.cursorRow < RESTART_EVERY) row = this.cursorRow
    else {
      row = i - (i % RESTART_EVERY)
      this.cursorLength = 0
      row--
    }
    while (row < i) {
      row++
      const start = row === 0 ? 0 : this.keyEnd[row - 1]!
      const end = this.keyEnd[row]!
      const shared = this.keyShared[row]!
      const length = shared + end - start
      if (this.cursor.length < length) {
        const bigger = new Uint8Array(length * 2)
        bigger.set(this.cursor.subarray(0, shared))
        this.cursor = bigger
      }
      this.cursor.set(this.keyBytes.subarray(start, end), shared)
      this.cursorLength = length
    }
    this.cursorRow = i
    return { bytes: this.cursor, length: this.cursorLength }
  }

  key(i: number): string {
    const { bytes, length } = this.keyInto(i)
    return decoder.decode(bytes.subarray(0, length))
  }

  /** The first row in [0, rows] whose key passes `test` (false then true along key order). */
  private firstRow(test: (key: Uint8Array, length: number) => boolean): number {
    // Binary search over the full keys of the restart rows, then a walk inside one block.
    const blocks = Math.ceil(this.rows / RESTART_EVERY)
    let lo = 0
    let hi = blocks
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      const { bytes, length } = this.keyInto(mid * RESTART_EVERY)
      if (test(bytes, length)) hi = mid
      else lo = mid + 1
    }
    // Block lo starts with a passing key (or lo is past the end): the answer is in block lo - 1 or at its end.
    const from = Math.max(0, (lo - 1) * RESTART_EVERY)
    const to = Math.min(this.rows, lo * RESTART_EVERY)
    for (let i = from; i < to; i++) {
      const { bytes, length } = this.keyInto(i)
      if (test(bytes, length)) return i
    }
    return to
  }

  /** Rows [from, to) whose keys start with `prefix` (all rows scanned when the table is not sorted). */
  prefixRange(prefix: string): { from: number; to: number; contiguous: boolean } {
    if (prefix === '') return { from: 0, to: this.rows, contiguous: true }
    if (!this.sorted) return { from: 0, to: this.rows, contiguous: false }
    const p = encoder.encode(prefix)
    const from = this.firstRow((key, length) => compareBytes(key, 0, length, p, 0, p.length) >= 0)
    // After the keys that start with the prefix: the first whose first |p| bytes sort after it.
    const to = this.firstRow((key, length) => compareBytes(key, 0, Math.min(length, p.length), p, 0, p.length) > 0)
    return { from, to: Math.max(from, to), contiguous: true }
  }

  hasPrefix(i: number, prefix: Uint8Array): boolean {
    const { bytes, length } = this.keyInto(i)
    if (length < prefix.length) return false
    for (let j = 0; j < prefix.length; j++) if (bytes[j] !== prefix[j]) return false
    return true
  }

  /** Retained bytes of the columns (for the memory figures). */
  byteSize(): number {
    return [
      this.keyBytes,
      this.keyEnd,
      this.keyShared,
      this.size,
      this.lastModifiedS,
      this.sinceS,
      this.classCode,
      this.flags,
      this.tagSet,
    ].reduce((sum, column) => sum + column.byteLength, 0)
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
