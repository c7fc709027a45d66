/**
 * A bucket's keys in S3 listing order, kept incrementally: a sorted array plus a buffer of recent inserts
 * and a set of recent removals, merged in one linear pass when a listing needs the order (or the buffer
 * grows). Listings then binary-search their start and walk forward, so a page costs O(log n + page).
 */
import { compareKeys } from './keys'

const MERGE_THRESHOLD = 4096

export class KeyIndex {
  private sorted: string[] = []
  private pending: string[] = []
  /** Keys removed since the last merge; they may still sit in `sorted` or `pending`. */
  private removed = new Set<string>()

  /** Records a key that was not in the index. */
  add(key: string): void {
    // A key removed and re-added before a merge is still in one of the arrays: just forget the removal.
    if (this.removed.delete(key)) return
    this.pending.push(key)
    if (this.pending.length >= MERGE_THRESHOLD) this.merge()
  }

  /** Records that a key that was in the index is gone. */
  remove(key: string): void {
    this.removed.add(key)
    if (this.removed.size >= MERGE_THRESHOLD) this.merge()
  }

  /** The keys in order; the returned array is valid until the next add/remove. */
  keys(): readonly string[] {
    if (this.pending.length > 0 || this.removed.size > 0) this.merge()
    return this.sorted
  }

  private merge(): void {
    const removed = this.removed
    const incoming = this.pending.filter((key) => !removed.has(key)).sort(compareKeys)
    const current = this.sorted
    const out: string[] = new Array(current.length + incoming.length)
    let i = 0
    let j = 0
    let n = 0
    while (i < current.length || j < incoming.length) {
      let key: string
      if (j >= incoming.length) key = current[i++] as string
      else if (i >= current.length) key = incoming[j++] as string
      else if (compareKeys(current[i] as string, incoming[j] as string) <= 0) key = current[i++] as string
      else key = incoming[j++] as string
      if (!removed.has(key)) out[n++] = key
    }
    out.length = n
    this.sorted = out
    this.pending = []
    this.removed = new Set()
  }
}

/** First index whose key is ≥ `key` (or > when `exclusive`). */
export function lowerBound(keys: readonly string[], key: string, exclusive = false): number {
  let lo = 0
  let hi = keys.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    const c = compareKeys(keys[mid] as string, key)
    if (c < 0 || (exclusive && c === 0)) lo = mid + 1
    else hi = mid
  }
  return lo
}

/** First index at or after `from` whose key does not start with `prefix` (keys with a prefix are contiguous). */
export function endOfPrefix(keys: readonly string[], prefix: string, from: number): number {
  let lo = from
  let hi = keys.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if ((keys[mid] as string).startsWith(prefix)) lo = mid + 1
    else hi = mid
  }
  return lo
}
