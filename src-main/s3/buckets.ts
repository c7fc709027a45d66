/**
 * Buckets: create (in a chosen region), delete (empty ones only, with the name typed to confirm), and
 * what the storage view shows about one: its region, versioning and abort-incomplete-uploads rule.
 */
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketLocationCommand,
  GetBucketVersioningCommand,
  HeadBucketCommand,
  ListObjectsV2Command,
  type BucketLocationConstraint,
  type LifecycleRule,
  type S3Client,
} from '@aws-sdk/client-s3'
import type { BucketSummary } from '../api/s3'
import { HaneulError, toApiError } from '../core/errors'
import { explainS3Error } from './errors'

/** The rule Haneul adds and updates; other rules are left as they are. */
export const ABORT_RULE_ID = 'haneul-abort-incomplete-multipart-uploads'

export async function createBucket(client: S3Client, bucket: string, region: string): Promise<{ bucket: BucketSummary }> {
  await client.send(
    new CreateBucketCommand({
      Bucket: bucket,
      // us-east-1 is the default and S3 refuses it named as a constraint.
      CreateBucketConfiguration: region === 'us-east-1' ? undefined : { LocationConstraint: region as BucketLocationConstraint },
    }),
  )
  return { bucket: { name: bucket, region } }
}

export async function deleteBucket(client: S3Client, bucket: string, confirm: string): Promise<{ deleted: true }> {
  if (confirm !== bucket) throw new HaneulError('bad-request', `To delete the bucket, type its name exactly: "${bucket}".`)
  const listed = await client.send(new ListObjectsV2Command({ Bucket: bucket, MaxKeys: 1000 }))
  const count = listed.KeyCount ?? listed.Contents?.length ?? 0
  if (count > 0) {
    const many = listed.IsTruncated ? `more than ${count.toLocaleString('en-US')}` : count.toLocaleString('en-US')
    throw new HaneulError(
      'conflict',
      `The bucket still has ${many} object${count === 1 ? '' : 's'}. Delete them first (select all, Delete), then delete the bucket.`,
    )
  }
  try {
    await client.send(new DeleteBucketCommand({ Bucket: bucket }))
  } catch (error) {
    if ((error as { name?: string }).name === 'BucketNotEmpty') {
      throw new HaneulError(
        'conflict',
        'The bucket has no current objects but still holds old versions or delete markers. Show versions and delete them, then delete the bucket.',
      )
    }
    throw error
  }
  return { deleted: true }
}

/** The bucket's region: HeadBucket reports it (and works across regions); GetBucketLocation for stores that do not. */
export async function bucketRegion(client: S3Client, bucket: string): Promise<string> {
  const head = await client.send(new HeadBucketCommand({ Bucket: bucket }))
  if (head.BucketRegion) return head.BucketRegion
  const { LocationConstraint } = await client.send(new GetBucketLocationCommand({ Bucket: bucket }))
  // S3 reports us-east-1 as no constraint, and eu-west-1 as "EU" for very old buckets.
  if (!LocationConstraint) return 'us-east-1'
  return LocationConstraint === 'EU' ? 'eu-west-1' : LocationConstraint
}

/** All lifecycle rules, or none: a bucket without a configuration answers NoSuchLifecycleConfiguration. */
export async function lifecycleOf(
  client: S3Client,
  bucket: string,
): Promise<{ rules: LifecycleRule[]; transitionDefaultMinimumObjectSize?: string }> {
  try {
    const reply = await client.send(new GetBucketLifecycleConfigurationCommand({ Bucket: bucket }))
    return { rules: reply.Rules ?? [], transitionDefaultMinimumObjectSize: reply.TransitionDefaultMinimumObjectSize }
  } catch (error) {
    if ((error as { name?: string }).name === 'NoSuchLifecycleConfiguration') return { rules: [] }
    throw explainS3Error(error)
  }
}

/** A rule aborting incomplete uploads for the whole bucket: Haneul's own, else any enabled one without a filter. */
function abortAfterDays(rules: LifecycleRule[]): number | undefined {
  const wholeBucket = (rule: LifecycleRule) =>
    rule.Status === 'Enabled' && !rule.Filter?.And && !rule.Filter?.Tag && !rule.Filter?.Prefix && !rule.Prefix
  const candidates = rules.filter((rule) => rule.AbortIncompleteMultipartUpload?.DaysAfterInitiation !== undefined && wholeBucket(rule))
  const rule = candidates.find((r) => r.ID === ABORT_RULE_ID) ?? candidates[0]
  return rule?.AbortIncompleteMultipartUpload?.DaysAfterInitiation
}

export async function bucketInfo(
  client: S3Client,
  bucket: string,
): Promise<{ region: string; versioning: 'Unversioned' | 'Enabled' | 'Suspended'; abortIncompleteAfterDays?: number }> {
  const [region, versioning, lifecycle] = await Promise.all([
    bucketRegion(client, bucket),
    client.send(new GetBucketVersioningCommand({ Bucket: bucket })),
    // A profile allowed to browse but not to read lifecycle rules still gets the rest.
    lifecycleOf(client, bucket).catch((error: unknown) => {
      if (toApiError(error).code === 'access-denied') return { rules: [] }
      throw error
    }),
  ])
  return { region, versioning: versioning.Status ?? 'Unversioned', abortIncompleteAfterDays: abortAfterDays(lifecycle.rules) }
}

export async function isVersioned(client: S3Client, bucket: string, signal?: AbortSignal): Promise<boolean> {
  const { Status } = await client.send(new GetBucketVersioningCommand({ Bucket: bucket }), { abortSignal: signal })
  // Suspended buckets still get (null) delete markers, and keep the versions they have.
  return Status === 'Enabled' || Status === 'Suspended'
}
