/** Reading CloudFront standard logs: pure Node, no AWS and no Electron (see README.md). */
export { decodeLogValue, LEGACY_FIELDS, LogLineParser, type LogFormat, type LogRecord, type ParseCounts } from './parse'
export { readLogFile, type FileResult, type ReadOptions } from './read'
export {
  LogAggregator,
  type AggregateState,
  type AggregatorOptions,
  type CacheCounts,
  type HourPoint,
  type HourRange,
  type LogStatistics,
} from './aggregate'
export { TopK, type TopEntry, type TopKState } from './top-k'
