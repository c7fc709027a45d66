/**
 * The CloudFront emulator's invalidations through the real SDK client: 201 + Location, InProgress →
 * Completed on the clock, path rules, CallerReference reuse as the live service answers it, the
 * in-progress limits per distribution, and paging of ListInvalidations.
 */
import {
  CloudFrontClient,
  CreateInvalidationCommand,
  GetDistributionCommand,
  GetInvalidationCommand,
  ListInvalidationsCommand,
} from '@aws-sdk/client-cloudfront'
import { afterAll, beforeEach, describe, expect, it } from 'vitest'
import { CredentialRegistry, SANDBOX_ACCESS_KEY_ID, SANDBOX_SECRET_ACCESS_KEY } from '../../../../src-main/sandbox/credentials'
import { createCloudFrontEmulator, STAGING_DISTRIBUTION_ID } from '../../../../src-main/sandbox/cloudfront/index'
import { DEMO_DISTRIBUTION_ID } from '../../../../src-main/sandbox/seed'
import { serve, type Served } from '../../../helpers/serve'

let now = Date.parse('2026-12-01T12:00:00Z')
const credentials = new CredentialRegistry(() => now)
const servers: Served[] = []
let client: CloudFrontClient

const errorOf = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (e: unknown) => e as Error & { $metadata: { httpStatusCode?: number } },
  )

/** A fresh emulator per test: the in-progress limits depend on what earlier tests left running. */
beforeEach(async () => {
  const emulator = createCloudFrontEmulator({ credentials, nowMs: () => now, invalidationDelayMs: 30_000 })
  const served = await serve(emulator.handle)
  servers.push(served)
  client = new CloudFrontClient({
    endpoint: served.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: SANDBOX_ACCESS_KEY_ID, secretAccessKey: SANDBOX_SECRET_ACCESS_KEY },
  })
})
afterAll(() => Promise.all(servers.map((s) => s.close())))

const invalidate = (paths: string[], callerReference: string, distributionId = STAGING_DISTRIBUTION_ID) =>
  client.send(
    new CreateInvalidationCommand({
      DistributionId: distributionId,
      InvalidationBatch: { CallerReference: callerReference, Paths: { Quantity: paths.length, Items: paths } },
    }),
  )

describe('CloudFront emulator: invalidations', () => {
  it('creates with 201 and a Location, then completes on the clock', async () => {
    const created = await invalidate(['/index.html', '/%EB%AC%B8%EC%84%9C/*'], 'deploy-1')
    expect(created.$metadata.httpStatusCode).toBe(201)
    const id = created.Invalidation!.Id!
    expect(id).toMatch(/^I[A-Z0-9]{13}$/)
    expect(created.Location).toBe(`https://cloudfront.amazonaws.com/2020-05-31/distribution/${STAGING_DISTRIBUTION_ID}/invalidation/${id}`)
    expect(created.Invalidation).toMatchObject({
      Status: 'InProgress',
      InvalidationBatch: { CallerReference: 'deploy-1', Paths: { Quantity: 2, Items: ['/index.html', '/%EB%AC%B8%EC%84%9C/*'] } },
    })
    expect(created.Invalidation?.CreateTime?.getTime()).toBe(now)
    expect(
      (await client.send(new GetDistributionCommand({ Id: STAGING_DISTRIBUTION_ID }))).Distribution?.InProgressInvalidationBatches,
    ).toBe(1)

    now += 29_000
    expect((await client.send(new GetInvalidationCommand({ DistributionId: STAGING_DISTRIBUTION_ID, Id: id }))).Invalidation?.Status).toBe(
      'InProgress',
    )
    now += 1_000
    expect((await client.send(new GetInvalidationCommand({ DistributionId: STAGING_DISTRIBUTION_ID, Id: id }))).Invalidation?.Status).toBe(
      'Completed',
    )
    expect(
      (await client.send(new GetDistributionCommand({ Id: STAGING_DISTRIBUTION_ID }))).Distribution?.InProgressInvalidationBatches,
    ).toBe(0)

    const missing = await errorOf(
      client.send(new GetInvalidationCommand({ DistributionId: STAGING_DISTRIBUTION_ID, Id: 'INOSUCHINVAL00' })),
    )
    expect(missing?.name).toBe('NoSuchInvalidation')
    expect(missing?.$metadata.httpStatusCode).toBe(404)
    expect((await errorOf(invalidate(['/a'], 'x', 'ENOSUCHDIST000')))?.name).toBe('NoSuchDistribution')
  })

  it('refuses paths without a leading slash, with * before the end, raw spaces or over 4,000 characters', async () => {
    for (const paths of [['index.html'], ['/images/*.jpg'], ['/a*b'], ['/my file.html'], ['/~user/'], [`/${'a'.repeat(4000)}`]]) {
      const error = await errorOf(invalidate(paths, `bad-${paths[0]!.slice(0, 20)}`))
      expect(error?.name, paths[0]).toBe('InvalidArgument')
      expect(error?.message).toContain('invalid invalidation paths')
    }
    const inconsistent = await errorOf(
      client.send(
        new CreateInvalidationCommand({
          DistributionId: STAGING_DISTRIBUTION_ID,
          InvalidationBatch: { CallerReference: 'q', Paths: { Quantity: 2, Items: ['/a'] } },
        }),
      ),
    )
    expect(inconsistent?.name).toBe('InconsistentQuantities')
    const tooLarge = await errorOf(
      invalidate(
        Array.from({ length: 3001 }, (_, n) => `/p/${n}`),
        'big',
      ),
    )
    expect(tooLarge?.name).toBe('BatchTooLarge')
    expect(tooLarge?.$metadata.httpStatusCode).toBe(413)
    const list = await client.send(new ListInvalidationsCommand({ DistributionId: STAGING_DISTRIBUTION_ID }))
    expect(list.InvalidationList?.Quantity).toBe(0)
  })

  it('returns the same invalidation for a repeated CallerReference, and refuses it with other paths', async () => {
    const first = await invalidate(['/a.html', '/b.html'], 'release-42')
    const repeat = await invalidate(['/b.html', '/a.html'], 'release-42')
    expect(repeat.Invalidation?.Id).toBe(first.Invalidation?.Id)
    const other = await errorOf(invalidate(['/c.html'], 'release-42'))
    expect(other?.name).toBe('InvalidArgument')
    expect(other?.message).toContain('caller reference that was used for a previous invalidation batch')
    expect((await client.send(new ListInvalidationsCommand({ DistributionId: STAGING_DISTRIBUTION_ID }))).InvalidationList?.Quantity).toBe(
      1,
    )
  })

  it('allows 15 wildcard paths and 3,000 paths in progress per distribution', async () => {
    const wildcards = Array.from({ length: 15 }, (_, n) => `/w${n}/*`)
    await invalidate(wildcards.slice(0, 10), 'w-1')
    await invalidate(wildcards.slice(10), 'w-2')
    const sixteenth = await errorOf(invalidate(['/w15/*'], 'w-3'))
    expect(sixteenth?.name).toBe('TooManyInvalidationsInProgress')

    await invalidate(
      Array.from({ length: 2000 }, (_, n) => `/f/${n}.html`),
      'f-1',
    )
    await invalidate(
      Array.from({ length: 1000 }, (_, n) => `/g/${n}.html`),
      'f-2',
    )
    expect((await errorOf(invalidate(['/one-more.html'], 'f-3')))?.name).toBe('TooManyInvalidationsInProgress')
    // Another distribution has its own budget.
    expect((await invalidate(['/w/*'], 'other', DEMO_DISTRIBUTION_ID)).Invalidation?.Status).toBe('InProgress')

    now += 30_000
    expect((await invalidate(['/w15/*', '/one-more.html'], 'after')).Invalidation?.Status).toBe('InProgress')
  })

  it('lists invalidations newest first, page by page', async () => {
    const seeded = await client.send(new ListInvalidationsCommand({ DistributionId: DEMO_DISTRIBUTION_ID, MaxItems: 3 }))
    expect(seeded.InvalidationList).toMatchObject({ IsTruncated: true, MaxItems: 3, Quantity: 3 })
    expect(seeded.InvalidationList?.Items?.map((i) => i.Status)).toEqual(['InProgress', 'Completed', 'Completed'])
    const times = seeded.InvalidationList!.Items!.map((i) => i.CreateTime!.getTime())
    expect([...times].sort((a, b) => b - a)).toEqual(times)
    const rest = await client.send(
      new ListInvalidationsCommand({ DistributionId: DEMO_DISTRIBUTION_ID, MaxItems: 3, Marker: seeded.InvalidationList?.NextMarker }),
    )
    expect(rest.InvalidationList).toMatchObject({ IsTruncated: false, Quantity: 1 })
    expect(rest.InvalidationList?.NextMarker).toBeUndefined()
    const ids = [...seeded.InvalidationList!.Items!, ...rest.InvalidationList!.Items!].map((i) => i.Id)
    expect(new Set(ids).size).toBe(4)
  })
})
