import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { nodeFileSystem, type TransferFileHandle, type TransferFileSystem } from '../../../src-main/transfers/deps'
import { AppendLog, FolderSyncs, createLog, readLog } from '../../../src-main/transfers/journal'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'haneul-journal-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

/** The real file system, counting flushes. */
function countingFs(): TransferFileSystem & { datasyncs: number } {
  const fs = {
    ...nodeFileSystem,
    datasyncs: 0,
    open: async (p: string, flags: 'r' | 'r+' | 'w' | 'a'): Promise<TransferFileHandle> => {
      const handle = await nodeFileSystem.open(p, flags)
      return Object.assign(Object.create(handle) as TransferFileHandle, {
        datasync: async () => {
          fs.datasyncs++
          await handle.datasync()
        },
        write: (data: string) => handle.write(data),
        close: () => handle.close(),
      })
    },
  }
  return fs
}

describe('journal logs', () => {
  it('creates a log atomically with its header, leaving no temp file', async () => {
    const file = path.join(dir, 'job.jsonl')
    const log = await createLog(nodeFileSystem, file, [{ t: 'upload', uploadId: 'u1' }])
    await log.append({ t: 'part', n: 1 })
    await log.close()
    expect(await readLog(nodeFileSystem, file)).toEqual([
      { t: 'upload', uploadId: 'u1' },
      { t: 'part', n: 1 },
    ])
    expect(await readdir(dir)).toEqual(['job.jsonl'])
  })

  it('lets concurrent appends share flushes (group commit), each resolving only once durable', async () => {
    const fs = countingFs()
    const file = path.join(dir, 'jobs.jsonl')
    const log = await AppendLog.open(fs, file)
    await Promise.all(Array.from({ length: 500 }, (_, n) => log.append({ n })))
    await log.close()
    expect(((await readLog(fs, file)) ?? []).length).toBe(500)
    // One flush for the first record, one for everything that queued behind it.
    expect(fs.datasyncs).toBeLessThanOrEqual(3)
  })

  it('writes records that need no durability without a flush of their own', async () => {
    const fs = countingFs()
    const file = path.join(dir, 'lazy.jsonl')
    const log = await AppendLog.open(fs, file)
    await log.append({ n: 1 }, false)
    await log.append({ n: 2 }, false)
    expect(fs.datasyncs).toBe(0)
    await log.append({ n: 3 })
    expect(fs.datasyncs).toBe(1)
    await log.close()
    expect(await readLog(fs, file)).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }])
  })

  it('drops a torn last line from a kill mid-append, and refuses corruption elsewhere', async () => {
    const file = path.join(dir, 'torn.jsonl')
    await writeFile(file, '{"t":"upload"}\n{"t":"part","n":1}\n{"t":"part","n"')
    expect(await readLog(nodeFileSystem, file)).toEqual([{ t: 'upload' }, { t: 'part', n: 1 }])
    await writeFile(file, '{"t":"upload"}\n\u0000\u0000\u0000\n')
    expect(await readLog(nodeFileSystem, file)).toEqual([{ t: 'upload' }])
    await writeFile(file, '{"t":"upload"}\nnot json\n{"t":"part"}\n')
    await expect(readLog(nodeFileSystem, file)).rejects.toThrow(/line 2 is unreadable/)
    expect(await readLog(nodeFileSystem, path.join(dir, 'missing.jsonl'))).toBeUndefined()
  })

  it('replaces an existing log whole', async () => {
    const file = path.join(dir, 'job.jsonl')
    await (await createLog(nodeFileSystem, file, [{ v: 1 }, { v: 2 }])).close()
    await (await createLog(nodeFileSystem, file, [{ v: 3 }])).close()
    expect(await readFile(file, 'utf8')).toBe('{"v":3}\n')
  })
})

describe('FolderSyncs', () => {
  it('shares one fsync among the renames that land in a folder while one is running, and none across folders', async () => {
    const calls: string[] = []
    const releases: Array<() => void> = []
    const syncs = new FolderSyncs({
      syncDir: (folder) => {
        calls.push(folder)
        return new Promise<void>((resolve) => releases.push(resolve))
      },
    })
    const first = syncs.sync('/a')
    // Arriving while /a's first fsync runs: they wait for one more, which must start after them.
    const waiting = [syncs.sync('/a'), syncs.sync('/a'), syncs.sync('/a')]
    const other = syncs.sync('/b')
    expect(calls).toEqual(['/a', '/b'])
    let settled = 0
    for (const promise of waiting) void promise.then(() => settled++)
    releases.shift()?.()
    await first
    expect(settled).toBe(0)
    expect(calls).toEqual(['/a', '/b', '/a'])
    releases.shift()?.()
    await other
    releases.shift()?.()
    await Promise.all(waiting)
    expect(calls).toEqual(['/a', '/b', '/a'])
  })

  it('passes a failed fsync on to every rename that waited for it', async () => {
    const syncs = new FolderSyncs({ syncDir: () => Promise.reject(new Error('EIO')) })
    await expect(Promise.all([syncs.sync('/a'), syncs.sync('/a')])).rejects.toThrow('EIO')
  })
})
