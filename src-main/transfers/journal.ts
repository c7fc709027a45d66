/**
 * Crash-safe journals as append-only JSON-lines logs.
 *
 * Why a log and not a JSON file rewritten per change: a 10,000-part upload would rewrite an ever larger file
 * 10,000 times (quadratic), and each rewrite needs temp + fsync + rename + folder fsync. Appending one line
 * and fdatasync-ing costs one small write, and concurrent appends share one fdatasync (group commit), so the
 * hot path never waits on more than one flush. A kill can only tear the last line, which reading ignores:
 * that record was not yet acknowledged to anyone, so losing it is the same as the crash coming earlier.
 *
 * A log starts life through `createLog` (first records written to a temp file, fsynced, renamed into place,
 * folder fsynced), so a log file that exists always has its header.
 */
import { basename, dirname, join } from 'node:path'
import { randomBytes } from 'node:crypto'
import type { TransferFileHandle, TransferFileSystem } from './deps'

/**
 * Group commit: items added while a flush is running wait for the next flush, which takes them all at once.
 * add() resolves when the flush that carried the item succeeded.
 */
export class GroupCommit<T> {
  private pending: Array<{ item: T; done: () => void; failed: (error: unknown) => void }> = []
  private flushing: Promise<void> | undefined

  constructor(private readonly flushBatch: (items: T[]) => Promise<void>) {}

  add(item: T): Promise<void> {
    return new Promise<void>((done, failed) => {
      this.pending.push({ item, done, failed })
      this.flushing ??= this.flush()
    })
  }

  /** Resolves when nothing is waiting to be flushed. */
  async drain(): Promise<void> {
    while (this.flushing) await this.flushing
  }

  private async flush(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending
      this.pending = []
      try {
        await this.flushBatch(batch.map((entry) => entry.item))
        for (const entry of batch) entry.done()
      } catch (error) {
        for (const entry of batch) entry.failed(error)
      }
    }
    this.flushing = undefined
  }
}

/**
 * Folder fsyncs shared: renames landing in one folder together (a folder of small downloads) wait for one
 * fsync of it instead of one each. sync() resolves once an fsync that started after the call succeeded.
 */
export class FolderSyncs {
  private readonly commits = new Map<string, GroupCommit<void>>()

  constructor(private readonly fs: Pick<TransferFileSystem, 'syncDir'>) {}

  sync(folder: string): Promise<void> {
    let commit = this.commits.get(folder)
    if (!commit) {
      commit = new GroupCommit<void>(() => this.fs.syncDir(folder))
      this.commits.set(folder, commit)
    }
    return commit.add(undefined)
  }
}

export class AppendLog {
  private readonly commits: GroupCommit<{ line: string; durable: boolean }>
  private closed = false

  private constructor(
    private readonly handle: TransferFileHandle,
    readonly path: string,
  ) {
    this.commits = new GroupCommit(async (entries) => {
      await this.handle.write(entries.map((entry) => entry.line).join(''))
      if (entries.some((entry) => entry.durable)) await this.handle.datasync()
    })
  }

  static async open(fs: TransferFileSystem, path: string): Promise<AppendLog> {
    return new AppendLog(await fs.open(path, 'a'), path)
  }

  /**
   * Resolves once the record is on disk (fdatasync-ed). With durable false it resolves once written: for
   * records whose loss in a power cut only repeats harmless work, so they never cost a flush of their own.
   */
  append(record: object, durable = true): Promise<void> {
    if (this.closed) return Promise.reject(new Error(`journal ${this.path} is closed`))
    return this.commits.add({ line: `${JSON.stringify(record)}\n`, durable })
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    await this.commits.drain()
    await this.handle.close()
  }
}

/** Writes a new log holding `records` atomically (replacing any old one) and opens it for appending. */
export async function createLog(fs: TransferFileSystem, path: string, records: readonly object[]): Promise<AppendLog> {
  const folder = dirname(path)
  const temp = join(folder, `.${basename(path)}.${randomBytes(4).toString('hex')}.tmp`)
  const handle = await fs.open(temp, 'w')
  try {
    await handle.write(records.map((record) => `${JSON.stringify(record)}\n`).join(''))
    await handle.sync()
  } finally {
    await handle.close()
  }
  try {
    await fs.rename(temp, path)
  } catch (error) {
    await fs.rm(temp)
    throw error
  }
  await fs.syncDir(folder)
  return AppendLog.open(fs, path)
}

/** Reads a log's records. A torn last line (a kill mid-append) is dropped; a bad line elsewhere throws. */
export async function readLog(fs: TransferFileSystem, path: string): Promise<unknown[] | undefined> {
  let text: string
  try {
    text = (await fs.readFile(path)).toString('utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
  const lines = text.split('\n')
  // The piece after the last newline is either empty or a torn record.
  lines.pop()
  const records: unknown[] = []
  lines.forEach((line, index) => {
    try {
      records.push(JSON.parse(line))
    } catch (error) {
      // A last line of garbage is a flush cut short by power loss (some file systems extend with zeros first).
      if (index !== lines.length - 1) throw new Error(`journal ${path} line ${index + 1} is unreadable: ${(error as Error).message}`)
    }
  })
  return records
}
