/**
 * ChangeResourceRecordSets conformance through the real SDK: Route 53's validation and messages, the
 * exact-match DELETE, CNAME and alias rules, routing-policy rules, the batch limits (UPSERT counted
 * twice), all-or-nothing batches, names with escapes, and GetChange / PriorRequestNotComplete /
 * Throttling on the emulator's clock.
 */
import {
  ChangeResourceRecordSetsCommand,
  CreateHostedZoneCommand,
  GetChangeCommand,
  InvalidChangeBatch,
  ListHostedZonesCommand,
  ListResourceRecordSetsCommand,
  type Change,
  type ResourceRecordSet,
} from '@aws-sdk/client-route-53'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { invalidChangeBatchMessages } from '../../../../src-main/route53/errors'
import { DEMO_DISTRIBUTION_DOMAIN, DEMO_HEALTH_CHECK_ID } from '../../../../src-main/sandbox/route53/seed'
import { signedFetch } from '../../../helpers/signed-fetch'
import { failure, startRoute53, type Route53Harness } from './harness'

let h: Route53Harness
let zoneId: string
const ZONE = 'changes.example.'

beforeAll(async () => {
  h = await startRoute53()
})
afterAll(() => h.close())

let zoneCounter = 0
beforeEach(async () => {
  // A fresh zone per test, holding a few sets the tests change.
  const zone = await h.client.send(new CreateHostedZoneCommand({ Name: ZONE, CallerReference: `changes-${++zoneCounter}` }))
  zoneId = zone.HostedZone!.Id!
  await submit([
    create({ Name: `www.${ZONE}`, Type: 'A', TTL: 300, ResourceRecords: [{ Value: '192.0.2.1' }, { Value: '192.0.2.2' }] }),
    create({ Name: `alias.${ZONE}`, Type: 'CNAME', TTL: 300, ResourceRecords: [{ Value: 'www.changes.example.' }] }),
    create({ Name: `api.${ZONE}`, Type: 'A', TTL: 60, SetIdentifier: 'blue', Weight: 70, ResourceRecords: [{ Value: '192.0.2.10' }] }),
    create({ Name: `api.${ZONE}`, Type: 'A', TTL: 60, SetIdentifier: 'green', Weight: 30, ResourceRecords: [{ Value: '192.0.2.11' }] }),
  ])
})

const create = (ResourceRecordSet: ResourceRecordSet): Change => ({ Action: 'CREATE', ResourceRecordSet })
const del = (ResourceRecordSet: ResourceRecordSet): Change => ({ Action: 'DELETE', ResourceRecordSet })
const upsert = (ResourceRecordSet: ResourceRecordSet): Change => ({ Action: 'UPSERT', ResourceRecordSet })

function submit(changes: Change[]) {
  return h.client.send(new ChangeResourceRecordSetsCommand({ HostedZoneId: zoneId, ChangeBatch: { Changes: changes } }))
}

async function listed(): Promise<ResourceRecordSet[]> {
  const page = await h.client.send(new ListResourceRecordSetsCommand({ HostedZoneId: zoneId }))
  return page.ResourceRecordSets ?? []
}

/** The batch must fail with InvalidChangeBatch carrying exactly these messages, and change nothing. */
async function rejected(changes: Change[], ...messages: string[]): Promise<void> {
  const before = await listed()
  const error = await failure(submit(changes))
  expect(error).toBeInstanceOf(InvalidChangeBatch)
  expect(invalidChangeBatchMessages(error.message)).toEqual(messages)
  expect(await listed()).toEqual(before)
}

async function invalidInput(changes: Change[], pattern: RegExp): Promise<void> {
  const error = await failure(submit(changes))
  expect(error.name).toBe('InvalidInput')
  expect(error.message).toMatch(pattern)
}

const www = { Name: `www.${ZONE}`, Type: 'A' as const, TTL: 300, ResourceRecords: [{ Value: '192.0.2.1' }, { Value: '192.0.2.2' }] }

describe('CREATE and DELETE', () => {
  it('refuses to CREATE an existing set', async () => {
    await rejected(
      [create({ ...www, ResourceRecords: [{ Value: '192.0.2.9' }] })],
      "Tried to create resource record set [name='www.changes.example.', type='A'] but it already exists",
    )
    await rejected(
      [create({ Name: `api.${ZONE}`, Type: 'A', TTL: 60, SetIdentifier: 'blue', Weight: 1, ResourceRecords: [{ Value: '192.0.2.99' }] })],
      "Tried to create resource record set [name='api.changes.example.', type='A', set-identifier='blue'] but it already exists",
    )
  })

  it('DELETE must repeat TTL, every value, SetIdentifier and routing fields exactly (value order aside)', async () => {
    const mismatch =
      "Tried to delete resource record set [name='www.changes.example.', type='A'] but the values provided do not match the current values"
    await rejected([del({ ...www, TTL: 301 })], mismatch)
    await rejected([del({ ...www, ResourceRecords: [{ Value: '192.0.2.1' }] })], mismatch)
    await rejected(
      [del({ Name: `api.${ZONE}`, Type: 'A', TTL: 60, SetIdentifier: 'blue', Weight: 71, ResourceRecords: [{ Value: '192.0.2.10' }] })],
      "Tried to delete resource record set [name='api.changes.example.', type='A', set-identifier='blue'] but the values provided do not match the current values",
    )
    await rejected(
      [del({ Name: `api.${ZONE}`, Type: 'A', TTL: 60, SetIdentifier: 'red', Weight: 70, ResourceRecords: [{ Value: '192.0.2.10' }] })],
      "Tried to delete resource record set [name='api.changes.example.', type='A', set-identifier='red'] but it was not found",
    )
    await rejected(
      [del({ ...www, Name: `nope.${ZONE}` })],
      "Tried to delete resource record set [name='nope.changes.example.', type='A'] but it was not found",
    )
    await submit([del({ ...www, ResourceRecords: [{ Value: '192.0.2.2' }, { Value: '192.0.2.1' }] })])
    expect((await listed()).some((s) => s.Name === www.Name)).toBe(false)
  })

  it('a batch is all or nothing, and lists every problem it found', async () => {
    await rejected(
      [
        create({ Name: `new.${ZONE}`, Type: 'A', TTL: 60, ResourceRecords: [{ Value: '192.0.2.50' }] }),
        del({ ...www, TTL: 1 }),
        create({ Name: `bad.${ZONE}`, Type: 'A', TTL: 60, ResourceRecords: [{ Value: '192.0.2' }] }),
      ],
      "Tried to delete resource record set [name='www.changes.example.', type='A'] but the values provided do not match the current values",
      "Invalid Resource Record: FATAL problem: ARRDATAIllegalIPv4Address (Value is not a valid IPv4 address) encountered with '192.0.2'",
    )
  })

  it('touching one set twice is refused, except DELETE then CREATE', async () => {
    await rejected(
      [del(www), del(www)],
      "The request contains an invalid set of changes for a resource record set 'A www.changes.example.'",
    )
    await submit([del(www), create({ ...www, TTL: 60 })])
    expect((await listed()).find((s) => s.Name === www.Name)?.TTL).toBe(60)
  })

  it('UPSERT creates or replaces', async () => {
    await submit([
      upsert({ ...www, ResourceRecords: [{ Value: '192.0.2.7' }] }),
      upsert({ Name: `up.${ZONE}`, Type: 'TXT', TTL: 5, ResourceRecords: [{ Value: '"hi"' }] }),
    ])
    const sets = await listed()
    expect(sets.find((s) => s.Name === www.Name)?.ResourceRecords).toEqual([{ Value: '192.0.2.7' }])
    expect(sets.find((s) => s.Name === `up.${ZONE}`)?.ResourceRecords).toEqual([{ Value: '"hi"' }])
  })

  it('keeps apex SOA and NS and names outside the zone out', async () => {
    const [ns, soa] = await listed()
    await rejected([del(ns!)], 'A HostedZone must contain at least one NS record for the zone itself.')
    await rejected([del(soa!)], 'A HostedZone must contain exactly one SOA record.')
    await rejected(
      [create({ ...www, Name: 'www.other.example.' })],
      'RRSet with DNS name www.other.example. is not permitted in zone changes.example.',
    )
  })
})

describe('CNAME and alias rules', () => {
  it('no CNAME at the apex or beside other types, and nothing beside a CNAME', async () => {
    const cname = (Name: string) => create({ Name, Type: 'CNAME', TTL: 60, ResourceRecords: [{ Value: 'target.example.' }] })
    await rejected([cname(ZONE)], 'RRSet of type CNAME with DNS name changes.example. is not permitted at apex in zone changes.example.')
    await rejected(
      [cname(`www.${ZONE}`)],
      'RRSet of type CNAME with DNS name www.changes.example. is not permitted as it conflicts with other records with the same DNS name in zone changes.example.',
    )
    await rejected(
      [create({ Name: `alias.${ZONE}`, Type: 'TXT', TTL: 60, ResourceRecords: [{ Value: '"x"' }] })],
      'RRSet of type TXT with DNS name alias.changes.example. is not permitted because a conflicting RRSet of type CNAME with the same DNS name already exists in zone changes.example.',
    )
    // The documented pattern: replace a CNAME by an A in one batch.
    await submit([
      del({ Name: `alias.${ZONE}`, Type: 'CNAME', TTL: 300, ResourceRecords: [{ Value: 'www.changes.example.' }] }),
      create({ Name: `alias.${ZONE}`, Type: 'A', TTL: 60, ResourceRecords: [{ Value: '192.0.2.3' }] }),
    ])
  })

  it('alias targets: CloudFront domains only in its zone, records of the zone must exist, no TTL', async () => {
    const cf = (DNSName: string, Type: ResourceRecordSet['Type'] = 'A') =>
      create({ Name: ZONE, Type, AliasTarget: { HostedZoneId: 'Z2FDTNDATAQYW2', DNSName, EvaluateTargetHealth: false } })
    await submit([cf(`${DEMO_DISTRIBUTION_DOMAIN}.`), cf(DEMO_DISTRIBUTION_DOMAIN, 'AAAA')])
    const apex = (await listed()).filter((s) => s.Name === ZONE && s.AliasTarget)
    expect(apex.map((s) => [s.Type, s.AliasTarget?.DNSName, s.TTL])).toEqual([
      ['A', `${DEMO_DISTRIBUTION_DOMAIN}.`, undefined],
      ['AAAA', `${DEMO_DISTRIBUTION_DOMAIN}.`, undefined],
    ])
    await rejected(
      [
        create({
          Name: `cdn.${ZONE}`,
          Type: 'A',
          AliasTarget: { HostedZoneId: 'Z2FDTNDATAQYW2', DNSName: 'example.org', EvaluateTargetHealth: false },
        }),
      ],
      'Tried to create an alias that targets example.org., type A in zone Z2FDTNDATAQYW2, but the alias target name does not lie within the target zone',
    )
    const own = zoneId.replace('/hostedzone/', '')
    await rejected(
      [
        create({
          Name: `to-missing.${ZONE}`,
          Type: 'A',
          AliasTarget: { HostedZoneId: own, DNSName: `missing.${ZONE}`, EvaluateTargetHealth: false },
        }),
      ],
      `Tried to create an alias that targets missing.changes.example., type A in zone ${own}, but that target was not found`,
    )
    // A target created later in the same batch counts.
    await submit([
      create({
        Name: `to-later.${ZONE}`,
        Type: 'A',
        AliasTarget: { HostedZoneId: own, DNSName: `later.${ZONE}`, EvaluateTargetHealth: true },
      }),
      create({ Name: `later.${ZONE}`, Type: 'A', TTL: 60, ResourceRecords: [{ Value: '192.0.2.4' }] }),
    ])
    await invalidInput(
      [
        create({
          Name: `both.${ZONE}`,
          Type: 'A',
          TTL: 60,
          AliasTarget: { HostedZoneId: own, DNSName: `www.${ZONE}`, EvaluateTargetHealth: false },
        }),
      ],
      /^Invalid request: Expected exactly one of \[AliasTarget, all of \[TTL, and ResourceRecords\], or TrafficPolicyInstanceId\], but found more than one in Change with \[Action=CREATE, Name=both.changes.example., Type=A, SetIdentifier=null\]$/,
    )
  })
})

describe('routing policies', () => {
  it('SetIdentifier goes with exactly one routing field', async () => {
    await invalidInput(
      [create({ Name: `w.${ZONE}`, Type: 'A', TTL: 60, Weight: 10, ResourceRecords: [{ Value: '192.0.2.5' }] })],
      /Missing field 'SetIdentifier'/,
    )
    await invalidInput(
      [create({ Name: `w.${ZONE}`, Type: 'A', TTL: 60, SetIdentifier: 'x', ResourceRecords: [{ Value: '192.0.2.5' }] })],
      /but found none/,
    )
    await invalidInput(
      [
        create({
          Name: `w.${ZONE}`,
          Type: 'A',
          TTL: 60,
          SetIdentifier: 'x',
          Weight: 1,
          Region: 'us-east-1',
          ResourceRecords: [{ Value: '192.0.2.5' }],
        }),
      ],
      /but found more than one/,
    )
    await invalidInput(
      [create({ Name: `w.${ZONE}`, Type: 'A', TTL: 60, SetIdentifier: 'x', Weight: 256, ResourceRecords: [{ Value: '192.0.2.5' }] })],
      /Weight must be between 0 and 255/,
    )
  })

  it('one policy per name and type; no simple set beside routed ones', async () => {
    await rejected(
      [create({ Name: `api.${ZONE}`, Type: 'A', TTL: 60, ResourceRecords: [{ Value: '192.0.2.12' }] })],
      'RRSet with DNS name api.changes.example., type A cannot be created as other RRSets exist with the same name and type.',
    )
    await rejected(
      [
        create({
          Name: `api.${ZONE}`,
          Type: 'A',
          TTL: 60,
          SetIdentifier: 'tokyo',
          Region: 'ap-northeast-1',
          ResourceRecords: [{ Value: '192.0.2.12' }],
        }),
      ],
      'RRSet with DNS name api.changes.example., type A, SetIdentifier tokyo cannot be created as a non-latency set exists with the same name and type.',
    )
    await rejected(
      [create({ Name: `www.${ZONE}`, Type: 'A', TTL: 60, SetIdentifier: 'w', Weight: 5, ResourceRecords: [{ Value: '192.0.2.12' }] })],
      'RRSet with DNS name www.changes.example., type A, SetIdentifier w cannot be created as a non-weighted set exists with the same name and type.',
    )
  })

  it('failover pairs reference existing health checks', async () => {
    const primary = {
      Name: `fo.${ZONE}`,
      Type: 'A' as const,
      TTL: 60,
      SetIdentifier: 'p',
      Failover: 'PRIMARY' as const,
      ResourceRecords: [{ Value: '192.0.2.20' }],
    }
    const missing = await failure(submit([create({ ...primary, HealthCheckId: '00000000-0000-0000-0000-000000000000' })]))
    expect(missing.name).toBe('NoSuchHealthCheck')
    await submit([
      create({ ...primary, HealthCheckId: DEMO_HEALTH_CHECK_ID }),
      create({ ...primary, SetIdentifier: 's', Failover: 'SECONDARY', ResourceRecords: [{ Value: '192.0.2.21' }] }),
    ])
    await rejected(
      [create({ ...primary, SetIdentifier: 'p2' })],
      'RRSet with DNS name fo.changes.example., type A, SetIdentifier p2 cannot be created as another PRIMARY failover set exists with the same name and type.',
    )
  })
})

describe('values, names and limits', () => {
  it('TXT strings are quoted and at most 255 characters each; longer text is several strings', async () => {
    const long = 'k'.repeat(300)
    await rejected(
      [create({ Name: `t.${ZONE}`, Type: 'TXT', TTL: 60, ResourceRecords: [{ Value: `"${long}"` }] })],
      `Invalid Resource Record: FATAL problem: CharacterStringTooLong (Value is too long) encountered with '"${long}"'`,
    )
    await rejected(
      [create({ Name: `t.${ZONE}`, Type: 'TXT', TTL: 60, ResourceRecords: [{ Value: '"unterminated' }] })],
      `Invalid Resource Record: FATAL problem: InvalidCharacterString (Value should be enclosed in quotation marks) encountered with '"unterminated'`,
    )
    const split = `"${long.slice(0, 255)}" "${long.slice(255)}"`
    await submit([create({ Name: `t.${ZONE}`, Type: 'TXT', TTL: 60, ResourceRecords: [{ Value: split }, { Value: '"say \\"hi\\""' }] })])
    expect((await listed()).find((s) => s.Name === `t.${ZONE}`)?.ResourceRecords).toEqual([{ Value: split }, { Value: '"say \\"hi\\""' }])
  })

  it('stores names lowercase with a trailing dot and returns special bytes as octal escapes', async () => {
    await submit([
      create({ Name: '*.Wild.Changes.Example', Type: 'A', TTL: 60, ResourceRecords: [{ Value: '192.0.2.30' }] }),
      create({ Name: 'odd\\056dot.changes.example.', Type: 'A', TTL: 60, ResourceRecords: [{ Value: '192.0.2.31' }] }),
      // Route 53 does not convert IDNs: raw UTF-8 is stored as its bytes (Haneul sends punycode).
      create({ Name: '하늘.changes.example.', Type: 'A', TTL: 60, ResourceRecords: [{ Value: '192.0.2.33' }] }),
      create({ Name: 'xn--wh1bz27d.changes.example.', Type: 'A', TTL: 60, ResourceRecords: [{ Value: '192.0.2.34' }] }),
    ])
    const names = (await listed()).map((s) => s.Name)
    expect(names).toContain('\\052.wild.changes.example.')
    expect(names).toContain('\\355\\225\\230\\353\\212\\230.changes.example.')
    expect(names).toContain('xn--wh1bz27d.changes.example.')
    expect(names).toContain('odd\\056dot.changes.example.')
    // The escaped and the literal spelling are the same set.
    await rejected(
      [create({ Name: '\\052.wild.changes.example.', Type: 'A', TTL: 60, ResourceRecords: [{ Value: '192.0.2.32' }] })],
      "Tried to create resource record set [name='\\052.wild.changes.example.', type='A'] but it already exists",
    )
  })

  it('at most 1,000 ResourceRecord elements and 32,000 value characters, UPSERT counting twice', async () => {
    const sets = (n: number, prefix: string) =>
      Array.from({ length: n }, (_, i) => ({
        Name: `${prefix}${i}.${ZONE}`,
        Type: 'A' as const,
        TTL: 60,
        ResourceRecords: [{ Value: `10.0.${i >> 8}.${i & 255}` }],
      }))
    await rejected(sets(1001, 'c').map(create), 'Number of records limit of 1000 exceeded.')
    await rejected(sets(501, 'u').map(upsert), 'Number of records limit of 1000 exceeded.')
    await submit(sets(500, 'u').map(upsert))
    const txt = (n: number) =>
      create({
        Name: `big${n}.${ZONE}`,
        Type: 'TXT',
        TTL: 60,
        ResourceRecords: Array.from({ length: 16 }, (_, i) => ({ Value: `"${String(i).padStart(3, '0')}${'x'.repeat(247)}"` })),
      })
    // 8 sets × 16 values × 252 characters = 32,256 characters.
    await rejected(
      Array.from({ length: 8 }, (_, n) => txt(n)),
      'RDATA character limit of 32000 exceeded.',
    )
    // 4 sets × 16 × 252 = 16,128 characters: fine as CREATEs, over the limit as UPSERTs.
    const four = Array.from({ length: 4 }, (_, n) => txt(n))
    await rejected(
      four.map((c) => ({ ...c, Action: 'UPSERT' as const })),
      'RDATA character limit of 32000 exceeded.',
    )
    await submit(four)
  })
})

describe('change status, PriorRequestNotComplete and Throttling', () => {
  it('GetChange says PENDING until the sync delay has passed, then INSYNC', async () => {
    const change = await submit([upsert({ ...www, TTL: 30 })])
    expect(change.ChangeInfo).toMatchObject({ Status: 'PENDING', SubmittedAt: new Date(h.clock.now) })
    expect((await h.client.send(new GetChangeCommand({ Id: change.ChangeInfo!.Id }))).ChangeInfo?.Status).toBe('PENDING')
    // PENDING changes are already listed.
    expect((await listed()).find((s) => s.Name === www.Name)?.TTL).toBe(30)
    h.clock.advance(h.emulator.settings.changeSyncMs)
    expect((await h.client.send(new GetChangeCommand({ Id: change.ChangeInfo!.Id }))).ChangeInfo?.Status).toBe('INSYNC')
    expect((await failure(h.client.send(new GetChangeCommand({ Id: 'C0000000000000' })))).name).toBe('NoSuchChange')
  })

  it('a change to a zone still processing the previous one is PriorRequestNotComplete', async () => {
    h.emulator.settings.changeProcessingMs = 1000
    try {
      await submit([upsert({ ...www, TTL: 31 })])
      const busy = await failure(submit([upsert({ ...www, TTL: 32 })]))
      expect(busy.name).toBe('PriorRequestNotComplete')
      expect((await listed()).find((s) => s.Name === www.Name)?.TTL).toBe(31)
      h.clock.advance(1000)
      await submit([upsert({ ...www, TTL: 32 })])
    } finally {
      h.emulator.settings.changeProcessingMs = 0
    }
  })

  it('more than 5 requests a second are throttled', async () => {
    h.emulator.settings.requestsPerSecond = 5
    h.clock.advance(1000)
    try {
      for (let i = 0; i < 5; i++) await h.client.send(new ListHostedZonesCommand({}))
      const throttled = await failure(h.client.send(new ListHostedZonesCommand({})))
      expect(throttled.name).toBe('Throttling')
      expect(throttled.message).toBe('Rate exceeded')
      h.clock.advance(1000)
      await h.client.send(new ListHostedZonesCommand({}))
    } finally {
      h.emulator.settings.requestsPerSecond = Infinity
    }
  })
})

describe('the wire', () => {
  it('InvalidChangeBatch is an ErrorResponse with every message in Message and in Messages', async () => {
    const url = `${h.endpoint}/2013-04-01/hostedzone/${zoneId.replace('/hostedzone/', '')}/rrset`
    const set = (name: string, value: string) =>
      `<Change><Action>CREATE</Action><ResourceRecordSet><Name>${name}</Name><Type>A</Type><TTL>60</TTL><ResourceRecords><ResourceRecord><Value>${value}</Value></ResourceRecord></ResourceRecords></ResourceRecordSet></Change>`
    const body = `<?xml version="1.0" encoding="UTF-8"?><ChangeResourceRecordSetsRequest xmlns="https://route53.amazonaws.com/doc/2013-04-01/"><ChangeBatch><Changes>${set('www.changes.example.', '192.0.2.1')}${set('x.changes.example.', '1.2.3')}</Changes></ChangeBatch></ChangeResourceRecordSetsRequest>`
    // Sent by hand to read the raw ErrorResponse, signed with the SDK's signer.
    const response = await signedFetch(url, { method: 'POST', body }, { service: 'route53', region: 'us-east-1' })
    expect(response.status).toBe(400)
    const xml = await response.text()
    expect(xml).toContain(
      '<ErrorResponse xmlns="https://route53.amazonaws.com/doc/2013-04-01/"><Error><Type>Sender</Type><Code>InvalidChangeBatch</Code>',
    )
    expect(xml).toContain(
      '<Messages><Message>Tried to create resource record set [name=&apos;www.changes.example.&apos;, type=&apos;A&apos;] but it already exists</Message><Message>Invalid Resource Record: FATAL problem: ARRDATAIllegalIPv4Address (Value is not a valid IPv4 address) encountered with &apos;1.2.3&apos;</Message></Messages>',
    )
    expect(xml).toMatch(/<\/Error><RequestId>[0-9a-f-]{36}<\/RequestId><\/ErrorResponse>$/)
  })
})
