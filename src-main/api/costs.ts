/**
 * Costs: what a bucket costs per storage class (CloudWatch's daily storage metrics, cheap at any size),
 * what a prefix costs exactly (a listing scan kept in main under a scan id), what a lifecycle rule would
 * change on the scanned objects, and writing that rule into the bucket's lifecycle configuration (one
 * PUT of the merged configuration, after a plan the user saw). Prices are the dated table's, with the
 * user's overrides from settings. Not an AWS service: it uses the s3 and cloudwatch clients.
 */
import { z } from 'zod'
import { operation } from './contract'
import { ProfileId, Region, TimestampMs, WellFormed } from './common'
import { BucketName, Prefix } from './s3'

const ListingSource = z.enum(['network', 'cache']).default('network')

export const costTransitionTargets = ['STANDARD_IA', 'ONEZONE_IA', 'INTELLIGENT_TIERING', 'GLACIER_IR', 'GLACIER', 'DEEP_ARCHIVE'] as const

/** Where the prices came from: every figure carries it. */
export const PriceSource = z.object({
  date: z.string(),
  sourceUrl: z.string(),
  region: z.string(),
  pricedAs: z.string(),
  estimated: z.string().optional(),
  overridden: z.array(z.string()),
})

const ClassCost = z.object({ storageClass: z.string(), bytes: z.number(), usd: z.number() })

export const BucketCosts = z.object({
  bucket: z.string(),
  region: z.string(),
  /** False for a bucket S3 has not published metrics for yet (new buckets: about a day). */
  metricsAvailable: z.boolean(),
  message: z.string().optional(),
  /** The latest daily datapoint (00:00 UTC of the day it covers): S3 publishes once a day. */
  latestDayMs: TimestampMs.optional(),
  monthly: z.object({
    totalUsd: z.number(),
    byClass: z.array(ClassCost),
    lines: z.array(
      z.object({
        storageType: z.string(),
        storageClass: z.string(),
        billedAs: z.string(),
        bytes: z.number(),
        usd: z.number(),
        note: z.string().optional(),
      }),
    ),
    /** StorageTypes the table cannot price: shown, never dropped. */
    unpriced: z.array(z.object({ storageType: z.string(), bytes: z.number(), reason: z.string() })),
    monitoring: z.object({
      known: z.boolean(),
      objects: z.number().optional(),
      usd: z.number().optional(),
      upperBoundObjects: z.number().optional(),
      upperBoundUsd: z.number().optional(),
    }),
  }),
  numberOfObjects: z.number().optional(),
  /** One point a day for the trend chart, oldest first. */
  series: z.array(z.object({ timestampMs: TimestampMs, totalUsd: z.number(), byClass: z.array(ClassCost) })),
  prices: PriceSource,
  cachedAtMs: TimestampMs.optional(),
})
export type BucketCosts = z.infer<typeof BucketCosts>

export const PrefixCostNode: z.ZodType<PrefixCostNodeShape> = z.lazy(() =>
  z.object({
    prefix: z.string(),
    objects: z.number(),
    bytes: z.number(),
    monthlyUsd: z.number(),
    truncated: z.boolean(),
    children: z.array(PrefixCostNode),
  }),
)
export interface PrefixCostNodeShape {
  prefix: string
  objects: number
  bytes: number
  monthlyUsd: number
  truncated: boolean
  children: PrefixCostNodeShape[]
}

export const ScanSummary = z.object({
  prefix: z.string(),
  nowMs: z.number(),
  prices: PriceSource,
  partial: z.string().optional(),
  totals: z.object({ objects: z.number(), bytes: z.number(), monthlyUsd: z.number() }),
  versions: z.object({ current: z.number(), noncurrent: z.number(), noncurrentBytes: z.number(), deleteMarkers: z.number() }),
  classes: z.array(
    z.object({
      storageClass: z.string(),
      objects: z.number(),
      bytes: z.number(),
      billableBytes: z.number(),
      monthlyUsd: z.number().optional(),
      monitoredObjects: z.number(),
      withinMinimum: z.object({ objects: z.number(), bytes: z.number(), earlyDeletionUsd: z.number() }),
      noncurrentObjects: z.number(),
      noncurrentBytes: z.number(),
    }),
  ),
  storageTypeBytes: z.record(z.string(), z.number()),
  monitoredObjects: z.number(),
  incompleteUploads: z.object({
    uploads: z.number(),
    bytes: z.number(),
    monthlyUsd: z.number(),
    oldestInitiatedMs: z.number().optional(),
    kept: z.array(
      z.object({ key: z.string(), uploadId: z.string(), initiatedMs: z.number(), storageClass: z.string().optional(), bytes: z.number() }),
    ),
  }),
  largest: z.array(
    z.object({
      key: z.string(),
      versionId: z.string().optional(),
      size: z.number(),
      storageClass: z.string(),
      lastModifiedMs: z.number(),
      monthlyUsd: z.number().optional(),
    }),
  ),
  tree: PrefixCostNode,
  limits: z.object({ topN: z.number(), maxDepth: z.number(), maxPrefixNodes: z.number(), maxUploadsKept: z.number() }),
})

/** Where a scan's objects came from: the listing, or the bucket's latest S3 Inventory report. */
export const ScanOrigin = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('listing'),
    /** Why no inventory report was used (none configured, another format, no report yet…), when one was looked for. */
    inventoryNote: z.string().optional(),
  }),
  z.object({
    kind: z.literal('inventory'),
    configurationId: z.string(),
    destinationBucket: z.string(),
    manifestKey: z.string(),
    /** The report's format; absent in summaries saved before Parquet reports were read (those were CSV). */
    format: z.enum(['CSV', 'Parquet']).optional(),
    /** When S3 made the report: the figures are as of then. */
    reportMs: TimestampMs,
  }),
])
export type ScanOrigin = z.infer<typeof ScanOrigin>

export const ScanResult = z.object({
  /** The scanned objects stay in main under this id (the last few scans) for whatIf; absent for a cached summary. */
  scanId: z.string().optional(),
  bucket: z.string(),
  versions: z.boolean(),
  /** Absent in summaries saved before inventories were read (they came from listings). */
  from: ScanOrigin.optional(),
  summary: ScanSummary,
  /** Set when the scan stopped early (the network): figures cover what was listed; scan again with resumeScanId. */
  stopped: z
    .object({
      reason: z.string(),
      /** The listing the scan was in when it stopped, and the last key it had. */
      phase: z.enum(['objects', 'uploads']),
      afterKey: z.string().optional(),
      resumable: z.boolean(),
    })
    .optional(),
  cachedAtMs: TimestampMs.optional(),
})
export type ScanResult = z.infer<typeof ScanResult>

/** A rule the user composes: prefix, age over N days, size over M bytes, optional tag → a class, or expiry. */
export const WhatIfRuleInput = z
  .object({
    prefix: Prefix.optional(),
    tag: z
      .object({ key: WellFormed('tag key').min(1).max(128), value: WellFormed('tag value').max(256) })
      .strict()
      .optional(),
    olderThanDays: z.number().int('age must be whole days').min(0).max(36_500),
    largerThanBytes: z.number().int().min(0).optional(),
    target: z.enum([...costTransitionTargets, 'EXPIRE']),
  })
  .strict()
export type WhatIfRuleInput = z.infer<typeof WhatIfRuleInput>

const PlanCount = z.object({ objects: z.number(), bytes: z.number() })
export const PlanResult = z.object({
  matched: PlanCount,
  notYetDue: PlanCount,
  transitioned: PlanCount.extend({ byTarget: z.record(z.string(), z.number()) }),
  expired: PlanCount,
  skipped: z.object({
    belowMinimumSize: PlanCount,
    alreadyInTarget: z.number(),
    notAllowed: z.record(z.string(), z.number()),
    unpriced: z.number(),
  }),
  monthly: z.object({ beforeUsd: z.number(), afterUsd: z.number(), savingUsd: z.number() }),
  oneTime: z.object({
    transitionRequests: z.number(),
    transitionUsd: z.number(),
    earlyDeletion: z.object({ objects: z.number(), usd: z.number() }),
    totalUsd: z.number(),
  }),
  breakEvenMonths: z.number().nullable(),
  retrieval: z.array(
    z.object({
      storageClass: z.string(),
      prices: z.array(z.object({ tier: z.string(), usdPerGb: z.number(), usdPer1000Requests: z.number(), latency: z.string() })),
      minStorageDays: z.number(),
      minBillableBytes: z.number(),
    }),
  ),
  warnings: z.array(z.string()),
})

export const RuleEffect = z.object({
  id: z.string().optional(),
  status: z.string(),
  current: PlanResult.optional(),
  noncurrent: PlanResult.optional(),
  abortIncompleteUploads: z.object({ daysAfterInitiation: z.number(), uploads: z.number(), bytes: z.number() }).optional(),
  notModelled: z.array(z.string()),
})

const LifecycleRuleId = WellFormed('ruleId').min(1, 'ruleId must not be empty').max(255, 'ruleId must be at most 255 characters')
const ScanId = z.string().uuid('scanId must be the id a scan returned')
const PlanId = z.string().uuid('planId must be the id planLifecycle returned')

/** A lifecycle configuration as JSON (Dates as ISO strings), for display and the diff. */
const LifecycleJson = z.object({ Rules: z.array(z.record(z.string(), z.unknown())).optional() }).catchall(z.unknown())

export const costsApi = {
  /** The bucket's monthly cost by class from CloudWatch AWS/S3 daily metrics in its region, and a daily trend. */
  bucketCosts: operation({
    input: z
      .object({
        profileId: ProfileId,
        bucket: BucketName,
        days: z.union([z.literal(30), z.literal(90)]).default(30),
        source: ListingSource,
      })
      .strict(),
    output: BucketCosts,
  }),
  /**
   * Lists every object (or version) under a prefix and its incomplete uploads, exactly: bytes, objects and
   * monthly cost per class, the prefix tree, the largest objects. Progress as `costs.scanProgress` events.
   * `resumeScanId` continues a scan the network stopped; `source: 'cache'` returns the last summary.
   * Where the bucket has an S3 Inventory configuration covering the prefix, its latest CSV or Parquet report is read
   * instead of listing (`method`), and `from` says which report and of when.
   */
  scanPrefix: operation({
    input: z
      .object({
        profileId: ProfileId,
        bucket: BucketName,
        prefix: Prefix.default(''),
        versions: z.boolean().default(false),
        resumeScanId: ScanId.optional(),
        /** 'auto': the latest S3 Inventory report when one covers the prefix, else the listing. */
        method: z.enum(['auto', 'listing', 'inventory']).default('auto'),
        source: ListingSource,
      })
      .strict(),
    output: ScanResult,
    cancellable: true,
  }),
  /** A composed rule evaluated on a scan's objects, and what the bucket's own lifecycle rules do to them. */
  whatIf: operation({
    input: z.object({ scanId: ScanId, rule: WhatIfRuleInput }).strict(),
    output: z.object({
      result: PlanResult,
      /** The bucket's lifecycle rules on the same objects; `existingRulesProblem` says why they are missing. */
      existingRules: z.array(RuleEffect),
      existingRulesProblem: z.string().optional(),
      partial: z.string().optional(),
      prices: PriceSource,
    }),
  }),
  /** The bucket's lifecycle configuration with the rule added: before, after and a line diff, under a plan id. */
  planLifecycle: operation({
    input: z.object({ profileId: ProfileId, bucket: BucketName, rule: WhatIfRuleInput, ruleId: LifecycleRuleId }).strict(),
    output: z.object({
      planId: z.string(),
      before: LifecycleJson,
      after: LifecycleJson,
      addedRule: z.record(z.string(), z.unknown()),
      lines: z.array(z.object({ kind: z.enum(['same', 'added', 'removed']), text: z.string() })),
    }),
  }),
  /** Writes the planned configuration in one PUT, unless the bucket's lifecycle changed since the plan. */
  applyLifecycle: operation({
    input: z.object({ profileId: ProfileId, bucket: BucketName, planId: PlanId, confirm: z.literal(true) }).strict(),
    output: z.object({ rules: z.number().int(), previous: LifecycleJson }),
  }),
  /** Writes back the configuration a plan started from, unless the bucket's lifecycle changed since it was applied. */
  restoreLifecycle: operation({
    input: z.object({ profileId: ProfileId, bucket: BucketName, planId: PlanId, confirm: z.literal(true) }).strict(),
    output: z.object({ rules: z.number().int() }),
  }),
  /** The price book of a region for display, with the user's overrides from settings marked. */
  prices: operation({
    input: z.object({ region: Region }).strict(),
    output: z.object({
      currency: z.literal('USD'),
      date: z.string(),
      sourceUrl: z.string(),
      region: z.string(),
      pricedAs: z.string(),
      estimated: z.string().optional(),
      overridden: z.array(z.string()),
      classes: z.array(
        z.object({
          storageClass: z.string(),
          tiers: z.array(z.object({ upToGb: z.number().nullable(), usdPerGbMonth: z.number() })),
          transitionUsdPer1000: z.number().optional(),
          retrieval: z.array(z.object({ tier: z.string(), usdPerGb: z.number(), usdPer1000Requests: z.number(), latency: z.string() })),
          minStorageDays: z.number(),
          minBillableBytes: z.number(),
          uncertain: z.boolean(),
          overridden: z.boolean(),
        }),
      ),
      intelligentTiering: z.object({
        tierUsdPerGbMonth: z.record(z.string(), z.number()),
        monitoringUsdPer1000Objects: z.number(),
        minMonitoredBytes: z.number(),
        overridden: z.boolean(),
      }),
      /** The user's display currency (USD figures × perUsd), when set in settings. */
      displayCurrency: z.object({ currency: z.string(), perUsd: z.number() }).optional(),
    }),
  }),
}
