/**
 * site.* through the app's real router against the sandbox (its own process, real SDK clients): the
 * seeded stack of haneul-demo.example link by link, then the stack broken on purpose with raw SDK calls
 * — each health check fires and names the broken link — fixes planned, refused when the state moved,
 * applied when confirmed, and the map served from its snapshot with its age once the network is gone.
 * Every test puts back what it broke.
 */
import { GetDistributionCommand, type DistributionConfig } from '@aws-sdk/client-cloudfront'
import { DeleteObjectCommand, GetBucketPolicyCommand, GetObjectCommand, PutBucketPolicyCommand, PutObjectCommand } from '@aws-sdk/client-s3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Finding, FixPlan, SiteMap } from '../../../src-main/api/site'
import { siteApi } from '../../../src-main/api/site'
import { demoSitePolicy } from '../../../src-main/sandbox/seed'
import { DEMO, PROFILE, STAGING, startSiteWorld, type SiteWorld } from './site-world'

const SITE = 'haneul-demo-site'
const DEMO_ARN = `arn:aws:cloudfront::123456789012:distribution/${DEMO}`
let world: SiteWorld

beforeAll(async () => {
  world = await startSiteWorld()
}, 60_000)
afterAll(async () => world?.close())

const map = async (domain: string) => siteApi.map.output.parse(await world.ok<SiteMap>('site.map', { profileId: PROFILE, domain }))
const codes = (site: SiteMap) => site.findings.map((f) => f.code).sort()
const only = (site: SiteMap, code: Finding['code']) => {
  const found = site.findings.filter((f) => f.code === code)
  expect(found, `${code} in ${JSON.stringify(site.findings.map((f) => f.code))}`).toHaveLength(1)
  return found[0]!
}

/** Edits a distribution for one test and puts its configuration back afterwards. */
async function withDistribution(id: string, edit: (config: DistributionConfig) => void, run: () => Promise<void>) {
  let original: DistributionConfig | undefined
  await world.editDistribution(id, (config) => {
    original = structuredClone(config)
    edit(config)
  })
  try {
    await run()
  } finally {
    await world.editDistribution(id, (config) => Object.assign(config, original))
  }
}

async function withPolicy(policy: string, run: () => Promise<void>) {
  await world.s3.send(new PutBucketPolicyCommand({ Bucket: SITE, Policy: policy }))
  try {
    await run()
  } finally {
    await world.s3.send(new PutBucketPolicyCommand({ Bucket: SITE, Policy: demoSitePolicy() }))
  }
}

const policyOf = async () => (await world.s3.send(new GetBucketPolicyCommand({ Bucket: SITE }))).Policy!

describe('the seeded stack', () => {
  it('maps haneul-demo.example from its records to its bucket, with pipelines, logs, costs and hit ratio', async () => {
    const site = await map('haneul-demo.example')
    expect(site.domain).toBe('haneul-demo.example.')
    expect(site.records.map((r) => [r.type, r.kind, r.points, r.target])).toEqual([
      ['A', 'alias', 'cloudfront', site.distribution!.domainName],
      ['AAAA', 'alias', 'cloudfront', site.distribution!.domainName],
    ])
    expect(site.distribution).toMatchObject({
      id: DEMO,
      enabled: true,
      defaultRootObject: 'index.html',
      aliases: ['haneul-demo.example', 'www.haneul-demo.example'],
    })
    expect(site.distribution!.errorPages).toEqual([{ errorCode: 404, path: '/404.html' }])
    expect(site.origins).toEqual([
      expect.objectContaining({
        kind: 's3',
        bucket: SITE,
        originPath: '',
        access: 'origin-access-control',
        isDefault: true,
        pathPatterns: ['*', '/media/*'],
      }),
    ])
    expect(site.bucket).toEqual({
      name: SITE,
      exists: true,
      region: 'us-east-1',
      endpoint: 'rest',
      keyPrefix: '',
      policy: 'allows-distribution',
      public: false,
    })
    expect(site.logBucket).toEqual({ name: 'haneul-demo-logs', prefix: 'cloudfront/', exists: true })
    expect(site.costs!.byClass.map((c) => c.storageClass).sort()).toEqual(
      ['DEEP_ARCHIVE', 'GLACIER', 'GLACIER_IR', 'REDUCED_REDUNDANCY', 'STANDARD', 'STANDARD_IA'].sort(),
    )
    expect(site.costs!.totalUsd).toBeCloseTo(
      site.costs!.byClass.reduce((sum, c) => sum + c.usd, 0),
      9,
    )
    expect(site.hitRatio!.percent).toBeGreaterThanOrEqual(0)
    expect(site.hitRatio!.percent).toBeLessThanOrEqual(100)
    const release = site.pipelines.find((p) => p.name === 'site-release')!
    expect(release.deploys).toEqual([
      { stage: 'Staging', action: 'DeployToStaging', bucket: SITE, prefix: 'staging/', served: true },
      { stage: 'Production', action: 'DeployToSite', bucket: SITE, prefix: '', served: true },
    ])
    expect(release.invalidates).toEqual([{ stage: 'Production', action: 'InvalidateCache' }])
    expect(release.waitingApprovals).toBe(1)
    expect(site.pipelines.map((p) => p.name).sort()).toEqual(['docs-build', 'site-release'])
    expect(site.unavailable).toEqual([])
    // The seed's only findings: its invalidation in progress and its waiting approval.
    expect(codes(site)).toEqual(['approval-waiting', 'invalidation-in-progress'])
    expect(only(site, 'approval-waiting')).toMatchObject({
      subject: 'site-release',
      params: { stage: 'Approval', action: 'ReviewStaging' },
    })
    expect(only(site, 'invalidation-in-progress')).toMatchObject({ subject: DEMO, params: { count: '1' } })
  })

  it('follows www through its alias to the apex record', async () => {
    const site = await map('WWW.haneul-demo.example.')
    expect(site.displayDomain).toBe('www.haneul-demo.example')
    expect(site.records.map((r) => [r.type, r.points, r.via])).toEqual([
      ['A', 'cloudfront', 'haneul-demo.example'],
      ['AAAA', 'cloudfront', 'haneul-demo.example'],
    ])
    expect(site.distribution?.id).toBe(DEMO)
    expect(codes(site)).toEqual(['approval-waiting', 'invalidation-in-progress'])
  })

  it("lists the profile's sites from its public zones", async () => {
    const listed = await world.ok<{ domains: Array<{ domain: string; points: string }>; partialZones: string[] }>('site.domains', {
      profileId: PROFILE,
    })
    expect(listed.domains.map((d) => [d.domain, d.points])).toEqual([
      ['haneul-demo.example.', 'cloudfront'],
      ['static.haneul-demo.example.', 's3-website'],
      ['www.haneul-demo.example.', 'cloudfront'],
    ])
    // The 10,000-record zone is read in part and says so.
    expect(listed.partialZones).toEqual(['haneul-scale.example'])
  })
})

describe('bad input', () => {
  it('a domain with no records, or no zone, says so', async () => {
    const missing = await map('nothing.haneul-demo.example')
    expect(missing.findings).toEqual([
      expect.objectContaining({
        code: 'no-records',
        severity: 'error',
        link: 'dns',
        subject: 'nothing.haneul-demo.example',
        params: { zone: 'haneul-demo.example.' },
      }),
    ])
    expect(missing.distribution).toBeUndefined()
    const noZone = await map('elsewhere.example')
    expect(only(noZone, 'no-records').message).toContain('No public hosted zone of this profile holds elsewhere.example')
  })

  it('a record pointing outside AWS is named with its target', async () => {
    await world.upsertRecords({
      Name: 'ext.haneul-demo.example.',
      Type: 'CNAME',
      TTL: 300,
      ResourceRecords: [{ Value: 'shop.example.org.' }],
    })
    const site = await map('ext.haneul-demo.example')
    expect(site.records).toEqual([expect.objectContaining({ kind: 'cname', points: 'outside', target: 'shop.example.org' })])
    expect(only(site, 'record-outside-aws')).toMatchObject({
      subject: 'ext.haneul-demo.example CNAME',
      params: { target: 'shop.example.org' },
    })
    expect(site.distribution).toBeUndefined()
  })

  it('a name that is no domain is refused at the boundary, naming the rule', async () => {
    const reply = await world.call('site.map', { profileId: PROFILE, domain: 'https://haneul-demo.example/' })
    expect(reply).toMatchObject({ ok: false, error: { code: 'bad-request' } })
    expect(!reply.ok && reply.error.message).toContain('domain must be a DNS name')
  })

  it('a distribution with several origins: the default one is followed and the others named', async () => {
    await withDistribution(
      DEMO,
      (config) => {
        config.Origins!.Items!.push({
          Id: 'api',
          DomainName: 'api.haneul-demo.example',
          OriginPath: '',
          CustomHeaders: { Quantity: 0 },
          CustomOriginConfig: { HTTPPort: 80, HTTPSPort: 443, OriginProtocolPolicy: 'https-only' },
        })
        config.Origins!.Quantity = 2
        config.CacheBehaviors!.Items![0]!.TargetOriginId = 'api'
      },
      async () => {
        const site = await map('haneul-demo.example')
        expect(site.origins.map((o) => [o.id, o.kind, o.isDefault, o.pathPatterns])).toEqual([
          [`${SITE}.s3.us-east-1.amazonaws.com`, 's3', true, ['*']],
          ['api', 'custom', false, ['/media/*']],
        ])
        expect(only(site, 'several-origins')).toMatchObject({ subject: DEMO, params: { followed: `${SITE}.s3.us-east-1.amazonaws.com` } })
        expect(site.bucket?.name).toBe(SITE)
      },
    )
  })
})

describe('each broken link is found and named', () => {
  it('an alias to a distribution that does not exist', async () => {
    await world.upsertRecords({
      Name: 'ghost.haneul-demo.example.',
      Type: 'A',
      AliasTarget: { HostedZoneId: 'Z2FDTNDATAQYW2', DNSName: 'd0nosuchdist00.cloudfront.net.', EvaluateTargetHealth: false },
    })
    const site = await map('ghost.haneul-demo.example')
    expect(only(site, 'alias-missing-distribution')).toMatchObject({
      severity: 'error',
      link: 'dns',
      subject: 'ghost.haneul-demo.example A',
      params: { target: 'd0nosuchdist00.cloudfront.net' },
    })
    expect(site.distribution).toBeUndefined()
  })

  it('a disabled distribution, a name not among its aliases, pipelines deploying where its origin path does not serve — and enabling it', async () => {
    const staging = (await world.cloudfront.send(new GetDistributionCommand({ Id: STAGING }))).Distribution!
    await world.upsertRecords({
      Name: 'preview.haneul-demo.example.',
      Type: 'CNAME',
      TTL: 60,
      ResourceRecords: [{ Value: `${staging.DomainName}.` }],
    })
    const site = await map('preview.haneul-demo.example')
    expect(site.distribution).toMatchObject({ id: STAGING, enabled: false })
    expect(site.bucket).toMatchObject({ name: SITE, endpoint: 'website', keyPrefix: 'staging/' })
    expect(only(site, 'distribution-disabled')).toMatchObject({ subject: STAGING, fix: 'enable-distribution' })
    expect(only(site, 'name-not-in-aliases')).toMatchObject({ subject: STAGING, link: 'distribution' })
    const notServed = site.findings.filter((f) => f.code === 'pipeline-prefix-not-served').map((f) => f.subject)
    expect(notServed.sort()).toEqual(['docs-build/Deploy/PublishDocs', 'site-release/Production/DeployToSite'])
    expect(site.pipelines.find((p) => p.name === 'site-release')!.deploys.find((d) => d.stage === 'Staging')!.served).toBe(true)

    const plan = await world.ok<FixPlan>('site.planFix', {
      profileId: PROFILE,
      domain: 'preview.haneul-demo.example',
      code: 'distribution-disabled',
      subject: STAGING,
    })
    expect(plan).toMatchObject({ fix: 'enable-distribution', before: `${STAGING}: Enabled = false`, after: `${STAGING}: Enabled = true` })
    // Nothing changed by planning.
    expect((await world.cloudfront.send(new GetDistributionCommand({ Id: STAGING }))).Distribution!.DistributionConfig!.Enabled).toBe(false)
    await world.ok('site.applyFix', { profileId: PROFILE, planId: plan.planId, confirm: true })
    expect((await world.cloudfront.send(new GetDistributionCommand({ Id: STAGING }))).Distribution!.DistributionConfig!.Enabled).toBe(true)
    expect(codes(await map('preview.haneul-demo.example'))).not.toContain('distribution-disabled')
    // A plan is applied once.
    expect(await world.call('site.applyFix', { profileId: PROFILE, planId: plan.planId, confirm: true })).toMatchObject({
      ok: false,
      error: { code: 'not-found' },
    })
    await world.editDistribution(STAGING, (config) => void (config.Enabled = false))
  })

  it('an origin bucket that is missing', async () => {
    await withDistribution(
      DEMO,
      (config) => void (config.Origins!.Items![0]!.DomainName = 'haneul-gone.s3.us-east-1.amazonaws.com'),
      async () => {
        const site = await map('haneul-demo.example')
        expect(site.bucket).toMatchObject({ name: 'haneul-gone', exists: false })
        expect(only(site, 'origin-bucket-missing')).toMatchObject({ severity: 'error', link: 'bucket', subject: 'haneul-gone' })
        expect(site.costs).toBeUndefined()
      },
    )
  })

  it('OAC configured but the policy allows another distribution: fixed with a statement, refused when the policy moved meanwhile', async () => {
    const other = demoSitePolicy().replace(DEMO, 'E9SOMEOTHER001')
    await withPolicy(other, async () => {
      const site = await map('haneul-demo.example')
      expect(site.bucket?.policy).toBe('does-not-allow')
      const finding = only(site, 'origin-access-denied')
      expect(finding).toMatchObject({ subject: SITE, fix: 'allow-distribution-in-policy', params: { access: 'origin-access-control' } })

      // The policy changes between plan and apply: refused, nothing written.
      const stale = await world.ok<FixPlan>('site.planFix', {
        profileId: PROFILE,
        domain: 'haneul-demo.example',
        code: finding.code,
        subject: SITE,
      })
      const moved = other.replace('AllowCloudFrontServicePrincipalReadOnly', 'SomeoneElse')
      await world.s3.send(new PutBucketPolicyCommand({ Bucket: SITE, Policy: moved }))
      const refused = await world.call('site.applyFix', { profileId: PROFILE, planId: stale.planId, confirm: true })
      expect(refused).toMatchObject({ ok: false, error: { code: 'conflict' } })
      expect(await policyOf()).toBe(moved)

      const plan = await world.ok<FixPlan>('site.planFix', {
        profileId: PROFILE,
        domain: 'haneul-demo.example',
        code: finding.code,
        subject: SITE,
      })
      expect(plan.before).toContain('E9SOMEOTHER001')
      expect(plan.after).toContain(DEMO_ARN)
      await world.ok('site.applyFix', { profileId: PROFILE, planId: plan.planId, confirm: true })
      const written = JSON.parse(await policyOf()) as { Statement: Array<{ Sid: string; Condition?: unknown }> }
      expect(written.Statement.map((s) => s.Sid)).toEqual(['SomeoneElse', 'AllowCloudFrontServicePrincipalReadOnly'])
      expect(written.Statement[1]!.Condition).toEqual({ StringEquals: { 'AWS:SourceArn': DEMO_ARN } })
      const after = await map('haneul-demo.example')
      expect(after.bucket?.policy).toBe('allows-distribution')
      expect(codes(after)).not.toContain('origin-access-denied')
    })
  })

  it('a bucket that is public though CloudFront reaches it with OAC: the public statement removed, the OAC one kept', async () => {
    const withPublic = JSON.parse(demoSitePolicy()) as { Statement: unknown[] }
    withPublic.Statement.push({
      Sid: 'PublicRead',
      Effect: 'Allow',
      Principal: '*',
      Action: 's3:GetObject',
      Resource: `arn:aws:s3:::${SITE}/*`,
    })
    await withPolicy(JSON.stringify(withPublic), async () => {
      const site = await map('haneul-demo.example')
      expect(site.bucket).toMatchObject({ policy: 'allows-distribution', public: true })
      expect(only(site, 'bucket-public')).toMatchObject({ severity: 'warning', subject: SITE, fix: 'remove-public-statements' })
      const plan = await world.ok<FixPlan>('site.planFix', {
        profileId: PROFILE,
        domain: 'haneul-demo.example',
        code: 'bucket-public',
        subject: SITE,
      })
      expect(plan.before).toContain('PublicRead')
      expect(plan.after).not.toContain('PublicRead')
      await world.ok('site.applyFix', { profileId: PROFILE, planId: plan.planId, confirm: true })
      const written = JSON.parse(await policyOf()) as { Statement: Array<{ Sid: string }> }
      expect(written.Statement.map((s) => s.Sid)).toEqual(['AllowCloudFrontServicePrincipalReadOnly'])
      expect(codes(await map('haneul-demo.example'))).not.toContain('bucket-public')
    })
  })

  it('the default root object and the custom error page missing from the bucket', async () => {
    const saved = await Promise.all(
      ['index.html', '404.html'].map(async (key) => ({
        key,
        body: await (await world.s3.send(new GetObjectCommand({ Bucket: SITE, Key: key }))).Body!.transformToByteArray(),
      })),
    )
    for (const { key } of saved) await world.s3.send(new DeleteObjectCommand({ Bucket: SITE, Key: key }))
    try {
      const site = await map('haneul-demo.example')
      expect(only(site, 'default-root-object-missing')).toMatchObject({ severity: 'error', link: 'bucket', subject: 'index.html' })
      expect(only(site, 'error-page-missing')).toMatchObject({ severity: 'warning', subject: '404.html', params: { errorCode: '404' } })
    } finally {
      for (const { key, body } of saved)
        await world.s3.send(new PutObjectCommand({ Bucket: SITE, Key: key, Body: body, ContentType: 'text/html' }))
    }
  })

  it('logging to a bucket that does not exist', async () => {
    await withDistribution(
      DEMO,
      (config) => void (config.Logging!.Bucket = 'haneul-nolog.s3.amazonaws.com'),
      async () => {
        const site = await map('haneul-demo.example')
        expect(site.logBucket).toEqual({ name: 'haneul-nolog', prefix: 'cloudfront/', exists: false })
        expect(only(site, 'log-bucket-missing')).toMatchObject({ link: 'logs', subject: 'haneul-nolog', params: { distribution: DEMO } })
      },
    )
  })

  it('an origin path that the pipelines do not deploy into', async () => {
    await withDistribution(
      DEMO,
      (config) => void (config.Origins!.Items![0]!.OriginPath = '/live'),
      async () => {
        const site = await map('haneul-demo.example')
        expect(site.bucket?.keyPrefix).toBe('live/')
        const notServed = site.findings.filter((f) => f.code === 'pipeline-prefix-not-served')
        expect(notServed.map((f) => f.subject).sort()).toEqual([
          'docs-build/Deploy/PublishDocs',
          'site-release/Production/DeployToSite',
          'site-release/Staging/DeployToStaging',
        ])
        expect(notServed.find((f) => f.subject === 'site-release/Production/DeployToSite')!.params).toMatchObject({
          prefix: '',
          served: 'live/',
        })
        // And with it, the root object is looked for under the origin path.
        expect(only(site, 'default-root-object-missing').subject).toBe('live/index.html')
      },
    )
  })

  it('a fix is only offered for a finding that exists now', async () => {
    const reply = await world.call('site.planFix', {
      profileId: PROFILE,
      domain: 'haneul-demo.example',
      code: 'origin-access-denied',
      subject: SITE,
    })
    expect(reply).toMatchObject({ ok: false, error: { code: 'not-found' } })
    const noFix = await world.call('site.planFix', {
      profileId: PROFILE,
      domain: 'haneul-demo.example',
      code: 'approval-waiting',
      subject: 'site-release',
    })
    expect(noFix).toMatchObject({ ok: false, error: { code: 'unsupported' } })
  })
})

describe('offline', () => {
  it('serves the last map from its snapshot, with its age, once the network is gone', async () => {
    const live = await map('haneul-demo.example')
    expect(live.cachedAtMs).toBeUndefined()
    await world.harness.services.snapshots.flush()
    const cached = await map('haneul-demo.example')
    expect(cached.cachedAtMs).toBeUndefined()
    await world.harness.services.sandbox.stop()
    const offline = await map('haneul-demo.example')
    expect(offline.cachedAtMs).toBeGreaterThanOrEqual(live.discoveredAtMs)
    expect(offline.distribution?.id).toBe(DEMO)
    expect(codes(offline)).toEqual(codes(live))
    const fromCache = await world.ok<SiteMap>('site.map', { profileId: PROFILE, domain: 'haneul-demo.example', source: 'cache' })
    expect(fromCache.cachedAtMs).toBe(offline.cachedAtMs)
    // A site never mapped has nothing to show, and says why.
    expect(await world.call('site.map', { profileId: PROFILE, domain: 'never.haneul-demo.example' })).toMatchObject({
      ok: false,
      error: { code: 'offline' },
    })
    // Fixes need the live state.
    expect(
      await world.call('site.planFix', { profileId: PROFILE, domain: 'haneul-demo.example', code: 'bucket-public', subject: SITE }),
    ).toMatchObject({
      ok: false,
      error: { code: 'offline' },
    })
  })
})
