/**
 * The emulated CodePipeline's execution engine: a discrete-event simulation on the sandbox's clock.
 *
 * Nothing runs on timers. Every event (an action finishing, an approval expiring, a scripted reviewer)
 * sits in a queue with its due time; `sync()` (called by every API operation) runs the events due up to
 * `nowMs()` in time order, each at its own due time, so results never depend on when anyone looked.
 * Tests drive a hand-set clock; the seed runs 30 days of history through the same code in milliseconds.
 * README.md in this folder has the state machine.
 */
import { EmulatedError } from '../framework/emulated-error'
import type {
  ActionDeclaration,
  ActionRunRecord,
  ExecutionRecord,
  PipelineDeclaration,
  PipelineRecord,
  PlannedOutcome,
  SourceRevisionRecord,
  StageDeclaration,
  TriggerRecord,
} from './model'

export interface OutcomeContext {
  pipelineName: string
  stageName: string
  action: ActionDeclaration
  /** The commit (or object version) this execution's Source fetched, if any. */
  revisionId: string | undefined
  /** 0 for the first run of this action in this execution, 1 after the first retry, … */
  attempt: number
}

export type Outcome = PlannedOutcome

export interface EngineSnapshot {
  format: 1
  clockMs: number
  randomState: number
  pipelines: PipelineRecord[]
}

export interface EngineOptions {
  nowMs: () => number
  /** Automated actions take their nominal duration divided by this (the app runs a release in ≈ 2 min). */
  speed?: number
  /** Seeds ids, tokens, durations and the default outcomes. */
  seed?: number
  /** Outcome of an automated action; default: `defaultOutcome` (Build fails for a share of commits). */
  outcome?: (context: OutcomeContext) => Outcome
  accountId?: string
  region?: string
  /** Where the engine's clock starts (the seed starts 30 days back and runs history up to now). Default nowMs(). */
  startAtMs?: number
}

export const DEFAULT_APPROVAL_TIMEOUT_MINUTES = 7 * 24 * 60
/** PARALLEL and QUEUED executions a pipeline may have unfinished at once. */
export const MAX_CONCURRENT_EXECUTIONS = 50

interface QueuedEvent {
  atMs: number
  seq: number
  run: () => void
}

const terminal = new Set(['Stopped', 'Succeeded', 'Superseded', 'Failed', 'Cancelled'])
export const isActive = (execution: ExecutionRecord) => !terminal.has(execution.status)

/** FNV-1a, for outcomes that depend on the commit rather than on the order things happened in. */
export function hash01(text: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193)
  return (h >>> 0) / 4294967296
}

/** Share of commits whose Build fails: half of them always (broken), half only on the first attempt (flaky). */
export const BUILD_FAILURE_SHARE = 0.16

export function defaultOutcome(seed: number) {
  return ({ action, revisionId, attempt }: OutcomeContext): Outcome => {
    if (action.actionTypeId.category !== 'Build' || !revisionId) return { status: 'Succeeded' }
    const h = hash01(`${seed}:${revisionId}`)
    const broken = h < BUILD_FAILURE_SHARE / 2
    const flaky = !broken && h < BUILD_FAILURE_SHARE && attempt === 0
    if (!broken && !flaky) return { status: 'Succeeded' }
    return {
      status: 'Failed',
      code: 'JobFailed',
      message: broken
        ? 'Build terminated with state: FAILED. Phase: BUILD, Code: COMMAND_EXECUTION_ERROR, Message: Error while executing command: npm run build. Reason: exit status 1'
        : 'Build terminated with state: FAILED. Phase: POST_BUILD, Code: COMMAND_EXECUTION_ERROR, Message: Error while executing command: npm test. Reason: exit status 1',
    }
  }
}

/** Nominal durations in ms (before the speed factor): [minimum, spread]. */
function nominalDurationMs(action: ActionDeclaration): [number, number] {
  const { category, provider } = action.actionTypeId
  if (category === 'Source') return [6_000, 14_000]
  if (provider === 'CodeBuild') return [150_000, 180_000]
  if (provider === 'S3') return [20_000, 30_000]
  if (provider === 'Lambda') return [30_000, 40_000]
  return [30_000, 60_000]
}

const isApproval = (action: ActionDeclaration) => action.actionTypeId.category === 'Approval' && action.actionTypeId.provider === 'Manual'
const runOrderOf = (action: ActionDeclaration) => action.runOrder ?? 1

/** A binary min-heap of events by due time, then by scheduling order (ties run first-come). */
class EventQueue {
  private readonly heap: QueuedEvent[] = []

  private static before(a: QueuedEvent, b: QueuedEvent): boolean {
    return a.atMs < b.atMs || (a.atMs === b.atMs && a.seq < b.seq)
  }

  push(event: QueuedEvent): void {
    const heap = this.heap
    heap.push(event)
    let i = heap.length - 1
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (!EventQueue.before(heap[i]!, heap[parent]!)) break
      ;[heap[i], heap[parent]] = [heap[parent]!, heap[i]!]
      i = parent
    }
  }

  peek(): QueuedEvent | undefined {
    return this.heap[0]
  }

  /** Removes and returns the earliest event if it is due by `timeMs`. */
  popDue(timeMs: number): QueuedEvent | undefined {
    const heap = this.heap
    const top = heap[0]
    if (!top || top.atMs > timeMs) return undefined
    const last = heap.pop()!
    if (heap.length > 0) {
      heap[0] = last
      let i = 0
      for (;;) {
        const left = 2 * i + 1
        const right = left + 1
        let smallest = i
        if (left < heap.length && EventQueue.before(heap[left]!, heap[smallest]!)) smallest = left
        if (right < heap.length && EventQueue.before(heap[right]!, heap[smallest]!)) smallest = right
        if (smallest === i) break
        ;[heap[i], heap[smallest]] = [heap[smallest]!, heap[i]!]
        i = smallest
      }
    }
    return top
  }
}

/** Lookups rebuilt from the records (never saved), so a busy history stays fast. */
interface PipelineIndex {
  executions: Map<string, ExecutionRecord>
  /** Position in `executions`, for oldest-first order. */
  order: Map<ExecutionRecord, number>
  active: Set<ExecutionRecord>
  runsByExecution: Map<string, ActionRunRecord[]>
  latestRunByAction: Map<string, ActionRunRecord>
}

export class PipelineEngine {
  readonly pipelines = new Map<string, PipelineRecord>()
  private readonly indexes = new Map<string, PipelineIndex>()
  speed: number
  private clockMs = 0
  private readonly events = new EventQueue()
  private seq = 0
  private state: number
  private readonly outcome: (context: OutcomeContext) => Outcome
  readonly accountId: string
  readonly region: string
  /** Called when a Manual approval starts waiting (the seed's scripted reviewers listen here). */
  onApprovalWaiting?: (pipeline: PipelineRecord, run: ActionRunRecord) => void
  /** Called when an execution is created (the seed's scripted operators listen here). */
  onExecutionStarted?: (pipeline: PipelineRecord, execution: ExecutionRecord) => void

  constructor(private readonly options: EngineOptions) {
    this.speed = options.speed ?? 1
    this.state = (options.seed ?? 1) >>> 0
    this.outcome = options.outcome ?? defaultOutcome(options.seed ?? 1)
    this.accountId = options.accountId ?? '123456789012'
    this.region = options.region ?? 'us-east-1'
    this.clockMs = options.startAtMs ?? options.nowMs()
  }

  /** The engine's current time: the due time of the event running, or the last sync. */
  get nowMs(): number {
    return this.clockMs
  }

  // ── time ────────────────────────────────────────────────────────────────────────────────────────

  /** Runs every event due up to the sandbox clock's now. */
  sync(): void {
    this.runUntil(this.options.nowMs())
  }

  /** Runs every event due up to `timeMs`, in due-time order, then leaves the clock at `timeMs`. */
  runUntil(timeMs: number): void {
    for (let event = this.events.popDue(timeMs); event; event = this.events.popDue(timeMs)) {
      this.clockMs = Math.max(this.clockMs, event.atMs)
      event.run()
    }
    this.clockMs = Math.max(this.clockMs, Math.floor(timeMs))
  }

  /** Schedules `run` at `atMs` (not before now; whole milliseconds, as the API's times are). */
  at(atMs: number, run: () => void): void {
    this.events.push({ atMs: Math.max(Math.round(atMs), this.clockMs), seq: this.seq++, run })
  }

  /** Due time of the next queued event, for tests that step through a run. */
  nextEventAtMs(): number | undefined {
    return this.events.peek()?.atMs
  }

  private randomUint32(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0
    let t = this.state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return (t ^ (t >>> 14)) >>> 0
  }

  /** mulberry32: seeded, so every run of the same story is the same. */
  private random(): number {
    return this.randomUint32() / 4294967296
  }

  /** A version-4-shaped UUID from the seeded generator (ids match the API's patterns, runs are repeatable). */
  uuid(): string {
    const hex = (n: number) => n.toString(16).padStart(8, '0')
    const a = hex(this.randomUint32())
    const b = hex(this.randomUint32())
    const c = hex(this.randomUint32())
    const d = hex(this.randomUint32())
    const variant = ((parseInt(c[0]!, 16) & 0x3) | 0x8).toString(16)
    return `${a}-${b.slice(0, 4)}-4${b.slice(5, 8)}-${variant}${c.slice(1, 4)}-${c.slice(4)}${d}`
  }

  // ── pipelines ───────────────────────────────────────────────────────────────────────────────────

  addPipeline(declaration: PipelineDeclaration, repositories: Record<string, SourceRevisionRecord[]> = {}): PipelineRecord {
    validateDeclaration(declaration)
    const transitions: PipelineRecord['transitions'] = {}
    for (const stage of declaration.stages.slice(1)) transitions[stage.name] = { enabled: true }
    const record: PipelineRecord = {
      declaration,
      createdMs: this.clockMs,
      updatedMs: this.clockMs,
      transitions,
      executions: [],
      actionRuns: [],
      stageLatest: {},
      requestTokens: {},
      repositories,
    }
    this.pipelines.set(declaration.name, record)
    this.reindex(record)
    return record
  }

  private reindex(pipeline: PipelineRecord) {
    const index: PipelineIndex = {
      executions: new Map(),
      order: new Map(),
      active: new Set(),
      runsByExecution: new Map(),
      latestRunByAction: new Map(),
    }
    this.indexes.set(pipeline.declaration.name, index)
    for (const execution of pipeline.executions) this.indexExecution(pipeline, execution)
    for (const run of pipeline.actionRuns) this.indexRun(pipeline, run)
  }

  private index(pipeline: PipelineRecord): PipelineIndex {
    return this.indexes.get(pipeline.declaration.name)!
  }

  private indexExecution(pipeline: PipelineRecord, execution: ExecutionRecord) {
    const index = this.index(pipeline)
    index.executions.set(execution.pipelineExecutionId, execution)
    index.order.set(execution, index.order.size)
    if (isActive(execution)) index.active.add(execution)
  }

  private indexRun(pipeline: PipelineRecord, run: ActionRunRecord) {
    const index = this.index(pipeline)
    const list = index.runsByExecution.get(run.pipelineExecutionId) ?? []
    list.push(run)
    index.runsByExecution.set(run.pipelineExecutionId, list)
    index.latestRunByAction.set(`${run.stageName}/${run.actionName}`, run)
  }

  /** Unfinished executions, oldest first. */
  activeExecutions(pipeline: PipelineRecord): ExecutionRecord[] {
    const index = this.index(pipeline)
    return [...index.active].sort((a, b) => index.order.get(a)! - index.order.get(b)!)
  }

  /** Every action run of one execution, in start order. */
  runsOf(pipeline: PipelineRecord, pipelineExecutionId: string): readonly ActionRunRecord[] {
    return this.index(pipeline).runsByExecution.get(pipelineExecutionId) ?? []
  }

  /** The newest run of an action across executions (GetPipelineState's action latestExecution). */
  latestRunOf(pipeline: PipelineRecord, stageName: string, actionName: string): ActionRunRecord | undefined {
    return this.index(pipeline).latestRunByAction.get(`${stageName}/${actionName}`)
  }

  pipeline(name: string): PipelineRecord {
    const found = this.pipelines.get(name)
    if (!found) {
      throw new EmulatedError('PipelineNotFoundException', `Account '${this.accountId}' does not have a pipeline with name '${name}'`)
    }
    return found
  }

  execution(pipeline: PipelineRecord, pipelineExecutionId: string): ExecutionRecord {
    const found = this.index(pipeline).executions.get(pipelineExecutionId)
    if (!found) {
      throw new EmulatedError(
        'PipelineExecutionNotFoundException',
        `Pipeline execution with id '${pipelineExecutionId}' does not exist in pipeline '${pipeline.declaration.name}'.`,
      )
    }
    return found
  }

  stage(pipeline: PipelineRecord, stageName: string): { stage: StageDeclaration; index: number } {
    const index = pipeline.declaration.stages.findIndex((s) => s.name === stageName)
    if (index < 0) {
      throw new EmulatedError('StageNotFoundException', `Stage '${stageName}' does not exist in pipeline '${pipeline.declaration.name}'.`)
    }
    return { stage: pipeline.declaration.stages[index]!, index }
  }

  /** The newest run of each action of a stage in one execution. */
  latestRuns(pipeline: PipelineRecord, pipelineExecutionId: string, stageName: string): Map<string, ActionRunRecord> {
    const latest = new Map<string, ActionRunRecord>()
    for (const run of this.runsOf(pipeline, pipelineExecutionId)) {
      if (run.stageName === stageName) latest.set(run.actionName, run)
    }
    return latest
  }

  // ── operations (each validates, then changes state at the engine's now) ─────────────────────────

  start(
    pipelineName: string,
    request: {
      trigger: TriggerRecord
      clientRequestToken?: string
      /** actionName → revision id (V2 sourceRevisions override, or the seed's webhook commit). */
      sourceRevisions?: Record<string, string>
      variables?: { name: string; value: string }[]
    },
  ): ExecutionRecord {
    const pipeline = this.pipeline(pipelineName)
    const declaration = pipeline.declaration
    if (request.clientRequestToken) {
      const existing = pipeline.requestTokens[request.clientRequestToken]
      if (existing) return this.execution(pipeline, existing)
    }
    if (declaration.executionMode !== 'SUPERSEDED') {
      const active = this.index(pipeline).active.size
      if (active >= MAX_CONCURRENT_EXECUTIONS) {
        throw new EmulatedError(
          'ConcurrentPipelineExecutionsLimitExceededException',
          `The pipeline has reached the limit of ${MAX_CONCURRENT_EXECUTIONS} concurrent executions.`,
        )
      }
    }
    const declared = declaration.variables ?? []
    for (const variable of request.variables ?? []) {
      if (!declared.some((d) => d.name === variable.name)) {
        throw new EmulatedError(
          'ValidationException',
          `Pipeline variable '${variable.name}' is not declared in pipeline '${pipelineName}'.`,
        )
      }
    }
    const variables = declared.map((d) => ({
      name: d.name,
      resolvedValue: request.variables?.find((v) => v.name === d.name)?.value ?? d.defaultValue ?? '',
    }))
    const missing = variables.find((v) => v.resolvedValue === '')
    if (missing) throw new EmulatedError('ValidationException', `Pipeline variable '${missing.name}' has no value and no default.`)
    const sourceRequests: Record<string, string | undefined> = {}
    for (const action of declaration.stages[0]?.actions ?? []) {
      if (action.actionTypeId.category === 'Source') sourceRequests[action.name] = request.sourceRevisions?.[action.name]
    }
    const execution: ExecutionRecord = {
      pipelineExecutionId: this.uuid(),
      pipelineVersion: declaration.version,
      status: 'InProgress',
      startMs: this.clockMs,
      lastUpdateMs: this.clockMs,
      trigger: request.trigger,
      executionMode: declaration.executionMode,
      executionType: 'STANDARD',
      sourceRequests,
      sourceRevisions: [],
      variables,
      position: { phase: 'before', stageIndex: 0, sinceMs: this.clockMs },
      stages: {},
    }
    pipeline.executions.push(execution)
    this.indexExecution(pipeline, execution)
    if (request.clientRequestToken) pipeline.requestTokens[request.clientRequestToken] = execution.pipelineExecutionId
    this.onExecutionStarted?.(pipeline, execution)
    this.arriveBefore(pipeline, execution, 0)
    return execution
  }

  /** RollbackStage: re-runs one stage with the revisions of an earlier execution that succeeded in it. */
  rollback(pipelineName: string, stageName: string, targetPipelineExecutionId: string, trigger: TriggerRecord): ExecutionRecord {
    const pipeline = this.pipeline(pipelineName)
    const { index } = this.stage(pipeline, stageName)
    const target = this.execution(pipeline, targetPipelineExecutionId)
    const declaration = pipeline.declaration
    if (declaration.pipelineType !== 'V2' || declaration.executionMode === 'PARALLEL') {
      throw new EmulatedError('ValidationException', 'Stage rollback is supported only for V2 pipelines in SUPERSEDED or QUEUED mode.')
    }
    const unable = (why: string) => {
      throw new EmulatedError('UnableToRollbackStageException', `Unable to roll back stage '${stageName}': ${why}`)
    }
    if (index === 0) unable('the source stage cannot be rolled back.')
    if (target.stages[stageName]?.status !== 'Succeeded') unable(`execution '${targetPipelineExecutionId}' did not succeed in this stage.`)
    if (target.pipelineVersion !== declaration.version) unable('the pipeline version has changed since the target execution ran.')
    if (this.activeExecutions(pipeline).some((e) => e.position.phase === 'in' && e.position.stageIndex === index)) {
      unable('the stage is currently running.')
    }
    const execution: ExecutionRecord = {
      pipelineExecutionId: this.uuid(),
      pipelineVersion: declaration.version,
      status: 'InProgress',
      startMs: this.clockMs,
      lastUpdateMs: this.clockMs,
      trigger,
      executionMode: declaration.executionMode,
      executionType: 'ROLLBACK',
      rollbackMetadata: { rollbackTargetPipelineExecutionId: targetPipelineExecutionId },
      rollbackStageIndex: index,
      sourceRequests: {},
      sourceRevisions: target.sourceRevisions.map((r) => ({ ...r })),
      variables: target.variables.map((v) => ({ ...v })),
      position: { phase: 'before', stageIndex: index, sinceMs: this.clockMs },
      stages: {},
    }
    pipeline.executions.push(execution)
    this.indexExecution(pipeline, execution)
    this.onExecutionStarted?.(pipeline, execution)
    this.arriveBefore(pipeline, execution, index)
    return execution
  }

  stop(pipelineName: string, pipelineExecutionId: string, options: { abandon: boolean; reason?: string }): ExecutionRecord {
    const pipeline = this.pipeline(pipelineName)
    const execution = this.index(pipeline).executions.get(pipelineExecutionId)
    if (execution?.status === 'Stopping' && !options.abandon) {
      throw new EmulatedError(
        'DuplicatedStopRequestException',
        'The pipeline execution is already in a Stopping state. If you already chose to stop and wait, you cannot make that request again. You can choose to stop and abandon now, but be aware that this option can lead to failed tasks or out of sequence tasks.',
      )
    }
    if (!execution || !isActive(execution)) {
      throw new EmulatedError(
        'PipelineExecutionNotStoppableException',
        `Unable to stop the pipeline execution '${pipelineExecutionId}'. The execution might already be in a Stopped state, or it might no longer be in progress.`,
      )
    }
    execution.stopTrigger = options.reason === undefined ? {} : { reason: options.reason }
    const position = execution.position
    const running = this.runsOf(pipeline, pipelineExecutionId).filter((r) => r.status === 'InProgress')
    if (position.phase !== 'in' || running.length === 0) {
      this.finishExecution(pipeline, execution, 'Stopped')
      if (position.phase === 'in') this.setStage(execution, pipeline.declaration.stages[position.stageIndex]!.name, 'Stopped')
    } else if (options.abandon) {
      for (const run of running) this.settle(run, 'Abandoned')
      this.setStage(execution, pipeline.declaration.stages[position.stageIndex]!.name, 'Stopped')
      this.finishExecution(pipeline, execution, 'Stopped')
    } else {
      execution.stopMode = 'wait'
      execution.status = 'Stopping'
      execution.lastUpdateMs = this.clockMs
      this.setStage(execution, pipeline.declaration.stages[position.stageIndex]!.name, 'Stopping')
    }
    this.pump(pipeline)
    return execution
  }

  retry(pipelineName: string, stageName: string, pipelineExecutionId: string, mode: 'FAILED_ACTIONS' | 'ALL_ACTIONS'): ExecutionRecord {
    const pipeline = this.pipeline(pipelineName)
    const { stage, index } = this.stage(pipeline, stageName)
    if (pipeline.stageLatest[stageName] !== pipelineExecutionId) {
      throw new EmulatedError(
        'NotLatestPipelineExecutionException',
        `The stage '${stageName}' has failed in a later run of the pipeline and the pipelineExecutionId '${pipelineExecutionId}' associated with the request is out of date.`,
      )
    }
    const execution = this.execution(pipeline, pipelineExecutionId)
    const stageRun = execution.stages[stageName]
    if (isActive(execution) || !stageRun || (stageRun.status !== 'Failed' && stageRun.status !== 'Stopped')) {
      throw new EmulatedError(
        'StageNotRetryableException',
        `Stage '${stageName}' of execution '${pipelineExecutionId}' is ${stageRun?.status ?? 'not started'}: only a Failed or Stopped stage of a finished execution can be retried.`,
      )
    }
    const latest = this.latestRuns(pipeline, pipelineExecutionId, stageName)
    const orders = [...new Set(stage.actions.map(runOrderOf))].sort((a, b) => a - b)
    // FAILED_ACTIONS starts at the first run order with an action that did not succeed (or never ran);
    // with none such, and for ALL_ACTIONS, the whole stage runs again.
    const pending = (a: ActionDeclaration) => latest.get(a.name)?.status !== 'Succeeded'
    const firstPending = orders.find((order) => stage.actions.some((a) => runOrderOf(a) === order && pending(a)))
    const runOrder = mode === 'FAILED_ACTIONS' && firstPending !== undefined ? firstPending : orders[0]!
    const actions = stage.actions.filter(
      (a) => runOrderOf(a) === runOrder && (mode === 'ALL_ACTIONS' || firstPending === undefined || pending(a)),
    )
    execution.status = 'InProgress'
    this.index(pipeline).active.add(execution)
    execution.statusSummary = undefined
    execution.stopMode = undefined
    execution.stopTrigger = undefined
    execution.lastUpdateMs = this.clockMs
    stageRun.status = 'InProgress'
    stageRun.manualRetries += 1
    execution.position = { phase: 'in', stageIndex: index, runOrder }
    for (const action of actions) this.startAction(pipeline, execution, stage, action)
    this.pump(pipeline)
    return execution
  }

  putApprovalResult(
    pipelineName: string,
    stageName: string,
    actionName: string,
    token: string,
    result: { status: 'Approved' | 'Rejected'; summary: string },
    by: string,
  ): number {
    const pipeline = this.pipeline(pipelineName)
    const { stage } = this.stage(pipeline, stageName)
    const action = stage.actions.find((a) => a.name === actionName)
    if (!action) {
      throw new EmulatedError(
        'ActionNotFoundException',
        `Action '${actionName}' does not exist in stage '${stageName}' of pipeline '${pipelineName}'.`,
      )
    }
    const run = pipeline.actionRuns.find((r) => r.stageName === stageName && r.actionName === actionName && r.token === token)
    if (run?.approvalResult) {
      throw new EmulatedError(
        'ApprovalAlreadyCompletedException',
        `The approval action '${actionName}' has already been ${run.approvalResult === 'Approved' ? 'approved' : 'rejected'}.`,
      )
    }
    if (!run || run.status !== 'InProgress' || !isApproval(action)) {
      throw new EmulatedError(
        'InvalidApprovalTokenException',
        `The approval request for action '${actionName}' already received a response or has expired, or the token is not valid.`,
      )
    }
    run.approvalResult = result.status
    run.updatedBy = by
    run.summary = result.summary
    if (result.status === 'Approved') this.settle(run, 'Succeeded')
    else this.settle(run, 'Failed', { code: 'JobFailed', message: `Rejected: ${result.summary}` })
    this.afterAction(pipeline, run)
    return this.clockMs
  }

  setTransition(
    pipelineName: string,
    stageName: string,
    transitionType: 'Inbound' | 'Outbound',
    enabled: boolean,
    by: string,
    reason?: string,
  ) {
    const pipeline = this.pipeline(pipelineName)
    const { index } = this.stage(pipeline, stageName)
    const target = transitionType === 'Inbound' ? index : index + 1
    const gated = pipeline.declaration.stages[target]
    if (target === 0 || !gated) {
      throw new EmulatedError(
        'ValidationException',
        `Stage '${stageName}' has no ${transitionType.toLowerCase()} transition: transitions exist only between two stages.`,
      )
    }
    pipeline.transitions[gated.name] = enabled
      ? { enabled: true, lastChangedBy: by, lastChangedAtMs: this.clockMs }
      : { enabled: false, lastChangedBy: by, lastChangedAtMs: this.clockMs, disabledReason: reason }
    this.pump(pipeline)
  }

  // ── the state machine ───────────────────────────────────────────────────────────────────────────

  private setStage(execution: ExecutionRecord, stageName: string, status: ExecutionRecord['stages'][string]['status']) {
    const run = (execution.stages[stageName] ??= { status, manualRetries: 0 })
    run.status = status
  }

  private finishExecution(pipeline: PipelineRecord, execution: ExecutionRecord, status: ExecutionRecord['status'], statusSummary?: string) {
    this.index(pipeline).active.delete(execution)
    execution.status = status
    execution.statusSummary = statusSummary
    execution.stopMode = undefined
    execution.lastUpdateMs = this.clockMs
    if (execution.position.phase === 'before') execution.position = { phase: 'done' }
  }

  /** The execution reaches the boundary before stage `stageIndex` (or the end of the pipeline). */
  private arriveBefore(pipeline: PipelineRecord, execution: ExecutionRecord, stageIndex: number) {
    const stages = pipeline.declaration.stages
    if (stageIndex >= stages.length || (execution.rollbackStageIndex !== undefined && stageIndex > execution.rollbackStageIndex)) {
      execution.position = { phase: 'done' }
      this.finishExecution(pipeline, execution, 'Succeeded')
      return
    }
    execution.position = { phase: 'before', stageIndex, sinceMs: this.clockMs }
    execution.lastUpdateMs = this.clockMs
    if (pipeline.declaration.executionMode === 'SUPERSEDED') {
      // One execution waits at a boundary; of two, the one started later goes on.
      for (const other of this.activeExecutions(pipeline)) {
        if (other === execution) continue
        if (other.position.phase !== 'before' || other.position.stageIndex !== stageIndex) continue
        const loser = other.startMs <= execution.startMs ? other : execution
        this.finishExecution(pipeline, loser, 'Superseded', `Superseded by a newer execution at stage '${stages[stageIndex]!.name}'.`)
        loser.position = { phase: 'done' }
      }
    }
    this.pump(pipeline)
  }

  /** Lets every waiting execution that may enter its next stage do so, oldest first. */
  private pump(pipeline: PipelineRecord) {
    let moved = true
    while (moved) {
      moved = false
      for (const execution of this.activeExecutions(pipeline)) {
        if (execution.position.phase !== 'before') continue
        if (this.mayEnter(pipeline, execution, execution.position.stageIndex)) {
          this.enter(pipeline, execution, execution.position.stageIndex)
          moved = true
          break
        }
      }
    }
  }

  private mayEnter(pipeline: PipelineRecord, execution: ExecutionRecord, stageIndex: number): boolean {
    const stage = pipeline.declaration.stages[stageIndex]!
    if (stageIndex > 0 && !pipeline.transitions[stage.name]?.enabled) return false
    if (pipeline.declaration.executionMode === 'PARALLEL') return true
    // SUPERSEDED and QUEUED lock a stage while an execution runs in it; QUEUED keeps arrival order.
    for (const other of this.activeExecutions(pipeline)) {
      if (other === execution) continue
      if (other.position.phase === 'in' && other.position.stageIndex === stageIndex) return false
      if (
        other.position.phase === 'before' &&
        other.position.stageIndex === stageIndex &&
        execution.position.phase === 'before' &&
        other.position.sinceMs < execution.position.sinceMs
      ) {
        return false
      }
    }
    return true
  }

  private enter(pipeline: PipelineRecord, execution: ExecutionRecord, stageIndex: number) {
    const stage = pipeline.declaration.stages[stageIndex]!
    const runOrder = Math.min(...stage.actions.map(runOrderOf))
    execution.position = { phase: 'in', stageIndex, runOrder }
    execution.lastUpdateMs = this.clockMs
    const previous = execution.stages[stage.name]
    execution.stages[stage.name] = { status: 'InProgress', manualRetries: previous?.manualRetries ?? 0 }
    pipeline.stageLatest[stage.name] = execution.pipelineExecutionId
    for (const action of stage.actions.filter((a) => runOrderOf(a) === runOrder)) this.startAction(pipeline, execution, stage, action)
  }

  private startAction(pipeline: PipelineRecord, execution: ExecutionRecord, stage: StageDeclaration, action: ActionDeclaration) {
    const attempt = this.runsOf(pipeline, execution.pipelineExecutionId).filter(
      (r) => r.stageName === stage.name && r.actionName === action.name,
    ).length
    const run: ActionRunRecord = {
      actionExecutionId: this.uuid(),
      pipelineExecutionId: execution.pipelineExecutionId,
      pipelineVersion: execution.pipelineVersion,
      stageName: stage.name,
      actionName: action.name,
      runOrder: runOrderOf(action),
      status: 'InProgress',
      startMs: this.clockMs,
      lastUpdateMs: this.clockMs,
      resolvedConfiguration: this.resolve(action.configuration ?? {}, execution),
    }
    pipeline.actionRuns.push(run)
    this.indexRun(pipeline, run)
    execution.lastUpdateMs = this.clockMs
    if (isApproval(action)) {
      run.token = this.uuid()
      run.expiresAtMs = this.clockMs + (action.timeoutInMinutes ?? DEFAULT_APPROVAL_TIMEOUT_MINUTES) * 60_000
      this.scheduleExpiry(pipeline, run)
      this.onApprovalWaiting?.(pipeline, run)
      return
    }
    const [minimum, spread] = nominalDurationMs(action)
    const durationMs = Math.round((minimum + this.random() * spread) / this.speed)
    let outcome: Outcome
    let source: SourceRevisionRecord | undefined
    if (action.actionTypeId.category === 'Source') {
      const repository = pipeline.repositories[action.name] ?? []
      const wanted = execution.sourceRequests[action.name]
      source = wanted ? repository.find((c) => c.revisionId === wanted) : [...repository].reverse().find((c) => c.createdMs <= this.clockMs)
      outcome = source
        ? { status: 'Succeeded' }
        : {
            status: 'Failed',
            code: 'JobFailed',
            message: wanted
              ? `Could not fetch the revision '${wanted}': it does not exist in the repository.`
              : 'The repository has no revisions.',
          }
    } else {
      outcome = this.outcome({
        pipelineName: pipeline.declaration.name,
        stageName: stage.name,
        action,
        revisionId: execution.sourceRevisions[0]?.revisionId,
        attempt,
      })
    }
    run.finishAtMs = this.clockMs + durationMs
    run.plannedOutcome = outcome
    if (source) run.fetchedRevision = source
    this.describeExternalRun(action, run, source)
    this.scheduleFinish(pipeline, run)
  }

  // Events are rebuilt from the records alone (see restore), so they hold no state of their own.
  private scheduleFinish(pipeline: PipelineRecord, run: ActionRunRecord) {
    this.at(run.finishAtMs!, () => {
      if (run.status !== 'InProgress') return
      const execution = this.execution(pipeline, run.pipelineExecutionId)
      const source = run.fetchedRevision
      if (source) {
        const action = this.stage(pipeline, run.stageName).stage.actions.find((a) => a.name === run.actionName)!
        execution.sourceRevisions.push({
          actionName: run.actionName,
          revisionId: source.revisionId,
          revisionSummary: summaryOf(action, source),
          revisionUrl: source.url,
          createdMs: source.createdMs,
        })
      }
      const outcome = run.plannedOutcome ?? { status: 'Succeeded' }
      if (outcome.status === 'Succeeded') this.settle(run, 'Succeeded')
      else this.settle(run, 'Failed', { code: outcome.code, message: outcome.message })
      this.afterAction(pipeline, run)
    })
  }

  private scheduleExpiry(pipeline: PipelineRecord, run: ActionRunRecord) {
    this.at(run.expiresAtMs!, () => {
      if (run.status !== 'InProgress') return
      const minutes = Math.round((run.expiresAtMs! - run.startMs) / 60_000)
      this.settle(run, 'Failed', { code: 'JobFailed', message: `The approval request expired: no response within ${minutes} minutes.` })
      this.afterAction(pipeline, run)
    })
  }

  // ── persistence ─────────────────────────────────────────────────────────────────────────────────

  /** Everything the engine needs to go on later: records, clock and generator state (JSON-safe). */
  snapshot(): EngineSnapshot {
    return { format: 1, clockMs: this.clockMs, randomState: this.state, pipelines: [...this.pipelines.values()] }
  }

  /** An engine that continues from a snapshot: pending completions and expiries are scheduled again. */
  static restore(options: EngineOptions, snapshot: EngineSnapshot): PipelineEngine {
    if (snapshot.format !== 1 || !Array.isArray(snapshot.pipelines)) throw new Error('Unknown CodePipeline sandbox state format.')
    const engine = new PipelineEngine({ ...options, startAtMs: snapshot.clockMs })
    engine.state = snapshot.randomState >>> 0
    for (const pipeline of snapshot.pipelines) {
      engine.pipelines.set(pipeline.declaration.name, pipeline)
      engine.reindex(pipeline)
      for (const run of pipeline.actionRuns) {
        if (run.status !== 'InProgress') continue
        if (run.expiresAtMs !== undefined) engine.scheduleExpiry(pipeline, run)
        else if (run.finishAtMs !== undefined) engine.scheduleFinish(pipeline, run)
      }
    }
    return engine
  }

  /** What the action's external system would report: ids, console links, output variables. */
  private describeExternalRun(action: ActionDeclaration, run: ActionRunRecord, source: SourceRevisionRecord | undefined) {
    const config = run.resolvedConfiguration ?? {}
    const region = action.region ?? this.region
    const { provider } = action.actionTypeId
    if (source) {
      run.externalExecutionId = source.revisionId
      run.externalExecutionSummary = source.message
      run.externalExecutionUrl = source.url
      run.outputVariables =
        provider === 'CodeStarSourceConnection'
          ? {
              AuthorDate: new Date(source.createdMs).toISOString(),
              BranchName: config.BranchName ?? 'main',
              CommitId: source.revisionId,
              CommitMessage: source.message,
              ConnectionArn: config.ConnectionArn ?? '',
              FullRepositoryName: config.FullRepositoryId ?? '',
              // Not in AWS's variable set: the sandbox adds the author so the demo can show it.
              AuthorName: source.author,
            }
          : { VersionId: source.revisionId, ETag: source.revisionId.slice(0, 32), ObjectKey: config.S3ObjectKey ?? '' }
    } else if (provider === 'CodeBuild') {
      const buildId = `${config.ProjectName}:${this.uuid()}`
      run.externalExecutionId = buildId
      run.externalExecutionUrl = `https://${region}.console.aws.amazon.com/codesuite/codebuild/${this.accountId}/projects/${config.ProjectName}/build/${encodeURIComponent(buildId)}/?region=${region}`
      run.externalExecutionSummary = `Build ${buildId}`
    } else if (provider === 'S3') {
      const prefix = config.ObjectKey ? `${config.ObjectKey.replace(/\/?$/, '/')}` : ''
      run.externalExecutionUrl = `https://s3.console.aws.amazon.com/s3/buckets/${config.BucketName}?region=${region}&prefix=${encodeURIComponent(prefix)}`
      run.externalExecutionSummary = `Deployed to s3://${config.BucketName}/${prefix}`
    } else if (provider === 'Lambda') {
      const requestId = this.uuid()
      run.externalExecutionId = requestId
      run.externalExecutionUrl = `https://${region}.console.aws.amazon.com/lambda/home?region=${region}#/functions/${config.FunctionName}`
      try {
        const parameters = JSON.parse(config.UserParameters ?? '{}') as { distributionId?: string }
        if (parameters.distributionId) {
          const invalidationId = `I${this.uuid().replace(/-/g, '').slice(0, 13).toUpperCase()}`
          run.externalExecutionSummary = `Invalidation ${invalidationId} created for distribution ${parameters.distributionId}`
          run.outputVariables = { DistributionId: parameters.distributionId, InvalidationId: invalidationId }
        }
      } catch {
        run.externalExecutionSummary = `Invoked ${config.FunctionName}`
      }
    }
  }

  /** `#{variables.NAME}` placeholders resolved against the execution's pipeline variables. */
  private resolve(configuration: Record<string, string>, execution: ExecutionRecord): Record<string, string> {
    const resolved: Record<string, string> = {}
    for (const [key, value] of Object.entries(configuration)) {
      resolved[key] = value.replace(/#\{variables\.([A-Za-z0-9@\-_]+)\}/g, (whole, name: string) => {
        return execution.variables.find((v) => v.name === name)?.resolvedValue ?? whole
      })
    }
    return resolved
  }

  private settle(run: ActionRunRecord, status: ActionRunRecord['status'], errorDetails?: { code: string; message: string }) {
    run.status = status
    run.lastUpdateMs = this.clockMs
    if (errorDetails) run.errorDetails = errorDetails
  }

  /** An action of an execution's current stage settled: finish its run-order group, then the stage. */
  private afterAction(pipeline: PipelineRecord, run: ActionRunRecord) {
    const execution = this.execution(pipeline, run.pipelineExecutionId)
    execution.lastUpdateMs = this.clockMs
    const position = execution.position
    if (!isActive(execution) || position.phase !== 'in') return
    const stage = pipeline.declaration.stages[position.stageIndex]!
    if (stage.name !== run.stageName) return
    const latest = this.latestRuns(pipeline, execution.pipelineExecutionId, stage.name)
    const group = stage.actions.filter((a) => runOrderOf(a) === position.runOrder)
    if (group.some((a) => latest.get(a.name)?.status === 'InProgress')) return
    const failed = group.some((a) => latest.get(a.name)?.status !== 'Succeeded')
    const next = stage.actions.map(runOrderOf).filter((order) => order > position.runOrder)
    if (execution.stopMode === 'wait') {
      this.setStage(execution, stage.name, !failed && next.length === 0 ? 'Succeeded' : 'Stopped')
      this.finishExecution(pipeline, execution, 'Stopped')
    } else if (failed) {
      this.setStage(execution, stage.name, 'Failed')
      const failedRun = group.map((a) => latest.get(a.name)).find((r) => r && r.status !== 'Succeeded')
      this.finishExecution(pipeline, execution, 'Failed', failedRun?.errorDetails?.message)
    } else if (next.length > 0) {
      const runOrder = Math.min(...next)
      execution.position = { phase: 'in', stageIndex: position.stageIndex, runOrder }
      for (const action of stage.actions.filter((a) => runOrderOf(a) === runOrder)) this.startAction(pipeline, execution, stage, action)
      return
    } else {
      this.setStage(execution, stage.name, 'Succeeded')
      this.arriveBefore(pipeline, execution, position.stageIndex + 1)
    }
    this.pump(pipeline)
  }
}

/** The structure rules of CreatePipeline that the engine relies on. */
export function validateDeclaration(declaration: PipelineDeclaration): void {
  const fail = (message: string) => {
    throw new EmulatedError('ValidationException', message)
  }
  if (declaration.pipelineType === 'V1' && declaration.executionMode !== 'SUPERSEDED') {
    fail(`Execution mode ${declaration.executionMode} requires pipeline type V2.`)
  }
  if (declaration.stages.length < 2) fail('A pipeline must have at least two stages.')
  const stageNames = new Set<string>()
  declaration.stages.forEach((stage, index) => {
    if (stageNames.has(stage.name)) fail(`Stage name '${stage.name}' is used more than once.`)
    stageNames.add(stage.name)
    if (stage.actions.length === 0) fail(`Stage '${stage.name}' has no actions.`)
    const actionNames = new Set<string>()
    for (const action of stage.actions) {
      if (actionNames.has(action.name)) fail(`Action name '${action.name}' is used more than once in stage '${stage.name}'.`)
      actionNames.add(action.name)
      const source = action.actionTypeId.category === 'Source'
      if (source !== (index === 0)) fail(`Source actions must be in the first stage, and only there (action '${action.name}').`)
      if (action.timeoutInMinutes !== undefined) {
        if (!isApproval(action)) fail(`timeoutInMinutes is available only for manual approval actions (action '${action.name}').`)
        if (!Number.isInteger(action.timeoutInMinutes) || action.timeoutInMinutes < 5 || action.timeoutInMinutes > 86_400) {
          fail(`timeoutInMinutes must be between 5 and 86400 (action '${action.name}').`)
        }
      }
    }
  })
}

/** AWS's revision summary: a JSON document for connections, the upload's description for S3. */
function summaryOf(action: ActionDeclaration, source: SourceRevisionRecord): string {
  if (action.actionTypeId.provider === 'CodeStarSourceConnection') {
    return JSON.stringify({ ProviderType: 'GitHub', CommitMessage: source.message })
  }
  return source.message
}
