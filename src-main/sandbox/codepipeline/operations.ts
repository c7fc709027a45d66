/**
 * The CodePipeline operations the sandbox serves (AWS JSON 1.1, `X-Amz-Target: CodePipeline_20150709.<Op>`),
 * written from the API reference: input constraints, paging, response shapes (timestamps are epoch
 * seconds) and error codes. Each operation first brings the engine up to the sandbox clock.
 *
 * | operation              | IAM action                          | reads / changes                                  |
 * | ---------------------- | ----------------------------------- | ------------------------------------------------ |
 * | ListPipelines          | codepipeline:ListPipelines          | pipelines, paged (maxResults 1–1000)             |
 * | GetPipeline            | codepipeline:GetPipeline            | declaration V1/V2, metadata                      |
 * | GetPipelineState       | codepipeline:GetPipelineState       | stage/action states, transitions, approval token |
 * | ListPipelineExecutions | codepipeline:ListPipelineExecutions | summaries newest first, paged (1–100)            |
 * | GetPipelineExecution   | codepipeline:GetPipelineExecution   | artifactRevisions, variables                     |
 * | ListActionExecutions   | codepipeline:ListActionExecutions   | action runs newest first, paged (1–100)          |
 * | StartPipelineExecution | codepipeline:StartPipelineExecution | new execution (idempotent per request token)     |
 * | StopPipelineExecution  | codepipeline:StopPipelineExecution  | Stopping → Stopped, or abandon                   |
 * | RetryStageExecution    | codepipeline:RetryStageExecution    | re-runs a Failed/Stopped stage                   |
 * | RollbackStage          | codepipeline:RollbackStage          | ROLLBACK execution of one stage, earlier commit  |
 * | PutApprovalResult      | codepipeline:PutApprovalResult      | answers a waiting Manual approval                |
 * | DisableStageTransition | codepipeline:DisableStageTransition | holds executions before a stage                  |
 * | EnableStageTransition  | codepipeline:EnableStageTransition  | lets held executions in                          |
 */
import { SANDBOX_ACCOUNT_ID, type SandboxCredential } from '../credentials'
import { EmulatedError } from '../framework/emulated-error'
import type { JsonOperation } from '../framework/json-service'
import { type PipelineEngine } from './engine'
import type { ActionDeclaration, ActionRunRecord, ExecutionRecord, PipelineRecord } from './model'

const NAME_PATTERN = /^[A-Za-z0-9.@\-_]+$/
const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
const REASON_PATTERN = /^[a-zA-Z0-9!@ ().*?-]+$/
const seconds = (ms: number) => ms / 1000

function invalid(message: string): EmulatedError {
  return new EmulatedError('ValidationException', `1 validation error detected: ${message}`)
}

function requiredString(input: Record<string, unknown>, field: string, max = 100, pattern?: RegExp, min = 1): string {
  const value = input[field]
  if (value === undefined || value === null) throw invalid(`Value null at '${field}' failed to satisfy constraint: Member must not be null`)
  if (typeof value !== 'string') throw invalid(`Value at '${field}' failed to satisfy constraint: Member must be a string`)
  if (value.length < min || value.length > max) {
    throw invalid(`Value '${value}' at '${field}' failed to satisfy constraint: Member must have length between ${min} and ${max}`)
  }
  if (pattern && value.length > 0 && !pattern.test(value)) {
    throw invalid(
      `Value '${value}' at '${field}' failed to satisfy constraint: Member must satisfy regular expression pattern: ${pattern.source}`,
    )
  }
  return value
}

function optionalString(input: Record<string, unknown>, field: string, max: number, pattern?: RegExp): string | undefined {
  return input[field] === undefined || input[field] === null ? undefined : requiredString(input, field, max, pattern)
}

function maxResultsOf(input: Record<string, unknown>, max: number, fallback: number): number {
  const value = input.maxResults
  if (value === undefined || value === null) return fallback
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max) {
    throw invalid(`Value '${String(value)}' at 'maxResults' failed to satisfy constraint: Member must have value between 1 and ${max}`)
  }
  return value
}

function oneOf<T extends string>(input: Record<string, unknown>, field: string, values: readonly T[]): T {
  const value = input[field]
  if (value === undefined || value === null) throw invalid(`Value null at '${field}' failed to satisfy constraint: Member must not be null`)
  if (!values.includes(value as T)) {
    throw invalid(
      `Value '${String(value)}' at '${field}' failed to satisfy constraint: Member must satisfy enum value set: [${values.join(', ')}]`,
    )
  }
  return value as T
}

const objectField = (input: Record<string, unknown>, field: string) =>
  typeof input[field] === 'object' && input[field] !== null ? (input[field] as Record<string, unknown>) : undefined

/**
 * Pages by the last item returned (not an offset), so items added to the front between two calls neither
 * repeat nor vanish. The token names the list it belongs to; anything else is InvalidNextTokenException.
 */
function page<T>(items: T[], idOf: (item: T) => string, scope: string, input: Record<string, unknown>, maxResults: number) {
  let start = 0
  const token = input.nextToken
  if (token !== undefined && token !== null) {
    let decoded: { scope?: unknown; after?: unknown } | undefined
    try {
      decoded = JSON.parse(Buffer.from(String(token), 'base64url').toString('utf8')) as { scope?: unknown; after?: unknown }
    } catch {
      decoded = undefined
    }
    const index = decoded?.scope === scope ? items.findIndex((item) => idOf(item) === decoded.after) : -1
    if (index < 0) throw new EmulatedError('InvalidNextTokenException', 'The next token was specified in an invalid format or has expired.')
    start = index + 1
  }
  const slice = items.slice(start, start + maxResults)
  const last = slice.at(-1)
  const nextToken =
    start + maxResults < items.length && last !== undefined
      ? Buffer.from(JSON.stringify({ scope, after: idOf(last) })).toString('base64url')
      : undefined
  return { slice, nextToken }
}

function arnOf(pipeline: PipelineRecord, region: string): string {
  return `arn:aws:codepipeline:${region}:${SANDBOX_ACCOUNT_ID}:${pipeline.declaration.name}`
}

function declarationJson(pipeline: PipelineRecord) {
  const { variables, triggers, ...rest } = pipeline.declaration
  return rest.pipelineType === 'V2' ? { ...rest, ...(variables ? { variables } : {}), ...(triggers ? { triggers } : {}) } : rest
}

function executionSummary(execution: ExecutionRecord) {
  return {
    pipelineExecutionId: execution.pipelineExecutionId,
    status: execution.status,
    ...(execution.statusSummary ? { statusSummary: execution.statusSummary } : {}),
    startTime: seconds(execution.startMs),
    lastUpdateTime: seconds(execution.lastUpdateMs),
    sourceRevisions: execution.sourceRevisions.map((r) => ({
      actionName: r.actionName,
      revisionId: r.revisionId,
      revisionSummary: r.revisionSummary,
      ...(r.revisionUrl ? { revisionUrl: r.revisionUrl } : {}),
    })),
    trigger: execution.trigger,
    ...(execution.stopTrigger ? { stopTrigger: execution.stopTrigger } : {}),
    executionMode: execution.executionMode,
    executionType: execution.executionType,
    ...(execution.rollbackMetadata ? { rollbackMetadata: execution.rollbackMetadata } : {}),
  }
}

function actionOf(pipeline: PipelineRecord, stageName: string, actionName: string): ActionDeclaration | undefined {
  return pipeline.declaration.stages.find((s) => s.name === stageName)?.actions.find((a) => a.name === actionName)
}

function artifactKey(pipeline: PipelineRecord, artifact: string, run: ActionRunRecord) {
  return `${pipeline.declaration.name.slice(0, 20)}/${artifact.slice(0, 10)}/${run.actionExecutionId.replace(/-/g, '').slice(0, 7)}`
}

function errorJson(run: ActionRunRecord) {
  return run.errorDetails ? { errorDetails: run.errorDetails } : {}
}

function actionExecutionDetail(engine: PipelineEngine, pipeline: PipelineRecord, run: ActionRunRecord) {
  const region = engine.region
  const action = actionOf(pipeline, run.stageName, run.actionName)!
  const bucket = pipeline.declaration.artifactStore.location
  const producer = (artifact: string) =>
    [...engine.runsOf(pipeline, run.pipelineExecutionId)]
      .reverse()
      .find((r) => actionOf(pipeline, r.stageName, r.actionName)?.outputArtifacts?.some((o) => o.name === artifact))
  const finished = run.status !== 'InProgress'
  const result = {
    ...(run.externalExecutionId ? { externalExecutionId: run.externalExecutionId } : {}),
    ...(run.externalExecutionSummary || run.summary ? { externalExecutionSummary: run.summary ?? run.externalExecutionSummary } : {}),
    ...(run.externalExecutionUrl ? { externalExecutionUrl: run.externalExecutionUrl } : {}),
    ...errorJson(run),
  }
  return {
    pipelineExecutionId: run.pipelineExecutionId,
    actionExecutionId: run.actionExecutionId,
    pipelineVersion: run.pipelineVersion,
    stageName: run.stageName,
    actionName: run.actionName,
    startTime: seconds(run.startMs),
    lastUpdateTime: seconds(run.lastUpdateMs),
    ...(run.updatedBy ? { updatedBy: run.updatedBy } : {}),
    status: run.status,
    input: {
      actionTypeId: action.actionTypeId,
      configuration: action.configuration ?? {},
      resolvedConfiguration: run.resolvedConfiguration ?? {},
      ...(action.roleArn ? { roleArn: action.roleArn } : {}),
      region: action.region ?? region,
      inputArtifacts: (action.inputArtifacts ?? []).map(({ name }) => {
        const from = producer(name)
        return { name, s3location: { bucket, key: from ? artifactKey(pipeline, name, from) : '' } }
      }),
      ...(action.namespace ? { namespace: action.namespace } : {}),
    },
    output: {
      outputArtifacts:
        finished && run.status === 'Succeeded'
          ? (action.outputArtifacts ?? []).map(({ name }) => ({ name, s3location: { bucket, key: artifactKey(pipeline, name, run) } }))
          : [],
      executionResult: result,
      ...(finished && run.outputVariables ? { outputVariables: run.outputVariables } : {}),
    },
  }
}

function entityUrlOf(action: ActionDeclaration, region: string): string | undefined {
  const config = action.configuration ?? {}
  switch (action.actionTypeId.provider) {
    case 'CodeStarSourceConnection':
      return `https://${region}.console.aws.amazon.com/codesuite/settings/connections?region=${region}`
    case 'CodeBuild':
      return `https://${region}.console.aws.amazon.com/codebuild/home?region=${region}#/projects/${config.ProjectName}/view`
    case 'S3':
      return `https://s3.console.aws.amazon.com/s3/buckets/${config.BucketName ?? config.S3Bucket}?region=${region}`
    case 'Lambda':
      return `https://${region}.console.aws.amazon.com/lambda/home?region=${region}#/functions/${config.FunctionName}`
    default:
      return config.ExternalEntityLink
  }
}

function pipelineState(engine: PipelineEngine, pipeline: PipelineRecord) {
  const mode = pipeline.declaration.executionMode
  const stageStates = pipeline.declaration.stages.map((stage, index) => {
    const waiting = engine
      .activeExecutions(pipeline)
      .filter((e) => e.position.phase === 'before' && e.position.stageIndex === index)
      .map((e) => ({ pipelineExecutionId: e.pipelineExecutionId, status: 'InProgress', type: e.executionType }))
    const latestId = pipeline.stageLatest[stage.name]
    const latest = latestId ? engine.execution(pipeline, latestId) : undefined
    const stageRun = latest?.stages[stage.name]
    const transition = pipeline.transitions[stage.name]
    return {
      stageName: stage.name,
      ...(waiting[0] ? { inboundExecution: waiting[0] } : {}),
      ...(mode !== 'SUPERSEDED' && waiting.length ? { inboundExecutions: waiting } : {}),
      ...(transition
        ? {
            inboundTransitionState: {
              enabled: transition.enabled,
              ...(transition.lastChangedBy ? { lastChangedBy: transition.lastChangedBy } : {}),
              ...(transition.lastChangedAtMs !== undefined ? { lastChangedAt: seconds(transition.lastChangedAtMs) } : {}),
              ...(transition.disabledReason ? { disabledReason: transition.disabledReason } : {}),
            },
          }
        : {}),
      actionStates: stage.actions.map((action) => {
        const run = engine.latestRunOf(pipeline, stage.name, action.name)
        const execution = run && engine.execution(pipeline, run.pipelineExecutionId)
        const revision = execution?.sourceRevisions.find((r) => r.actionName === action.name)
        const entityUrl = entityUrlOf(action, action.region ?? engine.region)
        return {
          actionName: action.name,
          ...(revision
            ? {
                currentRevision: {
                  revisionId: revision.revisionId,
                  revisionChangeId: revision.revisionId,
                  created: seconds(revision.createdMs),
                },
                ...(revision.revisionUrl ? { revisionUrl: revision.revisionUrl } : {}),
              }
            : {}),
          ...(entityUrl ? { entityUrl } : {}),
          ...(run
            ? {
                latestExecution: {
                  actionExecutionId: run.actionExecutionId,
                  status: run.status,
                  ...((run.summary ?? run.externalExecutionSummary) ? { summary: run.summary ?? run.externalExecutionSummary } : {}),
                  lastStatusChange: seconds(run.lastUpdateMs),
                  ...(run.token && run.status === 'InProgress' ? { token: run.token } : {}),
                  ...(run.updatedBy ? { lastUpdatedBy: run.updatedBy } : {}),
                  ...(run.externalExecutionId ? { externalExecutionId: run.externalExecutionId } : {}),
                  ...(run.externalExecutionUrl ? { externalExecutionUrl: run.externalExecutionUrl } : {}),
                  ...errorJson(run),
                },
              }
            : {}),
        }
      }),
      ...(latest && stageRun
        ? {
            latestExecution: { pipelineExecutionId: latest.pipelineExecutionId, status: stageRun.status, type: latest.executionType },
            ...(stageRun.manualRetries > 0
              ? { retryStageMetadata: { manualStageRetryAttempt: stageRun.manualRetries, latestRetryTrigger: 'ManualStageRetry' } }
              : {}),
          }
        : {}),
    }
  })
  return {
    pipelineName: pipeline.declaration.name,
    pipelineVersion: pipeline.declaration.version,
    stageStates,
    created: seconds(pipeline.createdMs),
    updated: seconds(pipeline.updatedMs),
  }
}

function parseSourceRevisions(pipeline: PipelineRecord, raw: unknown): Record<string, string> | undefined {
  if (raw === undefined || raw === null) return undefined
  if (!Array.isArray(raw)) throw invalid("Value at 'sourceRevisions' failed to satisfy constraint: Member must be a list")
  if (pipeline.declaration.pipelineType !== 'V2') {
    throw new EmulatedError('ValidationException', 'Source revision overrides are supported only for pipelines of type V2.')
  }
  if (raw.length > 50)
    throw invalid("Value at 'sourceRevisions' failed to satisfy constraint: Member must have length less than or equal to 50")
  const overrides: Record<string, string> = {}
  for (const item of raw as Record<string, unknown>[]) {
    const actionName = requiredString(item, 'actionName', 100, NAME_PATTERN)
    const revisionType = oneOf(item, 'revisionType', ['COMMIT_ID', 'IMAGE_DIGEST', 'S3_OBJECT_VERSION_ID', 'S3_OBJECT_KEY'] as const)
    const revisionValue = requiredString(item, 'revisionValue', 1500)
    const action = pipeline.declaration.stages[0]?.actions.find((a) => a.name === actionName && a.actionTypeId.category === 'Source')
    if (!action)
      throw new EmulatedError(
        'ValidationException',
        `Action '${actionName}' is not a source action of pipeline '${pipeline.declaration.name}'.`,
      )
    const expected =
      action.actionTypeId.provider === 'S3' ? 'S3_OBJECT_VERSION_ID' : action.actionTypeId.provider === 'ECR' ? 'IMAGE_DIGEST' : 'COMMIT_ID'
    if (revisionType !== expected) {
      throw new EmulatedError(
        'ValidationException',
        `Revision type '${revisionType}' is not supported for the ${action.actionTypeId.provider} action '${actionName}'; use ${expected}.`,
      )
    }
    if (overrides[actionName])
      throw new EmulatedError('ValidationException', `More than one source revision override for action '${actionName}'.`)
    overrides[actionName] = revisionValue
  }
  return overrides
}

export function codePipelineOperations(engine: PipelineEngine): Record<string, JsonOperation> {
  const synced =
    (operation: (input: Record<string, unknown>, caller: SandboxCredential) => unknown): JsonOperation =>
    (input, caller) => {
      engine.sync()
      return operation(input, caller)
    }
  const pipelineNamed = (input: Record<string, unknown>, field = 'pipelineName') =>
    engine.pipeline(requiredString(input, field, 100, NAME_PATTERN))
  const region = engine.region

  return {
    ListPipelines: synced((input) => {
      const maxResults = maxResultsOf(input, 1000, 1000)
      const pipelines = [...engine.pipelines.values()].sort((a, b) => a.declaration.name.localeCompare(b.declaration.name))
      const { slice, nextToken } = page(pipelines, (p) => p.declaration.name, 'pipelines', input, maxResults)
      return {
        pipelines: slice.map((p) => ({
          name: p.declaration.name,
          version: p.declaration.version,
          pipelineType: p.declaration.pipelineType,
          executionMode: p.declaration.executionMode,
          created: seconds(p.createdMs),
          updated: seconds(p.updatedMs),
        })),
        ...(nextToken ? { nextToken } : {}),
      }
    }),

    GetPipeline: synced((input) => {
      const pipeline = pipelineNamed(input, 'name')
      const version = input.version
      if (version !== undefined && version !== null && version !== pipeline.declaration.version) {
        throw new EmulatedError(
          'PipelineVersionNotFoundException',
          `Pipeline '${pipeline.declaration.name}' has no version ${String(version)}.`,
        )
      }
      return {
        pipeline: declarationJson(pipeline),
        metadata: { pipelineArn: arnOf(pipeline, region), created: seconds(pipeline.createdMs), updated: seconds(pipeline.updatedMs) },
      }
    }),

    GetPipelineState: synced((input) => pipelineState(engine, pipelineNamed(input, 'name'))),

    ListPipelineExecutions: synced((input) => {
      const pipeline = pipelineNamed(input)
      const maxResults = maxResultsOf(input, 100, 100)
      const stageName = objectField(objectField(input, 'filter') ?? {}, 'succeededInStage')?.stageName
      if (stageName !== undefined && typeof stageName !== 'string')
        throw invalid("Value at 'filter.succeededInStage.stageName' failed to satisfy constraint: Member must be a string")
      const executions = [...pipeline.executions]
        .reverse()
        .filter((e) => stageName === undefined || e.stages[stageName]?.status === 'Succeeded')
      const scope = `executions:${pipeline.declaration.name}:${stageName ?? ''}`
      const { slice, nextToken } = page(executions, (e) => e.pipelineExecutionId, scope, input, maxResults)
      return { pipelineExecutionSummaries: slice.map(executionSummary), ...(nextToken ? { nextToken } : {}) }
    }),

    GetPipelineExecution: synced((input) => {
      const pipeline = pipelineNamed(input)
      const execution = engine.execution(pipeline, requiredString(input, 'pipelineExecutionId', 36, UUID_PATTERN))
      const source = pipeline.declaration.stages[0]?.actions ?? []
      return {
        pipelineExecution: {
          pipelineName: pipeline.declaration.name,
          pipelineVersion: execution.pipelineVersion,
          pipelineExecutionId: execution.pipelineExecutionId,
          status: execution.status,
          ...(execution.statusSummary ? { statusSummary: execution.statusSummary } : {}),
          artifactRevisions: execution.sourceRevisions.map((r) => ({
            name: source.find((a) => a.name === r.actionName)?.outputArtifacts?.[0]?.name ?? r.actionName,
            revisionId: r.revisionId,
            revisionSummary: r.revisionSummary,
            created: seconds(r.createdMs),
            ...(r.revisionUrl ? { revisionUrl: r.revisionUrl } : {}),
          })),
          ...(pipeline.declaration.pipelineType === 'V2' ? { variables: execution.variables } : {}),
          trigger: execution.trigger,
          executionMode: execution.executionMode,
          executionType: execution.executionType,
          ...(execution.rollbackMetadata ? { rollbackMetadata: execution.rollbackMetadata } : {}),
        },
      }
    }),

    ListActionExecutions: synced((input) => {
      const pipeline = pipelineNamed(input)
      const maxResults = maxResultsOf(input, 100, 100)
      const filter = objectField(input, 'filter') ?? {}
      const latestFilter = objectField(filter, 'latestInPipelineExecution')
      const executionId = latestFilter
        ? requiredString(latestFilter, 'pipelineExecutionId', 36, UUID_PATTERN)
        : optionalString(filter, 'pipelineExecutionId', 36, UUID_PATTERN)
      const range = latestFilter ? oneOf(latestFilter, 'startTimeRange', ['Latest', 'All'] as const) : 'All'
      if (executionId) engine.execution(pipeline, executionId)
      let runs = executionId ? [...engine.runsOf(pipeline, executionId)] : pipeline.actionRuns
      if (range === 'Latest') {
        const latest = new Map<string, ActionRunRecord>()
        for (const run of runs) latest.set(`${run.stageName}/${run.actionName}`, run)
        runs = [...latest.values()]
      }
      // Newest first; a run started in the same millisecond as another keeps its creation order reversed.
      const ordered = runs.map((run, index) => ({ run, index })).sort((a, b) => b.run.startMs - a.run.startMs || b.index - a.index)
      const scope = `actions:${pipeline.declaration.name}:${executionId ?? ''}:${range}`
      const { slice, nextToken } = page(ordered, (o) => o.run.actionExecutionId, scope, input, maxResults)
      return {
        actionExecutionDetails: slice.map((o) => actionExecutionDetail(engine, pipeline, o.run)),
        ...(nextToken ? { nextToken } : {}),
      }
    }),

    StartPipelineExecution: synced((input, caller) => {
      const pipeline = pipelineNamed(input, 'name')
      const clientRequestToken = optionalString(input, 'clientRequestToken', 128, /^[a-zA-Z0-9-]+$/)
      const sourceRevisions = parseSourceRevisions(pipeline, input.sourceRevisions)
      let variables: { name: string; value: string }[] | undefined
      if (input.variables !== undefined && input.variables !== null) {
        if (pipeline.declaration.pipelineType !== 'V2')
          throw new EmulatedError('ValidationException', 'Pipeline variables are supported only for pipelines of type V2.')
        if (!Array.isArray(input.variables)) throw invalid("Value at 'variables' failed to satisfy constraint: Member must be a list")
        variables = (input.variables as Record<string, unknown>[]).map((v) => ({
          name: requiredString(v, 'name', 128, /^[A-Za-z0-9@\-_]+$/),
          value: requiredString(v, 'value', 1000),
        }))
      }
      const execution = engine.start(pipeline.declaration.name, {
        trigger: { triggerType: 'StartPipelineExecution', triggerDetail: caller.arn },
        clientRequestToken,
        sourceRevisions,
        variables,
      })
      return { pipelineExecutionId: execution.pipelineExecutionId }
    }),

    StopPipelineExecution: synced((input) => {
      const pipeline = pipelineNamed(input)
      const id = requiredString(input, 'pipelineExecutionId', 36, UUID_PATTERN)
      const reason = optionalString(input, 'reason', 200)
      if (input.abandon !== undefined && typeof input.abandon !== 'boolean')
        throw invalid("Value at 'abandon' failed to satisfy constraint: Member must be a boolean")
      const execution = engine.stop(pipeline.declaration.name, id, { abandon: input.abandon === true, reason })
      return { pipelineExecutionId: execution.pipelineExecutionId }
    }),

    RetryStageExecution: synced((input) => {
      const pipeline = pipelineNamed(input)
      const stageName = requiredString(input, 'stageName', 100, NAME_PATTERN)
      const id = requiredString(input, 'pipelineExecutionId', 36, UUID_PATTERN)
      const retryMode = oneOf(input, 'retryMode', ['FAILED_ACTIONS', 'ALL_ACTIONS'] as const)
      const execution = engine.retry(pipeline.declaration.name, stageName, id, retryMode)
      return { pipelineExecutionId: execution.pipelineExecutionId }
    }),

    RollbackStage: synced((input, caller) => {
      const pipeline = pipelineNamed(input)
      const stageName = requiredString(input, 'stageName', 100, NAME_PATTERN)
      const target = requiredString(input, 'targetPipelineExecutionId', 36, UUID_PATTERN)
      const execution = engine.rollback(pipeline.declaration.name, stageName, target, {
        triggerType: 'ManualRollback',
        triggerDetail: caller.arn,
      })
      return { pipelineExecutionId: execution.pipelineExecutionId }
    }),

    PutApprovalResult: synced((input, caller) => {
      const pipeline = pipelineNamed(input)
      const stageName = requiredString(input, 'stageName', 100, NAME_PATTERN)
      const actionName = requiredString(input, 'actionName', 100, NAME_PATTERN)
      const result = objectField(input, 'result')
      if (!result) throw invalid("Value null at 'result' failed to satisfy constraint: Member must not be null")
      const summary = requiredString(result, 'summary', 512, undefined, 0)
      const status = oneOf(result, 'status', ['Approved', 'Rejected'] as const)
      const token = requiredString(input, 'token', 36, UUID_PATTERN)
      const approvedAtMs = engine.putApprovalResult(
        pipeline.declaration.name,
        stageName,
        actionName,
        token,
        { status, summary },
        caller.arn,
      )
      return { approvedAt: seconds(approvedAtMs) }
    }),

    DisableStageTransition: synced((input, caller) => {
      const pipeline = pipelineNamed(input)
      const stageName = requiredString(input, 'stageName', 100, NAME_PATTERN)
      const transitionType = oneOf(input, 'transitionType', ['Inbound', 'Outbound'] as const)
      const reason = requiredString(input, 'reason', 300, REASON_PATTERN)
      engine.setTransition(pipeline.declaration.name, stageName, transitionType, false, caller.arn, reason)
      return {}
    }),

    EnableStageTransition: synced((input, caller) => {
      const pipeline = pipelineNamed(input)
      const stageName = requiredString(input, 'stageName', 100, NAME_PATTERN)
      const transitionType = oneOf(input, 'transitionType', ['Inbound', 'Outbound'] as const)
      engine.setTransition(pipeline.declaration.name, stageName, transitionType, true, caller.arn)
      return {}
    }),
  }
}

/** The IAM action of an operation, for the credential's denied actions. */
export const iamActionOf = (operation: string) => `codepipeline:${operation}`
