/**
 * Route 53: hosted zones, record sets, and change sets that nobody submits without seeing the diff.
 * Record sets cross in the AWS shape (`Name`, `Type`, `TTL`, `ResourceRecords`, `AliasTarget`, routing
 * fields), the one users know from the console, the CLI and every SDK. Edits gather in a draft per zone
 * that main keeps on disk (crash-safe, editable offline); `planDraft` re-reads the affected records and
 * shows the diff; `submitDraft` sends it as one atomic change batch (or, when asked, the split the plan
 * named) and watches it to INSYNC.
 */
import { z } from 'zod'
import { operation } from './contract'
import { ProfileId, TimestampMs, WellFormed } from './common'

const ListingSource = z.enum(['network', 'cache']).default('network')

/** Route 53 zone ids as the API returns them, with or without the "/hostedzone/" prefix. */
export const HostedZoneId = WellFormed('zoneId')
  .min(1, 'zoneId must not be empty')
  .max(64, 'zoneId must be at most 64 characters')
  .transform((id) => id.replace(/^\/hostedzone\//, ''))
  .pipe(z.string().regex(/^[A-Z0-9]+$/, 'zoneId must be a Route 53 zone id: upper-case letters and digits'))

/** A DNS name as a person writes it: trailing dot or not, any case, Unicode or punycode, escapes. Main puts it in Route 53's form. */
export const DnsName = WellFormed('name').min(1, 'name must not be empty').max(1024, 'name must be at most 1,024 characters')

export const recordTypes = [
  'A',
  'AAAA',
  'CAA',
  'CNAME',
  'DS',
  'HTTPS',
  'MX',
  'NAPTR',
  'NS',
  'PTR',
  'SOA',
  'SPF',
  'SRV',
  'SSHFP',
  'SVCB',
  'TLSA',
  'TXT',
] as const
export const RecordType = z.enum(recordTypes, { message: `type must be one of ${recordTypes.join(', ')}` })

/** A record set in the AWS shape. Values are Route 53's text forms (TXT quoted, MX "10 mail.example."). */
export const RecordSet = z
  .object({
    Name: DnsName,
    Type: RecordType,
    SetIdentifier: WellFormed('SetIdentifier')
      .min(1, 'SetIdentifier must not be empty')
      .max(128, 'SetIdentifier must be at most 128 characters')
      .optional(),
    Weight: z
      .number()
      .int('Weight must be a whole number')
      .min(0, 'Weight must be 0 to 255')
      .max(255, 'Weight must be 0 to 255')
      .optional(),
    Region: z
      .string()
      .regex(/^[a-z]{2}(-[a-z]+)+-\d{1,2}$/, 'Region must be an AWS region such as ap-northeast-2')
      .optional(),
    GeoLocation: z
      .object({
        ContinentCode: z
          .string()
          .regex(/^(AF|AN|AS|EU|OC|NA|SA)$/, 'ContinentCode must be AF, AN, AS, EU, OC, NA or SA')
          .optional(),
        CountryCode: z
          .string()
          .regex(/^([A-Z]{2}|\*)$/, 'CountryCode must be two upper-case letters or "*"')
          .optional(),
        SubdivisionCode: z
          .string()
          .regex(/^[A-Z0-9]{1,3}$/, 'SubdivisionCode must be 1 to 3 letters or digits')
          .optional(),
      })
      .strict()
      .optional(),
    Failover: z.enum(['PRIMARY', 'SECONDARY'], { message: 'Failover must be PRIMARY or SECONDARY' }).optional(),
    MultiValueAnswer: z.boolean().optional(),
    TTL: z
      .number()
      .int('TTL must be a whole number of seconds')
      .min(0, 'TTL must be 0 to 2147483647')
      .max(2147483647, 'TTL must be 0 to 2147483647')
      .optional(),
    ResourceRecords: z
      .array(
        z
          .object({ Value: WellFormed('value').min(1, 'a value must not be empty').max(4000, 'a value must be at most 4,000 characters') })
          .strict(),
      )
      .max(1000, 'a record set can have at most 1,000 values')
      .optional(),
    AliasTarget: z
      .object({
        HostedZoneId: z.string().regex(/^[A-Z0-9]+$/, 'the alias HostedZoneId must be a zone id'),
        DNSName: DnsName,
        EvaluateTargetHealth: z.boolean(),
      })
      .strict()
      .optional(),
    HealthCheckId: z.string().max(64).optional(),
    CidrRoutingConfig: z
      .object({ CollectionId: z.string().max(64), LocationName: z.string().max(16) })
      .strict()
      .optional(),
  })
  .strict()
export type RecordSet = z.infer<typeof RecordSet>

/** A set as Route 53 lists it: the same shape, and fields Haneul does not edit (GeoProximityLocation, traffic policies) kept. */
export const ListedRecordSet = RecordSet.loose()

/** One staged edit. An update and a delete carry the set as it was when the edit was made (to notice a change meanwhile). */
export const RecordEdit = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('create'), after: RecordSet }).strict(),
  z.object({ kind: z.literal('update'), before: RecordSet, after: RecordSet }).strict(),
  z.object({ kind: z.literal('delete'), before: RecordSet }).strict(),
])
export type RecordEdit = z.infer<typeof RecordEdit>

export const ZoneSummary = z.object({
  id: z.string(),
  /** Route 53's form (punycode, escapes) and how people read it. */
  name: z.string(),
  displayName: z.string(),
  privateZone: z.boolean(),
  recordCount: z.number().int().nonnegative(),
  comment: z.string().optional(),
  /** A draft is waiting for this zone. */
  draftEdits: z.number().int().nonnegative(),
})
export type ZoneSummary = z.infer<typeof ZoneSummary>

/** A listed record set with what the table shows beside it. */
export const RecordRow = z.object({
  set: ListedRecordSet,
  displayName: z.string(),
  routing: z.enum(['simple', 'weighted', 'latency', 'failover', 'geolocation', 'multivalue', 'geoproximity', 'cidr']),
  /** Where an alias points, for the link: a CloudFront distribution, an S3 website, a record of a zone here, or another AWS target. */
  aliasKind: z.enum(['cloudfront', 's3-website', 'record', 'other']).optional(),
})
export type RecordRow = z.infer<typeof RecordRow>

const ChangedField = z.enum(['ttl', 'values', 'alias', 'routing'])

export const PlannedChange = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('create'), after: ListedRecordSet }),
  z.object({ kind: z.literal('delete'), before: ListedRecordSet }),
  z.object({ kind: z.literal('update'), before: ListedRecordSet, after: ListedRecordSet, changed: z.array(ChangedField) }),
])
export type PlannedChange = z.infer<typeof PlannedChange>

export const ChangePlan = z.object({
  zoneId: z.string(),
  zoneName: z.string(),
  /** The diff against the zone as Route 53 has it now (values compared as sets). */
  changes: z.array(PlannedChange),
  /** Edits whose record changed at Route 53 since the edit was made: shown, then asked again. */
  stale: z.array(z.object({ key: z.string(), draft: ListedRecordSet.optional(), now: ListedRecordSet.optional() })),
  /** Edits that change nothing any more (the zone already has it). */
  noOps: z.number().int().nonnegative(),
  /** The octoDNS guard: this many changes and deletions must be typed to submit. */
  confirmCount: z.number().int().positive().optional(),
  guardReason: z.string().optional(),
  /** More than one means Route 53's batch limits were exceeded; `splitReason` names what is no longer atomic. */
  batches: z.number().int().nonnegative(),
  splitReason: z.string().optional(),
  resourceRecords: z.number().int().nonnegative(),
  valueCharacters: z.number().int().nonnegative(),
  /** Identifies this plan; submitDraft refuses when the draft or the zone moved on since. */
  planId: z.string(),
})
export type ChangePlan = z.infer<typeof ChangePlan>

export const Draft = z.object({
  zoneId: z.string(),
  edits: z.array(RecordEdit),
  updatedAtMs: TimestampMs,
})
export type Draft = z.infer<typeof Draft>

const WithZone = z.object({ profileId: ProfileId, zoneId: HostedZoneId })

export const route53Api = {
  listZones: operation({
    input: z.object({ profileId: ProfileId, source: ListingSource }).strict(),
    output: z.object({ zones: z.array(ZoneSummary), cachedAtMs: TimestampMs.optional() }),
  }),
  /** One page of a zone's record sets in Route 53's order (≤ 300); pass `nextToken` back for the next. */
  listRecords: operation({
    input: WithZone.extend({
      nextToken: WellFormed('nextToken').min(1, 'nextToken must not be empty (omit it for the first page)').max(4096).optional(),
      source: ListingSource,
    }).strict(),
    output: z.object({
      /** On the first page only (one GetHostedZone per listing, not per page: Route 53 allows 5 requests a second). */
      zone: ZoneSummary.optional(),
      records: z.array(RecordRow),
      nextToken: z.string().optional(),
      cachedAtMs: TimestampMs.optional(),
    }),
  }),
  /** Route 53's rules for one record set, without the network: the problems, each naming its field and rule. */
  checkRecord: operation({
    input: z.object({ zoneName: DnsName, set: RecordSet }).strict(),
    output: z.object({ problems: z.array(z.object({ field: z.string(), message: z.string() })), set: ListedRecordSet.optional() }),
  }),
  draft: operation({ input: WithZone.strict(), output: z.object({ draft: Draft.optional() }) }),
  /** Replaces the zone's draft (every edit checked first; nothing is saved when one is wrong). Works offline. */
  saveDraft: operation({
    input: WithZone.extend({
      /** The zone's name, for the checks (the draft is saved offline too); Route 53 has the last word on submit. */
      zoneName: DnsName,
      edits: z.array(RecordEdit).max(20_000, 'a draft can hold at most 20,000 edits'),
    }).strict(),
    output: z.object({ draft: Draft }),
  }),
  discardDraft: operation({ input: WithZone.strict(), output: z.object({ discarded: z.boolean() }) }),
  /** The diff the draft would make now, its guard and its batches. Reads the affected records again. */
  planDraft: operation({ input: WithZone.strict(), output: ChangePlan }),
  /**
   * Submits the plan `planId` (refused as `conflict` when the draft or the zone changed since: plan
   * again). `confirmCount` must equal the plan's when the guard asks; `split` accepts the plan's split.
   */
  submitDraft: operation({
    input: WithZone.extend({
      planId: WellFormed('planId').min(1).max(128),
      confirmCount: z.number().int().positive().optional(),
      split: z.boolean().default(false),
    }).strict(),
    output: z.object({ changes: z.array(z.object({ changeId: z.string(), status: z.string(), watchId: z.string() })) }),
  }),
  /**
   * Reads a BIND zone file into the draft: 'merge' adds and updates only; 'replace' also deletes what the
   * file lacks (never the apex SOA and NS). A syntax error names line and column and changes nothing.
   */
  importZoneFile: operation({
    input: WithZone.extend({
      text: z.string().max(20 * 1024 * 1024, 'a zone file must be at most 20 MiB'),
      mode: z.enum(['merge', 'replace']).default('merge'),
    }).strict(),
    output: z.object({
      draft: Draft,
      records: z.number().int().nonnegative(),
      warnings: z.array(z.string()),
    }),
  }),
  /** The zone as a BIND file (aliases and routing as comments the import reads back). */
  exportZoneFile: operation({
    input: WithZone.strict(),
    output: z.object({ fileName: z.string(), text: z.string(), records: z.number().int().nonnegative() }),
  }),
  /** What Route 53 answers for a name and type (TestDNSAnswer). */
  testAnswer: operation({
    input: WithZone.extend({ name: DnsName, type: RecordType }).strict(),
    output: z.object({
      nameserver: z.string(),
      recordName: z.string(),
      recordType: z.string(),
      responseCode: z.string(),
      protocol: z.string(),
      answers: z.array(z.string()),
      /** What this machine's resolver answers for the same name and type, when it can ask (not for private zones or the sandbox). */
      resolver: z.object({ answers: z.array(z.string()).optional(), problem: z.string().optional() }).optional(),
    }),
  }),
  listHealthChecks: operation({
    input: z.object({ profileId: ProfileId }).strict(),
    output: z.object({ healthChecks: z.array(z.object({ id: z.string(), type: z.string(), target: z.string() })) }),
  }),
}
