/**
 * Uploads and downloads. Local file paths stay in main: a drop (or the OS file dialog) is registered in
 * main under a drop id, and the renderer only ever sees names and sizes. Progress arrives as
 * `transfers.updated` events (≈ 5 per second) with bytes that never go backwards.
 */
import { z } from 'zod'
import { operation } from './contract'
import { ProfileId, TimestampMs, WellFormed } from './common'
import { BucketName, ObjectKey, Prefix } from './s3'

export const TransferState = z.enum(['queued', 'running', 'paused', 'waiting-for-network', 'verifying', 'done', 'failed', 'cancelled'])

export const TransferView = z.object({
  jobId: z.string(),
  kind: z.enum(['upload', 'download']),
  profileId: z.string(),
  bucket: z.string(),
  key: z.string(),
  /** The local file's name (not its path). */
  fileName: z.string(),
  state: TransferState,
  /** Bytes sent or received so far, confirmed or on their way; never decreases, retried bytes are not counted twice. */
  bytesDone: z.number().nonnegative(),
  bytesTotal: z.number().nonnegative(),
  bytesPerSecond: z.number().nonnegative(),
  etaSeconds: z.number().nonnegative().optional(),
  partsDone: z.number().int().nonnegative(),
  partsTotal: z.number().int().nonnegative(),
  checksum: z.object({ algorithm: z.string(), value: z.string(), verified: z.boolean() }).optional(),
  /** Why the job started over (the source file changed), in words. */
  restartReason: z.string().optional(),
  error: z.object({ code: z.string(), message: z.string(), retryable: z.boolean() }).optional(),
  batchId: z.string().optional(),
  updatedAtMs: TimestampMs,
})
export type TransferView = z.infer<typeof TransferView>

export const DroppedItem = z.object({ name: z.string(), isDirectory: z.boolean(), files: z.number().int(), bytes: z.number() })

/** Below this a part of 5 MiB takes minutes and S3 drops the connection; 0 still means unlimited. */
export const MIN_BANDWIDTH_MIBPS = 0.1

export const UploadConflictPolicy = z.enum(['overwrite', 'skip', 'rename'])

const JobId = WellFormed('jobId').min(1, 'jobId must not be empty').max(64)
const DropId = WellFormed('dropId').min(1, 'dropId must not be empty').max(64)
const JobRef = z.object({ jobId: JobId }).strict()

/** The settings a user may change, in the units people think in. */
export const TransferSettings = z
  .object({
    /** Requests in flight across all transfers (1–64). */
    concurrency: z.number().int().min(1, 'concurrency must be at least 1').max(64, 'concurrency must be at most 64'),
    /** Preferred part size in MiB (5–5,120); grows by itself for files too big for 10,000 parts. */
    partSizeMiB: z
      .number()
      .int()
      .min(5, 'parts must be at least 5 MiB (S3’s minimum)')
      .max(5120, 'parts must be at most 5,120 MiB (5 GiB)'),
    /** Total bandwidth in MiB/s across all transfers; 0 means unlimited, else at least 0.1 MiB/s (slower stalls S3's timeouts). */
    maxBandwidthMiBps: z
      .number()
      .min(0, 'bandwidth must not be negative')
      .max(100_000, 'bandwidth must be at most 100,000 MiB/s')
      .refine((v) => v === 0 || v >= MIN_BANDWIDTH_MIBPS, `bandwidth must be 0 (unlimited) or at least ${MIN_BANDWIDTH_MIBPS} MiB/s`),
  })
  .strict()
export type TransferSettings = z.infer<typeof TransferSettings>

export const transfersApi = {
  list: operation({ input: z.object({}).strict(), output: z.object({ transfers: z.array(TransferView) }) }),
  /** Current settings and their defaults. */
  settings: operation({ input: z.object({}).strict(), output: z.object({ current: TransferSettings, defaults: TransferSettings }) }),
  /** Changes settings; they apply at once (concurrency, bandwidth) or to the next parts plan (part size), and persist. */
  updateSettings: operation({ input: TransferSettings, output: z.object({ current: TransferSettings }) }),
  /** Opens the OS file dialog in main; the chosen files become a drop like a drag-and-drop. */
  chooseFiles: operation({
    input: z.object({ folders: z.boolean().default(false) }).strict(),
    output: z.object({ dropId: z.string().optional(), items: z.array(DroppedItem) }),
  }),
  /** What uploading a drop into a folder would do: files, bytes, and keys that already exist. */
  planUpload: operation({
    input: z.object({ dropId: DropId, profileId: ProfileId, bucket: BucketName, prefix: Prefix }).strict(),
    output: z.object({
      files: z.number().int(),
      bytes: z.number(),
      /** Destination keys that exist already (the first 1,000), and how many in all. */
      conflicts: z.array(z.string()),
      conflictCount: z.number().int(),
      /**
       * Files whose key another file of this drop already has (names that differ only in Unicode form,
       * NFC and NFD): their keys are in `conflicts` too, and they are skipped or kept as "name (n)".
       */
      twins: z.array(z.object({ name: z.string(), sameKeyAs: z.string(), key: z.string() })),
      /** Files that cannot be uploaded (unreadable, key over 1,024 bytes, over 5 TiB), with the reason. */
      refused: z.array(z.object({ name: z.string(), reason: z.string() })),
    }),
    cancellable: true,
  }),
  /** Uploads a drop into a folder, keeping the dropped folders' structure. */
  startUpload: operation({
    input: z
      .object({ dropId: DropId, profileId: ProfileId, bucket: BucketName, prefix: Prefix, onConflict: UploadConflictPolicy })
      .strict(),
    output: z.object({
      batchId: z.string(),
      jobs: z.number().int(),
      skipped: z.number().int(),
      /** Files kept under another key than planned ("name (n).ext"): which file, and its key. */
      renamed: z.array(z.object({ name: z.string(), key: z.string() })),
      /** Files not uploaded at all, with the reason (as planUpload listed them). */
      refused: z.array(z.object({ name: z.string(), reason: z.string() })),
    }),
  }),
  /** Downloads keys and prefixes into a folder the user picks in the OS dialog (main opens it). */
  download: operation({
    input: z
      .object({
        profileId: ProfileId,
        bucket: BucketName,
        /** Local paths mirror keys below this prefix. */
        sourcePrefix: Prefix.default(''),
        keys: z.array(ObjectKey).max(100_000).default([]),
        prefixes: z.array(Prefix).max(1_000).default([]),
      })
      .strict(),
    output: z.object({
      batchId: z.string().optional(),
      jobs: z.number().int(),
      /** Keys that cannot become local files (e.g. `../`), with the reason; nothing is written for them. */
      refused: z.array(z.object({ key: z.string(), reason: z.string() })),
      /** Files already in the folder are never overwritten: this many downloads were saved as "name (n).ext". */
      renamed: z.number().int(),
      /** The user closed the folder dialog. */
      cancelled: z.boolean(),
    }),
  }),
  pause: operation({ input: JobRef, output: z.object({ ok: z.literal(true) }) }),
  resume: operation({ input: JobRef, output: z.object({ ok: z.literal(true) }) }),
  retry: operation({ input: JobRef, output: z.object({ ok: z.literal(true) }) }),
  cancel: operation({ input: JobRef, output: z.object({ ok: z.literal(true) }) }),
  /** Forgets finished jobs (done, failed, cancelled) from the panel. */
  clearFinished: operation({ input: z.object({}).strict(), output: z.object({ removed: z.number().int() }) }),
  /** Reveals a finished download in the OS file manager. */
  showInFolder: operation({ input: JobRef, output: z.object({ ok: z.literal(true) }) }),
  /**
   * For dragging an object out of the window: a short-lived presigned URL in the `DownloadURL` format
   * Chromium drags to the desktop (`mime:name:url`). The URL is a one-time loopback address that main
   * redirects to a presigned one, so the page never holds a signature or session token.
   */
  dragOut: operation({
    input: z.object({ profileId: ProfileId, bucket: BucketName, key: ObjectKey }).strict(),
    output: z.object({ downloadUrl: z.string() }),
  }),
}
