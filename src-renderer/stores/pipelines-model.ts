/**
 * The Pipelines screen's pure logic: what a status looks like, which external links may open, action
 * durations from timelines, the Gantt rows and the duration trend AppChart draws, and the countdown to an
 * approval's expiry. No calls to main here (the store makes them), so all of it is tested directly.
 */
import type { ExecutionTimeline, PipelineDetails } from '../../src-main/api/codepipeline'
import { formatDuration, type ChartColor, type ChartSeries, type GanttBar } from '../components/charts/chart-data'

export { formatDuration }

/** How a status is shown: a pill class and a chart colour. */
export type Tone = 'ok' | 'busy' | 'off' | 'idle'

export function toneOf(status: string | undefined): Tone {
  switch (status) {
    case 'Succeeded':
      return 'ok'
    case 'InProgress':
    case 'Stopping':
      return 'busy'
    case 'Failed':
    case 'Abandoned':
    case 'Stopped':
    case 'Cancelled':
      return 'off'
    default:
      return 'idle'
  }
}

export function colorOf(status: string | undefined): ChartColor {
  const tone = toneOf(status)
  return tone === 'ok' ? 'ok' : tone === 'busy' ? 'accent' : tone === 'off' ? 'danger' : status === 'Superseded' ? 'violet' : 'muted'
}

/**
 * Whether a link may be offered as "open in the browser": https AWS console pages only (main checks
 * again, with the same rule, before it opens anything). Other links (a GitHub commit, a review page)
 * are shown as text.
 */
export function isConsoleUrl(raw: string | undefined): boolean {
  if (!raw) return false
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return false
  }
  if (url.protocol !== 'https:' || url.username || url.password || url.port) return false
  return /^([a-z0-9-]+\.)*console\.aws\.amazon\.com$/.test(url.hostname)
}

export const shortRevision = (id: string | undefined) => (id && /^[0-9a-f]{40}$/.test(id) ? id.slice(0, 7) : (id ?? ''))

/** An action's latest run in a timeline: when it started and ended (no end while it runs). */
export interface ActionSpan {
  startMs: number
  endMs?: number
  attempt: number
}

/** `stage\naction` → the latest run of that action, over the timelines of the executions in the stages. */
export function actionSpans(
  details: PipelineDetails | undefined,
  timelines: ReadonlyMap<string, ExecutionTimeline>,
): Map<string, ActionSpan> {
  const spans = new Map<string, ActionSpan>()
  for (const stage of details?.stages ?? []) {
    const timeline = stage.executionId ? timelines.get(stage.executionId) : undefined
    const runs = timeline?.stages.find((s) => s.stageName === stage.name)?.actions ?? []
    for (const run of runs) {
      const key = `${stage.name}\n${run.actionName}`
      const known = spans.get(key)
      if (!known || run.attempt > known.attempt) spans.set(key, { startMs: run.startMs, endMs: run.endMs, attempt: run.attempt })
    }
  }
  return spans
}

/** The execution still running that Stop applies to: the newest one some stage shows in progress. */
export function runningExecution(details: PipelineDetails | undefined): string | undefined {
  const running = (details?.stages ?? []).filter((s) => s.executionId && (s.status === 'InProgress' || s.status === 'Stopping'))
  return running.at(-1)?.executionId
}

/** The names of the Source actions, for the start dialog's revision override. */
export const sourceActions = (details: PipelineDetails | undefined) =>
  (details?.stages ?? []).flatMap((s) => s.actions.filter((a) => a.category === 'Source').map((a) => a.name))

/**
 * The Gantt rows of one execution: per stage a row for the stage's span, then one per action run (a
 * retried action has a row per attempt), in the timeline's order. A run still going ends at `nowMs`.
 */
export function ganttBars(timeline: ExecutionTimeline | undefined, nowMs: number): GanttBar[] {
  const bars: GanttBar[] = []
  for (const stage of timeline?.stages ?? []) {
    bars.push({
      row: stage.stageName,
      group: stage.stageName,
      startMs: stage.startMs,
      endMs: stage.endMs ?? nowMs,
      color: colorOf(stage.status),
      label: stage.status,
      details: [],
      heading: true,
    })
    for (const run of stage.actions) {
      const repeated = stage.actions.filter((a) => a.actionName === run.actionName).length > 1
      const details = [run.summary, run.error ? `${run.error.code}: ${run.error.message}` : undefined].filter((line): line is string =>
        Boolean(line),
      )
      bars.push({
        row: `${stage.stageName} · ${run.actionName}${repeated ? ` #${run.attempt}` : ''}`,
        group: stage.stageName,
        startMs: run.startMs,
        endMs: run.endMs ?? nowMs,
        running: run.endMs === undefined,
        color: colorOf(run.status),
        label: run.status,
        details,
      })
    }
  }
  return bars
}

/**
 * One line per stage: how long the stage took in each of the runs that reached it, oldest run first.
 * Stages in `stageOrder` come first in that order; the others after, unless `only` says to leave them out.
 */
export function trendSeries(
  runs: ReadonlyArray<{ startMs: number; stages: Record<string, number> }>,
  stageOrder: string[],
  options: { only?: boolean } = {},
): ChartSeries[] {
  const ordered = [...runs].sort((a, b) => a.startMs - b.startMs)
  const others = options.only ? [] : [...new Set(ordered.flatMap((r) => Object.keys(r.stages)).filter((n) => !stageOrder.includes(n)))]
  const names = [...stageOrder, ...others]
  return names
    .map((name) => ({
      name,
      draw: 'line' as const,
      points: ordered.map((run): [number, number | null] => [run.startMs, run.stages[name] ?? null]),
    }))
    .filter((s) => s.points.some(([, y]) => y !== null))
}

/** Time left before an approval expires, in whole minutes; `expired` once it is past. */
export function countdown(
  expiresAtMs: number | undefined,
  nowMs: number,
): { expired: boolean; days: number; hours: number; minutes: number } | undefined {
  if (expiresAtMs === undefined) return undefined
  const left = Math.max(0, expiresAtMs - nowMs)
  const minutes = Math.ceil(left / 60_000)
  return { expired: left === 0, days: Math.floor(minutes / 1440), hours: Math.floor((minutes % 1440) / 60), minutes: minutes % 60 }
}
