/**
 * The emulated CodePipeline's records. Declarations are kept in the API's own JSON shape (what
 * GetPipeline returns); run-time state is the engine's, serialized to the API's shapes by operations.ts.
 */

export type PipelineType = 'V1' | 'V2'
export type ExecutionMode = 'SUPERSEDED' | 'QUEUED' | 'PARALLEL'
export type ExecutionStatus = 'InProgress' | 'Stopping' | 'Stopped' | 'Succeeded' | 'Superseded' | 'Failed' | 'Cancelled'
export type StageStatus = 'InProgress' | 'Stopping' | 'Stopped' | 'Succeeded' | 'Failed' | 'Cancelled' | 'Skipped'
export type ActionStatus = 'InProgress' | 'Succeeded' | 'Failed' | 'Abandoned'

export interface ActionTypeId {
  category: 'Source' | 'Build' | 'Deploy' | 'Test' | 'Invoke' | 'Approval' | 'Compute'
  owner: 'AWS' | 'ThirdParty' | 'Custom'
  provider: string
  version: string
}

export interface ActionDeclaration {
  name: string
  actionTypeId: ActionTypeId
  runOrder?: number
  configuration?: Record<string, string>
  inputArtifacts?: { name: string }[]
  outputArtifacts?: { name: string }[]
  namespace?: string
  region?: string
  roleArn?: string
  /** Manual approval only: 5–86,400 minutes; default 7 days. */
  timeoutInMinutes?: number
}

export interface StageDeclaration {
  name: string
  actions: ActionDeclaration[]
}

export interface PipelineDeclaration {
  name: string
  roleArn: string
  artifactStore: { type: 'S3'; location: string }
  stages: StageDeclaration[]
  version: number
  pipelineType: PipelineType
  executionMode: ExecutionMode
  variables?: { name: string; defaultValue?: string; description?: string }[]
  triggers?: {
    providerType: 'CodeStarSourceConnection'
    gitConfiguration: { sourceActionName: string; push?: { branches?: { includes?: string[] } }[] }
  }[]
}

/** A commit (or object version) a Source action can fetch. */
export interface SourceRevisionRecord {
  revisionId: string
  message: string
  author: string
  createdMs: number
  url?: string
}

export type PlannedOutcome = { status: 'Succeeded' } | { status: 'Failed'; code: string; message: string }

export interface TransitionRecord {
  enabled: boolean
  lastChangedBy?: string
  lastChangedAtMs?: number
  disabledReason?: string
}

export interface TriggerRecord {
  triggerType: string
  triggerDetail?: string
}

export interface ExecutionSourceRevision {
  actionName: string
  revisionId: string
  revisionSummary: string
  revisionUrl?: string
  createdMs: number
}

/** Where an unfinished execution is: waiting before a stage, or inside it. */
export type ExecutionPosition =
  { phase: 'before'; stageIndex: number; sinceMs: number } | { phase: 'in'; stageIndex: number; runOrder: number } | { phase: 'done' }

export interface StageRunRecord {
  status: StageStatus
  manualRetries: number
}

export interface ExecutionRecord {
  pipelineExecutionId: string
  pipelineVersion: number
  status: ExecutionStatus
  statusSummary?: string
  startMs: number
  lastUpdateMs: number
  trigger: TriggerRecord
  stopTrigger?: { reason?: string }
  executionMode: ExecutionMode
  executionType: 'STANDARD' | 'ROLLBACK'
  /** ROLLBACK only: the execution whose revisions it redeploys, and the one stage it runs. */
  rollbackMetadata?: { rollbackTargetPipelineExecutionId: string }
  rollbackStageIndex?: number
  /** What each Source action will fetch (the override or the branch head at start). */
  sourceRequests: Record<string, string | undefined>
  /** What each Source action did fetch: the execution's sourceRevisions and artifactRevisions. */
  sourceRevisions: ExecutionSourceRevision[]
  variables: { name: string; resolvedValue: string }[]
  position: ExecutionPosition
  stopMode?: 'wait'
  stages: Record<string, StageRunRecord>
}

export interface ActionRunRecord {
  actionExecutionId: string
  pipelineExecutionId: string
  pipelineVersion: number
  stageName: string
  actionName: string
  runOrder: number
  status: ActionStatus
  startMs: number
  lastUpdateMs: number
  updatedBy?: string
  summary?: string
  /** Manual approval only, while InProgress. */
  token?: string
  /** Set when PutApprovalResult answered this run. */
  approvalResult?: 'Approved' | 'Rejected'
  /** When a waiting approval fails by itself. */
  expiresAtMs?: number
  externalExecutionId?: string
  externalExecutionUrl?: string
  externalExecutionSummary?: string
  errorDetails?: { code: string; message: string }
  outputVariables?: Record<string, string>
  resolvedConfiguration?: Record<string, string>
  /** Automated actions: when and how they will finish (decided when they start). */
  finishAtMs?: number
  plannedOutcome?: PlannedOutcome
  /** Source actions: the revision they are fetching. */
  fetchedRevision?: SourceRevisionRecord
}

export interface PipelineRecord {
  declaration: PipelineDeclaration
  createdMs: number
  updatedMs: number
  /** Inbound transition of each stage but the first. */
  transitions: Record<string, TransitionRecord>
  /** Newest last. */
  executions: ExecutionRecord[]
  /** Every action run of every execution, in start order (retries included). */
  actionRuns: ActionRunRecord[]
  /** The latest execution to enter each stage (GetPipelineState's stage latestExecution). */
  stageLatest: Record<string, string>
  /** clientRequestToken → execution id (StartPipelineExecution idempotency). */
  requestTokens: Record<string, string>
  /** The repository behind each Source action, oldest commit first. */
  repositories: Record<string, SourceRevisionRecord[]>
}
