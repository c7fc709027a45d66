/**
 * CodePipeline: pipelines and their state, execution history, an execution's timeline, the actions a
 * release needs (start, stop or abandon, retry a stage, transitions) and manual approvals, which main
 * watches so they reach the user (an OS notification once, `codepipeline.approvals` events for the badge).
 * Limits and patterns are the API reference's; approval tokens never cross to the renderer: main fetches
 * a fresh one when the user answers.
 */
import { z } from 'zod'
import { operation } from './contract'
import { ProfileId, TimestampMs, WellFormed } from './common'

const ListingSource = z.enum(['network', 'cache']).default('network')

/** Pipeline, stage and action names: `[A-Za-z0-9.@\-_]+`, 1–100 characters. */
const Name = (field: string) =>
  WellFormed(field)
    .min(1, `${field} must not be empty`)
    .max(100, `${field} must be at most 100 characters`)
    .regex(/^[A-Za-z0-9.@\-_]+$/, `${field} may contain only letters, digits and . @ - _`)

export const PipelineName = Name('pipeline')
export const StageName = Name('stage')
export const ActionName = Name('action')
export const ExecutionId = WellFormed('executionId').regex(
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
  'executionId must be an execution id (a UUID)',
)

const WithPipeline = z.object({ profileId: ProfileId, pipeline: PipelineName })

export const StageSummary = z.object({
  name: z.string(),
  /** The stage's latest execution: InProgress, Succeeded, Failed, Stopped, Stopping, Cancelled… */
  status: z.string().optional(),
  executionId: z.string().optional(),
})

export const PipelineSummary = z.object({
  name: z.string(),
  version: z.number().int(),
  pipelineType: z.string(),
  executionMode: z.string(),
  updatedMs: TimestampMs.optional(),
  stages: z.array(StageSummary),
  /** Manual approvals waiting now. */
  waitingApprovals: z.number().int().nonnegative(),
})
export type PipelineSummary = z.infer<typeof PipelineSummary>

export const PendingApproval = z.object({
  profileId: z.string(),
  pipeline: z.string(),
  stage: z.string(),
  action: z.string(),
  executionId: z.string().optional(),
  /** When it started waiting. */
  sinceMs: TimestampMs.optional(),
  /** When it expires unanswered (7 days, or the action's timeoutInMinutes). */
  expiresAtMs: TimestampMs.optional(),
  /** What to review, from the action's configuration. */
  customData: z.string().optional(),
  externalEntityLink: z.string().optional(),
})
export type PendingApproval = z.infer<typeof PendingApproval>

export const ActionView = z.object({
  name: z.string(),
  category: z.string(),
  provider: z.string(),
  runOrder: z.number().int(),
  /** The action's latest execution. */
  status: z.string().optional(),
  summary: z.string().optional(),
  lastStatusChangeMs: TimestampMs.optional(),
  /** An external execution page (CodeBuild, the console); opened in the OS browser for AWS console URLs only. */
  externalUrl: z.string().optional(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
  /** Configuration worth showing (bucket, object key, project, repository), secrets never. */
  configuration: z.record(z.string(), z.string()),
})

export const StageView = z.object({
  name: z.string(),
  status: z.string().optional(),
  executionId: z.string().optional(),
  inboundTransition: z.object({ enabled: z.boolean(), disabledReason: z.string().optional(), lastChangedBy: z.string().optional() }),
  actions: z.array(ActionView),
  /** The commit this stage's latest execution carries (Source revisions of that execution). */
  revisions: z
    .array(
      z.object({
        actionName: z.string(),
        revisionId: z.string().optional(),
        message: z.string().optional(),
        author: z.string().optional(),
        url: z.string().optional(),
      }),
    )
    .optional(),
  retryable: z.boolean(),
})

export const PipelineDetails = z.object({
  name: z.string(),
  version: z.number().int(),
  pipelineType: z.string(),
  executionMode: z.string(),
  stages: z.array(StageView),
  pendingApprovals: z.array(PendingApproval),
  cachedAtMs: TimestampMs.optional(),
})
export type PipelineDetails = z.infer<typeof PipelineDetails>

export const ExecutionSummary = z.object({
  executionId: z.string(),
  status: z.string(),
  statusSummary: z.string().optional(),
  startMs: TimestampMs.optional(),
  lastUpdateMs: TimestampMs.optional(),
  trigger: z.object({ type: z.string(), detail: z.string().optional() }).optional(),
  executionMode: z.string().optional(),
  executionType: z.string().optional(),
  revisions: z.array(
    z.object({ actionName: z.string(), revisionId: z.string().optional(), message: z.string().optional(), url: z.string().optional() }),
  ),
})
export type ExecutionSummary = z.infer<typeof ExecutionSummary>

const TimelineAction = z.object({
  actionName: z.string(),
  actionExecutionId: z.string(),
  attempt: z.number().int().positive(),
  startMs: TimestampMs,
  endMs: TimestampMs.optional(),
  status: z.enum(['InProgress', 'Succeeded', 'Failed', 'Abandoned']),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
  externalExecutionUrl: z.string().optional(),
  summary: z.string().optional(),
})

export const ExecutionTimeline = z.object({
  executionId: z.string(),
  startMs: TimestampMs,
  endMs: TimestampMs.optional(),
  stages: z.array(
    z.object({
      stageName: z.string(),
      startMs: TimestampMs,
      endMs: TimestampMs.optional(),
      status: z.enum(['InProgress', 'Succeeded', 'Failed', 'Stopped']),
      actions: z.array(TimelineAction),
    }),
  ),
})
export type ExecutionTimeline = z.infer<typeof ExecutionTimeline>

/** CodePipeline's reason pattern for a disabled transition and a stop. */
const Reason = (field: string) =>
  WellFormed(field)
    .min(1, `${field} must not be empty`)
    .max(300, `${field} must be at most 300 characters`)
    .regex(/^[a-zA-Z0-9!@ ().*?-]+$/, `${field} may contain only letters, digits, spaces and ! @ ( ) . * ? -`)

export const codepipelineApi = {
  listPipelines: operation({
    input: z.object({ profileId: ProfileId, source: ListingSource }).strict(),
    output: z.object({ pipelines: z.array(PipelineSummary), cachedAtMs: TimestampMs.optional() }),
  }),
  pipeline: operation({ input: WithPipeline.extend({ source: ListingSource }).strict(), output: PipelineDetails }),
  /** Executions newest first, 25 a page; filters by status and trigger apply within what CodePipeline returns. */
  executions: operation({
    input: WithPipeline.extend({
      nextToken: WellFormed('nextToken').min(1, 'nextToken must not be empty (omit it for the first page)').max(2048).optional(),
      status: z.enum(['Cancelled', 'InProgress', 'Stopped', 'Stopping', 'Succeeded', 'Superseded', 'Failed']).optional(),
      trigger: z.string().max(64).optional(),
      source: ListingSource,
    }).strict(),
    output: z.object({ executions: z.array(ExecutionSummary), nextToken: z.string().optional(), cachedAtMs: TimestampMs.optional() }),
  }),
  /** Every action run of one execution from ListActionExecutions, grouped by stage in declaration order. */
  timeline: operation({
    input: WithPipeline.extend({ executionId: ExecutionId, source: ListingSource }).strict(),
    output: z.object({ timeline: ExecutionTimeline.optional(), cachedAtMs: TimestampMs.optional() }),
  }),
  /** Stage durations of the last `runs` executions that reached each stage (for the trend chart). */
  stageDurations: operation({
    input: WithPipeline.extend({ runs: z.number().int().min(1).max(100).default(20) }).strict(),
    output: z.object({
      runs: z.array(
        z.object({ executionId: z.string(), startMs: TimestampMs, status: z.string(), stages: z.record(z.string(), z.number()) }),
      ),
    }),
  }),
  start: operation({
    input: WithPipeline.extend({
      /** V2 only: run with this commit instead of the latest. */
      sourceRevision: z
        .object({
          actionName: ActionName,
          revisionType: z.enum(['COMMIT_ID', 'IMAGE_DIGEST', 'S3_OBJECT_VERSION_ID', 'S3_OBJECT_KEY']),
          revisionValue: WellFormed('revisionValue').min(1).max(1500),
        })
        .strict()
        .optional(),
    }).strict(),
    output: z.object({ executionId: z.string() }),
  }),
  /** Stop (running actions finish) or abandon (they end at once). The window confirms first. */
  stop: operation({
    input: WithPipeline.extend({
      executionId: ExecutionId,
      abandon: z.boolean(),
      reason: Reason('reason').optional(),
      confirm: z.literal(true),
    }).strict(),
    output: z.object({ executionId: z.string() }),
  }),
  retryStage: operation({
    input: WithPipeline.extend({ stage: StageName, executionId: ExecutionId, mode: z.enum(['FAILED_ACTIONS', 'ALL_ACTIONS']) }).strict(),
    output: z.object({ executionId: z.string() }),
  }),
  setTransition: operation({
    input: z.discriminatedUnion('enabled', [
      WithPipeline.extend({ stage: StageName, enabled: z.literal(true) }).strict(),
      WithPipeline.extend({ stage: StageName, enabled: z.literal(false), reason: Reason('reason') }).strict(),
    ]),
    output: z.object({ enabled: z.boolean() }),
  }),
  /** Approves or rejects a waiting Manual action with a comment; main fetches the current token itself. */
  answerApproval: operation({
    input: WithPipeline.extend({
      stage: StageName,
      action: ActionName,
      approve: z.boolean(),
      comment: WellFormed('comment').max(512, 'comment must be at most 512 characters'),
    }).strict(),
    output: z.object({ approvedAtMs: TimestampMs.optional() }),
  }),
  /** Approvals waiting now across the watched profiles (what the badge counts). */
  pendingApprovals: operation({ input: z.object({}).strict(), output: z.object({ approvals: z.array(PendingApproval) }) }),
  /** Which of a profile's pipelines main watches for approvals: all (the default) or those named. */
  watchApprovals: operation({
    input: z
      .object({ profileId: ProfileId, pipelines: z.union([z.literal('all'), z.array(PipelineName).max(500)]), enabled: z.boolean() })
      .strict(),
    output: z.object({ watching: z.boolean() }),
  }),
}
