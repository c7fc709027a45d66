/**
 * An append-only metadata journal of JSON lines. Writes are batched (one write per event-loop turn, no
 * fsync per request); close() flushes and fsyncs. Replay skips a torn last line, which is what a process
 * killed mid-write leaves behind.
 */
import { promises as fs } from 'node:fs'
import path from 'node:path'

export class Journal {
  private pending: string[] = []
  private writing: Promise<void> | undefined
  private afterFlush: Array<() => void> = []
  private failure: Error | undefined

  private constructor(
    private readonly file: string,
    private handle: fs.FileHandle,
  ) {}

  /** Opens (creating if needed) and replays the journal; returns the number of entries read. */
  static async open(file: string, replay: (entry: unknown) => void): Promise<{ journal: Journal; entries: number }> {
    let entries = 0
    let text = ''
    try {
      text = await fs.readFile(file, 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
    }
    // Only whole lines count; a tail without its newline is a write cut short, dropped and truncated away.
    const end = text.lastIndexOf('\n') + 1
    for (const line of text.slice(0, end).split('\n')) {
      if (line.length === 0) continue
      let entry: unknown
      try {
        entry = JSON.parse(line)
      } catch {
        // A line garbled by a crash loses that one change, not the sandbox.
        continue
      }
      replay(entry)
      entries++
    }
    const handle = await fs.open(file, 'a')
    if (end < text.length) await handle.truncate(Buffer.byteLength(text.slice(0, end), 'utf8'))
    return { journal: new Journal(file, handle), entries }
  }

  append(entry: unknown): void {
    if (this.failure) throw this.failure
    this.pending.push(JSON.stringify(entry) + '\n')
    if (!this.writing) this.writing = this.drain()
  }

  /** Runs `fn` once everything appended so far is written (used to delete blobs only after their removal is recorded). */
  onFlushed(fn: () => void): void {
    if (!this.writing && this.pending.length === 0) fn()
    else this.afterFlush.push(fn)
  }

  private async drain(): Promise<void> {
    // Let the current turn's appends join this batch.
    await new Promise<void>((resolve) => setImmediate(resolve))
    while (this.pending.length > 0) {
      const batch = this.pending.join('')
      const callbacks = this.afterFlush
      this.pending = []
      this.afterFlush = []
      try {
        await this.handle.write(batch)
      } catch (error) {
        this.failure = error as Error
        break
      }
      for (const fn of callbacks) fn()
    }
    this.writing = undefined
  }

  async flush(): Promise<void> {
    while (this.writing) await this.writing
    if (this.failure) throw this.failure
  }

  /** Replaces the journal with `entries` (a snapshot of live state): write a temp file, fsync, rename. */
  async rewrite(entries: Iterable<unknown>): Promise<void> {
    await this.flush()
    const temp = `${this.file}.compact-${process.pid}`
    const out = await fs.open(temp, 'w')
    try {
      let batch: string[] = []
      for (const entry of entries) {
        batch.push(JSON.stringify(entry) + '\n')
        if (batch.length >= 4096) {
          await out.write(batch.join(''))
          batch = []
        }
      }
      await out.write(batch.join(''))
      await out.sync()
    } finally {
      await out.close()
    }
    await this.handle.close()
    await fs.rename(temp, this.file)
    const dir = await fs.open(path.dirname(this.file), 'r')
    try {
      await dir.sync()
    } finally {
      await dir.close()
    }
    this.handle = await fs.open(this.file, 'a')
  }

  async close(): Promise<void> {
    await this.flush()
    await this.handle.sync()
    await this.handle.close()
  }
}
