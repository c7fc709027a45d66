/**
 * What the transfers panel asks for, on top of the engine: uploading a drop into a folder (planning,
 * conflicts, folder structure), downloading keys and prefixes into a folder the user picks, batches
 * with an OS notification when they finish, and progress pushed to the renderer ≈ 5 times a second.
 */
import { randomUUID } from 'node:crypto'
import { basename, join } from 'node:path'
import { HeadBucketCommand, HeadObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3'
import type { AppEvent } from '../api/events'
import type { TransferView } from '../api/transfers'
import { HaneulError, toApiError } from '../core/errors'
import type { S3ClientSource } from './deps'
import type { DropRegistry } from './drops'
import type { TransferEngine } from './engine'
import { mapKeyToSegments } from './local-paths'
import { FINISHED_STATES, type TransferSnapshot } from './model'
import { S3_LIMITS } from './config'
import { contentTypeFor } from '../core/content-types'

export interface TransfersServiceDeps {
  engine: TransferEngine
  drops: DropRegistry
  clients: S3ClientSource
  emit: (event: AppEvent) => void
  /** Asks the user for a download folder (the OS dialog); undefined when they cancel. */
  chooseFolder: () => Promise<string | undefined>
  /** Shows an OS notification. */
  notify: (title: string, body: string) => void
  showInFolder: (path: string) => void
  platform?: NodeJS.Platform
  progressIntervalMs?: number
}

const KEY_LIMIT_BYTES = 1024
const CONFLICT_LIST_LIMIT = 1_000

interface Batch {
  jobIds: Set<string>
  label: string
}

/** "name.ext" → "name (n).ext", the rename policy's free name. */
export function renamedKey(key: string, n: number): string {
  const slash = key.lastIndexOf('/')
  const dot = key.lastIndexOf('.')
  const hasExtension = dot > slash + 1
  return hasExtension ? `${key.slice(0, dot)} (${n})${key.slice(dot)}` : `${key} (${n})`
}

export class TransfersService {
  private readonly batches = new Map<string, Batch>()
  private readonly batchOf = new Map<string, string>()
  private readonly changed = new Map<string, TransferSnapshot>()
  private readonly timer: ReturnType<typeof setInterval>

  constructor(private readonly deps: TransfersServiceDeps) {
    deps.engine.subscribe({
      onQueued: (s) => this.changed.set(s.jobId, s),
      onProgress: (s) => this.changed.set(s.jobId, s),
      onDone: (s) => {
        this.changed.set(s.jobId, s)
        this.settleBatch(s.jobId)
      },
    })
    // Coalesce the engine's per-job updates into one event per tick.
    this.timer = setInterval(() => this.flush(), deps.progressIntervalMs ?? 200)
    this.timer.unref?.()
  }

  list(): TransferView[] {
    return this.deps.engine.list().map((s) => this.view(s))
  }

  async registerDrop(paths: string[]): Promise<string> {
    const { dropId, items } = await this.deps.drops.register(paths)
    this.deps.emit({ type: 'drop.received', dropId, items })
    return dropId
  }

  /**
   * Destination keys for a drop: prefix + the dropped path, NFC (the web's form, as S3 consoles do).
   * Two files whose names differ only in Unicode form (NFC and NFD twins, which Linux and Windows
   * allow side by side) would get one key: the later ones are marked as twins of the first, so the
   * upload asks about them like about an existing key instead of letting one overwrite the other.
   */
  private async destinations(dropId: string, prefix: string) {
    const contents = await this.deps.drops.contents(dropId)
    if (!contents) throw new HaneulError('not-found', 'That drop has expired; drop the files again.')
    const refused: Array<{ name: string; reason: string }> = [...contents.unreadable]
    const planned: Array<{ path: string; name: string; key: string; sizeBytes: number; twinOf?: string }> = []
    const firstWithKey = new Map<string, string>()
    for (const file of contents.files) {
      const key = `${prefix}${file.relativePath.normalize('NFC')}`
      if (Buffer.byteLength(key) > KEY_LIMIT_BYTES)
        refused.push({ name: file.relativePath, reason: `its key would be ${Buffer.byteLength(key)} bytes; S3 allows 1,024` })
      else if (file.sizeBytes > S3_LIMITS.maxObjectSizeBytes)
        refused.push({ name: file.relativePath, reason: 'it is larger than 5 TiB, the most S3 can store in one object' })
      else {
        const twinOf = firstWithKey.get(key)
        if (twinOf === undefined) firstWithKey.set(key, file.relativePath)
        planned.push({
          path: file.path,
          name: file.relativePath,
          key,
          sizeBytes: file.sizeBytes,
          ...(twinOf !== undefined ? { twinOf } : {}),
        })
      }
    }
    return { planned, refused }
  }

  /** The bucket must exist before anything is planned into it (a listing of a missing bucket looks empty to HEAD). */
  private async requireBucket(profileId: string, bucket: string, signal?: AbortSignal): Promise<void> {
    const client = await this.deps.clients.s3(profileId)
    try {
      await client.send(new HeadBucketCommand({ Bucket: bucket }), { abortSignal: signal })
    } catch (error) {
      if (toApiError(error).code === 'not-found')
        throw new HaneulError('not-found', `The bucket "${bucket}" does not exist (or belongs to another account). Pick another bucket.`)
      throw error
    }
  }

  /** Which destination keys exist: listed per dropped top-level folder, looked up one by one for files. */
  private async existing(profileId: string, bucket: string, keys: string[], signal?: AbortSignal): Promise<Set<string>> {
    const client = await this.deps.clients.s3(profileId)
    const found = new Set<string>()
    const listed = new Set<string>()
    // Keys sharing a folder are checked with one flat listing of that folder; lone files with HEAD.
    const folders = new Map<string, string[]>()
    for (const key of keys) {
      const folder = key.slice(0, key.lastIndexOf('/') + 1)
      folders.set(folder, [...(folders.get(folder) ?? []), key])
    }
    for (const [folder, inFolder] of folders) {
      if (inFolder.length === 1) {
        const key = inFolder[0]!
        try {
          await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: signal })
          found.add(key)
        } catch (error) {
          if (toApiError(error).code !== 'not-found') throw error
        }
        continue
      }
      if (listed.has(folder)) continue
      listed.add(folder)
      let token: string | undefined
      do {
        const page = await client.send(
          new ListObjectsV2Command({ Bucket: bucket, Prefix: folder, Delimiter: '/', ContinuationToken: token }),
          { abortSignal: signal },
        )
        // Every key of the folder, not only the wanted ones: "keep both" must not pick a name that exists.
        for (const object of page.Contents ?? []) if (object.Key) found.add(object.Key)
        token = page.IsTruncated ? page.NextContinuationToken : undefined
      } while (token)
    }
    return found
  }

  async planUpload(input: { dropId: string; profileId: string; bucket: string; prefix: string }, signal?: AbortSignal) {
    const { planned, refused } = await this.destinations(input.dropId, input.prefix)
    await this.requireBucket(input.profileId, input.bucket, signal)
    const existing = await this.existing(
      input.profileId,
      input.bucket,
      planned.filter((p) => p.twinOf === undefined).map((p) => p.key),
      signal,
    )
    // A twin's key is taken by its first file: it is a conflict like a key already in the bucket.
    const conflicts = [...new Set(planned.filter((p) => existing.has(p.key) || p.twinOf !== undefined).map((p) => p.key))]
    const twins = planned.flatMap((p) => (p.twinOf === undefined ? [] : [{ name: p.name, sameKeyAs: p.twinOf, key: p.key }]))
    return {
      files: planned.length,
      bytes: planned.reduce((n, p) => n + p.sizeBytes, 0),
      conflicts: conflicts.slice(0, CONFLICT_LIST_LIMIT),
      conflictCount: conflicts.length,
      twins: twins.slice(0, CONFLICT_LIST_LIMIT),
      refused,
    }
  }

  async startUpload(input: {
    dropId: string
    profileId: string
    bucket: string
    prefix: string
    onConflict: 'overwrite' | 'skip' | 'rename'
  }) {
    const { planned, refused } = await this.destinations(input.dropId, input.prefix)
    await this.requireBucket(input.profileId, input.bucket)
    const hasTwins = planned.some((p) => p.twinOf !== undefined)
    // Renaming a twin needs to know the folder's keys even when existing keys are overwritten.
    const existing =
      input.onConflict === 'overwrite' && !hasTwins
        ? new Set<string>()
        : await this.existing(
            input.profileId,
            input.bucket,
            planned.map((p) => p.key),
          )
    const taken = new Set([...existing, ...planned.map((p) => p.key)])
    const batchId = randomUUID()
    const jobIds: string[] = []
    const renamed: Array<{ name: string; key: string }> = []
    let skipped = 0
    for (const file of planned) {
      let key = file.key
      // A twin never overwrites its first file: it is skipped, or kept under a free "name (n)" key
      // (also with 'overwrite', which means the bucket's old object, not another file of this drop).
      const twin = file.twinOf !== undefined
      if (twin || (existing.has(key) && input.onConflict !== 'overwrite')) {
        if (input.onConflict === 'skip') {
          skipped++
          continue
        }
        key = await this.freeKey(input.profileId, input.bucket, file.key, taken)
        taken.add(key)
        renamed.push({ name: file.name, key })
      }
      jobIds.push(
        this.deps.engine.upload({
          profileId: input.profileId,
          bucket: input.bucket,
          key,
          filePath: file.path,
          contentType: contentTypeFor(file.path),
        }),
      )
    }
    this.deps.drops.forget(input.dropId)
    this.track(batchId, jobIds, `s3://${input.bucket}/${input.prefix}`)
    return { batchId, jobs: jobIds.length, skipped, renamed, refused }
  }

  /** "name (n).ext" with the smallest n that is neither planned nor in the bucket (checked with HEAD). */
  private async freeKey(profileId: string, bucket: string, key: string, taken: Set<string>): Promise<string> {
    const client = await this.deps.clients.s3(profileId)
    for (let n = 1; ; n++) {
      const candidate = renamedKey(key, n)
      if (taken.has(candidate)) continue
      try {
        await client.send(new HeadObjectCommand({ Bucket: bucket, Key: candidate }))
        taken.add(candidate)
      } catch (error) {
        if (toApiError(error).code === 'not-found') return candidate
        throw error
      }
    }
  }

  async download(input: { profileId: string; bucket: string; sourcePrefix: string; keys: string[]; prefixes: string[] }) {
    const folder = await this.deps.chooseFolder()
    if (!folder) return { jobs: 0, refused: [], renamed: 0, cancelled: true }
    const platform = this.deps.platform ?? process.platform
    const { engine } = this.deps
    // One plan for the whole batch: picked keys and folders' keys are checked against each other.
    const plan = engine.downloadPlan(folder, platform)
    const jobIds: string[] = []
    const start = () => jobIds.push(...engine.startPlanned(plan, { profileId: input.profileId, bucket: input.bucket, withinDir: folder }))
    for (const key of input.keys) {
      const relative = key.startsWith(input.sourcePrefix) ? key.slice(input.sourcePrefix.length) : basename(key)
      await plan.add(key, folder, relative)
    }
    start()
    for (const prefix of input.prefixes) {
      // A folder lands as a folder of the same name inside the chosen one (the open folder itself too).
      const below = prefix.startsWith(input.sourcePrefix) ? prefix.slice(input.sourcePrefix.length) : ''
      const name = (below || prefix.split('/').filter(Boolean).pop() || input.bucket).replace(/\/$/, '')
      const mapped = mapKeyToSegments(name, platform)
      if (!mapped.ok) {
        plan.refused.push({ key: prefix, reason: mapped.reason })
        continue
      }
      const destinationDir = join(folder, ...mapped.relativeSegments)
      await engine.planPrefix(plan, { profileId: input.profileId, bucket: input.bucket, prefix, destinationDir }, start)
    }
    const { refused, renamed } = plan
    const batchId = jobIds.length ? randomUUID() : undefined
    if (batchId) this.track(batchId, jobIds, folder)
    return { batchId, jobs: jobIds.length, refused, renamed, cancelled: false }
  }

  pause(jobId: string): void {
    this.deps.engine.pause(jobId)
  }

  resume(jobId: string): void {
    this.deps.engine.resume(jobId)
  }

  retry(jobId: string): void {
    this.deps.engine.retry(jobId)
  }

  cancel(jobId: string): Promise<void> {
    return this.deps.engine.cancel(jobId)
  }

  clearFinished(): number {
    const finished = this.deps.engine.list().filter((s) => FINISHED_STATES.has(s.state))
    for (const snapshot of finished) this.deps.engine.dismiss(snapshot.jobId)
    return finished.length
  }

  showInFolder(jobId: string): void {
    const snapshot = this.deps.engine.get(jobId)
    if (!snapshot) throw new HaneulError('not-found', 'That transfer is no longer listed.')
    this.deps.showInFolder(snapshot.path)
  }

  close(): void {
    clearInterval(this.timer)
    this.flush()
  }

  private track(batchId: string, jobIds: string[], label: string): void {
    if (!jobIds.length) return
    this.batches.set(batchId, { jobIds: new Set(jobIds), label })
    for (const id of jobIds) this.batchOf.set(id, batchId)
    // Jobs that finished before the batch was recorded (instant failures) still count.
    for (const id of jobIds) {
      const state = this.deps.engine.get(id)?.state
      if (state && FINISHED_STATES.has(state)) this.settleBatch(id)
    }
  }

  private settleBatch(jobId: string): void {
    const batchId = this.batchOf.get(jobId)
    const batch = batchId ? this.batches.get(batchId) : undefined
    if (!batchId || !batch) return
    const snapshots = [...batch.jobIds].flatMap((id) => this.deps.engine.get(id) ?? [])
    if (snapshots.length < batch.jobIds.size || snapshots.some((s) => !FINISHED_STATES.has(s.state))) return
    const done = snapshots.filter((s) => s.state === 'done').length
    const failed = snapshots.length - done
    this.batches.delete(batchId)
    for (const id of batch.jobIds) this.batchOf.delete(id)
    this.flush()
    this.deps.emit({ type: 'transfers.batchDone', batchId, done, failed })
    this.deps.notify(
      failed ? 'Haneul: transfers finished with errors' : 'Haneul: transfers finished',
      `${done} done${failed ? `, ${failed} failed` : ''} — ${batch.label}`,
    )
  }

  private flush(): void {
    if (!this.changed.size) return
    const transfers = [...this.changed.values()].map((s) => this.view(s))
    this.changed.clear()
    this.deps.emit({ type: 'transfers.updated', transfers })
  }

  private view(s: TransferSnapshot): TransferView {
    return {
      jobId: s.jobId,
      kind: s.kind,
      profileId: s.profileId,
      bucket: s.bucket,
      key: s.key,
      fileName: basename(s.path),
      state: s.state,
      bytesDone: s.bytesDone,
      bytesTotal: s.bytesTotal,
      bytesPerSecond: s.bytesPerSecond,
      ...(s.etaSeconds !== undefined ? { etaSeconds: s.etaSeconds } : {}),
      partsDone: s.partsDone,
      partsTotal: s.partsTotal,
      ...(s.checksum ? { checksum: { algorithm: s.checksum.algorithm, value: s.checksum.value, verified: s.checksum.verified } } : {}),
      ...(s.restartReason ? { restartReason: s.restartReason } : {}),
      ...(s.error ? { error: s.error } : {}),
      ...(this.batchOf.get(s.jobId) ? { batchId: this.batchOf.get(s.jobId) } : {}),
      updatedAtMs: Date.now(),
    }
  }
}
