/**
 * The contract's costs.* operations: the bucket's cost from CloudWatch storage metrics (bucket-metrics.ts),
 * the exact scan of a prefix kept in main for what-if rules (prefix-scan.ts), and lifecycle plans written
 * in one PUT (lifecycle-plans.ts), all priced by the dated table with the user's overrides. Uses the
 * profile's s3 and cloudwatch clients; reads go through OfflineFirst (bucket costs and scan summaries
 * are served from snapshots offline, with their age).
 */
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch'
import type { S3Client } from '@aws-sdk/client-s3'
import type { AwsCredentialIdentity } from '@aws-sdk/types'
import { randomUUID } from 'node:crypto'
import type { ScanResult } from '../api/costs'
import type { AppEvent } from '../api/events'
import { cloudWatchRegion } from '../api/services'
import { HaneulError, toApiError } from '../core/errors'
import type { Settings } from '../core/settings'
import type { OfflineFirst } from '../offline/offline-first'
import type { ModuleOf } from '../router'
import { bucketRegion, explainS3Error } from '../s3/index'
import { dailyStorage } from './bucket-metrics'
import { explainCloudWatchError, explainEngineError, rethrow } from './errors'
import { LifecyclePlans, readLifecycle } from './lifecycle-plans'
import { ScanStore } from './prefix-scan'
import { priceBook, type PriceBook, type PriceOverrides } from './prices'
import type { NewScanFields, ScanState } from './scan-protocol'
import { ScanWorkerHost, workerClientSettings, type ScanWorkerEntry } from './scan-worker-host'
import { metricsCostSeries, metricsMonthlyCost } from './storage-cost'
import { whatIfLifecycleRule, type TransitionDefaultMinimumObjectSize } from './what-if'

export interface CostsClientSource {
  client(profileId: string, service: 's3', region?: string): Promise<S3Client>
  client(profileId: string, service: 'cloudwatch', region?: string): Promise<CloudWatchClient>
}

/** Snapshots of scan summaries (the app's SnapshotStore). */
export interface SummarySnapshots {
  get<T>(profileId: string, key: string): Promise<{ value: T; savedAtMs: number } | undefined>
  put(profileId: string, key: string, value: unknown): Promise<void>
}

export interface CostsModuleDeps {
  clients: CostsClientSource
  /** S3 calls (region, listings, lifecycle) and CloudWatch calls, each reporting to its endpoint's connectivity. */
  s3Offline: OfflineFirst
  cloudwatchOffline: OfflineFirst
  snapshots: SummarySnapshots
  settings: { get(): Pick<Settings, 'priceOverrides' | 'displayCurrency'> }
  emit: (event: AppEvent) => void
  log: (message: string) => void
  nowMs?: () => number
  /** Objects per listing page (S3's most: 1,000). */
  pageSize?: number
  /** Scans kept for whatIf; older ones are dropped (scan again). */
  keepScans?: number
  /** Least time between two progress events of one scan. */
  progressEveryMs?: number
  /** The scan worker's script (default: beside scan-worker-host.ts, or in the build). */
  scanWorker?: () => ScanWorkerEntry
}

/** A scan the worker keeps, as main knows it: whose, of what, and where it was after its last run. */
interface KeptScan {
  id: string
  profileId: string
  bucket: string
  prefix: string
  versions: boolean
  book: PriceBook
  state?: ScanState
  /** Why the scan stopped before the end, while it has. */
  stopped?: string
}

const KEEP_PLANS = 20

export function createCostsModule(deps: CostsModuleDeps): ModuleOf<'costs'> {
  const { clients, s3Offline, cloudwatchOffline, snapshots, emit } = deps
  const nowMs = deps.nowMs ?? Date.now
  const pageSize = deps.pageSize ?? 1000
  const progressEveryMs = deps.progressEveryMs ?? 250
  /** The S3 client of each scan running now: its credentials are what the worker's client signs with. */
  const runClients = new Map<string, S3Client>()
  const worker = new ScanWorkerHost({
    ...(deps.scanWorker ? { entry: deps.scanWorker } : {}),
    credentials: async (scanId) => {
      const client = runClients.get(scanId)
      if (!client) throw new HaneulError('credentials-missing', 'The scan asked for credentials after it ended.')
      return (client.config.credentials as () => Promise<AwsCredentialIdentity>)()
    },
    onLost: (reason) => {
      deps.log(`costs: the scan worker stopped (${reason}); its scans are gone`)
      scans.clear()
    },
  })
  const scans = new ScanStore<KeptScan>(deps.keepScans ?? 3, (id) => worker.drop(id))
  const plans = new LifecyclePlans(KEEP_PLANS)
  const regions = new Map<string, string>()

  const book = (region: string): PriceBook => {
    try {
      return priceBook(region, { overrides: deps.settings.get().priceOverrides as PriceOverrides | undefined, estimateUnknownRegion: true })
    } catch (error) {
      if (error instanceof RangeError) throw new HaneulError('bad-request', `The price overrides in settings are refused: ${error.message}`)
      throw error
    }
  }
  const s3 = <T>(profileId: string, work: (client: S3Client) => Promise<T>): Promise<T> =>
    s3Offline.network(profileId, async () => work(await clients.client(profileId, 's3')).catch(rethrow(explainS3Error)))
  const regionOf = async (profileId: string, bucket: string): Promise<string> => {
    const key = `${profileId}\n${bucket}`
    const known = regions.get(key)
    if (known) return known
    const region = await s3(profileId, (client) => bucketRegion(client, bucket))
    regions.set(key, region)
    return region
  }
  const pricesOf = (b: PriceBook) => ({
    date: b.date,
    sourceUrl: b.sourceUrl,
    region: b.region,
    pricedAs: b.pricedAs,
    ...(b.estimated ? { estimated: b.estimated } : {}),
    overridden: b.overridden,
  })
  const summaryKey = (bucket: string, prefix: string, versions: boolean) => `costs:scan\n${bucket}\n${prefix}\n${versions}`

  function scanResult(scan: KeptScan, state: ScanState): ScanResult {
    const summary = { ...state.summary, ...(scan.stopped ? { partial: scan.stopped } : {}) }
    return {
      scanId: scan.id,
      bucket: scan.bucket,
      versions: scan.versions,
      from: state.from,
      summary,
      ...(scan.stopped
        ? {
            stopped: {
              reason: scan.stopped,
              phase: state.phase === 'uploads' ? ('uploads' as const) : ('objects' as const),
              ...(state.afterKey !== undefined ? { afterKey: state.afterKey } : {}),
              resumable: true,
            },
          }
        : {}),
    }
  }

  return {
    handlers: {
      bucketCosts: async ({ profileId, bucket, days, source }, { signal }) =>
        cloudwatchOffline.listing(profileId, `costs:bucket\n${bucket}\n${days}`, source, async () => {
          const region = await regionOf(profileId, bucket)
          const prices = book(region)
          const client = await clients.client(profileId, 'cloudwatch', cloudWatchRegion({ namespace: 'AWS/S3', bucketRegion: region }))
          const points = await dailyStorage(client, bucket, days, nowMs(), signal).catch(rethrow(explainCloudWatchError))
          const latest = points.at(-1)
          const base = { bucket, region, prices: pricesOf(prices) }
          if (!latest)
            return {
              ...base,
              metricsAvailable: false,
              message:
                'S3 has not published storage metrics for this bucket yet: it does so once a day, so a new bucket has none for about a day. ' +
                'Scan the bucket for exact figures now.',
              monthly: { totalUsd: 0, byClass: [], lines: [], unpriced: [], monitoring: { known: true, objects: 0, usd: 0 } },
              series: [],
            }
          const monthly = metricsMonthlyCost(prices, latest)
          return {
            ...base,
            metricsAvailable: true,
            latestDayMs: latest.timestampMs,
            monthly: {
              totalUsd: monthly.totalUsd,
              byClass: monthly.byClass,
              lines: monthly.lines,
              unpriced: monthly.unpriced,
              monitoring: monthly.monitoring,
            },
            ...(latest.numberOfObjects !== undefined ? { numberOfObjects: latest.numberOfObjects } : {}),
            series: metricsCostSeries(prices, points),
          }
        }),

      scanPrefix: async ({ profileId, bucket, prefix, versions, resumeScanId, method, source }, { signal, requestId }) => {
        const key = summaryKey(bucket, prefix, versions)
        const cached = async () => {
          const snapshot = await snapshots.get<ScanResult>(profileId, key)
          return snapshot && { ...snapshot.value, cachedAtMs: snapshot.savedAtMs }
        }
        if (source === 'cache') {
          const snapshot = await cached()
          if (!snapshot) throw new HaneulError('not-found', 'This prefix has not been scanned yet: nothing is cached.')
          return snapshot
        }
        let scan: KeptScan
        let create: NewScanFields | undefined
        if (resumeScanId) {
          const found = scans.get(resumeScanId)
          if (!found) throw new HaneulError('not-found', 'That scan is no longer kept (only the last few are). Scan again.')
          if (found.profileId !== profileId || found.bucket !== bucket || found.prefix !== prefix || found.versions !== versions)
            throw new HaneulError(
              'bad-request',
              'resumeScanId belongs to a scan of another bucket, prefix or listing: resume it with its own.',
            )
          scan = found
        } else {
          const region = await regionOf(profileId, bucket).catch(async (error: unknown) => {
            // Offline before anything was listed: the last summary, if there is one.
            const snapshot = toApiError(error).code === 'offline' ? await cached() : undefined
            if (snapshot) return snapshot
            throw error
          })
          if (typeof region !== 'string') return region
          create = { id: randomUUID(), profileId, bucket, prefix, versions, book: book(region), nowMs: nowMs() }
          scan = { id: create.id, profileId, bucket, prefix, versions, book: create.book }
        }
        scans.put(scan)
        scan.stopped = undefined
        let lastProgress = -Infinity
        const progress = (objects: number, bytes: number, force = false) => {
          const at = performance.now()
          if (!requestId || (!force && at - lastProgress < progressEveryMs)) return
          lastProgress = at
          emit({ type: 'costs.scanProgress', requestId, objects, bytes })
        }
        // The worker lists (or reads the latest inventory report that covers the prefix, for a new scan
        // unless told to list) and keeps the scan; cancelling aborts its request in flight.
        const cancel = () => worker.cancel(scan.id)
        try {
          await s3Offline.network(profileId, async () => {
            const client = await clients.client(profileId, 's3')
            runClients.set(scan.id, client)
            signal.addEventListener('abort', cancel)
            try {
              const running = worker.run(
                {
                  scanId: scan.id,
                  ...(create ? { create } : {}),
                  ...(create && method !== 'listing'
                    ? { inventory: method === 'inventory' ? ('required' as const) : ('optional' as const) }
                    : {}),
                  client: await workerClientSettings(client),
                  pageSize,
                },
                progress,
              )
              if (signal.aborted) cancel()
              const outcome = await running
              if (outcome.state) scan.state = outcome.state
              if (outcome.error) throw new HaneulError(outcome.error.code, outcome.error.message, outcome.error.retryable)
            } finally {
              signal.removeEventListener('abort', cancel)
              runClients.delete(scan.id)
            }
          })
        } catch (error) {
          const { code, message } = toApiError(error)
          if (code === 'cancelled' || signal.aborted) {
            scans.delete(scan.id)
            throw new HaneulError('cancelled', 'The scan was cancelled.')
          }
          if ((code !== 'offline' && code !== 'interrupted') || !scan.state) {
            // A new scan that failed is of no use (its id is never returned); a resumed one keeps its position.
            if (!resumeScanId || !scan.state) scans.delete(scan.id)
            throw error
          }
          // Offline before the first page of a new scan: the last summary, else the error (an empty
          // "partial" summary would read as a bucket that costs nothing).
          if (!resumeScanId && scan.state.listed.objects === 0) {
            scans.delete(scan.id)
            const snapshot = await cached()
            if (snapshot) return snapshot
            throw error
          }
          scan.stopped = `The scan stopped after ${scan.state.listed.objects} objects: ${message}`
        }
        const state = scan.state!
        progress(state.listed.objects, state.listed.bytes, true)
        const result = scanResult(scan, state)
        const { scanId: _id, ...kept } = result
        snapshots.put(profileId, key, kept).catch((error: unknown) => deps.log(`costs: scan summary not saved: ${String(error)}`))
        return result
      },

      whatIf: async ({ scanId, rule }) => {
        const scan = scans.get(scanId)
        if (!scan)
          throw new HaneulError('not-found', 'That scan is no longer kept (only the last few are, and none after a restart). Scan again.')
        const now = nowMs()
        let existing: Awaited<ReturnType<typeof readLifecycle>>
        let existingRulesProblem: string | undefined
        try {
          existing = await s3(scan.profileId, (client) => readLifecycle(client, scan.bucket))
        } catch (error) {
          existingRulesProblem = `The bucket's lifecycle rules could not be read: ${toApiError(error).message}`
        }
        const options = {
          nowMs: now,
          ...(existing?.TransitionDefaultMinimumObjectSize
            ? { transitionDefaultMinimumObjectSize: existing.TransitionDefaultMinimumObjectSize as TransitionDefaultMinimumObjectSize }
            : {}),
        }
        const { result, existingRules } = await worker.whatIf({
          scanId,
          rule,
          ...options,
          rules: existing?.Rules ?? [],
        })
        if (rule.tag)
          result.warnings.push('A listing does not return object tags: a rule with a tag matches only objects whose tags were read.')
        if (scan.stopped) result.warnings.push(`The scan is partial: ${scan.stopped}`)
        return {
          result,
          existingRules,
          ...(existingRulesProblem ? { existingRulesProblem } : {}),
          ...(scan.stopped ? { partial: scan.stopped } : {}),
          prices: pricesOf(scan.book),
        }
      },

      planLifecycle: async ({ profileId, bucket, rule, ruleId }) => {
        const before = await s3(profileId, (client) => readLifecycle(client, bucket))
        try {
          const plan = plans.make(randomUUID(), profileId, bucket, before, whatIfLifecycleRule(ruleId, rule))
          const json = (value: unknown) => JSON.parse(JSON.stringify(value)) as Record<string, unknown>
          return {
            planId: plan.id,
            before: json(plan.diff.before),
            after: json(plan.diff.after),
            addedRule: json(plan.diff.added[0]!.rule),
            lines: plan.diff.lines,
          }
        } catch (error) {
          throw explainEngineError(error)
        }
      },

      applyLifecycle: async ({ profileId, bucket, planId }) => {
        const plan = plans.find(planId, profileId, bucket)
        await s3(profileId, (client) => plans.apply(client, plan))
        return {
          rules: plan.merged.Rules?.length ?? 0,
          previous: JSON.parse(JSON.stringify(plan.before ?? { Rules: [] })) as Record<string, unknown>,
        }
      },

      restoreLifecycle: async ({ profileId, bucket, planId }) => {
        const plan = plans.find(planId, profileId, bucket)
        return { rules: await s3(profileId, (client) => plans.restore(client, plan)) }
      },

      prices: async ({ region }) => {
        const b = book(region)
        const { displayCurrency } = deps.settings.get()
        return {
          currency: b.currency,
          ...pricesOf(b),
          classes: Object.values(b.classes).map((c) => ({
            storageClass: c.storageClass,
            tiers: c.tiers.map((t) => ({ upToGb: Number.isFinite(t.upToGb) ? t.upToGb : null, usdPerGbMonth: t.usdPerGbMonth })),
            ...(c.transitionUsdPer1000 !== undefined ? { transitionUsdPer1000: c.transitionUsdPer1000 } : {}),
            retrieval: c.retrieval,
            minStorageDays: c.minStorageDays,
            minBillableBytes: c.minBillableBytes,
            uncertain: c.uncertain,
            overridden: c.overridden,
          })),
          intelligentTiering: b.intelligentTiering,
          ...(displayCurrency ? { displayCurrency } : {}),
        }
      },
    },
    close: () => worker.close(),
  }
}
