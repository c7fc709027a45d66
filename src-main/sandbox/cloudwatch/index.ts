/**
 * The sandbox's CloudWatch: AWS JSON 1.0 with awsQueryCompatible, as @aws-sdk/client-cloudwatch speaks
 * it (`X-Amz-Target: GraniteServiceVersion20100801.<Op>`, `x-amzn-query-mode: true`, errors with the
 * Query code in `x-amzn-query-error`, timestamps in epoch seconds). Read-only: GetMetricData,
 * GetMetricStatistics and ListMetrics over metric sources handed in (CloudFront traffic, S3 contents).
 * See README.md for the rules it keeps.
 */
import { createHash } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { CredentialRegistry } from '../credentials'
import { EmulatedError } from '../framework/emulated-error'
import { jsonService, type JsonOperation } from '../framework/json-service'
import {
  isPercentile,
  isStatistic,
  query,
  sameDimensions,
  statisticOf,
  validPeriod,
  type Dimension,
  type MetricSeries,
  type MetricSource,
} from './series'

export interface CloudWatchEmulatorOptions {
  credentials: CredentialRegistry
  nowMs?: () => number
  /** Where metrics come from, e.g. cloudFrontMetrics(...) and s3StorageMetrics(...). */
  sources: MetricSource[]
}

/** CloudWatch's limits (API_GetMetricData, API_GetMetricStatistics, API_ListMetrics). */
export const MAX_METRIC_DATA_QUERIES = 500
export const MAX_METRIC_DATA_POINTS = 100_800
export const MAX_STATISTICS_POINTS = 1_440
const LIST_METRICS_PAGE = 500
const DAY_MS = 24 * 3600_000

const validation = (message: string) => new EmulatedError('ValidationError', message, 400)
const invalidValue = (message: string) => new EmulatedError('InvalidParameterValue', message, 400)
const missing = (name: string) => new EmulatedError('MissingParameter', `The parameter ${name} is required.`, 400)

interface MetricInput {
  Namespace?: string
  MetricName?: string
  Dimensions?: Dimension[]
}

function epochMs(value: unknown, name: string): number {
  if (value === undefined || value === null) throw missing(name)
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalidValue(`The parameter ${name} must be a timestamp.`)
  return Math.round(value * 1000)
}

function findSeries(all: MetricSeries[], metric: MetricInput): MetricSeries | undefined {
  return all.find(
    (s) => s.namespace === metric.Namespace && s.metricName === metric.MetricName && sameDimensions(s.dimensions, metric.Dimensions ?? []),
  )
}

/** Opaque page tokens that only fit the request they came from. */
const fingerprint = (input: Record<string, unknown>) =>
  createHash('sha256')
    .update(JSON.stringify({ ...input, NextToken: undefined }))
    .digest('hex')
    .slice(0, 16)
const encodeToken = (offset: number, input: Record<string, unknown>) =>
  Buffer.from(JSON.stringify({ o: offset, f: fingerprint(input) })).toString('base64url')
function decodeToken(token: unknown, input: Record<string, unknown>, error: () => EmulatedError): number {
  if (token === undefined || token === null) return 0
  try {
    const parsed = JSON.parse(Buffer.from(String(token), 'base64url').toString('utf8')) as { o?: unknown; f?: unknown }
    if (typeof parsed.o === 'number' && Number.isInteger(parsed.o) && parsed.o >= 0 && parsed.f === fingerprint(input)) return parsed.o
  } catch {
    // Falls through to the service's error.
  }
  throw error()
}

export function createCloudWatchEmulator(options: CloudWatchEmulatorOptions) {
  const nowMs = options.nowMs ?? Date.now
  const allSeries = () => options.sources.flatMap((source) => source.series(nowMs()))
  const calls: Record<string, number> = {}
  /** Test hooks for faults only a server can produce: the next `throttle` requests get 400 Throttling. */
  const faults = { throttle: 0 }

  const GetMetricStatistics: JsonOperation = (input) => {
    const { Namespace, MetricName, Dimensions, Period, Statistics, ExtendedStatistics, Unit } = input as MetricInput & {
      Period?: number
      Statistics?: string[]
      ExtendedStatistics?: string[]
      Unit?: string
    }
    if (!Namespace) throw missing('Namespace')
    if (!MetricName) throw missing('MetricName')
    const startMs = epochMs(input.StartTime, 'StartTime')
    const endMs = epochMs(input.EndTime, 'EndTime')
    if (Period === undefined) throw missing('Period')
    const stats = Statistics ?? []
    const extended = ExtendedStatistics ?? []
    if (stats.length === 0 && extended.length === 0) {
      throw new EmulatedError('InvalidParameterCombination', 'Must specify either Statistics or ExtendedStatistics.', 400)
    }
    if (stats.length > 0 && extended.length > 0) {
      throw new EmulatedError('InvalidParameterCombination', 'Must specify either Statistics or ExtendedStatistics, but not both.', 400)
    }
    for (const stat of stats) if (!isStatistic(stat)) throw invalidValue(`The parameter Statistics has an invalid value: ${stat}.`)
    for (const stat of extended)
      if (!isPercentile(stat)) throw invalidValue(`The parameter ExtendedStatistics has an invalid value: ${stat}.`)
    if (extended.length > 10) throw invalidValue('The collection ExtendedStatistics must not have a size greater than 10.')
    if (!validPeriod(Period)) throw invalidValue('The parameter Period must be 1, 5, 10, 20, 30 or a multiple of 60.')
    if (startMs >= endMs) throw invalidValue('The parameter StartTime must be less than the parameter EndTime.')
    const requested = Math.ceil((endMs - startMs) / (Period * 1000))
    if (requested > MAX_STATISTICS_POINTS) {
      throw new EmulatedError(
        'InvalidParameterCombination',
        `You have requested up to ${requested} datapoints, which exceeds the limit of ${MAX_STATISTICS_POINTS}. You may reduce the datapoints requested by increasing Period, or decreasing the time range.`,
        400,
      )
    }
    const series = findSeries(allSeries(), { Namespace, MetricName, Dimensions })
    const buckets = series && (!Unit || Unit === series.unit) ? query(series, startMs, endMs, Period, nowMs()) : []
    return {
      Label: MetricName,
      Datapoints: buckets.map((bucket) => ({
        Timestamp: bucket.timeMs / 1000,
        ...Object.fromEntries(stats.map((stat) => [stat, statisticOf(bucket, stat)])),
        ...(extended.length ? { ExtendedStatistics: Object.fromEntries(extended.map((stat) => [stat, statisticOf(bucket, stat)])) } : {}),
        Unit: series!.unit,
      })),
    }
  }

  const GetMetricData: JsonOperation = (input) => {
    const queries = input.MetricDataQueries as Array<Record<string, unknown>> | undefined
    if (!queries || queries.length === 0) throw missing('MetricDataQueries')
    if (queries.length > MAX_METRIC_DATA_QUERIES) {
      throw validation(`The collection MetricDataQueries must not have a size greater than ${MAX_METRIC_DATA_QUERIES}.`)
    }
    const startMs = epochMs(input.StartTime, 'StartTime')
    const endMs = epochMs(input.EndTime, 'EndTime')
    if (startMs >= endMs) throw validation('The parameter StartTime must be less than the parameter EndTime.')
    const scanBy = (input.ScanBy as string | undefined) ?? 'TimestampDescending'
    if (scanBy !== 'TimestampDescending' && scanBy !== 'TimestampAscending')
      throw validation(`The value ${scanBy} for parameter ScanBy is not valid.`)
    const maxDatapoints = (input.MaxDatapoints as number | undefined) ?? MAX_METRIC_DATA_POINTS
    if (!Number.isInteger(maxDatapoints) || maxDatapoints < 1) throw validation('The parameter MaxDatapoints must be a positive integer.')
    const pageSize = Math.min(maxDatapoints, MAX_METRIC_DATA_POINTS)
    const ids = new Set<string>()
    const all = allSeries()
    const results = queries.map((q, index) => {
      const member = `MetricDataQueries.member.${index + 1}`
      const id = String(q.Id ?? '')
      if (!/^[a-z][a-zA-Z0-9_]{0,254}$/.test(id)) {
        throw validation(
          `The value ${id} for parameter ${member}.Id is not valid: it must start with a lower-case letter and hold only letters, digits and underscores.`,
        )
      }
      if (ids.has(id)) throw validation('The values for parameter id in MetricDataQueries are not unique.')
      ids.add(id)
      if (q.Expression !== undefined) throw validation(`${member}: metric math expressions are not supported by the sandbox.`)
      const stat = q.MetricStat as { Metric?: MetricInput; Period?: number; Stat?: string; Unit?: string } | undefined
      if (!stat?.Metric) throw validation(`${member} must have either MetricStat or Expression.`)
      if (!stat.Stat || !(isStatistic(stat.Stat) || isPercentile(stat.Stat))) {
        throw validation(`The value ${stat.Stat ?? ''} for parameter ${member}.MetricStat.Stat is not a valid statistic.`)
      }
      if (stat.Period === undefined || !validPeriod(stat.Period)) {
        throw validation(
          `The value ${stat.Period ?? ''} for parameter ${member}.MetricStat.Period must be 1, 5, 10, 20, 30 or a multiple of 60.`,
        )
      }
      const series = findSeries(all, stat.Metric)
      const buckets = series && (!stat.Unit || stat.Unit === series.unit) ? query(series, startMs, endMs, stat.Period, nowMs()) : []
      const points = buckets.flatMap((b) => {
        const value = statisticOf(b, stat.Stat!)
        return value === undefined ? [] : [[b.timeMs / 1000, value] as const]
      })
      if (scanBy === 'TimestampDescending') points.reverse()
      return { id, label: (q.Label as string | undefined) ?? stat.Metric.MetricName ?? id, points, returned: q.ReturnData !== false }
    })

    // Datapoints are handed out in query order, at most pageSize per call; NextToken carries the offset.
    const offset = decodeToken(
      input.NextToken,
      input,
      () => new EmulatedError('InvalidNextToken', 'The service couldn’t process the NextToken.', 400),
    )
    let skipped = 0
    let room = pageSize
    let more = false
    const MetricDataResults = results
      .filter((r) => r.returned)
      .map((r) => {
        const from = Math.max(0, Math.min(r.points.length, offset - skipped))
        skipped += r.points.length
        const taken = r.points.slice(from, from + room)
        room -= taken.length
        const complete = from + taken.length === r.points.length
        if (!complete) more = true
        return {
          Id: r.id,
          Label: r.label,
          Timestamps: taken.map(([t]) => t),
          Values: taken.map(([, v]) => v),
          StatusCode: complete ? 'Complete' : 'PartialData',
        }
      })
    return { MetricDataResults, Messages: [], ...(more ? { NextToken: encodeToken(offset + pageSize, input) } : {}) }
  }

  const ListMetrics: JsonOperation = (input) => {
    const { Namespace, MetricName, Dimensions } = input as {
      Namespace?: string
      MetricName?: string
      Dimensions?: Array<{ Name: string; Value?: string }>
    }
    const now = nowMs()
    // Metrics without data for two weeks are not listed; RecentlyActive=PT3H narrows to three hours.
    const activeSinceMs = input.RecentlyActive === 'PT3H' ? now - 3 * 3600_000 : now - 14 * DAY_MS
    if (input.RecentlyActive !== undefined && input.RecentlyActive !== 'PT3H')
      throw invalidValue('The parameter RecentlyActive must be PT3H.')
    const matching = allSeries().filter(
      (s) =>
        (!Namespace || s.namespace === Namespace) &&
        (!MetricName || s.metricName === MetricName) &&
        (Dimensions ?? []).every((f) => s.dimensions.some((d) => d.Name === f.Name && (f.Value === undefined || d.Value === f.Value))) &&
        s.data().some((d) => d.timeMs >= activeSinceMs),
    )
    const offset = decodeToken(input.NextToken, input, () => invalidValue('The parameter NextToken is not valid.'))
    const page = matching.slice(offset, offset + LIST_METRICS_PAGE)
    return {
      Metrics: page.map((s) => ({ Namespace: s.namespace, MetricName: s.metricName, Dimensions: s.dimensions })),
      ...(offset + LIST_METRICS_PAGE < matching.length ? { NextToken: encodeToken(offset + LIST_METRICS_PAGE, input) } : {}),
    }
  }

  const counted =
    (name: string, operation: JsonOperation): JsonOperation =>
    (input, caller) => {
      calls[name] = (calls[name] ?? 0) + 1
      const action = `cloudwatch:${name}`
      const denied = (caller.deniedActions ?? []).some(
        (pattern) => pattern === '*' || pattern === action || (pattern.endsWith('*') && action.startsWith(pattern.slice(0, -1))),
      )
      if (denied)
        throw new EmulatedError(
          'AccessDenied',
          `User: ${caller.arn} is not authorized to perform: ${action} because no identity-based policy allows the ${action} action`,
          403,
        )
      if (faults.throttle > 0) {
        faults.throttle--
        throw new EmulatedError('Throttling', 'Rate exceeded', 400)
      }
      return operation(input, caller)
    }
  const handle: (req: IncomingMessage, res: ServerResponse) => Promise<void> = jsonService({
    targetPrefix: 'GraniteServiceVersion20100801',
    version: '1.0',
    credentials: options.credentials,
    unknownKeyCode: 'InvalidClientTokenId',
    badSignature: { code: 'SignatureDoesNotMatch', status: 403 },
    queryCompatible: {
      namespace: 'com.amazonaws.cloudwatch',
      shapes: {
        InvalidParameterValue: 'InvalidParameterValueException',
        InvalidParameterCombination: 'InvalidParameterCombinationException',
        MissingParameter: 'MissingRequiredParameterException',
        ValidationError: 'ValidationException',
        InternalServiceError: 'InternalServiceFault',
      },
    },
    operations: {
      GetMetricData: counted('GetMetricData', GetMetricData),
      GetMetricStatistics: counted('GetMetricStatistics', GetMetricStatistics),
      ListMetrics: counted('ListMetrics', ListMetrics),
    },
  })
  return { handle, calls, faults }
}

export type CloudWatchEmulator = ReturnType<typeof createCloudWatchEmulator>
export { cloudFrontMetrics } from './cloudfront-metrics'
export { s3StorageMetrics, s3StoreContents, type S3Contents, type StoredItem } from './s3-metrics'
export type { MetricSource, MetricSeries } from './series'
export { sandboxMetricSources, type SandboxSourcesOptions } from './sandbox-sources'
