/** Cache statistics from a distribution's standard logs, read in worker threads, kept per file (README.md). */
export {
  createLogAnalyzer,
  type AnalyzeOptions,
  type LogAnalysisProgress,
  type LogAnalysisRequest,
  type LogAnalyzer,
  type LogAnalyzerOptions,
} from './analyzer'
export { edgeCity } from './edge-cities'
export { defaultWorkerEntry, type WorkerEntry } from './worker-pool'
