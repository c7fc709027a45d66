/**
 * A distribution's CloudWatch metrics for the chart: every series in one GetMetricData call (NextToken
 * pages merged), at a period chosen within CloudWatch's retention and the chart's 1,440 points.
 *
 * Retention (API_GetMetricStatistics, AWS-FACTS.md §A2), by the age of the START time: 60-second data
 * for 15 days, 300-second for 63 days, 3,600-second for 455 days; a period must be a multiple of the
 * resolution still kept, else CloudWatch returns nothing. AWS/CloudFront lives in us-east-1
 * (`cloudWatchRegion`), dimensions DistributionId and Region=Global.
 */
import { GetMetricDataCommand, type CloudWatchClient, type MetricDataQuery } from '@aws-sdk/client-cloudwatch'
import type { DistributionMetrics, MetricSeries } from '../api/cloudfront'
import { rethrowExplained } from './errors'

const MINUTE_S = 60
const HOUR_S = 3600
const DAY_MS = 86_400_000
export const MAX_CHART_POINTS = 1440

/** Periods the chart uses, smallest first: readable steps, each a multiple of the ones CloudWatch needs. */
const PERIODS_S = [60, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400]

export type MetricsRangeInput = { last: '1h' | '24h' | '7d' | '14d' } | { startMs: number; endMs: number }

const LAST_MS = { '1h': 3600_000, '24h': DAY_MS, '7d': 7 * DAY_MS, '14d': 14 * DAY_MS } as const

const describe = (seconds: number) =>
  seconds < HOUR_S ? `${seconds / MINUTE_S}-minute` : seconds < 86400 ? `${seconds / HOUR_S}-hour` : `${seconds / 86400}-day`

/** The range in ms, the period in seconds, and why that period. */
export function choosePeriod(
  range: MetricsRangeInput,
  nowMs: number,
): { startMs: number; endMs: number; periodSeconds: number; periodReason: string } {
  const endMs = 'last' in range ? nowMs : range.endMs
  const rawStart = 'last' in range ? nowMs - LAST_MS[range.last] : range.startMs
  const ageDays = (nowMs - rawStart) / DAY_MS
  const resolution = ageDays <= 15 ? 60 : ageDays <= 63 ? 300 : 3600
  // Periods start on multiples of the period, as CloudWatch rounds them: the start moves up to the next one
  // (less than a period is lost), so the range holds whole periods and fits the points.
  const aligned = (period: number) => Math.ceil(rawStart / (period * 1000)) * period * 1000
  const fits = (period: number) => Math.ceil((endMs - aligned(period)) / (period * 1000)) <= MAX_CHART_POINTS
  const periodSeconds =
    PERIODS_S.find((p) => p % resolution === 0 && fits(p)) ?? Math.ceil((endMs - rawStart) / 1000 / MAX_CHART_POINTS / 86400 + 1) * 86400
  const startMs = aligned(periodSeconds)
  const reasons: string[] = []
  if (resolution === 300) reasons.push('CloudWatch keeps 1-minute data for 15 days, then 5-minute data up to 63 days')
  if (resolution === 3600) reasons.push('CloudWatch keeps 5-minute data for 63 days, then hourly data up to 455 days')
  if (periodSeconds > resolution)
    reasons.push(`${describe(periodSeconds)} periods keep the chart within ${MAX_CHART_POINTS.toLocaleString('en-US')} points`)
  const name = describe(periodSeconds)
  const periodReason =
    `${name[0]!.toUpperCase()}${name.slice(1)} periods: ` +
    (reasons.length ? `${reasons.join('; ')}.` : 'the finest CloudWatch keeps for this range.')
  return { startMs, endMs, periodSeconds, periodReason }
}

interface SeriesSpec {
  id: string
  metric: string
  statistic: string
  unit: MetricSeries['unit']
  additional: boolean
}

const free: SeriesSpec[] = [
  { id: 'requests', metric: 'Requests', statistic: 'Sum', unit: 'count', additional: false },
  { id: 'bytesDownloaded', metric: 'BytesDownloaded', statistic: 'Sum', unit: 'bytes', additional: false },
  { id: 'bytesUploaded', metric: 'BytesUploaded', statistic: 'Sum', unit: 'bytes', additional: false },
  { id: 'totalErrorRate', metric: 'TotalErrorRate', statistic: 'Average', unit: 'percent', additional: false },
  { id: 'errorRate4xx', metric: '4xxErrorRate', statistic: 'Average', unit: 'percent', additional: false },
  { id: 'errorRate5xx', metric: '5xxErrorRate', statistic: 'Average', unit: 'percent', additional: false },
]
const additional: SeriesSpec[] = [
  { id: 'cacheHitRate', metric: 'CacheHitRate', statistic: 'Average', unit: 'percent', additional: true },
  // Percentiles are ExtendedStatistics; in GetMetricData they are just Stat 'p90'.
  { id: 'originLatencyP50', metric: 'OriginLatency', statistic: 'p50', unit: 'milliseconds', additional: true },
  { id: 'originLatencyP90', metric: 'OriginLatency', statistic: 'p90', unit: 'milliseconds', additional: true },
  { id: 'originLatencyP99', metric: 'OriginLatency', statistic: 'p99', unit: 'milliseconds', additional: true },
  ...['401', '403', '404', '502', '503', '504'].map((code) => ({
    id: `errorRate${code}`,
    metric: `${code}ErrorRate`,
    statistic: 'Average',
    unit: 'percent' as const,
    additional: true,
  })),
]

export function seriesFor(additionalMetrics: boolean): SeriesSpec[] {
  return additionalMetrics ? [...free, ...additional] : free
}

export async function distributionMetrics(
  client: CloudWatchClient,
  input: { distributionId: string; range: MetricsRangeInput; additionalMetrics: boolean; nowMs: number },
  signal?: AbortSignal,
): Promise<DistributionMetrics> {
  const { startMs, endMs, periodSeconds, periodReason } = choosePeriod(input.range, input.nowMs)
  const specs = seriesFor(input.additionalMetrics)
  const queries: MetricDataQuery[] = specs.map((spec) => ({
    Id: spec.id,
    ReturnData: true,
    MetricStat: {
      Metric: {
        Namespace: 'AWS/CloudFront',
        MetricName: spec.metric,
        Dimensions: [
          { Name: 'DistributionId', Value: input.distributionId },
          { Name: 'Region', Value: 'Global' },
        ],
      },
      Period: periodSeconds,
      Stat: spec.statistic,
    },
  }))
  const points = new Map<string, Array<[number, number]>>(specs.map((spec) => [spec.id, []]))
  let nextToken: string | undefined
  do {
    const page = await client
      .send(
        new GetMetricDataCommand({
          MetricDataQueries: queries,
          StartTime: new Date(startMs),
          EndTime: new Date(endMs),
          ScanBy: 'TimestampAscending',
          NextToken: nextToken,
        }),
        { abortSignal: signal },
      )
      .catch(rethrowExplained)
    for (const result of page.MetricDataResults ?? []) {
      const list = points.get(result.Id ?? '')
      if (!list) continue
      const timestamps = result.Timestamps ?? []
      const values = result.Values ?? []
      for (let i = 0; i < timestamps.length && i < values.length; i++) list.push([timestamps[i]!.getTime(), values[i]!])
    }
    nextToken = page.NextToken
  } while (nextToken)

  const series: MetricSeries[] = specs.map((spec) => ({
    metric: spec.metric,
    statistic: spec.statistic,
    unit: spec.unit,
    // AWS promises no order across pages: sort, and keep one value per period.
    points: [...new Map(points.get(spec.id)!.sort((a, b) => a[0] - b[0])).entries()],
  }))
  const sum = (metric: string) => series.find((s) => s.metric === metric)!.points.reduce((total, [, value]) => total + value, 0)
  return {
    startMs,
    endMs,
    periodSeconds,
    periodReason,
    additionalMetrics: input.additionalMetrics,
    series,
    totals: { requests: sum('Requests'), bytesDownloaded: sum('BytesDownloaded'), bytesUploaded: sum('BytesUploaded') },
  }
}
