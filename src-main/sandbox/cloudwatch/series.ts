/**
 * Metric series and the statistics CloudWatch computes over them. A series is a list of published
 * statistic sets (one per minute for CloudFront, one per day for S3 storage); a query aggregates them
 * into periods and reads a statistic from each.
 */

export interface Dimension {
  Name: string
  Value: string
}

/** One published statistic set. `values` holds the raw samples where percentiles must be possible. */
export interface Datum {
  timeMs: number
  sampleCount: number
  sum: number
  min: number
  max: number
  values?: number[]
}

export interface MetricSeries {
  namespace: string
  metricName: string
  dimensions: Dimension[]
  unit: string
  /** Sorted by time. Computed when first asked for. */
  data(): Datum[]
}

/** Where metrics come from: asked on every request, so sources that read live state stay current. */
export interface MetricSource {
  series(nowMs: number): MetricSeries[]
}

export const sameDimensions = (a: Dimension[], b: Dimension[]) =>
  a.length === b.length && a.every((d) => b.some((e) => e.Name === d.Name && e.Value === d.Value))

/** The statistics CloudWatch names, plus percentiles `p0`–`p100` (e.g. p90, p99.9). */
export const STATISTICS = ['SampleCount', 'Average', 'Sum', 'Minimum', 'Maximum'] as const
export type Statistic = (typeof STATISTICS)[number]

export function isPercentile(stat: string): boolean {
  const match = /^p(\d{1,3}(\.\d{1,2})?)$/.exec(stat)
  return match !== null && Number(match[1]) <= 100
}

export const isStatistic = (stat: string): stat is Statistic => (STATISTICS as readonly string[]).includes(stat)

export interface Bucket {
  timeMs: number
  sampleCount: number
  sum: number
  min: number
  max: number
  values: number[]
}

/**
 * Aggregates a series into periods starting at `startMs`, keeping only periods that have data,
 * oldest first. Data before `notBeforeMs` (retention) is left out.
 */
export function aggregate(data: Datum[], startMs: number, endMs: number, periodMs: number, notBeforeMs: number): Bucket[] {
  const buckets = new Map<number, Bucket>()
  for (const datum of data) {
    if (datum.timeMs < startMs || datum.timeMs >= endMs || datum.timeMs < notBeforeMs) continue
    const at = startMs + Math.floor((datum.timeMs - startMs) / periodMs) * periodMs
    let bucket = buckets.get(at)
    if (!bucket) buckets.set(at, (bucket = { timeMs: at, sampleCount: 0, sum: 0, min: Infinity, max: -Infinity, values: [] }))
    bucket.sampleCount += datum.sampleCount
    bucket.sum += datum.sum
    bucket.min = Math.min(bucket.min, datum.min)
    bucket.max = Math.max(bucket.max, datum.max)
    // A statistic set of one sample is that sample; larger sets without raw values give no percentiles.
    if (datum.values) bucket.values.push(...datum.values)
    else if (datum.sampleCount === 1) bucket.values.push(datum.sum)
  }
  return [...buckets.values()].sort((a, b) => a.timeMs - b.timeMs)
}

/** Nearest-rank percentile; undefined when the period has no raw samples. */
function percentile(values: number[], p: number): number | undefined {
  if (values.length === 0) return undefined
  const sorted = [...values].sort((a, b) => a - b)
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length))
  return sorted[Math.min(rank, sorted.length) - 1]
}

export function statisticOf(bucket: Bucket, stat: string): number | undefined {
  switch (stat) {
    case 'SampleCount':
      return bucket.sampleCount
    case 'Sum':
      return bucket.sum
    case 'Average':
      return bucket.sum / bucket.sampleCount
    case 'Minimum':
      return bucket.min
    case 'Maximum':
      return bucket.max
    default:
      return isPercentile(stat) ? percentile(bucket.values, Number(stat.slice(1))) : undefined
  }
}

const MINUTE_MS = 60_000
const DAY_MS = 24 * 60 * MINUTE_MS

/**
 * CloudWatch's retention and roll-ups (API_GetMetricStatistics): by the age of the start time, which
 * periods return data and to what the start time is rounded down. Data older than 455 days is gone.
 */
export function retentionRules(startMs: number, nowMs: number): { roundToMs: number; periodMultipleMs: number; notBeforeMs: number } {
  const age = nowMs - startMs
  const notBeforeMs = nowMs - 455 * DAY_MS
  if (age <= 3 * 3600_000) return { roundToMs: MINUTE_MS, periodMultipleMs: 1000, notBeforeMs }
  if (age <= 15 * DAY_MS) return { roundToMs: MINUTE_MS, periodMultipleMs: MINUTE_MS, notBeforeMs }
  if (age <= 63 * DAY_MS) return { roundToMs: 5 * MINUTE_MS, periodMultipleMs: 5 * MINUTE_MS, notBeforeMs }
  return { roundToMs: 60 * MINUTE_MS, periodMultipleMs: 60 * MINUTE_MS, notBeforeMs }
}

/** Valid periods: 1, 5, 10, 20, 30 (high resolution) or any multiple of 60 seconds. */
export function validPeriod(periodSeconds: number): boolean {
  return Number.isInteger(periodSeconds) && (periodSeconds % 60 === 0 ? periodSeconds > 0 : [1, 5, 10, 20, 30].includes(periodSeconds))
}

/** The datapoints of one query: oldest first, periods with data only, or none where retention says so. */
export function query(series: MetricSeries | undefined, startMs: number, endMs: number, periodSeconds: number, nowMs: number): Bucket[] {
  if (!series) return []
  const rules = retentionRules(startMs, nowMs)
  const periodMs = periodSeconds * 1000
  if (periodMs % rules.periodMultipleMs !== 0) return []
  const roundedStart = Math.floor(startMs / rules.roundToMs) * rules.roundToMs
  return aggregate(series.data(), roundedStart, endMs, periodMs, rules.notBeforeMs)
}
