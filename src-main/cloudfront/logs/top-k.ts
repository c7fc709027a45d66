/**
 * Heavy hitters in bounded memory: the Space-Saving algorithm (Metwally et al., 2005) with batch
 * eviction. At most `capacity` keys are kept. When a new key arrives at a full table, every key at the
 * smallest count m goes at once (one O(capacity) scan, paid for by the many keys that entered at
 * m + 1 since the last scan), and new keys enter at m + 1 with an error of m.
 * Guarantees: for a kept key, count − error ≤ true count ≤ count; a key not kept was seen at most
 * `floor` times; any key seen more than total / capacity times is kept. With fewer distinct keys than
 * the capacity every count is exact.
 *
 * Summaries merge (Agarwal et al., "Mergeable summaries", 2012): a key missing from one side may have
 * been seen up to that side's floor times there, so it is counted at the floor with as much error; the
 * union is cut back to capacity by dropping every key at or below the largest dropped count, which
 * becomes the floor. The guarantees above hold for the merged table over both streams.
 */
import { ownCopy } from './own-string'

export interface TopEntry {
  key: string
  /** An upper bound of the true count (exact when error is 0). */
  count: number
  /** How much count may exceed the truth. */
  error: number
  /** Sum of the weights added while the key was kept (a lower bound of the true sum). */
  bytes: number
}

/** A TopK as plain data, for the per-file aggregates kept on disk. */
export interface TopKState {
  capacity: number
  floor: number
  total: number
  /** [key, count, error, bytes] */
  entries: Array<[string, number, number, number]>
}

export class TopK {
  private readonly entries = new Map<string, TopEntry>()
  /** Count of the keys last evicted: new keys may have been seen that often before. */
  private floor = 0
  total = 0

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error('capacity must be a positive integer')
  }

  add(key: string, bytes = 0): void {
    this.total++
    const entry = this.entries.get(key)
    if (entry) {
      entry.count++
      entry.bytes += bytes
      return
    }
    if (this.entries.size >= this.capacity) this.evictSmallest()
    const own = ownCopy(key)
    this.entries.set(own, { key: own, count: this.floor + 1, error: this.floor, bytes })
  }

  private evictSmallest(): void {
    let min = Infinity
    for (const entry of this.entries.values()) if (entry.count < min) min = entry.count
    for (const [key, entry] of this.entries) if (entry.count === min) this.entries.delete(key)
    this.floor = min
  }

  /** Adds another summary (of another stream) into this one; `other` is left as it was. */
  merge(other: TopK): void {
    const merged = new Map<string, TopEntry>()
    for (const entry of this.entries.values()) {
      const theirs = other.entries.get(entry.key)
      merged.set(entry.key, {
        key: entry.key,
        count: entry.count + (theirs ? theirs.count : other.floor),
        error: entry.error + (theirs ? theirs.error : other.floor),
        bytes: entry.bytes + (theirs?.bytes ?? 0),
      })
    }
    for (const entry of other.entries.values()) {
      if (merged.has(entry.key)) continue
      merged.set(entry.key, { key: entry.key, count: entry.count + this.floor, error: entry.error + this.floor, bytes: entry.bytes })
    }
    let floor = this.floor + other.floor
    if (merged.size > this.capacity) {
      // Keep the `capacity` largest; everything at or below the largest count left out goes too, so
      // every kept count stays above the floor (new keys enter at floor + 1).
      const counts = Float64Array.from(merged.values(), (entry) => entry.count).sort()
      const cut = counts[counts.length - 1 - this.capacity]!
      for (const [key, entry] of merged) if (entry.count <= cut) merged.delete(key)
      floor = Math.max(floor, cut)
    }
    this.entries.clear()
    for (const [key, entry] of merged) this.entries.set(key, entry)
    this.floor = floor
    this.total += other.total
  }

  toState(): TopKState {
    return {
      capacity: this.capacity,
      floor: this.floor,
      total: this.total,
      entries: [...this.entries.values()].map((entry) => [entry.key, entry.count, entry.error, entry.bytes]),
    }
  }

  static fromState(state: TopKState): TopK {
    const top = new TopK(state.capacity)
    top.floor = state.floor
    top.total = state.total
    for (const [key, count, error, bytes] of state.entries) top.entries.set(key, { key, count, error, bytes })
    return top
  }

  /** Whether every count is exact (no key was ever evicted). */
  get exact(): boolean {
    return this.floor === 0
  }

  get size(): number {
    return this.entries.size
  }

  /** The `k` largest, by count then key. */
  top(k: number): TopEntry[] {
    return [...this.entries.values()]
      .sort((a, b) => b.count - a.count || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
      .slice(0, k)
      .map((entry) => ({ ...entry }))
  }
}
