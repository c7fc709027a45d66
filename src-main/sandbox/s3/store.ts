/**
 * The emulator's state: buckets, object versions, multipart uploads and the blob files behind them,
 * persisted as a journal in dataDir and rebuilt from it at open.
 *
 * Blobs are reference counted by the segments that point at them, so CompleteMultipartUpload and CopyObject
 * only write metadata. A blob whose last reference goes is deleted once that removal is in the journal.
 */
import { createHash, randomBytes } from 'node:crypto'
import { createReadStream, promises as fs } from 'node:fs'
import path from 'node:path'
import { pipeline } from 'node:stream/promises'
import { BlobSink, newSinkHashes, readSegments, type SinkHashes } from './blobs'
import { createHasher } from './checksums'
import { S3Error, noSuchBucket } from './errors'
import { Journal } from './journal'
import { KeyIndex } from './keyindex'
import { bucketNameProblem, utf8Length } from './keys'
import type {
  BucketRecord,
  ChecksumAlgorithm,
  ChecksumType,
  ObjectVersion,
  PartInfo,
  PartRecord,
  RestoreState,
  Segment,
  StorageClass,
  StoredChecksum,
  UploadRecord,
} from './model'
import { MAX_KEY_BYTES, STORAGE_CLASSES } from './model'

type JournalEntry =
  | { t: 'bucket'; bucket: BucketRecord }
  | { t: 'rmbucket'; name: string }
  | { t: 'ver'; b: string; v: ObjectVersion }
  | { t: 'rmver'; b: string; k: string; v: string }
  | { t: 'mpu'; b: string; u: UploadRecord }
  | { t: 'part'; b: string; id: string; p: PartRecord }
  | { t: 'rmmpu'; b: string; id: string }

export interface UploadState {
  record: UploadRecord
  parts: Map<number, PartRecord>
}

export class BucketState {
  /** Every key with at least one version (delete markers included), newest version first. */
  readonly objects = new Map<string, ObjectVersion[]>()
  readonly index = new KeyIndex()
  readonly uploads = new Map<string, UploadState>()
  constructor(public record: BucketRecord) {}
}

export interface PutObjectOptions {
  contentType?: string
  storageClass?: StorageClass
  metadata?: Record<string, string>
  cacheControl?: string
  contentEncoding?: string
  tags?: Record<string, string>
  lastModified?: Date
}

/** An object version as tests and seeders see it: everything but where its bytes live. */
export interface ObjectInfo {
  key: string
  versionId: string
  deleteMarker: boolean
  lastModified: Date
  size: number
  /** Unquoted, as stored: md5 hex, or `md5-N` for multipart objects. */
  etag: string
  storageClass: StorageClass
  contentType?: string
  cacheControl?: string
  contentEncoding?: string
  metadata: Record<string, string>
  tags: Record<string, string>
  checksum?: StoredChecksum
  parts?: PartInfo[]
  restore?: RestoreState
}

export interface UploadInfo {
  uploadId: string
  key: string
  initiated: Date
  storageClass: StorageClass
  checksumAlgorithm?: ChecksumAlgorithm
  checksumType?: ChecksumType
}

export interface UploadedPartInfo {
  partNumber: number
  size: number
  etag: string
  lastModified: Date
  checksum?: { algorithm: ChecksumAlgorithm; value: string }
}

export interface BucketStats {
  /** Current and noncurrent versions, delete markers excluded, as CloudWatch's S3 storage metrics count. */
  byStorageClass: Partial<Record<StorageClass, { bytes: number; objects: number }>>
  totalBytes: number
  totalObjects: number
}

const VERSION_ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._'

export function wholeSeconds(ms: number): number {
  return Math.floor(ms / 1000) * 1000
}

export class S3Store {
  private readonly buckets = new Map<string, BucketState>()
  private readonly refs = new Map<string, number>()
  private readonly blobDir: string
  private uploadCounter = 0
  private journal!: Journal

  private constructor(
    private readonly dataDir: string,
    private readonly defaultRegion: string,
    private readonly nowMs: () => number,
  ) {
    this.blobDir = path.join(dataDir, 'blobs')
  }

  static async open(dataDir: string, defaultRegion: string, nowMs: () => number): Promise<S3Store> {
    const store = new S3Store(dataDir, defaultRegion, nowMs)
    // Blobs are spread over 256 folders by their id's first byte, made once here.
    await Promise.all(
      Array.from({ length: 256 }, (_, i) => fs.mkdir(path.join(store.blobDir, i.toString(16).padStart(2, '0')), { recursive: true })),
    )
    const { journal, entries } = await Journal.open(path.join(dataDir, 'journal.jsonl'), (entry) => store.replay(entry as JournalEntry))
    store.journal = journal
    store.countReferences()
    await store.removeOrphanBlobs()
    // Compact when most journal lines describe state that no longer exists.
    const live = store.snapshotSize()
    if (entries > 1000 && entries > 2 * live) await journal.rewrite(store.snapshot())
    return store
  }

  async close(): Promise<void> {
    await this.journal.close()
  }

  // ---- Seeding and inspection (no HTTP) ----

  createBucket(name: string, region: string = this.defaultRegion): void {
    const problem = bucketNameProblem(name)
    if (problem) throw new S3Error('InvalidBucketName', undefined, { BucketName: name })
    if (this.buckets.has(name)) throw new S3Error('BucketAlreadyOwnedByYou', undefined, { BucketName: name })
    const record: BucketRecord = { name, region, createdMs: this.nowMs(), versioning: 'Unversioned' }
    this.buckets.set(name, new BucketState(record))
    this.write({ t: 'bucket', bucket: record })
  }

  hasBucket(name: string): boolean {
    return this.buckets.has(name)
  }

  bucketNames(): string[] {
    return [...this.buckets.keys()].sort()
  }

  async putObject(bucket: string, key: string, body: Buffer | string, opts: PutObjectOptions = {}): Promise<ObjectInfo> {
    const data = typeof body === 'string' ? Buffer.from(body, 'utf8') : body
    const state = this.requireBucket(bucket)
    checkKey(key)
    checkSeedClass(opts)
    const hashes = newSinkHashes()
    if (data.length === 0) return toInfo(this.commitSeeded(state, key, [], hashes, opts))
    const { blobId, file } = await this.newBlob()
    const sink = new BlobSink(file, hashes)
    await new Promise<void>((resolve, reject) => {
      sink.on('error', reject)
      sink.end(data, resolve)
    })
    return toInfo(this.commitSeeded(state, key, [{ blobId, offset: 0, length: data.length }], hashes, opts))
  }

  async putObjectFromFile(bucket: string, key: string, filePath: string, opts: PutObjectOptions = {}): Promise<ObjectInfo> {
    const state = this.requireBucket(bucket)
    checkKey(key)
    checkSeedClass(opts)
    const { blobId, file } = await this.newBlob()
    const hashes = newSinkHashes()
    const sink = new BlobSink(file, hashes)
    try {
      await pipeline(createReadStream(filePath), sink)
    } catch (error) {
      await this.discardBlob(blobId)
      throw error
    }
    if (sink.size === 0) await this.discardBlob(blobId)
    const segments = sink.size > 0 ? [{ blobId, offset: 0, length: sink.size }] : []
    return toInfo(this.commitSeeded(state, key, segments, hashes, opts))
  }

  private commitSeeded(state: BucketState, key: string, segments: Segment[], hashes: SinkHashes, opts: PutObjectOptions): ObjectVersion {
    return this.writeVersion(state, {
      key,
      deleteMarker: false,
      lastModifiedMs: wholeSeconds(opts.lastModified?.getTime() ?? this.nowMs()),
      size: segments.reduce((sum, segment) => sum + segment.length, 0),
      etag: hashes.md5.digest('hex'),
      storageClass: opts.storageClass ?? 'STANDARD',
      headers: {
        contentType: opts.contentType ?? 'binary/octet-stream',
        cacheControl: opts.cacheControl,
        contentEncoding: opts.contentEncoding,
      },
      metadata: { ...opts.metadata },
      tags: { ...opts.tags },
      segments,
    })
  }

  getObjectRecord(bucket: string, key: string, versionId?: string): ObjectInfo | undefined {
    const state = this.buckets.get(bucket)
    if (!state) return undefined
    const version = versionId === undefined ? state.objects.get(key)?.[0] : this.findVersion(state, key, versionId)
    return version && toInfo(version)
  }

  /** The latest version's bytes (tests). */
  async readObject(bucket: string, key: string): Promise<Buffer> {
    const version = this.requireBucket(bucket).objects.get(key)?.[0]
    if (!version || version.deleteMarker) throw new S3Error('NoSuchKey', undefined, { Key: key })
    const chunks: Buffer[] = []
    for await (const chunk of readSegments((id) => this.blobPath(id), version.segments)) chunks.push(chunk)
    return Buffer.concat(chunks)
  }

  listUploads(bucket: string): UploadInfo[] {
    return [...this.requireBucket(bucket).uploads.values()].map(({ record }) => ({
      uploadId: record.uploadId,
      key: record.key,
      initiated: new Date(record.initiatedMs),
      storageClass: record.storageClass,
      checksumAlgorithm: record.checksumAlgorithm,
      checksumType: record.checksumType,
    }))
  }

  listParts(bucket: string, uploadId: string): UploadedPartInfo[] {
    const upload = this.requireBucket(bucket).uploads.get(uploadId)
    if (!upload) throw new S3Error('NoSuchUpload', undefined, { UploadId: uploadId })
    return [...upload.parts.values()]
      .sort((a, b) => a.partNumber - b.partNumber)
      .map((part) => ({
        partNumber: part.partNumber,
        size: part.size,
        etag: part.etag,
        lastModified: new Date(part.lastModifiedMs),
        checksum: part.checksum,
      }))
  }

  setVersioning(bucket: string, status: 'Enabled' | 'Suspended'): void {
    const state = this.requireBucket(bucket)
    this.updateBucket(state, { versioning: status })
  }

  bucketStats(bucket: string): BucketStats {
    const stats: BucketStats = { byStorageClass: {}, totalBytes: 0, totalObjects: 0 }
    for (const versions of this.requireBucket(bucket).objects.values()) {
      for (const version of versions) {
        if (version.deleteMarker) continue
        const entry = (stats.byStorageClass[version.storageClass] ??= { bytes: 0, objects: 0 })
        entry.bytes += version.size
        entry.objects++
        stats.totalBytes += version.size
        stats.totalObjects++
      }
    }
    return stats
  }

  // ---- Buckets ----

  bucket(name: string): BucketState | undefined {
    return this.buckets.get(name)
  }

  requireBucket(name: string): BucketState {
    const state = this.buckets.get(name)
    if (!state) throw noSuchBucket(name)
    return state
  }

  allBuckets(): BucketState[] {
    return this.bucketNames().map((name) => this.buckets.get(name) as BucketState)
  }

  updateBucket(state: BucketState, patch: Partial<Omit<BucketRecord, 'name'>>): void {
    state.record = { ...state.record, ...patch }
    this.write({ t: 'bucket', bucket: state.record })
  }

  /** S3 refuses to delete a bucket holding any version; in-progress uploads go with the bucket. */
  deleteBucket(name: string): void {
    const state = this.requireBucket(name)
    if (state.objects.size > 0) throw new S3Error('BucketNotEmpty', undefined, { BucketName: name })
    for (const uploadId of [...state.uploads.keys()]) this.removeUpload(state, uploadId)
    this.buckets.delete(name)
    this.write({ t: 'rmbucket', name })
  }

  // ---- Object versions ----

  findVersion(state: BucketState, key: string, versionId: string): ObjectVersion | undefined {
    return state.objects.get(key)?.find((version) => version.versionId === versionId)
  }

  /**
   * Adds a new current version with S3's versioning rules: Enabled buckets get a fresh version id;
   * unversioned and suspended ones replace the null version.
   */
  writeVersion(state: BucketState, draft: Omit<ObjectVersion, 'versionId'>): ObjectVersion {
    const versionId = state.record.versioning === 'Enabled' ? newVersionId() : 'null'
    const version: ObjectVersion = { ...draft, versionId }
    if (versionId === 'null') this.deleteVersion(state, draft.key, 'null')
    let versions = state.objects.get(draft.key)
    if (!versions) {
      versions = []
      state.objects.set(draft.key, versions)
      state.index.add(draft.key)
    }
    versions.unshift(version)
    this.retain(version.segments)
    this.write({ t: 'ver', b: state.record.name, v: version })
    return version
  }

  /** Replaces a version's metadata in place (tags, restore status); its bytes stay. */
  updateVersion(state: BucketState, version: ObjectVersion, patch: Partial<Pick<ObjectVersion, 'tags' | 'restore'>>): ObjectVersion {
    const versions = state.objects.get(version.key)
    const at = versions?.indexOf(version) ?? -1
    if (!versions || at < 0) throw new Error('updateVersion: version is not in the bucket')
    const updated = { ...version, ...patch }
    versions[at] = updated
    this.write({ t: 'ver', b: state.record.name, v: updated })
    return updated
  }

  /** Permanently removes one version; returns it, or undefined if there was none. */
  deleteVersion(state: BucketState, key: string, versionId: string): ObjectVersion | undefined {
    const versions = state.objects.get(key)
    const at = versions?.findIndex((version) => version.versionId === versionId) ?? -1
    if (!versions || at < 0) return undefined
    const [removed] = versions.splice(at, 1) as [ObjectVersion]
    if (versions.length === 0) {
      state.objects.delete(key)
      state.index.remove(key)
    }
    this.write({ t: 'rmver', b: state.record.name, k: key, v: versionId })
    this.release(removed.segments)
    return removed
  }

  /** DeleteObject without a version id: unversioned buckets lose the object, versioned ones gain a marker. */
  deleteCurrent(state: BucketState, key: string): { marker?: ObjectVersion } {
    if (state.record.versioning === 'Unversioned') {
      this.deleteVersion(state, key, 'null')
      return {}
    }
    const marker = this.writeVersion(state, {
      key,
      deleteMarker: true,
      lastModifiedMs: wholeSeconds(this.nowMs()),
      size: 0,
      etag: '',
      storageClass: 'STANDARD',
      headers: {},
      metadata: {},
      tags: {},
      segments: [],
    })
    return { marker }
  }

  // ---- Multipart uploads ----

  /** Upload ids sort by creation time, so ordering by id is S3's ordering by initiation. */
  newUploadId(): string {
    const time = this.nowMs().toString(16).padStart(12, '0')
    const counter = (this.uploadCounter++ % 0x1000000).toString(16).padStart(6, '0')
    return `${time}${counter}${randomBytes(24).toString('base64url')}`
  }

  createUpload(state: BucketState, record: UploadRecord): void {
    state.uploads.set(record.uploadId, { record, parts: new Map() })
    this.write({ t: 'mpu', b: state.record.name, u: record })
  }

  /** Stores a part, replacing (and releasing) any earlier part with the same number. */
  putPart(state: BucketState, upload: UploadState, part: PartRecord): void {
    const previous = upload.parts.get(part.partNumber)
    upload.parts.set(part.partNumber, part)
    this.retain(part.segments)
    this.write({ t: 'part', b: state.record.name, id: upload.record.uploadId, p: part })
    if (previous) this.release(previous.segments)
  }

  removeUpload(state: BucketState, uploadId: string): void {
    const upload = state.uploads.get(uploadId)
    if (!upload) return
    state.uploads.delete(uploadId)
    this.write({ t: 'rmmpu', b: state.record.name, id: uploadId })
    for (const part of upload.parts.values()) this.release(part.segments)
  }

  // ---- Blobs ----

  blobPath(blobId: string): string {
    return path.join(this.blobDir, blobId.slice(0, 2), blobId)
  }

  /** A new, empty blob file. It is garbage until a committed record points at it. */
  async newBlob(): Promise<{ blobId: string; file: fs.FileHandle }> {
    const blobId = randomBytes(16).toString('hex')
    return { blobId, file: await fs.open(this.blobPath(blobId), 'wx') }
  }

  /** Deletes a blob no record ever referenced (an aborted or rejected upload). */
  async discardBlob(blobId: string): Promise<void> {
    await fs.rm(this.blobPath(blobId), { force: true })
  }

  /** Keeps blobs alive while a response streams them, even if the object is deleted meanwhile. */
  retain(segments: readonly Segment[]): void {
    for (const { blobId } of segments) this.refs.set(blobId, (this.refs.get(blobId) ?? 0) + 1)
  }

  release(segments: readonly Segment[]): void {
    for (const { blobId } of segments) {
      const count = (this.refs.get(blobId) ?? 0) - 1
      if (count > 0) {
        this.refs.set(blobId, count)
        continue
      }
      this.refs.delete(blobId)
      this.journal.onFlushed(() => {
        if (!this.refs.has(blobId)) void fs.rm(this.blobPath(blobId), { force: true })
      })
    }
  }

  /** MD5 (and optionally a checksum) of stored bytes, for copies that need fresh digests. */
  async hashSegments(segments: readonly Segment[], algorithm?: ChecksumAlgorithm): Promise<{ md5Hex: string; checksum?: string }> {
    const md5 = createHash('md5')
    const hasher = algorithm && createHasher(algorithm)
    this.retain(segments)
    try {
      for await (const chunk of readSegments((id) => this.blobPath(id), segments)) {
        md5.update(chunk)
        hasher?.update(chunk)
      }
    } finally {
      this.release(segments)
    }
    return { md5Hex: md5.digest('hex'), checksum: hasher ? (await hasher.digest()).toString('base64') : undefined }
  }

  // ---- Journal ----

  private write(entry: JournalEntry): void {
    this.journal.append(entry)
  }

  private replay(entry: JournalEntry): void {
    switch (entry.t) {
      case 'bucket': {
        const existing = this.buckets.get(entry.bucket.name)
        if (existing) existing.record = entry.bucket
        else this.buckets.set(entry.bucket.name, new BucketState(entry.bucket))
        return
      }
      case 'rmbucket':
        this.buckets.delete(entry.name)
        return
      case 'ver': {
        const state = this.buckets.get(entry.b)
        if (!state) return
        let versions = state.objects.get(entry.v.key)
        if (!versions) {
          versions = []
          state.objects.set(entry.v.key, versions)
          state.index.add(entry.v.key)
        }
        const at = versions.findIndex((version) => version.versionId === entry.v.versionId)
        if (at >= 0) versions[at] = entry.v
        else versions.unshift(entry.v)
        return
      }
      case 'rmver': {
        const state = this.buckets.get(entry.b)
        const versions = state?.objects.get(entry.k)
        if (!state || !versions) return
        const at = versions.findIndex((version) => version.versionId === entry.v)
        if (at >= 0) versions.splice(at, 1)
        if (versions.length === 0) {
          state.objects.delete(entry.k)
          state.index.remove(entry.k)
        }
        return
      }
      case 'mpu':
        this.buckets.get(entry.b)?.uploads.set(entry.u.uploadId, { record: entry.u, parts: new Map() })
        return
      case 'part':
        this.buckets.get(entry.b)?.uploads.get(entry.id)?.parts.set(entry.p.partNumber, entry.p)
        return
      case 'rmmpu':
        this.buckets.get(entry.b)?.uploads.delete(entry.id)
        return
    }
  }

  private countReferences(): void {
    for (const state of this.buckets.values()) {
      for (const versions of state.objects.values()) for (const version of versions) this.retain(version.segments)
      for (const upload of state.uploads.values()) for (const part of upload.parts.values()) this.retain(part.segments)
    }
  }

  /** Blob files nothing points at: bodies of requests cut off by a crash, or deletions not yet carried out. */
  private async removeOrphanBlobs(): Promise<void> {
    for (const shard of await fs.readdir(this.blobDir)) {
      for (const blobId of await fs.readdir(path.join(this.blobDir, shard))) {
        if (!this.refs.has(blobId)) await fs.rm(path.join(this.blobDir, shard, blobId), { force: true })
      }
    }
  }

  private snapshotSize(): number {
    let n = 0
    for (const state of this.buckets.values()) {
      n++
      for (const versions of state.objects.values()) n += versions.length
      for (const upload of state.uploads.values()) n += 1 + upload.parts.size
    }
    return n
  }

  /** The live state as journal entries; replaying them rebuilds it exactly. */
  private *snapshot(): Generator<JournalEntry> {
    for (const state of this.buckets.values()) {
      const b = state.record.name
      yield { t: 'bucket', bucket: state.record }
      for (const versions of state.objects.values()) {
        for (let i = versions.length - 1; i >= 0; i--) yield { t: 'ver', b, v: versions[i] as ObjectVersion }
      }
      for (const upload of state.uploads.values()) {
        yield { t: 'mpu', b, u: upload.record }
        for (const part of upload.parts.values()) yield { t: 'part', b, id: upload.record.uploadId, p: part }
      }
    }
  }
}

function checkSeedClass(opts: PutObjectOptions): void {
  if (opts.storageClass !== undefined && !STORAGE_CLASSES.includes(opts.storageClass)) throw new S3Error('InvalidStorageClass')
}

export function checkKey(key: string): void {
  if (key.length === 0) throw new S3Error('InvalidArgument', 'Key must not be empty')
  if (utf8Length(key) > MAX_KEY_BYTES) {
    throw new S3Error('KeyTooLongError', undefined, { Size: utf8Length(key), MaxSizeAllowed: MAX_KEY_BYTES })
  }
}

export function newVersionId(): string {
  const bytes = randomBytes(32)
  let id = ''
  for (const byte of bytes) id += VERSION_ID_ALPHABET[byte & 63]
  return id
}

export const isVersionId = (id: string): boolean => id === 'null' || /^[A-Za-z0-9._]{32}$/.test(id)

function toInfo(version: ObjectVersion): ObjectInfo {
  return {
    key: version.key,
    versionId: version.versionId,
    deleteMarker: version.deleteMarker,
    lastModified: new Date(version.lastModifiedMs),
    size: version.size,
    etag: version.etag,
    storageClass: version.storageClass,
    contentType: version.headers.contentType,
    cacheControl: version.headers.cacheControl,
    contentEncoding: version.headers.contentEncoding,
    metadata: { ...version.metadata },
    tags: { ...version.tags },
    checksum: version.checksum && { ...version.checksum },
    parts: version.parts?.map((part) => ({ ...part })),
    restore: version.restore && { ...version.restore },
  }
}
