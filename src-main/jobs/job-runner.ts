/**
 * Runs bulk operations (copy, move, delete) as jobs in main: start() returns a job id at once, the work
 * reports what it found and finished through a JobContext, and the runner turns that into throttled
 * `job.progress` events and one `job.done`. Knows nothing about S3.
 */
import { setMaxListeners } from 'node:events'
import { randomUUID } from 'node:crypto'
import type { AppEvent } from '../api/events'
import type { JobSnapshot } from '../api/jobs'
import { toApiError } from '../core/errors'

type KeyFailure = JobSnapshot['failures'][number]
type JobKind = JobSnapshot['kind']

/** What a job's work sees: its cancellation signal and ways to report progress. */
export interface JobContext {
  /** Aborted by jobs.cancel; pass it to every request and check it between keys. */
  readonly signal: AbortSignal
  /** More keys were found (listing prefixes grows the total as it goes). */
  reportTotal(count: number): void
  /** Keys finished successfully, with the bytes they moved. */
  reportDone(count?: number, bytes?: number): void
  /** A key was left alone (its destination existed and the policy was skip); it counts as done. */
  reportSkipped(): void
  /** A key failed; it counts as finished and the job carries on. */
  reportFailure(failure: KeyFailure): void
  /** A delete in a versioned bucket: objects get delete markers, older versions remain. */
  reportDeleteMarkers(): void
  /** Destinations that exist (onConflict 'fail'); the work then throws a conflict error. */
  reportConflicts(keys: string[]): void
}

export interface JobRunnerOptions {
  emit: (event: AppEvent) => void
  /** At most one progress event per job per interval (≈ 4 per second). */
  progressIntervalMs?: number
  /** Finished jobs kept for jobs.list; running jobs are always kept. */
  keepFinished?: number
}

/** Only the first failures travel in snapshots; the count covers all. */
const MAX_FAILURES_LISTED = 1_000

interface Job {
  snapshot: JobSnapshot
  controller: AbortController
  lastEmitMs: number
  timer?: ReturnType<typeof setTimeout>
}

export class JobRunner {
  private readonly jobs = new Map<string, Job>()
  private readonly progressIntervalMs: number
  private readonly keepFinished: number

  constructor(private readonly options: JobRunnerOptions) {
    this.progressIntervalMs = options.progressIntervalMs ?? 250
    this.keepFinished = options.keepFinished ?? 100
  }

  /** Starts `run` in the background and returns its job id. */
  start(kind: JobKind, profileId: string, bucket: string, run: (context: JobContext) => Promise<void>): string {
    const jobId = randomUUID()
    const controller = new AbortController()
    // Every request of every key in flight listens on this one signal; Node's default of 10 would warn.
    setMaxListeners(0, controller.signal)
    const job: Job = {
      snapshot: { jobId, kind, profileId, bucket, state: 'running', total: 0, done: 0, bytesDone: 0, failures: [], failureCount: 0 },
      controller,
      lastEmitMs: 0,
    }
    this.jobs.set(jobId, job)
    void this.execute(job, run)
    return jobId
  }

  /**
   * Runs `run` as a job (progress events, listed, cancellable with jobs.cancel) and waits for it: for
   * work whose caller wants the outcome in its reply. `signal` (the call's own) cancels the job too.
   */
  async startAndWait<T>(
    kind: JobKind,
    profileId: string,
    bucket: string,
    signal: AbortSignal,
    run: (context: JobContext) => Promise<T>,
  ): Promise<T> {
    const outcome: { value?: T; error?: { thrown: unknown } } = {}
    let finished!: () => void
    const done = new Promise<void>((resolve) => (finished = resolve))
    const jobId = this.start(kind, profileId, bucket, async (context) => {
      try {
        outcome.value = await run(context)
      } catch (thrown) {
        outcome.error = { thrown }
        throw thrown
      } finally {
        finished()
      }
    })
    const cancel = () => this.cancel(jobId)
    signal.addEventListener('abort', cancel, { once: true })
    try {
      await done
    } finally {
      signal.removeEventListener('abort', cancel)
    }
    if (outcome.error) throw outcome.error.thrown
    return outcome.value as T
  }

  /** Cancels a running job; false if it is unknown or already finished. */
  cancel(jobId: string): boolean {
    const job = this.jobs.get(jobId)
    if (!job || job.snapshot.state !== 'running') return false
    job.controller.abort()
    return true
  }

  /** Cancels every running job (app shutdown): finished keys stay done, the rest is not started. */
  cancelAll(): void {
    for (const job of this.jobs.values()) if (job.snapshot.state === 'running') job.controller.abort()
  }

  /** Newest first. */
  list(): JobSnapshot[] {
    return [...this.jobs.values()].reverse().map((job) => copyOf(job.snapshot))
  }

  private async execute(job: Job, run: (context: JobContext) => Promise<void>): Promise<void> {
    const s = job.snapshot
    const changed = () => this.progress(job)
    const context: JobContext = {
      signal: job.controller.signal,
      reportTotal: (count) => {
        s.total += count
        changed()
      },
      reportDone: (count = 1, bytes = 0) => {
        s.done += count
        s.bytesDone += bytes
        // Keys can appear after they were counted (a prefix grew): the total never trails what is done.
        s.total = Math.max(s.total, s.done)
        changed()
      },
      reportSkipped: () => {
        s.skipped = (s.skipped ?? 0) + 1
        s.done++
        s.total = Math.max(s.total, s.done)
        changed()
      },
      reportFailure: (failure) => {
        if (s.failures.length < MAX_FAILURES_LISTED) s.failures.push(failure)
        s.failureCount++
        s.done++
        s.total = Math.max(s.total, s.done)
        changed()
      },
      reportDeleteMarkers: () => {
        s.deleteMarkers = true
      },
      reportConflicts: (keys) => {
        s.conflicts = keys.slice(0, MAX_FAILURES_LISTED)
      },
    }
    try {
      await run(context)
      s.state = 'done'
    } catch (thrown) {
      const error = toApiError(thrown)
      s.state = job.controller.signal.aborted || error.code === 'cancelled' ? 'cancelled' : 'failed'
      if (s.state === 'failed') s.error = { code: error.code, message: error.message }
    }
    clearTimeout(job.timer)
    this.options.emit({ type: 'job.done', job: copyOf(s) })
    this.prune()
  }

  /** Emits now if the interval has passed, else once at its end (trailing), so the last change always shows. */
  private progress(job: Job): void {
    if (job.timer || job.snapshot.state !== 'running') return
    const wait = job.lastEmitMs + this.progressIntervalMs - Date.now()
    const emit = () => {
      job.timer = undefined
      if (job.snapshot.state !== 'running') return
      job.lastEmitMs = Date.now()
      this.options.emit({ type: 'job.progress', job: copyOf(job.snapshot) })
    }
    if (wait <= 0) emit()
    else job.timer = setTimeout(emit, wait)
  }

  private prune(): void {
    const finished = [...this.jobs.values()].filter((job) => job.snapshot.state !== 'running')
    for (const job of finished.slice(0, Math.max(0, finished.length - this.keepFinished))) this.jobs.delete(job.snapshot.jobId)
  }
}

/** Events and list() hand out copies: the job keeps changing after they leave. */
function copyOf(snapshot: JobSnapshot): JobSnapshot {
  return { ...snapshot, failures: [...snapshot.failures], conflicts: snapshot.conflicts && [...snapshot.conflicts] }
}
