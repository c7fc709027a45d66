/**
 * Publishing a folder: the plan (dry run), then uploads through the transfer engine, deletions, and one
 * CloudFront invalidation of the plan's paths followed to Completed.
 *
 * A publish's state is on disk from the moment it starts (store.ts). The uploads are transfer-engine jobs,
 * which survive a restart by themselves; after a restart the publish picks up its jobs (or starts again
 * the ones the engine no longer knows), then deletes and invalidates. Deletions and the invalidation come
 * only after every upload is confirmed, so a failed upload never leaves pages pointing at missing files:
 * the publish stops as `interrupted` with "N of M uploaded" and waits for resume.
 */
import { randomUUID } from 'node:crypto'
import { basename } from 'node:path'
import { DeleteObjectsCommand, HeadObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3'
import type { AppEvent } from '../../api/events'
import type { HeaderRule, PlanItem, PublishPlan, PublishView } from '../../api/publish'
import { HaneulError, toApiError } from '../../core/errors'
import type { Handlers } from '../../router'
import type { TransferEngine, TransferSnapshot } from '../../transfers/index'
import { DEFAULT_RULES, headersFor, PatternError, validateRules } from './header-rules'
import { exactPathsOf, foldPaths } from './invalidation'
import { digestFile, walkFolder, type Digest, type DigestRequest, type LocalFile } from './local-folder'
import { buildPublishPlan, keyPrefixOf, type PlannedItem, type RemoteObject } from './plan'
import { siteKey, type PublishStore, type StoredPublish } from './store'

type CloudFrontHandlers = Pick<
  Handlers['cloudfront'],
  'listDistributions' | 'planInvalidation' | 'createInvalidation' | 'invalidation' | 'listInvalidations'
>

export interface PublishServiceDeps {
  /** The profile's S3 client. */
  s3: (profileId: string) => Promise<S3Client>
  /** Runs an S3 call offline-aware (OfflineFirst('s3').network). */
  network: <T>(profileId: string, work: () => Promise<T>) => Promise<T>
  engine: Pick<TransferEngine, 'upload' | 'get' | 'retry' | 'resume' | 'subscribe'>
  cloudfront: CloudFrontHandlers
  /** The OS folder dialog; undefined when cancelled. */
  chooseFolder: () => Promise<string | undefined>
  store: PublishStore
  emit: (event: AppEvent) => void
  notify: (title: string, body: string) => void
  nowMs?: () => number
  /** Waits between invalidation polls; rejects when the signal aborts. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>
  /** Invalidation polling: first delay, doubling up to the cap. */
  pollDelayMs?: { initial: number; max: number }
  progressIntervalMs?: number
  log?: (message: string) => void
}

interface StoredPlan {
  plan: PublishPlan
  items: PlannedItem[]
  profileId: string
  bucket: string
  originPath: string
  distributionId?: string
  folderPath: string
  createdAtMs: number
}

const MAX_PLANS = 20
const DELETE_BATCH = 1000

const defaultSleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, ms)
    timer.unref?.()
    signal.addEventListener('abort', () => (clearTimeout(timer), reject(signal.reason)), { once: true })
  })

const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`

export class PublishService {
  private readonly folders = new Map<string, string>()
  private readonly plans = new Map<string, StoredPlan>()
  private readonly publishes = new Map<string, StoredPublish>()
  private readonly runs = new Map<string, Promise<void>>()
  /** Job id → publish id, for the engine's events. */
  private readonly jobOwner = new Map<string, string>()
  private readonly dirty = new Set<string>()
  private readonly controller = new AbortController()
  private readonly timer: ReturnType<typeof setInterval>
  private readonly unsubscribe: () => void
  private readonly nowMs: () => number
  private readonly sleep: NonNullable<PublishServiceDeps['sleep']>
  private closed = false

  constructor(private readonly deps: PublishServiceDeps) {
    this.nowMs = deps.nowMs ?? Date.now
    this.sleep = deps.sleep ?? defaultSleep
    this.unsubscribe = deps.engine.subscribe({
      onProgress: (s) => this.jobChanged(s),
      onDone: (s) => this.jobChanged(s),
    })
    this.timer = setInterval(() => this.flushEvents(), deps.progressIntervalMs ?? 200)
    this.timer.unref?.()
  }

  /** Loads publishes a quit or crash interrupted; each continues where it stopped (`autoResume`) or waits for resume. */
  async open(options: { autoResume: boolean }): Promise<void> {
    for (const publish of await this.deps.store.loadPublishes()) {
      this.publishes.set(publish.publishId, publish)
      for (const upload of publish.uploads) if (upload.jobId) this.jobOwner.set(upload.jobId, publish.publishId)
      if (publish.state === 'uploading' || publish.state === 'deleting' || publish.state === 'invalidating') {
        publish.state = 'interrupted'
        publish.message = `Interrupted when Haneul stopped: ${this.doneCount(publish)} of ${publish.uploads.length} uploaded.`
        if (options.autoResume) this.run(publish)
        else await this.deps.store.savePublish(publish)
      }
    }
  }

  async chooseFolder(): Promise<{ folderId?: string; folderName?: string }> {
    const path = await this.deps.chooseFolder()
    if (!path) return {}
    const folderId = randomUUID()
    this.folders.set(folderId, path)
    return { folderId, folderName: basename(path) }
  }

  async rules(profileId: string, bucket: string, originPath: string) {
    const saved = await this.deps.store.readRules(siteKey(profileId, bucket, originPath))
    return { rules: saved ?? DEFAULT_RULES, defaults: DEFAULT_RULES, saved: saved !== undefined }
  }

  async saveRules(profileId: string, bucket: string, originPath: string, rules: HeaderRule[]) {
    checkRules(rules)
    await this.deps.store.saveRules(siteKey(profileId, bucket, originPath), rules)
    return { rules }
  }

  /** The dry run. Reads the folder and the bucket (and CloudFront's usage for the cost); changes nothing. */
  async plan(
    input: {
      profileId: string
      bucket: string
      originPath: string
      folderId: string
      distributionId?: string
      deletions: boolean
      rules?: HeaderRule[]
    },
    signal: AbortSignal,
  ): Promise<PublishPlan> {
    const folderPath = this.folders.get(input.folderId)
    if (!folderPath) throw new HaneulError('not-found', 'That folder is no longer known; choose it again.')
    const { profileId, bucket, originPath } = input
    const rules = input.rules ?? (await this.rules(profileId, bucket, originPath)).rules
    checkRules(rules)
    if (input.distributionId) await this.checkOrigin(profileId, input.distributionId, bucket, originPath, signal)
    const keyPrefix = keyPrefixOf(originPath)
    let requests = 0
    const client = await this.deps.s3(profileId)
    const s3 = <T>(work: () => Promise<T>) => (requests++, this.deps.network(profileId, work))
    const { files, problems } = await walkFolder(folderPath, signal)
    const remote = await this.listRemote(bucket, keyPrefix, client, s3, signal)
    const digests = new Map<string, Promise<Digest>>()
    const items = await buildPublishPlan(
      { files, problems, remote, keyPrefix, deletions: input.deletions, headersFor: (name) => headersFor(name, rules) },
      {
        digest: (file: LocalFile, request: DigestRequest) => {
          // One file is asked for one kind of digest per plan; the key keeps different requests apart.
          const key = `${file.path}\n${JSON.stringify(request)}`
          let digest = digests.get(key)
          if (!digest) digests.set(key, (digest = digestFile(file.path, request, signal, file.sizeBytes)))
          return digest
        },
        head: async (key, options) => {
          const reply = await s3(() =>
            client.send(
              new HeadObjectCommand({
                Bucket: bucket,
                Key: key,
                ...(options.checksums ? { ChecksumMode: 'ENABLED' as const } : {}),
                ...(options.partNumber ? { PartNumber: options.partNumber } : {}),
              }),
              { abortSignal: signal },
            ),
          )
          const found = (['CRC64NVME', 'CRC32C', 'CRC32', 'SHA256', 'SHA1'] as const).find((a) => reply[`Checksum${a}`])
          return {
            contentLength: reply.ContentLength ?? 0,
            ...(found ? { checksum: { algorithm: found, value: reply[`Checksum${found}`]!, type: reply.ChecksumType } } : {}),
          }
        },
      },
    )
    const changedKeys = items.filter((i) => i.action === 'new' || i.action === 'changed' || i.action === 'delete').map((i) => i.key!)
    const counts = { new: 0, changed: 0, unchanged: 0, delete: 0, problem: 0 }
    for (const item of items) counts[item.action]++
    const planId = randomUUID()
    const plan: PublishPlan = {
      planId,
      folderName: basename(folderPath),
      items: items.map(({ file: _file, ...visible }): PlanItem => visible),
      counts,
      bytesToUpload: items.filter((i) => i.action === 'new' || i.action === 'changed').reduce((n, i) => n + i.sizeBytes, 0),
      requestsSent: requests,
      ...(input.distributionId && changedKeys.length
        ? { invalidation: await this.invalidationPlan(profileId, input.distributionId, changedKeys, originPath) }
        : {}),
    }
    this.plans.set(planId, {
      plan,
      items,
      profileId,
      bucket,
      originPath,
      distributionId: input.distributionId,
      folderPath,
      createdAtMs: this.nowMs(),
    })
    while (this.plans.size > MAX_PLANS) this.plans.delete(this.plans.keys().next().value!)
    return plan
  }

  /** Runs a plan made by plan(). */
  async start(planId: string): Promise<PublishView> {
    const stored = this.plans.get(planId)
    if (!stored) throw new HaneulError('not-found', 'That plan is no longer known; make the dry run again.')
    const busy = [...this.publishes.values()].find(
      (p) => p.profileId === stored.profileId && p.bucket === stored.bucket && p.state !== 'completed' && p.state !== 'failed',
    )
    if (busy) {
      throw new HaneulError(
        'conflict',
        `A publish to ${stored.bucket} is ${busy.state === 'interrupted' ? 'interrupted' : 'under way'} (${this.doneCount(busy)} of ${busy.uploads.length} uploaded): resume or abandon it first.`,
      )
    }
    this.plans.delete(planId)
    const publish: StoredPublish = {
      version: 1,
      publishId: randomUUID(),
      profileId: stored.profileId,
      bucket: stored.bucket,
      originPath: stored.originPath,
      ...(stored.distributionId ? { distributionId: stored.distributionId } : {}),
      folderPath: stored.folderPath,
      folderName: stored.plan.folderName,
      startedAtMs: this.nowMs(),
      state: 'uploading',
      uploads: stored.items
        .filter((i) => (i.action === 'new' || i.action === 'changed') && i.file)
        .map((i) => ({
          key: i.key!,
          filePath: i.file!.path,
          sizeBytes: i.sizeBytes,
          ...(i.contentType ? { contentType: i.contentType } : {}),
          ...(i.cacheControl ? { cacheControl: i.cacheControl } : {}),
          done: false,
        })),
      deletes: stored.items.filter((i) => i.action === 'delete').map((i) => ({ key: i.key!, done: false })),
      invalidationPaths: stored.plan.invalidation?.paths ?? [],
    }
    this.publishes.set(publish.publishId, publish)
    await this.deps.store.savePublish(publish)
    this.run(publish)
    return this.view(publish)
  }

  resume(publishId: string): PublishView {
    const publish = this.get(publishId)
    if (publish.state === 'completed') return this.view(publish)
    if (!this.runs.has(publishId)) this.run(publish)
    return this.view(publish)
  }

  async dismiss(publishId: string, abandon: boolean): Promise<void> {
    const publish = this.get(publishId)
    if (this.runs.has(publishId)) throw new HaneulError('conflict', 'This publish is still running; wait for it to finish.')
    if (publish.state === 'interrupted' && !abandon) {
      throw new HaneulError(
        'conflict',
        `This publish is interrupted (${this.doneCount(publish)} of ${publish.uploads.length} uploaded): the bucket is half-published. Resume it, or abandon it knowingly.`,
      )
    }
    this.publishes.delete(publishId)
    await this.deps.store.removePublish(publishId)
  }

  /** True while the publish's steps run (it may still be 'interrupted' on screen for a moment before). */
  isRunning(publishId: string): boolean {
    return this.runs.has(publishId)
  }

  list(): PublishView[] {
    return [...this.publishes.values()].map((p) => this.view(p))
  }

  async close(): Promise<void> {
    this.closed = true
    this.controller.abort(new HaneulError('cancelled', 'Haneul is quitting.'))
    clearInterval(this.timer)
    this.unsubscribe()
    await Promise.allSettled(this.runs.values())
    await this.deps.store.flush()
  }

  // ---- the plan's pieces ----

  private async checkOrigin(profileId: string, distributionId: string, bucket: string, originPath: string, signal: AbortSignal) {
    // The list has every distribution's origins; the usage reading for the cost needs the same list, and reuses it.
    const { distributions } = await this.deps.cloudfront.listDistributions({ profileId, source: 'network' }, { senderUrl: 'main', signal })
    const distribution = distributions.find((d) => d.id === distributionId)
    if (!distribution) throw new HaneulError('not-found', `There is no distribution ${distributionId} in this account.`)
    const serving = distribution.origins.filter((o) => o.bucket === bucket)
    if (!serving.length)
      throw new HaneulError(
        'bad-request',
        `The distribution ${distributionId} has no origin on the bucket "${bucket}": publishing there would not reach it.`,
      )
    if (!serving.some((o) => o.originPath === originPath)) {
      throw new HaneulError(
        'bad-request',
        `The distribution ${distributionId} serves "${bucket}" with origin path ${serving.map((o) => `"${o.originPath || '(none)'}"`).join(', ')}, not "${originPath || '(none)'}": choose the origin to publish to.`,
      )
    }
  }

  private async listRemote(
    bucket: string,
    prefix: string,
    client: S3Client,
    s3: <T>(work: () => Promise<T>) => Promise<T>,
    signal: AbortSignal,
  ): Promise<RemoteObject[]> {
    const out: RemoteObject[] = []
    let token: string | undefined
    do {
      const page = await s3(() =>
        client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }), { abortSignal: signal }),
      )
      for (const object of page.Contents ?? []) {
        if (object.Key === undefined) continue
        out.push({
          key: object.Key,
          sizeBytes: object.Size ?? 0,
          etag: (object.ETag ?? '').replace(/^"|"$/g, ''),
          ...(object.ChecksumAlgorithm?.[0] ? { checksumAlgorithm: object.ChecksumAlgorithm[0] } : {}),
          ...(object.ChecksumType ? { checksumType: object.ChecksumType } : {}),
        })
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined
    } while (token)
    return out
  }

  private async invalidationPlan(profileId: string, distributionId: string, keys: string[], originPath: string) {
    const ctx = { senderUrl: 'main', signal: this.controller.signal }
    const exact = exactPathsOf(keys, originPath)
    const exactPlan = await this.deps.cloudfront.planInvalidation({ profileId, distributionId, paths: exact.paths }, ctx)
    const folded = foldPaths(exact.paths, exactPlan.cost.pathsThisMonth)
    const plan = folded.reason
      ? await this.deps.cloudfront.planInvalidation({ profileId, distributionId, paths: folded.paths }, ctx)
      : exactPlan
    return { exactPaths: exact.paths, paths: folded.paths, ...(folded.reason ? { foldReason: folded.reason } : {}), plan }
  }

  // ---- running ----

  private run(publish: StoredPublish): void {
    if (this.closed || this.runs.has(publish.publishId)) return
    const running = this.runSteps(publish)
      .catch(async (error: unknown) => {
        if (this.closed) return
        publish.state = 'interrupted'
        publish.message = `${toApiError(error).message} ${this.doneCount(publish)} of ${publish.uploads.length} uploaded; resume to continue.`
        await this.deps.store.savePublish(publish)
      })
      .finally(() => {
        this.runs.delete(publish.publishId)
        this.changed(publish.publishId)
        this.flushEvents()
      })
    this.runs.set(publish.publishId, running)
  }

  private async runSteps(publish: StoredPublish): Promise<void> {
    const { signal } = this.controller
    publish.state = 'uploading'
    publish.message = undefined
    await this.save(publish)
    if (!(await this.upload(publish))) return
    if (publish.deletes.some((d) => !d.done)) {
      publish.state = 'deleting'
      await this.save(publish)
      await this.deleteObjects(publish, signal)
    }
    if (publish.distributionId && publish.invalidationPaths.length) {
      publish.state = 'invalidating'
      await this.save(publish)
      await this.invalidate(publish, signal)
    }
    if (this.closed) return
    publish.state = 'completed'
    publish.message = undefined
    await this.save(publish)
    this.deps.notify(
      'Haneul: site published',
      `${publish.bucket}: ${plural(publish.uploads.length, 'file')} uploaded${publish.deletes.length ? `, ${plural(publish.deletes.length, 'object')} deleted` : ''}${publish.invalidation ? ', invalidation completed' : ''}.`,
    )
  }

  /** Starts (or finds again) every upload not done and waits for all; false when some failed (the publish is interrupted). */
  private async upload(publish: StoredPublish): Promise<boolean> {
    const pending = publish.uploads.filter((u) => !u.done)
    const settled = new Map<string, Promise<TransferSnapshot>>()
    const waiters = new Map<string, (s: TransferSnapshot) => void>()
    const stop = this.deps.engine.subscribe({
      onDone: (s) => waiters.get(s.jobId)?.(s),
    })
    try {
      for (const upload of pending) {
        const existing = upload.jobId ? this.deps.engine.get(upload.jobId) : undefined
        if (existing?.state === 'done') {
          upload.done = true
          continue
        }
        if (existing && existing.state === 'failed') this.deps.engine.retry(existing.jobId)
        else if (!existing || existing.state === 'cancelled') {
          upload.jobId = this.deps.engine.upload({
            profileId: publish.profileId,
            bucket: publish.bucket,
            key: upload.key,
            filePath: upload.filePath,
            ...(upload.contentType ? { contentType: upload.contentType } : {}),
            ...(upload.cacheControl ? { cacheControl: upload.cacheControl } : {}),
          })
        } else if (existing.state === 'paused') this.deps.engine.resume(existing.jobId)
        const jobId = upload.jobId!
        this.jobOwner.set(jobId, publish.publishId)
        settled.set(jobId, new Promise<TransferSnapshot>((resolve) => waiters.set(jobId, resolve)))
        // Finished between starting and listening.
        const now = this.deps.engine.get(jobId)
        if (now && (now.state === 'done' || now.state === 'failed' || now.state === 'cancelled')) waiters.get(jobId)?.(now)
      }
      await this.save(publish)
      const failures: string[] = []
      const byJob = new Map(publish.uploads.filter((u) => u.jobId).map((u) => [u.jobId!, u]))
      await Promise.all(
        [...settled].map(async ([jobId, done]) => {
          const snapshot = await Promise.race([done, this.aborted()])
          if (!snapshot) return
          const upload = byJob.get(jobId)!
          if (snapshot.state === 'done') {
            upload.done = true
            void this.save(publish).catch(() => {})
          } else failures.push(`${upload.key}: ${snapshot.error?.message ?? snapshot.state}`)
        }),
      )
      if (this.closed) return false
      if (failures.length) {
        publish.state = 'interrupted'
        publish.message = `Publish interrupted: ${this.doneCount(publish)} of ${publish.uploads.length} uploaded; ${plural(failures.length, 'upload')} failed (${failures[0]}). Nothing was deleted or invalidated; resume to continue.`
        await this.save(publish)
        return false
      }
      return true
    } finally {
      stop()
    }
  }

  private aborted(): Promise<undefined> {
    const { signal } = this.controller
    return new Promise((resolve) =>
      signal.aborted ? resolve(undefined) : signal.addEventListener('abort', () => resolve(undefined), { once: true }),
    )
  }

  private async deleteObjects(publish: StoredPublish, signal: AbortSignal): Promise<void> {
    const client = await this.deps.s3(publish.profileId)
    const pending = publish.deletes.filter((d) => !d.done)
    for (let i = 0; i < pending.length; i += DELETE_BATCH) {
      const batch = pending.slice(i, i + DELETE_BATCH)
      const reply = await this.deps.network(publish.profileId, () =>
        client.send(
          new DeleteObjectsCommand({ Bucket: publish.bucket, Delete: { Objects: batch.map((d) => ({ Key: d.key })), Quiet: true } }),
          { abortSignal: signal },
        ),
      )
      const failed = new Map((reply.Errors ?? []).map((e) => [e.Key, e.Message ?? e.Code ?? 'refused']))
      for (const d of batch) if (!failed.has(d.key)) d.done = true
      await this.save(publish)
      if (failed.size) {
        const [key, why] = [...failed][0]!
        throw new HaneulError('conflict', `${plural(failed.size, 'deletion')} refused (${key}: ${why}).`)
      }
    }
  }

  private async invalidate(publish: StoredPublish, signal: AbortSignal): Promise<void> {
    const profileId = publish.profileId
    const distributionId = publish.distributionId!
    const ctx = { senderUrl: 'main', signal }
    // What CloudFront said just now needs no poll to confirm; a status from before a restart does.
    let justAnswered = false
    if (!publish.invalidation?.ids.length) {
      // A crash after sending but before saving: find the invalidation instead of paying for it twice.
      const found = publish.invalidationRequested ? await this.findSent(publish, signal) : undefined
      if (found) publish.invalidation = { ids: [found], status: 'InProgress' }
      else {
        publish.invalidationRequested = true
        await this.save(publish)
        const sent = await this.deps.cloudfront.createInvalidation({ profileId, distributionId, paths: publish.invalidationPaths }, ctx)
        const done = sent.invalidations.length > 0 && sent.invalidations.every((i) => i.status === 'Completed')
        publish.invalidation = {
          ids: sent.invalidations.map((i) => i.id),
          status: done ? 'Completed' : sent.invalidations.length ? 'InProgress' : 'Queued',
        }
        justAnswered = true
        if (!sent.invalidations.length) {
          publish.message = `The invalidation waits in Haneul behind CloudFront's limits (${plural(sent.queuedPaths, 'path')}); the CloudFront view follows it.`
          await this.save(publish)
          return
        }
      }
      await this.save(publish)
    }
    if (publish.invalidation!.status === 'Completed') return
    // Polls back off (1 s, 2 s, 4 s … up to 30 s): a small invalidation is seen done soon, a long one costs few requests.
    const pollDelay = this.deps.pollDelayMs ?? { initial: 1_000, max: 30_000 }
    let delayMs = pollDelay.initial
    const wait = async () => {
      await this.sleep(delayMs, signal)
      delayMs = Math.min(delayMs * 2, pollDelay.max)
    }
    if (justAnswered) await wait()
    for (const id of publish.invalidation!.ids) {
      for (;;) {
        const { invalidation } = await this.deps.cloudfront.invalidation({ profileId, distributionId, invalidationId: id }, ctx)
        if (publish.invalidation!.status !== invalidation.status) {
          publish.invalidation!.status = invalidation.status
          this.changed(publish.publishId)
        }
        if (invalidation.status === 'Completed') break
        await wait()
      }
    }
    publish.invalidation!.status = 'Completed'
  }

  /** The invalidation of exactly these paths made since the publish started, if CloudFront has one. */
  private async findSent(publish: StoredPublish, signal: AbortSignal): Promise<string | undefined> {
    const ctx = { senderUrl: 'main', signal }
    const { profileId } = publish
    const distributionId = publish.distributionId!
    const { invalidations } = await this.deps.cloudfront.listInvalidations({ profileId, distributionId, source: 'network' }, ctx)
    const wanted = [...publish.invalidationPaths].sort().join('\n')
    for (const summary of invalidations.filter((i) => i.createdAtMs >= publish.startedAtMs - 60_000)) {
      const { invalidation } = await this.deps.cloudfront.invalidation({ profileId, distributionId, invalidationId: summary.id }, ctx)
      if ([...invalidation.paths].sort().join('\n') === wanted) return summary.id
    }
    return undefined
  }

  // ---- state and events ----

  private get(publishId: string): StoredPublish {
    const publish = this.publishes.get(publishId)
    if (!publish) throw new HaneulError('not-found', 'That publish is no longer listed.')
    return publish
  }

  private doneCount(publish: StoredPublish): number {
    return publish.uploads.filter((u) => u.done).length
  }

  private async save(publish: StoredPublish): Promise<void> {
    this.changed(publish.publishId)
    await this.deps.store.savePublish(publish)
  }

  private jobChanged(snapshot: TransferSnapshot): void {
    const owner = this.jobOwner.get(snapshot.jobId)
    if (owner) this.changed(owner)
  }

  private changed(publishId: string): void {
    this.dirty.add(publishId)
  }

  private flushEvents(): void {
    for (const publishId of this.dirty) {
      const publish = this.publishes.get(publishId)
      if (publish) this.deps.emit({ type: 'publish.changed', publish: this.view(publish) })
    }
    this.dirty.clear()
  }

  view(publish: StoredPublish): PublishView {
    let bytesDone = 0
    let bytesPerSecond = 0
    for (const upload of publish.uploads) {
      if (upload.done) {
        bytesDone += upload.sizeBytes
        continue
      }
      const snapshot = upload.jobId ? this.deps.engine.get(upload.jobId) : undefined
      if (snapshot) {
        bytesDone += Math.min(snapshot.bytesDone, upload.sizeBytes)
        if (snapshot.state === 'running') bytesPerSecond += snapshot.bytesPerSecond
      }
    }
    const bytesTotal = publish.uploads.reduce((n, u) => n + u.sizeBytes, 0)
    const etaSeconds = bytesPerSecond > 0 ? Math.ceil((bytesTotal - bytesDone) / bytesPerSecond) : undefined
    return {
      publishId: publish.publishId,
      profileId: publish.profileId,
      bucket: publish.bucket,
      originPath: publish.originPath,
      ...(publish.distributionId ? { distributionId: publish.distributionId } : {}),
      folderName: publish.folderName,
      state: publish.state,
      uploadsDone: this.doneCount(publish),
      uploadsTotal: publish.uploads.length,
      deletesDone: publish.deletes.filter((d) => d.done).length,
      deletesTotal: publish.deletes.length,
      bytesDone,
      bytesTotal,
      bytesPerSecond,
      ...(etaSeconds !== undefined && publish.state === 'uploading' ? { etaSeconds } : {}),
      ...(publish.distributionId && publish.invalidationPaths.length
        ? {
            invalidation: {
              ...(publish.invalidation?.ids[0] ? { id: publish.invalidation.ids[0] } : {}),
              status: publish.invalidation?.status ?? 'Not sent',
              paths: publish.invalidationPaths,
            },
          }
        : {}),
      ...(publish.message ? { message: publish.message } : {}),
      startedAtMs: publish.startedAtMs,
      updatedAtMs: this.nowMs(),
    }
  }
}

function checkRules(rules: readonly HeaderRule[]): void {
  try {
    validateRules(rules)
  } catch (error) {
    if (error instanceof PatternError) throw new HaneulError('bad-request', `A header rule's pattern cannot be used: ${error.message}.`)
    throw error
  }
}
