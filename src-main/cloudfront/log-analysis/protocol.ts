/**
 * Messages between the analyzer (main thread) and its log workers (worker_threads). Main downloads a
 * file and posts its compressed bytes in chunks whose ArrayBuffers are transferred, never copied
 * again; the worker gunzips, parses and aggregates, acknowledging each chunk as it takes it, so main
 * keeps at most a few chunks per file in flight. Credentials and SDK clients never leave main's thread.
 */
import type { AggregateState, AggregatorOptions } from '../logs/index'

/** Given to each worker at start (workerData). */
export interface WorkerSetup {
  options: AggregatorOptions
}

export type ToWorker =
  /**
   * Begin reading one log file; its bytes follow as `chunk` messages, then `end`. The worker saves the
   * file's aggregate itself (`saveAs`: folder and name; `head`: the SavedAggregate fields but `state`, as
   * JSON), so the aggregate's JSON never passes through main's heap.
   */
  | { type: 'start'; fileId: number; name: string; saveAs: { folder: string; name: string }; head: string }
  | { type: 'chunk'; fileId: number; bytes: Uint8Array }
  | { type: 'end'; fileId: number }
  /** Stop reading the file (cancelled, or its download failed); the worker answers `aborted`. */
  | { type: 'abort'; fileId: number }
  /** Merge a per-file aggregate saved on disk into the worker's running total. */
  | { type: 'mergeSaved'; fileId: number; path: string }
  /** Send the running total (every file read or merged since the last `total`) and start a new one. */
  | { type: 'total'; fileId: number }

export type FromWorker =
  | { type: 'ack'; fileId: number }
  /** A file was read, its aggregate saved and merged into the running total. */
  | { type: 'read'; fileId: number; compressedBytes: number }
  | { type: 'merged'; fileId: number }
  /** A saved aggregate could not be used (missing, damaged, from another version). */
  | { type: 'unusable'; fileId: number; problem: string }
  | { type: 'total'; fileId: number; state: AggregateState }
  | { type: 'aborted'; fileId: number }
  | { type: 'failed'; fileId: number; message: string }

/** What is kept on disk per log file: the file's identity and its aggregate. */
export interface SavedAggregate {
  version: 1
  bucket: string
  key: string
  etag: string
  size: number
  hourStartMs: number
  readAtMs: number
  state: AggregateState
}
