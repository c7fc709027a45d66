/** The timeline's handling of what paging can hand it: repeats, missing fields, stage order, summaries. */
import type { ActionExecutionDetail } from '@aws-sdk/client-codepipeline'
import { describe, expect, it } from 'vitest'
import { buildTimeline, buildTimelines, revisionMessage } from '../../../src-main/codepipeline/timeline'

const at = (seconds: number) => new Date(seconds * 1000)
const detail = (over: Partial<ActionExecutionDetail>): ActionExecutionDetail => ({
  pipelineExecutionId: 'e1',
  actionExecutionId: 'a1',
  stageName: 'Build',
  actionName: 'Compile',
  startTime: at(10),
  lastUpdateTime: at(20),
  status: 'Succeeded',
  ...over,
})

describe('buildTimelines', () => {
  it('keeps the newest state of a run that two pages both hold', () => {
    const running = detail({ status: 'InProgress', lastUpdateTime: at(10) })
    const done = detail({
      status: 'Failed',
      lastUpdateTime: at(30),
      output: { executionResult: { errorDetails: { code: 'JobFailed', message: 'boom' } } },
    })
    const [timeline] = buildTimelines([[running], [done]])
    expect(timeline!.stages[0]!.actions).toEqual([
      {
        actionName: 'Compile',
        actionExecutionId: 'a1',
        attempt: 1,
        startMs: 10_000,
        endMs: 30_000,
        status: 'Failed',
        error: { code: 'JobFailed', message: 'boom' },
      },
    ])
    expect(timeline!.stages[0]!.status).toBe('Failed')
  })

  it('numbers retries, judges a stage by each action’s latest attempt, and calls an abandoned stage Stopped', () => {
    const pages = [
      [
        detail({ actionExecutionId: 'a2', startTime: at(40), lastUpdateTime: at(50), status: 'Succeeded' }),
        detail({ actionExecutionId: 'a1', status: 'Failed' }),
        detail({
          actionExecutionId: 'd1',
          stageName: 'Deploy',
          actionName: 'Upload',
          startTime: at(60),
          lastUpdateTime: at(61),
          status: 'Abandoned',
        }),
      ],
    ]
    const timeline = buildTimeline(pages, 'e1', ['Source', 'Build', 'Deploy'])!
    expect(timeline.stages.map((s) => [s.stageName, s.status, s.startMs, s.endMs])).toEqual([
      ['Build', 'Succeeded', 10_000, 50_000],
      ['Deploy', 'Stopped', 60_000, 61_000],
    ])
    expect(timeline.stages[0]!.actions.map((a) => [a.actionExecutionId, a.attempt])).toEqual([
      ['a1', 1],
      ['a2', 2],
    ])
    expect(timeline).toMatchObject({ startMs: 10_000, endMs: 61_000 })
  })

  it('orders stages by the declaration, unknown ones last, and executions newest first; skips incomplete details', () => {
    const pages = [
      [
        detail({ pipelineExecutionId: 'e2', actionExecutionId: 'x1', stageName: 'Extra', startTime: at(1), lastUpdateTime: at(2) }),
        detail({ pipelineExecutionId: 'e2', actionExecutionId: 'x2', stageName: 'Build', startTime: at(5), status: 'InProgress' }),
        detail({ actionExecutionId: 'a9' }),
        detail({ actionExecutionId: undefined }),
        detail({ actionExecutionId: 'no-start', startTime: undefined }),
      ],
    ]
    const timelines = buildTimelines(pages, ['Build'])
    expect(timelines.map((t) => t.pipelineExecutionId)).toEqual(['e1', 'e2'])
    expect(timelines[1]!.stages.map((s) => s.stageName)).toEqual(['Build', 'Extra'])
    expect(timelines[1]!.endMs).toBeUndefined()
    expect(timelines[0]!.stages[0]!.actions.map((a) => a.actionExecutionId)).toEqual(['a9'])
    expect(buildTimeline(pages, 'missing')).toBeUndefined()
  })
})

describe('revisionMessage', () => {
  it('reads the commit message out of a connection’s JSON summary and takes other summaries as they are', () => {
    expect(revisionMessage('{"ProviderType":"GitHub","CommitMessage":"Fix nav"}')).toBe('Fix nav')
    expect(revisionMessage('Uploaded by Kim')).toBe('Uploaded by Kim')
    expect(revisionMessage('{"other":1}')).toBe('{"other":1}')
    expect(revisionMessage(undefined)).toBeUndefined()
  })
})
