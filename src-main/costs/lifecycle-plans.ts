/**
 * "Apply as lifecycle rule": a plan is the bucket's configuration as read and the merge with the new
 * rule, kept in main under an id. Applying re-reads the configuration and refuses if it is not exactly
 * what the plan was made from; then writes the merged one in a single PUT. Restoring writes the plan's
 * "before" back, again only if the bucket still holds what was applied.
 */
import {
  DeleteBucketLifecycleCommand,
  GetBucketLifecycleConfigurationCommand,
  PutBucketLifecycleConfigurationCommand,
  type S3Client,
  type TransitionDefaultMinimumObjectSize,
} from '@aws-sdk/client-s3'
import { HaneulError } from '../core/errors'
import { explainLifecycleWriteError } from './errors'
import { mergeLifecycleRule, restoreFromDiff, type LifecycleConfiguration, type LifecycleDiff } from './lifecycle-merge'

export interface LifecyclePlan {
  id: string
  profileId: string
  bucket: string
  /** The configuration as read (undefined: the bucket had none), exactly. */
  before: LifecycleConfiguration | undefined
  merged: LifecycleConfiguration
  diff: LifecycleDiff
  /** What the bucket held right after the PUT, once applied. */
  appliedFingerprint?: string
}

/** GetBucketLifecycleConfiguration without $metadata; undefined when the bucket has no configuration. */
export async function readLifecycle(client: S3Client, bucket: string): Promise<LifecycleConfiguration | undefined> {
  try {
    const { $metadata: _metadata, ...configuration } = await client.send(new GetBucketLifecycleConfigurationCommand({ Bucket: bucket }))
    return configuration as LifecycleConfiguration
  } catch (error) {
    if ((error as { name?: string }).name === 'NoSuchLifecycleConfiguration') return undefined
    throw error
  }
}

/** Two reads are the same configuration when the parsed replies are equal (the SDK parses in document order). */
export const fingerprint = (configuration: LifecycleConfiguration | undefined): string =>
  JSON.stringify(configuration?.Rules?.length ? configuration : null)

export async function putLifecycle(client: S3Client, bucket: string, configuration: LifecycleConfiguration): Promise<void> {
  await client
    .send(
      new PutBucketLifecycleConfigurationCommand({
        Bucket: bucket,
        LifecycleConfiguration: { Rules: configuration.Rules ?? [] },
        TransitionDefaultMinimumObjectSize: configuration.TransitionDefaultMinimumObjectSize as
          TransitionDefaultMinimumObjectSize | undefined,
      }),
    )
    .catch((error: unknown) => {
      throw explainLifecycleWriteError(error)
    })
}

const changedSince = (what: string) =>
  new HaneulError(
    'conflict',
    `The bucket's lifecycle configuration changed since ${what}: someone or something else wrote it. Nothing was written; plan again to see its rules now.`,
  )

/** The last few plans by id. */
export class LifecyclePlans {
  private readonly plans = new Map<string, LifecyclePlan>()
  constructor(private readonly keep: number) {}

  make(
    id: string,
    profileId: string,
    bucket: string,
    before: LifecycleConfiguration | undefined,
    rule: Parameters<typeof mergeLifecycleRule>[1],
  ): LifecyclePlan {
    const { merged, diff } = mergeLifecycleRule(before, rule)
    const plan: LifecyclePlan = { id, profileId, bucket, before, merged, diff }
    this.plans.set(id, plan)
    while (this.plans.size > this.keep) this.plans.delete(this.plans.keys().next().value!)
    return plan
  }

  find(id: string, profileId: string, bucket: string): LifecyclePlan {
    const plan = this.plans.get(id)
    if (!plan || plan.profileId !== profileId || plan.bucket !== bucket)
      throw new HaneulError(
        'not-found',
        'This lifecycle plan is no longer known (Haneul restarted, or it was for another bucket). Plan the rule again.',
      )
    return plan
  }

  /** One PUT of the merged configuration, if the bucket still has the configuration the plan was made from. */
  async apply(client: S3Client, plan: LifecyclePlan): Promise<void> {
    if (plan.appliedFingerprint !== undefined)
      throw new HaneulError('conflict', 'This plan was already applied. Plan again to add another rule.')
    if (fingerprint(await readLifecycle(client, plan.bucket)) !== fingerprint(plan.before)) throw changedSince('the plan was made')
    await putLifecycle(client, plan.bucket, plan.merged)
    plan.appliedFingerprint = fingerprint(await readLifecycle(client, plan.bucket))
  }

  /** Writes the plan's "before" back (or removes the configuration the bucket did not have). */
  async restore(client: S3Client, plan: LifecyclePlan): Promise<number> {
    if (plan.appliedFingerprint === undefined)
      throw new HaneulError('conflict', 'This plan was not applied, so there is nothing to restore.')
    if (fingerprint(await readLifecycle(client, plan.bucket)) !== plan.appliedFingerprint) throw changedSince('the rule was applied')
    const previous = restoreFromDiff(plan.diff)
    if (!previous.Rules?.length) await client.send(new DeleteBucketLifecycleCommand({ Bucket: plan.bucket }))
    else await putLifecycle(client, plan.bucket, previous)
    plan.appliedFingerprint = undefined
    return previous.Rules?.length ?? 0
  }
}
