/**
 * The CodePipeline emulator through the real @aws-sdk/client-codepipeline over loopback HTTP: shapes,
 * paging, and every error code of the operations the app uses, as the API reference names them.
 */
import {
  DisableStageTransitionCommand,
  EnableStageTransitionCommand,
  GetPipelineCommand,
  GetPipelineExecutionCommand,
  GetPipelineStateCommand,
  ListActionExecutionsCommand,
  ListPipelineExecutionsCommand,
  ListPipelinesCommand,
  PutApprovalResultCommand,
  RetryStageExecutionCommand,
  RollbackStageCommand,
  StartPipelineExecutionCommand,
  StopPipelineExecutionCommand,
  paginateListActionExecutions,
  paginateListPipelineExecutions,
  type ActionExecutionDetail,
  type PipelineExecutionSummary,
} from '@aws-sdk/client-codepipeline'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SANDBOX_ACCOUNT_ID } from '../../../../src-main/sandbox/credentials'
import { DEMO_DISTRIBUTION_ID } from '../../../../src-main/sandbox/seed'
import { DOCS_PIPELINE, SITE_PIPELINE, siteReleaseDeclaration } from '../../../../src-main/sandbox/codepipeline/seed'
import { NOW, errorName, startCodePipeline } from './harness'

const SANDBOX_USER = `arn:aws:iam::${SANDBOX_ACCOUNT_ID}:user/sandbox`
const MINUTE = 60_000

describe('CodePipeline emulator: reads of the demo pipelines', () => {
  let sandbox: Awaited<ReturnType<typeof startCodePipeline>>
  beforeAll(async () => {
    sandbox = await startCodePipeline()
  })
  afterAll(() => sandbox.close())

  it('ListPipelines pages by maxResults and describes each pipeline', async () => {
    const first = await sandbox.client.send(new ListPipelinesCommand({ maxResults: 1 }))
    expect(first.pipelines?.map((p) => p.name)).toEqual([DOCS_PIPELINE])
    expect(first.nextToken).toBeDefined()
    const second = await sandbox.client.send(new ListPipelinesCommand({ maxResults: 1, nextToken: first.nextToken }))
    expect(second.pipelines?.map((p) => [p.name, p.version, p.pipelineType, p.executionMode])).toEqual([
      [SITE_PIPELINE, 3, 'V2', 'SUPERSEDED'],
    ])
    expect(second.nextToken).toBeUndefined()
    expect(second.pipelines?.[0]?.created).toBeInstanceOf(Date)
    expect(await errorName(sandbox.client.send(new ListPipelinesCommand({ nextToken: 'garbage' })))).toBe('InvalidNextTokenException')
    expect(await errorName(sandbox.client.send(new ListPipelinesCommand({ maxResults: 1001 })))).toBe('ValidationException')
  })

  it('GetPipeline returns V2 triggers, variables and execution mode, and a V1 declaration without them', async () => {
    const { pipeline, metadata } = await sandbox.client.send(new GetPipelineCommand({ name: SITE_PIPELINE }))
    expect(pipeline).toMatchObject({ name: SITE_PIPELINE, pipelineType: 'V2', executionMode: 'SUPERSEDED', version: 3 })
    expect(pipeline?.stages?.map((s) => s.name)).toEqual(['Source', 'Build', 'Staging', 'Approval', 'Production'])
    expect(pipeline?.triggers?.[0]).toMatchObject({
      providerType: 'CodeStarSourceConnection',
      gitConfiguration: { sourceActionName: 'Source' },
    })
    expect(pipeline?.variables).toEqual([expect.objectContaining({ name: 'RELEASE_CHANNEL', defaultValue: 'stable' })])
    expect(metadata?.pipelineArn).toBe(`arn:aws:codepipeline:us-east-1:${SANDBOX_ACCOUNT_ID}:${SITE_PIPELINE}`)
    const approval = pipeline?.stages?.[3]?.actions?.[0]
    expect(approval?.configuration?.ExternalEntityLink).toBe('https://staging.haneul-demo.example/')
    const invalidate = pipeline?.stages?.[4]?.actions?.find((a) => a.name === 'InvalidateCache')
    expect(invalidate?.runOrder).toBe(2)
    expect(invalidate?.configuration?.UserParameters).toContain(DEMO_DISTRIBUTION_ID)

    const docs = await sandbox.client.send(new GetPipelineCommand({ name: DOCS_PIPELINE }))
    expect(docs.pipeline?.pipelineType).toBe('V1')
    expect(docs.pipeline?.triggers).toBeUndefined()
    expect(docs.pipeline?.variables).toBeUndefined()
    expect(await errorName(sandbox.client.send(new GetPipelineCommand({ name: SITE_PIPELINE, version: 2 })))).toBe(
      'PipelineVersionNotFoundException',
    )
    expect(await errorName(sandbox.client.send(new GetPipelineCommand({ name: 'nope' })))).toBe('PipelineNotFoundException')
    expect(await errorName(sandbox.client.send(new GetPipelineCommand({ name: 'bad name!' })))).toBe('ValidationException')
  })

  it('GetPipelineState shows stage and action states, the waiting approval’s token, and transitions', async () => {
    const state = await sandbox.client.send(new GetPipelineStateCommand({ name: SITE_PIPELINE }))
    expect(state).toMatchObject({ pipelineName: SITE_PIPELINE, pipelineVersion: 3 })
    const stages = Object.fromEntries((state.stageStates ?? []).map((s) => [s.stageName, s]))
    const waiting = sandbox.engine.pipeline(SITE_PIPELINE).executions.find((e) => e.status === 'InProgress')!
    expect(stages.Approval?.latestExecution).toEqual({
      pipelineExecutionId: waiting.pipelineExecutionId,
      status: 'InProgress',
      type: 'STANDARD',
    })
    const review = stages.Approval?.actionStates?.[0]?.latestExecution
    expect(review?.status).toBe('InProgress')
    expect(review?.token).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    for (const stage of state.stageStates ?? []) {
      if (stage.stageName === 'Approval') continue
      for (const action of stage.actionStates ?? []) expect(action.latestExecution?.token).toBeUndefined()
    }
    expect(stages.Production?.latestExecution?.status).toBe('Succeeded')
    expect(stages.Production?.latestExecution?.pipelineExecutionId).not.toBe(waiting.pipelineExecutionId)
    expect(stages.Source?.inboundTransitionState).toBeUndefined()
    expect(stages.Build?.inboundTransitionState).toEqual({ enabled: true })
    expect(stages.Source?.actionStates?.[0]?.currentRevision?.revisionId).toBe(waiting.sourceRevisions[0]!.revisionId)
    expect(stages.Build?.actionStates?.[0]?.latestExecution?.externalExecutionUrl).toMatch(
      /^https:\/\/us-east-1\.console\.aws\.amazon\.com\/codesuite\/codebuild\//,
    )

    const docs = await sandbox.client.send(new GetPipelineStateCommand({ name: DOCS_PIPELINE }))
    const deploy = docs.stageStates?.find((s) => s.stageName === 'Deploy')
    expect(deploy?.inboundTransitionState).toMatchObject({ enabled: false, disabledReason: 'Docs freeze until the v2 launch' })
    expect(deploy?.inboundTransitionState?.lastChangedAt).toBeInstanceOf(Date)
    expect(deploy?.inboundExecution?.status).toBe('InProgress')
    expect(await errorName(sandbox.client.send(new GetPipelineStateCommand({ name: 'nope' })))).toBe('PipelineNotFoundException')
  })

  it('ListPipelineExecutions pages newest first through the whole history, with triggers and source revisions', async () => {
    const seen: PipelineExecutionSummary[] = []
    let pages = 0
    for await (const page of paginateListPipelineExecutions({ client: sandbox.client, pageSize: 7 }, { pipelineName: SITE_PIPELINE })) {
      pages++
      expect(page.pipelineExecutionSummaries!.length).toBeLessThanOrEqual(7)
      seen.push(...page.pipelineExecutionSummaries!)
    }
    const truth = [...sandbox.engine.pipeline(SITE_PIPELINE).executions].reverse()
    expect(seen.map((e) => e.pipelineExecutionId)).toEqual(truth.map((e) => e.pipelineExecutionId))
    expect(pages).toBe(Math.ceil(truth.length / 7))
    expect(seen.map((e) => e.startTime!.getTime())).toEqual(truth.map((e) => e.startMs))
    const latest = seen[0]!
    expect(latest).toMatchObject({
      status: 'InProgress',
      executionMode: 'SUPERSEDED',
      executionType: 'STANDARD',
      trigger: { triggerType: 'WebhookV2' },
    })
    expect(latest.sourceRevisions?.[0]).toMatchObject({ actionName: 'Source', revisionId: truth[0]!.sourceRevisions[0]!.revisionId })
    expect(JSON.parse(latest.sourceRevisions![0]!.revisionSummary!)).toEqual({
      ProviderType: 'GitHub',
      CommitMessage: 'Add the pipelines timeline post',
    })
    expect(seen.some((e) => e.status === 'Stopped' && e.stopTrigger?.reason)).toBe(true)
    expect(new Set(seen.map((e) => e.status))).toEqual(new Set(['InProgress', 'Succeeded', 'Failed', 'Stopped', 'Superseded']))

    const succeeded = await sandbox.client.send(
      new ListPipelineExecutionsCommand({ pipelineName: SITE_PIPELINE, filter: { succeededInStage: { stageName: 'Production' } } }),
    )
    expect(succeeded.pipelineExecutionSummaries!.length).toBe(truth.filter((e) => e.stages.Production?.status === 'Succeeded').length)

    const send = (input: Partial<ConstructorParameters<typeof ListPipelineExecutionsCommand>[0]>) =>
      errorName(sandbox.client.send(new ListPipelineExecutionsCommand({ pipelineName: SITE_PIPELINE, ...input })))
    expect(await send({ maxResults: 0 })).toBe('ValidationException')
    expect(await send({ maxResults: 101 })).toBe('ValidationException')
    expect(await send({ nextToken: 'not-a-token' })).toBe('InvalidNextTokenException')
    const docsPage = await sandbox.client.send(new ListPipelineExecutionsCommand({ pipelineName: DOCS_PIPELINE, maxResults: 1 }))
    expect(await send({ nextToken: docsPage.nextToken })).toBe('InvalidNextTokenException')
    expect(await send({ pipelineName: 'nope' })).toBe('PipelineNotFoundException')
  })

  it('GetPipelineExecution adds artifact revisions and resolved variables', async () => {
    const truth = sandbox.engine.pipeline(SITE_PIPELINE).executions.find((e) => e.status === 'Succeeded')!
    const { pipelineExecution } = await sandbox.client.send(
      new GetPipelineExecutionCommand({ pipelineName: SITE_PIPELINE, pipelineExecutionId: truth.pipelineExecutionId }),
    )
    expect(pipelineExecution).toMatchObject({
      pipelineName: SITE_PIPELINE,
      pipelineVersion: 3,
      status: 'Succeeded',
      executionMode: 'SUPERSEDED',
    })
    expect(pipelineExecution?.artifactRevisions).toEqual([
      expect.objectContaining({
        name: 'SourceArtifact',
        revisionId: truth.sourceRevisions[0]!.revisionId,
        created: new Date(truth.sourceRevisions[0]!.createdMs),
      }),
    ])
    expect(pipelineExecution?.variables).toEqual([{ name: 'RELEASE_CHANNEL', resolvedValue: 'stable' }])
    expect(
      await errorName(
        sandbox.client.send(
          new GetPipelineExecutionCommand({ pipelineName: SITE_PIPELINE, pipelineExecutionId: '00000000-0000-4000-8000-000000000000' }),
        ),
      ),
    ).toBe('PipelineExecutionNotFoundException')
  })

  it('ListActionExecutions pages an execution’s actions with configuration, links and error details', async () => {
    const pipeline = sandbox.engine.pipeline(SITE_PIPELINE)
    const failed = pipeline.executions.find((e) => e.status === 'Failed' && e.stages.Build?.status === 'Failed')!
    const details: ActionExecutionDetail[] = []
    for await (const page of paginateListActionExecutions(
      { client: sandbox.client, pageSize: 1 },
      { pipelineName: SITE_PIPELINE, filter: { pipelineExecutionId: failed.pipelineExecutionId } },
    )) {
      details.push(...page.actionExecutionDetails!)
    }
    const truth = pipeline.actionRuns.filter((r) => r.pipelineExecutionId === failed.pipelineExecutionId)
    expect(details.map((d) => d.actionExecutionId).sort()).toEqual(truth.map((r) => r.actionExecutionId).sort())
    const build = details.filter((d) => d.actionName === 'Build').at(-1)!
    expect(build.status).toBe('Failed')
    expect(build.input?.actionTypeId).toEqual({ category: 'Build', owner: 'AWS', provider: 'CodeBuild', version: '1' })
    expect(build.input?.configuration?.ProjectName).toBe('haneul-site-build')
    expect(build.input?.resolvedConfiguration?.EnvironmentVariables).toContain('"value":"stable"')
    expect(build.output?.executionResult?.errorDetails).toMatchObject({
      code: 'JobFailed',
      message: expect.stringContaining('Build terminated with state: FAILED'),
    })
    expect(build.output?.executionResult?.externalExecutionUrl).toContain('/codesuite/codebuild/')
    expect(build.startTime!.getTime()).toBe(truth.find((r) => r.actionExecutionId === build.actionExecutionId)!.startMs)
    const source = details.find((d) => d.actionName === 'Source')!
    expect(source.output?.outputVariables?.CommitId).toBe(failed.sourceRevisions[0]!.revisionId)
    expect(source.output?.outputArtifacts?.[0]?.name).toBe('SourceArtifact')

    const send = (input: Partial<ConstructorParameters<typeof ListActionExecutionsCommand>[0]>) =>
      errorName(sandbox.client.send(new ListActionExecutionsCommand({ pipelineName: SITE_PIPELINE, ...input })))
    expect(await send({ filter: { pipelineExecutionId: '00000000-0000-4000-8000-000000000000' } })).toBe(
      'PipelineExecutionNotFoundException',
    )
    expect(await send({ maxResults: 101 })).toBe('ValidationException')
    expect(await send({ nextToken: 'x' })).toBe('InvalidNextTokenException')
    expect(await send({ pipelineName: 'nope' })).toBe('PipelineNotFoundException')
  })
})

describe('CodePipeline emulator: changes', () => {
  let sandbox: Awaited<ReturnType<typeof startCodePipeline>>
  beforeAll(async () => {
    sandbox = await startCodePipeline()
  })
  afterAll(() => sandbox.close())

  const state = async () => {
    const result = await sandbox.client.send(new GetPipelineStateCommand({ name: SITE_PIPELINE }))
    return Object.fromEntries((result.stageStates ?? []).map((s) => [s.stageName!, s]))
  }

  it('PutApprovalResult checks the token, answers once, and the release then runs Production', async () => {
    const review = (await state()).Approval!.actionStates![0]!.latestExecution!
    const executionId = (await state()).Approval!.latestExecution!.pipelineExecutionId!
    const answer = (input: Partial<ConstructorParameters<typeof PutApprovalResultCommand>[0]>) =>
      sandbox.client.send(
        new PutApprovalResultCommand({
          pipelineName: SITE_PIPELINE,
          stageName: 'Approval',
          actionName: 'ReviewStaging',
          token: review.token,
          result: { status: 'Approved', summary: 'Ship it' },
          ...input,
        }),
      )
    expect(await errorName(answer({ token: '00000000-0000-4000-8000-000000000000' }))).toBe('InvalidApprovalTokenException')
    expect(await errorName(answer({ token: 'not-a-token' }))).toBe('ValidationException')
    expect(await errorName(answer({ actionName: 'Nope' }))).toBe('ActionNotFoundException')
    expect(await errorName(answer({ stageName: 'Nope' }))).toBe('StageNotFoundException')
    expect(await errorName(answer({ pipelineName: 'nope' }))).toBe('PipelineNotFoundException')
    expect(await errorName(answer({ result: { status: 'Maybe' as never, summary: 'x' } }))).toBe('ValidationException')
    expect(await errorName(answer({ result: { status: 'Approved', summary: 'x'.repeat(513) } }))).toBe('ValidationException')
    sandbox.advance(MINUTE)
    const { approvedAt } = await answer({})
    expect(approvedAt?.getTime()).toBe(sandbox.now())
    expect(await errorName(answer({}))).toBe('ApprovalAlreadyCompletedException')

    const after = (await state()).Approval!.actionStates![0]!.latestExecution!
    expect(after).toMatchObject({ status: 'Succeeded', summary: 'Ship it', lastUpdatedBy: SANDBOX_USER })
    expect(after.token).toBeUndefined()
    sandbox.advance(10 * MINUTE)
    const done = await sandbox.client.send(
      new GetPipelineExecutionCommand({ pipelineName: SITE_PIPELINE, pipelineExecutionId: executionId }),
    )
    expect(done.pipelineExecution?.status).toBe('Succeeded')
    const actions = await sandbox.client.send(
      new ListActionExecutionsCommand({ pipelineName: SITE_PIPELINE, filter: { pipelineExecutionId: executionId } }),
    )
    const invalidate = actions.actionExecutionDetails?.find((d) => d.actionName === 'InvalidateCache')
    expect(invalidate?.input?.configuration?.UserParameters).toContain(DEMO_DISTRIBUTION_ID)
    expect(invalidate?.output?.executionResult?.externalExecutionSummary).toContain(`distribution ${DEMO_DISTRIBUTION_ID}`)
    const deploy = actions.actionExecutionDetails?.find((d) => d.actionName === 'DeployToSite')
    expect(invalidate!.startTime!.getTime()).toBe(deploy!.lastUpdateTime!.getTime())
  })

  it('StartPipelineExecution is idempotent per clientRequestToken and takes a V2 source revision override', async () => {
    const commits = sandbox.engine.pipeline(SITE_PIPELINE).repositories.Source!
    const older = commits[3]!
    const start = (clientRequestToken: string) =>
      sandbox.client.send(
        new StartPipelineExecutionCommand({
          name: SITE_PIPELINE,
          clientRequestToken,
          sourceRevisions: [{ actionName: 'Source', revisionType: 'COMMIT_ID', revisionValue: older.revisionId }],
          variables: [{ name: 'RELEASE_CHANNEL', value: 'beta' }],
        }),
      )
    const first = await start('release-1')
    const again = await start('release-1')
    expect(again.pipelineExecutionId).toBe(first.pipelineExecutionId)
    sandbox.advance(MINUTE)
    const execution = await sandbox.client.send(
      new GetPipelineExecutionCommand({ pipelineName: SITE_PIPELINE, pipelineExecutionId: first.pipelineExecutionId }),
    )
    expect(execution.pipelineExecution?.artifactRevisions?.[0]?.revisionId).toBe(older.revisionId)
    expect(execution.pipelineExecution?.variables).toEqual([{ name: 'RELEASE_CHANNEL', resolvedValue: 'beta' }])
    expect(execution.pipelineExecution?.trigger).toEqual({ triggerType: 'StartPipelineExecution', triggerDetail: SANDBOX_USER })

    const bad = (input: Partial<ConstructorParameters<typeof StartPipelineExecutionCommand>[0]>) =>
      errorName(sandbox.client.send(new StartPipelineExecutionCommand({ name: SITE_PIPELINE, ...input })))
    expect(
      await bad({
        name: DOCS_PIPELINE,
        sourceRevisions: [{ actionName: 'DocsSource', revisionType: 'S3_OBJECT_VERSION_ID', revisionValue: 'v' }],
      }),
    ).toBe('ValidationException')
    expect(await bad({ name: DOCS_PIPELINE, variables: [{ name: 'X', value: 'y' }] })).toBe('ValidationException')
    expect(await bad({ variables: [{ name: 'UNDECLARED', value: 'y' }] })).toBe('ValidationException')
    expect(await bad({ sourceRevisions: [{ actionName: 'Build', revisionType: 'COMMIT_ID', revisionValue: 'abc' }] })).toBe(
      'ValidationException',
    )
    expect(await bad({ sourceRevisions: [{ actionName: 'Source', revisionType: 'IMAGE_DIGEST', revisionValue: 'abc' }] })).toBe(
      'ValidationException',
    )
    expect(await bad({ clientRequestToken: 'has spaces' })).toBe('ValidationException')
    expect(await bad({ name: 'nope' })).toBe('PipelineNotFoundException')
  })

  it('StopPipelineExecution: Stopping while actions finish, then Stopped; a second stop is refused', async () => {
    sandbox.advance(15 * MINUTE) // the previous test's release reaches Approval and frees Source and Build
    const { pipelineExecutionId } = await sandbox.client.send(new StartPipelineExecutionCommand({ name: SITE_PIPELINE }))
    sandbox.advance(MINUTE) // Source done, Build running
    const stop = (abandon?: boolean) =>
      sandbox.client.send(
        new StopPipelineExecutionCommand({ pipelineName: SITE_PIPELINE, pipelineExecutionId, abandon, reason: 'test stop' }),
      )
    expect((await stop()).pipelineExecutionId).toBe(pipelineExecutionId)
    const get = () => sandbox.client.send(new GetPipelineExecutionCommand({ pipelineName: SITE_PIPELINE, pipelineExecutionId }))
    expect((await get()).pipelineExecution?.status).toBe('Stopping')
    expect((await state()).Build?.latestExecution).toMatchObject({ pipelineExecutionId, status: 'Stopping' })
    expect(await errorName(stop())).toBe('DuplicatedStopRequestException')
    sandbox.advance(10 * MINUTE)
    expect((await get()).pipelineExecution?.status).toBe('Stopped')
    const summaries = await sandbox.client.send(new ListPipelineExecutionsCommand({ pipelineName: SITE_PIPELINE, maxResults: 5 }))
    expect(summaries.pipelineExecutionSummaries?.find((e) => e.pipelineExecutionId === pipelineExecutionId)?.stopTrigger).toEqual({
      reason: 'test stop',
    })
    expect(await errorName(stop(true))).toBe('PipelineExecutionNotStoppableException')
    expect(await errorName(sandbox.client.send(new StopPipelineExecutionCommand({ pipelineName: 'nope', pipelineExecutionId })))).toBe(
      'PipelineNotFoundException',
    )
  })

  it('Disable/EnableStageTransition need a valid reason to disable and report who changed it when', async () => {
    const disable = (reason: string | undefined, stageName = 'Production') =>
      sandbox.client.send(
        new DisableStageTransitionCommand({ pipelineName: SITE_PIPELINE, stageName, transitionType: 'Inbound', reason: reason! }),
      )
    expect(await errorName(disable(undefined))).toBe('ValidationException')
    expect(await errorName(disable(''))).toBe('ValidationException')
    expect(await errorName(disable('no <html> here'))).toBe('ValidationException')
    expect(await errorName(disable('x'.repeat(301)))).toBe('ValidationException')
    expect(await errorName(disable('Freeze', 'Nope'))).toBe('StageNotFoundException')
    expect(await errorName(disable('Freeze', 'Source'))).toBe('ValidationException')
    sandbox.advance(MINUTE)
    await disable('Release freeze (holiday)')
    expect((await state()).Production?.inboundTransitionState).toEqual({
      enabled: false,
      disabledReason: 'Release freeze (holiday)',
      lastChangedBy: SANDBOX_USER,
      lastChangedAt: new Date(sandbox.now()),
    })
    await sandbox.client.send(
      new EnableStageTransitionCommand({ pipelineName: SITE_PIPELINE, stageName: 'Production', transitionType: 'Inbound' }),
    )
    expect((await state()).Production?.inboundTransitionState).toEqual({
      enabled: true,
      lastChangedBy: SANDBOX_USER,
      lastChangedAt: new Date(sandbox.now()),
    })
    expect(
      await errorName(
        sandbox.client.send(
          new EnableStageTransitionCommand({ pipelineName: SITE_PIPELINE, stageName: 'Production', transitionType: 'Sideways' as never }),
        ),
      ),
    ).toBe('ValidationException')
  })

  it('RollbackStage redeploys an earlier release in one stage as a ROLLBACK execution', async () => {
    const pipeline = sandbox.engine.pipeline(SITE_PIPELINE)
    const target = pipeline.executions.filter((e) => e.stages.Production?.status === 'Succeeded' && e.executionType === 'STANDARD').at(-3)!
    const failedBuild = pipeline.executions.find((e) => e.stages.Build?.status === 'Failed')!
    const rollback = (targetPipelineExecutionId: string, stageName = 'Production', pipelineName = SITE_PIPELINE) =>
      sandbox.client.send(new RollbackStageCommand({ pipelineName, stageName, targetPipelineExecutionId }))
    expect(await errorName(rollback(failedBuild.pipelineExecutionId))).toBe('UnableToRollbackStageException')
    expect(await errorName(rollback(target.pipelineExecutionId, 'Source'))).toBe('UnableToRollbackStageException')
    expect(await errorName(rollback(target.pipelineExecutionId, 'Nope'))).toBe('StageNotFoundException')
    expect(await errorName(rollback('00000000-0000-4000-8000-000000000000'))).toBe('PipelineExecutionNotFoundException')
    const docsTarget = sandbox.engine.pipeline(DOCS_PIPELINE).executions.find((e) => e.status === 'Succeeded')!
    expect(await errorName(rollback(docsTarget.pipelineExecutionId, 'Deploy', DOCS_PIPELINE))).toBe('ValidationException')

    const { pipelineExecutionId } = await rollback(target.pipelineExecutionId)
    expect(await errorName(rollback(target.pipelineExecutionId))).toBe('UnableToRollbackStageException') // Production is running
    const [summary] = (await sandbox.client.send(new ListPipelineExecutionsCommand({ pipelineName: SITE_PIPELINE, maxResults: 1 })))
      .pipelineExecutionSummaries!
    expect(summary).toMatchObject({
      pipelineExecutionId,
      executionType: 'ROLLBACK',
      rollbackMetadata: { rollbackTargetPipelineExecutionId: target.pipelineExecutionId },
      trigger: { triggerType: 'ManualRollback', triggerDetail: SANDBOX_USER },
    })
    expect(summary!.sourceRevisions?.[0]?.revisionId).toBe(target.sourceRevisions[0]!.revisionId)
    expect((await state()).Production?.latestExecution).toEqual({ pipelineExecutionId, status: 'InProgress', type: 'ROLLBACK' })
    sandbox.advance(10 * MINUTE)
    const done = await sandbox.client.send(new GetPipelineExecutionCommand({ pipelineName: SITE_PIPELINE, pipelineExecutionId }))
    expect(done.pipelineExecution).toMatchObject({ status: 'Succeeded', executionType: 'ROLLBACK' })
    const actions = await sandbox.client.send(
      new ListActionExecutionsCommand({ pipelineName: SITE_PIPELINE, filter: { pipelineExecutionId } }),
    )
    expect(new Set(actions.actionExecutionDetails?.map((d) => d.stageName))).toEqual(new Set(['Production']))
  })

  it('refuses unknown keys and denied actions the way AWS does', async () => {
    expect(await errorName(sandbox.clientFor('AKIAUNKNOWN000000000', 'x').send(new ListPipelinesCommand({})))).toBe(
      'UnrecognizedClientException',
    )
    sandbox.credentials.add({
      accessKeyId: 'AKIAREADONLY00000001',
      secretAccessKey: 'ro',
      arn: `arn:aws:iam::${SANDBOX_ACCOUNT_ID}:user/readonly`,
      deniedActions: ['codepipeline:Put*', 'codepipeline:StartPipelineExecution'],
    })
    const readonly = sandbox.clientFor('AKIAREADONLY00000001', 'ro')
    expect((await readonly.send(new ListPipelinesCommand({}))).pipelines).toHaveLength(2)
    expect(await errorName(readonly.send(new StartPipelineExecutionCommand({ name: SITE_PIPELINE })))).toBe('AccessDeniedException')
  })
})

describe('CodePipeline emulator: RetryStageExecution', () => {
  let sandbox: Awaited<ReturnType<typeof startCodePipeline>>
  beforeAll(async () => {
    // Every Build fails on its first attempt and succeeds when retried.
    sandbox = await startCodePipeline({
      seed: 'empty',
      outcome: ({ action, attempt }) =>
        action.actionTypeId.category === 'Build' && attempt === 0
          ? { status: 'Failed', code: 'JobFailed', message: 'flaky' }
          : { status: 'Succeeded' },
    })
    sandbox.engine.addPipeline(siteReleaseDeclaration, {
      Source: [{ revisionId: 'a'.repeat(40), message: 'one', author: 'Kim', createdMs: NOW - MINUTE }],
    })
  })
  afterAll(() => sandbox.close())

  it('retries the failed stage of the latest execution only, in either mode', async () => {
    const start = async () => (await sandbox.client.send(new StartPipelineExecutionCommand({ name: SITE_PIPELINE }))).pipelineExecutionId!
    const retry = (pipelineExecutionId: string, retryMode: 'FAILED_ACTIONS' | 'ALL_ACTIONS', stageName = 'Build') =>
      sandbox.client.send(new RetryStageExecutionCommand({ pipelineName: SITE_PIPELINE, stageName, pipelineExecutionId, retryMode }))
    const a = await start()
    sandbox.advance(10 * MINUTE)
    const b = await start()
    sandbox.advance(10 * MINUTE)
    expect(await errorName(retry(a, 'FAILED_ACTIONS'))).toBe('NotLatestPipelineExecutionException')
    expect(await errorName(retry(b, 'FAILED_ACTIONS', 'Nope'))).toBe('StageNotFoundException')
    expect(await errorName(retry(b, 'FAILED_ACTIONS', 'Source'))).toBe('StageNotRetryableException')
    expect(await errorName(retry(b, 'SOME' as never))).toBe('ValidationException')
    expect((await retry(b, 'ALL_ACTIONS')).pipelineExecutionId).toBe(b)
    expect(await errorName(retry(b, 'FAILED_ACTIONS'))).toBe('StageNotRetryableException')
    sandbox.advance(10 * MINUTE)
    const build = (await sandbox.client.send(new GetPipelineStateCommand({ name: SITE_PIPELINE }))).stageStates?.find(
      (s) => s.stageName === 'Build',
    )
    expect(build?.latestExecution).toMatchObject({ pipelineExecutionId: b, status: 'Succeeded' })
    expect(build?.retryStageMetadata).toEqual({ manualStageRetryAttempt: 1, latestRetryTrigger: 'ManualStageRetry' })
    expect(await errorName(retry('00000000-0000-4000-8000-000000000000', 'FAILED_ACTIONS'))).toBe('NotLatestPipelineExecutionException')
  })
})

describe('CodePipeline emulator: limits and expiry', () => {
  let sandbox: Awaited<ReturnType<typeof startCodePipeline>>
  beforeAll(async () => {
    sandbox = await startCodePipeline({ seed: 'empty' })
    const commits = [{ revisionId: 'b'.repeat(40), message: 'one', author: 'Kim', createdMs: NOW - MINUTE }]
    sandbox.engine.addPipeline({ ...siteReleaseDeclaration, name: 'queued-release', executionMode: 'QUEUED' }, { Source: commits })
    sandbox.engine.addPipeline(siteReleaseDeclaration, { Source: commits })
  })
  afterAll(() => sandbox.close())

  it('a QUEUED pipeline takes 50 unfinished executions, then refuses more', async () => {
    for (let n = 0; n < 50; n++) await sandbox.client.send(new StartPipelineExecutionCommand({ name: 'queued-release' }))
    expect(await errorName(sandbox.client.send(new StartPipelineExecutionCommand({ name: 'queued-release' })))).toBe(
      'ConcurrentPipelineExecutionsLimitExceededException',
    )
    const state = await sandbox.client.send(new GetPipelineStateCommand({ name: 'queued-release' }))
    expect(state.stageStates?.[0]?.inboundExecutions).toHaveLength(49)
  })

  it('an approval nobody answers expires after 7 days: the action fails and its token is refused', async () => {
    await sandbox.client.send(new StartPipelineExecutionCommand({ name: SITE_PIPELINE }))
    sandbox.advance(15 * MINUTE)
    const approval = async () =>
      (await sandbox.client.send(new GetPipelineStateCommand({ name: SITE_PIPELINE }))).stageStates!.find(
        (s) => s.stageName === 'Approval',
      )!
    const waiting = (await approval()).actionStates![0]!.latestExecution!
    expect(waiting.status).toBe('InProgress')
    sandbox.advance(7 * 24 * 60 * MINUTE)
    const expired = await approval()
    expect(expired.latestExecution?.status).toBe('Failed')
    expect(expired.actionStates![0]!.latestExecution).toMatchObject({
      status: 'Failed',
      errorDetails: { message: expect.stringContaining('expired') },
    })
    expect(expired.actionStates![0]!.latestExecution!.token).toBeUndefined()
    const answer = sandbox.client.send(
      new PutApprovalResultCommand({
        pipelineName: SITE_PIPELINE,
        stageName: 'Approval',
        actionName: 'ReviewStaging',
        token: waiting.token,
        result: { status: 'Approved', summary: 'late' },
      }),
    )
    expect(await errorName(answer)).toBe('InvalidApprovalTokenException')
  })
})
