/**
 * `AWS/CloudFront` metrics computed from the traffic model the seed's log files come from, one
 * statistic set per minute per distribution (programming-cloudwatch-metrics.md, viewing-cloudfront-metrics.md):
 * - always: Requests, BytesDownloaded (GET/HEAD), BytesUploaded (POST/PUT), TotalErrorRate,
 *   4xxErrorRate, 5xxErrorRate;
 * - with a monitoring subscription, from the time it was created: CacheHitRate (Hit and RefreshHit over
 *   cacheable requests — errors and redirects are not cacheable), OriginLatency (milliseconds to the
 *   first byte for requests that went to the origin, with raw samples for percentiles) and the
 *   401/403/404/502/503/504 error rates.
 * Dimensions DistributionId and Region=Global.
 */
import type { EdgeRequest, TrafficModel } from '../cloudfront/index'
import type { Datum, MetricSeries, MetricSource } from './series'

const MINUTE_MS = 60_000

interface MetricDefinition {
  name: string
  unit: string
  additional: boolean
  /** The minute's published statistic set, or undefined when nothing is published. */
  datum(requests: EdgeRequest[], timeMs: number): Datum | undefined
}

const one = (timeMs: number, value: number): Datum => ({ timeMs, sampleCount: 1, sum: value, min: value, max: value })
const rate = (requests: EdgeRequest[], match: (r: EdgeRequest) => boolean) => (100 * requests.filter(match).length) / requests.length

const statusRate = (status: number): MetricDefinition => ({
  name: `${status}ErrorRate`,
  unit: 'Percent',
  additional: true,
  datum: (requests, timeMs) =>
    one(
      timeMs,
      rate(requests, (r) => r.status === status),
    ),
})

const CACHEABLE = new Set(['Hit', 'RefreshHit', 'Miss'])

export const CLOUDFRONT_METRICS: MetricDefinition[] = [
  { name: 'Requests', unit: 'None', additional: false, datum: (rs, t) => one(t, rs.length) },
  {
    name: 'BytesDownloaded',
    unit: 'None',
    additional: false,
    datum: (rs, t) =>
      one(
        t,
        rs.filter((r) => r.method === 'GET' || r.method === 'HEAD').reduce((sum, r) => sum + r.scBytes, 0),
      ),
  },
  // The demo site takes no POST or PUT, so this is zero; CloudFront publishes it all the same.
  { name: 'BytesUploaded', unit: 'None', additional: false, datum: (_rs, t) => one(t, 0) },
  {
    name: 'TotalErrorRate',
    unit: 'Percent',
    additional: false,
    datum: (rs, t) =>
      one(
        t,
        rate(rs, (r) => r.status >= 400),
      ),
  },
  {
    name: '4xxErrorRate',
    unit: 'Percent',
    additional: false,
    datum: (rs, t) =>
      one(
        t,
        rate(rs, (r) => r.status >= 400 && r.status < 500),
      ),
  },
  {
    name: '5xxErrorRate',
    unit: 'Percent',
    additional: false,
    datum: (rs, t) =>
      one(
        t,
        rate(rs, (r) => r.status >= 500),
      ),
  },
  {
    name: 'CacheHitRate',
    unit: 'Percent',
    additional: true,
    datum: (rs, t) => {
      const cacheable = rs.filter((r) => CACHEABLE.has(r.responseResultType))
      if (cacheable.length === 0) return undefined
      return one(
        t,
        rate(cacheable, (r) => r.responseResultType !== 'Miss'),
      )
    },
  },
  {
    name: 'OriginLatency',
    unit: 'Milliseconds',
    additional: true,
    datum: (rs, timeMs) => {
      const values = rs
        .filter((r) => r.responseResultType === 'Miss' || r.responseResultType === 'RefreshHit')
        .map((r) => r.timeToFirstByteMs)
      if (values.length === 0) return undefined
      return {
        timeMs,
        sampleCount: values.length,
        sum: values.reduce((a, b) => a + b, 0),
        min: Math.min(...values),
        max: Math.max(...values),
        values,
      }
    },
  },
  ...[401, 403, 404, 502, 503, 504].map(statusRate),
]

export interface CloudFrontMetricsOptions {
  traffic: TrafficModel[]
  /** When the distribution's additional metrics were switched on, or undefined when they are off. */
  monitoringSince(distributionId: string): number | undefined
}

/** Minutes of a model with their requests, computed once. */
function minutesOf(model: TrafficModel): Map<number, EdgeRequest[]> {
  const minutes = new Map<number, EdgeRequest[]>()
  for (const hour of model.hours()) {
    for (const request of model.requestsInHour(hour)) {
      const minute = Math.floor(request.timeMs / MINUTE_MS) * MINUTE_MS
      const list = minutes.get(minute)
      if (list) list.push(request)
      else minutes.set(minute, [request])
    }
  }
  return minutes
}

export function cloudFrontMetrics({ traffic, monitoringSince }: CloudFrontMetricsOptions): MetricSource {
  const cache = new Map<string, Datum[]>()
  const minutes = new Map<string, Map<number, EdgeRequest[]>>()
  const dataFor = (model: TrafficModel, metric: MetricDefinition): Datum[] => {
    const key = `${model.distributionId}/${metric.name}`
    let data = cache.get(key)
    if (!data) {
      let byMinute = minutes.get(model.distributionId)
      if (!byMinute) minutes.set(model.distributionId, (byMinute = minutesOf(model)))
      data = [...byMinute.entries()].sort(([a], [b]) => a - b).flatMap(([t, rs]) => metric.datum(rs, t) ?? [])
      cache.set(key, data)
    }
    return data
  }
  return {
    series: (nowMs) =>
      traffic.flatMap((model) => {
        const since = monitoringSince(model.distributionId)
        return CLOUDFRONT_METRICS.filter((metric) => !metric.additional || since !== undefined).map((metric): MetricSeries => ({
          namespace: 'AWS/CloudFront',
          metricName: metric.name,
          dimensions: [
            { Name: 'DistributionId', Value: model.distributionId },
            { Name: 'Region', Value: 'Global' },
          ],
          unit: metric.unit,
          // Nothing is published after "now": the sandbox's clock may be behind the model's window.
          data: () => dataFor(model, metric).filter((d) => d.timeMs < nowMs && (!metric.additional || d.timeMs >= since!)),
        }))
      }),
  }
}
