/**
 * Site: the whole delivery stack of one domain — its Route 53 records, the CloudFront distribution they
 * name, its origins, the S3 bucket behind them, the log bucket, the pipelines that deploy into the bucket
 * or invalidate the distribution, the bucket's cost by class and the distribution's last hit ratio — with
 * a health check on every link. Fixes are planned first and applied only when confirmed, against the
 * state the plan was made from. Composed in main from the other services' modules; the renderer only
 * draws it.
 */
import { z } from 'zod'
import { operation } from './contract'
import { ProfileId, TimestampMs, WellFormed } from './common'

const ListingSource = z.enum(['network', 'cache']).default('network')

/** A domain as a person types it: any case, with or without the trailing dot. */
export const SiteDomain = WellFormed('domain')
  .min(1, 'domain must not be empty')
  .max(253, 'domain must be at most 253 characters')
  .regex(/^[^\s/:@]+$/, 'domain must be a DNS name such as www.example.com (no spaces, slashes, ports or "@")')

/** Every health check, by code; the renderer words each in the user's language. */
export const findingCodes = [
  'no-records', // the domain has no A, AAAA or CNAME record in any hosted zone of the profile
  'record-outside-aws', // the record points at a host that is not CloudFront or S3
  'alias-missing-distribution', // the record names a cloudfront.net domain no distribution of the profile has
  'distribution-disabled', // the record names a distribution that is disabled
  'name-not-in-aliases', // the distribution does not list the record's name among its alternate domain names
  'several-origins', // the map follows the default behaviour's origin; the others are listed
  'origin-not-s3', // the origin is a custom (non-S3) server
  'origin-bucket-missing', // the origin's bucket does not exist (or cannot be read)
  'origin-access-denied', // OAC/OAI configured but the bucket policy does not allow the distribution
  'bucket-public', // the bucket policy lets anyone read, though CloudFront reaches it with OAC/OAI
  'default-root-object-missing', // the default root object is not in the bucket (under the origin path)
  'error-page-missing', // a custom error response's page is not in the bucket
  'log-bucket-missing', // standard logging points at a bucket that does not exist
  'pipeline-prefix-not-served', // a pipeline deploys to a prefix outside the origin path
  'invalidation-in-progress', // an invalidation has not completed yet
  'approval-waiting', // a pipeline that deploys the site waits for a manual approval
] as const
export const FindingCode = z.enum(findingCodes)
export type FindingCode = z.infer<typeof FindingCode>

/** Fixes Haneul can make safely (each planned, shown, then confirmed). */
export const fixKinds = ['allow-distribution-in-policy', 'remove-public-statements', 'enable-distribution'] as const
export const FixKind = z.enum(fixKinds)
export type FixKind = z.infer<typeof FixKind>

/** The links of the stack, as the picture draws them. */
export const SiteLink = z.enum(['dns', 'distribution', 'origin', 'bucket', 'logs', 'pipeline'])
export type SiteLink = z.infer<typeof SiteLink>

export const Finding = z.object({
  code: FindingCode,
  severity: z.enum(['error', 'warning', 'info']),
  link: SiteLink,
  /** The broken link by name: the record, the distribution id, the bucket, the object key, the pipeline… */
  subject: z.string(),
  /** What it means, in English, naming the link (the renderer words the code itself and shows this as detail). */
  message: z.string(),
  /** Extra facts for the wording (the alias, the prefix, the stage…). */
  params: z.record(z.string(), z.string()),
  fix: FixKind.optional(),
})
export type Finding = z.infer<typeof Finding>

export const SiteRecord = z.object({
  zoneId: z.string(),
  zoneName: z.string(),
  /** Route 53's form (lowercase, trailing dot) and how people read it. */
  name: z.string(),
  displayName: z.string(),
  type: z.string(),
  /** alias: an alias record; cname: a CNAME; address: A/AAAA values. */
  kind: z.enum(['alias', 'cname', 'address']),
  /** Where it points: the alias target or CNAME value (without the trailing dot), or the addresses. */
  target: z.string(),
  /** What the target is. */
  points: z.enum(['cloudfront', 's3-website', 'record', 'outside']),
  /** For an alias to another record of the zone: the record it was followed to. */
  via: z.string().optional(),
})
export type SiteRecord = z.infer<typeof SiteRecord>

export const SiteOrigin = z.object({
  id: z.string(),
  domainName: z.string(),
  kind: z.enum(['s3', 's3-website', 'custom']),
  bucket: z.string().optional(),
  originPath: z.string(),
  access: z.enum(['origin-access-control', 'origin-access-identity', 'public']),
  /** The default behaviour's origin: the one the map follows to the bucket. */
  isDefault: z.boolean(),
  /** Path patterns of the cache behaviours that send requests here ("*" for the default). */
  pathPatterns: z.array(z.string()),
})
export type SiteOrigin = z.infer<typeof SiteOrigin>

export const SitePipeline = z.object({
  name: z.string(),
  /** Deploy actions into the site's bucket, with the prefix they write (the action's ObjectKey, "" for the top). */
  deploys: z.array(z.object({ stage: z.string(), action: z.string(), bucket: z.string(), prefix: z.string(), served: z.boolean() })),
  /** Actions whose configuration names the distribution (an invalidation step). */
  invalidates: z.array(z.object({ stage: z.string(), action: z.string() })),
  /** The latest execution's status per stage, in order. */
  stages: z.array(z.object({ name: z.string(), status: z.string().optional() })),
  waitingApprovals: z.number().int().nonnegative(),
})
export type SitePipeline = z.infer<typeof SitePipeline>

export const SiteMap = z.object({
  /** The domain in Route 53's form, and as people read it. */
  domain: z.string(),
  displayDomain: z.string(),
  records: z.array(SiteRecord),
  distribution: z
    .object({
      id: z.string(),
      domainName: z.string(),
      enabled: z.boolean(),
      status: z.string(),
      aliases: z.array(z.string()),
      defaultRootObject: z.string(),
      errorPages: z.array(z.object({ errorCode: z.number(), path: z.string() })),
      inProgressInvalidations: z.number().int().nonnegative(),
      priceClass: z.string(),
    })
    .optional(),
  origins: z.array(SiteOrigin),
  bucket: z
    .object({
      name: z.string(),
      exists: z.boolean(),
      region: z.string().optional(),
      /** How CloudFront reaches it: the REST endpoint (s3), the website endpoint, or a record straight to the website. */
      endpoint: z.enum(['rest', 'website']),
      /** The origin path as a key prefix ("site/" for "/site", "" for none). */
      keyPrefix: z.string(),
      /** What the bucket policy says about the distribution. */
      policy: z.enum(['allows-distribution', 'does-not-allow', 'none', 'unreadable']),
      public: z.boolean(),
    })
    .optional(),
  logBucket: z.object({ name: z.string(), prefix: z.string(), exists: z.boolean() }).optional(),
  pipelines: z.array(SitePipeline),
  costs: z
    .object({
      totalUsd: z.number(),
      byClass: z.array(z.object({ storageClass: z.string(), bytes: z.number(), usd: z.number() })),
      latestDayMs: TimestampMs.optional(),
      pricesDate: z.string(),
    })
    .optional(),
  /** CacheHitRate's latest point (additional metrics), in percent, with its time. */
  hitRatio: z.object({ percent: z.number(), atMs: TimestampMs, periodSeconds: z.number().int().positive() }).optional(),
  findings: z.array(Finding),
  /** Parts that could not be read (denied, offline, no metrics): named, never silently blank. */
  unavailable: z.array(
    z.object({ part: z.enum(['records', 'distribution', 'bucket', 'logs', 'pipelines', 'costs', 'hitRatio']), message: z.string() }),
  ),
  discoveredAtMs: TimestampMs,
  /** Served from the last snapshot (offline, or asked): when it was taken. */
  cachedAtMs: TimestampMs.optional(),
})
export type SiteMap = z.infer<typeof SiteMap>

export const FixPlan = z.object({
  planId: z.string(),
  fix: FixKind,
  code: FindingCode,
  subject: z.string(),
  /** What will be sent, in words. */
  summary: z.string(),
  /** The resource before and after (a bucket policy as JSON, "Enabled: false → true"). */
  before: z.string(),
  after: z.string(),
})
export type FixPlan = z.infer<typeof FixPlan>

const WithSite = z.object({ profileId: ProfileId, domain: SiteDomain })

export const siteApi = {
  /** Domains found in the profile's public hosted zones whose records lead to CloudFront or an S3 website. */
  domains: operation({
    input: z.object({ profileId: ProfileId, source: ListingSource }).strict(),
    output: z.object({
      domains: z.array(
        z.object({ domain: z.string(), displayDomain: z.string(), zoneId: z.string(), points: z.enum(['cloudfront', 's3-website']) }),
      ),
      /** Zones read only in part (very large ones): their later names are not listed. */
      partialZones: z.array(z.string()),
      cachedAtMs: TimestampMs.optional(),
    }),
  }),
  /** The stack of one domain and its health. Offline (or with source 'cache') the last snapshot, with its age. */
  map: operation({ input: WithSite.extend({ source: ListingSource }).strict(), output: SiteMap }),
  /** Plans the fix of one finding from the live state: what would change. Sends nothing. */
  planFix: operation({
    input: WithSite.extend({ code: FindingCode, subject: WellFormed('subject').min(1).max(1024) }).strict(),
    output: FixPlan,
  }),
  /** Applies a planned fix; refused (`conflict`) when what it changes moved since the plan. */
  applyFix: operation({
    input: z
      .object({ profileId: ProfileId, planId: z.string().uuid('planId must be the id planFix returned'), confirm: z.literal(true) })
      .strict(),
    output: z.object({ applied: z.literal(true), summary: z.string() }),
  }),
}
