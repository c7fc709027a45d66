/**
 * Pipelines in the window: the active profile's pipelines, the open pipeline's flow (its stages'
 * actions with the durations of their latest runs, read from the timelines of the executions the
 * stages carry), its history page by page with filters, one execution's timeline, the stage-duration
 * trend, and the actions (start, stop or abandon, retry a stage, transitions, answering an approval).
 * Every call to main is here; views only show the state.
 *
 * Offline-first like CloudFront: listings show their snapshot at once (with `cachedAtMs`, the age the
 * view shows), then the live answer. Each request takes a ticket of its kind, so a late reply for
 * another profile or pipeline is dropped. While a stage of the open pipeline runs, its flow is read
 * again every few seconds, so a run is followed to its end.
 */
import { defineStore } from 'pinia'
import { ref, shallowRef } from 'vue'
import type {
  ExecutionSummary,
  ExecutionTimeline,
  PipelineDetails,
  PipelineSummary,
  codepipelineApi,
} from '../../src-main/api/codepipeline'
import type { InputOf, OutputOf } from '../../src-main/api/contract'
import { api } from '../api'
import { useApprovalsStore } from './approvals'
import { useProfilesStore } from './profiles'
import { offlineFirst, useLatestRequest } from './latest-request'
import { toError, type ListingError } from './storage'

export type ExecutionStatus = NonNullable<InputOf<(typeof codepipelineApi)['executions']>['status']>
export type SourceRevision = NonNullable<InputOf<(typeof codepipelineApi)['start']>['sourceRevision']>
export type StageRuns = OutputOf<(typeof codepipelineApi)['stageDurations']>['runs']

/** The question a dialog asks about the open pipeline. */
export type PipelineQuestion =
  | { kind: 'start' }
  | { kind: 'stop'; executionId: string }
  | { kind: 'retry'; stage: string; executionId: string }
  | { kind: 'disable'; stage: string }
  | { kind: 'approval'; stage: string; action: string }

export interface PipelineDialog {
  question: PipelineQuestion
  busy: boolean
  /** Why main refused (CodePipeline's refusal in words); nothing was changed. */
  error?: string
  /** The refusal says the approval is no longer waiting (answered, expired or stopped). */
  gone?: boolean
  /** What was done, when the dialog stays to say so. */
  done?: string
}

export const executionStatuses: ExecutionStatus[] = ['InProgress', 'Succeeded', 'Failed', 'Stopped', 'Stopping', 'Superseded', 'Cancelled']
export const triggerTypes = ['StartPipelineExecution', 'Webhook', 'WebhookV2', 'PollForSourceChanges', 'CloudWatchEvent', 'CreatePipeline']
/** How often the open pipeline is read again while one of its stages runs. */
export const FOLLOW_MS = 3_000
const TREND_RUNS = 20

export const usePipelinesStore = defineStore('pipelines', () => {
  const profiles = useProfilesStore()
  const approvals = useApprovalsStore()

  const { ticket, dropAll } = useLatestRequest()

  // ── The list ─────────────────────────────────────────────────────────────────────────────────────
  /** Pipelines of the active profile with each stage's latest status and the approvals waiting. */
  const pipelines = shallowRef<PipelineSummary[]>([])
  const listLoading = ref(false)
  const listError = ref<ListingError>()
  /** When the list shown came from the offline snapshot: the time it was saved. */
  const listCachedAtMs = ref<number>()
  const listOfflineEmpty = ref(false)

  async function loadList(): Promise<void> {
    const profileId = profiles.activeId
    const current = ticket('list')
    listLoading.value = true
    listError.value = undefined
    listOfflineEmpty.value = false
    await offlineFirst(
      current,
      (source) => api.codepipeline.listPipelines({ profileId, source }),
      (value) => {
        pipelines.value = value.pipelines
        listCachedAtMs.value = value.cachedAtMs
      },
      (error) => (error === 'offline-empty' ? (listOfflineEmpty.value = true) : (listError.value = error)),
    )
    if (current()) listLoading.value = false
  }

  // ── One pipeline ─────────────────────────────────────────────────────────────────────────────────
  /** Name of the pipeline the flow, history and timeline are for. */
  const openName = ref<string>()
  const details = shallowRef<PipelineDetails>()
  const detailsLoading = ref(false)
  const detailsError = ref<ListingError>()
  const detailsCachedAtMs = ref<number>()
  const detailsOfflineEmpty = ref(false)
  /** Timelines of the executions the stages carry (by execution id), for the actions' durations. */
  const stageTimelines = shallowRef<Map<string, ExecutionTimeline>>(new Map())
  let followTimer: ReturnType<typeof setTimeout> | undefined

  function reset(): void {
    dropAll()
    stopFollowing()
    pipelines.value = []
    listCachedAtMs.value = undefined
    openName.value = undefined
    details.value = undefined
    stageTimelines.value = new Map()
    executions.value = []
    timeline.value = undefined
    selectedExecution.value = undefined
    trend.value = []
    dialog.value = undefined
  }

  /** Opens a pipeline (or reads it again): its flow, then the timelines behind the durations. */
  async function open(name: string): Promise<void> {
    const profileId = profiles.activeId
    const current = ticket('details')
    stopFollowing()
    if (openName.value !== name) {
      openName.value = name
      details.value = undefined
      detailsCachedAtMs.value = undefined
      stageTimelines.value = new Map()
      executions.value = []
      historyNextToken.value = undefined
      historyLoaded.value = false
      timeline.value = undefined
      selectedExecution.value = undefined
      trend.value = []
    }
    detailsLoading.value = true
    detailsError.value = undefined
    detailsOfflineEmpty.value = false
    await offlineFirst(
      current,
      (source) => api.codepipeline.pipeline({ profileId, pipeline: name, source }),
      (value) => {
        details.value = value
        detailsCachedAtMs.value = value.cachedAtMs
      },
      (error) => (error === 'offline-empty' ? (detailsOfflineEmpty.value = true) : (detailsError.value = error)),
    )
    if (!current()) return
    detailsLoading.value = false
    await loadStageTimelines(profileId, name, current)
    if (current() && !detailsCachedAtMs.value && isRunning()) followTimer = setTimeout(() => void open(name), FOLLOW_MS)
  }

  const isRunning = () => (details.value?.stages ?? []).some((s) => s.status === 'InProgress' || s.status === 'Stopping')

  function stopFollowing(): void {
    if (followTimer) clearTimeout(followTimer)
    followTimer = undefined
  }

  async function loadStageTimelines(profileId: string, pipeline: string, current: () => boolean): Promise<void> {
    const ids = [...new Set((details.value?.stages ?? []).flatMap((s) => (s.executionId ? [s.executionId] : [])))]
    const loaded = new Map<string, ExecutionTimeline>()
    await Promise.all(
      ids.map(async (executionId) => {
        const answer = await api.codepipeline
          .timeline({ profileId, pipeline, executionId, source: detailsCachedAtMs.value ? 'cache' : 'network' })
          .catch(() => undefined)
        if (answer?.timeline) loaded.set(executionId, answer.timeline)
      }),
    )
    if (current()) stageTimelines.value = loaded
  }

  // ── History ──────────────────────────────────────────────────────────────────────────────────────
  /** Executions newest first, appended page by page; the filters apply to each page main reads. */
  const executions = shallowRef<ExecutionSummary[]>([])
  const historyNextToken = ref<string>()
  const historyLoading = ref(false)
  const historyLoaded = ref(false)
  const historyError = ref<ListingError>()
  const historyCachedAtMs = ref<number>()
  const filters = ref<{ status: ExecutionStatus | ''; trigger: string }>({ status: '', trigger: '' })

  /**
   * The first page (or, with `more`, the next one). A filtered page can come back empty while more
   * executions follow: then the next pages are read too, up to a few, so the list does not look empty.
   */
  async function loadHistory(more = false): Promise<void> {
    const pipeline = openName.value
    if (!pipeline) return
    const profileId = profiles.activeId
    const current = ticket('history')
    if (!more) {
      executions.value = []
      historyNextToken.value = undefined
      historyCachedAtMs.value = undefined
    }
    historyLoading.value = true
    historyError.value = undefined
    const { status, trigger } = filters.value
    let nextToken = more ? historyNextToken.value : undefined
    try {
      for (let pages = 0; pages < 8; pages++) {
        const input = {
          profileId,
          pipeline,
          ...(nextToken ? { nextToken } : {}),
          ...(status ? { status } : {}),
          ...(trigger ? { trigger } : {}),
        }
        // Offline, main answers with the page's snapshot (and its cachedAtMs) when it has one.
        const page = await api.codepipeline.executions({ ...input, source: 'network' })
        if (!current()) return
        executions.value = [...executions.value, ...page.executions]
        historyCachedAtMs.value = page.cachedAtMs ?? historyCachedAtMs.value
        nextToken = page.nextToken
        historyNextToken.value = nextToken
        if (page.executions.length > 0 || !nextToken) break
      }
      historyLoaded.value = true
    } catch (error) {
      if (current()) historyError.value = toError(error)
    } finally {
      if (current()) historyLoading.value = false
    }
  }

  function setFilters(next: { status: ExecutionStatus | ''; trigger: string }): void {
    filters.value = next
    void loadHistory()
  }

  // ── One execution's timeline, and the trend ──────────────────────────────────────────────────────
  const selectedExecution = ref<string>()
  const timeline = shallowRef<ExecutionTimeline>()
  const timelineLoading = ref(false)
  const timelineError = ref<ListingError>()
  const timelineCachedAtMs = ref<number>()
  const timelineOfflineEmpty = ref(false)

  async function selectExecution(executionId: string): Promise<void> {
    const pipeline = openName.value
    if (!pipeline) return
    const profileId = profiles.activeId
    const current = ticket('timeline')
    selectedExecution.value = executionId
    if (timeline.value?.executionId !== executionId) timeline.value = undefined
    timelineLoading.value = true
    timelineError.value = undefined
    timelineOfflineEmpty.value = false
    await offlineFirst(
      current,
      (source) => api.codepipeline.timeline({ profileId, pipeline, executionId, source }),
      (value) => {
        timeline.value = value.timeline
        timelineCachedAtMs.value = value.cachedAtMs
      },
      (error) => (error === 'offline-empty' ? (timelineOfflineEmpty.value = true) : (timelineError.value = error)),
    )
    if (current()) timelineLoading.value = false
  }

  /** Stage durations of the last runs, oldest first (for the trend chart). */
  const trend = shallowRef<StageRuns>([])
  const trendLoading = ref(false)
  const trendError = ref<ListingError>()

  async function loadTrend(runs = TREND_RUNS): Promise<void> {
    const pipeline = openName.value
    if (!pipeline) return
    const current = ticket('trend')
    trendLoading.value = true
    trendError.value = undefined
    try {
      const answer = await api.codepipeline.stageDurations({ profileId: profiles.activeId, pipeline, runs })
      if (current()) trend.value = answer.runs
    } catch (error) {
      if (current()) trendError.value = toError(error)
    } finally {
      if (current()) trendLoading.value = false
    }
  }

  // ── Actions ──────────────────────────────────────────────────────────────────────────────────────
  const dialog = ref<PipelineDialog>()

  function ask(question: PipelineQuestion): void {
    dialog.value = { question, busy: false }
  }
  function closeDialog(): void {
    dialog.value = undefined
  }

  /**
   * Sends what the dialog asked. A refusal stays in the dialog (nothing was changed); success closes it,
   * except an answered approval, which says when it was recorded. The flow is read again either way.
   */
  async function run<T>(
    work: (profileId: string, pipeline: string) => Promise<T>,
    done?: (value: T) => string | undefined,
  ): Promise<boolean> {
    const asked = dialog.value
    const pipeline = openName.value
    if (!asked || !pipeline || asked.busy) return false
    dialog.value = { ...asked, busy: true, error: undefined, gone: false }
    const profileId = profiles.activeId
    try {
      const value = await work(profileId, pipeline)
      const message = done?.(value)
      dialog.value = message ? { ...asked, busy: false, done: message } : undefined
      return true
    } catch (error) {
      const refused = toError(error)
      if (dialog.value?.question === asked.question) {
        dialog.value = {
          ...asked,
          busy: false,
          error: refused.message,
          gone: asked.question.kind === 'approval' && refused.code === 'conflict',
        }
      }
      return false
    } finally {
      if (openName.value === pipeline) void open(pipeline)
      if (historyLoaded.value && openName.value === pipeline) void loadHistory()
    }
  }

  const start = (sourceRevision?: SourceRevision) =>
    run((profileId, pipeline) => api.codepipeline.start({ profileId, pipeline, ...(sourceRevision ? { sourceRevision } : {}) }))

  function stop(abandon: boolean, reason: string): Promise<boolean> {
    const asked = dialog.value?.question
    if (asked?.kind !== 'stop') return Promise.resolve(false)
    return run((profileId, pipeline) =>
      api.codepipeline.stop({ profileId, pipeline, executionId: asked.executionId, abandon, confirm: true, ...(reason ? { reason } : {}) }),
    )
  }

  function retry(mode: 'FAILED_ACTIONS' | 'ALL_ACTIONS'): Promise<boolean> {
    const asked = dialog.value?.question
    if (asked?.kind !== 'retry') return Promise.resolve(false)
    return run((profileId, pipeline) =>
      api.codepipeline.retryStage({ profileId, pipeline, stage: asked.stage, executionId: asked.executionId, mode }),
    )
  }

  function disableTransition(reason: string): Promise<boolean> {
    const asked = dialog.value?.question
    if (asked?.kind !== 'disable') return Promise.resolve(false)
    return run((profileId, pipeline) => api.codepipeline.setTransition({ profileId, pipeline, stage: asked.stage, enabled: false, reason }))
  }

  /** Enabling a transition only lets runs through again: no question asked. Refusals show in the flow. */
  const transitionError = ref<{ stage: string; message: string }>()
  async function enableTransition(stage: string): Promise<void> {
    const pipeline = openName.value
    if (!pipeline) return
    transitionError.value = undefined
    try {
      await api.codepipeline.setTransition({ profileId: profiles.activeId, pipeline, stage, enabled: true })
    } catch (error) {
      transitionError.value = { stage, message: toError(error).message }
    }
    if (openName.value === pipeline) await open(pipeline)
  }

  function answerApproval(approve: boolean, comment: string, doneMessage: (approvedAtMs?: number) => string): Promise<boolean> {
    const asked = dialog.value?.question
    if (asked?.kind !== 'approval') return Promise.resolve(false)
    return run(
      (profileId, pipeline) =>
        api.codepipeline.answerApproval({ profileId, pipeline, stage: asked.stage, action: asked.action, approve, comment }),
      (value) => doneMessage(value.approvedAtMs),
    )
  }

  return {
    pipelines,
    listLoading,
    listError,
    listCachedAtMs,
    listOfflineEmpty,
    loadList,
    openName,
    details,
    detailsLoading,
    detailsError,
    detailsCachedAtMs,
    detailsOfflineEmpty,
    stageTimelines,
    open,
    stopFollowing,
    reset,
    executions,
    historyNextToken,
    historyLoading,
    historyLoaded,
    historyError,
    historyCachedAtMs,
    filters,
    loadHistory,
    setFilters,
    selectedExecution,
    timeline,
    timelineLoading,
    timelineError,
    timelineCachedAtMs,
    timelineOfflineEmpty,
    selectExecution,
    trend,
    trendLoading,
    trendError,
    loadTrend,
    dialog,
    ask,
    closeDialog,
    start,
    stop,
    retry,
    disableTransition,
    enableTransition,
    transitionError,
    answerApproval,
    approvals,
  }
})
