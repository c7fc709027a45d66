/**
 * What uploads and downloads share: the state and numbers a snapshot shows, the context a job runs in, and
 * the retry context wired to the job's counters and the connectivity hook.
 */
import path from 'node:path'
import type { S3Client } from '@aws-sdk/client-s3'
import type { ApiError } from '../api/contract'
import { forEachLimit } from '../core/pool'
import type { BufferPool } from './buffers'
import type { FolderSyncs } from './journal'
import type { TransferConfig } from './config'
import type { Clock, Connectivity, S3ClientSource, TransferFileSystem } from './deps'
import type { ChecksumReport, TransferKind, TransferSnapshot, TransferState } from './model'
import { ProgressMeter } from './progress'
import type { ObjectGets } from './s3-get'
import { refreshCredentials } from './s3-io'
import { withRetries, type Attempt, type RetryContext, type RetryInfo } from './retry'
import type { BandwidthLimiter, RequestScheduler } from './scheduler'

export interface JobContext {
  clients: S3ClientSource
  fs: TransferFileSystem
  clock: Clock
  connectivity?: Connectivity
  config(): TransferConfig
  scheduler: RequestScheduler
  bandwidth: BandwidthLimiter
  buffers: BufferPool
  /** fsyncs of a folder after a rename into it, shared by renames that land together. */
  folderSyncs: FolderSyncs
  /** The GETs that move a download's bytes (lean signed requests, s3-get.ts). */
  objectGets: ObjectGets
  journalDir: string
  /** Something subscribers should hear about now (a state change, a restart). */
  changed(job: TransferJob): void
  retried(job: TransferJob, info: RetryInfo): void
}

export interface JobIdentity {
  id: string
  kind: TransferKind
  profileId: string
  bucket: string
  key: string
  path: string
}

export abstract class TransferJob {
  state: TransferState = 'queued'
  bytesTotal = 0
  partsDone = 0
  partsTotal = 0
  retries = 0
  error?: ApiError
  restartReason?: string
  checksum?: ChecksumReport
  readonly meter: ProgressMeter
  private networkWaits = 0

  constructor(
    readonly identity: JobIdentity,
    protected readonly ctx: JobContext,
  ) {
    this.meter = new ProgressMeter(ctx.clock)
  }

  get id(): string {
    return this.identity.id
  }

  /** The job's own journal (upload id and parts, or ETag and ranges). */
  get journalPath(): string {
    return path.join(this.ctx.journalDir, `${this.id}.jsonl`)
  }

  /** Does the transfer; resolves when the object (or file) is in place and verified. Aborting stops it where it is. */
  abstract run(signal: AbortSignal): Promise<void>

  /** After a cancel: removes what the job left behind on the server and on disk, and its journal. */
  abstract discard(): Promise<void>

  /** After a restart of the app: reads the job's journal so its numbers show before it runs again. */
  abstract load(): Promise<void>

  /** Whether the job has written its own journal (small uploads never need one). */
  abstract get hasJournal(): boolean

  setState(state: TransferState): void {
    if (this.state === state) return
    this.state = state
    this.ctx.changed(this)
  }

  snapshot(): TransferSnapshot {
    const { id, kind, profileId, bucket, key, path: localPath } = this.identity
    const moving = this.state === 'running' || this.state === 'verifying'
    const bytesPerSecond = moving ? this.meter.bytesPerSecond() : 0
    return {
      jobId: id,
      kind,
      profileId,
      bucket,
      key,
      path: localPath,
      state: this.state,
      bytesDone: this.meter.bytesDone,
      bytesTotal: this.bytesTotal,
      bytesPerSecond,
      etaSeconds: moving ? this.meter.etaSeconds(this.bytesTotal) : undefined,
      error: this.error,
      restartReason: this.restartReason,
      partsDone: this.partsDone,
      partsTotal: this.partsTotal,
      checksum: this.checksum,
      retries: this.retries,
    }
  }

  /** Starting over from zero: the only time bytesDone goes down, and the reason is shown. */
  protected restart(reason: string): void {
    this.restartReason = reason
    this.partsDone = 0
    this.checksum = undefined
    this.meter.restart()
    this.ctx.changed(this)
  }

  /**
   * One request through the scheduler's slots, retried: `send` gets each attempt (its own signal, and
   * `alive()` for bodies that stream). `signal` is the job's; `stallTimeoutMs` overrides the config's.
   */
  protected scheduled<T>(
    retry: RetryContext,
    signal: AbortSignal,
    send: (attempt: Attempt) => Promise<T>,
    stallTimeoutMs?: number,
  ): Promise<T> {
    return this.ctx.scheduler.run(this.id, () => withRetries(send, retry, stallTimeoutMs), signal)
  }

  protected retryContext(client: S3Client, signal: AbortSignal): RetryContext {
    const { connectivity } = this.ctx
    const profileId = this.identity.profileId
    return {
      config: this.ctx.config(),
      clock: this.ctx.clock,
      signal,
      refreshCredentials: () => refreshCredentials(client),
      network: connectivity && {
        isOnline: () => connectivity.isOnline(profileId),
        waitUntilOnline: (waitSignal) => connectivity.waitUntilOnline(profileId, waitSignal),
        reportUnreachable: () => connectivity.reportUnreachable?.(profileId),
      },
      onRetry: (info) => {
        this.retries++
        this.ctx.retried(this, info)
      },
      onNetworkWait: (waiting) => {
        this.networkWaits += waiting ? 1 : -1
        if (this.state === 'running' || this.state === 'waiting-for-network') {
          this.setState(this.networkWaits > 0 ? 'waiting-for-network' : 'running')
        }
      },
    }
  }
}

/**
 * Runs work(0) … work(count - 1) with at most `parallel` running at once (core/pool's forEachLimit over the
 * indices, so a 10,000-part job holds `parallel` tasks, not 10,000). The first failure also aborts
 * `controller`, so the parts still in flight stop at once; it is rethrown once all have settled.
 */
export async function runPool(
  count: number,
  parallel: number,
  work: (index: number) => Promise<void>,
  controller: AbortController,
): Promise<void> {
  await forEachLimit(indices(count), Math.min(parallel, Math.max(count, 1)), controller.signal, async (index) => {
    try {
      await work(index)
    } catch (error) {
      controller.abort(error)
      throw error
    }
  })
}

function* indices(count: number): Generator<number> {
  for (let index = 0; index < count; index++) yield index
}
