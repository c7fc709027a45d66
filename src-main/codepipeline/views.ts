/**
 * CodePipeline's answers turned into what the window shows: a pipeline's stages with their actions,
 * transitions, retryability and the commit each carries; the approvals waiting; execution summaries.
 * Pure: the handlers page the API and hand the answers in, so snapshots go through the same code.
 */
import type {
  ActionExecutionDetail,
  GetPipelineStateOutput,
  PipelineDeclaration,
  PipelineExecutionSummary,
} from '@aws-sdk/client-codepipeline'
import type { ExecutionSummary, PendingApproval, PipelineDetails } from '../api/codepipeline'
import { commitsByStage, revisionMessage } from './timeline'

/** A Manual approval expires unanswered after 7 days unless the action says otherwise (timeoutInMinutes). */
export const APPROVAL_TIMEOUT_MS = 7 * 24 * 3600_000

/** Configuration keys worth showing; anything that may hold a secret (OAuthToken, webhooks) is left out. */
const SHOWN_CONFIGURATION = new Set([
  'BucketName',
  'ObjectKey',
  'Extract',
  'ProjectName',
  'FullRepositoryId',
  'BranchName',
  'ConnectionArn',
  'RepositoryName',
  'S3Bucket',
  'S3ObjectKey',
  'CustomData',
  'ExternalEntityLink',
  'DistributionId',
  'FunctionName',
  'ApplicationName',
  'DeploymentGroupName',
  'StackName',
])

const ms = (date: Date | undefined) => (date ? date.getTime() : undefined)

export function pendingApprovals(profileId: string, declaration: PipelineDeclaration, state: GetPipelineStateOutput): PendingApproval[] {
  const pending: PendingApproval[] = []
  for (const stage of state.stageStates ?? []) {
    for (const action of stage.actionStates ?? []) {
      const latest = action.latestExecution
      if (!latest?.token || latest.status !== 'InProgress') continue
      const declared = declaration.stages?.find((s) => s.name === stage.stageName)?.actions?.find((a) => a.name === action.actionName)
      if (declared?.actionTypeId?.category !== 'Approval') continue
      const sinceMs = ms(latest.lastStatusChange)
      const timeoutMs = declared.timeoutInMinutes ? declared.timeoutInMinutes * 60_000 : APPROVAL_TIMEOUT_MS
      pending.push({
        profileId,
        pipeline: declaration.name ?? state.pipelineName ?? '',
        stage: stage.stageName ?? '',
        action: action.actionName ?? '',
        ...(stage.latestExecution?.pipelineExecutionId ? { executionId: stage.latestExecution.pipelineExecutionId } : {}),
        ...(sinceMs !== undefined ? { sinceMs, expiresAtMs: sinceMs + timeoutMs } : {}),
        ...(declared.configuration?.CustomData ? { customData: declared.configuration.CustomData } : {}),
        ...(declared.configuration?.ExternalEntityLink ? { externalEntityLink: declared.configuration.ExternalEntityLink } : {}),
      })
    }
  }
  return pending
}

export function pipelineDetails(
  profileId: string,
  declaration: PipelineDeclaration,
  executionMode: string,
  state: GetPipelineStateOutput,
  executions: readonly PipelineExecutionSummary[],
  actionDetails: readonly ActionExecutionDetail[],
): Omit<PipelineDetails, 'cachedAtMs'> {
  const commits = new Map(commitsByStage(state, executions, actionDetails).map((c) => [c.stageName, c]))
  const latestExecutionId = executions[0]?.pipelineExecutionId
  return {
    name: declaration.name ?? '',
    version: declaration.version ?? 1,
    pipelineType: declaration.pipelineType ?? 'V1',
    executionMode,
    pendingApprovals: pendingApprovals(profileId, declaration, state),
    stages: (declaration.stages ?? []).map((stageDeclaration) => {
      const stage = state.stageStates?.find((s) => s.stageName === stageDeclaration.name)
      const transition = stage?.inboundTransitionState
      const status = stage?.latestExecution?.status
      const executionId = stage?.latestExecution?.pipelineExecutionId
      return {
        name: stageDeclaration.name ?? '',
        ...(status ? { status } : {}),
        ...(executionId ? { executionId } : {}),
        inboundTransition: {
          enabled: transition?.enabled ?? true,
          ...(transition?.disabledReason ? { disabledReason: transition.disabledReason } : {}),
          ...(transition?.lastChangedBy ? { lastChangedBy: transition.lastChangedBy } : {}),
        },
        // RetryStageExecution takes only a failed or stopped stage of the latest execution.
        retryable: (status === 'Failed' || status === 'Stopped') && executionId !== undefined && executionId === latestExecutionId,
        ...(commits.get(stageDeclaration.name ?? '')?.revisions ? { revisions: commits.get(stageDeclaration.name ?? '')!.revisions } : {}),
        actions: (stageDeclaration.actions ?? []).map((action) => {
          const actionState = stage?.actionStates?.find((a) => a.actionName === action.name)
          const latest = actionState?.latestExecution
          const changed = ms(latest?.lastStatusChange)
          return {
            name: action.name ?? '',
            category: action.actionTypeId?.category ?? '',
            provider: action.actionTypeId?.provider ?? '',
            runOrder: action.runOrder ?? 1,
            ...(latest?.status ? { status: latest.status } : {}),
            ...(latest?.summary ? { summary: revisionMessage(latest.summary) ?? latest.summary } : {}),
            ...(changed !== undefined ? { lastStatusChangeMs: changed } : {}),
            ...(latest?.externalExecutionUrl ? { externalUrl: latest.externalExecutionUrl } : {}),
            ...(latest?.errorDetails
              ? { error: { code: latest.errorDetails.code ?? '', message: latest.errorDetails.message ?? '' } }
              : {}),
            configuration: Object.fromEntries(Object.entries(action.configuration ?? {}).filter(([key]) => SHOWN_CONFIGURATION.has(key))),
          }
        }),
      }
    }),
  }
}

export function executionSummary(execution: PipelineExecutionSummary): ExecutionSummary {
  const startMs = ms(execution.startTime)
  const lastUpdateMs = ms(execution.lastUpdateTime)
  return {
    executionId: execution.pipelineExecutionId ?? '',
    status: execution.status ?? 'InProgress',
    ...(execution.statusSummary ? { statusSummary: execution.statusSummary } : {}),
    ...(startMs !== undefined ? { startMs } : {}),
    ...(lastUpdateMs !== undefined ? { lastUpdateMs } : {}),
    ...(execution.trigger?.triggerType
      ? {
          trigger: {
            type: execution.trigger.triggerType,
            ...(execution.trigger.triggerDetail ? { detail: execution.trigger.triggerDetail } : {}),
          },
        }
      : {}),
    ...(execution.executionMode ? { executionMode: execution.executionMode } : {}),
    ...(execution.executionType ? { executionType: execution.executionType } : {}),
    revisions: (execution.sourceRevisions ?? []).map((r) => ({
      actionName: r.actionName ?? '',
      ...(r.revisionId ? { revisionId: r.revisionId } : {}),
      ...(r.revisionSummary ? { message: revisionMessage(r.revisionSummary) } : {}),
      ...(r.revisionUrl ? { url: r.revisionUrl } : {}),
    })),
  }
}
