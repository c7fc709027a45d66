/**
 * cloudfront.* distributions through the router against the sandbox's CloudFront emulator with the real
 * SDK: the list (every page), details with origin kinds and the bucket they link to, the distributions
 * that front a bucket, enabling against a stale ETag, an unknown distribution, throttling, and
 * analyzeLogs' resolution of the log bucket (the engine itself is another module's).
 */
import { CreateInvalidationCommand, GetDistributionConfigCommand } from '@aws-sdk/client-cloudfront'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DistributionDetails, DistributionSummary, LogAnalysis } from '../../../src-main/api/cloudfront'
import type { AnalyzeLogs } from '../../../src-main/cloudfront/handlers'
import { DEMO_DISTRIBUTION_ID } from '../../../src-main/sandbox/seed'
import { STAGING_DISTRIBUTION_ID } from '../../../src-main/sandbox/cloudfront/index'
import { PROFILE, startCloudFrontWorld, type CloudFrontWorld, type OpenModule } from '../../helpers/cloudfront-world'

let world: CloudFrontWorld
let cf: OpenModule
beforeAll(async () => {
  world = await startCloudFrontWorld()
  cf = await world.openModule()
}, 60_000)
afterAll(() => world?.close())

describe('cloudfront distributions', () => {
  it('lists every distribution through the module app-services wires', async () => {
    const result = await world.appCall<{ distributions: DistributionSummary[] }>('cloudfront.listDistributions', { profileId: PROFILE })
    expect(result.ok).toBe(true)
    if (!result.ok) return
    const byId = new Map(result.value.distributions.map((d) => [d.id, d]))
    expect([...byId.keys()].sort()).toEqual([DEMO_DISTRIBUTION_ID, STAGING_DISTRIBUTION_ID].sort())
    expect(byId.get(DEMO_DISTRIBUTION_ID)).toMatchObject({
      enabled: true,
      aliases: ['haneul-demo.example', 'www.haneul-demo.example'],
      priceClass: 'PriceClass_All',
      httpVersion: 'http2and3',
      origins: [{ kind: 's3', bucket: 'haneul-demo-site', access: 'origin-access-control', accessId: 'E1HANEULOAC001', originPath: '' }],
    })
    expect(byId.get(STAGING_DISTRIBUTION_ID)).toMatchObject({
      enabled: false,
      aliases: [],
      origins: [{ kind: 's3-website', bucket: 'haneul-demo-site', originPath: '/staging', access: 'public', protocolPolicy: 'http-only' }],
    })
    expect(result.value.distributions.every((d) => d.webAclId === undefined)).toBe(true)
  })

  it('lists across pages', async () => {
    // 150 more distributions in the emulator's state: ListDistributions gives 100 a page.
    const { distributions: state } = world.cloudfront.state
    const staging = state.find((d) => d.id === STAGING_DISTRIBUTION_ID)!
    const clones = Array.from({ length: 150 }, (_, i) => ({ ...staging, id: `ECLONE${String(i).padStart(6, '0')}`, invalidations: [] }))
    state.push(...clones)
    try {
      const before = world.cloudfront.calls.ListDistributions ?? 0
      const { distributions } = await cf.ok<{ distributions: DistributionSummary[] }>('cloudfront.listDistributions', {
        profileId: PROFILE,
      })
      expect(distributions).toHaveLength(152)
      expect(new Set(distributions.map((d) => d.id)).size).toBe(152)
      expect((world.cloudfront.calls.ListDistributions ?? 0) - before).toBe(2)
    } finally {
      state.splice(state.length - clones.length, clones.length)
    }
  })

  it('gives details: behaviours, error pages, certificate, logging, ETag', async () => {
    const { distribution } = await cf.ok<{ distribution: DistributionDetails }>('cloudfront.distribution', {
      profileId: PROFILE,
      distributionId: DEMO_DISTRIBUTION_ID,
    })
    expect(distribution.etag).toMatch(/^[A-Z0-9]+$/)
    expect(distribution.defaultRootObject).toBe('index.html')
    expect(distribution.behaviors.map((b) => b.pathPattern)).toEqual(['*', '/media/*'])
    expect(distribution.behaviors[0]).toMatchObject({
      viewerProtocolPolicy: 'redirect-to-https',
      allowedMethods: ['HEAD', 'GET'],
      compress: true,
      cachePolicyId: '658327ea-f89d-4fab-a63d-7e88639e58f6',
    })
    expect(distribution.customErrorResponses).toEqual([{ errorCode: 404, responsePagePath: '/404.html', responseCode: '404', minTtl: 10 }])
    expect(distribution.viewerCertificate).toMatchObject({
      source: 'acm',
      minimumProtocolVersion: 'TLSv1.2_2021',
      sslSupportMethod: 'sni-only',
    })
    expect(distribution.viewerCertificate.certificateId).toMatch(/^arn:aws:acm:us-east-1:/)
    expect(distribution.logging).toEqual({ enabled: true, bucket: 'haneul-demo-logs', prefix: 'cloudfront/' })
    expect(distribution.ipv6).toBe(true)

    const staging = await cf.ok<{ distribution: DistributionDetails }>('cloudfront.distribution', {
      profileId: PROFILE,
      distributionId: STAGING_DISTRIBUTION_ID,
    })
    expect(staging.distribution.viewerCertificate.source).toBe('cloudfront')
    expect(staging.distribution.logging).toEqual({ enabled: false, prefix: '' })
  })

  it('counts in-progress invalidations in the details', async () => {
    await world.raw.send(
      new CreateInvalidationCommand({
        DistributionId: STAGING_DISTRIBUTION_ID,
        InvalidationBatch: { CallerReference: 'details-test', Paths: { Quantity: 1, Items: ['/x.html'] } },
      }),
    )
    const { distribution } = await cf.ok<{ distribution: DistributionDetails }>('cloudfront.distribution', {
      profileId: PROFILE,
      distributionId: STAGING_DISTRIBUTION_ID,
    })
    expect(distribution.inProgressInvalidations).toBeGreaterThanOrEqual(1)
  })

  it('finds the distributions that front a bucket, with the origin path keys map through', async () => {
    const { distributions } = await cf.ok<{ distributions: Array<{ id: string; originPath: string; originId: string }> }>(
      'cloudfront.distributionsForBucket',
      { profileId: PROFILE, bucket: 'haneul-demo-site' },
    )
    expect(distributions.map((d) => [d.id, d.originPath]).sort()).toEqual(
      [
        [DEMO_DISTRIBUTION_ID, ''],
        [STAGING_DISTRIBUTION_ID, '/staging'],
      ].sort(),
    )
    const none = await cf.ok<{ distributions: unknown[] }>('cloudfront.distributionsForBucket', {
      profileId: PROFILE,
      bucket: 'haneul-demo-logs',
    })
    expect(none.distributions).toEqual([])
  })

  it('says an unknown distribution does not exist', async () => {
    for (const operation of [
      'cloudfront.distribution',
      'cloudfront.planInvalidation',
      'cloudfront.listInvalidations',
      'cloudfront.monitoring',
    ]) {
      const result = await cf.call(operation, payloadFor(operation))
      expect(result.ok, operation).toBe(false)
      if (result.ok) continue
      expect(result.error.code, operation).toBe('not-found')
      expect(result.error.message, operation).toMatch(/distribution does not exist/)
    }
  })

  it('refuses a stale ETag with a conflict and changes nothing', async () => {
    const before = await cf.ok<{ distribution: DistributionDetails }>('cloudfront.distribution', {
      profileId: PROFILE,
      distributionId: STAGING_DISTRIBUTION_ID,
    })
    const seenEtag = before.distribution.etag
    const enabled = await cf.ok<{ enabled: boolean; etag: string; status: string }>('cloudfront.setDistributionEnabled', {
      profileId: PROFILE,
      distributionId: STAGING_DISTRIBUTION_ID,
      enabled: true,
      etag: seenEtag,
    })
    expect(enabled).toMatchObject({ enabled: true, status: 'InProgress' })
    expect(enabled.etag).not.toBe(seenEtag)
    const afterEnable = await world.raw.send(new GetDistributionConfigCommand({ Id: STAGING_DISTRIBUTION_ID }))
    expect(afterEnable.DistributionConfig?.Enabled).toBe(true)

    // Someone (this window, earlier) changed it: the ETag the user saw is stale.
    const stale = await cf.call('cloudfront.setDistributionEnabled', {
      profileId: PROFILE,
      distributionId: STAGING_DISTRIBUTION_ID,
      enabled: false,
      etag: seenEtag,
    })
    expect(stale.ok).toBe(false)
    if (!stale.ok) {
      expect(stale.error.code).toBe('conflict')
      expect(stale.error.message).toMatch(/changed since you loaded it; reload/)
    }
    const unchanged = await world.raw.send(new GetDistributionConfigCommand({ Id: STAGING_DISTRIBUTION_ID }))
    expect(unchanged.DistributionConfig?.Enabled).toBe(true)
    expect(unchanged.ETag).toBe(enabled.etag)

    // With the current ETag it goes through.
    const disabled = await cf.ok<{ enabled: boolean }>('cloudfront.setDistributionEnabled', {
      profileId: PROFILE,
      distributionId: STAGING_DISTRIBUTION_ID,
      enabled: false,
      etag: enabled.etag,
    })
    expect(disabled.enabled).toBe(false)
  })

  it('rides out throttling the SDK retries, and explains throttling that outlasts them', async () => {
    world.cloudfront.faults.throttle = 2
    const calls = world.cloudfront.calls.GetDistribution ?? 0
    const ok = await cf.call('cloudfront.distribution', { profileId: PROFILE, distributionId: DEMO_DISTRIBUTION_ID })
    expect(ok.ok).toBe(true)
    expect((world.cloudfront.calls.GetDistribution ?? 0) - calls).toBe(3)

    world.cloudfront.faults.throttle = 3
    const refused = await cf.call('cloudfront.distribution', { profileId: PROFILE, distributionId: DEMO_DISTRIBUTION_ID })
    expect(refused.ok).toBe(false)
    if (!refused.ok) {
      expect(refused.error).toMatchObject({ code: 'throttled', retryable: true })
      expect(refused.error.message).toMatch(/throttling/)
    }
    expect(world.cloudfront.faults.throttle).toBe(0)
  })
})

function payloadFor(operation: string) {
  const base = { profileId: PROFILE, distributionId: 'ENOSUCHDIST001' }
  return operation === 'cloudfront.planInvalidation' ? { ...base, paths: ['/a.html'] } : base
}

describe('cloudfront.analyzeLogs', () => {
  it('is unsupported without the log engine', async () => {
    const result = await cf.call('cloudfront.analyzeLogs', { profileId: PROFILE, distributionId: DEMO_DISTRIBUTION_ID, fromMs: 0, toMs: 1 })
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.error.code).toBe('unsupported')
  })

  it('gives the engine the log bucket and prefix, and relays its progress with the request id', async () => {
    const requests: Array<Parameters<AnalyzeLogs>[0]> = []
    const engine: AnalyzeLogs = async (request, { onProgress }) => {
      requests.push(request)
      onProgress({ filesDone: 0, filesTotal: 2, bytesDone: 0, bytesTotal: 300 })
      onProgress({ filesDone: 2, filesTotal: 2, bytesDone: 300, bytesTotal: 300 })
      return { fromMs: request.fromMs, toMs: request.toMs, location: `s3://${request.bucket}/${request.prefix}` } as LogAnalysis
    }
    const withEngine = await world.openModule({ analyzeLogs: engine })
    const fromMs = world.nowMs() - 86_400_000
    const toMs = world.nowMs()
    const analysis = await withEngine.ok<LogAnalysis>(
      'cloudfront.analyzeLogs',
      { profileId: PROFILE, distributionId: DEMO_DISTRIBUTION_ID, fromMs, toMs },
      { requestId: 'logs-1' },
    )
    expect(analysis.location).toBe('s3://haneul-demo-logs/cloudfront/')
    expect(requests).toEqual([
      {
        profileId: PROFILE,
        distributionId: DEMO_DISTRIBUTION_ID,
        bucket: 'haneul-demo-logs',
        prefix: 'cloudfront/',
        fromMs,
        toMs,
        source: 'network',
      },
    ])
    const progress = withEngine.events.filter((e) => e.type === 'cloudfront.logsProgress')
    expect(progress.at(-1)).toEqual({
      type: 'cloudfront.logsProgress',
      requestId: 'logs-1',
      filesDone: 2,
      filesTotal: 2,
      bytesDone: 300,
      bytesTotal: 300,
    })

    const off = await withEngine.call('cloudfront.analyzeLogs', {
      profileId: PROFILE,
      distributionId: STAGING_DISTRIBUTION_ID,
      fromMs,
      toMs,
    })
    expect(off.ok).toBe(false)
    if (!off.ok) {
      expect(off.error.code).toBe('conflict')
      expect(off.error.message).toMatch(/Standard logging is off for E3HANEULSTAGE2/)
    }
    expect(requests).toHaveLength(1)
  })
})
