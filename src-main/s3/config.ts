/** Tuning of the S3 browser's operations, with documented defaults and units; validated when built. */

const MiB = 1024 * 1024
const GiB = 1024 * MiB

export interface S3Config {
  /** CopyObject copies sources up to 5 GiB (S3's limit); larger ones are copied part by part with UploadPartCopy. */
  copyObjectMaxBytes: number
  /** Part size for UploadPartCopy; grows so that any object fits in 10,000 parts. */
  copyPartSizeBytes: number
  /** Copies between profiles stream one GetObject into one PutObject up to this size, multipart above. */
  streamSinglePutMaxBytes: number
  /** Part size for streamed multipart copies; each part is one ranged GET piped into one UploadPart. */
  streamPartSizeBytes: number
  /** Parts of one multipart copy in flight at once. */
  partConcurrency: number
  /** Keys copied, moved or checked at once in a bulk job. */
  keyConcurrency: number
  /** DeleteObjects calls (1,000 keys each) in flight at once. */
  deleteConcurrency: number
  /** The incomplete multipart uploads view lists at most this many uploads. */
  maxUploadsListed: number
  /** ListParts calls in flight at once when summing the parts of incomplete uploads. */
  listPartsConcurrency: number
  /** AbortMultipartUpload calls in flight at once (10,000 one by one take many seconds). */
  abortConcurrency: number
}

export const defaultS3Config: S3Config = {
  copyObjectMaxBytes: 5 * GiB,
  copyPartSizeBytes: 512 * MiB,
  streamSinglePutMaxBytes: 64 * MiB,
  streamPartSizeBytes: 64 * MiB,
  partConcurrency: 4,
  keyConcurrency: 8,
  deleteConcurrency: 4,
  maxUploadsListed: 10_000,
  listPartsConcurrency: 4,
  abortConcurrency: 32,
}

/** S3's part limits: 5 MiB to 5 GiB (the last part may be smaller), at most 10,000 parts. */
export const MIN_PART_BYTES = 5 * MiB
export const MAX_PART_BYTES = 5 * GiB
export const MAX_PARTS = 10_000

export function s3Config(overrides: Partial<S3Config> = {}): S3Config {
  const config = { ...defaultS3Config, ...overrides }
  for (const [name, value] of Object.entries(config)) {
    if (!Number.isInteger(value) || value < 1) throw new Error(`S3Config.${name} must be a positive integer (got ${value})`)
  }
  for (const name of ['copyPartSizeBytes', 'streamPartSizeBytes'] as const) {
    if (config[name] < MIN_PART_BYTES || config[name] > MAX_PART_BYTES) throw new Error(`S3Config.${name} must be between 5 MiB and 5 GiB`)
  }
  if (config.copyObjectMaxBytes > 5 * GiB)
    throw new Error('S3Config.copyObjectMaxBytes must be at most 5 GiB: CopyObject refuses larger sources')
  return config
}

/** The part size for an object: the configured size, grown so the object fits in MAX_PARTS parts. */
export function partSizeFor(sizeBytes: number, preferredBytes: number): number {
  return Math.max(preferredBytes, Math.ceil(sizeBytes / MAX_PARTS / MiB) * MiB)
}
