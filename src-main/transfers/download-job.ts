/**
 * One download: HeadObject, then ranged GETs pinned to the object's ETag (If-Match) written at their offsets
 * into `<destination>.haneul-partial`, then verification, fsync and a rename into place.
 *
 * A range counts as done once its bytes are fdatasync-ed and its record is in the journal (ranges share one
 * fdatasync per 128 MiB span, off the request slot), so a resumed download fetches only ranges that were in
 * flight or in the span not yet synced. Verification:
 * - FULL_OBJECT CRC (CRC32, CRC32C, CRC64NVME): the range CRCs combine into the object's CRC, no second read.
 * - COMPOSITE (multipart with checksums): part sizes and checksums come from GetObjectAttributes, one request per
 *   1,000 parts, so ranges can still be any size (CRC ranges combine within their part; SHA parts are one range
 *   each). Fetching by PartNumber instead would tie parallelism and resume granularity to the uploader's parts.
 * - No checksum: MD5 of the file (a single-part ETag) or of each part (a multipart ETag whose parts, per
 *   HeadObject PartNumber=1, are equal), read back once at the end.
 * An object replaced mid-download answers 412 to If-Match; the job then starts over and says why.
 */
import { setMaxListeners } from 'node:events'
import path from 'node:path'
import { GetObjectAttributesCommand, HeadObjectCommand, type HeadObjectCommandOutput, type S3Client } from '@aws-sdk/client-s3'
import { HaneulError } from '../core/errors'
import { combineCrcs, compositeOf, createHasher, isCrcAlgorithm, multipartEtag, type ChecksumAlgorithm, type Hasher } from './checksums'
import { MiB } from './config'
import type { Clock, TransferFileHandle } from './deps'
import { TransferJob, runPool, type JobContext, type JobIdentity } from './job'
import { AppendLog, createLog, readLog } from './journal'
import type { ChecksumReport, DownloadRecord, DownloadRequest, DownloadVerification } from './model'
import { downloadRangeBytes, planRanges, type Range } from './range-plan'
import { IntegrityError, withRetries, type Attempt, type RetryContext } from './retry'
import { RESPONSE_CHECKSUMS, type ObjectGetAnswer } from './s3-get'
import { errorName, unquoteEtag } from './s3-io'

type Header = Extract<DownloadRecord, { t: 'download' }>
type RangeRecord = Extract<DownloadRecord, { t: 'range' }>

export const PARTIAL_SUFFIX = '.haneul-partial'
const WRITE_BLOCK_BYTES = 8 * MiB
const MAX_RESTARTS = 3
/** Finished ranges wait until this many of their bytes are in, then share one fdatasync and journal flush. */
export const SYNC_SPAN_BYTES = 128 * MiB
/** …or until the first of them has waited this long. */
const SYNC_SPAN_MAX_WAIT_MS = 1_000
const CHECKSUM_ALGORITHMS = RESPONSE_CHECKSUMS

/** The object is not the one the download started with (If-Match failed). */
class ObjectChangedError extends Error {
  override readonly name = 'ObjectChangedError'
}

export class DownloadJob extends TransferJob {
  private header?: Header
  private doneRanges = new Map<number, RangeRecord>()

  constructor(
    identity: JobIdentity,
    ctx: JobContext,
    readonly request: DownloadRequest,
    private readonly registered: Promise<void>,
  ) {
    super(identity, ctx)
  }

  get partialPath(): string {
    return this.request.destinationPath + PARTIAL_SUFFIX
  }

  get hasJournal(): boolean {
    return this.header !== undefined
  }

  async load(): Promise<void> {
    const records = (await readLog(this.ctx.fs, this.journalPath)) as DownloadRecord[] | undefined
    const header = records?.[0]
    if (!records || header?.t !== 'download') return
    this.header = header
    this.doneRanges = new Map(records.filter((r): r is RangeRecord => r.t === 'range').map((r) => [r.i, r]))
    this.restartReason = header.restartReason
    this.showProgressOf(header)
  }

  async run(signal: AbortSignal): Promise<void> {
    const client = await this.ctx.clients.s3(this.identity.profileId)
    const retry = this.retryContext(client, signal)
    for (let restarts = 0; ; restarts++) {
      try {
        await this.download(client, retry, signal)
        return
      } catch (error) {
        if (!(error instanceof ObjectChangedError) || restarts >= MAX_RESTARTS) throw error
        await this.forgetProgress()
        this.restart(`The object changed on S3 during the download (${error.message}); downloading the new version from the start.`)
      }
    }
  }

  async discard(): Promise<void> {
    await this.forgetProgress()
  }

  private async forgetProgress(): Promise<void> {
    await this.ctx.fs.rm(this.partialPath)
    await this.ctx.fs.rm(this.journalPath)
    this.header = undefined
    this.doneRanges = new Map()
  }

  private showProgressOf(header: Header): void {
    const ranges = planRanges(header)
    this.bytesTotal = header.sizeBytes
    this.partsTotal = ranges.length
    this.partsDone = this.doneRanges.size
    this.meter.start(ranges.filter((range) => this.doneRanges.has(range.i)).reduce((sum, range) => sum + range.lengthBytes, 0))
  }

  private async download(client: S3Client, retry: RetryContext, signal: AbortSignal): Promise<void> {
    const { bucket, key } = this.identity
    const small = this.request.sizeBytes !== undefined && this.request.sizeBytes <= this.ctx.config().partSizeBytes
    if (!this.header && small && (await this.downloadWhole(client, retry, signal))) return
    const head = await this.scheduled(retry, signal, ({ signal: abortSignal }) =>
      client.send(new HeadObjectCommand({ Bucket: bucket, Key: key, VersionId: this.request.versionId, ChecksumMode: 'ENABLED' }), {
        abortSignal,
      }),
    )
    const etag = unquoteEtag(head.ETag)
    const sizeBytes = head.ContentLength ?? 0
    if (this.header && (this.header.etag !== etag || this.header.sizeBytes !== sizeBytes)) {
      const was = this.header.etag
      await this.forgetProgress()
      this.restart(
        `The object changed on S3 since the download started (ETag ${was} → ${etag}); downloading the new version from the start.`,
      )
    }
    if (this.header && !(await this.partialFileFits(this.header))) {
      await this.forgetProgress()
      this.restart('The partial file of the earlier download is gone or has the wrong size; downloading from the start.')
    }
    let log: AppendLog
    let header = this.header
    if (!header) {
      header = {
        t: 'download',
        etag,
        versionId: head.VersionId ?? this.request.versionId,
        sizeBytes,
        // Ranges grow like upload parts do, so even a 5 TiB object is at most ~10,000 requests to track.
        partSizeBytes: downloadRangeBytes(sizeBytes, this.ctx.config()),
        verification: await this.planVerification(client, head, retry, signal),
        restartReason: this.restartReason,
      }
      await this.ctx.fs.mkdir(path.dirname(this.request.destinationPath))
      await this.checkStaysInside()
      // Empty: ranges land at their offsets in any order, the file growing to the object's size. Not truncated
      // to the final size first: writes into the holes of a file already that long cost the kernel 2–3×
      // more (measured on ext4: sys 7 s vs 3 s per GiB).
      await (await this.ctx.fs.open(this.partialPath, 'w', { shared: true })).close()
      await this.registered
      log = await createLog(this.ctx.fs, this.journalPath, [header])
      this.header = header
    } else {
      log = await AppendLog.open(this.ctx.fs, this.journalPath)
    }
    this.showProgressOf(header)
    const ranges = planRanges(header)
    const handle = await this.ctx.fs.open(this.partialPath, 'r+')
    try {
      await this.fetchRanges(client, handle, log, header, ranges, retry, signal)
      this.setState('verifying')
      this.checksum = await this.verify(handle, header, ranges)
      await handle.sync()
    } finally {
      await handle.close()
      await log.close()
    }
    await this.ctx.fs.rename(this.partialPath, this.request.destinationPath)
    await this.ctx.folderSyncs.sync(path.dirname(this.request.destinationPath))
  }

  /**
   * A small object in one GET, without HeadObject or a journal (like a small upload: after a kill it is
   * fetched again, one request). A whole-object GET is one version, so nothing needs pinning; its bytes are
   * checked against the full-object checksum or plain MD5 ETag it answers with, and a mismatch is sent
   * again. False when the answer cannot be verified that way (a composite checksum, a multipart or KMS
   * ETag) or the object has grown past one part: the ranged path then takes over.
   */
  private async downloadWhole(client: S3Client, retry: RetryContext, signal: AbortSignal): Promise<boolean> {
    const { bucket, key } = this.identity
    const limitBytes = this.ctx.config().partSizeBytes
    this.bytesTotal = this.request.sizeBytes ?? 0
    this.partsTotal = 1
    await this.ctx.fs.mkdir(path.dirname(this.request.destinationPath))
    await this.checkStaysInside()
    await this.registered
    const handle = await this.ctx.fs.open(this.partialPath, 'w', { shared: true })
    let done: { report: ChecksumReport; sizeBytes: number } | undefined
    try {
      done = await this.scheduled(retry, signal, async (attempt) => {
        const out = await this.ctx.objectGets.get(client, {
          bucket,
          key,
          versionId: this.request.versionId,
          checksumMode: true,
          signal: attempt.signal,
        })
        const sizeBytes = out.contentLength
        const expected = wholeObjectCheck(out)
        if (!expected || sizeBytes > limitBytes) {
          out.discard()
          return undefined
        }
        const hasher = createHasher(expected.algorithm)
        const received = await this.writeBody(out.body, handle, 0, sizeBytes, hasher, attempt)
        if (received !== sizeBytes) throw new IntegrityError(`the object ended after ${received} of ${sizeBytes} bytes`)
        // An earlier attempt may have met a longer version of the object.
        await handle.truncate(sizeBytes)
        const actual = (await hasher.digest()).toString(expected.algorithm === 'MD5' ? 'hex' : 'base64')
        if (actual !== expected.value)
          throw new IntegrityError(`S3 reports ${expected.algorithm} ${expected.value}, the bytes give ${actual}`)
        const report: ChecksumReport =
          expected.algorithm === 'MD5'
            ? { algorithm: 'MD5', value: actual, verified: true }
            : { algorithm: expected.algorithm, type: 'FULL_OBJECT', value: actual, verified: true }
        return { report, sizeBytes }
      })
      if (done) await handle.sync()
    } finally {
      await handle.close()
    }
    if (!done) return false
    this.bytesTotal = done.sizeBytes
    this.partsDone = 1
    this.meter.confirm(done.sizeBytes)
    this.checksum = done.report
    await this.ctx.fs.rename(this.partialPath, this.request.destinationPath)
    await this.ctx.folderSyncs.sync(path.dirname(this.request.destinationPath))
    return true
  }

  /**
   * Keys are mapped to paths inside the chosen folder by their text; a symbolic link inside that folder
   * could still lead elsewhere (say to ~/.ssh), so the real folder is checked before anything is written.
   */
  private async checkStaysInside(): Promise<void> {
    const within = this.request.withinDir
    if (!within) return
    const [root, parent] = await Promise.all([
      this.ctx.fs.realpath(within),
      this.ctx.fs.realpath(path.dirname(this.request.destinationPath)),
    ])
    if (parent !== root && !parent.startsWith(root + path.sep)) {
      throw new HaneulError(
        'access-denied',
        `"${path.basename(this.request.destinationPath)}" would be written through a link that leads outside the chosen folder; nothing was written.`,
      )
    }
  }

  /** The partial file is there, no longer than the object, and long enough to hold every journaled range. */
  private async partialFileFits(header: Header): Promise<boolean> {
    let size: number
    try {
      size = (await this.ctx.fs.stat(this.partialPath)).size
    } catch {
      return false
    }
    if (size > header.sizeBytes) return false
    return planRanges(header).every((range) => !this.doneRanges.has(range.i) || range.offsetBytes + range.lengthBytes <= size)
  }

  private async fetchRanges(
    client: S3Client,
    handle: TransferFileHandle,
    log: AppendLog,
    header: Header,
    ranges: Range[],
    retry: RetryContext,
    signal: AbortSignal,
  ): Promise<void> {
    const pending = ranges.filter((range) => !this.doneRanges.has(range.i))
    if (pending.length === 0) return
    const batch = new AbortController()
    const batchSignal = AbortSignal.any([signal, batch.signal])
    setMaxListeners(0, batchSignal)
    const rangeRetry = { ...retry, signal: batchSignal }
    // A range's record may only claim bytes that are on disk: ranges are synced in spans (RangeCommits).
    const commits = new RangeCommits(
      async (records) => {
        await handle.datasync()
        await Promise.all(records.map((record) => log.append(record)))
      },
      SYNC_SPAN_BYTES,
      this.ctx.clock,
      SYNC_SPAN_MAX_WAIT_MS,
    )
    const confirmations: Array<Promise<void>> = []
    let failure: { error: unknown } | undefined
    try {
      await runPool(
        pending.length,
        2 * this.ctx.config().concurrency,
        async (index) => {
          const range = pending[index] as Range
          const checksum = await this.ctx.scheduler.run(
            this.id,
            () => this.fetchRange(client, handle, header, range, rangeRetry),
            batchSignal,
          )
          const record: RangeRecord = { t: 'range', i: range.i, checksum }
          // Not awaited: the worker goes on to the next range while this one waits for its span's sync.
          confirmations.push(
            commits.add(record, range.lengthBytes).then(() => {
              this.doneRanges.set(range.i, record)
              this.partsDone++
              this.meter.confirm(range.lengthBytes)
            }),
          )
        },
        batch,
      )
    } catch (error) {
      failure = { error }
    }
    // Whatever landed is synced and recorded, also when the batch failed or was paused: a resume keeps it.
    commits.flush()
    const settled = await Promise.allSettled(confirmations)
    if (failure) throw failure.error
    const rejected = settled.find((result) => result.status === 'rejected')
    if (rejected) throw rejected.reason
  }

  private fetchRange(
    client: S3Client,
    handle: TransferFileHandle,
    header: Header,
    range: Range,
    retry: RetryContext,
  ): Promise<string | undefined> {
    const { bucket, key } = this.identity
    const algorithm = rangeAlgorithm(header.verification)
    return withRetries(async (attempt) => {
      let out
      try {
        out = await this.ctx.objectGets.get(client, {
          bucket,
          key,
          versionId: header.versionId,
          range: { offsetBytes: range.offsetBytes, lengthBytes: range.lengthBytes },
          ifMatch: header.etag,
          signal: attempt.signal,
        })
      } catch (error) {
        if (errorName(error) === 'PreconditionFailed') throw new ObjectChangedError(`If-Match "${header.etag}" failed`)
        throw error
      }
      const hasher: Hasher | undefined = algorithm && createHasher(algorithm)
      const received = await this.writeBody(out.body, handle, range.offsetBytes, range.lengthBytes, hasher, attempt)
      if (received !== range.lengthBytes)
        throw new IntegrityError(`the range at ${range.offsetBytes} ended after ${received} of ${range.lengthBytes} bytes`)
      return hasher && (await hasher.digest()).toString('base64')
    }, retry)
  }

  /**
   * Streams a response body into the file at `offsetBytes`, hashing it on the way; more than `lengthBytes`
   * is an error. Socket chunks are copied into one pooled 8 MiB block that is hashed and written whole: the
   * chunks die young (cheap for the garbage collector), and a GiB is 128 writes and CRC calls, not 16,000.
   * Returns the bytes received.
   */
  private async writeBody(
    body: AsyncIterable<Buffer>,
    handle: TransferFileHandle,
    offsetBytes: number,
    lengthBytes: number,
    hasher: Hasher | undefined,
    attempt: Attempt,
  ): Promise<number> {
    const block = this.ctx.buffers.acquire(writeBlockBytes(lengthBytes))
    let position = offsetBytes
    let filled = 0
    let received = 0
    const progress = this.meter.track()
    const flush = async () => {
      if (filled === 0) return
      const data = block.subarray(0, filled)
      hasher?.update(data)
      await handle.writev([data], position)
      position += filled
      filled = 0
    }
    try {
      for await (const chunk of body) {
        attempt.alive()
        progress.moved(chunk.length)
        received += chunk.length
        if (received > lengthBytes) throw new IntegrityError(`S3 sent more than the ${lengthBytes} bytes asked for at ${offsetBytes}`)
        for (let offset = 0; offset < chunk.length;) {
          const copied = chunk.copy(block, filled, offset)
          filled += copied
          offset += copied
          if (filled === block.length) await flush()
        }
        await this.ctx.bandwidth.take(chunk.length, attempt.signal)
      }
      await flush()
    } finally {
      // Received bytes count as progress until the range is confirmed (or given up and fetched again).
      progress.end()
      this.ctx.buffers.release(block)
    }
    return received
  }

  private async planVerification(
    client: S3Client,
    head: HeadObjectCommandOutput,
    retry: RetryContext,
    signal: AbortSignal,
  ): Promise<DownloadVerification> {
    const algorithm = CHECKSUM_ALGORITHMS.find((name) => head[`Checksum${name}`])
    const value = algorithm && head[`Checksum${algorithm}`]
    if (algorithm && value) {
      const composite = head.ChecksumType === 'COMPOSITE' || value.includes('-')
      if (!composite && isCrcAlgorithm(algorithm)) return { method: 'full-crc', algorithm, expected: value }
      if (!composite) return { method: 'parts', algorithm, parts: [{ sizeBytes: head.ContentLength ?? 0, checksum: value }] }
      const parts = await this.objectParts(client, algorithm, retry, signal)
      if (parts) return { method: 'parts', algorithm, expected: value, parts }
    }
    const etag = unquoteEtag(head.ETag)
    if (String(head.ServerSideEncryption).startsWith('aws:kms'))
      return { method: 'none', reason: 'the object is KMS-encrypted and has no checksum, so its ETag is not an MD5' }
    if (/^[0-9a-f]{32}$/.test(etag)) return { method: 'md5', expectedEtag: etag }
    const multipart = /^[0-9a-f]{32}-(\d+)$/.exec(etag)
    if (multipart) {
      const { bucket, key } = this.identity
      const first = await this.scheduled(retry, signal, ({ signal: abortSignal }) =>
        client.send(new HeadObjectCommand({ Bucket: bucket, Key: key, VersionId: head.VersionId, PartNumber: 1 }), { abortSignal }),
      )
      const partSizeBytes = first.ContentLength ?? 0
      const size = head.ContentLength ?? 0
      if (partSizeBytes > 0 && Math.ceil(size / partSizeBytes) === Number(multipart[1]))
        return { method: 'md5', expectedEtag: etag, partSizeBytes }
      return { method: 'none', reason: 'the object has no checksum and its multipart ETag is over parts of unequal size' }
    }
    return { method: 'none', reason: 'the object has neither a checksum nor an MD5 ETag' }
  }

  /** The object's parts with their checksums (GetObjectAttributes, 1,000 per page); undefined if S3 will not say. */
  private async objectParts(
    client: S3Client,
    algorithm: ChecksumAlgorithm,
    retry: RetryContext,
    signal: AbortSignal,
  ): Promise<Array<{ sizeBytes: number; checksum: string }> | undefined> {
    const { bucket, key } = this.identity
    const parts: Array<{ sizeBytes: number; checksum: string }> = []
    let marker: string | undefined
    try {
      do {
        const page = await this.scheduled(retry, signal, ({ signal: abortSignal }) =>
          client.send(
            new GetObjectAttributesCommand({
              Bucket: bucket,
              Key: key,
              VersionId: this.request.versionId,
              ObjectAttributes: ['ObjectParts'],
              MaxParts: 1000,
              PartNumberMarker: marker,
            }),
            { abortSignal },
          ),
        )
        for (const part of page.ObjectParts?.Parts ?? []) {
          const checksum = part[`Checksum${algorithm}`]
          if (!checksum || part.Size === undefined) return undefined
          parts.push({ sizeBytes: part.Size, checksum })
        }
        marker = page.ObjectParts?.IsTruncated ? page.ObjectParts.NextPartNumberMarker : undefined
      } while (marker)
    } catch (error) {
      if (['AccessDenied', 'NotImplemented', 'MethodNotAllowed'].includes(errorName(error))) return undefined
      throw error
    }
    return parts.length > 0 ? parts : undefined
  }

  private async verify(handle: TransferFileHandle, header: Header, ranges: Range[]): Promise<ChecksumReport> {
    const verification = header.verification
    const checksumOf = (range: Range) => Buffer.from(this.doneRanges.get(range.i)?.checksum ?? '', 'base64')
    const mismatch = (what: string, expected: string, actual: string) =>
      new HaneulError(
        'internal',
        `The downloaded ${what} does not match S3's: expected ${expected}, got ${actual}. The partial file was removed; retry to download again.`,
      )
    let report: ChecksumReport
    switch (verification.method) {
      case 'full-crc': {
        const actual = combineCrcs(
          verification.algorithm,
          ranges.map((range) => ({ crc: checksumOf(range), lengthBytes: range.lengthBytes })),
        ).toString('base64')
        if (actual !== verification.expected)
          throw await this.failVerification(mismatch(`object's ${verification.algorithm}`, verification.expected, actual))
        report = { algorithm: verification.algorithm, type: 'FULL_OBJECT', value: actual, verified: true }
        break
      }
      case 'parts': {
        const { algorithm } = verification
        const partChecksums: Buffer[] = []
        for (const [index, part] of verification.parts.entries()) {
          const inPart = ranges.filter((range) => range.part === index)
          const actual = isCrcAlgorithm(algorithm)
            ? combineCrcs(
                algorithm,
                inPart.map((range) => ({ crc: checksumOf(range), lengthBytes: range.lengthBytes })),
              )
            : inPart[0]
              ? checksumOf(inPart[0])
              : await createHasher(algorithm).digest()
          if (actual.toString('base64') !== part.checksum)
            throw await this.failVerification(mismatch(`part ${index + 1}'s ${algorithm}`, part.checksum, actual.toString('base64')))
          partChecksums.push(actual)
        }
        const expected = verification.expected ?? verification.parts[0]?.checksum ?? ''
        const actual = verification.expected
          ? `${(await compositeOf(algorithm, partChecksums)).toString('base64')}-${partChecksums.length}`
          : (partChecksums[0]?.toString('base64') ?? '')
        if (actual !== expected) throw await this.failVerification(mismatch(`object's ${algorithm}`, expected, actual))
        report = { algorithm, type: verification.expected ? 'COMPOSITE' : 'FULL_OBJECT', value: actual, verified: true }
        break
      }
      case 'md5': {
        const actual = await md5Etag(handle, header.sizeBytes, verification.partSizeBytes)
        if (actual !== verification.expectedEtag)
          throw await this.failVerification(mismatch('ETag (MD5)', verification.expectedEtag, actual))
        report = { algorithm: 'MD5', value: actual, verified: true }
        break
      }
      case 'none':
        report = { algorithm: 'MD5', value: header.etag, verified: false }
        break
    }
    return report
  }

  /** Bad bytes are not worth resuming: drop the partial file and journal, so a retry starts clean. */
  private async failVerification(error: HaneulError): Promise<HaneulError> {
    await this.forgetProgress()
    return error
  }
}

/**
 * Ranges made durable in spans. A finished range's record waits until `spanBytes` of finished ranges have
 * gathered, or `maxWaitMs` have passed (a slow download still shows confirmed ranges every second), or
 * `flush()` is called (the last range is in, or the batch stopped); then one flushBatch
 * (fdatasync of the partial file, then the records) covers them all. The rule that keeps a resume honest:
 * a record is appended only after a sync that started after its range's bytes were written. Flushes run
 * one after another, so a later span never overtakes an earlier one.
 */
class RangeCommits {
  private waiting: Array<{ record: RangeRecord; done: () => void; failed: (error: unknown) => void }> = []
  private waitingBytes = 0
  private chain: Promise<void> = Promise.resolve()

  private cancelTimer?: () => void

  constructor(
    private readonly flushBatch: (records: RangeRecord[]) => Promise<void>,
    private readonly spanBytes: number,
    private readonly clock: Clock,
    private readonly maxWaitMs: number,
  ) {}

  add(record: RangeRecord, bytes: number): Promise<void> {
    return new Promise<void>((done, failed) => {
      this.waiting.push({ record, done, failed })
      this.waitingBytes += bytes
      if (this.waitingBytes >= this.spanBytes) this.flush()
      else this.cancelTimer ??= this.clock.setTimer(() => this.flush(), this.maxWaitMs)
    })
  }

  flush(): void {
    this.cancelTimer?.()
    this.cancelTimer = undefined
    const batch = this.waiting
    this.waiting = []
    this.waitingBytes = 0
    if (batch.length === 0) return
    this.chain = this.chain.then(() =>
      this.flushBatch(batch.map((entry) => entry.record)).then(
        () => batch.forEach((entry) => entry.done()),
        (error: unknown) => batch.forEach((entry) => entry.failed(error)),
      ),
    )
  }
}

/** What a whole-object GET can be checked against: a full-object checksum, else a plain (non-KMS) MD5 ETag. */
function wholeObjectCheck(out: ObjectGetAnswer): { algorithm: ChecksumAlgorithm | 'MD5'; value: string } | undefined {
  for (const algorithm of CHECKSUM_ALGORITHMS) {
    const value = out.checksums[algorithm]
    if (value) return out.checksumType === 'COMPOSITE' || value.includes('-') ? undefined : { algorithm, value }
  }
  const etag = unquoteEtag(out.etag)
  if (String(out.serverSideEncryption).startsWith('aws:kms') || !/^[0-9a-f]{32}$/.test(etag)) return undefined
  return { algorithm: 'MD5', value: etag }
}

/** A block for a body of lengthBytes: powers of two from 64 KiB up to 8 MiB, so the pool holds few sizes. */
function writeBlockBytes(lengthBytes: number): number {
  let bytes = 64 * 1024
  while (bytes < lengthBytes && bytes < WRITE_BLOCK_BYTES) bytes *= 2
  return bytes
}

function rangeAlgorithm(verification: DownloadVerification): ChecksumAlgorithm | undefined {
  return verification.method === 'full-crc' || verification.method === 'parts' ? verification.algorithm : undefined
}

/** Reads the file back once: its MD5, or S3's multipart ETag over parts of partSizeBytes. */
async function md5Etag(handle: TransferFileHandle, sizeBytes: number, partSizeBytes?: number): Promise<string> {
  const buffer = Buffer.allocUnsafe(MiB)
  const partMd5s: string[] = []
  const partSize = partSizeBytes ?? Math.max(sizeBytes, 1)
  for (let partStart = 0; partStart < sizeBytes || partMd5s.length === 0; partStart += partSize) {
    const hasher = createHasher('MD5')
    const partEnd = Math.min(sizeBytes, partStart + partSize)
    for (let position = partStart; position < partEnd;) {
      const { bytesRead } = await handle.read(buffer, 0, Math.min(buffer.length, partEnd - position), position)
      if (bytesRead === 0) throw new IntegrityError(`the partial file ended at ${position} of ${sizeBytes} bytes`)
      hasher.update(buffer.subarray(0, bytesRead))
      position += bytesRead
    }
    partMd5s.push((await hasher.digest()).toString('hex'))
    if (partEnd >= sizeBytes) break
  }
  return partSizeBytes ? multipartEtag(partMd5s) : (partMd5s[0] as string)
}
