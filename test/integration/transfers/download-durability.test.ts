/**
 * The rule that keeps a resumed download honest, checked on the file system calls of a real download: a
 * range's journal record is appended only after an fdatasync of the partial file that started after the
 * last write into that range. Ranges share that sync in spans (SYNC_SPAN_BYTES), so a download costs a few
 * syncs rather than one per range.
 */
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { MiB } from '../../../src-main/transfers/config'
import { nodeFileSystem, systemClock, type TransferFileSystem } from '../../../src-main/transfers/deps'
import { PARTIAL_SUFFIX, SYNC_SPAN_BYTES } from '../../../src-main/transfers/download-job'
import { TransferEngine } from '../../../src-main/transfers/index'
import { planRanges } from '../../../src-main/transfers/range-plan'
import type { DownloadRecord } from '../../../src-main/transfers/model'
import { BUCKET, finished, sha256File, startTestS3, writeRandomFile, type TestS3 } from '../../helpers/transfer-s3'

let s3: TestS3
beforeAll(async () => {
  s3 = await startTestS3()
})
afterAll(async () => {
  await s3.close()
})

type FsEvent =
  | { t: 'write'; file: string; position: number; bytes: number }
  | { t: 'datasync-start' | 'datasync-end'; file: string }
  | { t: 'append'; file: string; text: string }

/** The real file system, with every write, datasync and journal append recorded in the order they happen. */
function recordingFs(events: FsEvent[]): TransferFileSystem {
  return {
    ...nodeFileSystem,
    open: async (file, flags, options) => {
      const handle = await nodeFileSystem.open(file, flags, options)
      const name = path.basename(file)
      return {
        read: (...args) => handle.read(...args),
        writev: async (buffers, position) => {
          events.push({ t: 'write', file: name, position: position ?? -1, bytes: buffers.reduce((sum, b) => sum + b.length, 0) })
          return handle.writev(buffers, position)
        },
        write: async (data) => {
          events.push({ t: 'append', file: name, text: data })
          return handle.write(data)
        },
        stat: () => handle.stat(),
        truncate: (length) => handle.truncate(length),
        datasync: async () => {
          events.push({ t: 'datasync-start', file: name })
          await handle.datasync()
          events.push({ t: 'datasync-end', file: name })
        },
        sync: () => handle.sync(),
        close: () => handle.close(),
      }
    },
  }
}

describe('download durability', () => {
  it('journals a range only after a sync of the partial file that began after its last write, in shared spans', async () => {
    const size = 2 * SYNC_SPAN_BYTES + 5 * MiB + 11
    const source = path.join(s3.dir, 'src', 'durable.bin')
    const sha = await writeRandomFile(source, size)
    await s3.emulator.store.putObjectFromFile(BUCKET, 'durable/big', source)
    const events: FsEvent[] = []
    const journalDir = path.join(s3.dir, 'journal-durable')
    // Timers never fire in this engine, so a span closes only by size or at the end: the count below is exact.
    const clock = { ...systemClock, setTimer: () => () => undefined }
    const engine = new TransferEngine({ clients: { s3: async () => s3.client() }, journalDir, fs: recordingFs(events), clock })
    onTestFinished(() => engine.close())
    const destination = path.join(s3.dir, 'dst', 'durable.bin')
    const jobId = engine.download({ profileId: 'p', bucket: BUCKET, key: 'durable/big', destinationPath: destination })
    const snapshot = await finished(engine, jobId)
    expect(snapshot.state, snapshot.error?.message).toBe('done')
    expect(await sha256File(destination)).toBe(sha)

    const partial = path.basename(destination) + PARTIAL_SUFFIX
    const journal = `${jobId}.jsonl`
    const header = JSON.parse(
      (events.find((e) => e.t === 'append' && e.file.includes(journal)) as { text: string }).text.split('\n')[0] ?? '{}',
    )
    const appended = events.flatMap((event, index) =>
      event.t === 'append' && event.file === journal
        ? event.text
            .split('\n')
            .filter(Boolean)
            .map((line) => ({ index, record: JSON.parse(line) as DownloadRecord }))
        : [],
    )
    const ranges = planRanges(header as Extract<DownloadRecord, { t: 'download' }>)
    const rangeRecords = appended.filter((entry) => entry.record.t === 'range')
    expect(rangeRecords.map((entry) => (entry.record as { i: number }).i).sort((a, b) => a - b)).toEqual(ranges.map((r) => r.i))
    for (const { index, record } of rangeRecords) {
      const range = ranges[(record as { i: number }).i] as (typeof ranges)[number]
      const lastWrite = events.findLastIndex(
        (e, at) =>
          at < index &&
          e.t === 'write' &&
          e.file === partial &&
          e.position >= range.offsetBytes &&
          e.position < range.offsetBytes + range.lengthBytes,
      )
      expect(lastWrite, `range ${range.i} was written`).toBeGreaterThanOrEqual(0)
      const syncedAfter = events.some(
        (e, at) =>
          e.t === 'datasync-start' &&
          e.file === partial &&
          at > lastWrite &&
          at < index &&
          events.findIndex((end, endAt) => endAt > at && end.t === 'datasync-end' && end.file === partial) < index,
      )
      expect(syncedAfter, `range ${range.i}'s record follows a sync of its bytes`).toBe(true)
    }
    // Spans: one sync per SYNC_SPAN_BYTES of ranges (plus the last, partial span), not one per range. (A span
    // also closes after a second; that timer is what this engine's clock never fires.)
    const partialSyncs = events.filter((e) => e.t === 'datasync-start' && e.file === partial).length
    expect(ranges.length).toBeGreaterThan(Math.ceil(size / SYNC_SPAN_BYTES) + 1)
    expect(partialSyncs).toBeLessThanOrEqual(Math.ceil(size / SYNC_SPAN_BYTES) + 1)
    await engine.close()
  }, 120_000)
})
