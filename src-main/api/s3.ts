/** S3 browsing. Keys cross exactly as S3 stores them: never URL-encoded, never normalized. */
import { z } from 'zod'
import { operation } from './contract'
import { ProfileId, TimestampMs } from './common'

export const BucketName = z
  .string()
  .min(3, 'bucket name must be at least 3 characters')
  .max(63, 'bucket name must be at most 63 characters')

/** S3 limits keys to 1,024 bytes of UTF-8; counted in bytes, not characters. */
export const ObjectKey = z
  .string()
  .refine((key) => new TextEncoder().encode(key).length <= 1024, 'key must be at most 1024 bytes of UTF-8')

export const Prefix = z
  .string()
  .refine((prefix) => new TextEncoder().encode(prefix).length <= 1024, 'prefix must be at most 1024 bytes of UTF-8')

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
        nextToken: z.string().max(4096).optional(),
        pageSize: z.number().int().min(1).max(1000, 'pageSize must be at most 1000').default(1000),
        source: ListingSource,
      })
      .strict(),
    output: ObjectPage,
    cancellable: true,
  }),
}
