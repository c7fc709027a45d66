/**
 * Log statistics the way the CloudFront console's cache statistics report counts them
 * (cache-statistics.md): Hit, Miss and Error on x-edge-response-result-type, where Error is Error +
 * LimitExceeded + CapacityExceeded, and RefreshHit reported apart (it is in none of the three);
 * hit ratio = Hit / (Hit + Miss + Error). Also requests and bytes by x-edge-result-type, bytes from
 * misses (sc-bytes where x-edge-result-type is Miss), top paths and top missed paths, status codes,
 * edge locations and incomplete downloads (x-edge-result-type Error with another response type).
 *
 * Memory is bounded: paths, status codes and edge locations go through TopK tables of fixed capacity
 * (Space-Saving, see top-k.ts); result types are a fixed small set plus a capped "other"; the hourly
 * series has one entry per hour of the logs read.
 */
import type { FileResult } from './read'
import type { LogRecord } from './parse'
import { TopK, type TopEntry, type TopKState } from './top-k'

export interface CacheCounts {
  hits: number
  misses: number
  errors: number
  refreshHits: number
  /** Requests in none of the four (Redirect, and anything newer). */
  other: number
  /** hits / (hits + misses + errors); undefined with none of them. */
  hitRatio?: number
}

export interface HourPoint extends CacheCounts {
  hourStartMs: number
  requests: number
  bytes: number
}

export interface LogStatistics {
  files: number
  lines: number
  requests: number
  malformed: number
  /** The first few lines that could not be read, over all files. */
  malformedSamples: string[]
  /** Files read only in part or not at all, with the reason. */
  problemFiles: Array<{ name: string; problem: string; truncated: boolean }>
  firstRequestMs?: number
  lastRequestMs?: number
  bytes: number
  cache: CacheCounts
  hourly: HourPoint[]
  /** By x-edge-result-type (what happened by the last byte). */
  byResultType: Record<string, { requests: number; bytes: number }>
  bytesFromMisses: number
  incompleteDownloads: { requests: number; bytes: number }
  topPaths: TopEntry[]
  topMissedPaths: TopEntry[]
  statusCodes: TopEntry[]
  edgeLocations: TopEntry[]
  /** False when a table overflowed its capacity: counts are then bounds (see TopEntry.error). */
  exact: boolean
}

export interface AggregatorOptions {
  /** Distinct paths tracked exactly before Space-Saving evicts. Default 10,000. */
  pathCapacity?: number
  /** How many of each top list to report. Default 50. */
  topCount?: number
}

/**
 * A LogAggregator as plain JSON-able data: what the app keeps on disk per log file, so a second look
 * merges these instead of reading the file again. `version` changes when the meaning of a field does.
 */
export interface AggregateState {
  version: 1
  files: number
  lines: number
  requests: number
  malformed: number
  malformedSamples: string[]
  problemFiles: LogStatistics['problemFiles']
  bytes: number
  firstMs?: number
  lastMs?: number
  cache: CacheCounts
  hourly: HourPoint[]
  byResultType: Array<[string, { requests: number; bytes: number }]>
  bytesFromMisses: number
  incompleteDownloads: { requests: number; bytes: number }
  paths: TopKState
  missedPaths: TopKState
  statuses: TopKState
  edges: TopKState
}

/** Which hours of the series to report: [fromMs, toMs). */
export interface HourRange {
  fromMs: number
  toMs: number
}

const HOUR_MS = 3600_000
const MAX_SAMPLES = 5
const ERROR_TYPES = new Set(['Error', 'LimitExceeded', 'CapacityExceeded'])
const MAX_RESULT_TYPES = 32

const emptyCounts = (): CacheCounts => ({ hits: 0, misses: 0, errors: 0, refreshHits: 0, other: 0 })

function countInto(counts: CacheCounts, responseResultType: string): void {
  if (responseResultType === 'Hit') counts.hits++
  else if (responseResultType === 'Miss') counts.misses++
  else if (ERROR_TYPES.has(responseResultType)) counts.errors++
  else if (responseResultType === 'RefreshHit') counts.refreshHits++
  else counts.other++
}

function addCounts(into: CacheCounts, from: CacheCounts): void {
  into.hits += from.hits
  into.misses += from.misses
  into.errors += from.errors
  into.refreshHits += from.refreshHits
  into.other += from.other
}

function withRatio<T extends CacheCounts>(counts: T): T {
  const denominator = counts.hits + counts.misses + counts.errors
  return { ...counts, ...(denominator ? { hitRatio: counts.hits / denominator } : {}) }
}

export class LogAggregator {
  private files = 0
  private lines = 0
  private requests = 0
  private malformed = 0
  private bytes = 0
  private firstMs = Infinity
  private lastMs = -Infinity
  private readonly samples: string[] = []
  private readonly problems: LogStatistics['problemFiles'] = []
  private readonly cache = emptyCounts()
  private readonly hours = new Map<number, HourPoint>()
  private readonly byResultType = new Map<string, { requests: number; bytes: number }>()
  private bytesFromMisses = 0
  private readonly incomplete = { requests: 0, bytes: 0 }
  private paths: TopK
  private missedPaths: TopK
  private statuses = new TopK(1000)
  private edges = new TopK(2000)
  private readonly topCount: number

  constructor(options: AggregatorOptions = {}) {
    this.paths = new TopK(options.pathCapacity ?? 10_000)
    this.missedPaths = new TopK(options.pathCapacity ?? 10_000)
    this.topCount = options.topCount ?? 50
  }

  /** An aggregator holding a saved state (see toState), to merge or report. */
  static fromState(state: AggregateState, options: AggregatorOptions = {}): LogAggregator {
    const aggregator = new LogAggregator(options)
    aggregator.files = state.files
    aggregator.lines = state.lines
    aggregator.requests = state.requests
    aggregator.malformed = state.malformed
    aggregator.samples.push(...state.malformedSamples.slice(0, MAX_SAMPLES))
    aggregator.problems.push(...state.problemFiles)
    aggregator.bytes = state.bytes
    aggregator.firstMs = state.firstMs ?? Infinity
    aggregator.lastMs = state.lastMs ?? -Infinity
    addCounts(aggregator.cache, state.cache)
    for (const hour of state.hourly) aggregator.hours.set(hour.hourStartMs, { ...hour })
    for (const [type, value] of state.byResultType) aggregator.byResultType.set(type, { ...value })
    aggregator.bytesFromMisses = state.bytesFromMisses
    aggregator.incomplete.requests = state.incompleteDownloads.requests
    aggregator.incomplete.bytes = state.incompleteDownloads.bytes
    aggregator.paths = TopK.fromState(state.paths)
    aggregator.missedPaths = TopK.fromState(state.missedPaths)
    aggregator.statuses = TopK.fromState(state.statuses)
    aggregator.edges = TopK.fromState(state.edges)
    return aggregator
  }

  /** Everything this aggregator counted, as plain data (whole tables, not only the top). */
  toState(): AggregateState {
    return {
      version: 1,
      files: this.files,
      lines: this.lines,
      requests: this.requests,
      malformed: this.malformed,
      malformedSamples: [...this.samples],
      problemFiles: this.problems.map((problem) => ({ ...problem })),
      bytes: this.bytes,
      ...(this.requests ? { firstMs: this.firstMs, lastMs: this.lastMs } : {}),
      cache: { ...this.cache },
      hourly: [...this.hours.values()].map((hour) => ({ ...hour })),
      byResultType: [...this.byResultType].map(([type, value]) => [type, { ...value }]),
      bytesFromMisses: this.bytesFromMisses,
      incompleteDownloads: { ...this.incomplete },
      paths: this.paths.toState(),
      missedPaths: this.missedPaths.toState(),
      statuses: this.statuses.toState(),
      edges: this.edges.toState(),
    }
  }

  /**
   * Adds another aggregate (of other files) into this one: sums, hour by hour, and the top-k tables
   * merged so they stay at this aggregator's capacity (TopK.merge). `other` is left as it was.
   */
  merge(other: LogAggregator): void {
    this.files += other.files
    this.lines += other.lines
    this.requests += other.requests
    this.malformed += other.malformed
    for (const sample of other.samples) if (this.samples.length < MAX_SAMPLES) this.samples.push(sample)
    this.problems.push(...other.problems.map((problem) => ({ ...problem })))
    this.bytes += other.bytes
    this.firstMs = Math.min(this.firstMs, other.firstMs)
    this.lastMs = Math.max(this.lastMs, other.lastMs)
    addCounts(this.cache, other.cache)
    for (const hour of other.hours.values()) {
      const mine = this.hours.get(hour.hourStartMs)
      if (!mine) {
        this.hours.set(hour.hourStartMs, { ...hour })
        continue
      }
      mine.requests += hour.requests
      mine.bytes += hour.bytes
      addCounts(mine, hour)
    }
    for (const [type, value] of other.byResultType) {
      const key = this.byResultType.has(type) || this.byResultType.size < MAX_RESULT_TYPES ? type : '(other)'
      const mine = this.byResultType.get(key) ?? { requests: 0, bytes: 0 }
      mine.requests += value.requests
      mine.bytes += value.bytes
      this.byResultType.set(key, mine)
    }
    this.bytesFromMisses += other.bytesFromMisses
    this.incomplete.requests += other.incomplete.requests
    this.incomplete.bytes += other.incomplete.bytes
    this.paths.merge(other.paths)
    this.missedPaths.merge(other.missedPaths)
    this.statuses.merge(other.statuses)
    this.edges.merge(other.edges)
  }

  add(record: LogRecord): void {
    this.requests++
    this.bytes += record.scBytes
    if (record.timeMs < this.firstMs) this.firstMs = record.timeMs
    if (record.timeMs > this.lastMs) this.lastMs = record.timeMs
    countInto(this.cache, record.responseResultType)

    const hourStartMs = Math.floor(record.timeMs / HOUR_MS) * HOUR_MS
    let hour = this.hours.get(hourStartMs)
    if (!hour) this.hours.set(hourStartMs, (hour = { hourStartMs, requests: 0, bytes: 0, ...emptyCounts() }))
    hour.requests++
    hour.bytes += record.scBytes
    countInto(hour, record.responseResultType)

    const type = this.byResultType.has(record.resultType) || this.byResultType.size < MAX_RESULT_TYPES ? record.resultType : '(other)'
    const byType = this.byResultType.get(type) ?? { requests: 0, bytes: 0 }
    byType.requests++
    byType.bytes += record.scBytes
    this.byResultType.set(type, byType)

    if (record.resultType === 'Miss') this.bytesFromMisses += record.scBytes
    if (record.resultType === 'Error' && record.responseResultType !== 'Error') {
      this.incomplete.requests++
      this.incomplete.bytes += record.scBytes
    }
    this.paths.add(record.uriStem, record.scBytes)
    if (record.responseResultType === 'Miss') this.missedPaths.add(record.uriStem, record.scBytes)
    this.statuses.add(record.status === 0 ? '000' : String(record.status), record.scBytes)
    this.edges.add(record.edgeLocation, record.scBytes)
  }

  addFile(file: FileResult): void {
    this.files++
    this.lines += file.lines
    this.malformed += file.malformed
    for (const sample of file.malformedSamples) if (this.samples.length < MAX_SAMPLES) this.samples.push(sample)
    if (file.problem) this.problems.push({ name: file.name, problem: file.problem, truncated: file.truncated })
  }

  /** The statistics; with `hours`, the hourly series only has the hours that start in that range. */
  result(hours?: HourRange): LogStatistics {
    const tables = [this.paths, this.missedPaths, this.statuses, this.edges]
    const inRange = (point: HourPoint) => !hours || (point.hourStartMs >= hours.fromMs && point.hourStartMs < hours.toMs)
    return {
      files: this.files,
      lines: this.lines,
      requests: this.requests,
      malformed: this.malformed,
      malformedSamples: [...this.samples],
      problemFiles: this.problems.map((problem) => ({ ...problem })),
      ...(this.requests ? { firstRequestMs: this.firstMs, lastRequestMs: this.lastMs } : {}),
      bytes: this.bytes,
      cache: withRatio(this.cache),
      hourly: [...this.hours.values()]
        .filter(inRange)
        .sort((a, b) => a.hourStartMs - b.hourStartMs)
        .map(withRatio),
      byResultType: Object.fromEntries([...this.byResultType].map(([type, value]) => [type, { ...value }])),
      bytesFromMisses: this.bytesFromMisses,
      incompleteDownloads: { ...this.incomplete },
      topPaths: this.paths.top(this.topCount),
      topMissedPaths: this.missedPaths.top(this.topCount),
      statusCodes: this.statuses.top(1000),
      edgeLocations: this.edges.top(2000),
      exact: tables.every((table) => table.exact),
    }
  }
}
