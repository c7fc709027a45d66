/**
 * The CloudFront emulator's distributions through the real SDK client: paging, the seeded demo story,
 * ETag/If-Match on UpdateDistribution and its errors, deployment InProgress → Deployed on the clock,
 * monitoring subscriptions, and the credential and permission checks.
 */
import {
  CloudFrontClient,
  CreateMonitoringSubscriptionCommand,
  DeleteMonitoringSubscriptionCommand,
  GetDistributionCommand,
  GetDistributionConfigCommand,
  GetMonitoringSubscriptionCommand,
  ListDistributionsCommand,
  UpdateDistributionCommand,
  type DistributionConfig,
} from '@aws-sdk/client-cloudfront'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CredentialRegistry, SANDBOX_ACCESS_KEY_ID, SANDBOX_SECRET_ACCESS_KEY } from '../../../../src-main/sandbox/credentials'
import { createCloudFrontEmulator, STAGING_DISTRIBUTION_ID, type CloudFrontEmulator } from '../../../../src-main/sandbox/cloudfront/index'
import { DEMO_DISTRIBUTION_DOMAIN as ZONE_ALIAS_TARGET } from '../../../../src-main/sandbox/route53/seed'
import { DEMO_DISTRIBUTION_ID } from '../../../../src-main/sandbox/seed'
import { serve, type Served } from '../../../helpers/serve'

let now = Date.parse('2026-12-01T12:00:00Z')
const credentials = new CredentialRegistry(() => now)
let emulator: CloudFrontEmulator
let served: Served
let client: CloudFrontClient

const errorOf = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (e: unknown) => e as Error & { $metadata: { httpStatusCode?: number } },
  )

beforeAll(async () => {
  emulator = createCloudFrontEmulator({ credentials, nowMs: () => now, deployDelayMs: 60_000 })
  served = await serve(emulator.handle)
  client = new CloudFrontClient({
    endpoint: served.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: SANDBOX_ACCESS_KEY_ID, secretAccessKey: SANDBOX_SECRET_ACCESS_KEY },
  })
})
afterAll(() => served.close())

describe('CloudFront emulator: distributions', () => {
  it('lists distributions page by page with Marker, MaxItems, NextMarker and IsTruncated', async () => {
    const first = await client.send(new ListDistributionsCommand({ MaxItems: 1 }))
    expect(first.DistributionList).toMatchObject({ MaxItems: 1, IsTruncated: true, Quantity: 1, NextMarker: DEMO_DISTRIBUTION_ID })
    expect(first.DistributionList?.Items?.map((d) => d.Id)).toEqual([DEMO_DISTRIBUTION_ID])
    const second = await client.send(new ListDistributionsCommand({ MaxItems: 1, Marker: first.DistributionList?.NextMarker }))
    expect(second.DistributionList).toMatchObject({ Marker: DEMO_DISTRIBUTION_ID, IsTruncated: false, Quantity: 1 })
    expect(second.DistributionList?.NextMarker).toBeUndefined()
    const staging = second.DistributionList?.Items?.[0]
    expect(staging).toMatchObject({ Id: STAGING_DISTRIBUTION_ID, Enabled: false, Status: 'Deployed' })
    expect(staging?.Aliases?.Quantity).toBe(0)

    const all = await client.send(new ListDistributionsCommand({}))
    expect(all.DistributionList).toMatchObject({ MaxItems: 100, IsTruncated: false, Quantity: 2 })
    const bad = await errorOf(client.send(new ListDistributionsCommand({ Marker: 'ENOSUCHMARKER0' })))
    expect(bad?.name).toBe('InvalidArgument')
  })

  it('serves the demo distribution: aliases, S3 origin with OAC, root object, custom 404, logging', async () => {
    const { Distribution: d, ETag } = await client.send(new GetDistributionCommand({ Id: DEMO_DISTRIBUTION_ID }))
    expect(ETag).toMatch(/^E[A-Z0-9]{13}$/)
    expect(d?.ARN).toBe(`arn:aws:cloudfront::123456789012:distribution/${DEMO_DISTRIBUTION_ID}`)
    expect(d?.InProgressInvalidationBatches).toBe(1)
    // The seeded hosted zone's apex alias points at this distribution.
    expect(d?.DomainName).toBe(ZONE_ALIAS_TARGET)
    expect(d?.DomainName).toMatch(/^d[a-z0-9]{13}\.cloudfront\.net$/)
    const config = d!.DistributionConfig!
    expect(config.Aliases?.Items).toEqual(['haneul-demo.example', 'www.haneul-demo.example'])
    expect(config.DefaultRootObject).toBe('index.html')
    expect(config.Origins?.Items?.[0]).toMatchObject({
      DomainName: 'haneul-demo-site.s3.us-east-1.amazonaws.com',
      OriginAccessControlId: 'E1HANEULOAC001',
      S3OriginConfig: { OriginAccessIdentity: '' },
    })
    expect(config.CustomErrorResponses?.Items?.[0]).toMatchObject({ ErrorCode: 404, ResponsePagePath: '/404.html', ResponseCode: '404' })
    expect(config.Logging).toEqual({
      Enabled: true,
      IncludeCookies: false,
      Bucket: 'haneul-demo-logs.s3.amazonaws.com',
      Prefix: 'cloudfront/',
    })
    expect(config.DefaultCacheBehavior?.AllowedMethods?.CachedMethods?.Items).toEqual(['HEAD', 'GET'])

    const missing = await errorOf(client.send(new GetDistributionCommand({ Id: 'ENOSUCHDIST000' })))
    expect(missing?.name).toBe('NoSuchDistribution')
    expect(missing?.$metadata.httpStatusCode).toBe(404)
  })

  it('updates only with the current ETag in If-Match, then deploys on the clock', async () => {
    const { DistributionConfig: config, ETag } = await client.send(new GetDistributionConfigCommand({ Id: DEMO_DISTRIBUTION_ID }))
    const changed: DistributionConfig = { ...config!, Comment: '하늘 demo, updated' }

    const missing = await errorOf(client.send(new UpdateDistributionCommand({ Id: DEMO_DISTRIBUTION_ID, DistributionConfig: changed })))
    expect(missing?.name).toBe('InvalidIfMatchVersion')
    const stale = await errorOf(
      client.send(new UpdateDistributionCommand({ Id: DEMO_DISTRIBUTION_ID, DistributionConfig: changed, IfMatch: 'ESTALEETAG0000' })),
    )
    expect(stale?.name).toBe('PreconditionFailed')
    expect(stale?.$metadata.httpStatusCode).toBe(412)

    const updated = await client.send(
      new UpdateDistributionCommand({ Id: DEMO_DISTRIBUTION_ID, DistributionConfig: changed, IfMatch: ETag }),
    )
    expect(updated.ETag).not.toBe(ETag)
    expect(updated.Distribution?.Status).toBe('InProgress')
    expect(updated.Distribution?.DistributionConfig?.Comment).toBe('하늘 demo, updated')

    const again = await errorOf(
      client.send(new UpdateDistributionCommand({ Id: DEMO_DISTRIBUTION_ID, DistributionConfig: changed, IfMatch: ETag })),
    )
    expect(again?.name).toBe('PreconditionFailed')

    const reread = await client.send(new GetDistributionConfigCommand({ Id: DEMO_DISTRIBUTION_ID }))
    expect(reread.ETag).toBe(updated.ETag)
    expect(reread.DistributionConfig).toEqual(changed)

    now += 59_000
    expect((await client.send(new GetDistributionCommand({ Id: DEMO_DISTRIBUTION_ID }))).Distribution?.Status).toBe('InProgress')
    now += 1_000
    expect((await client.send(new GetDistributionCommand({ Id: DEMO_DISTRIBUTION_ID }))).Distribution?.Status).toBe('Deployed')
  })

  it('refuses configs CloudFront refuses, and changes nothing', async () => {
    const { DistributionConfig: config, ETag } = await client.send(new GetDistributionConfigCommand({ Id: DEMO_DISTRIBUTION_ID }))
    const update = (c: DistributionConfig) =>
      errorOf(client.send(new UpdateDistributionCommand({ Id: DEMO_DISTRIBUTION_ID, DistributionConfig: c, IfMatch: ETag })))

    const inconsistent = await update({ ...config!, Aliases: { Quantity: 3, Items: ['haneul-demo.example'] } })
    expect(inconsistent?.name).toBe('InconsistentQuantities')
    const renamed = await update({ ...config!, CallerReference: 'another-reference' })
    expect(renamed?.name).toBe('IllegalUpdate')
    const orphan = await update({
      ...config!,
      DefaultCacheBehavior: { ...config!.DefaultCacheBehavior!, TargetOriginId: 'no-such-origin' },
    })
    expect(orphan?.name).toBe('NoSuchOrigin')

    const staging = await client.send(new GetDistributionConfigCommand({ Id: STAGING_DISTRIBUTION_ID }))
    const taken = await errorOf(
      client.send(
        new UpdateDistributionCommand({
          Id: STAGING_DISTRIBUTION_ID,
          IfMatch: staging.ETag,
          DistributionConfig: { ...staging.DistributionConfig!, Aliases: { Quantity: 1, Items: ['WWW.haneul-demo.example'] } },
        }),
      ),
    )
    expect(taken?.name).toBe('CNAMEAlreadyExists')

    const after = await client.send(new GetDistributionConfigCommand({ Id: DEMO_DISTRIBUTION_ID }))
    expect(after.ETag).toBe(ETag)
    expect(after.DistributionConfig).toEqual(config)
  })

  it('creates, reads and deletes monitoring subscriptions on the plural path', async () => {
    const demo = await client.send(new GetMonitoringSubscriptionCommand({ DistributionId: DEMO_DISTRIBUTION_ID }))
    expect(demo.MonitoringSubscription?.RealtimeMetricsSubscriptionConfig?.RealtimeMetricsSubscriptionStatus).toBe('Enabled')

    const none = await errorOf(client.send(new GetMonitoringSubscriptionCommand({ DistributionId: STAGING_DISTRIBUTION_ID })))
    expect(none?.name).toBe('NoSuchMonitoringSubscription')
    expect(emulator.monitoringSince(STAGING_DISTRIBUTION_ID)).toBeUndefined()

    const enable = () =>
      client.send(
        new CreateMonitoringSubscriptionCommand({
          DistributionId: STAGING_DISTRIBUTION_ID,
          MonitoringSubscription: { RealtimeMetricsSubscriptionConfig: { RealtimeMetricsSubscriptionStatus: 'Enabled' } },
        }),
      )
    const created = await enable()
    expect(created.MonitoringSubscription?.RealtimeMetricsSubscriptionConfig?.RealtimeMetricsSubscriptionStatus).toBe('Enabled')
    expect(emulator.monitoringSince(STAGING_DISTRIBUTION_ID)).toBe(now)
    expect((await errorOf(enable()))?.name).toBe('MonitoringSubscriptionAlreadyExists')

    await client.send(new DeleteMonitoringSubscriptionCommand({ DistributionId: STAGING_DISTRIBUTION_ID }))
    const gone = await errorOf(client.send(new DeleteMonitoringSubscriptionCommand({ DistributionId: STAGING_DISTRIBUTION_ID })))
    expect(gone?.name).toBe('NoSuchMonitoringSubscription')
    const unknown = await errorOf(client.send(new GetMonitoringSubscriptionCommand({ DistributionId: 'ENOSUCHDIST000' })))
    expect(unknown?.name).toBe('NoSuchDistribution')
  })

  it('checks the access key and the caller’s permissions first', async () => {
    const stranger = new CloudFrontClient({
      endpoint: served.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIANOTKNOWN00000000', secretAccessKey: 'x' },
    })
    expect((await errorOf(stranger.send(new ListDistributionsCommand({}))))?.name).toBe('InvalidClientTokenId')

    credentials.add({
      accessKeyId: 'AKIAREADONLYCF000001',
      secretAccessKey: 'ro',
      arn: 'arn:aws:iam::123456789012:user/reader',
      deniedActions: ['cloudfront:Update*'],
    })
    const reader = new CloudFrontClient({
      endpoint: served.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIAREADONLYCF000001', secretAccessKey: 'ro' },
    })
    const { DistributionConfig: config, ETag } = await reader.send(new GetDistributionConfigCommand({ Id: DEMO_DISTRIBUTION_ID }))
    const denied = await errorOf(
      reader.send(new UpdateDistributionCommand({ Id: DEMO_DISTRIBUTION_ID, DistributionConfig: config, IfMatch: ETag })),
    )
    expect(denied?.name).toBe('AccessDenied')
    expect(denied?.message).toContain('cloudfront:UpdateDistribution')
  })

  it('throttles on demand, with the error the SDK retries', async () => {
    const before = emulator.calls.GetDistribution ?? 0
    emulator.faults.throttle = 1
    expect((await client.send(new GetDistributionCommand({ Id: DEMO_DISTRIBUTION_ID }))).Distribution?.Id).toBe(DEMO_DISTRIBUTION_ID)
    expect(emulator.calls.GetDistribution).toBe(before + 2)
    emulator.faults.throttle = 1
    const once = new CloudFrontClient({
      endpoint: served.endpoint,
      region: 'us-east-1',
      maxAttempts: 1,
      credentials: { accessKeyId: SANDBOX_ACCESS_KEY_ID, secretAccessKey: SANDBOX_SECRET_ACCESS_KEY },
    })
    const throttled = await errorOf(once.send(new GetDistributionCommand({ Id: DEMO_DISTRIBUTION_ID })))
    expect(throttled?.name).toBe('Throttling')
    expect(throttled?.$metadata.httpStatusCode).toBe(400)
  })
})
