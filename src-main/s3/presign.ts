/**
 * Presigned GET URLs, made by the SDK's own presigner (@aws-sdk/s3-request-presigner) from a real
 * GetObjectCommand: it signs the very request the SDK serializes, with the profile's credentials, its
 * endpoint (a custom S3-compatible one included, path-style when the profile says so) and every
 * middleware of the client — the object-request guard included, so an empty key never becomes a signed
 * bucket listing. The bucket's real region is signed for, so a link to a bucket in another region works.
 */
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3'
import { getSignedUrl } from '@aws-sdk/s3-request-presigner'
import { HaneulError, toApiError } from '../core/errors'
import { bucketRegion } from './buckets'
import { guardObjectRequests, requestProblem } from './request-guard'

/** Clients signing for another region than their profile's, made once per (client, region). */
const regionalClients = new WeakMap<S3Client, Map<string, S3Client>>()

/** The profile's client, or one like it for the bucket's region (same credentials, endpoint, style). */
async function clientForRegion(client: S3Client, region: string): Promise<S3Client> {
  if ((await client.config.region()) === region) return client
  let byRegion = regionalClients.get(client)
  if (!byRegion) regionalClients.set(client, (byRegion = new Map()))
  let regional = byRegion.get(region)
  if (!regional) {
    const config = client.config
    regional = guardObjectRequests(
      new S3Client({
        region,
        credentials: config.credentials,
        endpoint: config.isCustomEndpoint ? config.endpoint : undefined,
        forcePathStyle: config.forcePathStyle,
        useFipsEndpoint: config.useFipsEndpoint,
        useDualstackEndpoint: config.useDualstackEndpoint,
      }),
    )
    byRegion.set(region, regional)
  }
  return regional
}

export async function presignGet(
  client: S3Client,
  input: { bucket: string; key: string; versionId?: string; expiresInSeconds: number },
  nowMs: () => number = Date.now,
): Promise<{ url: string; expiresAtMs: number }> {
  // The client's guard refuses it as well; checked first so a bad request costs no region lookup.
  const problem = requestProblem('GetObjectCommand', { Bucket: input.bucket, Key: input.key, VersionId: input.versionId })
  if (problem) throw new HaneulError('bad-request', `Haneul did not sign this request: ${problem}.`)
  // Browsers and curl collapse "." and ".." in a URL's path, so such a link would ask for another key.
  if (input.key.split('/').some((segment) => segment === '.' || segment === '..')) {
    throw new HaneulError(
      'unsupported',
      'Keys with "." or ".." path segments cannot be shared as a link: browsers rewrite those paths. Download the object instead.',
    )
  }
  const region = await bucketRegion(client, input.bucket).catch((error: unknown) => {
    // Someone allowed to read the object but not to look at the bucket can still sign for it.
    if (toApiError(error).code === 'access-denied') return client.config.region()
    throw error
  })
  const signingDate = new Date(nowMs())
  const url = await getSignedUrl(
    await clientForRegion(client, region),
    new GetObjectCommand({ Bucket: input.bucket, Key: input.key, VersionId: input.versionId }),
    { expiresIn: input.expiresInSeconds, signingDate },
  )
  return { url, expiresAtMs: signingDate.getTime() + input.expiresInSeconds * 1000 }
}
