/**
 * The transfer engine's settings: one object, validated when built, units in every name, defaults
 * documented here (after s3transfer's TransferConfig).
 */
import { z } from 'zod'

export const KiB = 1024
export const MiB = 1024 * KiB
export const GiB = 1024 * MiB
export const TiB = 1024 * GiB

/** S3's own limits (https://docs.aws.amazon.com/AmazonS3/latest/userguide/qfacts.html). */
export const S3_LIMITS = {
  minPartSizeBytes: 5 * MiB,
  maxPartSizeBytes: 5 * GiB,
  maxParts: 10_000,
  maxObjectSizeBytes: 5 * TiB,
  maxPutObjectSizeBytes: 5 * GiB,
} as const

export const TransferConfigSchema = z
  .object({
    /** Requests in flight across all jobs together (the app's clients allow 64 sockets per profile). Default 10. */
    concurrency: z.number().int().min(1).max(64).default(10),
    /**
     * Preferred part size for multipart uploads and ranged downloads. Grows by itself for files too big to
     * fit 10,000 parts. Memory in use stays about concurrency × partSizeBytes. Default 8 MiB.
     */
    partSizeBytes: z
      .number()
      .int()
      .min(S3_LIMITS.minPartSizeBytes)
      .max(S3_LIMITS.maxPartSizeBytes)
      .default(8 * MiB),
    /** Files of at least this size go multipart; smaller ones use one PutObject. Default 8 MiB. */
    multipartThresholdBytes: z
      .number()
      .int()
      .min(1)
      .max(S3_LIMITS.maxPutObjectSizeBytes)
      .default(8 * MiB),
    /** Total bytes per second across all jobs, both directions; 0 means unlimited. Default 0. */
    maxBandwidthBytesPerSecond: z.number().int().min(0).default(0),
    /** Tries per request (part, PutObject, ranged GET) before the job fails. Default 8. */
    maxAttempts: z.number().int().min(1).max(100).default(8),
    /** First retry waits up to this long; each further retry doubles the ceiling (full jitter). Default 250 ms. */
    baseRetryDelayMs: z.number().int().min(0).default(250),
    /** Ceiling of any single retry delay. Default 20 s. */
    maxRetryDelayMs: z.number().int().min(0).default(20_000),
    /** A request that moves no bytes for this long is aborted and retried. Default 30 s. */
    stallTimeoutMs: z.number().int().min(100).default(30_000),
    /** Checksum sent with every part and verified on complete. CRC32 is native in Node (zlib), so it is the default. */
    checksumAlgorithm: z.enum(['CRC32', 'CRC32C']).default('CRC32'),
    /** How often subscribers get progress for running jobs. Default 200 ms (5 per second). */
    progressIntervalMs: z.number().int().min(50).max(1_000).default(200),
  })
  .strict()
  .refine((config) => config.maxRetryDelayMs >= config.baseRetryDelayMs, {
    message: 'maxRetryDelayMs must be at least baseRetryDelayMs',
    path: ['maxRetryDelayMs'],
  })

export type TransferConfig = z.output<typeof TransferConfigSchema>

/** Validates a partial config and fills in the defaults; throws a ZodError that names the broken limit. */
export function resolveTransferConfig(partial: Partial<TransferConfig> = {}): TransferConfig {
  return TransferConfigSchema.parse(partial)
}
