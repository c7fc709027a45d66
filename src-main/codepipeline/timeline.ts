/**
 * Pure functions over CodePipeline's own answers: an execution's timeline from ListActionExecutions pages,
 * and which commit sits in each stage (GetPipelineState joined with the executions' sourceRevisions).
 * No SDK calls here: callers page the API and hand the pages in, so these run on snapshots too.
 */
import type { ActionExecutionDetail, GetPipelineStateOutput, PipelineExecutionSummary } from '@aws-sdk/client-codepipeline'

export type TimelineStatus = 'InProgress' | 'Succeeded' | 'Failed' | 'Abandoned'

export interface TimelineAction {
  actionName: string
  actionExecutionId: string
  /** 1 for the first run of this action in the execution, 2 after a retry, … */
  attempt: number
  startMs: number
  /** Absent while the action runs. */
  endMs?: number
  status: TimelineStatus
  error?: { code: string; message: string }
  externalExecutionUrl?: string
  summary?: string
  outputVariables?: Record<string, string>
}

export interface TimelineStage {
  stageName: string
  startMs: number
  /** Absent while any action of the stage runs. */
  endMs?: number
  /** From each action's latest attempt: InProgress, else Failed, else Stopped (an abandoned action), else Succeeded. */
  status: 'InProgress' | 'Succeeded' | 'Failed' | 'Stopped'
  /** Every run, retries included, in start order. */
  actions: TimelineAction[]
}

export interface Timeline {
  pipelineExecutionId: string
  startMs: number
  endMs?: number
  stages: TimelineStage[]
}

const toMs = (date: Date | undefined) => (date ? date.getTime() : undefined)

function dedupe(pages: Iterable<readonly ActionExecutionDetail[]>): ActionExecutionDetail[] {
  // A run can show up on two pages when it changed between the calls: keep its newest state.
  const byId = new Map<string, ActionExecutionDetail>()
  for (const page of pages) {
    for (const detail of page) {
      const id = detail.actionExecutionId
      if (!id) continue
      const seen = byId.get(id)
      if (!seen || (toMs(detail.lastUpdateTime) ?? 0) >= (toMs(seen.lastUpdateTime) ?? 0)) byId.set(id, detail)
    }
  }
  return [...byId.values()]
}

function stageStatus(actions: TimelineAction[]): TimelineStage['status'] {
  const latest = new Map<string, TimelineAction>()
  for (const action of actions) latest.set(action.actionName, action)
  const statuses = [...latest.values()].map((a) => a.status)
  if (statuses.includes('InProgress')) return 'InProgress'
  if (statuses.includes('Failed')) return 'Failed'
  if (statuses.includes('Abandoned')) return 'Stopped'
  return 'Succeeded'
}

/**
 * Timelines of the executions found in ListActionExecutions pages, newest execution first. `stageOrder`
 * (the declaration's stage names) orders the stages; without it they go by start time.
 */
export function buildTimelines(pages: Iterable<readonly ActionExecutionDetail[]>, stageOrder?: readonly string[]): Timeline[] {
  const byExecution = new Map<string, ActionExecutionDetail[]>()
  for (const detail of dedupe(pages)) {
    const id = detail.pipelineExecutionId
    if (!id || !detail.stageName || !detail.actionName || !detail.startTime) continue
    const list = byExecution.get(id) ?? []
    list.push(detail)
    byExecution.set(id, list)
  }
  const timelines = [...byExecution].map(([pipelineExecutionId, details]) => {
    const ordered = details.sort((a, b) => toMs(a.startTime)! - toMs(b.startTime)!)
    const stages = new Map<string, TimelineAction[]>()
    const attempts = new Map<string, number>()
    for (const detail of ordered) {
      const key = `${detail.stageName}/${detail.actionName}`
      const attempt = (attempts.get(key) ?? 0) + 1
      attempts.set(key, attempt)
      const status = (detail.status ?? 'InProgress') as TimelineStatus
      const result = detail.output?.executionResult
      const error = result?.errorDetails
      const action: TimelineAction = {
        actionName: detail.actionName!,
        actionExecutionId: detail.actionExecutionId!,
        attempt,
        startMs: toMs(detail.startTime)!,
        ...(status === 'InProgress' ? {} : { endMs: toMs(detail.lastUpdateTime) ?? toMs(detail.startTime)! }),
        status,
        ...(error ? { error: { code: error.code ?? '', message: error.message ?? '' } } : {}),
        ...(result?.externalExecutionUrl ? { externalExecutionUrl: result.externalExecutionUrl } : {}),
        ...(result?.externalExecutionSummary ? { summary: result.externalExecutionSummary } : {}),
        ...(detail.output?.outputVariables ? { outputVariables: detail.output.outputVariables } : {}),
      }
      const list = stages.get(detail.stageName!) ?? []
      list.push(action)
      stages.set(detail.stageName!, list)
    }
    const stageList: TimelineStage[] = [...stages].map(([stageName, actions]) => {
      const running = actions.some((a) => a.endMs === undefined)
      return {
        stageName,
        startMs: Math.min(...actions.map((a) => a.startMs)),
        ...(running ? {} : { endMs: Math.max(...actions.map((a) => a.endMs!)) }),
        status: stageStatus(actions),
        actions,
      }
    })
    const rank = (name: string) => {
      const index = stageOrder?.indexOf(name) ?? -1
      return index < 0 ? Number.MAX_SAFE_INTEGER : index
    }
    stageList.sort((a, b) => rank(a.stageName) - rank(b.stageName) || a.startMs - b.startMs)
    const running = stageList.some((s) => s.endMs === undefined)
    return {
      pipelineExecutionId,
      startMs: Math.min(...stageList.map((s) => s.startMs)),
      ...(running ? {} : { endMs: Math.max(...stageList.map((s) => s.endMs!)) }),
      stages: stageList,
    }
  })
  return timelines.sort((a, b) => b.startMs - a.startMs)
}

/** The timeline of one execution, or undefined when the pages hold none of its actions. */
export function buildTimeline(
  pages: Iterable<readonly ActionExecutionDetail[]>,
  pipelineExecutionId: string,
  stageOrder?: readonly string[],
): Timeline | undefined {
  const mine = [...pages].map((page) => page.filter((d) => d.pipelineExecutionId === pipelineExecutionId))
  return buildTimelines(mine, stageOrder)[0]
}

export interface StageCommit {
  stageName: string
  pipelineExecutionId: string
  /** The stage's status in that execution. */
  status: string
  /**
   * What that execution's Source fetched; undefined when `executions` lacks the execution (fetch it with
   * GetPipelineExecution or a further page), empty when it fetched nothing yet.
   */
  revisions?: { actionName: string; revisionId?: string; message?: string; author?: string; url?: string }[]
}

/**
 * CodePipeline's revision summary: for repository connections a JSON document
 * (`{"ProviderType":"GitHub","CommitMessage":"…"}`), for other sources plain text.
 */
export function revisionMessage(summary: string | undefined): string | undefined {
  if (summary === undefined) return undefined
  try {
    const parsed = JSON.parse(summary) as unknown
    if (parsed && typeof parsed === 'object' && typeof (parsed as { CommitMessage?: unknown }).CommitMessage === 'string') {
      return (parsed as { CommitMessage: string }).CommitMessage
    }
  } catch {
    // Not JSON: the summary is the message.
  }
  return summary
}

/**
 * The commit in each stage: each stage's latest execution joined with that execution's sourceRevisions.
 * CodePipeline's summaries carry no author; pass ListActionExecutions details that include those
 * executions' Source runs and the author comes from their `AuthorName` output variable where present.
 */
export function commitsByStage(
  state: GetPipelineStateOutput,
  executions: readonly Pick<PipelineExecutionSummary, 'pipelineExecutionId' | 'sourceRevisions'>[],
  actionDetails: readonly ActionExecutionDetail[] = [],
): StageCommit[] {
  const byId = new Map(executions.map((e) => [e.pipelineExecutionId, e]))
  const authors = new Map<string, string>()
  for (const detail of actionDetails) {
    const author = detail.output?.outputVariables?.AuthorName
    if (author && detail.pipelineExecutionId && detail.actionName) authors.set(`${detail.pipelineExecutionId}/${detail.actionName}`, author)
  }
  const commits: StageCommit[] = []
  for (const stage of state.stageStates ?? []) {
    const latest = stage.latestExecution
    if (!stage.stageName || !latest?.pipelineExecutionId) continue
    const execution = byId.get(latest.pipelineExecutionId)
    commits.push({
      stageName: stage.stageName,
      pipelineExecutionId: latest.pipelineExecutionId,
      status: latest.status ?? 'InProgress',
      ...(execution
        ? {
            revisions: (execution.sourceRevisions ?? []).map((r) => ({
              actionName: r.actionName ?? '',
              ...(r.revisionId ? { revisionId: r.revisionId } : {}),
              ...(r.revisionSummary ? { message: revisionMessage(r.revisionSummary) } : {}),
              ...(authors.has(`${latest.pipelineExecutionId}/${r.actionName}`)
                ? { author: authors.get(`${latest.pipelineExecutionId}/${r.actionName}`) }
                : {}),
              ...(r.revisionUrl ? { url: r.revisionUrl } : {}),
            })),
          }
        : {}),
    })
  }
  return commits
}
