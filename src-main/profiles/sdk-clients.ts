/**
 * How each service of the list (api/services.ts) becomes its AWS SDK v3 client. The compiler insists on
 * one factory per listed service. Clients other than S3 and STS are loaded on first use, so a start
 * that only browses buckets does not pay for them.
 */
import type { AwsCredentialIdentityProvider } from '@aws-sdk/types'
import { S3Client } from '@aws-sdk/client-s3'
import { STSClient } from '@aws-sdk/client-sts'
import type { NodeHttpHandler } from '@smithy/node-http-handler'
import type { AwsServiceId } from '../api/services'

/** What every client of a profile shares, already resolved for the service. */
export interface ClientConfig {
  /** The region to sign for (us-east-1 for global services). */
  region: string
  credentials: AwsCredentialIdentityProvider
  /** The override (sandbox port, S3-compatible store); undefined means AWS's own endpoint. */
  endpoint?: string
  forcePathStyle: boolean
  /** The profile's keep-alive pool, shared by all its clients. */
  requestHandler: NodeHttpHandler
  maxAttempts: number
}

/** The little AwsClients needs from any SDK client. */
export interface SdkClient {
  destroy(): void
}

export type ClientFactory = (config: ClientConfig) => Promise<SdkClient>

const common = ({ region, credentials, endpoint, requestHandler, maxAttempts }: ClientConfig) => ({
  region,
  credentials,
  endpoint,
  requestHandler,
  maxAttempts,
})

export const sdkClients = {
  s3: async (config) =>
    new S3Client({
      ...common(config),
      forcePathStyle: config.forcePathStyle,
      // Buckets in other regions answer with a redirect; follow it instead of failing.
      followRegionRedirects: true,
    }),
  sts: async (config) => new STSClient(common(config)),
  cloudfront: async (config) => new (await import('@aws-sdk/client-cloudfront')).CloudFrontClient(common(config)),
  route53: async (config) => new (await import('@aws-sdk/client-route-53')).Route53Client(common(config)),
  codepipeline: async (config) => new (await import('@aws-sdk/client-codepipeline')).CodePipelineClient(common(config)),
  cloudwatch: async (config) => new (await import('@aws-sdk/client-cloudwatch')).CloudWatchClient(common(config)),
} satisfies Record<AwsServiceId, ClientFactory>

export type SdkClients = typeof sdkClients
