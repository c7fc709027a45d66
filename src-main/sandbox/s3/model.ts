/**
 * The emulator's data model: what a bucket, an object version and a multipart upload are made of.
 * These shapes are what the journal persists, so changing a field means old journals must still replay.
 */

export const STORAGE_CLASSES = [
  'STANDARD',
  'REDUCED_REDUNDANCY',
  'STANDARD_IA',
  'ONEZONE_IA',
  'INTELLIGENT_TIERING',
  'GLACIER',
  'DEEP_ARCHIVE',
  'GLACIER_IR',
] as const
export type StorageClass = (typeof STORAGE_CLASSES)[number]

/** Storage classes whose objects must be restored before they can be read. */
export const ARCHIVE_CLASSES: ReadonlySet<StorageClass> = new Set<StorageClass>(['GLACIER', 'DEEP_ARCHIVE'])

export const CHECKSUM_ALGORITHMS = ['CRC32', 'CRC32C', 'CRC64NVME', 'SHA1', 'SHA256'] as const
export type ChecksumAlgorithm = (typeof CHECKSUM_ALGORITHMS)[number]
export type ChecksumType = 'FULL_OBJECT' | 'COMPOSITE'

export type VersioningStatus = 'Unversioned' | 'Enabled' | 'Suspended'
export type RestoreTier = 'Expedited' | 'Standard' | 'Bulk'

/** S3's limits that the emulator enforces. */
export const MAX_KEY_BYTES = 1024
export const MAX_OBJECT_SIZE = 5 * 1024 ** 3
export const MAX_PART_SIZE = 5 * 1024 ** 3
export const MIN_PART_SIZE = 5 * 1024 * 1024
export const MAX_PART_NUMBER = 10_000
export const MAX_USER_METADATA_BYTES = 2048

/** A byte range of a blob file. Objects and parts are lists of these, so completing or copying never moves data. */
export interface Segment {
  blobId: string
  offset: number
  length: number
}

export interface StoredChecksum {
  algorithm: ChecksumAlgorithm
  type: ChecksumType
  /** Base64 of the raw checksum; for COMPOSITE objects without the `-N` suffix. */
  value: string
}

/** Representation headers S3 stores with an object and replays on GET/HEAD. */
export interface ObjectHeaders {
  contentType?: string
  cacheControl?: string
  contentDisposition?: string
  contentEncoding?: string
  contentLanguage?: string
  expires?: string
  websiteRedirectLocation?: string
}

export interface PartInfo {
  size: number
  etag: string
  /** Base64 raw checksum of the part, when the upload had an algorithm. */
  checksum?: string
}

export interface RestoreState {
  tier: RestoreTier
  days: number
  /** When the restored copy becomes readable. */
  readyAtMs: number
  /** When the restored copy goes away again. */
  expiresAtMs: number
}

export interface ObjectVersion {
  key: string
  /** 'null' for the null version (unversioned or suspended buckets), as S3 reports it. */
  versionId: string
  deleteMarker: boolean
  /** Truncated to whole seconds, as S3's Last-Modified is. */
  lastModifiedMs: number
  size: number
  /** Unquoted: md5 hex, or `md5-N` for multipart objects. */
  etag: string
  storageClass: StorageClass
  headers: ObjectHeaders
  metadata: Record<string, string>
  tags: Record<string, string>
  checksum?: StoredChecksum
  /** Present only for objects made by CompleteMultipartUpload. */
  parts?: PartInfo[]
  segments: Segment[]
  restore?: RestoreState
}

export interface BucketRecord {
  name: string
  region: string
  createdMs: number
  versioning: VersioningStatus
  /** Lifecycle rules in fast-xml-parser's preserveOrder form, so GET returns what PUT stored. */
  lifecycleRules?: unknown[]
  /** Inventory configurations by id, each in preserveOrder form as PUT sent it. */
  inventoryConfigurations?: Record<string, unknown[]>
  /** The PUT's x-amz-transition-default-minimum-object-size (S3's default: all_storage_classes_128K). */
  transitionDefaultMinimumObjectSize?: string
  tags?: Record<string, string>
  /** The bucket policy document exactly as PutBucketPolicy received it (GetBucketPolicy returns it byte for byte). */
  policy?: string
}

export interface UploadRecord {
  uploadId: string
  key: string
  initiatedMs: number
  storageClass: StorageClass
  headers: ObjectHeaders
  metadata: Record<string, string>
  tags: Record<string, string>
  checksumAlgorithm?: ChecksumAlgorithm
  checksumType?: ChecksumType
}

export interface PartRecord {
  partNumber: number
  size: number
  etag: string
  lastModifiedMs: number
  checksum?: { algorithm: ChecksumAlgorithm; value: string }
  segments: Segment[]
}
