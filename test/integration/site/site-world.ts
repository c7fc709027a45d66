/**
 * The world the site tests run in: the app's real services (harness) with the sandbox in its own
 * process, every site.* call through the real router, and raw SDK clients on the sandbox's emulators to
 * break the stack on purpose (and to check the server's state without Haneul's code in between).
 */
import {
  CloudFrontClient,
  GetDistributionConfigCommand,
  UpdateDistributionCommand,
  type DistributionConfig,
} from '@aws-sdk/client-cloudfront'
import { ChangeResourceRecordSetsCommand, Route53Client, type ResourceRecordSet } from '@aws-sdk/client-route-53'
import { S3Client } from '@aws-sdk/client-s3'
import { expect } from 'vitest'
import type { Result } from '../../../src-main/api/contract'
import { SANDBOX_ACCESS_KEY_ID, SANDBOX_SECRET_ACCESS_KEY } from '../../../src-main/sandbox/credentials'
import { startHarness, type Harness } from '../../helpers/app-harness'

export const SENDER = 'app://haneul/index.html'
export const PROFILE = 'sandbox'
export const DEMO_ZONE = 'Z0HANEULDEMO0001'
export const DEMO = 'E2HANEULDEMO01'
export const STAGING = 'E3HANEULSTAGE2'

export interface SiteWorld {
  harness: Harness
  s3: S3Client
  cloudfront: CloudFrontClient
  route53: Route53Client
  call<T = unknown>(operation: string, payload: unknown): Promise<Result<T>>
  ok<T = unknown>(operation: string, payload: unknown): Promise<T>
  /** Reads the distribution's config, lets `edit` change it, and sends it back with its ETag. */
  editDistribution(id: string, edit: (config: DistributionConfig) => void): Promise<void>
  upsertRecords(...sets: ResourceRecordSet[]): Promise<void>
  close(): Promise<void>
}

export async function startSiteWorld(): Promise<SiteWorld> {
  // The seeded invalidation stays in progress for the whole file (the knob's largest value, ~2.8 h); no test waits for it.
  const harness = await startHarness({ sandboxDelays: { invalidationMs: 9_999_999, deploymentMs: 1000 } })
  const endpoints = harness.services.sandbox.endpoints!
  const credentials = { accessKeyId: SANDBOX_ACCESS_KEY_ID, secretAccessKey: SANDBOX_SECRET_ACCESS_KEY }
  const s3 = new S3Client({ endpoint: endpoints.s3, region: 'us-east-1', forcePathStyle: true, credentials })
  const cloudfront = new CloudFrontClient({ endpoint: endpoints.cloudfront, region: 'us-east-1', credentials })
  const route53 = new Route53Client({ endpoint: endpoints.route53, region: 'us-east-1', credentials })
  const call = <T>(operation: string, payload: unknown) =>
    harness.services.router.handle(operation, payload, { senderUrl: SENDER, signal: new AbortController().signal }) as Promise<Result<T>>
  return {
    harness,
    s3,
    cloudfront,
    route53,
    call,
    async ok<T>(operation: string, payload: unknown) {
      const result = await call<T>(operation, payload)
      if (!result.ok) expect.fail(`${operation} failed: ${result.error.code}: ${result.error.message}`)
      return result.value
    },
    async editDistribution(id, edit) {
      const got = await cloudfront.send(new GetDistributionConfigCommand({ Id: id }))
      const config = got.DistributionConfig!
      edit(config)
      await cloudfront.send(new UpdateDistributionCommand({ Id: id, IfMatch: got.ETag, DistributionConfig: config }))
    },
    async upsertRecords(...sets) {
      await route53.send(
        new ChangeResourceRecordSetsCommand({
          HostedZoneId: DEMO_ZONE,
          ChangeBatch: { Changes: sets.map((set) => ({ Action: 'UPSERT', ResourceRecordSet: set })) },
        }),
      )
    },
    async close() {
      for (const client of [s3, cloudfront, route53]) client.destroy()
      await harness.close()
    },
  }
}
