/**
 * The Pipelines screen's pure logic: which links open, the durations joined from timelines, the Gantt
 * rows and the trend lines built from the contract's shapes, the expiry countdown, the Gantt CSV.
 */
import { describe, expect, it } from 'vitest'
import type { ExecutionTimeline, PipelineDetails } from '../../../src-main/api/codepipeline'
import { barsToCsv, formatDuration } from '../../../src-renderer/components/charts/chart-data'
import {
  actionSpans,
  countdown,
  ganttBars,
  isConsoleUrl,
  runningExecution,
  shortRevision,
  sourceActions,
  trendSeries,
} from '../../../src-renderer/stores/pipelines-model'

const RUN_A = '11111111-1111-4111-8111-111111111111'
const RUN_B = '22222222-2222-4222-8222-222222222222'
const t0 = Date.UTC(2026, 11, 3, 10, 0, 0)

const action = (name: string, category = 'Build') => ({ name, category, provider: 'CodeBuild', runOrder: 1, configuration: {} })
const stage = (name: string, executionId: string | undefined, status: string | undefined, actions = [action(name)]) => ({
  name,
  status,
  executionId,
  inboundTransition: { enabled: true },
  actions,
  retryable: false,
})
const details = (stages: PipelineDetails['stages']): PipelineDetails => ({
  name: 'site-release',
  version: 1,
  pipelineType: 'V2',
  executionMode: 'SUPERSEDED',
  stages,
  pendingApprovals: [],
})

const timeline: ExecutionTimeline = {
  executionId: RUN_A,
  startMs: t0,
  stages: [
    {
      stageName: 'Build',
      startMs: t0,
      endMs: t0 + 300_000,
      status: 'Succeeded',
      actions: [
        {
          actionName: 'Build',
          actionExecutionId: 'a1',
          attempt: 1,
          startMs: t0,
          endMs: t0 + 100_000,
          status: 'Failed',
          error: { code: 'JobFailed', message: 'npm test failed' },
        },
        { actionName: 'Build', actionExecutionId: 'a2', attempt: 2, startMs: t0 + 200_000, endMs: t0 + 300_000, status: 'Succeeded' },
      ],
    },
    {
      stageName: 'Deploy',
      startMs: t0 + 300_000,
      status: 'InProgress',
      actions: [
        { actionName: 'Deploy', actionExecutionId: 'a3', attempt: 1, startMs: t0 + 300_000, status: 'InProgress', summary: 'copying' },
      ],
    },
  ],
}

describe('links offered to open in the OS browser', () => {
  it('are https AWS console pages only', () => {
    expect(isConsoleUrl('https://us-east-1.console.aws.amazon.com/codesuite/codebuild/projects/x')).toBe(true)
    expect(isConsoleUrl('https://console.aws.amazon.com/s3/buckets/b')).toBe(true)
    for (const url of [
      'http://console.aws.amazon.com/',
      'https://github.com/haneul-demo/haneul-demo-site/commit/abc',
      'https://console.aws.amazon.com.evil.example/',
      'https://user@console.aws.amazon.com/',
      'https://console.aws.amazon.com:8443/',
      'javascript:alert(1)',
      'not a url',
      undefined,
    ]) {
      expect(isConsoleUrl(url), String(url)).toBe(false)
    }
  })
})

describe('the flow', () => {
  it('takes each action’s latest attempt from the timeline of the execution its stage carries', () => {
    const spans = actionSpans(
      details([stage('Build', RUN_A, 'Succeeded'), stage('Deploy', RUN_A, 'InProgress'), stage('Other', RUN_B, 'Succeeded')]),
      new Map([[RUN_A, timeline]]),
    )
    expect(spans.get('Build\nBuild')).toEqual({ startMs: t0 + 200_000, endMs: t0 + 300_000, attempt: 2 })
    expect(spans.get('Deploy\nDeploy')).toEqual({ startMs: t0 + 300_000, endMs: undefined, attempt: 1 })
    // RUN_B's timeline was not read: no duration rather than a guess.
    expect(spans.has('Other\nOther')).toBe(false)
  })

  it('stops the newest run a stage shows in progress, and offers the Source actions for a revision override', () => {
    const d = details([
      stage('Source', RUN_B, 'Succeeded', [action('Source', 'Source')]),
      stage('Build', RUN_A, 'InProgress'),
      stage('Deploy', RUN_B, 'Stopping'),
    ])
    expect(runningExecution(d)).toBe(RUN_B)
    expect(runningExecution(details([stage('Build', RUN_A, 'Succeeded')]))).toBeUndefined()
    expect(sourceActions(d)).toEqual(['Source'])
  })

  it('shortens commit ids only when they are git SHA-1s', () => {
    expect(shortRevision('2d37286d7f2a19d77048c940cd0aa94c31c94075')).toBe('2d37286')
    expect(shortRevision('v3.zip')).toBe('v3.zip')
    expect(shortRevision(undefined)).toBe('')
  })
})

describe('the Gantt rows of a timeline', () => {
  it('has a row per stage span and per action attempt, coloured by status, a running one ending now', () => {
    const now = t0 + 360_000
    const bars = ganttBars(timeline, now)
    expect(bars.map((b) => [b.row, b.color, b.heading ?? false])).toEqual([
      ['Build', 'ok', true],
      ['Build · Build #1', 'danger', false],
      ['Build · Build #2', 'ok', false],
      ['Deploy', 'accent', true],
      ['Deploy · Deploy', 'accent', false],
    ])
    expect(bars[1]!.details).toEqual(['JobFailed: npm test failed'])
    expect(bars[4]).toMatchObject({ endMs: now, running: true, details: ['copying'] })
    expect(ganttBars(undefined, now)).toEqual([])
  })

  it('exports as CSV with ISO times, seconds and status, a running bar without an end', () => {
    const csv = barsToCsv(ganttBars(timeline, t0 + 360_000)).split('\r\n')
    expect(csv[0]).toBe('row,start,end,seconds,status')
    expect(csv[2]).toBe('Build · Build #1,2026-12-03T10:00:00.000Z,2026-12-03T10:01:40.000Z,100,Failed')
    expect(csv[5]).toBe('Deploy · Deploy,2026-12-03T10:05:00.000Z,,,InProgress')
  })
})

describe('the stage-duration trend', () => {
  const runs: Array<{ startMs: number; stages: Record<string, number> }> = [
    { startMs: t0 + 2, stages: { Build: 200_000, Deploy: 30_000, Approval: 9_000_000 } },
    { startMs: t0 + 1, stages: { Build: 180_000 } },
  ]

  it('draws one line per stage in declaration order, oldest run first, a gap where a run did not reach the stage', () => {
    const series = trendSeries(runs, ['Build', 'Deploy'])
    expect(series.map((s) => s.name)).toEqual(['Build', 'Deploy', 'Approval'])
    expect(series[0]!.points).toEqual([
      [t0 + 1, 180_000],
      [t0 + 2, 200_000],
    ])
    expect(series[1]!.points).toEqual([
      [t0 + 1, null],
      [t0 + 2, 30_000],
    ])
  })

  it('leaves out stages not named when asked (approval waits)', () => {
    expect(trendSeries(runs, ['Build', 'Deploy'], { only: true }).map((s) => s.name)).toEqual(['Build', 'Deploy'])
  })
})

describe('the countdown to an approval’s expiry', () => {
  it('counts whole minutes left, and says expired once past', () => {
    expect(countdown(t0 + 7 * 86_400_000, t0)).toEqual({ expired: false, days: 7, hours: 0, minutes: 0 })
    expect(countdown(t0 + 90 * 60_000 + 1, t0)).toEqual({ expired: false, days: 0, hours: 1, minutes: 31 })
    expect(countdown(t0 - 1, t0)).toEqual({ expired: true, days: 0, hours: 0, minutes: 0 })
    expect(countdown(undefined, t0)).toBeUndefined()
  })

  it('formats durations from seconds to days', () => {
    expect(formatDuration(48_400)).toBe('48 s')
    expect(formatDuration(125_000)).toBe('2 min 05 s')
    expect(formatDuration(3_780_000)).toBe('1 h 03 min')
    expect(formatDuration(4 * 86_400_000 + 3 * 3_600_000)).toBe('4 d 3 h')
  })
})
