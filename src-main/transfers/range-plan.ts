/**
 * How a download is cut into ranged GETs. Pure arithmetic, unit-tested on its own
 * (test/unit/transfers/range-plan.test.ts); the download job fetches, verifies and journals the ranges.
 */
import { isCrcAlgorithm } from './checksums'
import { MiB, S3_LIMITS, type TransferConfig } from './config'
import type { DownloadVerification } from './model'
import { planParts } from './part-plan'

export interface Range {
  i: number
  offsetBytes: number
  lengthBytes: number
  /** Index of the object part the range lies in (0 when the object is checked as a whole). */
  part: number
}

/** The largest range a download asks for at once. */
const MAX_DOWNLOAD_RANGE_BYTES = 64 * MiB

/**
 * Range size for a download. Ranges stream to disk, so their size costs no memory, while every request
 * costs CPU on both ends: a big object is cut into about three ranges per request slot (at most 64 MiB
 * each), never smaller than the configured part size, which small objects keep.
 */
export function downloadRangeBytes(sizeBytes: number, config: Pick<TransferConfig, 'partSizeBytes' | 'concurrency'>): number {
  const partSized = planParts(Math.min(sizeBytes, S3_LIMITS.maxObjectSizeBytes), config.partSizeBytes).partSizeBytes
  const spread = Math.ceil(sizeBytes / (config.concurrency * 3) / MiB) * MiB
  return Math.max(partSized, Math.min(spread, MAX_DOWNLOAD_RANGE_BYTES))
}

/** Cuts the object into ranges: within each checksummed part for 'parts' (one range per SHA part), evenly otherwise. */
export function planRanges(header: { sizeBytes: number; partSizeBytes: number; verification: DownloadVerification }): Range[] {
  const ranges: Range[] = []
  const add = (start: number, length: number, step: number, part: number) => {
    for (let offset = 0; offset < length; offset += step) {
      ranges.push({ i: ranges.length, offsetBytes: start + offset, lengthBytes: Math.min(step, length - offset), part })
    }
  }
  const { verification } = header
  if (verification.method === 'parts') {
    let start = 0
    verification.parts.forEach((part, index) => {
      add(start, part.sizeBytes, isCrcAlgorithm(verification.algorithm) ? header.partSizeBytes : Math.max(1, part.sizeBytes), index)
      start += part.sizeBytes
    })
  } else {
    add(0, header.sizeBytes, header.partSizeBytes, 0)
  }
  return ranges
}
