/**
 * Blob files: writing a body to disk while hashing it, and reading byte ranges of segment lists back.
 * Blobs are named by generated ids and never by keys.
 */
import { createHash, type Hash } from 'node:crypto'
import fs from 'node:fs'
import { Writable } from 'node:stream'
import type { Hasher } from './checksums'
import type { Segment } from './model'

export interface SinkHashes {
  md5: Hash
  checksum?: Hasher
  /** For verifying a hex x-amz-content-sha256 while the body streams. */
  sha256?: Hash
}

/**
 * A Writable that hashes every chunk and appends it to an open file with writev. Its high water mark lets the
 * request keep flowing while a write is in flight. It closes the file when it finishes or fails.
 */
export class BlobSink extends Writable {
  size = 0

  constructor(
    private readonly file: fs.promises.FileHandle,
    private readonly hashes: SinkHashes,
    private readonly maxSize = Number.MAX_SAFE_INTEGER,
    private readonly onTooLarge?: () => Error,
  ) {
    super({ highWaterMark: 4 * 1024 * 1024 })
  }

  override _writev(chunks: Array<{ chunk: Buffer }>, callback: (error?: Error | null) => void): void {
    const buffers: Buffer[] = []
    for (const { chunk } of chunks) {
      this.hashes.md5.update(chunk)
      this.hashes.checksum?.update(chunk)
      this.hashes.sha256?.update(chunk)
      this.size += chunk.length
      buffers.push(chunk)
    }
    if (this.size > this.maxSize) {
      callback(this.onTooLarge?.() ?? new Error('body too large'))
      return
    }
    this.file.writev(buffers).then(() => callback(), callback)
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.file.close().then(() => callback(), callback)
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    // _final closes on success; on failure the file is still open.
    if (this.writableFinished) callback(error)
    else
      this.file.close().then(
        () => callback(error),
        () => callback(error),
      )
  }
}

export function newSinkHashes(checksum?: Hasher, verifySha256 = false): SinkHashes {
  return { md5: createHash('md5'), checksum, sha256: verifySha256 ? createHash('sha256') : undefined }
}

const READ_CHUNK = 1024 * 1024

/** Yields the bytes [start, end) of the concatenation of `segments`. */
export async function* readSegments(
  pathOf: (blobId: string) => string,
  segments: readonly Segment[],
  start = 0,
  end = Number.MAX_SAFE_INTEGER,
): AsyncGenerator<Buffer> {
  let base = 0
  for (const segment of segments) {
    const segStart = Math.max(start - base, 0)
    const segEnd = Math.min(end - base, segment.length)
    base += segment.length
    if (segStart >= segEnd) continue
    const handle = await fs.promises.open(pathOf(segment.blobId), 'r')
    try {
      for (let pos = segStart; pos < segEnd;) {
        const buffer = Buffer.allocUnsafe(Math.min(READ_CHUNK, segEnd - pos))
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, segment.offset + pos)
        if (bytesRead === 0) throw new Error(`blob ${segment.blobId} is shorter than recorded`)
        pos += bytesRead
        yield bytesRead === buffer.length ? buffer : buffer.subarray(0, bytesRead)
      }
    } finally {
      await handle.close()
    }
    if (base >= end) return
  }
}

/** Splits a segment list at a byte range, for UploadPartCopy of a range. */
export function sliceSegments(segments: readonly Segment[], start: number, end: number): Segment[] {
  const out: Segment[] = []
  let base = 0
  for (const segment of segments) {
    const from = Math.max(start - base, 0)
    const to = Math.min(end - base, segment.length)
    base += segment.length
    if (from < to) out.push({ blobId: segment.blobId, offset: segment.offset + from, length: to - from })
  }
  return out
}
