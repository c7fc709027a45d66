/**
 * What the engine's callers see (requests, snapshots, subscriber) and what its journals hold. Requests are
 * validated with zod the moment they enter, so a bad one fails in the caller's stack, not later in a job.
 */
import path from 'node:path'
import { z } from 'zod'
import type { ApiError } from '../api/contract'
import { storageClasses } from '../api/s3'
import type { ChecksumAlgorithm } from './checksums'
import type { RetryInfo } from './retry'

const PLATFORMS = [
  'aix',
  'android',
  'darwin',
  'freebsd',
  'haiku',
  'linux',
  'openbsd',
  'sunos',
  'win32',
  'cygwin',
  'netbsd',
] as const satisfies readonly NodeJS.Platform[]

const absolutePath = z.string().refine((value) => path.isAbsolute(value), 'path must be absolute')
// Loose like the contract's: legacy us-east-1 buckets may have up to 255 characters.
const bucketName = z.string().min(3, 'bucket name must be at least 3 characters').max(255, 'bucket name must be at most 255 characters')
const objectKey = z
  .string()
  .min(1, 'key must not be empty')
  .refine((key) => Buffer.byteLength(key, 'utf8') <= 1024, 'key must be at most 1024 bytes of UTF-8')

export const UploadRequestSchema = z
  .object({
    profileId: z.string().min(1),
    bucket: bucketName,
    key: objectKey,
    filePath: absolutePath,
    contentType: z.string().max(1024).optional(),
    /** Cache-Control of the object (a site's publish sets it per file pattern). */
    cacheControl: z.string().max(1024).optional(),
    storageClass: z.enum(storageClasses).optional(),
    metadata: z.record(z.string(), z.string()).optional(),
  })
  .strict()
export type UploadRequest = z.input<typeof UploadRequestSchema>

export const DownloadRequestSchema = z
  .object({
    profileId: z.string().min(1),
    bucket: bucketName,
    key: objectKey,
    versionId: z.string().min(1).optional(),
    destinationPath: absolutePath,
    /** The folder the user chose: the file must land inside it even after symbolic links are followed. */
    withinDir: absolutePath.optional(),
    /**
     * The object's size as a listing reported it. A small object (at most one part) then skips HeadObject
     * and the journal: one GET, verified by the checksum or ETag it answers with.
     */
    sizeBytes: z.number().int().min(0).optional(),
  })
  .strict()
export type DownloadRequest = z.input<typeof DownloadRequestSchema>

export const DownloadPrefixRequestSchema = z
  .object({
    profileId: z.string().min(1),
    bucket: bucketName,
    prefix: z.string(),
    destinationDir: absolutePath,
    /** The folder the user chose (destinationDir or above it): files must stay inside it, links followed. */
    withinDir: absolutePath.optional(),
    /** Whose file-name rules apply; defaults to the running platform. */
    platform: z.enum(PLATFORMS).optional(),
  })
  .strict()
export type DownloadPrefixRequest = z.input<typeof DownloadPrefixRequestSchema>

export type TransferKind = 'upload' | 'download'
export type TransferState = 'queued' | 'running' | 'paused' | 'waiting-for-network' | 'verifying' | 'done' | 'failed' | 'cancelled'

export const FINISHED_STATES: ReadonlySet<TransferState> = new Set<TransferState>(['done', 'failed', 'cancelled'])

export interface ChecksumReport {
  /** 'MD5' when the endpoint gave no checksums and the ETag (an MD5 for non-KMS objects) was compared instead. */
  algorithm: ChecksumAlgorithm | 'MD5'
  type?: 'FULL_OBJECT' | 'COMPOSITE'
  /** Base64 for checksums (COMPOSITE ones with their -N suffix), the unquoted ETag for MD5. */
  value: string
  /** True once the local bytes' value equalled what S3 reports. */
  verified: boolean
}

/** Plain data for the UI: one job's state. */
export interface TransferSnapshot {
  jobId: string
  kind: TransferKind
  profileId: string
  bucket: string
  key: string
  /** The local file: the source of an upload, the destination of a download. */
  path: string
  state: TransferState
  /**
   * Bytes shown: confirmed (acknowledged by S3 and journaled, or fsynced to the temp file) plus those on
   * their way for parts not yet confirmed. Never decreases (a failed attempt's bytes are not shown twice);
   * only a restart lowers it.
   */
  bytesDone: number
  bytesTotal: number
  bytesPerSecond: number
  etaSeconds?: number
  error?: ApiError
  /** Why the job started over from zero (source file or object changed, upload vanished). */
  restartReason?: string
  partsDone: number
  partsTotal: number
  checksum?: ChecksumReport
  /** Requests sent again so far (the part, not the job, is retried). */
  retries: number
}

/**
 * Progress events, after s3transfer's subscribers. onProgress comes every progressIntervalMs for each running
 * job and at once on every state change; onDone once per finish (done, failed or cancelled).
 */
export interface TransferSubscriber {
  onQueued?(snapshot: TransferSnapshot): void
  onProgress?(snapshot: TransferSnapshot): void
  onDone?(snapshot: TransferSnapshot): void
  onRetry?(snapshot: TransferSnapshot, retry: RetryInfo): void
}

// ---- journals ----

/** What identifies a source file's contents without reading it. */
export interface FileIdentity {
  size: number
  mtimeMs: number
  ino: number
}

/** The engine log (jobs.jsonl): which jobs exist. A job's own log holds how far it got. */
export type EngineRecord =
  | { t: 'job'; jobId: string; kind: 'upload'; request: UploadRequest; createdAtMs: number }
  | { t: 'job'; jobId: string; kind: 'download'; request: DownloadRequest; createdAtMs: number }
  | { t: 'failed'; jobId: string; error: ApiError }
  | { t: 'retry'; jobId: string }
  /** Done or cancelled: nothing left to resume. */
  | { t: 'end'; jobId: string }

export type UploadRecord =
  | {
      t: 'upload'
      uploadId: string
      file: FileIdentity
      partSizeBytes: number
      /** Undefined when the endpoint refused checksums and parts are verified by ETag (MD5). */
      checksumAlgorithm?: 'CRC32' | 'CRC32C'
      restartReason?: string
    }
  | { t: 'part'; n: number; size: number; etag: string; checksum?: string; md5?: string }

export type DownloadVerification =
  /** FULL_OBJECT CRC: the range CRCs combine into the object's. */
  | { method: 'full-crc'; algorithm: 'CRC32' | 'CRC32C' | 'CRC64NVME'; expected: string }
  /**
   * Per-part checksums (from GetObjectAttributes for COMPOSITE objects, or the one part of a single PUT with a
   * SHA checksum), and for COMPOSITE the checksum of those checksums (`expected`, with its -N suffix).
   */
  | { method: 'parts'; algorithm: ChecksumAlgorithm; expected?: string; parts: Array<{ sizeBytes: number; checksum: string }> }
  /** No checksum, plain ETag: MD5 of the whole file, or of each part for a multipart ETag with equal parts. */
  | { method: 'md5'; expectedEtag: string; partSizeBytes?: number }
  | { method: 'none'; reason: string }

export type DownloadRecord =
  | {
      t: 'download'
      etag: string
      versionId?: string
      sizeBytes: number
      partSizeBytes: number
      verification: DownloadVerification
      restartReason?: string
    }
  | { t: 'range'; i: number; checksum?: string }
