/**
 * Streams one log file into records: gunzip when the bytes say gzip (CloudFront's files are `.gz`;
 * v2 deliveries may be plain), split lines across chunks, parse each. Nothing is held but the current
 * chunk. A truncated gzip keeps what was read and says so; a file that is no CloudFront log, or a
 * Parquet file, is named with the reason instead of failing the whole analysis.
 */
import { createGunzip } from 'node:zlib'
import { LogLineParser, type LogFormat, type LogRecord } from './parse'

export interface FileResult {
  name: string
  /** Lines seen (headers included), records read, lines that could not be read. */
  lines: number
  records: number
  malformed: number
  malformedSamples: string[]
  format: LogFormat | undefined
  /** The gzip stream ended early or was corrupt: `records` counts what came before. */
  truncated: boolean
  /** Why the file was not (fully) read, in words; undefined when it was. */
  problem?: string
  compressedBytes: number
}

const GZIP_MAGIC = [0x1f, 0x8b]
const PARQUET_MAGIC = 'PAR1'

export interface ReadOptions {
  signal?: AbortSignal
}

/**
 * Reads `source` (the object's body) and calls `onRecord` for each record, in file order.
 * Rejects only when `signal` aborts; every problem of the file itself is reported in the result.
 */
export async function readLogFile(
  name: string,
  source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  onRecord: (record: LogRecord) => void,
  options: ReadOptions = {},
): Promise<FileResult> {
  const parser = new LogLineParser()
  const result: FileResult = {
    name,
    lines: 0,
    records: 0,
    malformed: 0,
    malformedSamples: parser.malformedSamples,
    format: undefined,
    truncated: false,
    compressedBytes: 0,
  }
  let rest = ''
  const feed = (text: string) => {
    const lines = (rest + text).split('\n')
    rest = lines.pop()!
    for (const line of lines) {
      const record = parser.line(line)
      if (record) onRecord(record)
    }
  }
  const finish = (complete: boolean) => {
    if (rest) {
      // The last line of a cut file is cut too: count it as unreadable rather than trust half a line.
      if (complete) {
        const record = parser.line(rest)
        if (record) onRecord(record)
      } else {
        parser.counts.lines++
        parser.counts.malformed++
      }
    }
    Object.assign(result, parser.counts, { format: parser.format })
    if (result.records === 0 && result.malformed > 0 && !result.problem)
      result.problem = 'not a CloudFront standard log (no line could be read)'
    return result
  }

  const iterator =
    Symbol.asyncIterator in source
      ? source[Symbol.asyncIterator]()
      : (async function* () {
          yield* source
        })()
  const first = await iterator.next()
  if (first.done) return finish(true)
  const head = Buffer.from(first.value)
  if (head.subarray(0, 4).toString('latin1') === PARQUET_MAGIC) {
    result.problem = 'a Parquet file (standard logging v2 in Parquet format is not read; choose JSON or plain output)'
    return finish(true)
  }
  const chunks = (async function* () {
    yield head
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield Buffer.from(next.value)
  })()

  const decoder = new TextDecoder('utf-8')
  const gzipped = head[0] === GZIP_MAGIC[0] && head[1] === GZIP_MAGIC[1]
  if (!gzipped) {
    for await (const chunk of chunks) {
      options.signal?.throwIfAborted()
      result.compressedBytes += chunk.length
      feed(decoder.decode(chunk, { stream: true }))
    }
    feed(decoder.decode())
    return finish(true)
  }

  const gunzip = createGunzip()
  const pump = (async () => {
    try {
      for await (const chunk of chunks) {
        options.signal?.throwIfAborted()
        result.compressedBytes += chunk.length
        if (!gunzip.write(chunk)) await new Promise<void>((resolve) => gunzip.once('drain', resolve))
      }
      gunzip.end()
    } catch (error) {
      gunzip.destroy(error as Error)
    }
  })()
  try {
    for await (const chunk of gunzip) {
      options.signal?.throwIfAborted()
      feed(decoder.decode(chunk as Buffer, { stream: true }))
    }
    feed(decoder.decode())
  } catch (error) {
    options.signal?.throwIfAborted()
    await pump
    feed(decoder.decode())
    result.truncated = true
    result.problem = `the gzip data ends early or is corrupt (${(error as Error).message}); the lines before that were counted`
    return finish(false)
  }
  await pump
  return finish(true)
}
