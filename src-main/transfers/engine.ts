/**
 * The transfer engine: jobs, their states and the one scheduler they share. Runs in main under plain Node;
 * everything with a side effect (S3 clients, files, time, connectivity) comes in through the constructor.
 *
 * Journals (in journalDir):
 * - `jobs.jsonl`, the engine log: one record when a job is added, one when it fails, is retried or ends.
 *   Appends share fdatasyncs (group commit), so adding 20,000 small files costs a handful of flushes.
 * - `<jobId>.jsonl`, a job's own log, only for jobs with state worth resuming (multipart uploads, downloads).
 * After a kill, restore() rebuilds every unfinished job from these; each job then reconciles with S3.
 */
import { randomUUID } from 'node:crypto'
import { setMaxListeners } from 'node:events'
import path from 'node:path'
import { ListObjectsV2Command } from '@aws-sdk/client-s3'
import type { ApiError } from '../api/contract'
import { HaneulError, toApiError } from '../core/errors'
import { BufferPool } from './buffers'
import { resolveTransferConfig, type TransferConfig } from './config'
import { nodeFileSystem, systemClock, type Clock, type Connectivity, type S3ClientSource, type TransferFileSystem } from './deps'
import { DownloadJob, PARTIAL_SUFFIX } from './download-job'
import type { JobContext, TransferJob } from './job'
import { AppendLog, FolderSyncs, createLog, readLog } from './journal'
import { DownloadPlan } from './download-plan'
import { numberedPath } from './local-paths'
import {
  DownloadPrefixRequestSchema,
  DownloadRequestSchema,
  FINISHED_STATES,
  UploadRequestSchema,
  type DownloadPrefixRequest,
  type DownloadRequest,
  type EngineRecord,
  type TransferSnapshot,
  type TransferSubscriber,
  type UploadRequest,
} from './model'
import { classifyError } from './retry'
import { LeanObjectGets, type ObjectGets } from './s3-get'
import { BandwidthLimiter, RequestScheduler } from './scheduler'
import { UploadJob } from './upload-job'

export interface TransferEngineDeps {
  clients: S3ClientSource
  journalDir: string
  config?: Partial<TransferConfig>
  fs?: TransferFileSystem
  clock?: Clock
  /** Optional: lets the engine wait for the network instead of failing (network loss pauses the job). */
  connectivity?: Connectivity
  /** Where the engine says what it could not do itself (the app's log). */
  log?: (message: string) => void
  /** The GETs that move a download's bytes. Default: signed undici requests (s3-get.ts). */
  objectGets?: ObjectGets
}

/** Why a running job was told to stop; carried as the abort reason. */
class JobStop extends Error {
  override readonly name = 'JobStop'
  constructor(readonly why: 'pause' | 'cancel' | 'close') {
    super(`transfer ${why}`)
  }
}

interface Entry {
  job: TransferJob
  controller?: AbortController
  /** Settles when the job's run has stopped, however it stopped. */
  running?: Promise<void>
}

const ENGINE_LOG = 'jobs.jsonl'
/** Jobs preparing or transferring at once: enough to keep every request slot busy with small files. */
const ACTIVE_JOBS_PER_SLOT = 4

export class TransferEngine {
  private config: TransferConfig
  private readonly fs: TransferFileSystem
  private readonly clock: Clock
  private readonly scheduler: RequestScheduler
  private readonly bandwidth: BandwidthLimiter
  private readonly buffers: BufferPool
  private readonly context: JobContext
  private readonly entries = new Map<string, Entry>()
  /** Jobs waiting to start, oldest first, from queueHead on. Entries whose job is no longer queued are skipped. */
  private queue: TransferJob[] = []
  private queueHead = 0
  private active = 0
  private readonly subscribers = new Set<TransferSubscriber>()
  private engineLog?: Promise<AppendLog>
  private ticking = false
  private closed = false

  constructor(private readonly deps: TransferEngineDeps) {
    this.config = resolveTransferConfig(deps.config)
    this.fs = deps.fs ?? nodeFileSystem
    this.clock = deps.clock ?? systemClock
    this.scheduler = new RequestScheduler(this.config.concurrency)
    this.bandwidth = new BandwidthLimiter(this.clock, this.config.maxBandwidthBytesPerSecond)
    this.buffers = new BufferPool(this.config.concurrency)
    this.context = {
      clients: deps.clients,
      fs: this.fs,
      clock: this.clock,
      connectivity: deps.connectivity,
      config: () => this.config,
      scheduler: this.scheduler,
      bandwidth: this.bandwidth,
      buffers: this.buffers,
      folderSyncs: new FolderSyncs(this.fs),
      objectGets: deps.objectGets ?? new LeanObjectGets(),
      journalDir: deps.journalDir,
      changed: (job) => this.emit('onProgress', job),
      retried: (job, info) => {
        let snapshot: TransferSnapshot | undefined
        for (const subscriber of this.subscribers) subscriber.onRetry?.((snapshot ??= job.snapshot()), info)
      },
    }
  }

  /** Changes settings for what runs from now on (concurrency and bandwidth at once, part size for new parts plans). */
  configure(partial: Partial<TransferConfig>): void {
    this.config = resolveTransferConfig({ ...this.config, ...partial })
    this.scheduler.setConcurrency(this.config.concurrency)
    this.bandwidth.setRate(this.config.maxBandwidthBytesPerSecond)
    this.buffers.setMaxIdlePerSize(this.config.concurrency)
    this.pump()
  }

  get settings(): TransferConfig {
    return this.config
  }

  /** Reloads journals written before a crash/restart; jobs come back 'paused' (or 'queued' when autoResume). */
  async restore(options: { autoResume?: boolean } = {}): Promise<void> {
    await this.fs.mkdir(this.deps.journalDir)
    const logPath = path.join(this.deps.journalDir, ENGINE_LOG)
    let records: EngineRecord[]
    try {
      records = ((await readLog(this.fs, logPath)) ?? []) as EngineRecord[]
    } catch (error) {
      // A damaged log must not keep the app from starting: set it aside and start with no jobs to resume.
      await this.fs.rename(logPath, `${logPath}.unreadable-${this.clock.now()}`).catch(() => {})
      this.deps.log?.(`transfers: the job log could not be read and was set aside: ${(error as Error).message}`)
      records = []
    }
    const live = new Map<string, { add: Extract<EngineRecord, { t: 'job' }>; failed?: ApiError }>()
    for (const record of records) {
      // Journals are data from disk: a job record whose request no longer validates is left out.
      if (record.t === 'job') {
        const schema = record.kind === 'upload' ? UploadRequestSchema : DownloadRequestSchema
        if (schema.safeParse(record.request).success) live.set(record.jobId, { add: record })
      } else if (record.t === 'end') live.delete(record.jobId)
      else if (record.t === 'failed') {
        const entry = live.get(record.jobId)
        if (entry) entry.failed = record.error
      } else if (record.t === 'retry') {
        const entry = live.get(record.jobId)
        if (entry) entry.failed = undefined
      }
    }
    // Rewrite the log with only what is still alive, unless jobs were already added in this session.
    if (!this.engineLog) {
      const compacted = [...live.values()].flatMap(({ add, failed }) =>
        failed ? [add, { t: 'failed', jobId: add.jobId, error: failed }] : [add],
      )
      this.engineLog = createLog(this.fs, logPath, compacted)
      await this.engineLog
    }
    for (const { add, failed } of live.values()) {
      if (this.entries.has(add.jobId)) continue
      const job =
        add.kind === 'upload'
          ? this.createUpload(add.jobId, add.request, Promise.resolve())
          : this.createDownload(add.jobId, add.request, Promise.resolve())
      this.entries.set(job.id, { job })
      const unreadable = await job.load().then(
        () => undefined,
        (error: unknown) => transferError(error),
      )
      if (failed ?? unreadable) {
        job.error = failed ?? unreadable
        job.state = 'failed'
      } else {
        job.state = options.autoResume ? 'queued' : 'paused'
        if (options.autoResume) this.queue.push(job)
      }
      this.emit('onQueued', job)
    }
    await this.removeOrphanJournals(new Set(live.keys()))
    this.pump()
  }

  upload(request: UploadRequest): string {
    const parsed = UploadRequestSchema.parse(request)
    const jobId = randomUUID()
    const registered = this.appendEngineLog({ t: 'job', jobId, kind: 'upload', request: parsed, createdAtMs: this.clock.now() })
    this.add(this.createUpload(jobId, parsed, registered))
    return jobId
  }

  download(request: DownloadRequest): string {
    const parsed = DownloadRequestSchema.parse(request)
    const jobId = randomUUID()
    const registered = this.appendEngineLog({ t: 'job', jobId, kind: 'download', request: parsed, createdAtMs: this.clock.now() })
    this.add(this.createDownload(jobId, parsed, registered))
    return jobId
  }

  /** A plan for one download batch into `withinDir` (see download-plan.ts). */
  downloadPlan(withinDir: string, platform: NodeJS.Platform = process.platform): DownloadPlan {
    return new DownloadPlan({ withinDir, platform, freeLocalPath: (destination, planned) => this.freeLocalPath(destination, planned) })
  }

  /**
   * Adds every key under `prefix` to the plan, under destinationDir. A prefix not ending in "/" keeps its
   * last segment: prefix "photos" puts photos/a.jpg at <dir>/photos/a.jpg. `onPage` runs after each listing
   * page, so jobs can start before a long listing ends.
   */
  async planPrefix(
    plan: DownloadPlan,
    request: { profileId: string; bucket: string; prefix: string; destinationDir: string },
    onPage: () => void = () => {},
  ): Promise<void> {
    const { profileId, bucket, prefix, destinationDir } = request
    const client = await this.deps.clients.s3(profileId)
    const base = prefix === '' || prefix.endsWith('/') ? prefix.length : prefix.lastIndexOf('/') + 1
    let token: string | undefined
    do {
      const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }))
      for (const object of page.Contents ?? []) {
        const key = object.Key
        if (key === undefined || (key.endsWith('/') && !object.Size)) continue // a "folder" marker
        await plan.add(key, destinationDir, key.slice(base), object.Size)
      }
      onPage()
      token = page.IsTruncated ? page.NextContinuationToken : undefined
    } while (token)
  }

  /** Starts a job for each download planned since the last call; returns their ids. */
  startPlanned(plan: DownloadPlan, request: { profileId: string; bucket: string; withinDir: string }): string[] {
    const { profileId, bucket, withinDir } = request
    return plan
      .take()
      .map(({ key, destinationPath, sizeBytes }) => this.download({ profileId, bucket, key, destinationPath, withinDir, sizeBytes }))
  }

  /** Downloads everything under a prefix into destinationDir: one batch of planPrefix + startPlanned. */
  async downloadPrefix(
    request: DownloadPrefixRequest,
  ): Promise<{ jobIds: string[]; refused: Array<{ key: string; reason: string }>; renamed: number }> {
    const { profileId, bucket, prefix, destinationDir, withinDir = destinationDir, platform } = DownloadPrefixRequestSchema.parse(request)
    const plan = this.downloadPlan(withinDir, platform)
    const jobIds: string[] = []
    const start = () => jobIds.push(...this.startPlanned(plan, { profileId, bucket, withinDir }))
    await this.planPrefix(plan, { profileId, bucket, prefix, destinationDir }, start)
    return { jobIds, refused: plan.refused, renamed: plan.renamed }
  }

  /** The path, or "name (n).ext" with the smallest n that is neither on disk nor planned in this batch. */
  async freeLocalPath(destination: string, planned: (p: string) => boolean = () => false): Promise<string> {
    const exists = (p: string) =>
      this.fs.stat(p).then(
        () => true,
        () => false,
      )
    const taken = async (p: string) => planned(p) || (await exists(p)) || (await exists(p + PARTIAL_SUFFIX))
    if (!(await taken(destination))) return destination
    for (let n = 1; ; n++) {
      const candidate = numberedPath(destination, n)
      if (!(await taken(candidate))) return candidate
    }
  }

  pause(jobId: string): void {
    const entry = this.entry(jobId)
    const { job } = entry
    if (job.state === 'queued') job.setState('paused')
    else if (job.state === 'running' || job.state === 'waiting-for-network' || job.state === 'verifying') {
      job.setState('paused')
      entry.controller?.abort(new JobStop('pause'))
    }
  }

  resume(jobId: string): void {
    const { job } = this.entry(jobId)
    if (job.state !== 'paused') return
    job.setState('queued')
    this.enqueue(job)
  }

  /** Stops the job, removes its multipart upload (confirmed with ListParts) or partial file, and its journals. */
  async cancel(jobId: string): Promise<void> {
    const entry = this.entry(jobId)
    const { job } = entry
    if (job.state === 'done' || job.state === 'cancelled') return
    entry.controller?.abort(new JobStop('cancel'))
    job.setState('cancelled')
    await entry.running
    await job.discard()
    await this.appendEngineLog({ t: 'end', jobId })
    job.meter.stop()
    this.emit('onDone', job)
  }

  /** Runs a failed job again; it resumes from its journal where that is still valid. */
  retry(jobId: string): void {
    const { job } = this.entry(jobId)
    if (job.state !== 'failed') return
    job.error = undefined
    void this.appendEngineLog({ t: 'retry', jobId }).catch(() => {})
    job.setState('queued')
    this.enqueue(job)
  }

  /** Drops a finished job from list(). */
  /** Forgets a finished job; a failed one also loses its journal and partial file, so it stays gone after a restart. */
  dismiss(jobId: string): void {
    const { job } = this.entry(jobId)
    if (!FINISHED_STATES.has(job.state)) return
    this.entries.delete(jobId)
    if (job.state === 'failed') {
      void job.discard().catch(() => {})
      void this.appendEngineLog({ t: 'end', jobId }).catch(() => {})
    }
  }

  list(): TransferSnapshot[] {
    return [...this.entries.values()].map(({ job }) => job.snapshot())
  }

  /** One job's snapshot (cheaper than searching list() when there are thousands). */
  get(jobId: string): TransferSnapshot | undefined {
    return this.entries.get(jobId)?.job.snapshot()
  }

  subscribe(subscriber: TransferSubscriber): () => void {
    this.subscribers.add(subscriber)
    return () => this.subscribers.delete(subscriber)
  }

  /** Stops scheduling and running, leaving every journal in place so restore() resumes the jobs next time. */
  async close(): Promise<void> {
    this.closed = true
    const running = [...this.entries.values()].filter((entry) => entry.running !== undefined)
    for (const entry of running) entry.controller?.abort(new JobStop('close'))
    await Promise.all(running.map((entry) => entry.running))
    await (await this.engineLog)?.close()
    await this.context.objectGets.close()
  }

  // ---- internals ----

  private entry(jobId: string): Entry {
    const entry = this.entries.get(jobId)
    if (!entry) throw new HaneulError('not-found', `No transfer with id ${jobId}.`)
    return entry
  }

  private createUpload(jobId: string, request: UploadRequest, registered: Promise<void>): UploadJob {
    const identity = {
      id: jobId,
      kind: 'upload' as const,
      profileId: request.profileId,
      bucket: request.bucket,
      key: request.key,
      path: request.filePath,
    }
    return new UploadJob(identity, this.context, request, registered)
  }

  private createDownload(jobId: string, request: DownloadRequest, registered: Promise<void>): DownloadJob {
    const identity = {
      id: jobId,
      kind: 'download' as const,
      profileId: request.profileId,
      bucket: request.bucket,
      key: request.key,
      path: request.destinationPath,
    }
    return new DownloadJob(identity, this.context, request, registered)
  }

  private add(job: TransferJob): void {
    if (this.closed) throw new HaneulError('conflict', 'The transfer engine is closed.')
    this.entries.set(job.id, { job })
    this.emit('onQueued', job)
    this.enqueue(job)
  }

  /** A job still stopping from its previous run is queued again when that run settles (see start). */
  private enqueue(job: TransferJob): void {
    if (!this.entries.get(job.id)?.running) this.queue.push(job)
    this.pump()
  }

  private appendEngineLog(record: EngineRecord, durable = true): Promise<void> {
    this.engineLog ??= this.fs.mkdir(this.deps.journalDir).then(() => AppendLog.open(this.fs, path.join(this.deps.journalDir, ENGINE_LOG)))
    const appended = this.engineLog.then((log) => log.append(record, durable))
    // Callers that do not wait still must not leave an unhandled rejection; the job that needs it awaits it.
    appended.catch(() => {})
    return appended
  }

  private pump(): void {
    const limit = this.config.concurrency * ACTIVE_JOBS_PER_SLOT
    while (!this.closed && this.active < limit && this.queueHead < this.queue.length) {
      const job = this.queue[this.queueHead++] as TransferJob
      // Paused, cancelled or already started since it was queued.
      if (job.state === 'queued' && !this.entries.get(job.id)?.running) this.start(job)
    }
    if (this.queueHead > 1024 && this.queueHead * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.queueHead)
      this.queueHead = 0
    }
  }

  private start(job: TransferJob): void {
    const entry = this.entry(job.id)
    const controller = new AbortController()
    // Every queued part of the job listens on this signal.
    setMaxListeners(0, controller.signal)
    entry.controller = controller
    this.active++
    job.meter.start()
    job.setState('running')
    this.startTicker()
    entry.running = job
      .run(controller.signal)
      .then(
        () => this.finished(job, controller.signal),
        (error: unknown) => this.stopped(job, controller.signal, error),
      )
      .finally(() => {
        this.active--
        entry.controller = undefined
        entry.running = undefined
        // Resumed or retried while this run was still stopping.
        if (job.state === 'queued') this.queue.push(job)
        this.pump()
      })
  }

  private async finished(job: TransferJob, signal: AbortSignal): Promise<void> {
    // Finished in the instant a cancel arrived: cancel() owns the ending.
    if (signal.aborted && signal.reason instanceof JobStop && signal.reason.why === 'cancel') return
    job.meter.stop()
    job.setState('done')
    this.emit('onDone', job)
    // The end record first: a kill between the two leaves an orphan journal that restore removes. A job with no
    // journal of its own (a small file) need not wait for a flush: losing its end record only repeats one PUT.
    await this.appendEngineLog({ t: 'end', jobId: job.id }, job.hasJournal)
    if (job.hasJournal) await this.fs.rm(job.journalPath)
  }

  private async stopped(job: TransferJob, signal: AbortSignal, error: unknown): Promise<void> {
    job.meter.stop()
    if (signal.aborted && signal.reason instanceof JobStop) {
      if (signal.reason.why === 'close') job.state = 'paused'
      return
    }
    job.error = transferError(error)
    job.setState('failed')
    this.emit('onDone', job)
    await this.appendEngineLog({ t: 'failed', jobId: job.id, error: job.error })
  }

  private emit(event: 'onQueued' | 'onProgress' | 'onDone', job: TransferJob): void {
    let snapshot: TransferSnapshot | undefined
    for (const subscriber of this.subscribers) {
      const handler = subscriber[event]
      if (handler) handler.call(subscriber, (snapshot ??= job.snapshot()))
    }
  }

  /** Progress for every moving job, progressIntervalMs apart, while any job is active. */
  private startTicker(): void {
    if (this.ticking) return
    this.ticking = true
    void (async () => {
      while (this.active > 0 && !this.closed) {
        await this.clock.sleep(this.config.progressIntervalMs)
        for (const { job } of this.entries.values()) {
          if (job.state === 'running' || job.state === 'verifying' || job.state === 'waiting-for-network') this.emit('onProgress', job)
        }
      }
      this.ticking = false
    })()
  }

  private async removeOrphanJournals(live: ReadonlySet<string>): Promise<void> {
    for (const name of await this.fs.readdir(this.deps.journalDir)) {
      const match = /^(.+)\.jsonl$/.exec(name)
      if (match && name !== ENGINE_LOG && !live.has(match[1] as string) && !this.entries.has(match[1] as string)) {
        await this.fs.rm(path.join(this.deps.journalDir, name))
      }
    }
  }
}

/** The error a snapshot shows: HaneulErrors as they are, anything else mapped, retryable when a retry could help. */
function transferError(error: unknown): ApiError {
  const api = toApiError(error)
  const kind = classifyError(error)
  return kind === 'retry' || kind === 'slow-down' || kind === 'unreachable' ? { ...api, retryable: true } : api
}
