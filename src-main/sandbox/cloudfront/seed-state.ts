/**
 * The sandbox's distributions: the demo site's (S3 origin with origin access control, two aliases,
 * index.html as default root object, a custom 404 page, standard logging to the log bucket, additional
 * metrics on) and a disabled staging copy on the bucket's website endpoint without logging. A few past
 * invalidations, the newest still in progress when the sandbox starts.
 */
import {
  DEMO_ALIASES,
  DEMO_DISTRIBUTION_DOMAIN,
  DEMO_DISTRIBUTION_ID,
  DEMO_LOG_PREFIX,
  distributionDomain,
  LOG_BUCKET,
  SITE_BUCKET,
} from '../seed'
import type { DistributionState, XmlTree } from './state'

export const STAGING_DISTRIBUTION_ID = 'E3HANEULSTAGE2'
export const STAGING_DISTRIBUTION_DOMAIN = distributionDomain(STAGING_DISTRIBUTION_ID)
export const DEMO_OAC_ID = 'E1HANEULOAC001'
export const DEMO_CERTIFICATE_ARN = 'arn:aws:acm:us-east-1:123456789012:certificate/6f1c2f3e-0d5a-4c1b-9a77-2b8e6c0d4a11'
/** The managed cache policy "CachingOptimized". */
const CACHING_OPTIMIZED = '658327ea-f89d-4fab-a63d-7e88639e58f6'

const HOUR_MS = 3600_000
const DAY_MS = 24 * HOUR_MS

const list = (element: string, items: unknown[]): XmlTree =>
  items.length ? { Quantity: items.length, Items: { [element]: items } } : { Quantity: 0 }

function behaviour(targetOriginId: string, pathPattern?: string): XmlTree {
  return {
    ...(pathPattern ? { PathPattern: pathPattern } : {}),
    TargetOriginId: targetOriginId,
    TrustedSigners: { Enabled: false, Quantity: 0 },
    TrustedKeyGroups: { Enabled: false, Quantity: 0 },
    ViewerProtocolPolicy: 'redirect-to-https',
    AllowedMethods: { ...list('Method', ['HEAD', 'GET']), CachedMethods: list('Method', ['HEAD', 'GET']) },
    SmoothStreaming: false,
    Compress: true,
    LambdaFunctionAssociations: { Quantity: 0 },
    FunctionAssociations: { Quantity: 0 },
    FieldLevelEncryptionId: '',
    CachePolicyId: CACHING_OPTIMIZED,
  }
}

function demoConfig(): XmlTree {
  const originId = `${SITE_BUCKET}.s3.us-east-1.amazonaws.com`
  return {
    CallerReference: 'haneul-demo-2026-03-01',
    Aliases: list('CNAME', DEMO_ALIASES),
    DefaultRootObject: 'index.html',
    Origins: list('Origin', [
      {
        Id: originId,
        DomainName: originId,
        OriginPath: '',
        CustomHeaders: { Quantity: 0 },
        S3OriginConfig: { OriginAccessIdentity: '' },
        ConnectionAttempts: 3,
        ConnectionTimeout: 10,
        OriginShield: { Enabled: false },
        OriginAccessControlId: DEMO_OAC_ID,
      },
    ]),
    OriginGroups: { Quantity: 0 },
    DefaultCacheBehavior: behaviour(originId),
    CacheBehaviors: list('CacheBehavior', [behaviour(originId, '/media/*')]),
    CustomErrorResponses: list('CustomErrorResponse', [
      { ErrorCode: 404, ResponsePagePath: '/404.html', ResponseCode: '404', ErrorCachingMinTTL: 10 },
    ]),
    Comment: 'haneul-demo.example static site',
    Logging: { Enabled: true, IncludeCookies: false, Bucket: `${LOG_BUCKET}.s3.amazonaws.com`, Prefix: DEMO_LOG_PREFIX },
    PriceClass: 'PriceClass_All',
    Enabled: true,
    ViewerCertificate: {
      CloudFrontDefaultCertificate: false,
      ACMCertificateArn: DEMO_CERTIFICATE_ARN,
      SSLSupportMethod: 'sni-only',
      MinimumProtocolVersion: 'TLSv1.2_2021',
      Certificate: DEMO_CERTIFICATE_ARN,
      CertificateSource: 'acm',
    },
    Restrictions: { GeoRestriction: { RestrictionType: 'none', Quantity: 0 } },
    WebACLId: '',
    HttpVersion: 'http2and3',
    IsIPV6Enabled: true,
    ContinuousDeploymentPolicyId: '',
    Staging: false,
  }
}

function stagingConfig(): XmlTree {
  const websiteEndpoint = `${SITE_BUCKET}.s3-website-us-east-1.amazonaws.com`
  return {
    CallerReference: 'haneul-staging-2026-05-20',
    Aliases: { Quantity: 0 },
    DefaultRootObject: '',
    Origins: list('Origin', [
      {
        Id: 'site-website',
        DomainName: websiteEndpoint,
        OriginPath: '/staging',
        CustomHeaders: { Quantity: 0 },
        CustomOriginConfig: {
          HTTPPort: 80,
          HTTPSPort: 443,
          OriginProtocolPolicy: 'http-only',
          OriginSslProtocols: list('SslProtocol', ['TLSv1.2']),
          OriginReadTimeout: 30,
          OriginKeepaliveTimeout: 5,
        },
        ConnectionAttempts: 3,
        ConnectionTimeout: 10,
        OriginShield: { Enabled: false },
        OriginAccessControlId: '',
      },
    ]),
    OriginGroups: { Quantity: 0 },
    DefaultCacheBehavior: behaviour('site-website'),
    CacheBehaviors: { Quantity: 0 },
    CustomErrorResponses: { Quantity: 0 },
    Comment: 'Staging copy of the site (disabled)',
    Logging: { Enabled: false, IncludeCookies: false, Bucket: '', Prefix: '' },
    PriceClass: 'PriceClass_100',
    Enabled: false,
    ViewerCertificate: { CloudFrontDefaultCertificate: true, MinimumProtocolVersion: 'TLSv1', CertificateSource: 'cloudfront' },
    Restrictions: { GeoRestriction: { RestrictionType: 'none', Quantity: 0 } },
    WebACLId: '',
    HttpVersion: 'http2',
    IsIPV6Enabled: true,
    ContinuousDeploymentPolicyId: '',
    Staging: false,
  }
}

/** The seeded distributions as of `nowMs`; the in-progress invalidation completes `invalidationDelayMs` after start. */
export function seedDistributions(nowMs: number, invalidationDelayMs: number): DistributionState[] {
  const invalidation = (id: string, ageMs: number, paths: string[], durationMs = 90_000) => ({
    id,
    callerReference: `haneul-${id.toLowerCase()}`,
    paths,
    createdMs: nowMs - ageMs,
    completesAtMs: nowMs - ageMs + durationMs,
  })
  return [
    {
      id: DEMO_DISTRIBUTION_ID,
      domainName: DEMO_DISTRIBUTION_DOMAIN,
      config: demoConfig(),
      etag: 'E2QWRUHAPOMQZL',
      lastModifiedMs: nowMs - 40 * DAY_MS,
      deployedAtMs: nowMs - 40 * DAY_MS + 5 * 60_000,
      invalidations: [
        // Newest first. The first is still running when the sandbox starts.
        { ...invalidation('I2HANEULRUN001', 20_000, ['/index.html', '/css/*']), completesAtMs: nowMs + invalidationDelayMs },
        invalidation('I2HANEULPAST03', 2 * DAY_MS, ['/blog/2026/11/*']),
        invalidation('I2HANEULPAST02', 12 * DAY_MS, ['/*'], 6 * 60_000),
        invalidation('I2HANEULPAST01', 25 * DAY_MS, ['/index.html', '/%EB%AC%B8%EC%84%9C/%EC%8B%9C%EC%9E%91%ED%95%98%EA%B8%B0.html']),
      ],
      // Switched on before any traffic the sandbox models (the API never shows this date).
      subscription: { status: 'Enabled', createdMs: 0 },
    },
    {
      id: STAGING_DISTRIBUTION_ID,
      domainName: STAGING_DISTRIBUTION_DOMAIN,
      config: stagingConfig(),
      etag: 'E3STAGINGETAG1',
      lastModifiedMs: nowMs - 100 * DAY_MS,
      deployedAtMs: nowMs - 100 * DAY_MS + 5 * 60_000,
      invalidations: [],
    },
  ]
}
