import { describe, expect, it } from 'vitest'
import { GiB, MiB, S3_LIMITS, TiB } from '../../../src-main/transfers/config'
import { PartPlanError, allRanges, partRange, planParts, type PartPlan } from '../../../src-main/transfers/part-plan'

const CANDIDATE_PART_SIZES = [5 * MiB, 8 * MiB, 16 * MiB, 64 * MiB, 100 * MiB, 512 * MiB, 5 * GiB]

/** The invariants S3 enforces, checked without materialising 10,000 ranges where a formula will do. */
function expectValid(plan: PartPlan): void {
  const { sizeBytes, partSizeBytes, partCount } = plan
  expect(partCount).toBeGreaterThanOrEqual(1)
  expect(partCount).toBeLessThanOrEqual(S3_LIMITS.maxParts)
  if (partCount > 1) {
    expect(partSizeBytes).toBeGreaterThanOrEqual(S3_LIMITS.minPartSizeBytes)
    expect(partSizeBytes).toBeLessThanOrEqual(S3_LIMITS.maxPartSizeBytes)
  }
  const first = partRange(plan, 1)
  const last = partRange(plan, partCount)
  expect(first.offsetBytes).toBe(0)
  // Every non-last part is exactly partSizeBytes, so the last one must end exactly at the file's end.
  expect(last.offsetBytes).toBe((partCount - 1) * partSizeBytes)
  expect(last.offsetBytes + last.lengthBytes).toBe(sizeBytes)
  expect(last.lengthBytes).toBeGreaterThan(sizeBytes === 0 ? -1 : 0)
  expect(last.lengthBytes).toBeLessThanOrEqual(partSizeBytes)
}

describe('planParts', () => {
  it('covers a small file exactly, range by range', () => {
    const plan = planParts(5 * MiB * 3 + 17, 5 * MiB)
    const ranges = allRanges(plan)
    expect(ranges.map((r) => r.lengthBytes)).toEqual([5 * MiB, 5 * MiB, 5 * MiB, 17])
    ranges.forEach((range, index) => expect(range.offsetBytes).toBe(index * 5 * MiB))
  })

  it('keeps every boundary size within S3 limits for every candidate part size', () => {
    const sizes = [0, 1, 5 * MiB - 1, 5 * MiB, 5 * MiB + 1, 5 * GiB, 5 * TiB, 5 * TiB - 1, 60_000 * MiB + 1, 60_000 * MiB]
    for (const part of CANDIDATE_PART_SIZES) sizes.push(10_000 * part - 1, 10_000 * part, 10_000 * part + 1, part - 1, part, part + 1)
    for (const preferred of CANDIDATE_PART_SIZES) {
      for (const size of sizes) {
        if (size < 0 || size > 5 * TiB) continue
        const plan = planParts(size, preferred)
        expectValid(plan)
        expect(plan.partSizeBytes).toBeGreaterThanOrEqual(preferred)
      }
    }
  })

  it('holds for 20,000 random sizes from 0 to 5 TiB', () => {
    let seed = 42
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31
    for (let i = 0; i < 20_000; i++) {
      // Spread over magnitudes: uniform on a log scale, so small and huge files are both well represented.
      const size = Math.floor(Math.exp(random() * Math.log(5 * TiB)))
      const preferred = CANDIDATE_PART_SIZES[Math.floor(random() * CANDIDATE_PART_SIZES.length)] as number
      expectValid(planParts(Math.min(size, 5 * TiB), preferred))
    }
  })

  it('fits the 60,000 MiB + 1 byte file that lib-storage splits into 10,001 parts', () => {
    const plan = planParts(60_000 * MiB + 1, 5 * MiB)
    expect(plan.partCount).toBeLessThanOrEqual(10_000)
    expect(plan.partSizeBytes % MiB).toBe(0)
    // lib-storage: partSize = max(5 MiB, floor(size / 10,000)) = 6 MiB, and ceil(size / 6 MiB) = 10,001.
    expect(Math.ceil((60_000 * MiB + 1) / Math.max(5 * MiB, Math.floor((60_000 * MiB + 1) / 10_000)))).toBe(10_001)
  })

  it('fits 5 TiB, and refuses one byte more before anything is sent', () => {
    expectValid(planParts(5 * TiB, 8 * MiB))
    expect(() => planParts(5 * TiB + 1, 8 * MiB)).toThrow(PartPlanError)
    expect(() => planParts(5 * TiB + 1, 8 * MiB)).toThrow(/at most 5 TiB/)
  })

  it('refuses part sizes S3 would refuse', () => {
    expect(() => planParts(100, 5 * MiB - 1)).toThrow(/between 5 MiB and 5 GiB/)
    expect(() => planParts(100, 5 * GiB + 1)).toThrow(/between 5 MiB and 5 GiB/)
    expect(() => planParts(-1, 5 * MiB)).toThrow(PartPlanError)
  })

  it('treats an empty file as one empty part', () => {
    const plan = planParts(0, 8 * MiB)
    expect(plan.partCount).toBe(1)
    expect(partRange(plan, 1)).toEqual({ partNumber: 1, offsetBytes: 0, lengthBytes: 0 })
    expect(() => partRange(plan, 2)).toThrow(RangeError)
  })
})
