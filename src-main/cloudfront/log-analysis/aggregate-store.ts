/**
 * Per-file aggregates on disk, so a second look at the same logs reads only the new files:
 * `<dataDir>/cloudfront/logs/<scope>/<YYYY-MM-DD-HH>.<key hash>.<version hash>.json`, one folder per
 * (profile, bucket, prefix, distribution), one file per log file. The version hash is of the log
 * file's identity — bucket, key, ETag and size — so a file replaced in S3 is read again. The hour in
 * the name lets an offline look pick a range without opening anything.
 *
 * Writes are atomic (a temp file renamed into place), without fsync: this is a cache, and a file cut
 * short by a power loss fails to parse, is named, and is read again on the next online look.
 */
import { createHash, randomBytes } from 'node:crypto'
import { mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { hourStamp } from './log-keys'

export interface LogFileIdentity {
  bucket: string
  key: string
  etag: string
  size: number
}

export interface AggregateScope {
  profileId: string
  bucket: string
  prefix: string
  distributionId: string
}

const hash = (text: string, length: number) => createHash('sha256').update(text).digest('hex').slice(0, length)
const NAME = /^(\d{4}-\d{2}-\d{2}-\d{2})\.([0-9a-f]{20})\.([0-9a-f]{16})\.json$/

/** Writes `text` as `folder/name` atomically: a temp file beside it, renamed into place. */
export async function writeCacheFile(folder: string, name: string, text: string): Promise<void> {
  await mkdir(folder, { recursive: true })
  const temp = join(folder, `.${name}.${randomBytes(6).toString('hex')}.tmp`)
  try {
    await writeFile(temp, text, { mode: 0o600 })
    await rename(temp, join(folder, name))
  } catch (error) {
    await rm(temp, { force: true })
    throw error
  }
}

export class AggregateStore {
  readonly folder: string
  /** Names of the saved aggregates, read once per analysis. */
  private names = new Set<string>()

  constructor(dataDir: string, scope: AggregateScope) {
    const id = hash(JSON.stringify([scope.profileId, scope.bucket, scope.prefix, scope.distributionId]), 24)
    this.folder = join(dataDir, 'cloudfront', 'logs', id)
  }

  /** Reads the folder's listing (missing folder: nothing saved yet). */
  async load(): Promise<void> {
    try {
      this.names = new Set((await readdir(this.folder)).filter((name) => NAME.test(name)))
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
      this.names = new Set()
    }
  }

  nameOf(file: LogFileIdentity, hourStartMs: number): string {
    const keyHash = hash(`${file.bucket}\n${file.key}`, 20)
    const versionHash = hash(JSON.stringify([file.bucket, file.key, file.etag, file.size]), 16)
    return `${hourStamp(hourStartMs)}.${keyHash}.${versionHash}.json`
  }

  has(name: string): boolean {
    return this.names.has(name)
  }

  pathOf(name: string): string {
    return join(this.folder, name)
  }

  /** Records a file's aggregate as saved (by writeCacheFile) and removes those of earlier versions of its key. */
  async saved(name: string): Promise<void> {
    const [, stamp, keyHash] = NAME.exec(name)!
    const sameKey = `${stamp}.${keyHash}.`
    for (const other of this.names)
      if (other !== name && other.startsWith(sameKey)) {
        this.names.delete(other)
        await rm(this.pathOf(other), { force: true })
      }
    this.names.add(name)
  }

  /**
   * The saved aggregates of the hours in [fromMs, toMs), one per key: should a crash have left two
   * versions of one key, the newer file wins.
   */
  async savedIn(fromMs: number, toMs: number): Promise<string[]> {
    const from = hourStamp(fromMs)
    const byKey = new Map<string, string[]>()
    for (const name of this.names) {
      const [, stamp, keyHash] = NAME.exec(name)!
      if (stamp! < from || Date.parse(`${stamp!.slice(0, 10)}T${stamp!.slice(11)}:00:00Z`) >= toMs) continue
      const id = `${stamp}.${keyHash}`
      byKey.set(id, [...(byKey.get(id) ?? []), name])
    }
    const chosen: string[] = []
    for (const names of byKey.values()) {
      if (names.length === 1) chosen.push(names[0]!)
      else {
        const times = await Promise.all(names.map(async (name) => (await stat(this.pathOf(name)).catch(() => undefined))?.mtimeMs ?? 0))
        chosen.push(names[times.indexOf(Math.max(...times))]!)
      }
    }
    return chosen.sort()
  }
}
