/**
 * Main's side of the scan worker (scan-worker.ts): one worker thread, started on the first scan, that
 * runs the scans and keeps them. Main sends a run, a cancel, a drop or a what-if and gets small answers;
 * when the worker's S3 client needs credentials, `credentials(scanId)` answers from the profile's own
 * provider (the secrets stay in this process and never reach the renderer). If the worker dies, every
 * call in flight fails and `onLost` is told: the scans it kept are gone.
 */
import { existsSync } from 'node:fs'
import { Worker } from 'node:worker_threads'
import type { S3Client } from '@aws-sdk/client-s3'
import type { AwsCredentialIdentity } from '@aws-sdk/types'
import type { ApiError } from '../api/contract'
import { HaneulError, toApiError } from '../core/errors'
import { defaultClientOptions } from '../profiles/clients'
import type { FromScanWorker, ScanState, ToScanWorker, WorkerClientSettings } from './scan-protocol'

/** The worker's script; execArgv for running it from TypeScript sources (tests). */
export interface ScanWorkerEntry {
  url: URL
  execArgv?: string[]
}

/**
 * The worker's heap. Parsing 1,000-key pages makes short-lived garbage fast, and V8 sizes its young
 * generation for the machine's memory, so the heap grows to hundreds of MB before it collects. A small
 * young generation keeps that garbage small without costing CPU; an old-generation limit (even 160 MB)
 * made V8 collect so often that the scan took 1.4–1.6× the CPU, so there is none. Measured in
 * `npm run bench -- costs` (src-main/costs/README.md).
 */
export const SCAN_WORKER_LIMITS = { maxYoungGenerationSizeMb: 8 }

/**
 * Where the worker script is: beside this file when running from sources (scan-worker.ts, through tsx);
 * in the built app, electron-vite's `costs-scan-worker` entry in out/main (this code may sit in out/main
 * or in out/main/chunks).
 */
export function defaultScanWorkerEntry(): ScanWorkerEntry {
  const here = import.meta.url
  if (here.endsWith('.ts')) return { url: new URL('./scan-worker.ts', here), execArgv: ['--import', 'tsx'] }
  for (const candidate of ['./costs-scan-worker.js', '../costs-scan-worker.js']) {
    const url = new URL(candidate, here)
    if (existsSync(url)) return { url }
  }
  throw new Error('The scan worker (costs-scan-worker.js) is missing from the build.')
}

/** What the worker's own S3 client needs to be the profile's client (credentials are asked for apart). */
export async function workerClientSettings(client: S3Client): Promise<WorkerClientSettings> {
  const { config } = client
  const endpoint = config.isCustomEndpoint && config.endpoint ? await config.endpoint() : undefined
  return {
    region: await config.region(),
    ...(endpoint
      ? { endpoint: `${endpoint.protocol}//${endpoint.hostname}${endpoint.port ? `:${endpoint.port}` : ''}${endpoint.path}` }
      : {}),
    forcePathStyle: config.forcePathStyle ?? false,
    followRegionRedirects: config.followRegionRedirects ?? false,
    maxAttempts: await config.maxAttempts(),
    connectionTimeoutMs: defaultClientOptions.connectionTimeoutMs,
    socketTimeoutMs: defaultClientOptions.socketTimeoutMs,
  }
}

type RunRequest = Omit<Extract<ToScanWorker, { type: 'run' }>, 'type' | 'callId'>
type WhatIfRequest = Omit<Extract<ToScanWorker, { type: 'whatIf' }>, 'type' | 'callId'>
type WhatIfAnswer = NonNullable<Extract<FromScanWorker, { type: 'whatIf' }>['answer']>

export interface ScanWorkerHostOptions {
  entry?: () => ScanWorkerEntry
  /** The worker's heap limits (default SCAN_WORKER_LIMITS; the bench tries others). */
  resourceLimits?: { maxOldGenerationSizeMb?: number; maxYoungGenerationSizeMb?: number }
  /** The identity the worker's client for this scan signs with (resolved, with its expiry). */
  credentials(scanId: string): Promise<AwsCredentialIdentity>
  /** The worker died: the scans it kept are gone. */
  onLost(reason: string): void
}

interface Pending {
  resolve(message: FromScanWorker): void
  reject(error: Error): void
}

export class ScanWorkerHost {
  private worker: Worker | undefined
  private readonly pending = new Map<number, Pending>()
  private readonly progress = new Map<string, (objects: number, bytes: number) => void>()
  private nextCallId = 1

  constructor(private readonly options: ScanWorkerHostOptions) {}

  /** Runs (or resumes) a scan to its end or to where it stopped; `error` says why it stopped. */
  async run(request: RunRequest, onProgress: (objects: number, bytes: number) => void): Promise<{ state?: ScanState; error?: ApiError }> {
    this.progress.set(request.scanId, onProgress)
    try {
      const answer = (await this.call({ type: 'run', ...request })) as Extract<FromScanWorker, { type: 'ran' }>
      return { ...(answer.state ? { state: answer.state } : {}), ...(answer.error ? { error: answer.error } : {}) }
    } finally {
      this.progress.delete(request.scanId)
    }
  }

  async whatIf(request: WhatIfRequest): Promise<WhatIfAnswer> {
    const answer = (await this.call({ type: 'whatIf', ...request })) as Extract<FromScanWorker, { type: 'whatIf' }>
    if (answer.error) throw new HaneulError(answer.error.code, answer.error.message, answer.error.retryable)
    return answer.answer!
  }

  /** The worker's V8 heap (the bench samples it); undefined while no worker runs. */
  heapStatistics(): Promise<{ used_heap_size: number; total_heap_size: number }> | undefined {
    return this.worker?.getHeapStatistics()
  }

  /** Aborts the scan's request in flight; its run answers `cancelled`. */
  cancel(scanId: string): void {
    this.worker?.postMessage({ type: 'cancel', scanId } satisfies ToScanWorker)
  }

  /** The worker forgets the scan (its table's memory is freed). */
  drop(scanId: string): void {
    this.worker?.postMessage({ type: 'drop', scanId } satisfies ToScanWorker)
  }

  async close(): Promise<void> {
    const worker = this.worker
    this.worker = undefined
    if (!worker) return
    worker.removeAllListeners('exit')
    this.fail(new HaneulError('cancelled', 'The costs module was closed.'))
    await worker.terminate()
  }

  private call(message: (RunRequest & { type: 'run' }) | (WhatIfRequest & { type: 'whatIf' })): Promise<FromScanWorker> {
    const callId = this.nextCallId++
    const worker = this.started()
    // Busy, the worker keeps the process alive; idle, it must not keep the app (or a test run) from exiting.
    worker.ref()
    return new Promise<FromScanWorker>((resolve, reject) => {
      this.pending.set(callId, { resolve, reject })
      worker.postMessage({ ...message, callId } satisfies ToScanWorker)
    }).finally(() => {
      if (this.pending.size === 0 && this.worker === worker) worker.unref()
    })
  }

  private started(): Worker {
    if (this.worker) return this.worker
    const entry = (this.options.entry ?? defaultScanWorkerEntry)()
    const worker = new Worker(entry.url, { execArgv: entry.execArgv, resourceLimits: this.options.resourceLimits ?? SCAN_WORKER_LIMITS })
    worker.on('message', (message: FromScanWorker) => this.receive(worker, message))
    const lost = (reason: string) => {
      if (this.worker !== worker) return
      this.worker = undefined
      this.fail(new HaneulError('internal', `The scan worker stopped (${reason}). Scan again.`))
      this.options.onLost(reason)
    }
    worker.on('error', (error) => lost(error.message))
    worker.on('exit', (code) => lost(`exit code ${code}`))
    this.worker = worker
    return worker
  }

  private receive(worker: Worker, message: FromScanWorker): void {
    switch (message.type) {
      case 'progress':
        this.progress.get(message.scanId)?.(message.objects, message.bytes)
        return
      case 'credentials':
        this.options.credentials(message.scanId).then(
          (identity) => worker.postMessage({ type: 'credentials', callId: message.callId, identity } satisfies ToScanWorker),
          (error: unknown) =>
            worker.postMessage({ type: 'credentials', callId: message.callId, error: toApiError(error) } satisfies ToScanWorker),
        )
        return
      default: {
        const pending = this.pending.get(message.callId)
        this.pending.delete(message.callId)
        pending?.resolve(message)
      }
    }
  }

  private fail(error: Error): void {
    for (const pending of this.pending.values()) pending.reject(error)
    this.pending.clear()
  }
}
