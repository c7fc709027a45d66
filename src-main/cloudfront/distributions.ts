/**
 * Distributions: every page of ListDistributions, GetDistribution mapped to the contract's details
 * (origins with their kind and bucket, access control, behaviours, error pages, certificate), the
 * distributions that front a bucket, and turning a distribution on or off against the ETag the user saw.
 */
import {
  GetDistributionCommand,
  GetDistributionConfigCommand,
  ListDistributionsCommand,
  UpdateDistributionCommand,
  type CacheBehavior as SdkCacheBehavior,
  type CloudFrontClient,
  type DefaultCacheBehavior,
  type Origin as SdkOrigin,
} from '@aws-sdk/client-cloudfront'
import type { CacheBehavior, DistributionDetails, DistributionSummary, Origin } from '../api/cloudfront'
import { HaneulError } from '../core/errors'
import { rethrowExplained } from './errors'

/**
 * An origin's domain → its kind and bucket. S3 REST endpoints: `<bucket>.s3.amazonaws.com`,
 * `<bucket>.s3.<region>.amazonaws.com`, the legacy `<bucket>.s3-<region>.amazonaws.com` and dual-stack
 * `<bucket>.s3.dualstack.<region>.amazonaws.com`; website endpoints: `<bucket>.s3-website-<region>.amazonaws.com`
 * and `<bucket>.s3-website.<region>.amazonaws.com` (and `.amazonaws.com.cn` in China).
 */
export function originKindOf(domainName: string, hasS3OriginConfig: boolean): { kind: Origin['kind']; bucket?: string } {
  const domain = domainName.toLowerCase()
  const website = /^(.+)\.s3-website[.-][a-z0-9-]+\.amazonaws\.com(?:\.cn)?$/.exec(domain)
  if (website) return { kind: 's3-website', bucket: website[1] }
  const rest = /^(.+)\.s3(?:[.-](?:dualstack\.)?[a-z0-9-]+)?\.amazonaws\.com(?:\.cn)?$/.exec(domain)
  if (rest) return { kind: 's3', bucket: rest[1] }
  return { kind: hasS3OriginConfig ? 's3' : 'custom' }
}

/** The bucket of a Logging.Bucket value (`<bucket>.s3.amazonaws.com`). */
export function logBucketOf(loggingBucket: string): string | undefined {
  return originKindOf(loggingBucket, false).bucket
}

function originOf(origin: SdkOrigin): Origin {
  const domainName = origin.DomainName ?? ''
  const { kind, bucket } = originKindOf(domainName, origin.S3OriginConfig !== undefined)
  const oac = origin.OriginAccessControlId ?? ''
  const oai = origin.S3OriginConfig?.OriginAccessIdentity ?? ''
  return {
    id: origin.Id ?? '',
    domainName,
    kind,
    ...(bucket ? { bucket } : {}),
    originPath: origin.OriginPath ?? '',
    access: oac ? 'origin-access-control' : oai ? 'origin-access-identity' : 'public',
    // "origin-access-identity/cloudfront/E123…" → "E123…"
    ...(oac ? { accessId: oac } : oai ? { accessId: oai.split('/').pop() } : {}),
    ...(origin.CustomOriginConfig?.OriginProtocolPolicy ? { protocolPolicy: origin.CustomOriginConfig.OriginProtocolPolicy } : {}),
  }
}

function behaviorOf(behavior: SdkCacheBehavior | DefaultCacheBehavior, pathPattern: string): CacheBehavior {
  const legacy =
    !behavior.CachePolicyId && behavior.DefaultTTL !== undefined
      ? { legacyTtl: { min: behavior.MinTTL ?? 0, default: behavior.DefaultTTL ?? 0, max: behavior.MaxTTL ?? 0 } }
      : {}
  return {
    pathPattern,
    targetOriginId: behavior.TargetOriginId ?? '',
    viewerProtocolPolicy: behavior.ViewerProtocolPolicy ?? '',
    allowedMethods: behavior.AllowedMethods?.Items ?? [],
    compress: behavior.Compress ?? false,
    ...(behavior.CachePolicyId ? { cachePolicyId: behavior.CachePolicyId } : {}),
    ...(behavior.OriginRequestPolicyId ? { originRequestPolicyId: behavior.OriginRequestPolicyId } : {}),
    ...(behavior.ResponseHeadersPolicyId ? { responseHeadersPolicyId: behavior.ResponseHeadersPolicyId } : {}),
    ...legacy,
  }
}

interface SummaryFields {
  Id?: string
  ARN?: string
  DomainName?: string
  Status?: string
  LastModifiedTime?: Date
}

interface ConfigFields {
  Enabled?: boolean
  Aliases?: { Items?: string[] }
  Comment?: string
  Origins?: { Items?: SdkOrigin[] }
  PriceClass?: string
  HttpVersion?: string
  WebACLId?: string
}

function summaryOf(meta: SummaryFields, config: ConfigFields): DistributionSummary {
  return {
    id: meta.Id ?? '',
    arn: meta.ARN ?? '',
    domainName: meta.DomainName ?? '',
    status: meta.Status ?? '',
    enabled: config.Enabled ?? false,
    aliases: config.Aliases?.Items ?? [],
    comment: config.Comment ?? '',
    origins: (config.Origins?.Items ?? []).map(originOf),
    priceClass: config.PriceClass ?? '',
    httpVersion: config.HttpVersion ?? '',
    ...(config.WebACLId ? { webAclId: config.WebACLId } : {}),
    ...(meta.LastModifiedTime ? { lastModifiedMs: meta.LastModifiedTime.getTime() } : {}),
  }
}

/** Every distribution of the account, all pages (ListDistributions has no logging settings: details have them). */
export async function listDistributions(client: CloudFrontClient, signal?: AbortSignal): Promise<DistributionSummary[]> {
  const out: DistributionSummary[] = []
  let marker: string | undefined
  do {
    const page = await client
      .send(new ListDistributionsCommand({ Marker: marker, MaxItems: 100 }), { abortSignal: signal })
      .catch(rethrowExplained)
    const list = page.DistributionList
    for (const item of list?.Items ?? []) out.push(summaryOf(item, item))
    marker = list?.IsTruncated ? list.NextMarker : undefined
  } while (marker)
  return out
}

export async function distributionDetails(
  client: CloudFrontClient,
  distributionId: string,
  signal?: AbortSignal,
): Promise<DistributionDetails> {
  const reply = await client.send(new GetDistributionCommand({ Id: distributionId }), { abortSignal: signal }).catch(rethrowExplained)
  const distribution = reply.Distribution
  const config = distribution?.DistributionConfig
  if (!distribution || !config) throw new HaneulError('internal', 'CloudFront answered without the distribution.')
  const certificate = config.ViewerCertificate
  const logging = config.Logging
  const loggingBucket = logging?.Enabled && logging.Bucket ? logBucketOf(logging.Bucket) : undefined
  const source: DistributionDetails['viewerCertificate']['source'] = certificate?.ACMCertificateArn
    ? 'acm'
    : certificate?.IAMCertificateId
      ? 'iam'
      : 'cloudfront'
  return {
    ...summaryOf(distribution, config),
    logging: {
      enabled: logging?.Enabled ?? false,
      ...(loggingBucket ? { bucket: loggingBucket } : {}),
      prefix: logging?.Enabled ? (logging.Prefix ?? '') : '',
    },
    etag: reply.ETag ?? '',
    defaultRootObject: config.DefaultRootObject ?? '',
    behaviors: [
      ...(config.DefaultCacheBehavior ? [behaviorOf(config.DefaultCacheBehavior, '*')] : []),
      ...(config.CacheBehaviors?.Items ?? []).map((behavior) => behaviorOf(behavior, behavior.PathPattern ?? '')),
    ],
    customErrorResponses: (config.CustomErrorResponses?.Items ?? []).map((response) => ({
      errorCode: response.ErrorCode ?? 0,
      ...(response.ResponsePagePath ? { responsePagePath: response.ResponsePagePath } : {}),
      ...(response.ResponseCode ? { responseCode: response.ResponseCode } : {}),
      ...(response.ErrorCachingMinTTL !== undefined ? { minTtl: response.ErrorCachingMinTTL } : {}),
    })),
    viewerCertificate: {
      source,
      ...(certificate?.ACMCertificateArn
        ? { certificateId: certificate.ACMCertificateArn }
        : certificate?.IAMCertificateId
          ? { certificateId: certificate.IAMCertificateId }
          : {}),
      ...(certificate?.MinimumProtocolVersion ? { minimumProtocolVersion: certificate.MinimumProtocolVersion } : {}),
      ...(certificate?.SSLSupportMethod && source !== 'cloudfront' ? { sslSupportMethod: certificate.SSLSupportMethod } : {}),
    },
    inProgressInvalidations: distribution.InProgressInvalidationBatches ?? 0,
    ipv6: config.IsIPV6Enabled ?? false,
  }
}

export interface BucketDistribution {
  id: string
  domainName: string
  aliases: string[]
  originId: string
  originPath: string
}

/** The distributions with an origin in this bucket (REST or website endpoint), one entry per such origin. */
export function distributionsForBucket(distributions: readonly DistributionSummary[], bucket: string): BucketDistribution[] {
  return distributions.flatMap((distribution) =>
    distribution.origins
      .filter((origin) => origin.bucket === bucket)
      .map((origin) => ({
        id: distribution.id,
        domainName: distribution.domainName,
        aliases: distribution.aliases,
        originId: origin.id,
        originPath: origin.originPath,
      })),
  )
}

/**
 * Enables or disables the distribution. The config is read fresh, but the update is sent with If-Match
 * = the ETag the user saw: if the distribution changed since, CloudFront refuses it whole
 * (PreconditionFailed → conflict) and nothing is changed.
 */
export async function setDistributionEnabled(
  client: CloudFrontClient,
  input: { distributionId: string; enabled: boolean; etag: string },
): Promise<{ enabled: boolean; etag: string; status: string }> {
  const current = await client.send(new GetDistributionConfigCommand({ Id: input.distributionId })).catch(rethrowExplained)
  const config = current.DistributionConfig
  if (!config) throw new HaneulError('internal', 'CloudFront answered without the distribution config.')
  // Already so: nothing to send (whatever else changed since the user looked).
  if (config.Enabled === input.enabled) {
    const details = await distributionDetails(client, input.distributionId)
    return { enabled: input.enabled, etag: details.etag, status: details.status }
  }
  // The fresh config with one field changed, guarded by the user's ETag, not the fresh one: CloudFront is
  // the judge of "changed since you loaded it".
  const updated = await client
    .send(
      new UpdateDistributionCommand({
        Id: input.distributionId,
        IfMatch: input.etag,
        DistributionConfig: { ...config, Enabled: input.enabled },
      }),
    )
    .catch(rethrowExplained)
  return {
    enabled: updated.Distribution?.DistributionConfig?.Enabled ?? input.enabled,
    etag: updated.ETag ?? '',
    status: updated.Distribution?.Status ?? '',
  }
}
