/**
 * Bulk operations (copy, move, delete of many keys) run in main as jobs: the call returns a job id at
 * once, progress arrives as `job.progress` events (throttled), and the final summary — including every
 * key that failed and why — as `job.done`. Cancelling stops the job between keys; finished keys stay done.
 */
import { z } from 'zod'
import { operation } from './contract'
import { WellFormed } from './common'
import { KeyFailure } from './s3'

/** 'abort-uploads': aborting incomplete multipart uploads (thousands of calls), shown with progress like the others. */
export const JobKind = z.enum(['copy', 'move', 'delete', 'abort-uploads'])

export const JobSnapshot = z.object({
  jobId: z.string(),
  kind: JobKind,
  profileId: z.string(),
  bucket: z.string(),
  state: z.enum(['running', 'done', 'failed', 'cancelled']),
  /** Keys found so far (grows while prefixes are listed). */
  total: z.number().int().nonnegative(),
  /** Keys finished, successfully or not. */
  done: z.number().int().nonnegative(),
  /** Of those, keys left alone because the destination existed (onConflict 'skip'). */
  skipped: z.number().int().nonnegative().optional(),
  bytesDone: z.number().int().nonnegative(),
  /** The first failures (up to 1,000), and how many there were in all. */
  failures: z.array(KeyFailure),
  failureCount: z.number().int().nonnegative(),
  /** Delete in a versioned bucket: objects got delete markers, older versions remain. */
  deleteMarkers: z.boolean().optional(),
  /** Conflicts found with onConflict 'fail' (nothing was changed). */
  conflicts: z.array(z.string()).optional(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
})
export type JobSnapshot = z.infer<typeof JobSnapshot>

/**
 * A watch: main polling AWS until something finishes there (an invalidation, a DNS change reaching
 * INSYNC, a pipeline run). Changes arrive as `watch.changed` events.
 */
export const WatchSnapshot = z.object({
  watchId: z.string(),
  kind: z.enum(['cloudfront.invalidation', 'route53.change', 'codepipeline.execution']),
  profileId: z.string(),
  /** What is watched, e.g. an invalidation id. */
  subject: z.string(),
  state: z.enum(['watching', 'done', 'failed', 'cancelled']),
  /** The service's last word on it (InProgress, PENDING, INSYNC, Succeeded…). */
  status: z.string(),
  checks: z.number().int().nonnegative(),
  startedAtMs: z.number(),
  finishedAtMs: z.number().optional(),
  /** The last poll failed for a passing reason (offline, throttled); the watch carries on. */
  lastError: z.string().optional(),
  /** Why it ended as failed. */
  error: z.string().optional(),
})
export type WatchSnapshot = z.infer<typeof WatchSnapshot>

export const jobsApi = {
  list: operation({ input: z.object({}).strict(), output: z.object({ jobs: z.array(JobSnapshot) }) }),
  cancel: operation({
    input: z.object({ jobId: WellFormed('jobId').min(1, 'jobId must not be empty').max(64) }).strict(),
    output: z.object({ cancelled: z.boolean() }),
  }),
  /** Watches running or recently ended, newest first. */
  watches: operation({ input: z.object({}).strict(), output: z.object({ watches: z.array(WatchSnapshot) }) }),
  /** Stops watching (what is watched carries on at AWS). */
  cancelWatch: operation({
    input: z.object({ watchId: WellFormed('watchId').min(1, 'watchId must not be empty').max(64) }).strict(),
    output: z.object({ cancelled: z.boolean() }),
  }),
}
