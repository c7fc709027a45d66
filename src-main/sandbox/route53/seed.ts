/**
 * The Route 53 part of the demo story: the public zone `haneul-demo.example.` (≈ 40 record sets
 * covering every routing policy, aliases to the CloudFront distribution and to a record in the zone,
 * long DKIM TXT, CAA, SRV, a wildcard, an IDN), a generated zone of 10,000 record sets for scale and
 * a private zone. Everything goes through the emulator's own ChangeResourceRecordSets rules, so the
 * seed is itself proof that the rules accept what Route 53 accepts.
 */
import type { Change, ResourceRecordSet } from '@aws-sdk/client-route-53'
import { createHash } from 'node:crypto'
import { formatCharacterStrings, splitIntoCharacterStrings } from '../../route53/values'
import { DEMO_DISTRIBUTION_ID } from '../seed'
import type { Route53State, createRoute53Routes } from './server'
import type { StoredHealthCheck } from './zones'

/** What seeding needs of the emulator. */
export interface SeedTarget {
  state: Route53State
  createZone: ReturnType<typeof createRoute53Routes>['createZone']
  changeRecordSets: ReturnType<typeof createRoute53Routes>['changeRecordSets']
  addHealthCheck(check: StoredHealthCheck): void
}
import { CLOUDFRONT_HOSTED_ZONE_ID, MAX_BATCH_RESOURCE_RECORDS } from './validate'

/**
 * The demo distribution's domain, `d` + 13 characters derived from DEMO_DISTRIBUTION_ID (sha256,
 * base 36), the shape of a real `d111111abcdef8.cloudfront.net`. The CloudFront emulator uses the same.
 */
export const DEMO_DISTRIBUTION_DOMAIN = distributionDomain(DEMO_DISTRIBUTION_ID)

export function distributionDomain(distributionId: string): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789'
  const digest = createHash('sha256').update(distributionId).digest()
  return `d${Array.from(digest.subarray(0, 13), (b) => alphabet[b % 36]).join('')}.cloudfront.net`
}

export const DEMO_ZONE_NAME = 'haneul-demo.example.'
export const DEMO_ZONE_ID = 'Z0HANEULDEMO0001'
export const SCALE_ZONE_NAME = 'haneul-scale.example.'
export const SCALE_ZONE_ID = 'Z0HANEULSCALE001'
/** Record sets in the scale zone, its apex SOA and NS included. */
export const SCALE_ZONE_RECORD_SETS = 10000
export const PRIVATE_ZONE_NAME = 'corp.haneul.internal.'
export const PRIVATE_ZONE_ID = 'Z0HANEULPRIV0001'
export const DEMO_HEALTH_CHECK_ID = '6f1c2a9e-0d4b-4c3e-9a57-1e2d3c4b5a69'

/** A 2048-bit-key-sized DKIM record (≈ 400 characters), deterministic. */
const dkimKey = createHash('sha512').update('haneul-dkim').digest('base64').repeat(5).slice(0, 392)
const dkim = `v=DKIM1; k=rsa; p=${dkimKey}`

const z = (relative: string) => (relative === '@' ? DEMO_ZONE_NAME : `${relative}.${DEMO_ZONE_NAME}`)
const simple = (name: string, type: ResourceRecordSet['Type'], ttl: number, ...values: string[]): ResourceRecordSet => ({
  Name: z(name),
  Type: type,
  TTL: ttl,
  ResourceRecords: values.map((Value) => ({ Value })),
})
const txt = (text: string) => formatCharacterStrings(splitIntoCharacterStrings(text))
const cloudfrontAlias = { HostedZoneId: CLOUDFRONT_HOSTED_ZONE_ID, DNSName: `${DEMO_DISTRIBUTION_DOMAIN}.`, EvaluateTargetHealth: false }

export function demoZoneRecords(): ResourceRecordSet[] {
  return [
    { Name: z('@'), Type: 'A', AliasTarget: cloudfrontAlias },
    { Name: z('@'), Type: 'AAAA', AliasTarget: cloudfrontAlias },
    simple('@', 'MX', 3600, '10 mx1.haneul-demo.example.', '20 mx2.haneul-demo.example.'),
    simple(
      '@',
      'TXT',
      3600,
      txt('v=spf1 include:_spf.haneul-demo.example ip4:192.0.2.0/24 ~all'),
      txt('google-site-verification=haneul-demo-0123456789'),
    ),
    simple('@', 'SPF', 3600, txt('v=spf1 include:_spf.haneul-demo.example ip4:192.0.2.0/24 ~all')),
    simple('@', 'CAA', 3600, '0 issue "amazon.com"', '0 issuewild ";"', '0 iodef "mailto:security@haneul-demo.example"'),
    { Name: z('www'), Type: 'A', AliasTarget: { HostedZoneId: DEMO_ZONE_ID, DNSName: DEMO_ZONE_NAME, EvaluateTargetHealth: false } },
    { Name: z('www'), Type: 'AAAA', AliasTarget: { HostedZoneId: DEMO_ZONE_ID, DNSName: DEMO_ZONE_NAME, EvaluateTargetHealth: false } },
    simple('mx1', 'A', 3600, '192.0.2.25'),
    simple('mx2', 'A', 3600, '192.0.2.26'),
    simple('mail', 'CNAME', 3600, 'mx1.haneul-demo.example.'),
    simple('selector1._domainkey', 'TXT', 3600, txt(dkim)),
    simple('_dmarc', 'TXT', 3600, txt('v=DMARC1; p=quarantine; rua=mailto:dmarc@haneul-demo.example')),
    simple('_acme-challenge', 'TXT', 60, txt('4sHd0nTq2Yw8pL1mXzV9cB6nR3kJ7fG5aE0tU2iO8yW')),
    simple('_sip._tcp', 'SRV', 3600, '10 60 5060 sip.haneul-demo.example.', '20 40 5060 sip2.haneul-demo.example.'),
    simple('_imaps._tcp', 'SRV', 3600, '0 1 993 mx1.haneul-demo.example.'),
    simple('sip', 'A', 3600, '192.0.2.60'),
    simple('sip2', 'A', 3600, '192.0.2.61'),
    simple('*.preview', 'A', 300, '192.0.2.80'),
    simple('*.preview', 'AAAA', 300, '2001:db8::80'),
    { ...simple('api', 'A', 60, '192.0.2.10'), SetIdentifier: 'api-blue', Weight: 80 },
    { ...simple('api', 'A', 60, '192.0.2.11'), SetIdentifier: 'api-green', Weight: 20 },
    { ...simple('api', 'AAAA', 60, '2001:db8::10'), SetIdentifier: 'api-blue', Weight: 80 },
    { ...simple('api', 'AAAA', 60, '2001:db8::11'), SetIdentifier: 'api-green', Weight: 20 },
    {
      ...simple('status', 'A', 60, '192.0.2.20'),
      SetIdentifier: 'status-primary',
      Failover: 'PRIMARY',
      HealthCheckId: DEMO_HEALTH_CHECK_ID,
    },
    { ...simple('status', 'A', 60, '192.0.2.21'), SetIdentifier: 'status-secondary', Failover: 'SECONDARY' },
    { ...simple('app', 'A', 60, '192.0.2.30'), SetIdentifier: 'app-us-east-1', Region: 'us-east-1' },
    { ...simple('app', 'A', 60, '192.0.2.31'), SetIdentifier: 'app-ap-northeast-2', Region: 'ap-northeast-2' },
    { ...simple('app', 'A', 60, '192.0.2.32'), SetIdentifier: 'app-eu-west-1', Region: 'eu-west-1' },
    { ...simple('geo', 'A', 300, '192.0.2.40'), SetIdentifier: 'geo-kr', GeoLocation: { CountryCode: 'KR' } },
    { ...simple('geo', 'A', 300, '192.0.2.41'), SetIdentifier: 'geo-jp', GeoLocation: { CountryCode: 'JP' } },
    { ...simple('geo', 'A', 300, '192.0.2.42'), SetIdentifier: 'geo-eu', GeoLocation: { ContinentCode: 'EU' } },
    { ...simple('geo', 'A', 300, '192.0.2.43'), SetIdentifier: 'geo-default', GeoLocation: { CountryCode: '*' } },
    { ...simple('mv', 'A', 60, '192.0.2.90'), SetIdentifier: 'mv-1', MultiValueAnswer: true },
    { ...simple('mv', 'A', 60, '192.0.2.91'), SetIdentifier: 'mv-2', MultiValueAnswer: true },
    simple('static', 'CNAME', 300, 'haneul-demo-site.s3-website-us-east-1.amazonaws.com.'),
    simple('xn--wh1bz27d', 'A', 300, '192.0.2.100'),
    simple('legacy', 'AAAA', 3600, '2001:db8:0:0:0:0:0:1'),
    simple('bastion', 'SSHFP', 3600, '4 2 123456789abcdef67890123456789abcdef67890123456789abcdef123456789'),
    simple('_443._tcp.www', 'TLSA', 3600, '3 1 1 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef'),
    simple('docs', 'NS', 86400, 'ns1.docs-host.example.', 'ns2.docs-host.example.'),
  ]
}

/** Deterministic record sets for the scale zone: many names in a few dozen subtrees, mixed types. */
export function scaleZoneRecords(count = SCALE_ZONE_RECORD_SETS - 2): ResourceRecordSet[] {
  const sets: ResourceRecordSet[] = []
  for (let i = 0; i < count; i++) {
    const name = `h${String(i).padStart(5, '0')}.g${String(i % 40).padStart(2, '0')}.${SCALE_ZONE_NAME}`
    const kind = i % 20
    const octet = (n: number) => (n % 254) + 1
    if (kind < 12)
      sets.push({ Name: name, Type: 'A', TTL: 300, ResourceRecords: [{ Value: `10.${octet(i >> 16)}.${octet(i >> 8)}.${octet(i)}` }] })
    else if (kind < 15)
      sets.push({
        Name: name,
        Type: 'AAAA',
        TTL: 300,
        ResourceRecords: [{ Value: `2001:db8:${(i >> 16).toString(16)}::${(i & 0xffff).toString(16)}` }],
      })
    else if (kind < 17) sets.push({ Name: name, Type: 'TXT', TTL: 600, ResourceRecords: [{ Value: `"owner=team-${i % 17}" "id=${i}"` }] })
    else if (kind < 19)
      sets.push({
        Name: name,
        Type: 'CNAME',
        TTL: 300,
        ResourceRecords: [{ Value: `h${String((i + 1) % count).padStart(5, '0')}.${SCALE_ZONE_NAME}` }],
      })
    else sets.push({ Name: name, Type: 'MX', TTL: 3600, ResourceRecords: [{ Value: `10 mx${i % 3}.${SCALE_ZONE_NAME}` }] })
  }
  return sets
}

export function privateZoneRecords(): ResourceRecordSet[] {
  const p = (relative: string) => `${relative}.${PRIVATE_ZONE_NAME}`
  return [
    { Name: p('db'), Type: 'A', TTL: 60, ResourceRecords: [{ Value: '10.0.1.10' }] },
    { Name: p('db-replica'), Type: 'A', TTL: 60, ResourceRecords: [{ Value: '10.0.1.11' }, { Value: '10.0.1.12' }] },
    { Name: p('cache'), Type: 'CNAME', TTL: 300, ResourceRecords: [{ Value: 'cache-01.corp.haneul.internal.' }] },
    { Name: p('cache-01'), Type: 'A', TTL: 300, ResourceRecords: [{ Value: '10.0.2.20' }] },
    { Name: p('build'), Type: 'A', TTL: 300, ResourceRecords: [{ Value: '10.0.3.30' }] },
  ]
}

/** Splits CREATEs into batches within Route 53's limits and submits them in order. */
function createAll(emulator: SeedTarget, zoneId: string, sets: ResourceRecordSet[]): void {
  const zone = emulator.state.zones.get(zoneId)!
  let batch: Change[] = []
  let records = 0
  const flush = () => {
    if (!batch.length) return
    emulator.changeRecordSets(zone, batch, 'Haneul sandbox seed')
    zone.busyUntilMs = 0
    batch = []
    records = 0
  }
  for (const set of sets) {
    const size = set.ResourceRecords?.length ?? 0
    if (records + size > MAX_BATCH_RESOURCE_RECORDS) flush()
    batch.push({ Action: 'CREATE', ResourceRecordSet: set })
    records += size
  }
  flush()
}

/** Loads the demo zones into a fresh emulator. */
export function seedRoute53(emulator: SeedTarget): void {
  emulator.addHealthCheck({
    id: DEMO_HEALTH_CHECK_ID,
    callerReference: 'haneul-demo-status-primary',
    config: {
      IPAddress: '192.0.2.20',
      Port: 443,
      Type: 'HTTPS',
      ResourcePath: '/healthz',
      FullyQualifiedDomainName: `status.${DEMO_ZONE_NAME.replace(/\.$/, '')}`,
      RequestInterval: 30,
      FailureThreshold: 3,
      MeasureLatency: false,
      Inverted: false,
      Disabled: false,
      EnableSNI: true,
    },
    version: 1,
    healthy: true,
  })
  emulator.createZone({
    id: DEMO_ZONE_ID,
    name: DEMO_ZONE_NAME,
    callerReference: 'haneul-demo-zone',
    comment: 'The demo website haneul-demo.example',
  })
  createAll(emulator, DEMO_ZONE_ID, demoZoneRecords())
  emulator.createZone({
    id: SCALE_ZONE_ID,
    name: SCALE_ZONE_NAME,
    callerReference: 'haneul-scale-zone',
    comment: '10,000 record sets for scale',
  })
  createAll(emulator, SCALE_ZONE_ID, scaleZoneRecords())
  emulator.createZone({
    id: PRIVATE_ZONE_ID,
    name: PRIVATE_ZONE_NAME,
    callerReference: 'haneul-private-zone',
    comment: 'Private zone of the demo VPC',
    vpc: { VPCRegion: 'us-east-1', VPCId: 'vpc-0a1b2c3d4e5f60718' },
  })
  createAll(emulator, PRIVATE_ZONE_ID, privateZoneRecords())
}
