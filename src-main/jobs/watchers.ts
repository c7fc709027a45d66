/**
 * Long work that is not a bulk job but waiting on AWS: a CloudFront invalidation until Completed, a
 * Route 53 change until INSYNC, a pipeline execution until it ends. A watch polls a `check` with
 * backoff (2 s, 4 s, 8 s … up to 30 s), announces each change of status as a `watch.changed` event,
 * and ends when the check says so, when it fails for a reason polling cannot fix, or when cancelled.
 *
 * A watch belongs to the profile it was started for, not to the active one: switching profile in the
 * window neither stops it nor points it elsewhere. A check that finds the network gone just waits for
 * the next poll.
 */
import { randomUUID } from 'node:crypto'
import type { AppEvent } from '../api/events'
import type { WatchSnapshot } from '../api/jobs'
import { toApiError } from '../core/errors'

/** What one poll found. */
export interface WatchCheck {
  /** The service's own words, e.g. "InProgress", "PENDING", "Succeeded". */
  status: string
  /** True when the awaited state is reached (or the watched thing ended for good). */
  done: boolean
  /** When done: the thing ended badly (a failed pipeline run); the message says why. */
  failure?: string
}

export interface WatchSpec {
  kind: WatchSnapshot['kind']
  profileId: string
  /** What the window shows, e.g. the invalidation id. */
  subject: string
  check(signal: AbortSignal): Promise<WatchCheck>
}

export interface WatchersOptions {
  emit: (event: AppEvent) => void
  setTimer?: (fn: () => void, ms: number) => { cancel(): void }
  nowMs?: () => number
  initialDelayMs?: number
  maxDelayMs?: number
  /** Finished watches kept for jobs.watches. */
  keepFinished?: number
}

/** Errors a later poll can get past; anything else ends the watch. */
const TRANSIENT = new Set(['offline', 'interrupted', 'throttled', 'internal'])

interface Watch {
  snapshot: WatchSnapshot
  spec: WatchSpec
  controller: AbortController
  delayMs: number
  timer?: { cancel(): void }
}

const defaultTimer = (fn: () => void, ms: number) => {
  const handle = setTimeout(fn, ms)
  handle.unref?.()
  return { cancel: () => clearTimeout(handle) }
}

export class Watchers {
  private readonly watches = new Map<string, Watch>()
  private readonly setTimer: NonNullable<WatchersOptions['setTimer']>
  private readonly nowMs: () => number
  private readonly initialDelayMs: number
  private readonly maxDelayMs: number
  private closed = false

  constructor(private readonly options: WatchersOptions) {
    this.setTimer = options.setTimer ?? defaultTimer
    this.nowMs = options.nowMs ?? Date.now
    this.initialDelayMs = options.initialDelayMs ?? 2_000
    this.maxDelayMs = options.maxDelayMs ?? 30_000
  }

  /** Starts watching; the first check runs after the initial delay (the change was just submitted). */
  start(spec: WatchSpec): string {
    if (this.closed) throw new Error('watchers are closed')
    const watchId = randomUUID()
    const watch: Watch = {
      spec,
      controller: new AbortController(),
      delayMs: this.initialDelayMs,
      snapshot: {
        watchId,
        kind: spec.kind,
        profileId: spec.profileId,
        subject: spec.subject,
        state: 'watching',
        status: 'submitted',
        checks: 0,
        startedAtMs: this.nowMs(),
      },
    }
    this.watches.set(watchId, watch)
    this.announce(watch)
    this.schedule(watch)
    return watchId
  }

  /** Stops a watch (the thing itself carries on at AWS); false if unknown or already ended. */
  cancel(watchId: string): boolean {
    const watch = this.watches.get(watchId)
    if (!watch || watch.snapshot.state !== 'watching') return false
    this.finish(watch, 'cancelled')
    return true
  }

  /** Newest first. */
  list(): WatchSnapshot[] {
    return [...this.watches.values()].reverse().map((watch) => ({ ...watch.snapshot }))
  }

  /** Stops every watch (app shutdown); nothing is announced. */
  close(): void {
    this.closed = true
    for (const watch of this.watches.values()) {
      watch.timer?.cancel()
      watch.controller.abort()
    }
  }

  private schedule(watch: Watch): void {
    const delay = watch.delayMs
    watch.delayMs = Math.min(watch.delayMs * 2, this.maxDelayMs)
    watch.timer = this.setTimer(() => {
      watch.timer = undefined
      void this.poll(watch)
    }, delay)
  }

  private async poll(watch: Watch): Promise<void> {
    if (watch.snapshot.state !== 'watching') return
    let result: WatchCheck | undefined
    let error: ReturnType<typeof toApiError> | undefined
    try {
      result = await watch.spec.check(watch.controller.signal)
    } catch (thrown) {
      error = toApiError(thrown)
    }
    if (watch.snapshot.state !== 'watching') return
    watch.snapshot.checks++
    if (result) {
      const changed = result.status !== watch.snapshot.status
      watch.snapshot.status = result.status
      watch.snapshot.lastError = undefined
      if (result.done) return this.finish(watch, result.failure ? 'failed' : 'done', result.failure)
      if (changed) this.announce(watch)
    } else if (error && !TRANSIENT.has(error.code)) {
      return this.finish(watch, 'failed', error.message)
    } else if (error) {
      watch.snapshot.lastError = error.message
      this.announce(watch)
    }
    this.schedule(watch)
  }

  private finish(watch: Watch, state: Exclude<WatchSnapshot['state'], 'watching'>, message?: string): void {
    watch.timer?.cancel()
    watch.controller.abort()
    watch.snapshot.state = state
    watch.snapshot.finishedAtMs = this.nowMs()
    if (message) watch.snapshot.error = message
    this.announce(watch)
    this.prune()
  }

  private announce(watch: Watch): void {
    if (!this.closed) this.options.emit({ type: 'watch.changed', watch: { ...watch.snapshot } })
  }

  private prune(): void {
    const finished = [...this.watches.values()].filter((watch) => watch.snapshot.state !== 'watching')
    const keep = this.options.keepFinished ?? 50
    for (const watch of finished.slice(0, Math.max(0, finished.length - keep))) this.watches.delete(watch.snapshot.watchId)
  }
}
