/**
 * The CodePipeline engine's state machine on a hand-set clock: run order within a stage, stage order and
 * transitions, SUPERSEDED / QUEUED / PARALLEL, failures and both retry modes, stop vs abandon, approvals
 * and their timeout. Time only moves when a test moves it, so every assertion is exact.
 */
import { describe, expect, it } from 'vitest'
import { EmulatedError } from '../../../../src-main/sandbox/framework/emulated-error'
import { DEFAULT_APPROVAL_TIMEOUT_MINUTES, PipelineEngine, type Outcome } from '../../../../src-main/sandbox/codepipeline/engine'
import type { ExecutionMode, PipelineDeclaration, PipelineRecord } from '../../../../src-main/sandbox/codepipeline/model'

const T0 = Date.UTC(2026, 11, 1, 0, 0, 0)
const HOUR = 3600_000
const trigger = { triggerType: 'StartPipelineExecution', triggerDetail: 'arn:aws:iam::123456789012:user/test' }
const by = 'arn:aws:iam::123456789012:user/reviewer'

function declaration(mode: ExecutionMode = 'SUPERSEDED', approvalTimeoutMinutes?: number): PipelineDeclaration {
  return {
    name: 'p',
    roleArn: 'arn:aws:iam::123456789012:role/p',
    artifactStore: { type: 'S3', location: 'artifacts' },
    version: 1,
    pipelineType: mode === 'SUPERSEDED' ? 'V1' : 'V2',
    executionMode: mode,
    stages: [
      {
        name: 'Source',
        actions: [
          {
            name: 'Source',
            actionTypeId: { category: 'Source', owner: 'AWS', provider: 'CodeStarSourceConnection', version: '1' },
            outputArtifacts: [{ name: 'Src' }],
          },
        ],
      },
      {
        name: 'Build',
        actions: [
          {
            name: 'Compile',
            runOrder: 1,
            actionTypeId: { category: 'Build', owner: 'AWS', provider: 'CodeBuild', version: '1' },
            configuration: { ProjectName: 'c' },
          },
          {
            name: 'Lint',
            runOrder: 1,
            actionTypeId: { category: 'Test', owner: 'AWS', provider: 'CodeBuild', version: '1' },
            configuration: { ProjectName: 'l' },
          },
          {
            name: 'Package',
            runOrder: 2,
            actionTypeId: { category: 'Build', owner: 'AWS', provider: 'CodeBuild', version: '1' },
            configuration: { ProjectName: 'p' },
          },
        ],
      },
      {
        name: 'Approval',
        actions: [
          {
            name: 'Review',
            actionTypeId: { category: 'Approval', owner: 'AWS', provider: 'Manual', version: '1' },
            ...(approvalTimeoutMinutes ? { timeoutInMinutes: approvalTimeoutMinutes } : {}),
          },
        ],
      },
      {
        name: 'Deploy',
        actions: [
          {
            name: 'Upload',
            actionTypeId: { category: 'Deploy', owner: 'AWS', provider: 'S3', version: '1' },
            configuration: { BucketName: 'b' },
          },
        ],
      },
    ],
  }
}

/** A sandbox on a clock only the test moves; `failures` holds `stage/action/attempt` to fail. */
function setup(mode: ExecutionMode = 'SUPERSEDED', approvalTimeoutMinutes?: number) {
  let now = T0
  const failures = new Set<string>()
  const engine = new PipelineEngine({
    nowMs: () => now,
    seed: 7,
    outcome: ({ stageName, action, attempt }): Outcome =>
      failures.has(`${stageName}/${action.name}/${attempt}`)
        ? { status: 'Failed', code: 'JobFailed', message: `${action.name} failed` }
        : { status: 'Succeeded' },
  })
  const pipeline = engine.addPipeline(declaration(mode, approvalTimeoutMinutes), {
    Source: [{ revisionId: 'c1', message: 'first', author: 'Kim', createdMs: T0 - HOUR }],
  })
  const advance = (ms: number) => {
    now += ms
    engine.sync()
  }
  const start = () => engine.start('p', { trigger })
  return { engine, pipeline, failures, advance, start, now: () => now }
}

const runs = (pipeline: PipelineRecord, executionId: string, stageName?: string) =>
  pipeline.actionRuns.filter((r) => r.pipelineExecutionId === executionId && (!stageName || r.stageName === stageName))
const run = (pipeline: PipelineRecord, executionId: string, actionName: string) =>
  runs(pipeline, executionId)
    .filter((r) => r.actionName === actionName)
    .at(-1)!

function approve(engine: PipelineEngine, pipeline: PipelineRecord, executionId: string, status: 'Approved' | 'Rejected' = 'Approved') {
  return engine.putApprovalResult('p', 'Approval', 'Review', run(pipeline, executionId, 'Review').token!, { status, summary: 'ok' }, by)
}

function codeOf(action: () => unknown): string {
  try {
    action()
  } catch (error) {
    if (error instanceof EmulatedError) return error.code
    throw error
  }
  return 'no error'
}

describe('CodePipeline engine', () => {
  it('runs actions by run order within a stage and stages in order, each starting when the previous ended', () => {
    const { engine, pipeline, advance, start } = setup()
    const a = start()
    advance(HOUR)
    const [source, compile, lint, pack, review] = ['Source', 'Compile', 'Lint', 'Package', 'Review'].map((n) =>
      run(pipeline, a.pipelineExecutionId, n),
    )
    expect(source!.startMs).toBe(T0)
    expect(compile!.startMs).toBe(source!.lastUpdateMs)
    expect(lint!.startMs).toBe(compile!.startMs)
    expect(pack!.startMs).toBe(Math.max(compile!.lastUpdateMs, lint!.lastUpdateMs))
    expect(review!.startMs).toBe(pack!.lastUpdateMs)
    expect(review!.status).toBe('InProgress')
    expect(review!.token).toMatch(/^[0-9a-f-]{36}$/)
    expect(a.stages).toMatchObject({ Source: { status: 'Succeeded' }, Build: { status: 'Succeeded' }, Approval: { status: 'InProgress' } })
    const approvedAt = approve(engine, pipeline, a.pipelineExecutionId)
    expect(run(pipeline, a.pipelineExecutionId, 'Upload').startMs).toBe(approvedAt)
    advance(HOUR)
    expect(a.status).toBe('Succeeded')
    expect(a.lastUpdateMs).toBe(run(pipeline, a.pipelineExecutionId, 'Upload').lastUpdateMs)
    expect(a.sourceRevisions.map((r) => r.revisionId)).toEqual(['c1'])
  })

  it('holds an execution at a disabled inbound transition and lets it in when enabled', () => {
    const { engine, pipeline, advance, start, now } = setup()
    engine.setTransition('p', 'Build', 'Inbound', false, by, 'freeze')
    const a = start()
    advance(HOUR)
    expect(a.position).toMatchObject({ phase: 'before', stageIndex: 1 })
    expect(runs(pipeline, a.pipelineExecutionId, 'Build')).toEqual([])
    expect(pipeline.transitions.Build).toMatchObject({ enabled: false, disabledReason: 'freeze', lastChangedBy: by })
    engine.setTransition('p', 'Build', 'Inbound', true, by)
    expect(run(pipeline, a.pipelineExecutionId, 'Compile').startMs).toBe(now())
    // Outbound of Build is Approval's inbound.
    engine.setTransition('p', 'Build', 'Outbound', false, by, 'hold')
    expect(pipeline.transitions.Approval?.enabled).toBe(false)
    expect(codeOf(() => engine.setTransition('p', 'Source', 'Inbound', false, by, 'x'))).toBe('ValidationException')
    expect(codeOf(() => engine.setTransition('p', 'Deploy', 'Outbound', false, by, 'x'))).toBe('ValidationException')
  })

  it('SUPERSEDED: a newer execution replaces the one waiting before a locked stage', () => {
    const { engine, pipeline, advance, start } = setup('SUPERSEDED')
    const a = start()
    advance(HOUR)
    const b = start()
    advance(HOUR)
    expect(b.position).toMatchObject({ phase: 'before', stageIndex: 2 })
    const c = start()
    advance(HOUR)
    expect(b.status).toBe('Superseded')
    expect(c.position).toMatchObject({ phase: 'before', stageIndex: 2 })
    expect(a.status).toBe('InProgress')
    approve(engine, pipeline, a.pipelineExecutionId)
    expect(c.position).toMatchObject({ phase: 'in', stageIndex: 2 })
    expect(runs(pipeline, b.pipelineExecutionId, 'Approval')).toEqual([])
  })

  it('QUEUED: executions wait their turn at each stage and none is superseded', () => {
    const { engine, pipeline, advance, start } = setup('QUEUED')
    const [a, b, c] = [start(), start(), start()]
    advance(3 * HOUR)
    expect([a, b, c].map((e) => e.status)).toEqual(['InProgress', 'InProgress', 'InProgress'])
    expect(b.position).toMatchObject({ phase: 'before', stageIndex: 2 })
    expect(c.position).toMatchObject({ phase: 'before', stageIndex: 2 })
    // Source was locked too: b started its Source only after a's Source finished.
    expect(run(pipeline, b.pipelineExecutionId, 'Source').startMs).toBe(run(pipeline, a.pipelineExecutionId, 'Source').lastUpdateMs)
    approve(engine, pipeline, a.pipelineExecutionId)
    expect(b.position).toMatchObject({ phase: 'in', stageIndex: 2 })
    expect(c.position).toMatchObject({ phase: 'before', stageIndex: 2 })
    approve(engine, pipeline, b.pipelineExecutionId)
    expect(c.position).toMatchObject({ phase: 'in', stageIndex: 2 })
  })

  it('PARALLEL: executions run side by side, each with its own approval token', () => {
    const { pipeline, advance, start } = setup('PARALLEL')
    const all = [start(), start(), start()]
    advance(HOUR)
    const reviews = all.map((e) => run(pipeline, e.pipelineExecutionId, 'Review'))
    expect(reviews.map((r) => r.status)).toEqual(['InProgress', 'InProgress', 'InProgress'])
    expect(new Set(reviews.map((r) => r.token)).size).toBe(3)
    expect(new Set(all.map((e) => run(pipeline, e.pipelineExecutionId, 'Source').startMs)).size).toBe(1)
  })

  it('a failed action lets its group finish, fails the stage and the execution, and starts nothing after it', () => {
    const { pipeline, failures, advance, start } = setup()
    failures.add('Build/Compile/0')
    const a = start()
    advance(HOUR)
    expect(run(pipeline, a.pipelineExecutionId, 'Compile')).toMatchObject({
      status: 'Failed',
      errorDetails: { code: 'JobFailed', message: 'Compile failed' },
    })
    expect(run(pipeline, a.pipelineExecutionId, 'Lint').status).toBe('Succeeded')
    expect(runs(pipeline, a.pipelineExecutionId).map((r) => r.actionName)).not.toContain('Package')
    expect(a.stages.Build?.status).toBe('Failed')
    expect(a).toMatchObject({ status: 'Failed', statusSummary: 'Compile failed' })
    expect(pipeline.stageLatest.Approval).toBeUndefined()
  })

  it('retry FAILED_ACTIONS re-runs only what failed; ALL_ACTIONS re-runs the stage from its first action', () => {
    const { engine, pipeline, failures, advance, start } = setup()
    failures.add('Build/Compile/0')
    failures.add('Build/Compile/1')
    const a = start()
    advance(HOUR)
    const id = a.pipelineExecutionId
    engine.retry('p', 'Build', id, 'FAILED_ACTIONS')
    expect(a.status).toBe('InProgress')
    advance(HOUR)
    expect(runs(pipeline, id, 'Build').map((r) => `${r.actionName}:${r.status}`)).toEqual([
      'Compile:Failed',
      'Lint:Succeeded',
      'Compile:Failed',
    ])
    engine.retry('p', 'Build', id, 'ALL_ACTIONS')
    advance(HOUR)
    expect(runs(pipeline, id, 'Build').map((r) => `${r.actionName}:${r.status}`)).toEqual([
      'Compile:Failed',
      'Lint:Succeeded',
      'Compile:Failed',
      'Compile:Succeeded',
      'Lint:Succeeded',
      'Package:Succeeded',
    ])
    expect(a.stages.Build).toEqual({ status: 'Succeeded', manualRetries: 2 })
    expect(run(pipeline, id, 'Review').status).toBe('InProgress')
    // A stage that succeeded, and a running execution, are not retryable.
    expect(codeOf(() => engine.retry('p', 'Build', id, 'FAILED_ACTIONS'))).toBe('StageNotRetryableException')
  })

  it('retry refuses an execution that is not the stage’s latest', () => {
    const { engine, failures, advance, start } = setup()
    failures.add('Build/Compile/0')
    const a = start()
    advance(HOUR)
    const b = start()
    advance(HOUR)
    expect(a.status).toBe('Failed')
    expect(codeOf(() => engine.retry('p', 'Build', a.pipelineExecutionId, 'FAILED_ACTIONS'))).toBe('NotLatestPipelineExecutionException')
    expect(codeOf(() => engine.retry('p', 'Nope', b.pipelineExecutionId, 'FAILED_ACTIONS'))).toBe('StageNotFoundException')
  })

  it('stop lets running actions finish (Stopping → Stopped) and starts nothing new', () => {
    const { engine, pipeline, advance, start } = setup()
    const a = start()
    const id = a.pipelineExecutionId
    advance(run(pipeline, id, 'Source').finishAtMs! - T0 + 1)
    const compile = run(pipeline, id, 'Compile')
    expect(compile.status).toBe('InProgress')
    engine.stop('p', id, { abandon: false, reason: 'hold' })
    expect(a).toMatchObject({ status: 'Stopping', stopTrigger: { reason: 'hold' } })
    expect(a.stages.Build?.status).toBe('Stopping')
    expect(codeOf(() => engine.stop('p', id, { abandon: false }))).toBe('DuplicatedStopRequestException')
    advance(HOUR)
    expect(run(pipeline, id, 'Compile').status).toBe('Succeeded')
    expect(run(pipeline, id, 'Lint').status).toBe('Succeeded')
    expect(runs(pipeline, id).map((r) => r.actionName)).not.toContain('Package')
    expect(a.status).toBe('Stopped')
    expect(a.stages.Build?.status).toBe('Stopped')
    expect(a.lastUpdateMs).toBe(Math.max(run(pipeline, id, 'Compile').lastUpdateMs, run(pipeline, id, 'Lint').lastUpdateMs))
    expect(codeOf(() => engine.stop('p', id, { abandon: true }))).toBe('PipelineExecutionNotStoppableException')
  })

  it('stop and abandon ends running actions as Abandoned at once; abandon also works on a Stopping run', () => {
    const { engine, pipeline, advance, start, now } = setup()
    const a = start()
    advance(30_000)
    engine.stop('p', a.pipelineExecutionId, { abandon: true })
    expect(a.status).toBe('Stopped')
    expect(runs(pipeline, a.pipelineExecutionId, 'Build').map((r) => [r.status, r.lastUpdateMs])).toEqual([
      ['Abandoned', now()],
      ['Abandoned', now()],
    ])
    const b = start()
    advance(30_000)
    engine.stop('p', b.pipelineExecutionId, { abandon: false })
    engine.stop('p', b.pipelineExecutionId, { abandon: true })
    expect(b.status).toBe('Stopped')
    // An abandoned or stopped stage can be retried.
    engine.retry('p', 'Build', b.pipelineExecutionId, 'FAILED_ACTIONS')
    advance(HOUR)
    expect(run(pipeline, b.pipelineExecutionId, 'Review').status).toBe('InProgress')
  })

  it('an approval waits 7 days by default, then fails; its token is then refused', () => {
    const { engine, pipeline, advance, start, now } = setup()
    const a = start()
    advance(HOUR)
    const review = run(pipeline, a.pipelineExecutionId, 'Review')
    expect(review.expiresAtMs).toBe(review.startMs + DEFAULT_APPROVAL_TIMEOUT_MINUTES * 60_000)
    advance(review.expiresAtMs! - now() - 1)
    expect(review.status).toBe('InProgress')
    advance(1)
    expect(review).toMatchObject({ status: 'Failed', lastUpdateMs: review.expiresAtMs })
    expect(review.errorDetails?.message).toContain('expired')
    expect(a.status).toBe('Failed')
    expect(codeOf(() => approve(engine, pipeline, a.pipelineExecutionId))).toBe('InvalidApprovalTokenException')
  })

  it('timeoutInMinutes shortens the approval’s wait', () => {
    const { pipeline, advance, start } = setup('SUPERSEDED', 5)
    const a = start()
    advance(HOUR)
    const review = run(pipeline, a.pipelineExecutionId, 'Review')
    expect(review.lastUpdateMs - review.startMs).toBe(5 * 60_000)
    expect(review.status).toBe('Failed')
  })

  it('answers an approval once: a wrong token is invalid, a used one already completed; rejecting fails the run', () => {
    const { engine, pipeline, advance, start } = setup()
    const a = start()
    advance(HOUR)
    const token = run(pipeline, a.pipelineExecutionId, 'Review').token!
    const answer = (t: string) => engine.putApprovalResult('p', 'Approval', 'Review', t, { status: 'Rejected', summary: 'no' }, by)
    expect(codeOf(() => answer('00000000-0000-4000-8000-000000000000'))).toBe('InvalidApprovalTokenException')
    expect(codeOf(() => engine.putApprovalResult('p', 'Approval', 'Nope', token, { status: 'Approved', summary: '' }, by))).toBe(
      'ActionNotFoundException',
    )
    expect(codeOf(() => engine.putApprovalResult('p', 'Nope', 'Review', token, { status: 'Approved', summary: '' }, by))).toBe(
      'StageNotFoundException',
    )
    answer(token)
    expect(run(pipeline, a.pipelineExecutionId, 'Review')).toMatchObject({ status: 'Failed', updatedBy: by, summary: 'no' })
    expect(a.status).toBe('Failed')
    expect(codeOf(() => answer(token))).toBe('ApprovalAlreadyCompletedException')
  })

  it('refuses declarations CreatePipeline would refuse', () => {
    const engine = new PipelineEngine({ nowMs: () => T0 })
    const add = (change: (d: PipelineDeclaration) => void) => {
      const d = declaration('QUEUED')
      change(d)
      return codeOf(() => engine.addPipeline(d))
    }
    expect(add(() => undefined)).toBe('no error')
    expect(add((d) => (d.pipelineType = 'V1'))).toBe('ValidationException')
    expect(add((d) => (d.stages[2]!.actions[0]!.timeoutInMinutes = 4))).toBe('ValidationException')
    expect(add((d) => (d.stages[2]!.actions[0]!.timeoutInMinutes = 86_401))).toBe('ValidationException')
    expect(add((d) => (d.stages[1]!.actions[0]!.timeoutInMinutes = 60))).toBe('ValidationException')
    expect(add((d) => d.stages.push(d.stages[1]!))).toBe('ValidationException')
    expect(add((d) => d.stages[1]!.actions.push(d.stages[0]!.actions[0]!))).toBe('ValidationException')
    expect(add((d) => (d.stages = d.stages.slice(0, 1)))).toBe('ValidationException')
  })

  it('a Source override that names no commit fails the Source action', () => {
    const { engine, pipeline, advance } = setup()
    const a = engine.start('p', { trigger, sourceRevisions: { Source: 'deadbeef' } })
    advance(HOUR)
    expect(run(pipeline, a.pipelineExecutionId, 'Source').errorDetails?.message).toContain("'deadbeef'")
    expect(a.status).toBe('Failed')
  })
})

describe('CodePipeline engine snapshots', () => {
  it('an engine restored mid-run goes on exactly as the original does', () => {
    const { engine, pipeline, advance, start, now } = setup('QUEUED')
    const [a] = [start(), start(), start()]
    advance(200_000)
    expect(runs(pipeline, a!.pipelineExecutionId).some((r) => r.status === 'InProgress')).toBe(true)
    let later = now()
    const restored = PipelineEngine.restore(
      { nowMs: () => later, seed: 7, outcome: () => ({ status: 'Succeeded' }) },
      JSON.parse(JSON.stringify(engine.snapshot())),
    )
    advance(2 * HOUR)
    later += 2 * HOUR
    restored.sync()
    expect(JSON.stringify(restored.pipeline('p'))).toBe(JSON.stringify(engine.pipeline('p')))
    expect(restored.nowMs).toBe(engine.nowMs)
  })
})

describe('CodePipeline engine clock', () => {
  it('runs automated actions `speed` times faster; approval timeouts stay real time', () => {
    const durations = (speed: number) => {
      const now = T0
      const engine = new PipelineEngine({ nowMs: () => now, seed: 3, speed, outcome: () => ({ status: 'Succeeded' }) })
      const pipeline = engine.addPipeline(declaration('SUPERSEDED', 60), {
        Source: [{ revisionId: 'c', message: 'm', author: 'a', createdMs: 0 }],
      })
      engine.start('p', { trigger })
      engine.runUntil(T0 + 10 * HOUR)
      return pipeline.actionRuns.map((r) => r.lastUpdateMs - r.startMs)
    }
    const [normal, fast] = [durations(1), durations(4)]
    expect(normal.at(-1)).toBe(60 * 60_000) // the approval timed out after its 60 minutes
    expect(fast.at(-1)).toBe(60 * 60_000)
    normal.slice(0, -1).forEach((ms, i) => expect(Math.abs(fast[i]! - ms / 4)).toBeLessThanOrEqual(1))
  })
})
