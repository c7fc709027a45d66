/**
 * The last-seen results of list operations, per profile, on disk: what the app shows at once when the
 * user switches profile, and all it can show while offline. One small JSON file per (profile, listing),
 * each replaced crash-safely (temp + fsync + rename), so a kill mid-write leaves the old or the new
 * version, never a torn one. Bounded in total size; the least recently used listings go first.
 */
import { createHash } from 'node:crypto'
import { mkdir, readdir, readFile, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { writeFileAtomic } from '../core/atomic-file'

export interface Snapshot<T> {
  value: T
  savedAtMs: number
}

export interface SnapshotStoreOptions {
  dir: string
  /** Total size of all snapshots; least recently used are evicted beyond it. */
  maxBytes: number
  nowMs?: () => number
}

export const DEFAULT_SNAPSHOT_MAX_BYTES = 64 * 1024 * 1024

interface Entry {
  path: string
  bytes: number
  lastUsedMs: number
}

interface StoredSnapshot {
  version: 1
  profileId: string
  key: string
  savedAtMs: number
  value: unknown
}

const hash = (text: string, length: number) => createHash('sha256').update(text).digest('hex').slice(0, length)

export class SnapshotStore {
  private readonly entries = new Map<string, Entry>()
  private readonly writes = new Map<string, Promise<void>>()
  private totalBytes = 0

  private constructor(private readonly options: Required<SnapshotStoreOptions>) {}

  /** Opens the store, indexing what is on disk and clearing temp files a crash left behind. */
  static async open(options: SnapshotStoreOptions): Promise<SnapshotStore> {
    const store = new SnapshotStore({ nowMs: Date.now, ...options })
    await mkdir(options.dir, { recursive: true })
    for (const profileDir of await readdir(options.dir)) {
      const folder = join(options.dir, profileDir)
      const names = await readdir(folder).catch(() => [])
      for (const name of names) {
        const path = join(folder, name)
        if (name.endsWith('.tmp')) {
          await rm(path, { force: true })
          continue
        }
        if (!name.endsWith('.json')) continue
        const info = await stat(path)
        store.remember(path, info.size, info.mtimeMs)
      }
    }
    return store
  }

  get sizeBytes(): number {
    return this.totalBytes
  }

  async get<T>(profileId: string, key: string): Promise<Snapshot<T> | undefined> {
    const path = this.pathOf(profileId, key)
    await this.writes.get(path)
    const entry = this.entries.get(path)
    if (!entry) return undefined
    try {
      const stored = JSON.parse(await readFile(path, 'utf8')) as StoredSnapshot
      // The file name is a hash: check it really is this profile's listing.
      if (stored.version !== 1 || stored.profileId !== profileId || stored.key !== key) return undefined
      entry.lastUsedMs = this.options.nowMs()
      return { value: stored.value as T, savedAtMs: stored.savedAtMs }
    } catch {
      // Unreadable (deleted behind our back, or a disk error): forget it rather than fail the view.
      this.forget(path)
      await rm(path, { force: true })
      return undefined
    }
  }

  /** Saves a listing; writes to the same listing are serialized so the newest always wins. */
  put(profileId: string, key: string, value: unknown): Promise<void> {
    const path = this.pathOf(profileId, key)
    const savedAtMs = this.options.nowMs()
    const text = JSON.stringify({ version: 1, profileId, key, savedAtMs, value } satisfies StoredSnapshot)
    const previous = this.writes.get(path) ?? Promise.resolve()
    const write = previous
      .catch(() => {})
      .then(async () => {
        await writeFileAtomic(path, text)
        this.forget(path)
        this.remember(path, Buffer.byteLength(text), savedAtMs)
        await this.evict(path)
      })
      .finally(() => {
        if (this.writes.get(path) === write) this.writes.delete(path)
      })
    this.writes.set(path, write)
    return write
  }

  /** Waits for writes in flight (shutdown). */
  async flush(): Promise<void> {
    await Promise.allSettled([...this.writes.values()])
  }

  /** Drops every snapshot of a profile, e.g. when the profile is removed. */
  async removeProfile(profileId: string): Promise<void> {
    const folder = join(this.options.dir, hash(profileId, 16))
    // A listing being saved right now would recreate the folder after the delete.
    await Promise.allSettled([...this.writes].filter(([path]) => path.startsWith(folder)).map(([, write]) => write))
    for (const path of [...this.entries.keys()]) if (path.startsWith(folder)) this.forget(path)
    await rm(folder, { recursive: true, force: true })
  }

  private pathOf(profileId: string, key: string): string {
    return join(this.options.dir, hash(profileId, 16), `${hash(key, 32)}.json`)
  }

  private remember(path: string, bytes: number, lastUsedMs: number): void {
    this.entries.set(path, { path, bytes, lastUsedMs })
    this.totalBytes += bytes
  }

  private forget(path: string): void {
    const entry = this.entries.get(path)
    if (!entry) return
    this.totalBytes -= entry.bytes
    this.entries.delete(path)
  }

  private async evict(keep: string): Promise<void> {
    if (this.totalBytes <= this.options.maxBytes) return
    const oldestFirst = [...this.entries.values()].filter((e) => e.path !== keep).sort((a, b) => a.lastUsedMs - b.lastUsedMs)
    for (const entry of oldestFirst) {
      if (this.totalBytes <= this.options.maxBytes) break
      this.forget(entry.path)
      await rm(entry.path, { force: true })
    }
  }
}
