/** S3 browsing. Keys cross exactly as S3 stores them: never URL-encoded, never normalized. */
import { z } from 'zod'
import { operation } from './contract'
import { hasHeaderBreakers, ProfileId, Region, TimestampMs, utf8Bytes, WellFormed, withoutReservedKeys } from './common'

/**
 * An existing bucket's name. Loose on purpose: legacy us-east-1 buckets may have capitals, underscores
 * and up to 255 characters. New buckets are held to today's rules by NewBucketName.
 */
export const BucketName = WellFormed('bucket name')
  .min(3, 'bucket name must be at least 3 characters')
  .max(255, 'bucket name must be at most 255 characters')
  .refine((name) => !name.includes('/'), 'bucket name must not contain "/"')
  .regex(/^[A-Za-z0-9._-]*$/, 'bucket name may contain only letters, digits, ".", "_" and "-"')

/** S3's naming rules for new general purpose buckets, with the rule that was broken in the message. */
export function bucketNameProblem(name: string): string | undefined {
  if (name.length < 3 || name.length > 63) return 'bucket names must be 3 to 63 characters long'
  if (!/^[a-z0-9.-]+$/.test(name)) return 'bucket names may contain only lowercase letters, digits, dots (.) and hyphens (-)'
  if (!/^[a-z0-9]/.test(name) || !/[a-z0-9]$/.test(name)) return 'bucket names must begin and end with a letter or digit'
  if (name.includes('..')) return 'bucket names must not contain two adjacent dots'
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(name)) return 'bucket names must not look like an IP address'
  if (/^(xn--|sthree-|amzn-s3-demo-)/.test(name)) return 'bucket names must not start with xn--, sthree- or amzn-s3-demo-'
  if (/(-s3alias|--ol-s3|\.mrap|--x-s3|--table-s3)$/.test(name))
    return 'bucket names must not end with -s3alias, --ol-s3, .mrap, --x-s3 or --table-s3'
  return undefined
}

export const NewBucketName = z.string().superRefine((name, context) => {
  const problem = bucketNameProblem(name)
  if (problem) context.addIssue({ code: 'custom', message: problem })
})

/**
 * The one key schema of every object operation: 1 to 1,024 bytes of UTF-8 (counted in bytes, not
 * characters), well-formed. An empty key would turn an object request into a bucket request (a DELETE
 * with ?uploadId deletes the bucket, ?tagging replaces the bucket's tags), so it never gets this far.
 */
export const ObjectKey = WellFormed('key')
  .min(1, 'key must not be empty')
  .refine((key) => utf8Bytes(key) <= 1024, 'key must be at most 1024 bytes of UTF-8')

/** A key prefix ("" is the whole bucket). */
export const Prefix = WellFormed('prefix').refine((prefix) => utf8Bytes(prefix) <= 1024, 'prefix must be at most 1024 bytes of UTF-8')

/** An object version id as S3 reported it ("null" for objects written before versioning). */
export const VersionId = WellFormed('versionId')
  .min(1, 'versionId must not be empty')
  .max(1024, 'versionId must be at most 1024 characters')

/** A paging token or marker handed back as it came; never empty (omit it for the first page). */
const Marker = (field: string, max: number) =>
  WellFormed(field).min(1, `${field} must not be empty (omit it for the first page)`).max(max, `${field} must be at most ${max} characters`)

export const storageClasses = [
  'STANDARD',
  'REDUCED_REDUNDANCY',
  'STANDARD_IA',
  'ONEZONE_IA',
  'INTELLIGENT_TIERING',
  'GLACIER',
  'DEEP_ARCHIVE',
  'GLACIER_IR',
  'OUTPOSTS',
  'SNOW',
  'EXPRESS_ONEZONE',
] as const

export const BucketSummary = z.object({
  name: z.string(),
  region: z.string().optional(),
  createdAtMs: TimestampMs.optional(),
})
export type BucketSummary = z.infer<typeof BucketSummary>

export const ObjectSummary = z.object({
  key: z.string(),
  size: z.number().int().nonnegative(),
  lastModifiedMs: TimestampMs.optional(),
  etag: z.string().optional(),
  /** As S3 reports it; S3 omits nothing here but other stores may. */
  storageClass: z.string(),
})
export type ObjectSummary = z.infer<typeof ObjectSummary>

/**
 * Where a listing comes from. 'network' asks S3 and, if the profile is offline, falls back to the last
 * snapshot; 'cache' answers from the snapshot only, at once, without touching the network.
 */
export const ListingSource = z.enum(['network', 'cache']).default('network')

export const ObjectPage = z.object({
  /** Folder-like common prefixes at this level (only with a delimiter). */
  prefixes: z.array(z.string()),
  objects: z.array(ObjectSummary),
  /** Pass back to get the next page; absent on the last page. */
  nextToken: z.string().optional(),
  /** Set when the page came from the offline snapshot: when it was saved. */
  cachedAtMs: TimestampMs.optional(),
})
export type ObjectPage = z.infer<typeof ObjectPage>

export const ObjectVersion = z.object({
  key: z.string(),
  versionId: z.string(),
  isLatest: z.boolean(),
  deleteMarker: z.boolean(),
  size: z.number().int().nonnegative(),
  lastModifiedMs: TimestampMs.optional(),
  etag: z.string().optional(),
  storageClass: z.string().optional(),
})
export type ObjectVersion = z.infer<typeof ObjectVersion>

export const RestoreTier = z.enum(['Expedited', 'Standard', 'Bulk'])

export const ObjectDetails = z.object({
  key: z.string(),
  versionId: z.string().optional(),
  size: z.number().int().nonnegative(),
  etag: z.string().optional(),
  lastModifiedMs: TimestampMs.optional(),
  storageClass: z.string(),
  /** e.g. { algorithm: 'CRC32', value: 'base64', type: 'FULL_OBJECT' } when the object has one. */
  checksum: z.object({ algorithm: z.string(), value: z.string(), type: z.string().optional() }).optional(),
  partsCount: z.number().int().optional(),
  /** System metadata S3 keeps as headers. */
  system: z.object({
    contentType: z.string().optional(),
    cacheControl: z.string().optional(),
    contentDisposition: z.string().optional(),
    contentEncoding: z.string().optional(),
    contentLanguage: z.string().optional(),
    expires: z.string().optional(),
    serverSideEncryption: z.string().optional(),
    websiteRedirectLocation: z.string().optional(),
  }),
  /** x-amz-meta-* without the prefix, as S3 returns them. */
  metadata: z.record(z.string(), z.string()),
  tags: z.record(z.string(), z.string()),
  /** Glacier classes: none, in progress, or restored until a date. */
  restore: z.object({ ongoing: z.boolean(), expiresAtMs: TimestampMs.optional() }).optional(),
  /** The object is archived (GLACIER/DEEP_ARCHIVE) and not restored: its bytes cannot be read now. */
  archived: z.boolean(),
})
export type ObjectDetails = z.infer<typeof ObjectDetails>

/**
 * A value sent as an HTTP header. CR, LF and NUL would end or split the header; other non-ASCII cannot be
 * sent at all (Content-Disposition is the exception: main writes a non-ASCII file name as RFC 6266
 * `filename*=UTF-8''…`).
 */
const HeaderValue = (field: string, max: number, { unicode = false } = {}) =>
  WellFormed(field)
    .max(max, `${field} must be at most ${max} characters`)
    .refine((value) => !hasHeaderBreakers(value), `${field} must not contain line breaks (CR, LF) or NUL`)
    .refine(
      (value) => unicode || /^[\t\x20-\x7e]*$/.test(value),
      `${field} may contain only printable ASCII (letters, digits, spaces and punctuation)`,
    )

/** Editable system metadata (a copy-in-place keeps everything not named here; an empty string removes a header). */
export const SystemMetadataInput = z
  .object({
    contentType: HeaderValue('contentType', 1024).optional(),
    cacheControl: HeaderValue('cacheControl', 1024).optional(),
    contentDisposition: HeaderValue('contentDisposition', 1024, { unicode: true }).optional(),
    contentEncoding: HeaderValue('contentEncoding', 1024).optional(),
    contentLanguage: HeaderValue('contentLanguage', 1024).optional(),
    expires: HeaderValue('expires', 256).optional(),
  })
  .strict()

/**
 * S3 user metadata: names are case-insensitive ASCII; values any well-formed text without CR, LF or NUL
 * (non-ASCII values travel RFC 2047-encoded, which S3 decodes); the whole block is limited to 2 KB.
 */
export const UserMetadata = withoutReservedKeys(
  'a metadata name',
  z.record(z.string(), HeaderValue('metadata value', 2048, { unicode: true })),
).superRefine((meta, context) => {
  for (const name of Object.keys(meta)) {
    if (!/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(name)) {
      context.addIssue({ code: 'custom', path: [name], message: "metadata names may contain only letters, digits and !#$%&'*+.^_`|~-" })
    }
  }
  const size = Object.entries(meta).reduce((n, [k, v]) => n + k.length + utf8Bytes(v), 0)
  if (size > 2048) context.addIssue({ code: 'custom', message: 'user metadata must be at most 2 KB in total' })
})

/** S3 object tags: at most 10; keys ≤ 128 and values ≤ 256 Unicode characters. */
export const Tags = withoutReservedKeys(
  'a tag key',
  z.record(WellFormed('tag key'), WellFormed('tag value').max(256, 'tag values must be at most 256 characters')),
).superRefine((tags, context) => {
  for (const key of Object.keys(tags)) {
    if (key.length === 0) context.addIssue({ code: 'custom', path: [key], message: 'tag keys must not be empty' })
    else if ([...key].length > 128) context.addIssue({ code: 'custom', path: [key], message: 'tag keys must be at most 128 characters' })
  }
  if (Object.keys(tags).length > 10) context.addIssue({ code: 'custom', message: 'an object can have at most 10 tags' })
})

export const MultipartUploadSummary = z.object({
  key: z.string(),
  uploadId: z.string(),
  initiatedMs: TimestampMs.optional(),
  storageClass: z.string().optional(),
  parts: z.number().int().nonnegative(),
  bytes: z.number().int().nonnegative(),
})

/** A key that could not be handled in a bulk operation, and why; the rest carry on. */
export const KeyFailure = z.object({ key: z.string(), code: z.string(), message: z.string() })

/** Where a copy or move goes. Another profile means another account or store: bytes are streamed through. */
export const Destination = z
  .object({
    profileId: ProfileId,
    bucket: BucketName,
    /** Keys land under this prefix, keeping their path below the source prefix. */
    prefix: Prefix.default(''),
  })
  .strict()

/** What to do when the destination key exists: 'fail' lists the conflicts without changing anything. */
export const ConflictPolicy = z.enum(['fail', 'overwrite', 'skip'])

/** Which keys (and folders) go where, for copy and move alike. */
const CopyOrMoveInput = z
  .object({
    profileId: ProfileId,
    bucket: BucketName,
    sourcePrefix: Prefix.default(''),
    keys: z.array(ObjectKey).max(100_000).default([]),
    prefixes: z.array(Prefix).max(1_000).default([]),
    destination: Destination,
    onConflict: ConflictPolicy.default('fail'),
  })
  .strict()

const BulkResult = z.object({
  jobId: z.string(),
})

export const s3Api = {
  listBuckets: operation({
    input: z.object({ profileId: ProfileId, source: ListingSource }).strict(),
    output: z.object({ buckets: z.array(BucketSummary), cachedAtMs: TimestampMs.optional() }),
  }),
  /** One page of a prefix listing. The renderer pages by passing `nextToken` back. */
  listObjects: operation({
    input: z
      .object({
        profileId: ProfileId,
        bucket: BucketName,
        prefix: Prefix.default(''),
        /** '/' lists one folder level; omit for a flat listing. */
        delimiter: z.literal('/').optional(),
        nextToken: Marker('nextToken', 4096).optional(),
        pageSize: z.number().int().min(1).max(1000, 'pageSize must be at most 1000').default(1000),
        source: ListingSource,
      })
      .strict(),
    output: ObjectPage,
    cancellable: true,
  }),
  createBucket: operation({
    input: z.object({ profileId: ProfileId, bucket: NewBucketName, region: Region }).strict(),
    output: z.object({ bucket: BucketSummary }),
  }),
  /** Deletes an empty bucket. `confirm` must repeat the bucket's name (typed by the user). */
  deleteBucket: operation({
    input: z.object({ profileId: ProfileId, bucket: BucketName, confirm: WellFormed('confirm').max(255) }).strict(),
    output: z.object({ deleted: z.literal(true) }),
  }),
  bucketInfo: operation({
    input: z.object({ profileId: ProfileId, bucket: BucketName }).strict(),
    output: z.object({
      region: z.string(),
      versioning: z.enum(['Unversioned', 'Enabled', 'Suspended']),
      /** The AbortIncompleteMultipartUpload rule, if the bucket has one. */
      abortIncompleteAfterDays: z.number().int().optional(),
    }),
  }),
  /** Bounded deep search: keys under a prefix whose name contains the query. Stops at a limit and says so. */
  searchObjects: operation({
    input: z
      .object({
        profileId: ProfileId,
        bucket: BucketName,
        prefix: Prefix.default(''),
        query: WellFormed('search text').min(1, 'search text must not be empty').max(1024),
        maxResults: z.number().int().min(1).max(10_000).default(1_000),
        maxScanned: z.number().int().min(1).max(1_000_000).default(100_000),
      })
      .strict(),
    output: z.object({
      objects: z.array(ObjectSummary),
      scanned: z.number().int(),
      /** Why the search stopped early, if it did. */
      stoppedAt: z.enum(['max-results', 'max-scanned']).optional(),
    }),
    cancellable: true,
  }),
  /** One page of object versions (and delete markers) under a prefix; only when the user asks. */
  listVersions: operation({
    input: z
      .object({
        profileId: ProfileId,
        bucket: BucketName,
        prefix: Prefix.default(''),
        keyMarker: Marker('keyMarker', 2048).optional(),
        versionIdMarker: Marker('versionIdMarker', 1024).optional(),
        pageSize: z.number().int().min(1).max(1000).default(200),
      })
      .strict(),
    output: z.object({
      versions: z.array(ObjectVersion),
      next: z.object({ keyMarker: z.string(), versionIdMarker: z.string().optional() }).optional(),
    }),
    cancellable: true,
  }),
  objectDetails: operation({
    input: z.object({ profileId: ProfileId, bucket: BucketName, key: ObjectKey, versionId: VersionId.optional() }).strict(),
    output: ObjectDetails,
  }),
  /** Replaces system and user metadata by copying the object onto itself; tags, class and data are kept. */
  updateMetadata: operation({
    input: z
      .object({ profileId: ProfileId, bucket: BucketName, key: ObjectKey, system: SystemMetadataInput, metadata: UserMetadata })
      .strict(),
    output: ObjectDetails,
    cancellable: true,
  }),
  putTags: operation({
    input: z.object({ profileId: ProfileId, bucket: BucketName, key: ObjectKey, versionId: VersionId.optional(), tags: Tags }).strict(),
    output: z.object({ tags: z.record(z.string(), z.string()) }),
  }),
  /** Copies the object onto itself in another class. Archived objects must be restored first. */
  changeStorageClass: operation({
    input: z.object({ profileId: ProfileId, bucket: BucketName, key: ObjectKey, storageClass: z.enum(storageClasses) }).strict(),
    output: ObjectDetails,
    cancellable: true,
  }),
  restoreObject: operation({
    input: z
      .object({
        profileId: ProfileId,
        bucket: BucketName,
        key: ObjectKey,
        versionId: VersionId.optional(),
        days: z.number().int().min(1, 'restore for at least 1 day').max(365, 'restore for at most 365 days'),
        tier: RestoreTier,
      })
      .strict(),
    output: z.object({ status: z.enum(['started', 'already-restored', 'in-progress']) }),
  }),
  /**
   * A presigned GET URL. With copyToClipboard main puts the full URL on the clipboard. When the profile
   * signs with a session token, the URL carries it: the reply then shows it redacted (`redacted: true`)
   * and only the clipboard holds the working URL, so the token never reaches the page.
   */
  presignGet: operation({
    input: z
      .object({
        profileId: ProfileId,
        bucket: BucketName,
        key: ObjectKey,
        versionId: VersionId.optional(),
        expiresInSeconds: z.number().int().min(1).max(604_800, 'presigned URLs last at most 7 days (604800 seconds)'),
        copyToClipboard: z.boolean().default(false),
      })
      .strict(),
    output: z.object({ url: z.string(), expiresAtMs: TimestampMs, redacted: z.boolean() }),
  }),
  /** Creates the zero-byte "folder/" marker; refuses if it exists. */
  createFolder: operation({
    input: z
      .object({
        profileId: ProfileId,
        bucket: BucketName,
        prefix: Prefix.refine((p) => p.endsWith('/') && p.length > 1, 'folder names end with "/"'),
      })
      .strict(),
    output: z.object({ created: z.literal(true) }),
  }),
  /**
   * Copies keys (and everything under prefixes) to a destination, keeping their path below
   * `sourcePrefix`. A bulk job: returns a job id at once; progress and per-key failures arrive as events.
   */
  copy: operation({ input: CopyOrMoveInput, output: BulkResult }),
  /** Like copy, then deletes each source once its copy is confirmed. Renaming one key is a move of one key. */
  move: operation({ input: CopyOrMoveInput, output: BulkResult }),
  /** Renames one key to another in the same bucket; `conflict` error if the target exists and overwrite is false. */
  rename: operation({
    input: z
      .object({ profileId: ProfileId, bucket: BucketName, key: ObjectKey, newKey: ObjectKey, overwrite: z.boolean().default(false) })
      .strict(),
    output: z.object({ key: z.string() }),
    cancellable: true,
  }),
  /**
   * Deletes keys and everything under prefixes (DeleteObjects, 1,000 per call). Above a threshold the
   * user must type the count; versioned buckets get delete markers, and the result says so.
   */
  delete: operation({
    input: z
      .object({
        profileId: ProfileId,
        bucket: BucketName,
        keys: z.array(ObjectKey).max(100_000).default([]),
        prefixes: z.array(Prefix).max(1_000).default([]),
        /** Required when deleting prefixes or more than 100 keys: the number of objects the user saw and typed. */
        confirmCount: z.number().int().nonnegative().optional(),
      })
      .strict(),
    output: BulkResult,
  }),
  /** Counts what a prefix delete would remove, so the confirmation can name the number. */
  countPrefix: operation({
    input: z.object({ profileId: ProfileId, bucket: BucketName, prefixes: z.array(Prefix).min(1).max(1_000) }).strict(),
    output: z.object({ objects: z.number().int(), bytes: z.number().int(), versioned: z.boolean() }),
    cancellable: true,
  }),
  listMultipartUploads: operation({
    input: z.object({ profileId: ProfileId, bucket: BucketName }).strict(),
    output: z.object({
      uploads: z.array(MultipartUploadSummary),
      /** More than 10,000 uploads: only the first 10,000 are listed. */
      truncated: z.boolean().optional(),
      /** Storage cost of the parts per month, from the bundled price table (dated). */
      monthlyCostUsd: z.number(),
      priceTableDate: z.string(),
    }),
    cancellable: true,
  }),
  abortMultipartUploads: operation({
    input: z
      .object({
        profileId: ProfileId,
        bucket: BucketName,
        uploads: z
          .array(z.object({ key: ObjectKey, uploadId: WellFormed('uploadId').min(1, 'uploadId must not be empty').max(1024) }))
          .min(1)
          .max(10_000),
      })
      .strict(),
    output: z.object({ aborted: z.number().int(), failures: z.array(KeyFailure) }),
  }),
  /** Adds (or updates) a lifecycle rule that aborts incomplete multipart uploads after N days; other rules are kept. */
  addAbortIncompleteRule: operation({
    input: z.object({ profileId: ProfileId, bucket: BucketName, days: z.number().int().min(1).max(365) }).strict(),
    output: z.object({ rules: z.number().int() }),
  }),
}
