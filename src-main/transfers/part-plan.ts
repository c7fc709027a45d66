/**
 * How a file is cut into multipart parts. Pure arithmetic, so every size from 0 B to 5 TiB can be checked.
 *
 * The preferred part size grows, in whole MiB, to ceil(size / 10,000) when the file would otherwise need
 * more than 10,000 parts. Rounding up (never floor-dividing, the lib-storage bug) is what keeps a file one
 * byte over 10,000 × P inside the limit.
 */
import { MiB, S3_LIMITS } from './config'

export interface PartPlan {
  sizeBytes: number
  partSizeBytes: number
  /** At least 1: an empty file is one empty part (sent as a single PutObject). */
  partCount: number
}

export interface ByteRange {
  /** 1-based, as S3 numbers parts. */
  partNumber: number
  offsetBytes: number
  lengthBytes: number
}

export class PartPlanError extends Error {
  override readonly name = 'PartPlanError'
}

export function planParts(sizeBytes: number, preferredPartSizeBytes: number): PartPlan {
  if (!Number.isSafeInteger(sizeBytes) || sizeBytes < 0)
    throw new PartPlanError(`file size must be a whole number of bytes, got ${sizeBytes}`)
  if (sizeBytes > S3_LIMITS.maxObjectSizeBytes) {
    throw new PartPlanError(`file is ${sizeBytes} bytes; S3 objects can be at most 5 TiB (${S3_LIMITS.maxObjectSizeBytes} bytes)`)
  }
  if (preferredPartSizeBytes < S3_LIMITS.minPartSizeBytes || preferredPartSizeBytes > S3_LIMITS.maxPartSizeBytes) {
    throw new PartPlanError(`part size must be between 5 MiB and 5 GiB, got ${preferredPartSizeBytes} bytes`)
  }
  const smallestFitting = Math.ceil(Math.ceil(sizeBytes / S3_LIMITS.maxParts) / MiB) * MiB
  const partSizeBytes = Math.max(preferredPartSizeBytes, smallestFitting)
  const partCount = Math.max(1, Math.ceil(sizeBytes / partSizeBytes))
  return { sizeBytes, partSizeBytes, partCount }
}

export function partRange(plan: PartPlan, partNumber: number): ByteRange {
  if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > plan.partCount) {
    throw new RangeError(`part ${partNumber} is outside 1..${plan.partCount}`)
  }
  const offsetBytes = (partNumber - 1) * plan.partSizeBytes
  return { partNumber, offsetBytes, lengthBytes: Math.min(plan.partSizeBytes, plan.sizeBytes - offsetBytes) }
}

export function allRanges(plan: PartPlan): ByteRange[] {
  return Array.from({ length: plan.partCount }, (_, index) => partRange(plan, index + 1))
}
