/**
 * Streaming a log file: gzip or plain, lines and UTF-8 characters split across chunks, a truncated or
 * corrupt gzip (what came before is counted and the file is named), files that are not CloudFront
 * logs, Parquet, and cancellation.
 */
import { readFileSync } from 'node:fs'
import { gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { LogAggregator, readLogFile, type LogRecord } from '../../../src-main/cloudfront/logs/index'
import { logFilesFor } from '../../../src-main/sandbox/cloudfront/log-files'
import { demoTrafficModel } from '../../../src-main/sandbox/seed'

const sample = readFileSync(new URL('./fixtures/developer-guide-sample.log', import.meta.url))

async function* chunked(bytes: Buffer, size: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size)
}

async function read(name: string, bytes: Buffer, chunkSize = 64 * 1024, signal?: AbortSignal) {
  const records: LogRecord[] = []
  const result = await readLogFile(name, chunked(bytes, chunkSize), (r) => records.push(r), { signal })
  return { result, records }
}

/** A busy hour of the seed: a few hundred lines, enough to cut in the middle. */
const seedFile = logFilesFor(demoTrafficModel(Date.parse('2026-12-01T12:00:00Z')), 'cloudfront/').reduce((a, b) =>
  b.lines > a.lines ? b : a,
)

describe('reading a log file', () => {
  it('gunzips and parses, whatever the chunk boundaries', async () => {
    for (const size of [7, 100, 1 << 20]) {
      const { result, records } = await read('sample.gz', gzipSync(sample), size)
      expect(result).toMatchObject({ name: 'sample.gz', lines: 8, records: 6, malformed: 0, truncated: false, format: 'legacy' })
      expect(result.problem).toBeUndefined()
      expect(records.map((r) => r.status)).toEqual([200, 200, 200, 502, 502, 502])
    }
  })

  it('reads plain text too, with characters split between chunks', async () => {
    const text = Buffer.from(sample.toString('utf8').replace('/favicon.ico', '/문서/%ED%95%9C.ico').replace('curl/7.55.1', '하늘/1.0'))
    const { result, records } = await read('plain.log', text, 1)
    expect(result.records).toBe(6)
    expect(records[5]!.userAgent).toBe('하늘/1.0')
    expect(records[3]!.uriStem).toBe('/문서/한.ico')
  })

  it('counts what came before a truncated gzip and names the file', async () => {
    const whole = await read(seedFile.key, seedFile.body)
    expect(whole.result.records).toBe(seedFile.lines)
    const cut = seedFile.body.subarray(0, Math.floor(seedFile.body.length * 0.6))
    const { result, records } = await read(seedFile.key, cut, 512)
    expect(result.truncated).toBe(true)
    expect(result.problem).toMatch(/gzip data ends early/)
    expect(result.records).toBeGreaterThan(seedFile.lines * 0.3)
    expect(result.records).toBeLessThan(seedFile.lines)
    expect(records).toHaveLength(result.records)
    // The cut last line is counted as unreadable, not half-trusted.
    expect(result.malformed).toBe(1)
    expect(records).toEqual(whole.records.slice(0, records.length))

    const aggregator = new LogAggregator()
    records.forEach((r) => aggregator.add(r))
    aggregator.addFile(result)
    expect(aggregator.result().problemFiles).toEqual([{ name: seedFile.key, problem: result.problem, truncated: true }])
    expect(aggregator.result().requests).toBe(result.records)
  })

  it('reports a corrupt gzip, a file that is no CloudFront log, and Parquet, without throwing', async () => {
    const corrupt = Buffer.from(seedFile.body)
    for (let i = 200; i < 260; i++) corrupt[i] = corrupt[i]! ^ 0x5a
    expect((await read('corrupt.gz', corrupt)).result.truncated).toBe(true)

    const other = await read('notes.txt.gz', gzipSync('hello\nworld\n'))
    expect(other.result).toMatchObject({ records: 0, malformed: 2 })
    expect(other.result.problem).toMatch(/not a CloudFront standard log/)

    const parquet = await read('part-0.parquet', Buffer.concat([Buffer.from('PAR1'), Buffer.alloc(100)]))
    expect(parquet.result.problem).toMatch(/Parquet/)
    const empty = await read('empty.gz', Buffer.alloc(0))
    expect(empty.result.records).toBe(0)
    expect(empty.result.problem).toBeUndefined()
  })

  it('stops when cancelled', async () => {
    const controller = new AbortController()
    controller.abort()
    await expect(read(seedFile.key, seedFile.body, 100, controller.signal)).rejects.toThrow(/abort/i)
  })
})
