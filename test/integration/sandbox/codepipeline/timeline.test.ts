/**
 * The timeline and the commit-per-stage join, computed from what the real SDK reads off the emulator,
 * equal the engine's own records (the ground truth) for the whole demo history and for a live run.
 */
import {
  GetPipelineStateCommand,
  ListActionExecutionsCommand,
  paginateListActionExecutions,
  paginateListPipelineExecutions,
  PutApprovalResultCommand,
  type ActionExecutionDetail,
  type PipelineExecutionSummary,
} from '@aws-sdk/client-codepipeline'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTimeline, buildTimelines, commitsByStage } from '../../../../src-main/codepipeline/timeline'
import type { PipelineEngine } from '../../../../src-main/sandbox/codepipeline/engine'
import { DOCS_PIPELINE, SITE_PIPELINE } from '../../../../src-main/sandbox/codepipeline/seed'
import { startCodePipeline } from './harness'

/** The timeline as the engine knows it, from its own records. */
function groundTruth(engine: PipelineEngine, pipelineName: string, pipelineExecutionId: string) {
  const pipeline = engine.pipeline(pipelineName)
  const execution = engine.execution(pipeline, pipelineExecutionId)
  const runs = pipeline.actionRuns.filter((r) => r.pipelineExecutionId === pipelineExecutionId)
  if (runs.length === 0) return undefined
  const stages = pipeline.declaration.stages
    .filter((s) => execution.stages[s.name])
    .map((stage) => {
      const mine = runs.filter((r) => r.stageName === stage.name)
      const done = mine.every((r) => r.status !== 'InProgress')
      return {
        stageName: stage.name,
        startMs: Math.min(...mine.map((r) => r.startMs)),
        ...(done ? { endMs: Math.max(...mine.map((r) => r.lastUpdateMs)) } : {}),
        status: execution.stages[stage.name]!.status,
        actions: mine.map((r) => ({
          actionName: r.actionName,
          actionExecutionId: r.actionExecutionId,
          attempt: mine.slice(0, mine.indexOf(r) + 1).filter((o) => o.actionName === r.actionName).length,
          startMs: r.startMs,
          ...(r.status === 'InProgress' ? {} : { endMs: r.lastUpdateMs }),
          status: r.status,
          ...(r.errorDetails ? { error: r.errorDetails } : {}),
          ...(r.externalExecutionUrl ? { externalExecutionUrl: r.externalExecutionUrl } : {}),
          ...((r.summary ?? r.externalExecutionSummary) ? { summary: r.summary ?? r.externalExecutionSummary } : {}),
          ...(r.status !== 'InProgress' && r.outputVariables ? { outputVariables: r.outputVariables } : {}),
        })),
      }
    })
  const running = stages.some((s) => s.endMs === undefined)
  return {
    pipelineExecutionId,
    startMs: Math.min(...stages.map((s) => s.startMs)),
    ...(running ? {} : { endMs: Math.max(...stages.map((s) => s.endMs!)) }),
    stages,
  }
}

describe('CodePipeline timeline from ListActionExecutions', () => {
  let sandbox: Awaited<ReturnType<typeof startCodePipeline>>
  beforeAll(async () => {
    sandbox = await startCodePipeline()
  })
  afterAll(() => sandbox.close())

  async function allActionPages(pipelineName: string, pageSize: number, pipelineExecutionId?: string) {
    const pages: ActionExecutionDetail[][] = []
    for await (const page of paginateListActionExecutions(
      { client: sandbox.client, pageSize },
      { pipelineName, ...(pipelineExecutionId ? { filter: { pipelineExecutionId } } : {}) },
    )) {
      pages.push(page.actionExecutionDetails ?? [])
    }
    return pages
  }

  it('equals the engine’s ground truth for every execution of the demo history', async () => {
    for (const name of [SITE_PIPELINE, DOCS_PIPELINE]) {
      const pipeline = sandbox.engine.pipeline(name)
      const pages = await allActionPages(name, 23)
      expect(pages.length).toBe(Math.ceil(pipeline.actionRuns.length / 23))
      const timelines = buildTimelines(
        pages,
        pipeline.declaration.stages.map((s) => s.name),
      )
      const expected = [...pipeline.executions]
        .reverse()
        .map((e) => groundTruth(sandbox.engine, name, e.pipelineExecutionId))
        .filter((t) => t !== undefined)
        .sort((a, b) => b.startMs - a.startMs)
      expect(timelines).toEqual(expected)
    }
  })

  it('follows a live run: the waiting approval has no end, then the approved release runs to the end', async () => {
    const pipeline = sandbox.engine.pipeline(SITE_PIPELINE)
    const live = pipeline.executions.find((e) => e.status === 'InProgress')!
    const stageOrder = pipeline.declaration.stages.map((s) => s.name)
    const before = buildTimeline(await allActionPages(SITE_PIPELINE, 2, live.pipelineExecutionId), live.pipelineExecutionId, stageOrder)!
    expect(before).toEqual(groundTruth(sandbox.engine, SITE_PIPELINE, live.pipelineExecutionId))
    expect(before.endMs).toBeUndefined()
    expect(before.stages.at(-1)).toMatchObject({ stageName: 'Approval', status: 'InProgress' })
    expect(before.stages.at(-1)!.endMs).toBeUndefined()

    const state = await sandbox.client.send(new GetPipelineStateCommand({ name: SITE_PIPELINE }))
    const token = state.stageStates?.find((s) => s.stageName === 'Approval')?.actionStates?.[0]?.latestExecution?.token
    await sandbox.client.send(
      new PutApprovalResultCommand({
        pipelineName: SITE_PIPELINE,
        stageName: 'Approval',
        actionName: 'ReviewStaging',
        token,
        result: { status: 'Approved', summary: 'ok' },
      }),
    )
    sandbox.advance(15 * 60_000)
    const after = buildTimeline(await allActionPages(SITE_PIPELINE, 100, live.pipelineExecutionId), live.pipelineExecutionId, stageOrder)!
    expect(after).toEqual(groundTruth(sandbox.engine, SITE_PIPELINE, live.pipelineExecutionId))
    expect(after.stages.map((s) => [s.stageName, s.status])).toEqual(stageOrder.map((s) => [s, 'Succeeded']))
    const production = after.stages.at(-1)!.actions
    expect(production.map((a) => a.actionName)).toEqual(['DeployToSite', 'InvalidateCache'])
    expect(production[1]!.startMs).toBe(production[0]!.endMs)
  })

  it('latestInPipelineExecution: Latest keeps each action’s newest attempt, All keeps retries too', async () => {
    const pipeline = sandbox.engine.pipeline(SITE_PIPELINE)
    const retried = pipeline.executions.find((e) => (e.stages.Build?.manualRetries ?? 0) > 0)!
    const list = async (startTimeRange: 'Latest' | 'All') =>
      (
        await sandbox.client.send(
          new ListActionExecutionsCommand({
            pipelineName: SITE_PIPELINE,
            filter: { latestInPipelineExecution: { pipelineExecutionId: retried.pipelineExecutionId, startTimeRange } },
          }),
        )
      ).actionExecutionDetails!
    const all = await list('All')
    const latest = await list('Latest')
    expect(all.filter((d) => d.actionName === 'Build')).toHaveLength(2)
    expect(latest.filter((d) => d.actionName === 'Build').map((d) => d.actionExecutionId)).toEqual([
      sandbox.engine.latestRuns(pipeline, retried.pipelineExecutionId, 'Build').get('Build')!.actionExecutionId,
    ])
    expect(
      buildTimeline([all], retried.pipelineExecutionId)!
        .stages.find((s) => s.stageName === 'Build')!
        .actions.map((a) => a.attempt),
    ).toEqual([1, 2])
  })

  it('joins each stage’s latest execution with that execution’s commit', async () => {
    const fresh = await startCodePipeline()
    try {
      const state = await fresh.client.send(new GetPipelineStateCommand({ name: SITE_PIPELINE }))
      const summaries: PipelineExecutionSummary[] = []
      for await (const page of paginateListPipelineExecutions({ client: fresh.client, pageSize: 10 }, { pipelineName: SITE_PIPELINE })) {
        summaries.push(...(page.pipelineExecutionSummaries ?? []))
      }
      const pipeline = fresh.engine.pipeline(SITE_PIPELINE)
      const expected = pipeline.declaration.stages.map((stage) => {
        const execution = fresh.engine.execution(pipeline, pipeline.stageLatest[stage.name]!)
        const commit = pipeline.repositories.Source!.find((c) => c.revisionId === execution.sourceRevisions[0]!.revisionId)!
        return {
          stageName: stage.name,
          pipelineExecutionId: execution.pipelineExecutionId,
          status: execution.stages[stage.name]!.status,
          revisions: [{ actionName: 'Source', revisionId: commit.revisionId, message: commit.message, url: commit.url }],
        }
      })
      const joined = commitsByStage(state, summaries)
      expect(joined).toEqual(expected)
      // The release waiting for approval is not the one in production.
      expect(joined.find((c) => c.stageName === 'Approval')!.revisions![0]!.revisionId).not.toBe(
        joined.find((c) => c.stageName === 'Production')!.revisions![0]!.revisionId,
      )
      // With the newest action runs at hand, each commit also names its author.
      const recent = await fresh.client.send(new ListActionExecutionsCommand({ pipelineName: SITE_PIPELINE }))
      const withAuthors = commitsByStage(state, summaries, recent.actionExecutionDetails)
      expect(withAuthors.map((c) => c.revisions![0]!.author)).toEqual(
        expected.map((c) => pipeline.repositories.Source!.find((commit) => commit.revisionId === c.revisions[0]!.revisionId)!.author),
      )
      // Without the execution's summary, the join says so instead of guessing.
      expect(commitsByStage(state, []).every((c) => c.revisions === undefined)).toBe(true)
    } finally {
      await fresh.close()
    }
  })
})
