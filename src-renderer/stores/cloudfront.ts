/**
 * CloudFront in the window: the distributions of the active profile, the open distribution with its
 * invalidations, the invalidation dialog (typed paths or objects chosen in Storage → main's plan with
 * encoded paths and cost → send → followed by a watch), and cache statistics from CloudWatch and from
 * the standard logs. Every call to main is here; views only show the state.
 *
 * Offline-first like Storage: lists show their snapshot at once (with `cachedAtMs`, the age the view
 * shows), then the live answer. Every request takes a ticket of its kind, so a late reply for another
 * profile or distribution is dropped instead of mixing into what is shown.
 */
import { defineStore } from 'pinia'
import { computed, reactive, ref, shallowRef } from 'vue'
import type {
  cloudfrontApi,
  DistributionDetails,
  DistributionMetrics,
  DistributionSummary,
  InvalidationPlan,
  InvalidationSummary,
  LogAnalysis,
} from '../../src-main/api/cloudfront'
import type { InputOf, OutputOf } from '../../src-main/api/contract'
import { api, isCode, messageOf } from '../api'
import { useAppEvent } from '../composables/events'
import { useProfilesStore } from './profiles'
import { offlineFirst, useLatestRequest } from './latest-request'
import { toError, type ListingError } from './storage'
import { useWatchesStore } from './watches'

export type MetricsRangeInput = InputOf<(typeof cloudfrontApi)['metrics']>['range']
export type ObjectsToInvalidate = { bucket: string; keys: string[]; prefixes: string[] }
export interface DistributionChoice {
  id: string
  label: string
}

/** The invalidation dialog's state: what was asked, main's plan of it, and the outcome of sending. */
export interface InvalidationDraft {
  profileId: string
  distributionId: string
  /** Distributions the dialog can send to (more than one when several front the chosen bucket). */
  choices: DistributionChoice[]
  /** Typed paths, one a line. */
  text: string
  /** Objects and folders chosen in Storage. */
  objects?: ObjectsToInvalidate
  plan?: InvalidationPlan
  planning: boolean
  planError?: string
  sending: boolean
  sendError?: string
  sent?: OutputOf<(typeof cloudfrontApi)['createInvalidation']>
}

export interface LogsProgress {
  filesDone: number
  filesTotal: number
  bytesDone: number
  bytesTotal: number
}

/** Typed paths: one a line, surrounding spaces dropped (a space inside a path is kept and encoded by main). */
export function typedPaths(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '')
}

/** Whether the plan can be sent: something to send, and no path with a problem. */
export function canSend(plan: InvalidationPlan | undefined): boolean {
  return Boolean(plan && plan.pathCount > 0 && plan.paths.every((p) => !p.problem))
}

const DAY_MS = 86_400_000
/** The start of the hour that contains `ms` (log files are named by their hour). */
export const hourStart = (ms: number) => Math.floor(ms / 3_600_000) * 3_600_000

export const useCloudFrontStore = defineStore('cloudfront', () => {
  const profiles = useProfilesStore()
  const watches = useWatchesStore()

  const { ticket, dropAll } = useLatestRequest()

  // ── Distributions ────────────────────────────────────────────────────────────────────────────────
  /** Distributions of the active profile. */
  const distributions = shallowRef<DistributionSummary[]>([])
  const listLoading = ref(false)
  const listError = ref<ListingError>()
  /** When the list shown came from the offline snapshot: the time it was saved. */
  const listCachedAtMs = ref<number>()
  /** Offline and nothing was cached. */
  const listOfflineEmpty = ref(false)

  async function loadList(): Promise<void> {
    const profileId = profiles.activeId
    const current = ticket('list')
    listLoading.value = true
    listError.value = undefined
    listOfflineEmpty.value = false
    distributions.value = []
    listCachedAtMs.value = undefined
    await offlineFirst(
      current,
      (source) => api.cloudfront.listDistributions({ profileId, source }),
      (value) => {
        distributions.value = value.distributions
        listCachedAtMs.value = value.cachedAtMs
      },
      (error) => (error === 'offline-empty' ? (listOfflineEmpty.value = true) : (listError.value = error)),
    )
    if (current()) listLoading.value = false
  }

  // ── One distribution ─────────────────────────────────────────────────────────────────────────────
  const distribution = shallowRef<DistributionDetails>()
  const detailsLoading = ref(false)
  const detailsError = ref<ListingError>()
  const detailsCachedAtMs = ref<number>()
  const detailsOfflineEmpty = ref(false)
  /** Id of the distribution the details, invalidations and statistics are for. */
  const openId = ref<string>()

  /** Opens a distribution: its details, then its invalidations; statistics load when their tab asks. */
  async function open(distributionId: string): Promise<void> {
    const profileId = profiles.activeId
    const current = ticket('details')
    if (openId.value !== distributionId) {
      openId.value = distributionId
      distribution.value = undefined
      metrics.value = undefined
      monitoring.value = undefined
      logs.value = undefined
      invalidations.value = []
    }
    detailsLoading.value = true
    detailsError.value = undefined
    detailsOfflineEmpty.value = false
    const invalidationsLoaded = loadInvalidations()
    await offlineFirst(
      current,
      (source) => api.cloudfront.distribution({ profileId, distributionId, source }),
      (value) => {
        distribution.value = value.distribution
        detailsCachedAtMs.value = value.cachedAtMs
      },
      (error) => (error === 'offline-empty' ? (detailsOfflineEmpty.value = true) : (detailsError.value = error)),
    )
    if (current()) detailsLoading.value = false
    await invalidationsLoaded
  }

  /** The enable/disable question, and the outcome of its last attempt. */
  const enableDialog = ref<{ enabled: boolean; busy: boolean; error?: string; stale?: boolean }>()

  function askEnabled(enabled: boolean): void {
    enableDialog.value = { enabled, busy: false }
  }

  /**
   * Enables or disables the open distribution with the ETag its details were read with. Someone else's
   * change in between makes CloudFront refuse (PreconditionFailed): the dialog says so and offers to
   * reload the details, instead of overwriting a configuration the user has not seen.
   */
  async function setEnabled(): Promise<void> {
    const asked = enableDialog.value
    const shown = distribution.value
    if (!asked || !shown) return
    enableDialog.value = { ...asked, busy: true, error: undefined, stale: false }
    try {
      await api.cloudfront.setDistributionEnabled({
        profileId: profiles.activeId,
        distributionId: shown.id,
        enabled: asked.enabled,
        etag: shown.etag,
      })
      enableDialog.value = undefined
      await open(shown.id)
    } catch (error) {
      enableDialog.value = { ...asked, busy: false, error: messageOf(error), stale: isCode(error, 'conflict') }
    }
  }

  // ── Invalidations ────────────────────────────────────────────────────────────────────────────────
  const invalidations = ref<InvalidationSummary[]>([])
  const invalidationsNext = ref<string>()
  const invalidationsLoading = ref(false)
  const invalidationsError = ref<ListingError>()
  const invalidationsCachedAtMs = ref<number>()

  /** The first page (again), or with `more` the next one appended. */
  async function loadInvalidations(more = false): Promise<void> {
    const distributionId = openId.value
    if (!distributionId) return
    const profileId = profiles.activeId
    const current = ticket('invalidations')
    invalidationsLoading.value = true
    invalidationsError.value = undefined
    if (more && invalidationsNext.value) {
      try {
        const page = await api.cloudfront.listInvalidations({ profileId, distributionId, marker: invalidationsNext.value })
        if (!current()) return
        invalidations.value = [...invalidations.value, ...page.invalidations]
        invalidationsNext.value = page.nextMarker
      } catch (error) {
        if (current()) invalidationsError.value = toError(error)
      }
    } else {
      await offlineFirst(
        current,
        (source) => api.cloudfront.listInvalidations({ profileId, distributionId, source }),
        (page) => {
          invalidations.value = page.invalidations
          invalidationsNext.value = page.nextMarker
          invalidationsCachedAtMs.value = page.cachedAtMs
        },
        (error) => {
          if (error !== 'offline-empty') invalidationsError.value = error
        },
      )
    }
    if (current()) invalidationsLoading.value = false
  }

  /** An invalidation's status: the watch's word when one follows it (newer than the list), else the list's. */
  function statusOf(invalidation: InvalidationSummary): string {
    return watches.forSubject(`${openId.value}/${invalidation.id}`)?.status ?? invalidation.status
  }

  // A watch ending for the open distribution's invalidation: show it in the list at once.
  useAppEvent(['watch.changed'], (event) => {
    if (event.watch.kind !== 'cloudfront.invalidation') return
    const index = invalidations.value.findIndex((i) => `${openId.value}/${i.id}` === event.watch.subject)
    if (index >= 0) invalidations.value[index] = { ...invalidations.value[index]!, status: event.watch.status }
  })

  // ── The invalidation dialog ──────────────────────────────────────────────────────────────────────
  const draft = ref<InvalidationDraft>()
  let planTimer: ReturnType<typeof setTimeout> | undefined

  /** Opens the dialog for a distribution, optionally prefilled with objects from Storage or paths. */
  function startInvalidation(options: {
    distributionId: string
    choices?: DistributionChoice[]
    objects?: ObjectsToInvalidate
    paths?: string[]
  }): void {
    draft.value = {
      profileId: profiles.activeId,
      distributionId: options.distributionId,
      choices: options.choices ?? [{ id: options.distributionId, label: options.distributionId }],
      text: (options.paths ?? []).join('\n'),
      objects: options.objects,
      planning: false,
      sending: false,
    }
    void plan()
  }

  function closeInvalidation(): void {
    clearTimeout(planTimer)
    ticket('plan')
    draft.value = undefined
  }

  /** The typed paths changed: plan again shortly (typing fast plans once). */
  function editPaths(text: string): void {
    if (!draft.value) return
    draft.value.text = text
    clearTimeout(planTimer)
    planTimer = setTimeout(() => void plan(), 200)
  }

  function chooseDistribution(distributionId: string): void {
    if (!draft.value) return
    draft.value.distributionId = distributionId
    void plan()
  }

  const request = (d: InvalidationDraft) => ({
    profileId: d.profileId,
    distributionId: d.distributionId,
    paths: typedPaths(d.text),
    ...(d.objects ? { objects: d.objects } : {}),
  })

  /** Asks main for the plan of what the dialog holds: encoded paths, problems, batches and cost. Sends nothing. */
  async function plan(): Promise<void> {
    const d = draft.value
    if (!d) return
    const current = ticket('plan')
    const asked = request(d)
    if (asked.paths.length === 0 && !asked.objects) {
      d.plan = undefined
      d.planError = undefined
      d.planning = false
      return
    }
    d.planning = true
    try {
      const planned = await api.cloudfront.planInvalidation(asked)
      if (!current() || draft.value !== d) return
      d.plan = planned
      d.planError = undefined
    } catch (error) {
      if (current() && draft.value === d) d.planError = messageOf(error)
    } finally {
      if (current() && draft.value === d) d.planning = false
    }
  }

  /** Sends what was previewed; main re-checks everything and refuses the whole request on any problem. */
  async function sendInvalidation(): Promise<void> {
    const d = draft.value
    if (!d || !canSend(d.plan) || d.sending) return
    clearTimeout(planTimer)
    d.sending = true
    d.sendError = undefined
    try {
      const sent = await api.cloudfront.createInvalidation(request(d))
      if (draft.value !== d) return
      d.sent = sent
      if (openId.value === d.distributionId && profiles.activeId === d.profileId) {
        const known = new Set(invalidations.value.map((i) => i.id))
        const fresh = sent.invalidations.filter((i) => !known.has(i.id)).map(({ id, status, createdAtMs }) => ({ id, status, createdAtMs }))
        invalidations.value = [...fresh, ...invalidations.value]
      }
    } catch (error) {
      if (draft.value === d) d.sendError = messageOf(error)
    } finally {
      if (draft.value === d) d.sending = false
    }
  }

  // ── Storage: which distributions front a bucket ──────────────────────────────────────────────────
  /** Per profile and bucket: the distributions with an origin in it ([] when none, or when CloudFront cannot be asked). */
  const fronting = reactive(new Map<string, DistributionChoice[]>())
  const frontingKey = (bucket: string) => `${profiles.activeId}\n${bucket}`
  const frontingFor = (bucket: string | undefined) => (bucket ? (fronting.get(frontingKey(bucket)) ?? []) : [])

  /** Finds the distributions fronting a bucket, once per profile and bucket. */
  async function findFronting(bucket: string): Promise<void> {
    const key = frontingKey(bucket)
    if (fronting.has(key)) return
    fronting.set(key, [])
    try {
      const found = await api.cloudfront.distributionsForBucket({ profileId: profiles.activeId, bucket })
      fronting.set(
        key,
        found.distributions.map((d) => ({ id: d.id, label: d.aliases[0] ? `${d.aliases[0]} (${d.id})` : `${d.domainName} (${d.id})` })),
      )
    } catch {
      // No CloudFront for this profile (offline, denied, a MinIO endpoint): Storage simply offers no invalidation.
      fronting.delete(key)
    }
  }

  // ── Statistics from CloudWatch ───────────────────────────────────────────────────────────────────
  const monitoring = ref<OutputOf<(typeof cloudfrontApi)['monitoring']>>()
  const monitoringError = ref<string>()
  /** The "enable additional metrics?" question, with its price. */
  const metricsDialog = ref<{ busy: boolean; error?: string }>()
  const range = ref<MetricsRangeInput>({ last: '24h' })
  const metrics = shallowRef<DistributionMetrics>()
  const metricsLoading = ref(false)
  const metricsError = ref<ListingError>()

  async function loadMonitoring(): Promise<void> {
    const distributionId = openId.value
    if (!distributionId) return
    const current = ticket('monitoring')
    try {
      const answer = await api.cloudfront.monitoring({ profileId: profiles.activeId, distributionId })
      if (current()) {
        monitoring.value = answer
        monitoringError.value = undefined
      }
    } catch (error) {
      if (current()) monitoringError.value = messageOf(error)
    }
  }

  /** Loads the chosen range; offline, the last statistics saved for it (with their age). */
  async function loadMetrics(next: MetricsRangeInput = range.value): Promise<void> {
    const distributionId = openId.value
    if (!distributionId) return
    range.value = next
    const profileId = profiles.activeId
    const current = ticket('metrics')
    metricsLoading.value = true
    metricsError.value = undefined
    try {
      const live = await api.cloudfront.metrics({ profileId, distributionId, range: next })
      if (current()) metrics.value = live
    } catch (error) {
      if (!current()) return
      const cached = isCode(error, 'offline')
        ? await api.cloudfront.metrics({ profileId, distributionId, range: next, source: 'cache' }).catch(() => undefined)
        : undefined
      if (!current()) return
      if (cached) metrics.value = cached
      else metricsError.value = toError(error)
    } finally {
      if (current()) metricsLoading.value = false
    }
  }

  /** Turns additional metrics on after the user confirmed their monthly price, then reloads the charts. */
  async function enableAdditionalMetrics(): Promise<void> {
    const distributionId = openId.value
    if (!distributionId || !metricsDialog.value) return
    metricsDialog.value = { busy: true }
    try {
      await api.cloudfront.setAdditionalMetrics({ profileId: profiles.activeId, distributionId, enabled: true, confirm: true })
      metricsDialog.value = undefined
      await Promise.all([loadMonitoring(), loadMetrics()])
    } catch (error) {
      metricsDialog.value = { busy: false, error: messageOf(error) }
    }
  }

  // ── Statistics from standard logs ────────────────────────────────────────────────────────────────
  const now = Date.now()
  /** [fromMs, toMs): the last 7 days to the end of the current hour, unless the user picks another. */
  const logsRange = ref({ fromMs: hourStart(now) + 3_600_000 - 7 * DAY_MS, toMs: hourStart(now) + 3_600_000 })
  const logs = shallowRef<LogAnalysis>()
  const logsProgress = ref<LogsProgress>()
  const logsRunning = ref(false)
  const logsError = ref<ListingError>()
  let logsController: AbortController | undefined
  let logsRequestId: string | undefined

  // Progress of the analysis running now; events of an older (cancelled) one are ignored.
  useAppEvent(['cloudfront.logsProgress'], (event) => {
    if (logsRunning.value && (logsRequestId === undefined || event.requestId === logsRequestId)) {
      const { filesDone, filesTotal, bytesDone, bytesTotal } = event
      logsProgress.value = { filesDone, filesTotal, bytesDone, bytesTotal }
    }
  })

  /** Reads the logs of the range (new files only; the rest from per-file aggregates main keeps). */
  async function analyzeLogs(): Promise<void> {
    const distributionId = openId.value
    if (!distributionId) return
    cancelLogs()
    const current = ticket('logs')
    const controller = (logsController = new AbortController())
    logsRunning.value = true
    logsError.value = undefined
    logsProgress.value = undefined
    logsRequestId = undefined
    const input = { profileId: profiles.activeId, distributionId, ...logsRange.value }
    try {
      const analysis = await api.cloudfront.analyzeLogs(input, { signal: controller.signal, onRequestId: (id) => (logsRequestId = id) })
      if (current()) logs.value = analysis
    } catch (error) {
      if (!current() || isCode(error, 'cancelled')) return
      // Offline: what was read before still counts.
      const cached = isCode(error, 'offline')
        ? await api.cloudfront.analyzeLogs({ ...input, source: 'cache' }).catch(() => undefined)
        : undefined
      if (!current()) return
      if (cached) logs.value = cached
      else logsError.value = toError(error)
    } finally {
      if (current()) {
        logsRunning.value = false
        logsController = undefined
      }
    }
  }

  function cancelLogs(): void {
    logsController?.abort()
    logsController = undefined
    logsRunning.value = false
    ticket('logs')
  }

  /** A different profile: nothing of the old one's stays on screen. */
  function reset(): void {
    dropAll()
    cancelLogs()
    openId.value = undefined
    distribution.value = undefined
    distributions.value = []
    invalidations.value = []
    metrics.value = undefined
    monitoring.value = undefined
    logs.value = undefined
    closeInvalidation()
  }

  const additionalMetrics = computed(() => metrics.value?.additionalMetrics ?? monitoring.value?.additionalMetrics)

  return {
    distributions,
    listLoading,
    listError,
    listCachedAtMs,
    listOfflineEmpty,
    loadList,
    openId,
    distribution,
    detailsLoading,
    detailsError,
    detailsCachedAtMs,
    detailsOfflineEmpty,
    open,
    enableDialog,
    askEnabled,
    setEnabled,
    invalidations,
    invalidationsNext,
    invalidationsLoading,
    invalidationsError,
    invalidationsCachedAtMs,
    loadInvalidations,
    statusOf,
    draft,
    startInvalidation,
    closeInvalidation,
    editPaths,
    chooseDistribution,
    plan,
    sendInvalidation,
    fronting,
    frontingFor,
    findFronting,
    monitoring,
    monitoringError,
    metricsDialog,
    range,
    metrics,
    metricsLoading,
    metricsError,
    additionalMetrics,
    loadMonitoring,
    loadMetrics,
    enableAdditionalMetrics,
    logsRange,
    logs,
    logsProgress,
    logsRunning,
    logsError,
    analyzeLogs,
    cancelLogs,
    reset,
  }
})
