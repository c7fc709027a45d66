/**
 * CloudFront: distributions, invalidations (encoded, priced and followed to Completed) and cache
 * statistics from two sources — CloudWatch metrics and the distribution's standard logs.
 * Limits are the API reference's (AWS-FACTS.md §A); messages name the rule that was broken.
 */
import { z } from 'zod'
import { operation } from './contract'
import { ProfileId, TimestampMs, WellFormed } from './common'
import { BucketName, ObjectKey, Prefix } from './s3'

const ListingSource = z.enum(['network', 'cache']).default('network')

/** CloudFront ids are upper-case letters and digits (E2HANEULDEMO01, I2J3…). */
const CloudFrontId = (field: string) =>
  WellFormed(field)
    .min(1, `${field} must not be empty`)
    .max(64, `${field} must be at most 64 characters`)
    .regex(/^[A-Z0-9]+$/, `${field} must be CloudFront's id: upper-case letters and digits`)

export const DistributionId = CloudFrontId('distributionId')
export const InvalidationId = CloudFrontId('invalidationId')

/** Invalidation limits (cloudfront-limits.md): one batch, paths in progress per distribution, path length. */
export const invalidationLimits = {
  pathsPerBatch: 3000,
  pathsInProgress: 3000,
  wildcardsInProgress: 15,
  pathCharacters: 4000,
  freePathsPerMonth: 1000,
  usdPerPath: 0.005,
} as const

export const OriginKind = z.enum(['s3', 's3-website', 'custom'])

export const Origin = z.object({
  id: z.string(),
  domainName: z.string(),
  kind: OriginKind,
  /** For s3 and s3-website origins: the bucket, so Storage can be opened on it. */
  bucket: z.string().optional(),
  /** Prepended to every request path on the way to the origin ("" for none); keys map to paths through it. */
  originPath: z.string(),
  /** How CloudFront reaches a private S3 origin. */
  access: z.enum(['origin-access-control', 'origin-access-identity', 'public']),
  accessId: z.string().optional(),
  /** custom origins: http-only, https-only, match-viewer. */
  protocolPolicy: z.string().optional(),
})
export type Origin = z.infer<typeof Origin>

export const CacheBehavior = z.object({
  /** "*" for the default behaviour. */
  pathPattern: z.string(),
  targetOriginId: z.string(),
  viewerProtocolPolicy: z.string(),
  allowedMethods: z.array(z.string()),
  compress: z.boolean(),
  cachePolicyId: z.string().optional(),
  originRequestPolicyId: z.string().optional(),
  responseHeadersPolicyId: z.string().optional(),
  /** Legacy cache settings, when the behaviour has no cache policy. */
  legacyTtl: z.object({ min: z.number(), default: z.number(), max: z.number() }).optional(),
})
export type CacheBehavior = z.infer<typeof CacheBehavior>

export const DistributionSummary = z.object({
  id: z.string(),
  arn: z.string(),
  domainName: z.string(),
  status: z.string(),
  enabled: z.boolean(),
  aliases: z.array(z.string()),
  comment: z.string(),
  origins: z.array(Origin),
  priceClass: z.string(),
  httpVersion: z.string(),
  /** The WAF web ACL, when one is attached. */
  webAclId: z.string().optional(),
  logging: z.object({ enabled: z.boolean(), bucket: z.string().optional(), prefix: z.string() }).optional(),
  lastModifiedMs: TimestampMs.optional(),
})
export type DistributionSummary = z.infer<typeof DistributionSummary>

export const DistributionDetails = DistributionSummary.extend({
  etag: z.string(),
  defaultRootObject: z.string(),
  behaviors: z.array(CacheBehavior),
  customErrorResponses: z.array(
    z.object({
      errorCode: z.number(),
      responsePagePath: z.string().optional(),
      responseCode: z.string().optional(),
      minTtl: z.number().optional(),
    }),
  ),
  viewerCertificate: z.object({
    source: z.enum(['cloudfront', 'acm', 'iam']),
    certificateId: z.string().optional(),
    minimumProtocolVersion: z.string().optional(),
    sslSupportMethod: z.string().optional(),
  }),
  inProgressInvalidations: z.number().int().nonnegative(),
  ipv6: z.boolean(),
})
export type DistributionDetails = z.infer<typeof DistributionDetails>

/** One path as the user gave it, and what would be sent. */
export const PlannedPath = z.object({
  /** What was typed, or the object key / folder it came from. */
  input: z.string(),
  /** The path CloudFront gets: leading "/", origin path removed, non-ASCII and unsafe characters percent-encoded, "*" never. */
  path: z.string().optional(),
  wildcard: z.boolean(),
  /** Why this path cannot be sent (the rule that was broken); such a plan cannot be submitted. */
  problem: z.string().optional(),
  /** Worth knowing but not blocking (e.g. "~" must be sent as %7E, which CloudFront may not match). */
  warning: z.string().optional(),
})
export type PlannedPath = z.infer<typeof PlannedPath>

/** Objects chosen in Storage, mapped to paths through the origin that serves their bucket. */
export const InvalidationObjects = z
  .object({
    bucket: BucketName,
    keys: z.array(ObjectKey).max(100_000, 'at most 100,000 keys at a time'),
    /** Folders: each becomes "<path>*". */
    prefixes: z.array(Prefix).max(3000, 'at most 3,000 folders at a time').default([]),
  })
  .strict()

const TypedPaths = z
  .array(WellFormed('path').max(invalidationLimits.pathCharacters * 3, 'a path must be at most 4,000 characters once encoded'))
  .max(100_000, 'at most 100,000 paths at a time')

const InvalidationRequest = z
  .object({
    profileId: ProfileId,
    distributionId: DistributionId,
    /** Typed paths, as a person writes them ("/문서/a b.html"); main encodes them. */
    paths: TypedPaths.default([]),
    objects: InvalidationObjects.optional(),
  })
  .strict()

export const InvalidationPlan = z.object({
  paths: z.array(PlannedPath),
  /** Distinct paths to send, after encoding and removing duplicates. */
  pathCount: z.number().int().nonnegative(),
  wildcardCount: z.number().int().nonnegative(),
  /** Batches it takes within CloudFront's limits; more than one means the rest is queued and sent as earlier ones complete. */
  batches: z.number().int().nonnegative(),
  /** Why it is split or queued, in words; absent when it goes in one batch now. */
  queueReason: z.string().optional(),
  cost: z.object({
    /** Paths already invalidated this calendar month (UTC) in the account, all distributions. */
    pathsThisMonth: z.number().int().nonnegative(),
    /** False when some of this month's invalidations could not be read: pathsThisMonth is then a lower bound. */
    complete: z.boolean(),
    freePerMonth: z.number().int(),
    billablePaths: z.number().int().nonnegative(),
    usd: z.number().nonnegative(),
  }),
})
export type InvalidationPlan = z.infer<typeof InvalidationPlan>

export const InvalidationSummary = z.object({
  id: z.string(),
  status: z.string(),
  createdAtMs: TimestampMs,
})
export type InvalidationSummary = z.infer<typeof InvalidationSummary>

export const InvalidationDetails = InvalidationSummary.extend({
  paths: z.array(z.string()),
  callerReference: z.string(),
})
export type InvalidationDetails = z.infer<typeof InvalidationDetails>

/** Chart ranges; periods are chosen inside CloudWatch's point limits and retention. */
export const MetricsRange = z.union([
  z.object({ last: z.enum(['1h', '24h', '7d', '14d']) }).strict(),
  z
    .object({ startMs: TimestampMs, endMs: TimestampMs })
    .strict()
    .refine((range) => range.endMs > range.startMs, 'the range must end after it starts')
    .refine((range) => range.endMs - range.startMs <= 455 * 86_400_000, 'CloudWatch keeps metrics for at most 455 days'),
])

export const MetricSeries = z.object({
  /** CloudWatch's metric name (Requests, CacheHitRate, OriginLatency…). */
  metric: z.string(),
  /** Sum, Average, p50, p90… */
  statistic: z.string(),
  unit: z.enum(['count', 'bytes', 'percent', 'milliseconds']),
  /** [period start in ms, value], in time order; periods without data are absent. */
  points: z.array(z.tuple([TimestampMs, z.number()])),
})
export type MetricSeries = z.infer<typeof MetricSeries>

export const DistributionMetrics = z.object({
  startMs: TimestampMs,
  endMs: TimestampMs,
  periodSeconds: z.number().int().positive(),
  /** Why this period (point limit, retention of older data). */
  periodReason: z.string(),
  /** Additional metrics are on: CacheHitRate, OriginLatency and the per-status error rates are included. */
  additionalMetrics: z.boolean(),
  series: z.array(MetricSeries),
  totals: z.object({ requests: z.number(), bytesDownloaded: z.number(), bytesUploaded: z.number() }),
  cachedAtMs: TimestampMs.optional(),
})
export type DistributionMetrics = z.infer<typeof DistributionMetrics>

const TopEntry = z.object({ key: z.string(), count: z.number(), bytes: z.number(), error: z.number() })
const CacheCounts = z.object({
  hits: z.number(),
  misses: z.number(),
  errors: z.number(),
  refreshHits: z.number(),
  other: z.number(),
  hitRatio: z.number().optional(),
})

/** The console's cache statistics, computed from standard logs (src-main/cloudfront/logs/). */
export const LogAnalysis = z.object({
  fromMs: TimestampMs,
  toMs: TimestampMs,
  /** Where the logs were read: s3://bucket/prefix. */
  location: z.string(),
  files: z.number().int().nonnegative(),
  /** Of those, files whose per-file aggregate was already in the data folder (not downloaded again). */
  filesFromCache: z.number().int().nonnegative(),
  /** Offline: only files read before are counted. */
  offline: z.boolean(),
  bytesRead: z.number().nonnegative(),
  lines: z.number(),
  requests: z.number(),
  malformed: z.number(),
  malformedSamples: z.array(z.string()),
  problemFiles: z.array(z.object({ name: z.string(), problem: z.string(), truncated: z.boolean() })),
  firstRequestMs: TimestampMs.optional(),
  lastRequestMs: TimestampMs.optional(),
  bytes: z.number(),
  cache: CacheCounts,
  hourly: z.array(CacheCounts.extend({ hourStartMs: TimestampMs, requests: z.number(), bytes: z.number() })),
  byResultType: z.record(z.string(), z.object({ requests: z.number(), bytes: z.number() })),
  bytesFromMisses: z.number(),
  incompleteDownloads: z.object({ requests: z.number(), bytes: z.number() }),
  topPaths: z.array(TopEntry),
  topMissedPaths: z.array(TopEntry),
  statusCodes: z.array(TopEntry),
  /** Edge locations by their code (ICN54-C1), with the city the code's airport names. */
  edgeLocations: z.array(TopEntry.extend({ city: z.string().optional() })),
  exact: z.boolean(),
})
export type LogAnalysis = z.infer<typeof LogAnalysis>

export const cloudfrontApi = {
  listDistributions: operation({
    input: z.object({ profileId: ProfileId, source: ListingSource }).strict(),
    output: z.object({ distributions: z.array(DistributionSummary), cachedAtMs: TimestampMs.optional() }),
  }),
  distribution: operation({
    input: z.object({ profileId: ProfileId, distributionId: DistributionId, source: ListingSource }).strict(),
    output: z.object({ distribution: DistributionDetails, cachedAtMs: TimestampMs.optional() }),
  }),
  /** Distributions with an origin in this bucket: where Storage offers "Invalidate in CloudFront…". */
  distributionsForBucket: operation({
    input: z.object({ profileId: ProfileId, bucket: BucketName }).strict(),
    output: z.object({
      distributions: z.array(
        z.object({ id: z.string(), domainName: z.string(), aliases: z.array(z.string()), originId: z.string(), originPath: z.string() }),
      ),
    }),
  }),
  listInvalidations: operation({
    input: z
      .object({
        profileId: ProfileId,
        distributionId: DistributionId,
        marker: WellFormed('marker').min(1, 'marker must not be empty (omit it for the first page)').max(256).optional(),
        source: ListingSource,
      })
      .strict(),
    output: z.object({
      invalidations: z.array(InvalidationSummary),
      nextMarker: z.string().optional(),
      cachedAtMs: TimestampMs.optional(),
    }),
  }),
  invalidation: operation({
    input: z.object({ profileId: ProfileId, distributionId: DistributionId, invalidationId: InvalidationId }).strict(),
    output: z.object({ invalidation: InvalidationDetails }),
  }),
  /** The preview: encoded paths, problems, batches and cost. Sends nothing. */
  planInvalidation: operation({ input: InvalidationRequest, output: InvalidationPlan }),
  /**
   * Sends the plan's first batch now and queues the rest (sent as earlier batches complete); every batch
   * is watched to Completed (`watch.changed`, an OS notification when all are done), across profile
   * switches and restarts. Refused whole when any path has a problem.
   */
  createInvalidation: operation({
    input: InvalidationRequest,
    output: z.object({
      /** Batches sent now. */
      invalidations: z.array(InvalidationSummary.extend({ paths: z.number().int().nonnegative(), watchId: z.string() })),
      /** Batches waiting for room within the in-progress limits. */
      queuedBatches: z.number().int().nonnegative(),
      queuedPaths: z.number().int().nonnegative(),
    }),
  }),
  /**
   * Turns the distribution on or off. `etag` is the ETag of the details the user saw: CloudFront refuses
   * the update (`conflict`) when the distribution changed since, and nothing is changed.
   */
  setDistributionEnabled: operation({
    input: z
      .object({
        profileId: ProfileId,
        distributionId: DistributionId,
        enabled: z.boolean(),
        etag: WellFormed('etag')
          .min(1, 'etag must not be empty')
          .max(64, 'etag must be at most 64 characters')
          .regex(/^[A-Za-z0-9]+$/, "etag must be CloudFront's ETag: letters and digits"),
      })
      .strict(),
    output: z.object({ enabled: z.boolean(), etag: z.string(), status: z.string() }),
  }),
  /** Whether the distribution has additional metrics (a monitoring subscription), and what they cost. */
  monitoring: operation({
    input: z.object({ profileId: ProfileId, distributionId: DistributionId }).strict(),
    output: z.object({
      additionalMetrics: z.boolean(),
      metricCount: z.number().int().positive(),
      /** The metrics' monthly price (CloudWatch's per-metric rate), for the confirmation. */
      monthlyUsd: z.number().nonnegative(),
    }),
  }),
  /** Turns additional metrics on or off; the window asks first (they are billed monthly). */
  setAdditionalMetrics: operation({
    input: z.object({ profileId: ProfileId, distributionId: DistributionId, enabled: z.boolean(), confirm: z.literal(true) }).strict(),
    output: z.object({ additionalMetrics: z.boolean() }),
  }),
  metrics: operation({
    input: z.object({ profileId: ProfileId, distributionId: DistributionId, range: MetricsRange, source: ListingSource }).strict(),
    output: DistributionMetrics,
  }),
  /**
   * Cache statistics from the distribution's standard logs in [fromMs, toMs): lists the log files, reads
   * the new ones (progress as `cloudfront.logsProgress` events with the request id), reuses per-file
   * aggregates kept in the data folder. With source 'cache' (or offline) only files read before count.
   */
  analyzeLogs: operation({
    input: z
      .object({
        profileId: ProfileId,
        distributionId: DistributionId,
        fromMs: TimestampMs,
        toMs: TimestampMs,
        source: ListingSource,
      })
      .strict()
      .refine((range) => range.toMs > range.fromMs, 'the range must end after it starts')
      .refine((range) => range.toMs - range.fromMs <= 400 * 86_400_000, 'at most 400 days of logs at a time'),
    output: LogAnalysis,
    cancellable: true,
  }),
}
