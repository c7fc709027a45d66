/**
 * Heavy hitters in bounded memory: the Space-Saving algorithm (Metwally et al., 2005) with batch
 * eviction. At most `capacity` keys are kept. When a new key arrives at a full table, every key at the
 * smallest count m goes at once (one O(capacity) scan, paid for by the many keys that entered at
 * m + 1 since the last scan), and new keys enter at m + 1 with an error of m.
 * Guarantees: for a kept key, count − error ≤ true count ≤ count; any key seen more than
 * total / capacity times is kept. With fewer distinct keys than the capacity every count is exact.
 */

export interface TopEntry {
  key: string
  /** An upper bound of the true count (exact when error is 0). */
  count: number
  /** How much count may exceed the truth. */
  error: number
  /** Sum of the weights added while the key was kept (a lower bound of the true sum). */
  bytes: number
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
    this.entries.set(key, { key, count: this.floor + 1, error: this.floor, bytes })
  }

  private evictSmallest(): void {
    let min = Infinity
    for (const entry of this.entries.values()) if (entry.count < min) min = entry.count
    for (const [key, entry] of this.entries) if (entry.count === min) this.entries.delete(key)
    this.floor = min
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
