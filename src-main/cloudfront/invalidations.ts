/**
 * Invalidations: the plan (counts, batches within CloudFront's limits, the month's cost), and the
 * queue that sends the batches and follows each to Completed.
 *
 * Limits (cloudfront-limits.md): at most 3,000 paths in one request; per distribution at most 3,000
 * individual paths and, separately, 15 wildcard paths in progress. Cost (PayingForInvalidation): the
 * first 1,000 paths a calendar month are free per account, across all distributions, then $0.005 a
 * path; a wildcard counts as one.
 *
 * The queue is kept in `<dataDir>/cloudfront/invalidations.json` (temp + fsync + rename): every batch's
 * paths, CallerReference and state. A batch is saved as 'sending' before it is sent, so a crash between
 * sending and saving the reply re-sends it with the same CallerReference, which CloudFront answers with
 * the invalidation already made. After a restart the queue resumes: sent batches are watched again,
 * queued ones are sent as room frees up. One OS notification when all of a request's batches are done.
 */
import { randomUUID } from 'node:crypto'
import { rename } from 'node:fs/promises'
import { basename } from 'node:path'
import {
  CreateInvalidationCommand,
  GetInvalidationCommand,
  ListInvalidationsCommand,
  type CloudFrontClient,
} from '@aws-sdk/client-cloudfront'
import { invalidationLimits, type InvalidationPlan, type InvalidationSummary } from '../api/cloudfront'
import { readJsonFile, writeFileAtomic } from '../core/atomic-file'
import { HaneulError } from '../core/errors'
import type { Watchers } from '../jobs/watchers'
import { codeOf, rethrowExplained } from './errors'
import type { PlannedPath } from './invalidation-paths'

const DAY_MS = 86_400_000
const isWildcard = (path: string) => path.endsWith('*')
const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`

// ---------------------------------------------------------------- usage: in progress, this month

export interface PathCounts {
  paths: number
  wildcards: number
}

/** Path counts of invalidations by profile and id: an invalidation's paths never change. */
export type PathCountCache = Map<string, PathCounts>

async function countsOf(
  client: CloudFrontClient,
  cache: PathCountCache,
  profileId: string,
  distributionId: string,
  invalidationId: string,
): Promise<PathCounts> {
  const key = `${profileId}\n${invalidationId}`
  const cached = cache.get(key)
  if (cached) return cached
  const reply = await client
    .send(new GetInvalidationCommand({ DistributionId: distributionId, Id: invalidationId }))
    .catch(rethrowExplained)
  const counts = pathCountsOf(reply.Invalidation?.InvalidationBatch?.Paths?.Items ?? [])
  cache.set(key, counts)
  return counts
}

/** The distribution's invalidations created at or after `sinceMs` (ListInvalidations is newest first). */
async function invalidationsSince(
  client: CloudFrontClient,
  distributionId: string,
  sinceMs: number,
): Promise<Array<{ id: string; status: string; createdMs: number }>> {
  const out: Array<{ id: string; status: string; createdMs: number }> = []
  let marker: string | undefined
  do {
    const page = await client
      .send(new ListInvalidationsCommand({ DistributionId: distributionId, Marker: marker, MaxItems: 100 }))
      .catch(rethrowExplained)
    const list = page.InvalidationList
    // Newest first: the first one older than `sinceMs` ends the listing (no further page is asked for).
    let older = false
    for (const item of list?.Items ?? []) {
      const createdMs = item.CreateTime?.getTime() ?? 0
      if (createdMs < sinceMs) {
        older = true
        break
      }
      out.push({ id: item.Id ?? '', status: item.Status ?? '', createdMs })
    }
    marker = !older && list?.IsTruncated ? list.NextMarker : undefined
  } while (marker)
  return out
}

export const monthStartUtc = (nowMs: number) => {
  const now = new Date(nowMs)
  return Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)
}

export interface Usage {
  /** Of the distribution being invalidated: paths and wildcards in progress now. */
  inProgress: PathCounts
  pathsThisMonth: number
  /** False when some distribution's invalidations could not be read (pathsThisMonth is a lower bound). */
  complete: boolean
}

/**
 * What is in progress on the distribution, and the paths invalidated this calendar month (UTC) across
 * every distribution of the account. In-progress invalidations are looked for in the last 7 days
 * (invalidations take minutes).
 */
export async function usage(
  client: CloudFrontClient,
  cache: PathCountCache,
  input: { profileId: string; distributionId: string; distributionIds: readonly string[]; nowMs: number },
): Promise<Usage> {
  const monthStart = monthStartUtc(input.nowMs)
  const inProgress: PathCounts = { paths: 0, wildcards: 0 }
  let pathsThisMonth = 0
  let complete = true
  const ids = input.distributionIds.includes(input.distributionId)
    ? input.distributionIds
    : [...input.distributionIds, input.distributionId]
  for (const distributionId of ids) {
    const target = distributionId === input.distributionId
    const since = target ? Math.min(monthStart, input.nowMs - 7 * DAY_MS) : monthStart
    try {
      for (const item of await invalidationsSince(client, distributionId, since)) {
        const counts = await countsOf(client, cache, input.profileId, distributionId, item.id)
        if (item.createdMs >= monthStart) pathsThisMonth += counts.paths
        if (target && item.status === 'InProgress') {
          inProgress.paths += counts.paths - counts.wildcards
          inProgress.wildcards += counts.wildcards
        }
      }
    } catch (error) {
      // The distribution being invalidated must be readable; another one that is not only makes the count a lower bound.
      if (target || ['offline', 'cancelled', 'credentials-expired', 'credentials-invalid'].includes(codeOf(error))) throw error
      complete = false
    }
  }
  return { inProgress, pathsThisMonth, complete }
}

/** How long a usage reading made for a plan also serves the send that follows it. */
export const USAGE_VALID_MS = 120_000

/**
 * The last usage reading per profile and distribution, so that a dry run and the send after it list the
 * account's invalidations once. The dry run (planInvalidation) always reads afresh: the cost it shows is
 * current. The send (createInvalidation) within USAGE_VALID_MS, in the same calendar month, batches from
 * that reading, with the invalidations Haneul sent or saw complete since counted in instead of listed
 * again. A reading that missed someone else's invalidation costs at worst a wait: CloudFront refuses a
 * batch over its in-progress limits (TooManyInvalidationsInProgress) and the queue keeps it and retries.
 */
export class UsageCache {
  private readonly entries = new Map<string, { readAtMs: number; usage: Usage }>()

  constructor(
    private readonly nowMs: () => number,
    private readonly validMs = USAGE_VALID_MS,
  ) {}

  /** The reading for this distribution if it is recent enough, as a copy. */
  recent(profileId: string, distributionId: string): Usage | undefined {
    const key = `${profileId}\n${distributionId}`
    const entry = this.entries.get(key)
    if (!entry) return undefined
    const now = this.nowMs()
    if (now - entry.readAtMs > this.validMs || monthStartUtc(now) !== monthStartUtc(entry.readAtMs)) {
      this.entries.delete(key)
      return undefined
    }
    return { ...entry.usage, inProgress: { ...entry.usage.inProgress } }
  }

  set(profileId: string, distributionId: string, usage: Usage): void {
    this.entries.set(`${profileId}\n${distributionId}`, {
      readAtMs: this.nowMs(),
      usage: { ...usage, inProgress: { ...usage.inProgress } },
    })
  }

  /** Haneul sent an invalidation: it counts in the month of every reading of the profile, and is in progress on its distribution. */
  sent(profileId: string, distributionId: string, counts: PathCounts): void {
    this.adjust(profileId, distributionId, counts, 1)
  }

  /** An invalidation Haneul watched has completed: no longer in progress. */
  completed(profileId: string, distributionId: string, counts: PathCounts): void {
    this.adjust(profileId, distributionId, counts, -1)
  }

  private adjust(profileId: string, distributionId: string, counts: PathCounts, sign: 1 | -1): void {
    for (const [key, { usage }] of this.entries) {
      if (!key.startsWith(`${profileId}\n`)) continue
      if (sign > 0) usage.pathsThisMonth += counts.paths
      if (key === `${profileId}\n${distributionId}`) {
        usage.inProgress.paths = Math.max(0, usage.inProgress.paths + sign * (counts.paths - counts.wildcards))
        usage.inProgress.wildcards = Math.max(0, usage.inProgress.wildcards + sign * counts.wildcards)
      }
    }
  }
}

/** Paths and wildcards of one invalidation's paths. */
export const pathCountsOf = (paths: readonly string[]): PathCounts => ({ paths: paths.length, wildcards: paths.filter(isWildcard).length })

// ---------------------------------------------------------------- the plan (pure)

export function invalidationCost(pathsThisMonth: number, newPaths: number): { billablePaths: number; usd: number } {
  const freeLeft = Math.max(0, invalidationLimits.freePathsPerMonth - pathsThisMonth)
  const billablePaths = Math.max(0, newPaths - freeLeft)
  return { billablePaths, usd: Math.round(billablePaths * invalidationLimits.usdPerPath * 1e6) / 1e6 }
}

/**
 * Splits paths into batches: each at most 3,000 paths with at most 3,000 individual and 15 wildcard
 * paths, so that it fits the in-progress limits on its own. The first batch is sized to the room left
 * by what is already in progress, so it can go now; when there is no room at all every batch is full
 * size and the first waits too (`firstNow` false).
 */
export function splitIntoBatches(paths: readonly string[], room: PathCounts): { batches: string[][]; firstNow: boolean } {
  const wildcards = paths.filter(isWildcard)
  const individual = paths.filter((path) => !isWildcard(path))
  const batches: string[][] = []
  let firstNow = room.paths > 0 || room.wildcards > 0
  const take = (capPaths: number, capWildcards: number) => {
    const w = wildcards.splice(0, Math.min(capWildcards, invalidationLimits.pathsPerBatch))
    const i = individual.splice(0, Math.min(capPaths, invalidationLimits.pathsPerBatch - w.length))
    return [...w, ...i]
  }
  if (firstNow && paths.length) {
    const first = take(room.paths, room.wildcards)
    if (first.length) batches.push(first)
    else firstNow = false
  }
  while (wildcards.length || individual.length)
    batches.push(take(invalidationLimits.pathsInProgress, invalidationLimits.wildcardsInProgress))
  return { batches, firstNow: firstNow && batches.length > 0 }
}

export interface PlanFacts extends Usage {
  /** Batches of earlier requests still waiting for this distribution: the new ones go after them. */
  queuedAhead: number
}

export interface FullPlan extends InvalidationPlan {
  batchPaths: string[][]
  /** The first batch can be sent now. */
  sendFirstNow: boolean
}

export function buildPlan(planned: { paths: PlannedPath[]; distinct: string[] }, facts: PlanFacts): FullPlan {
  const { distinct } = planned
  const wildcardCount = distinct.filter(isWildcard).length
  const room = {
    paths: Math.max(0, invalidationLimits.pathsInProgress - facts.inProgress.paths),
    wildcards: Math.max(0, invalidationLimits.wildcardsInProgress - facts.inProgress.wildcards),
  }
  const split = splitIntoBatches(distinct, facts.queuedAhead ? { paths: 0, wildcards: 0 } : room)
  const sendFirstNow = split.firstNow && facts.queuedAhead === 0
  const reasons: string[] = []
  if (distinct.length > invalidationLimits.pathsPerBatch)
    reasons.push(`${plural(distinct.length, 'path')}: CloudFront takes at most 3,000 in one invalidation.`)
  if (wildcardCount > invalidationLimits.wildcardsInProgress)
    reasons.push(`${plural(wildcardCount, 'wildcard path')}: at most 15 can be in progress on a distribution.`)
  if ((facts.inProgress.paths || facts.inProgress.wildcards) && (split.batches.length > 1 || !sendFirstNow)) {
    reasons.push(
      `${plural(facts.inProgress.paths, 'path')} and ${plural(facts.inProgress.wildcards, 'wildcard path')} of this distribution are in progress already (limits: 3,000 and 15).`,
    )
  }
  if (facts.queuedAhead) reasons.push(`${plural(facts.queuedAhead, 'batch', 'batches')} of an earlier request wait first.`)
  const waiting = split.batches.length - (sendFirstNow ? 1 : 0)
  const queueReason =
    waiting > 0 && split.batches.length
      ? [
          ...reasons,
          sendFirstNow
            ? `Batch 1 is sent now; ${plural(waiting, 'more batch', 'more batches')} ${waiting === 1 ? 'waits' : 'wait'} in Haneul until earlier invalidations complete.`
            : `Nothing is sent yet: ${plural(waiting, 'batch', 'batches')} ${waiting === 1 ? 'waits' : 'wait'} in Haneul until earlier invalidations complete.`,
        ].join(' ')
      : undefined
  return {
    paths: planned.paths,
    pathCount: distinct.length,
    wildcardCount,
    batches: split.batches.length,
    ...(queueReason ? { queueReason } : {}),
    cost: {
      pathsThisMonth: facts.pathsThisMonth,
      complete: facts.complete,
      freePerMonth: invalidationLimits.freePathsPerMonth,
      ...invalidationCost(facts.pathsThisMonth, distinct.length),
    },
    batchPaths: split.batches,
    sendFirstNow,
  }
}

// ---------------------------------------------------------------- the queue

type BatchState = 'queued' | 'sending' | 'sent' | 'completed' | 'failed'

interface StoredBatch {
  callerReference: string
  paths: string[]
  state: BatchState
  invalidationId?: string
  createdAtMs?: number
  error?: string
}

interface StoredRequest {
  id: string
  profileId: string
  distributionId: string
  createdAtMs: number
  batches: StoredBatch[]
}

interface StoredQueue {
  version: 1
  requests: StoredRequest[]
}

export interface InvalidationQueueDeps {
  /** `<dataDir>/cloudfront/invalidations.json`. */
  file: string
  /** A CloudFront call of the profile (through OfflineFirst.network, so connectivity stays true). */
  network<T>(profileId: string, work: (client: CloudFrontClient) => Promise<T>): Promise<T>
  watchers: Watchers
  notify: (title: string, body: string) => void
  setTimer?: (fn: () => void, ms: number) => { cancel(): void }
  nowMs?: () => number
  log?: (message: string) => void
  /** Backoff for sending queued batches: first delay and cap. */
  retryDelayMs?: number
  maxRetryDelayMs?: number
  /** CloudFront accepted a batch (the usage cache counts it in). */
  onSent?: (sent: { profileId: string; distributionId: string; invalidationId: string; paths: readonly string[] }) => void
  /** A sent batch was seen Completed. */
  onCompleted?: (done: { profileId: string; distributionId: string; paths: readonly string[] }) => void
  /**
   * The invalidation's status if someone else (a publish following it, the details view) read it at or
   * after `sinceMs`: a watch poll then uses that instead of asking again.
   */
  statusReadSince?: (profileId: string, distributionId: string, invalidationId: string, sinceMs: number) => string | undefined
}

export interface SentBatch extends InvalidationSummary {
  paths: number
  watchId: string
}

/** Errors after which a batch stays queued and is tried again later; anything else fails the batch. */
const RETRY_LATER = new Set(['conflict', 'throttled', 'offline', 'interrupted', 'internal', 'credentials-expired'])

const defaultTimer = (fn: () => void, ms: number) => {
  const handle = setTimeout(fn, ms)
  handle.unref?.()
  return { cancel: () => clearTimeout(handle) }
}

export class InvalidationQueue {
  private requests: StoredRequest[] = []
  private readonly watchIds = new Map<StoredBatch, string>()
  /** Batches being sent by this process right now (submit and the pump must not both send one). */
  private readonly inFlight = new Set<StoredBatch>()
  private writes: Promise<void> = Promise.resolve()
  private pumpTimer?: { cancel(): void }
  private pumping?: Promise<void>
  private retryDelayMs: number
  private closed = false
  private readonly setTimer: NonNullable<InvalidationQueueDeps['setTimer']>
  private readonly nowMs: () => number
  private readonly log: (message: string) => void

  private constructor(private readonly deps: InvalidationQueueDeps) {
    this.setTimer = deps.setTimer ?? defaultTimer
    this.nowMs = deps.nowMs ?? Date.now
    this.log = deps.log ?? (() => {})
    this.retryDelayMs = deps.retryDelayMs ?? 5_000
  }

  /** Loads the saved queue and resumes it: watches what was sent, schedules sending what waits. */
  static async open(deps: InvalidationQueueDeps): Promise<InvalidationQueue> {
    const queue = new InvalidationQueue(deps)
    try {
      const stored = (await readJsonFile(deps.file)) as StoredQueue | undefined
      if (stored && stored.version === 1 && Array.isArray(stored.requests)) queue.requests = stored.requests
    } catch (error) {
      // Kept aside, not overwritten by the next save: what it held can still be looked at.
      const aside = `${deps.file}.unreadable-${queue.nowMs()}`
      await rename(deps.file, aside).catch(() => {})
      queue.log(`cloudfront: the invalidation queue could not be read (${String(error)}); kept as ${basename(aside)}, starting empty`)
    }
    for (const request of queue.requests) {
      for (const batch of request.batches) if (batch.state === 'sent') queue.watch(request, batch)
    }
    if (queue.requests.some((request) => request.batches.some((b) => b.state === 'queued' || b.state === 'sending'))) queue.schedulePump(0)
    return queue
  }

  /** Batches of earlier requests for this distribution that have not been sent. */
  queuedFor(profileId: string, distributionId: string): number {
    return this.requests
      .filter((r) => r.profileId === profileId && r.distributionId === distributionId)
      .reduce((n, r) => n + r.batches.filter((b) => b.state === 'queued' || b.state === 'sending').length, 0)
  }

  /**
   * Queues a request's batches and, when `sendFirstNow`, sends the first one before returning. A first
   * batch that CloudFront refuses for good (bad path, denied, unknown distribution) fails the whole
   * request: nothing was sent, nothing stays queued.
   */
  async submit(
    profileId: string,
    distributionId: string,
    batches: string[][],
    sendFirstNow: boolean,
  ): Promise<{ invalidations: SentBatch[]; queuedBatches: number; queuedPaths: number }> {
    if (this.closed) throw new HaneulError('internal', 'The CloudFront module is closed.')
    const id = randomUUID()
    const request: StoredRequest = {
      id,
      profileId,
      distributionId,
      createdAtMs: this.nowMs(),
      // One reference per batch: a retry of the same batch (by the SDK, or after a restart) is idempotent.
      batches: batches.map((paths, index) => ({ callerReference: `haneul-${id}-${index + 1}`, paths, state: 'queued' })),
    }
    this.requests.push(request)
    const first = request.batches[0]
    const sent: SentBatch[] = []
    if (first && sendFirstNow) {
      first.state = 'sending'
      this.inFlight.add(first)
      await this.save()
      try {
        await this.send(request, first)
        sent.push(this.summaryOf(first))
      } catch (error) {
        if (!RETRY_LATER.has(codeOf(error))) {
          this.requests = this.requests.filter((r) => r !== request)
          await this.save()
          throw error
        }
        first.state = 'queued'
        await this.save()
      }
    } else {
      await this.save()
    }
    this.schedulePump()
    const waiting = request.batches.filter((b) => b.state === 'queued')
    return { invalidations: sent, queuedBatches: waiting.length, queuedPaths: waiting.reduce((n, b) => n + b.paths.length, 0) }
  }

  /** Stops timers and this queue's watches (the invalidations carry on at AWS; the file keeps them). */
  async close(): Promise<void> {
    this.closed = true
    this.pumpTimer?.cancel()
    for (const watchId of this.watchIds.values()) this.deps.watchers.cancel(watchId)
    this.watchIds.clear()
    await this.pumping
    await this.writes
  }

  private summaryOf(batch: StoredBatch): SentBatch {
    return {
      id: batch.invalidationId ?? '',
      // CloudFront may answer Completed at once (a small distribution): then there is nothing to follow.
      status: batch.state === 'completed' ? 'Completed' : 'InProgress',
      createdAtMs: batch.createdAtMs ?? this.nowMs(),
      paths: batch.paths.length,
      watchId: this.watchIds.get(batch) ?? '',
    }
  }

  private async send(request: StoredRequest, batch: StoredBatch): Promise<void> {
    this.inFlight.add(batch)
    const reply = await this.deps
      .network(request.profileId, (client) =>
        client
          .send(
            new CreateInvalidationCommand({
              DistributionId: request.distributionId,
              InvalidationBatch: { CallerReference: batch.callerReference, Paths: { Quantity: batch.paths.length, Items: batch.paths } },
            }),
          )
          .catch(rethrowExplained),
      )
      .finally(() => this.inFlight.delete(batch))
    batch.state = 'sent'
    batch.invalidationId = reply.Invalidation?.Id ?? ''
    batch.createdAtMs = reply.Invalidation?.CreateTime?.getTime() ?? this.nowMs()
    this.retryDelayMs = this.deps.retryDelayMs ?? 5_000
    this.deps.onSent?.({
      profileId: request.profileId,
      distributionId: request.distributionId,
      invalidationId: batch.invalidationId,
      paths: batch.paths,
    })
    await this.save()
    if (reply.Invalidation?.Status === 'Completed') await this.completed(request, batch)
    else this.watch(request, batch)
  }

  private watch(request: StoredRequest, batch: StoredBatch): void {
    if (this.closed) return
    let lastCheckMs = this.nowMs()
    const watchId = this.deps.watchers.start({
      kind: 'cloudfront.invalidation',
      profileId: request.profileId,
      subject: `${request.distributionId}/${batch.invalidationId}`,
      check: async (signal) => {
        const since = lastCheckMs
        lastCheckMs = this.nowMs()
        // Read by someone else since this watch's last poll: as fresh as asking again.
        const status =
          this.deps.statusReadSince?.(request.profileId, request.distributionId, batch.invalidationId ?? '', since) ??
          (await this.readStatus(request, batch, signal))
        if (status === 'Completed') await this.completed(request, batch)
        return { status, done: status === 'Completed' }
      },
    })
    this.watchIds.set(batch, watchId)
  }

  private async readStatus(request: StoredRequest, batch: StoredBatch, signal: AbortSignal): Promise<string> {
    try {
      const reply = await this.deps.network(request.profileId, (client) =>
        client
          .send(new GetInvalidationCommand({ DistributionId: request.distributionId, Id: batch.invalidationId }), { abortSignal: signal })
          .catch(rethrowExplained),
      )
      return reply.Invalidation?.Status ?? ''
    } catch (error) {
      if (codeOf(error) === 'not-found') await this.failed(request, batch, 'CloudFront no longer knows this invalidation.')
      throw error
    }
  }

  private async completed(request: StoredRequest, batch: StoredBatch): Promise<void> {
    if (this.closed) return
    batch.state = 'completed'
    this.watchIds.delete(batch)
    this.deps.onCompleted?.({ profileId: request.profileId, distributionId: request.distributionId, paths: batch.paths })
    await this.finishIfDone(request)
    // Room has freed up on this distribution: try the next batch now.
    this.retryDelayMs = this.deps.retryDelayMs ?? 5_000
    this.schedulePump(0)
  }

  private async failed(request: StoredRequest, batch: StoredBatch, error: string): Promise<void> {
    batch.state = 'failed'
    batch.error = error
    this.watchIds.delete(batch)
    await this.finishIfDone(request)
  }

  /** A request whose batches have all ended is announced once and leaves the file. */
  private async finishIfDone(request: StoredRequest): Promise<void> {
    if (request.batches.some((b) => b.state !== 'completed' && b.state !== 'failed')) return this.save()
    this.requests = this.requests.filter((r) => r !== request)
    await this.save()
    const paths = request.batches.reduce((n, b) => n + b.paths.length, 0)
    const failed = request.batches.filter((b) => b.state === 'failed')
    if (failed.length) {
      this.deps.notify(
        'CloudFront invalidation incomplete',
        `${request.distributionId}: ${plural(failed.length, 'batch', 'batches')} of ${request.batches.length} failed (${failed[0]!.error ?? 'refused'}).`,
      )
    } else {
      this.deps.notify(
        'CloudFront invalidation completed',
        `${request.distributionId}: ${plural(paths, 'path')} invalidated${request.batches.length > 1 ? ` in ${request.batches.length} batches` : ''}.`,
      )
    }
  }

  private schedulePump(delayMs = this.retryDelayMs): void {
    if (this.closed) return
    this.pumpTimer?.cancel()
    this.pumpTimer = this.setTimer(() => {
      this.pumpTimer = undefined
      this.pumping = this.pump().finally(() => (this.pumping = undefined))
    }, delayMs)
  }

  /** Sends waiting batches, oldest first per distribution, until CloudFront has no room. */
  private async pump(): Promise<void> {
    const distributions = new Map<string, StoredRequest[]>()
    for (const request of this.requests) {
      const key = `${request.profileId}\n${request.distributionId}`
      distributions.set(key, [...(distributions.get(key) ?? []), request])
    }
    let blocked = false
    for (const requests of distributions.values()) {
      outer: for (const request of requests) {
        for (const batch of request.batches) {
          if (this.closed) return
          if (batch.state !== 'queued' && batch.state !== 'sending') continue
          if (this.inFlight.has(batch)) break outer
          // In flight from here, before the save: a second pump (a completion schedules one) must not send it too.
          this.inFlight.add(batch)
          try {
            batch.state = 'sending'
            await this.save()
            await this.send(request, batch)
          } catch (error) {
            this.inFlight.delete(batch)
            const code = codeOf(error)
            if (RETRY_LATER.has(code)) {
              batch.state = 'queued'
              await this.save()
              blocked = true
            } else {
              this.log(`cloudfront: a queued invalidation batch was refused (${code})`)
              await this.failed(request, batch, toMessage(error))
              continue
            }
            break outer
          }
        }
      }
    }
    if (blocked) {
      this.retryDelayMs = Math.min(this.retryDelayMs * 2, this.deps.maxRetryDelayMs ?? 60_000)
      this.schedulePump()
    }
  }

  private save(): Promise<void> {
    const snapshot = JSON.stringify({ version: 1, requests: this.requests } satisfies StoredQueue)
    this.writes = this.writes.catch(() => {}).then(() => writeFileAtomic(this.deps.file, snapshot))
    return this.writes
  }
}

function toMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
