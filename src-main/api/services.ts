/**
 * The one list of AWS services Haneul talks to. Everything per-service derives from it: which endpoint
 * settings profile discovery reads (`endpoint_url`, `[services]` sections, `AWS_ENDPOINT_URL_<SVC>`),
 * the endpoints a profile resolves to, the custom endpoints a Haneul profile may set, the SDK clients
 * main builds, the region each signs for, connectivity per endpoint, and the sandbox's emulators.
 *
 * Plain data, shared with the renderer (which imports it with `import type` only) and the sandbox.
 */

/** How a service picks the region it signs for. */
export type SigningRule =
  /** One endpoint for the whole partition; SigV4 scope is always us-east-1 (CloudFront, Route 53). */
  | { kind: 'global'; region: 'us-east-1' }
  /** The profile's region, or the region a call asks for (a bucket's, CloudFront metrics' us-east-1). */
  | { kind: 'regional' }

export interface AwsServiceSpec<Id extends string = string> {
  /** The SDK's client name in lower case: the folder names `src-main/<id>/`, `src-main/sandbox/<id>/`. */
  id: Id
  /**
   * The SDK's serviceId ("Route 53"): it names the endpoint settings, `AWS_ENDPOINT_URL_ROUTE_53` in the
   * environment and `route_53 = endpoint_url = …` in a `[services]` section, as every AWS SDK reads them.
   */
  sdkServiceId: string
  /** Shown in the status bar's connectivity detail. */
  label: string
  signing: SigningRule
  /** The public endpoint's host name; `{region}` is replaced for regional services. */
  endpointHost: string
}

const GLOBAL = { kind: 'global', region: 'us-east-1' } as const
const REGIONAL = { kind: 'regional' } as const

/** Adding a service starts with one line here; docs/ADDING-A-SERVICE.md has the rest of the checklist. */
export const awsServices = [
  { id: 's3', sdkServiceId: 'S3', label: 'S3', signing: REGIONAL, endpointHost: 's3.{region}.amazonaws.com' },
  { id: 'sts', sdkServiceId: 'STS', label: 'STS', signing: REGIONAL, endpointHost: 'sts.{region}.amazonaws.com' },
  { id: 'cloudfront', sdkServiceId: 'CloudFront', label: 'CloudFront', signing: GLOBAL, endpointHost: 'cloudfront.amazonaws.com' },
  { id: 'route53', sdkServiceId: 'Route 53', label: 'Route 53', signing: GLOBAL, endpointHost: 'route53.amazonaws.com' },
  {
    id: 'codepipeline',
    sdkServiceId: 'CodePipeline',
    label: 'CodePipeline',
    signing: REGIONAL,
    endpointHost: 'codepipeline.{region}.amazonaws.com',
  },
  {
    id: 'cloudwatch',
    sdkServiceId: 'CloudWatch',
    label: 'CloudWatch',
    signing: REGIONAL,
    endpointHost: 'monitoring.{region}.amazonaws.com',
  },
] as const satisfies readonly AwsServiceSpec[]

export type AwsServiceId = (typeof awsServices)[number]['id']
export const awsServiceIds = awsServices.map((service) => service.id) as [AwsServiceId, ...AwsServiceId[]]

/** Endpoint overrides per service (the sandbox's ports, an S3-compatible store, LocalStack…). */
export type ServiceEndpoints<Id extends string = AwsServiceId> = Partial<Record<Id, string>>

/** `AWS_ENDPOINT_URL_ROUTE_53`: the environment variable that overrides a service's endpoint. */
export const endpointEnvName = (spec: Pick<AwsServiceSpec, 'sdkServiceId'>) =>
  `AWS_ENDPOINT_URL_${spec.sdkServiceId.split(' ').join('_').toUpperCase()}`

/** `route_53`: the service's key inside a `[services]` section. */
export const endpointConfigKey = (spec: Pick<AwsServiceSpec, 'sdkServiceId'>) => spec.sdkServiceId.split(' ').join('_').toLowerCase()

/** The region a call signs for: global services always us-east-1, regional ones the asked-for region. */
export const signingRegion = (spec: Pick<AwsServiceSpec, 'signing'>, region: string): string =>
  spec.signing.kind === 'global' ? spec.signing.region : region

/** The service's public AWS endpoint for a region. */
export const defaultEndpoint = (spec: Pick<AwsServiceSpec, 'endpointHost' | 'signing'>, region: string): string =>
  `https://${spec.endpointHost.replace('{region}', signingRegion(spec, region))}`

/**
 * Where CloudWatch keeps a namespace's metrics: CloudFront publishes to us-east-1 whatever the
 * distribution serves; S3 storage metrics live in the bucket's own region.
 */
export function cloudWatchRegion(metrics: { namespace: 'AWS/CloudFront' } | { namespace: 'AWS/S3'; bucketRegion: string }): string {
  return metrics.namespace === 'AWS/CloudFront' ? 'us-east-1' : metrics.bucketRegion
}

export function serviceSpec(id: AwsServiceId): (typeof awsServices)[number] {
  return awsServices.find((service) => service.id === id)!
}
