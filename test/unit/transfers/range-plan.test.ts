/** How downloads are cut into ranged GETs; expected values worked out by hand from the rules in range-plan.ts. */
import { describe, expect, it } from 'vitest'
import { MiB } from '../../../src-main/transfers/config'
import { downloadRangeBytes, planRanges } from '../../../src-main/transfers/range-plan'

const GiB = 1024 * MiB
const TiB = 1024 * GiB

describe('downloadRangeBytes', () => {
  const config = { partSizeBytes: 8 * MiB, concurrency: 8 }
  it.each([
    ['an empty object keeps the part size', 0, 8 * MiB],
    ['a small object keeps the part size', 3 * MiB, 8 * MiB],
    ['1 GiB: three ranges per slot, rounded up to whole MiB (ceil(1024 / 24) = 43)', GiB, 43 * MiB],
    ['10 GiB: capped at 64 MiB', 10 * GiB, 64 * MiB],
    ['5 TiB: never below the part size that fits 10,000 parts (ceil(5 TiB / 10,000) = 525 MiB)', 5 * TiB, 525 * MiB],
  ])('%s', (_, size, expected) => {
    expect(downloadRangeBytes(size, config)).toBe(expected)
  })
})

describe('planRanges', () => {
  it('cuts an object checked as a whole into even ranges, the last one shorter', () => {
    expect(planRanges({ sizeBytes: 20 * MiB, partSizeBytes: 8 * MiB, verification: { method: 'none', reason: 'test' } })).toEqual([
      { i: 0, offsetBytes: 0, lengthBytes: 8 * MiB, part: 0 },
      { i: 1, offsetBytes: 8 * MiB, lengthBytes: 8 * MiB, part: 0 },
      { i: 2, offsetBytes: 16 * MiB, lengthBytes: 4 * MiB, part: 0 },
    ])
  })

  it('plans nothing for an empty object', () => {
    expect(
      planRanges({
        sizeBytes: 0,
        partSizeBytes: 8 * MiB,
        verification: { method: 'md5', expectedEtag: 'd41d8cd98f00b204e9800998ecf8427e' },
      }),
    ).toEqual([])
  })

  it('keeps CRC-checked ranges inside their part, so part checksums combine', () => {
    const parts = [
      { sizeBytes: 10 * MiB, checksum: 'a' },
      { sizeBytes: 6 * MiB, checksum: 'b' },
    ]
    expect(
      planRanges({ sizeBytes: 16 * MiB, partSizeBytes: 4 * MiB, verification: { method: 'parts', algorithm: 'CRC32', parts } }),
    ).toEqual([
      { i: 0, offsetBytes: 0, lengthBytes: 4 * MiB, part: 0 },
      { i: 1, offsetBytes: 4 * MiB, lengthBytes: 4 * MiB, part: 0 },
      { i: 2, offsetBytes: 8 * MiB, lengthBytes: 2 * MiB, part: 0 },
      { i: 3, offsetBytes: 10 * MiB, lengthBytes: 4 * MiB, part: 1 },
      { i: 4, offsetBytes: 14 * MiB, lengthBytes: 2 * MiB, part: 1 },
    ])
  })

  it('fetches a SHA-checked part as one range (SHA states cannot be combined)', () => {
    const parts = [
      { sizeBytes: 10 * MiB, checksum: 'a' },
      { sizeBytes: 6 * MiB, checksum: 'b' },
    ]
    expect(
      planRanges({ sizeBytes: 16 * MiB, partSizeBytes: 4 * MiB, verification: { method: 'parts', algorithm: 'SHA256', parts } }),
    ).toEqual([
      { i: 0, offsetBytes: 0, lengthBytes: 10 * MiB, part: 0 },
      { i: 1, offsetBytes: 10 * MiB, lengthBytes: 6 * MiB, part: 1 },
    ])
  })
})
