/**
 * The reads the site map needs that no module's contract offers, each through the OfflineFirst of its
 * service endpoint (so connectivity stays true): the record sets of one name (ListResourceRecordSets
 * from that name: one request, not the whole zone), a bucket's policy, and pipeline declarations (to find
 * an action whose configuration names the distribution; the values never leave main). Also the two
 * writes a fix makes to a bucket policy.
 */
import { ListResourceRecordSetsCommand, type Route53Client } from '@aws-sdk/client-route-53'
import { DeleteBucketPolicyCommand, GetBucketPolicyCommand, PutBucketPolicyCommand, type S3Client } from '@aws-sdk/client-s3'
import { GetPipelineCommand, type CodePipelineClient } from '@aws-sdk/client-codepipeline'
import type { OfflineFirst } from '../offline/offline-first'
import type { ListedSet, SiteReads } from './discovery'

export interface SiteClientSource {
  client(profileId: string, service: 'route53'): Promise<Route53Client>
  client(profileId: string, service: 's3', region?: string): Promise<S3Client>
  client(profileId: string, service: 'codepipeline'): Promise<CodePipelineClient>
}

export interface SiteOffline {
  route53: OfflineFirst
  s3: OfflineFirst
  codepipeline: OfflineFirst
}

const isNoSuchPolicy = (error: unknown) => (error as { name?: string }).name === 'NoSuchBucketPolicy'

export function siteReads(clients: SiteClientSource, offline: SiteOffline): SiteReads & PolicyWrites {
  const s3 = (profileId: string, region?: string) => clients.client(profileId, 's3', region)
  return {
    recordsNamed: (profileId, zoneId, name, signal) =>
      offline.route53.network(profileId, async () => {
        const client = await clients.client(profileId, 'route53')
        const page = await client.send(new ListResourceRecordSetsCommand({ HostedZoneId: zoneId, StartRecordName: name, MaxItems: 100 }), {
          abortSignal: signal,
        })
        return (page.ResourceRecordSets ?? []).filter((set) => set.Name?.toLowerCase() === name) as ListedSet[]
      }),
    bucketPolicy: (profileId, bucket, region, signal) =>
      offline.s3.network(profileId, async () => {
        try {
          return (await (await s3(profileId, region)).send(new GetBucketPolicyCommand({ Bucket: bucket }), { abortSignal: signal })).Policy
        } catch (error) {
          if (isNoSuchPolicy(error)) return undefined
          throw error
        }
      }),
    actionConfigurations: (profileId, pipeline, signal) =>
      offline.codepipeline.network(profileId, async () => {
        const client = await clients.client(profileId, 'codepipeline')
        const declared = await client.send(new GetPipelineCommand({ name: pipeline }), { abortSignal: signal })
        return (declared.pipeline?.stages ?? []).flatMap((stage) =>
          (stage.actions ?? []).map((action) => ({
            stage: stage.name ?? '',
            action: action.name ?? '',
            values: Object.values(action.configuration ?? {}),
          })),
        )
      }),
    putBucketPolicy: (profileId, bucket, region, policy) =>
      offline.s3.network(profileId, async () => {
        const client = await s3(profileId, region)
        if (policy === undefined) await client.send(new DeleteBucketPolicyCommand({ Bucket: bucket }))
        else await client.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: policy }))
      }),
  }
}

export interface PolicyWrites {
  /** Writes the bucket policy, or deletes it when `policy` is undefined. */
  putBucketPolicy(profileId: string, bucket: string, region: string | undefined, policy: string | undefined): Promise<void>
}
