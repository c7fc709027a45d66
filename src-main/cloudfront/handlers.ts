/**
 * The contract's cloudfront.* operations. CloudFront calls go through the module's own
 * OfflineFirst('cloudfront') and CloudWatch calls through OfflineFirst('cloudwatch'), so each endpoint's
 * connectivity stays true; listings (distributions, details, invalidations, metrics) are snapshotted and
 * served offline with `cachedAtMs`. Invalidations are planned here, then sent, queued and watched by
 * InvalidationQueue (invalidations.ts). Log analysis is an injected engine (`AnalyzeLogs`).
 */
import { join } from 'node:path'
import { GetInvalidationCommand, ListInvalidationsCommand, type CloudFrontClient } from '@aws-sdk/client-cloudfront'
import type { DistributionDetails, DistributionSummary, LogAnalysis } from '../api/cloudfront'
import type { AppEvent } from '../api/events'
import { cloudWatchRegion } from '../api/services'
import { HaneulError } from '../core/errors'
import type { Watchers } from '../jobs/watchers'
import type { OfflineFirst } from '../offline/offline-first'
import type { AwsClients } from '../profiles/clients'
import type { Handlers, ModuleOf } from '../router'
import * as distributions from './distributions'
import { rethrowExplained } from './errors'
import { planPaths } from './invalidation-paths'
import {
  buildPlan,
  InvalidationQueue,
  pathCountsOf,
  usage,
  UsageCache,
  type FullPlan,
  type PathCountCache,
  type Usage,
} from './invalidations'
import { distributionMetrics } from './metrics'
import { additionalMetricsEnabled, monitoring, setAdditionalMetrics } from './monitoring'

/** The log-reading engine (src-main/cloudfront/log-analysis/), wired by the composition root. */
export type AnalyzeLogs = (
  request: {
    profileId: string
    distributionId: string
    bucket: string
    prefix: string
    fromMs: number
    toMs: number
    source: 'network' | 'cache'
  },
  options: {
    signal: AbortSignal
    onProgress: (progress: { filesDone: number; filesTotal: number; bytesDone: number; bytesTotal: number }) => void
  },
) => Promise<LogAnalysis>

/** The profile's SDK clients (AwsClients). */
export type CloudFrontClientSource = Pick<AwsClients, 'client'>

export interface CloudFrontModuleDeps {
  clients: CloudFrontClientSource
  /** OfflineFirst for the CloudFront endpoint. */
  offline: OfflineFirst
  /** OfflineFirst for the CloudWatch endpoint (metrics). */
  cloudwatchOffline: OfflineFirst
  watchers: Watchers
  emit: (event: AppEvent) => void
  /** An OS notification (an invalidation request finished). */
  notify: (title: string, body: string) => void
  /** The app's data folder; the queue lives in `<dataDir>/cloudfront/invalidations.json`. */
  dataDir: string
  analyzeLogs?: AnalyzeLogs
  log?: (message: string) => void
  nowMs?: () => number
  /** Timers of the queue's retries (tests pass manual ones). */
  setTimer?: (fn: () => void, ms: number) => { cancel(): void }
  /** First delay before a queued batch is tried again (doubles to 60 s). */
  retryDelayMs?: number
}

/** How long a distribution list read for one call serves the usage reading of the next (a dry run makes both). */
const LIST_REUSE_MS = 30_000

/** Progress events of one analysis: at most about five a second, and always the last one. */
const PROGRESS_INTERVAL_MS = 200

export async function createCloudFrontModule(deps: CloudFrontModuleDeps): Promise<ModuleOf<'cloudfront'>> {
  const { clients, offline, cloudwatchOffline, emit } = deps
  const nowMs = deps.nowMs ?? Date.now
  const log = deps.log ?? (() => {})
  const pathCounts: PathCountCache = new Map()
  const usageCache = new UsageCache(nowMs)
  /**
   * The last status `invalidation` read per invalidation: while a publish follows its invalidation, the
   * queue's watch of it uses these instead of polling CloudFront too.
   */
  const statusesRead = new Map<string, { status: string; atMs: number }>()

  /** A CloudFront call of the profile, its refusals explained, its endpoint's connectivity kept. */
  const call = <T>(profileId: string, work: (client: CloudFrontClient) => Promise<T>): Promise<T> =>
    offline.network(profileId, async () => work(await clients.client(profileId, 'cloudfront')).catch(rethrowExplained))
  const cloudfront = (profileId: string) => clients.client(profileId, 'cloudfront')

  const queue = await InvalidationQueue.open({
    file: join(deps.dataDir, 'cloudfront', 'invalidations.json'),
    network: call,
    watchers: deps.watchers,
    notify: deps.notify,
    setTimer: deps.setTimer,
    nowMs,
    log,
    retryDelayMs: deps.retryDelayMs,
    onSent: ({ profileId, distributionId, invalidationId, paths }) => {
      // Haneul's own invalidation: its counts are known, neither it nor the month need reading again.
      const counts = pathCountsOf(paths)
      pathCounts.set(`${profileId}\n${invalidationId}`, counts)
      usageCache.sent(profileId, distributionId, counts)
    },
    onCompleted: ({ profileId, distributionId, paths }) => usageCache.completed(profileId, distributionId, pathCountsOf(paths)),
    statusReadSince: (profileId, distributionId, invalidationId, sinceMs) => {
      const read = statusesRead.get(`${profileId}\n${distributionId}\n${invalidationId}`)
      return read && read.atMs >= sinceMs ? read.status : undefined
    },
  })

  /**
   * Every distribution of the profile, all pages, kept a short while: a dry run checks the origin from this
   * list and its usage reading needs the same ids, so the two share one ListDistributions.
   */
  const lists = new Map<string, { readAtMs: number; list: DistributionSummary[] }>()
  const listAll = async (profileId: string, client: CloudFrontClient, signal?: AbortSignal) => {
    const list = await distributions.listDistributions(client, signal)
    lists.set(profileId, { readAtMs: nowMs(), list })
    return list
  }
  const recentList = (profileId: string) => {
    const kept = lists.get(profileId)
    return kept && nowMs() - kept.readAtMs <= LIST_REUSE_MS ? kept.list : undefined
  }

  const details = (profileId: string, distributionId: string, source: 'network' | 'cache', signal?: AbortSignal) =>
    offline.listing(profileId, `distribution\n${distributionId}`, source, async () => ({
      distribution: await distributions.distributionDetails(await cloudfront(profileId), distributionId, signal),
    }))

  /** This month's usage, read from CloudFront: every distribution's ids, then their invalidations. */
  async function readUsage(profileId: string, distributionId: string): Promise<Usage> {
    const read = await call(profileId, async (client) => {
      const all = recentList(profileId) ?? (await listAll(profileId, client))
      return usage(client, pathCounts, { profileId, distributionId, distributionIds: all.map((d) => d.id), nowMs: nowMs() })
    })
    usageCache.set(profileId, distributionId, read)
    return read
  }

  /**
   * The plan of an invalidation. `reuseUsage`: the send after a dry run batches from the dry run's reading
   * when it is recent (UsageCache); the dry run itself always reads, so the cost it shows is current.
   */
  async function plan(input: Parameters<Handlers['cloudfront']['planInvalidation']>[0], reuseUsage: boolean): Promise<FullPlan> {
    const { profileId, distributionId } = input
    // The distribution is read only for its origin path, which only objects need (paths are given as they are).
    let objects: Parameters<typeof planPaths>[0]['objects']
    if (input.objects) {
      const { distribution } = await details(profileId, distributionId, 'network')
      objects = {
        ...input.objects,
        originPath: distribution.origins.find((origin) => origin.bucket === input.objects!.bucket)?.originPath,
      }
    }
    const planned = planPaths({ paths: input.paths, objects })
    const facts = (reuseUsage ? usageCache.recent(profileId, distributionId) : undefined) ?? (await readUsage(profileId, distributionId))
    return buildPlan(planned, { ...facts, queuedAhead: queue.queuedFor(profileId, distributionId) })
  }

  const handlers: Handlers['cloudfront'] = {
    listDistributions: async ({ profileId, source }, { signal }) =>
      offline.listing(profileId, 'distributions', source, async () => ({
        distributions: await listAll(profileId, await cloudfront(profileId), signal),
      })),
    distribution: async ({ profileId, distributionId, source }, { signal }) => details(profileId, distributionId, source, signal),
    distributionsForBucket: async ({ profileId, bucket }, { signal }) => {
      const all = await call(profileId, (client) => listAll(profileId, client, signal))
      return { distributions: distributions.distributionsForBucket(all, bucket) }
    },
    listInvalidations: async ({ profileId, distributionId, marker, source }, { signal }) =>
      offline.listing(profileId, `invalidations\n${distributionId}\n${marker ?? ''}`, source, async () => {
        const reply = await (
          await cloudfront(profileId)
        )
          .send(new ListInvalidationsCommand({ DistributionId: distributionId, Marker: marker, MaxItems: 50 }), { abortSignal: signal })
          .catch(rethrowExplained)
        const list = reply.InvalidationList
        return {
          invalidations: (list?.Items ?? []).map((item) => ({
            id: item.Id ?? '',
            status: item.Status ?? '',
            createdAtMs: item.CreateTime?.getTime() ?? 0,
          })),
          ...(list?.IsTruncated && list.NextMarker ? { nextMarker: list.NextMarker } : {}),
        }
      }),
    invalidation: async ({ profileId, distributionId, invalidationId }, { signal }) =>
      call(profileId, async (client) => {
        const reply = await client.send(new GetInvalidationCommand({ DistributionId: distributionId, Id: invalidationId }), {
          abortSignal: signal,
        })
        const found = reply.Invalidation
        if (statusesRead.size >= 1000) statusesRead.delete(statusesRead.keys().next().value!)
        statusesRead.set(`${profileId}\n${distributionId}\n${invalidationId}`, { status: found?.Status ?? '', atMs: nowMs() })
        return {
          invalidation: {
            id: found?.Id ?? invalidationId,
            status: found?.Status ?? '',
            createdAtMs: found?.CreateTime?.getTime() ?? 0,
            paths: found?.InvalidationBatch?.Paths?.Items ?? [],
            callerReference: found?.InvalidationBatch?.CallerReference ?? '',
          },
        }
      }),
    planInvalidation: async (input) => {
      const { batchPaths: _batches, sendFirstNow: _now, ...visible } = await plan(input, false)
      return visible
    },
    createInvalidation: async (input) => {
      const planned = await plan(input, true)
      const problems = planned.paths.filter((path) => path.problem)
      if (problems.length) {
        const first = problems[0]!
        throw new HaneulError(
          'bad-request',
          `Nothing was sent: ${problems.length === 1 ? 'a path has a problem' : `${problems.length} paths have problems`}. "${first.input.slice(0, 200)}": ${first.problem}`,
        )
      }
      if (planned.pathCount === 0) throw new HaneulError('bad-request', 'Nothing was sent: give at least one path, object or folder.')
      return queue.submit(input.profileId, input.distributionId, planned.batchPaths, planned.sendFirstNow)
    },
    setDistributionEnabled: async ({ profileId, ...input }) =>
      call(profileId, (client) => distributions.setDistributionEnabled(client, input)),
    monitoring: async ({ profileId, distributionId }) => call(profileId, (client) => monitoring(client, distributionId)),
    setAdditionalMetrics: async ({ profileId, distributionId, enabled }) =>
      call(profileId, (client) => setAdditionalMetrics(client, distributionId, enabled)),
    metrics: async ({ profileId, distributionId, range, source }, { signal }) => {
      const rangeKey = 'last' in range ? range.last : `${range.startMs}-${range.endMs}`
      return cloudwatchOffline.listing(profileId, `metrics\n${distributionId}\n${rangeKey}`, source, async () => {
        const additional = await call(profileId, (client) => additionalMetricsEnabled(client, distributionId, signal))
        const client = await clients.client(profileId, 'cloudwatch', cloudWatchRegion({ namespace: 'AWS/CloudFront' }))
        return distributionMetrics(client, { distributionId, range, additionalMetrics: additional, nowMs: nowMs() }, signal)
      })
    },
    analyzeLogs: async ({ profileId, distributionId, fromMs, toMs, source }, { signal, requestId }) => {
      if (!deps.analyzeLogs) throw new HaneulError('unsupported', 'Reading standard logs is not available in this build of Haneul.')
      const { distribution } = await details(profileId, distributionId, source, signal)
      const where = loggingOf(distribution)
      let lastEmitMs = -Infinity
      return deps.analyzeLogs(
        { profileId, distributionId, bucket: where.bucket, prefix: where.prefix, fromMs, toMs, source },
        {
          signal,
          onProgress: (progress) => {
            const now = nowMs()
            const last = progress.filesDone === progress.filesTotal
            if (!requestId || (!last && now - lastEmitMs < PROGRESS_INTERVAL_MS)) return
            lastEmitMs = now
            emit({ type: 'cloudfront.logsProgress', requestId, ...progress })
          },
        },
      )
    },
  }

  return { handlers, close: () => queue.close() }
}

/** Where the distribution's standard logs are, or a clear refusal. */
function loggingOf(distribution: DistributionDetails): { bucket: string; prefix: string } {
  const logging = distribution.logging
  if (!logging?.enabled) {
    throw new HaneulError(
      'conflict',
      `Standard logging is off for ${distribution.id}: CloudFront writes no log files for it. Turn on standard logging to an S3 bucket in the distribution's settings, or use the CloudWatch statistics.`,
    )
  }
  if (!logging.bucket) {
    throw new HaneulError('unsupported', `${distribution.id} logs to a place that is not an S3 bucket Haneul can read.`)
  }
  return { bucket: logging.bucket, prefix: logging.prefix }
}
