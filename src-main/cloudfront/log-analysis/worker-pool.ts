/**
 * Main's side of the log workers: a few worker threads, each doing one thing at a time (reading one
 * file streamed to it, or merging one saved aggregate), each keeping a running total that `totals()`
 * collects at the end. A file's bytes go over in chunks of about CHUNK_BYTES, copied once into their
 * own ArrayBuffer and transferred; at most MAX_CHUNKS_IN_FLIGHT wait unread per file, so memory stays
 * bounded whatever the network's speed versus the worker's.
 */
import { existsSync } from 'node:fs'
import { Worker } from 'node:worker_threads'
import type { AggregateState } from '../logs/index'
import type { FromWorker, ToWorker, WorkerSetup } from './protocol'

/** The worker's script; execArgv for running it from TypeScript sources (tests, the bench). */
export interface WorkerEntry {
  url: URL
  execArgv?: string[]
}

const CHUNK_BYTES = 128 * 1024
/**
 * A worker's heap. Parsing makes garbage fast, and V8 sizes a heap for the machine's memory (GBs):
 * unbounded, each worker's heap grows to hundreds of MB before it collects. What a worker keeps is
 * its tables (10,000 paths twice, per file and in the total: a few MB, keys copied out of the lines,
 * see logs/own-string.ts); the bench's 8 million lines run in 16 MB, so 32 leaves room for long URLs.
 */
const WORKER_LIMITS = { maxOldGenerationSizeMb: 32, maxYoungGenerationSizeMb: 4 }
const MAX_CHUNKS_IN_FLIGHT = 4

/**
 * Where the worker script is: beside this file when running from sources (worker.ts, through tsx);
 * in the built app, electron-vite's `cloudfront-log-worker` entry, in out/main (this code may sit in
 * out/main or in out/main/chunks).
 */
export function defaultWorkerEntry(): WorkerEntry {
  const here = import.meta.url
  if (here.endsWith('.ts')) return { url: new URL('./worker.ts', here), execArgv: ['--import', 'tsx'] }
  for (const candidate of ['./cloudfront-log-worker.js', '../cloudfront-log-worker.js']) {
    const url = new URL(candidate, here)
    if (existsSync(url)) return { url }
  }
  throw new Error('The log worker (cloudfront-log-worker.js) is missing from the build.')
}

/** A worker thread died: the analysis cannot finish (its running total is gone), so it fails whole. */
export class LogWorkerStopped extends Error {
  override name = 'LogWorkerStopped'
}

/** The worker could not read one file (an unexpected error in parsing it); the others go on. */
export class LogFileFailed extends Error {
  override name = 'LogFileFailed'
}

type Settle = { resolve: (message: FromWorker) => void; reject: (error: Error) => void }

class LogWorker {
  private readonly worker: Worker
  private readonly pending = new Map<number, Settle>()
  private readonly ackListeners = new Map<number, () => void>()
  /** Set when the worker died: every later call fails with it. */
  failure: Error | undefined

  constructor(entry: WorkerEntry, setup: WorkerSetup) {
    this.worker = new Worker(entry.url, { workerData: setup, execArgv: entry.execArgv, resourceLimits: WORKER_LIMITS })
    this.worker.on('message', (message: FromWorker) => {
      if (message.type === 'ack') return this.ackListeners.get(message.fileId)?.()
      const settle = this.pending.get(message.fileId)
      this.pending.delete(message.fileId)
      settle?.resolve(message)
    })
    const fail = (error: Error) => {
      this.failure ??= new LogWorkerStopped(`The log worker stopped (${error.message}). The files read so far are saved; try again.`)
      for (const settle of this.pending.values()) settle.reject(this.failure)
      this.pending.clear()
    }
    this.worker.on('error', fail)
    this.worker.on('exit', (code) => fail(new Error(`exit code ${code}`)))
  }

  post(message: ToWorker, transfer?: ArrayBuffer[]): void {
    this.worker.postMessage(message, transfer)
  }

  /** The worker's next answer about `fileId` (other than acks). */
  answer(fileId: number): Promise<FromWorker> {
    if (this.failure) return Promise.reject(this.failure)
    return new Promise((resolve, reject) => this.pending.set(fileId, { resolve, reject }))
  }

  onAck(fileId: number, listener: (() => void) | undefined): void {
    if (listener) this.ackListeners.set(fileId, listener)
    else this.ackListeners.delete(fileId)
  }

  async stop(): Promise<void> {
    this.failure ??= new LogWorkerStopped('The log workers were stopped.')
    this.worker.removeAllListeners('exit')
    await this.worker.terminate()
  }
}

export type ReadOutcome = { compressedBytes: number }
export type MergeOutcome = { merged: true } | { merged: false; problem: string }

export class LogWorkerPool {
  private readonly workers: LogWorker[]
  private readonly free: LogWorker[]
  private readonly waitingForWorker: Array<(worker: LogWorker) => void> = []
  private nextFileId = 1

  constructor(entry: WorkerEntry, size: number, setup: WorkerSetup) {
    this.workers = Array.from({ length: size }, () => new LogWorker(entry, setup))
    this.free = [...this.workers]
  }

  /**
   * Streams one file's bytes to a worker, which saves its aggregate as `save` says. `onBytes` is told of each
   * chunk received. On abort (or a failing body) the worker drops the file and the promise rejects.
   */
  async read(
    name: string,
    body: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
    save: { saveAs: { folder: string; name: string }; head: string },
    signal: AbortSignal,
    onBytes: (bytes: number) => void,
  ): Promise<ReadOutcome> {
    return this.withWorker(async (worker) => {
      const fileId = this.nextFileId++
      const answer = worker.answer(fileId)
      // Settled on purpose below; this keeps an early rejection from being reported as unhandled.
      answer.catch(() => {})
      let inFlight = 0
      let wake: (() => void) | undefined
      worker.onAck(fileId, () => {
        inFlight--
        wake?.()
      })
      const onAbort = () => wake?.()
      signal.addEventListener('abort', onAbort)
      worker.post({ type: 'start', fileId, name, ...save })
      try {
        let parts: Uint8Array[] = []
        let partBytes = 0
        const flush = async () => {
          if (partBytes === 0) return
          // One copy into a buffer of its own: a body chunk may be a view into a socket's shared buffer.
          const bytes = new Uint8Array(partBytes)
          let at = 0
          for (const part of parts) {
            bytes.set(part, at)
            at += part.length
          }
          parts = []
          partBytes = 0
          worker.post({ type: 'chunk', fileId, bytes }, [bytes.buffer])
          inFlight++
          while (inFlight >= MAX_CHUNKS_IN_FLIGHT && !signal.aborted && !worker.failure)
            await new Promise<void>((resolve) => (wake = resolve))
          wake = undefined
          signal.throwIfAborted()
          if (worker.failure) throw worker.failure
        }
        for await (const chunk of body) {
          signal.throwIfAborted()
          onBytes(chunk.length)
          parts.push(chunk)
          partBytes += chunk.length
          if (partBytes >= CHUNK_BYTES) await flush()
        }
        await flush()
        worker.post({ type: 'end', fileId })
      } catch (error) {
        if (!worker.failure) {
          worker.post({ type: 'abort', fileId })
          await answer.catch(() => {})
        }
        throw error
      } finally {
        signal.removeEventListener('abort', onAbort)
        worker.onAck(fileId, undefined)
      }
      const message = await answer
      if (message.type === 'read') return { compressedBytes: message.compressedBytes }
      if (message.type === 'failed') throw new LogFileFailed(message.message)
      signal.throwIfAborted()
      throw new Error(`unexpected answer from the log worker: ${message.type}`)
    })
  }

  /** Merges a saved per-file aggregate into a worker's running total. */
  async mergeSaved(path: string): Promise<MergeOutcome> {
    return this.withWorker(async (worker) => {
      const fileId = this.nextFileId++
      const answer = worker.answer(fileId)
      worker.post({ type: 'mergeSaved', fileId, path })
      const message = await answer
      if (message.type === 'merged') return { merged: true }
      if (message.type === 'unusable') return { merged: false, problem: message.problem }
      throw new Error(`unexpected answer from the log worker: ${message.type}`)
    })
  }

  /** Every worker's running total (and each starts a new one). Call when nothing else runs. */
  async totals(): Promise<AggregateState[]> {
    return Promise.all(
      this.workers.map((worker) =>
        this.withWorker(async () => {
          const fileId = this.nextFileId++
          const answer = worker.answer(fileId)
          worker.post({ type: 'total', fileId })
          const message = await answer
          if (message.type !== 'total') throw new Error(`unexpected answer from the log worker: ${message.type}`)
          return message.state
        }, worker),
      ),
    )
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.stop()))
  }

  private async withWorker<T>(work: (worker: LogWorker) => Promise<T>, wanted?: LogWorker): Promise<T> {
    const worker = wanted ?? (await this.acquire())
    if (wanted) {
      const at = this.free.indexOf(wanted)
      if (at < 0) throw new Error('totals() runs only when the workers are idle')
      this.free.splice(at, 1)
    }
    try {
      // A dead worker is still handed round, so whoever waits for one hears of the failure.
      if (worker.failure) throw worker.failure
      return await work(worker)
    } finally {
      this.release(worker)
    }
  }

  private acquire(): Promise<LogWorker> {
    const worker = this.free.pop()
    if (worker) return Promise.resolve(worker)
    return new Promise((resolve) => this.waitingForWorker.push(resolve))
  }

  private release(worker: LogWorker): void {
    const next = this.waitingForWorker.shift()
    if (next) next(worker)
    else this.free.push(worker)
  }
}
