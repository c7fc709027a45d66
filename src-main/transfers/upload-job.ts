/**
 * One upload from disk: a single PutObject below the multipart threshold, otherwise CreateMultipartUpload →
 * UploadPart × N → CompleteMultipartUpload, resumable from its journal.
 *
 * Each part is read from its byte range into a pooled buffer (memory ≈ concurrency × part size), its CRC is
 * computed from that buffer and sent as the part's checksum header (so the SDK computes nothing itself), and
 * the file's identity is checked after every read against the one the job started from, so a file that changes
 * mid-upload fails the job instead of mixing two versions. The full-object CRC is combined from the part CRCs and compared with what S3
 * reports after completing. Endpoints that return no checksums fall back to comparing ETags with MD5s.
 */
import path from 'node:path'
import { setMaxListeners } from 'node:events'
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  HeadObjectCommand,
  ListPartsCommand,
  PutObjectCommand,
  UploadPartCommand,
  type S3Client,
  type StorageClass,
} from '@aws-sdk/client-s3'
import { HaneulError } from '../core/errors'
import { combineCrcs, crc32Of, md5Hex, multipartEtag } from './checksums'
import { S3_LIMITS } from './config'
import type { FileStats, TransferFileHandle } from './deps'
import { TransferJob, runPool, type JobContext, type JobIdentity } from './job'
import { AppendLog, createLog, readLog } from './journal'
import type { FileIdentity, UploadRecord, UploadRequest } from './model'
import { allRanges, planParts, type ByteRange, type PartPlan } from './part-plan'
import { IntegrityError, withRetries, type RetryContext } from './retry'
import { bufferBody, errorName, quietStreamingRetryWarning, readExactly, unquoteEtag } from './s3-io'

type Algorithm = 'CRC32' | 'CRC32C'
type Header = Extract<UploadRecord, { t: 'upload' }>
type PartRecord = Extract<UploadRecord, { t: 'part' }>

/** The file is not the one the job started with; the message says what differs. */
export class SourceChangedError extends HaneulError {
  constructor(detail: string) {
    super(
      'conflict',
      `The file changed while it was being uploaded (${detail}). Nothing was created on S3; retry to upload the new version.`,
    )
  }
}

const checksumField = (algorithm: Algorithm) =>
  (algorithm === 'CRC32' ? 'ChecksumCRC32' : 'ChecksumCRC32C') as 'ChecksumCRC32' | 'ChecksumCRC32C'

/** What changed between two looks at the file, or undefined. `strict` also compares ctime (within one run). */
export function describeChange(before: FileIdentity & { ctimeMs?: number }, after: FileStats, strict: boolean): string | undefined {
  if (after.ino !== before.ino) return 'replaced by another file (inode changed)'
  if (after.size !== before.size) return `size ${before.size} → ${after.size} bytes`
  if (after.mtimeMs !== before.mtimeMs)
    return `modified at ${new Date(after.mtimeMs).toISOString()}, was ${new Date(before.mtimeMs).toISOString()}`
  if (strict && before.ctimeMs !== undefined && after.ctimeMs !== before.ctimeMs) return 'its status changed (ctime)'
  return undefined
}

/** An upload's parts as far as they are known: enough to complete it or check the object it made. */
interface PartsView {
  header: Header
  plan: PartPlan
  parts: Map<number, PartRecord>
}

interface MultipartState extends PartsView {
  log: AppendLog
}

export class UploadJob extends TransferJob {
  private header?: Header
  private journaledParts = new Map<number, PartRecord>()

  constructor(
    identity: JobIdentity,
    ctx: JobContext,
    readonly request: UploadRequest,
    /** Resolves once the engine log holds this job, so a journal never exists for a job restore cannot find. */
    private readonly registered: Promise<void>,
  ) {
    super(identity, ctx)
  }

  get hasJournal(): boolean {
    return this.header !== undefined
  }

  async load(): Promise<void> {
    const records = (await readLog(this.ctx.fs, this.journalPath)) as UploadRecord[] | undefined
    const header = records?.[0]
    if (!records || header?.t !== 'upload') return
    this.header = header
    this.journaledParts = new Map(records.filter((r): r is PartRecord => r.t === 'part').map((part) => [part.n, part]))
    this.restartReason = header.restartReason
    this.bytesTotal = header.file.size
    this.partsTotal = planParts(header.file.size, header.partSizeBytes).partCount
    this.partsDone = this.journaledParts.size
    this.meter.start([...this.journaledParts.values()].reduce((sum, part) => sum + part.size, 0))
  }

  async run(signal: AbortSignal): Promise<void> {
    const config = this.ctx.config()
    const client = await this.ctx.clients.s3(this.identity.profileId)
    const stats = await this.statSource()
    this.bytesTotal = stats.size
    if (stats.size > S3_LIMITS.maxObjectSizeBytes) {
      throw new HaneulError(
        'bad-request',
        `${path.basename(this.request.filePath)} is ${stats.size} bytes; S3 objects can be at most 5 TiB. Nothing was sent.`,
      )
    }
    const retry = this.retryContext(client, signal)
    const change = this.header && describeChange(this.header.file, stats, false)
    if (this.header && change) {
      await this.abortUpload(client, this.header.uploadId)
      await this.ctx.fs.rm(this.journalPath)
      this.header = undefined
      this.restart(`The file changed since the upload started (${change}); uploading it again from the start.`)
    }
    // A multipart upload under way stays multipart even if the threshold has since been raised.
    if (!this.header && stats.size < config.multipartThresholdBytes) {
      await this.putSingle(client, stats, retry, signal)
      return
    }
    let state: MultipartState | 'completed' | undefined
    try {
      state = await this.resumeOrCreate(client, stats, retry, signal)
      if (state === 'completed') return
      await this.sendParts(client, state, stats, retry, signal)
      const change = describeChange(stats, await this.ctx.fs.stat(this.request.filePath), true)
      if (change) throw new SourceChangedError(change)
      await this.complete(client, state, retry)
    } catch (error) {
      if (error instanceof SourceChangedError && this.header) {
        // The parts hold bytes of a version that no longer exists: remove them so no object can be made of them.
        if (typeof state === 'object') await state.log.close()
        await this.abortUpload(client, this.header.uploadId)
        await this.ctx.fs.rm(this.journalPath)
        this.header = undefined
      }
      throw error
    } finally {
      if (typeof state === 'object') await state.log.close()
    }
  }

  async discard(): Promise<void> {
    if (this.header) {
      const client = await this.ctx.clients.s3(this.identity.profileId)
      await this.abortUpload(client, this.header.uploadId)
    }
    await this.ctx.fs.rm(this.journalPath)
  }

  private async statSource(): Promise<FileStats> {
    try {
      return await this.ctx.fs.stat(this.request.filePath)
    } catch (error) {
      // The file's name only: its path (and the user's home with it) stays in main.
      throw new HaneulError(
        'not-found',
        `Cannot read ${path.basename(this.request.filePath)} (${(error as NodeJS.ErrnoException).code ?? 'error'}).`,
      )
    }
  }

  // ---- single PutObject ----

  private async putSingle(client: S3Client, stats: FileStats, retry: RetryContext, signal: AbortSignal): Promise<void> {
    const algorithm = this.ctx.config().checksumAlgorithm
    this.partsTotal = 1
    const { bucket, key } = this.identity
    const report = await this.ctx.scheduler.run(
      this.id,
      async () => {
        const data = Buffer.allocUnsafe(stats.size)
        await this.readPart(this.request.filePath, data, 0, stats)
        const crc = crc32Of(algorithm, data).toString('base64')
        return withRetries(async (attempt) => {
          const progress = this.meter.track()
          try {
            const command = new PutObjectCommand({
              Bucket: bucket,
              Key: key,
              Body: bufferBody(data, (bytes) => (attempt.alive(), progress.moved(bytes)), this.ctx.bandwidth, attempt.signal),
              ContentLength: data.length,
              ContentType: this.request.contentType,
              CacheControl: this.request.cacheControl,
              StorageClass: this.request.storageClass as StorageClass | undefined,
              Metadata: this.request.metadata,
              [checksumField(algorithm)]: crc,
            })
            quietStreamingRetryWarning(command)
            const out = await client.send(command, { abortSignal: attempt.signal })
            const reported = out[checksumField(algorithm)]
            if (reported !== undefined) {
              if (reported !== crc) throw new IntegrityError(`S3 stored ${algorithm} ${reported}, the file's is ${crc}`)
              return { algorithm, type: 'FULL_OBJECT' as const, value: crc, verified: true }
            }
            // An endpoint without checksums: the ETag of a non-KMS single PUT is the MD5 of the body.
            const etag = unquoteEtag(out.ETag)
            if (String(out.ServerSideEncryption).startsWith('aws:kms')) return { algorithm: 'MD5' as const, value: etag, verified: false }
            const md5 = md5Hex(data)
            if (etag !== md5) throw new IntegrityError(`S3 answered ETag ${etag}, the file's MD5 is ${md5}`)
            return { algorithm: 'MD5' as const, value: etag, verified: true }
          } finally {
            progress.end()
          }
        }, retry)
      },
      signal,
    )
    this.checksum = report
    this.partsDone = 1
    this.meter.confirm(stats.size)
  }

  // ---- multipart ----

  private async resumeOrCreate(
    client: S3Client,
    stats: FileStats,
    retry: RetryContext,
    signal: AbortSignal,
  ): Promise<MultipartState | 'completed'> {
    const resumed = this.header && (await this.reconcile(client, this.header, stats, retry, signal))
    return resumed || this.create(client, stats, retry, signal)
  }

  private async create(client: S3Client, stats: FileStats, retry: RetryContext, signal: AbortSignal): Promise<MultipartState> {
    const config = this.ctx.config()
    const plan = planParts(stats.size, config.partSizeBytes)
    let algorithm: Algorithm | undefined = config.checksumAlgorithm
    const { bucket, key } = this.identity
    const send = (withChecksum: boolean) =>
      this.scheduled(retry, signal, (attempt) =>
        client.send(
          new CreateMultipartUploadCommand({
            Bucket: bucket,
            Key: key,
            ContentType: this.request.contentType,
            CacheControl: this.request.cacheControl,
            StorageClass: this.request.storageClass as StorageClass | undefined,
            Metadata: this.request.metadata,
            ...(withChecksum && { ChecksumAlgorithm: algorithm, ChecksumType: 'FULL_OBJECT' }),
          }),
          { abortSignal: attempt.signal },
        ),
      )
    let created
    try {
      created = await send(true)
    } catch (error) {
      // S3-compatible stores without flexible checksums may refuse the headers outright: go without, verify by ETag.
      const name = errorName(error)
      if (name !== 'NotImplemented' && !/checksum/i.test((error as Error).message ?? '')) throw error
      algorithm = undefined
      created = await send(false)
    }
    if (!created.UploadId) throw new HaneulError('internal', 'CreateMultipartUpload answered without an UploadId.')
    const header: Header = {
      t: 'upload',
      uploadId: created.UploadId,
      file: { size: stats.size, mtimeMs: stats.mtimeMs, ino: stats.ino },
      partSizeBytes: plan.partSizeBytes,
      checksumAlgorithm: algorithm,
      restartReason: this.restartReason,
    }
    await this.registered
    const log = await createLog(this.ctx.fs, this.journalPath, [header])
    this.header = header
    this.journaledParts = new Map()
    this.partsTotal = plan.partCount
    this.partsDone = 0
    return { header, plan, parts: new Map(), log }
  }

  /**
   * Matches the journal with ListParts. Journaled parts are reused when S3 still has them with the same size,
   * ETag and checksum. Parts S3 has that the journal missed (acknowledged just before a kill) are reused when the
   * file's bytes there have the same checksum, so only requests truly in flight are sent again.
   */
  private async reconcile(
    client: S3Client,
    header: Header,
    stats: FileStats,
    retry: RetryContext,
    signal: AbortSignal,
  ): Promise<MultipartState | 'completed' | undefined> {
    const plan = planParts(header.file.size, header.partSizeBytes)
    const serverParts = await this.listParts(client, header.uploadId, retry, signal)
    if (!serverParts) {
      if (
        this.journaledParts.size === plan.partCount &&
        (await this.completedEarlier(client, { header, plan, parts: this.journaledParts }, retry, signal))
      ) {
        return 'completed'
      }
      this.restart('The multipart upload no longer exists on S3 (aborted or expired by a lifecycle rule); uploading again from the start.')
      return undefined
    }
    const parts = new Map<number, PartRecord>()
    const unjournaled: PartRecord[] = []
    for (const range of allRanges(plan)) {
      const server = serverParts.get(range.partNumber)
      if (!server || server.size !== range.lengthBytes) continue
      const journaled = this.journaledParts.get(range.partNumber)
      if (journaled) {
        // Where S3 reports a checksum it must be ours; an endpoint without checksums is held to the ETag alone.
        const sameChecksum = server.checksum === undefined || journaled.checksum === undefined || journaled.checksum === server.checksum
        if (journaled.etag === server.etag && sameChecksum) parts.set(range.partNumber, journaled)
        continue
      }
      const pooled = this.ctx.buffers.acquire(plan.partSizeBytes)
      let matches: boolean
      try {
        const local = pooled.subarray(0, range.lengthBytes)
        await this.readPart(this.request.filePath, local, range.offsetBytes, stats)
        matches = header.checksumAlgorithm
          ? server.checksum === crc32Of(header.checksumAlgorithm, local).toString('base64')
          : server.etag === md5Hex(local)
      } finally {
        this.ctx.buffers.release(pooled)
      }
      if (matches) unjournaled.push({ ...server, md5: header.checksumAlgorithm ? undefined : server.etag })
    }
    const log = await AppendLog.open(this.ctx.fs, this.journalPath)
    for (const part of unjournaled) {
      await log.append(part)
      parts.set(part.n, part)
    }
    this.journaledParts = parts
    this.partsTotal = plan.partCount
    this.partsDone = parts.size
    this.meter.start([...parts.values()].reduce((sum, part) => sum + part.size, 0))
    return { header, plan, parts, log }
  }

  /** All parts were journaled but the upload is gone: a Complete whose answer was lost to a kill may have made the object. */
  private async completedEarlier(client: S3Client, view: PartsView, retry: RetryContext, signal: AbortSignal): Promise<boolean> {
    try {
      await this.verifyObject(client, view, retry, signal)
      return true
    } catch {
      return false
    }
  }

  private async listParts(
    client: S3Client,
    uploadId: string,
    retry: RetryContext,
    signal: AbortSignal,
  ): Promise<Map<number, PartRecord> | undefined> {
    const { bucket, key } = this.identity
    const parts = new Map<number, PartRecord>()
    let marker: string | undefined
    try {
      do {
        const page = await this.scheduled(retry, signal, (attempt) =>
          client.send(new ListPartsCommand({ Bucket: bucket, Key: key, UploadId: uploadId, PartNumberMarker: marker }), {
            abortSignal: attempt.signal,
          }),
        )
        for (const part of page.Parts ?? []) {
          if (part.PartNumber === undefined) continue
          parts.set(part.PartNumber, {
            t: 'part',
            n: part.PartNumber,
            size: part.Size ?? -1,
            etag: unquoteEtag(part.ETag),
            checksum: part.ChecksumCRC32 ?? part.ChecksumCRC32C,
          })
        }
        marker = page.IsTruncated ? page.NextPartNumberMarker : undefined
      } while (marker)
    } catch (error) {
      if (errorName(error) === 'NoSuchUpload') return undefined
      throw error
    }
    return parts
  }

  private async sendParts(
    client: S3Client,
    state: MultipartState,
    stats: FileStats,
    retry: RetryContext,
    signal: AbortSignal,
  ): Promise<void> {
    const pending = allRanges(state.plan).filter((range) => !state.parts.has(range.partNumber))
    if (pending.length === 0) return
    const batch = new AbortController()
    const batchSignal = AbortSignal.any([signal, batch.signal])
    setMaxListeners(0, batchSignal)
    const partRetry = { ...retry, signal: batchSignal }
    const handle = await this.ctx.fs.open(this.request.filePath, 'r')
    try {
      // Twice the request slots: while some parts wait for their journal flush, others keep every slot busy.
      await runPool(
        pending.length,
        2 * this.ctx.config().concurrency,
        async (index) => {
          const range = pending[index] as ByteRange
          const part = await this.ctx.scheduler.run(
            this.id,
            () => this.sendPart(client, handle, state, range, stats, partRetry),
            batchSignal,
          )
          // The slot is already free for the next request; the part counts once the journal has it on disk.
          await state.log.append(part)
          state.parts.set(part.n, part)
          this.partsDone++
          this.meter.confirm(part.size)
        },
        batch,
      )
    } finally {
      await handle.close()
    }
  }

  private async sendPart(
    client: S3Client,
    handle: TransferFileHandle,
    state: MultipartState,
    range: ByteRange,
    stats: FileStats,
    retry: RetryContext,
  ): Promise<PartRecord> {
    const pooled = this.ctx.buffers.acquire(state.plan.partSizeBytes)
    try {
      const data = pooled.subarray(0, range.lengthBytes)
      await this.readPart(handle, data, range.offsetBytes, stats)
      const algorithm = state.header.checksumAlgorithm
      const crc = algorithm && crc32Of(algorithm, data).toString('base64')
      const { bucket, key } = this.identity
      return await withRetries(async (attempt) => {
        const progress = this.meter.track()
        try {
          const command = new UploadPartCommand({
            Bucket: bucket,
            Key: key,
            UploadId: state.header.uploadId,
            PartNumber: range.partNumber,
            Body: bufferBody(data, (bytes) => (attempt.alive(), progress.moved(bytes)), this.ctx.bandwidth, attempt.signal),
            ContentLength: data.length,
            ...(algorithm && { [checksumField(algorithm)]: crc }),
          })
          quietStreamingRetryWarning(command)
          const out = await client.send(command, { abortSignal: attempt.signal })
          const etag = unquoteEtag(out.ETag)
          const reported = algorithm && out[checksumField(algorithm)]
          if (reported) {
            if (reported !== crc)
              throw new IntegrityError(`S3 stored part ${range.partNumber} with ${algorithm} ${reported}, the file's is ${crc}`)
            return { t: 'part', n: range.partNumber, size: data.length, etag, checksum: crc }
          }
          // No checksum in the answer: the part's ETag is its MD5 unless S3 encrypted it with KMS.
          if (String(out.ServerSideEncryption).startsWith('aws:kms'))
            return { t: 'part', n: range.partNumber, size: data.length, etag, checksum: crc }
          const md5 = md5Hex(data)
          if (etag !== md5) throw new IntegrityError(`S3 answered ETag ${etag} for part ${range.partNumber}, its MD5 is ${md5}`)
          return { t: 'part', n: range.partNumber, size: data.length, etag, checksum: crc, md5 }
        } finally {
          progress.end()
        }
      }, retry)
    } finally {
      this.ctx.buffers.release(pooled)
    }
  }

  /**
   * Reads a byte range, then compares the file's identity (size, mtime, ctime, inode) with the one the job
   * started from. Any write before or during the read moves ctime, so one look after the read covers both.
   */
  private async readPart(source: TransferFileHandle | string, target: Buffer, position: number, expected: FileStats): Promise<void> {
    const handle = typeof source === 'string' ? await this.ctx.fs.open(source, 'r') : source
    try {
      await readExactly(handle, target, position)
      const change = describeChange(expected, await handle.stat(), true)
      if (change) throw new SourceChangedError(change)
    } finally {
      if (typeof source === 'string') await handle.close()
    }
  }

  private async complete(client: S3Client, state: MultipartState, retry: RetryContext): Promise<void> {
    this.setState('verifying')
    const { bucket, key } = this.identity
    const algorithm = state.header.checksumAlgorithm
    const parts = [...state.parts.values()].sort((a, b) => a.n - b.n)
    const full = algorithm && this.fullChecksum(state)
    await this.scheduled(
      retry,
      retry.signal,
      async (attempt) => {
        try {
          return await client.send(
            new CompleteMultipartUploadCommand({
              Bucket: bucket,
              Key: key,
              UploadId: state.header.uploadId,
              MpuObjectSize: state.plan.sizeBytes,
              MultipartUpload: {
                Parts: parts.map((part) => ({
                  PartNumber: part.n,
                  ETag: `"${part.etag}"`,
                  ...(algorithm && { [checksumField(algorithm)]: part.checksum }),
                })),
              },
              ...(algorithm && { [checksumField(algorithm)]: full, ChecksumType: 'FULL_OBJECT' }),
            }),
            { abortSignal: attempt.signal },
          )
        } catch (error) {
          // An earlier attempt completed the upload but its answer was lost: the object check below decides.
          if (attempt.number > 1 && errorName(error) === 'NoSuchUpload') return undefined
          throw error
        }
      },
      // S3 may take minutes to assemble a big object, sending only whitespace meanwhile.
      Math.max(retry.config.stallTimeoutMs, 300_000),
    )
    await this.verifyObject(client, state, retry, retry.signal)
  }

  private fullChecksum(state: PartsView): string | undefined {
    const algorithm = state.header.checksumAlgorithm
    if (!algorithm) return undefined
    const parts = [...state.parts.values()].sort((a, b) => a.n - b.n)
    return combineCrcs(
      algorithm,
      parts.map((part) => ({ crc: Buffer.from(part.checksum ?? '', 'base64'), lengthBytes: part.size })),
    ).toString('base64')
  }

  /** Compares what S3 reports for the finished object (size, full-object checksum, or multipart ETag) with the file. */
  private async verifyObject(client: S3Client, state: PartsView, retry: RetryContext, signal: AbortSignal): Promise<void> {
    const { bucket, key } = this.identity
    const head = await this.scheduled(retry, signal, (attempt) =>
      client.send(new HeadObjectCommand({ Bucket: bucket, Key: key, ChecksumMode: 'ENABLED' }), { abortSignal: attempt.signal }),
    )
    if (head.ContentLength !== state.plan.sizeBytes) {
      throw new HaneulError('internal', `S3 reports ${head.ContentLength} bytes for ${key}, the file has ${state.plan.sizeBytes}.`)
    }
    const algorithm = state.header.checksumAlgorithm
    const reported = algorithm && head[checksumField(algorithm)]
    if (algorithm && reported) {
      const full = this.fullChecksum(state) as string
      if (reported !== full || head.ChecksumType !== 'FULL_OBJECT') {
        throw new HaneulError(
          'internal',
          `S3 reports ${algorithm} ${reported} (${head.ChecksumType}) for ${key}; the file's full-object ${algorithm} is ${full}.`,
        )
      }
      this.checksum = { algorithm, type: 'FULL_OBJECT', value: full, verified: true }
      return
    }
    const etag = unquoteEtag(head.ETag)
    const parts = [...state.parts.values()].sort((a, b) => a.n - b.n)
    const md5s = parts.map((part) => part.md5)
    if (md5s.some((md5) => md5 === undefined)) {
      this.checksum = { algorithm: 'MD5', value: etag, verified: false }
      return
    }
    const expected = multipartEtag(md5s as string[])
    if (etag !== expected) throw new HaneulError('internal', `S3 reports ETag ${etag} for ${key}; the parts' MD5s give ${expected}.`)
    this.checksum = { algorithm: 'MD5', value: etag, verified: true }
  }

  /**
   * Aborts a multipart upload and confirms with ListParts that it is gone; S3 documents that parts still
   * arriving can survive one abort, so it aborts again while any remain.
   */
  private async abortUpload(client: S3Client, uploadId: string): Promise<void> {
    const { bucket, key } = this.identity
    for (let round = 1; round <= 5; round++) {
      try {
        await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId }))
      } catch (error) {
        if (errorName(error) !== 'NoSuchUpload') throw error
      }
      try {
        await client.send(new ListPartsCommand({ Bucket: bucket, Key: key, UploadId: uploadId }))
      } catch (error) {
        if (errorName(error) === 'NoSuchUpload') return
        throw error
      }
      await this.ctx.clock.sleep(100 * round)
    }
    throw new HaneulError(
      'internal',
      `Multipart upload ${uploadId} for ${key} still exists after 5 aborts; remove it from the incomplete uploads view.`,
    )
  }
}
