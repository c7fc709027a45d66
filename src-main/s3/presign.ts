/**
 * Presigned GET URLs, signed with the profile's own client settings: its credentials, its endpoint
 * (a custom S3-compatible one included, path-style when the profile says so) and the bucket's real
 * region, so a link to a bucket in another region works. SigV4 query signing via @smithy/signature-v4,
 * as @aws-sdk/s3-request-presigner does it (that package is not a dependency).
 */
import type { S3Client } from '@aws-sdk/client-s3'
import { HttpRequest } from '@smithy/protocol-http'
import { SignatureV4 } from '@smithy/signature-v4'
import type { AwsCredentialIdentity, ChecksumConstructor, Endpoint, EndpointV2, HashConstructor } from '@aws-sdk/types'
import { HaneulError, toApiError } from '../core/errors'
import { bucketRegion } from './buckets'
import { encodeKeyPath, uriEncode } from './listing'

/** The parts of the client's resolved configuration a presigner needs (the SDK types them loosely). */
interface ResolvedS3Config {
  region: () => Promise<string>
  credentials: () => Promise<AwsCredentialIdentity>
  endpoint?: () => Promise<Endpoint>
  forcePathStyle?: boolean
  useFipsEndpoint: () => Promise<boolean>
  useDualstackEndpoint: () => Promise<boolean>
  endpointProvider: (params: Record<string, unknown>) => EndpointV2
  sha256: ChecksumConstructor | HashConstructor
}

const PAYLOAD_HASH = 'x-amz-content-sha256'

export async function presignGet(
  client: S3Client,
  input: { bucket: string; key: string; versionId?: string; expiresInSeconds: number },
  nowMs: () => number = Date.now,
): Promise<{ url: string; expiresAtMs: number }> {
  // Browsers and curl collapse "." and ".." in a URL's path, so such a link would ask for another key.
  if (input.key.split('/').some((segment) => segment === '.' || segment === '..')) {
    throw new HaneulError(
      'unsupported',
      'Keys with "." or ".." path segments cannot be shared as a link: browsers rewrite those paths. Download the object instead.',
    )
  }
  const config = client.config as unknown as ResolvedS3Config
  const region = await bucketRegion(client, input.bucket).catch((error: unknown) => {
    // Someone allowed to read the object but not to look at the bucket can still sign for it.
    if (toApiError(error).code === 'access-denied') return config.region()
    throw error
  })
  const custom = await config.endpoint?.()
  // The same endpoint rules the client uses for requests: virtual-hosted or path-style, FIPS, dual-stack.
  const resolved = config.endpointProvider({
    Bucket: input.bucket,
    Region: region,
    UseFIPS: await config.useFipsEndpoint(),
    UseDualStack: await config.useDualstackEndpoint(),
    ForcePathStyle: config.forcePathStyle,
    Endpoint: custom ? `${custom.protocol}//${custom.hostname}${custom.port ? `:${custom.port}` : ''}${custom.path}` : undefined,
  })
  const base = resolved.url
  const host = base.port ? `${base.hostname}:${base.port}` : base.hostname
  const request = new HttpRequest({
    method: 'GET',
    protocol: base.protocol,
    hostname: base.hostname,
    port: base.port ? Number(base.port) : undefined,
    path: `${base.pathname.replace(/\/$/, '')}/${encodeKeyPath(input.key)}`,
    query: input.versionId ? { versionId: input.versionId } : {},
    // S3 signs presigned GETs over an unsigned payload, and the hash stays out of the URL.
    headers: { host, [PAYLOAD_HASH]: 'UNSIGNED-PAYLOAD' },
  })
  // The path is already encoded once, as S3 wants it signed (no double encoding).
  const signer = new SignatureV4({ credentials: config.credentials, region, service: 's3', sha256: config.sha256, uriEscapePath: false })
  const signingDate = new Date(nowMs())
  const signed = await signer.presign(request, {
    signingDate,
    expiresIn: input.expiresInSeconds,
    unsignableHeaders: new Set([PAYLOAD_HASH]),
    unhoistableHeaders: new Set([PAYLOAD_HASH]),
  })
  const query = Object.entries(signed.query ?? {})
    .flatMap(([name, value]) => (value === null ? [] : ([] as string[]).concat(value).map((v) => `${uriEncode(name)}=${uriEncode(v)}`)))
    .join('&')
  const url = `${base.protocol}//${host}${signed.path}?${query}`
  return { url, expiresAtMs: signingDate.getTime() + input.expiresInSeconds * 1000 }
}
