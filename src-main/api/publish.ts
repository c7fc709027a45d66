/**
 * Publishing a local folder to a site: a plan that compares the folder with the bucket by content (size
 * plus MD5 / multipart ETag / stored checksum, never by time), per-pattern Content-Type and Cache-Control
 * rules saved per site, uploads through the transfer engine, then one CloudFront invalidation of exactly
 * the changed paths, followed to Completed. Local paths stay in main: the renderer sees a folder id and
 * relative names. Progress arrives as `publish.changed` events.
 */
import { z } from 'zod'
import { operation } from './contract'
import { hasHeaderBreakers, ProfileId, TimestampMs, WellFormed } from './common'
import { DistributionId, InvalidationPlan } from './cloudfront'
import { BucketName } from './s3'

/** A distribution's origin path: "" or "/site" (no trailing slash); the bucket's keys live under "site/". */
export const OriginPath = WellFormed('originPath')
  .max(255, 'originPath must be at most 255 characters')
  .refine(
    (path) => path === '' || (path.startsWith('/') && !path.endsWith('/')),
    'originPath must be "" or start with "/" and not end with "/"',
  )

const HeaderValue = (field: string) =>
  WellFormed(field)
    .max(1024, `${field} must be at most 1,024 characters`)
    .refine((value) => !hasHeaderBreakers(value), `${field} must not contain line breaks or control characters`)

/** One header rule: files whose name matches `pattern` get these headers (the first rule that sets a header wins). */
export const HeaderRule = z
  .object({
    /**
     * `*` any characters but "/", `**` any, `?` one, `[0-9a-f]` a class, optionally with a count `{8,}` `{8}` `{8,64}`.
     * Without a "/" the pattern is matched against the file's name, else against its path in the folder.
     */
    pattern: WellFormed('pattern').min(1, 'pattern must not be empty').max(256, 'pattern must be at most 256 characters'),
    contentType: HeaderValue('contentType').optional(),
    cacheControl: HeaderValue('cacheControl').optional(),
  })
  .strict()
export type HeaderRule = z.infer<typeof HeaderRule>

const Rules = z.array(HeaderRule).max(100, 'at most 100 header rules')

/** Where a site is published: the bucket and the origin path the distribution serves it from. */
const SiteTarget = z.object({
  profileId: ProfileId,
  bucket: BucketName,
  originPath: OriginPath.default(''),
})

const FolderId = WellFormed('folderId').min(1, 'folderId must not be empty').max(64)
const PlanId = WellFormed('planId').min(1, 'planId must not be empty').max(64)
const PublishId = WellFormed('publishId').min(1, 'publishId must not be empty').max(64)

export const PlanAction = z.enum(['new', 'changed', 'unchanged', 'delete', 'problem'])
export type PlanAction = z.infer<typeof PlanAction>

/** Why an item has its action, for the renderer's own words (`reason` is the English sentence). */
export const ReasonCode = z.enum([
  'not-in-bucket',
  'not-in-bucket-other-form',
  'size',
  'md5-differs',
  'same-md5',
  'checksum-differs',
  'same-checksum',
  'multipart-differs',
  'same-multipart',
  'twins',
  'control-character',
  'key-too-long',
  'too-large',
  'not-utf8',
  'dangling-link',
  'folder-link',
  'not-regular',
  'unreadable',
  'not-in-folder',
  'not-in-folder-nfc',
])
export type ReasonCode = z.infer<typeof ReasonCode>

export const PlanItem = z.object({
  /** The file's path in the folder ("docs/index.html"); for a deletion, the key below the origin path. */
  name: z.string(),
  /** The object key in the bucket (absent for a name S3 cannot hold). */
  key: z.string().optional(),
  action: PlanAction,
  /** Why, in words: "size 1,204 → 1,318 bytes", "same size, MD5 differs", "same MD5 as the object". */
  reason: z.string(),
  reasonCode: ReasonCode,
  /** The reason's figures and names (sizes in bytes, algorithm, Unicode forms). */
  reasonParams: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
  sizeBytes: z.number().int().nonnegative(),
  contentType: z.string().optional(),
  cacheControl: z.string().optional(),
})
export type PlanItem = z.infer<typeof PlanItem>

export const PublishPlan = z.object({
  planId: z.string(),
  folderName: z.string(),
  items: z.array(PlanItem),
  counts: z.object({
    new: z.number().int(),
    changed: z.number().int(),
    unchanged: z.number().int(),
    delete: z.number().int(),
    problem: z.number().int(),
  }),
  bytesToUpload: z.number().nonnegative(),
  /** Requests the comparison itself sent (listing pages, HEADs for checksums or part sizes). */
  requestsSent: z.number().int().nonnegative(),
  /** Absent without a distribution. */
  invalidation: z
    .object({
      /** Exactly the changed keys' paths through the origin path (index.html also as its folder). */
      exactPaths: z.array(z.string()),
      /** What would be sent: exactPaths, or folded into wildcards. */
      paths: z.array(z.string()),
      /** Why it was folded, in words; absent when exactPaths are sent. */
      foldReason: z.string().optional(),
      plan: InvalidationPlan,
    })
    .optional(),
})
export type PublishPlan = z.infer<typeof PublishPlan>

export const PublishState = z.enum(['uploading', 'deleting', 'invalidating', 'completed', 'interrupted', 'failed'])
export type PublishState = z.infer<typeof PublishState>

export const PublishView = z.object({
  publishId: z.string(),
  profileId: z.string(),
  bucket: z.string(),
  originPath: z.string(),
  distributionId: z.string().optional(),
  folderName: z.string(),
  state: PublishState,
  uploadsDone: z.number().int().nonnegative(),
  uploadsTotal: z.number().int().nonnegative(),
  deletesDone: z.number().int().nonnegative(),
  deletesTotal: z.number().int().nonnegative(),
  bytesDone: z.number().nonnegative(),
  bytesTotal: z.number().nonnegative(),
  bytesPerSecond: z.number().nonnegative(),
  etaSeconds: z.number().nonnegative().optional(),
  invalidation: z.object({ id: z.string().optional(), status: z.string(), paths: z.array(z.string()) }).optional(),
  /** What went wrong or what is left, in words ("2 uploads failed: …"). */
  message: z.string().optional(),
  startedAtMs: TimestampMs,
  updatedAtMs: TimestampMs,
})
export type PublishView = z.infer<typeof PublishView>

export const publishApi = {
  /** Opens the OS folder dialog in main; the folder's path stays in main under the returned id. */
  chooseFolder: operation({
    input: z.object({}).strict(),
    output: z.object({ folderId: z.string().optional(), folderName: z.string().optional() }),
  }),
  /** The site's saved header rules (the defaults when none are saved) and the defaults. */
  rules: operation({
    input: SiteTarget.strict(),
    output: z.object({ rules: z.array(HeaderRule), defaults: z.array(HeaderRule), saved: z.boolean() }),
  }),
  /** Saves the site's header rules on disk; a pattern that does not compile is refused, naming it. */
  saveRules: operation({ input: SiteTarget.extend({ rules: Rules }).strict(), output: z.object({ rules: z.array(HeaderRule) }) }),
  /** The dry run: what would be uploaded, deleted and invalidated, and what it costs. Nothing is changed. */
  plan: operation({
    input: SiteTarget.extend({
      folderId: FolderId,
      distributionId: DistributionId.optional(),
      /** Delete objects below the origin path that the folder no longer has. */
      deletions: z.boolean().default(false),
      /** Rules to use (unsaved edits); the saved ones when absent. */
      rules: Rules.optional(),
    }).strict(),
    output: PublishPlan,
    cancellable: true,
  }),
  /** Runs a plan: uploads, deletions, then the invalidation, followed to Completed. */
  start: operation({ input: z.object({ planId: PlanId }).strict(), output: z.object({ publish: PublishView }) }),
  /** Publishes under way, interrupted or finished in this run. */
  list: operation({ input: z.object({}).strict(), output: z.object({ publishes: z.array(PublishView) }) }),
  /** Continues an interrupted publish: the uploads still missing, then the invalidation. */
  resume: operation({ input: z.object({ publishId: PublishId }).strict(), output: z.object({ publish: PublishView }) }),
  /** Forgets a finished publish (an interrupted one must be resumed, or dismissed with `abandon`). */
  dismiss: operation({
    input: z.object({ publishId: PublishId, abandon: z.boolean().default(false) }).strict(),
    output: z.object({ ok: z.literal(true) }),
  }),
}
