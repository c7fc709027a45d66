/**
 * Route 53 emulator conformance through the real @aws-sdk/client-route-53: hosted zones (paging,
 * counts, create/delete rules) and ListResourceRecordSets (Route 53's order, paging with name, type
 * and identifier, the 300 cap, the `type` without `name` rule).
 */
import {
  ChangeResourceRecordSetsCommand,
  CreateHostedZoneCommand,
  DeleteHostedZoneCommand,
  GetHostedZoneCommand,
  ListHostedZonesCommand,
  ListResourceRecordSetsCommand,
  type ListResourceRecordSetsCommandInput,
  type ResourceRecordSet,
} from '@aws-sdk/client-route-53'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  DEMO_ZONE_ID,
  DEMO_ZONE_NAME,
  PRIVATE_ZONE_ID,
  SCALE_ZONE_ID,
  SCALE_ZONE_RECORD_SETS,
  demoZoneRecords,
} from '../../../../src-main/sandbox/route53/seed'
import { failure, startRoute53, type Route53Harness } from './harness'

let h: Route53Harness
beforeAll(async () => {
  h = await startRoute53()
})
afterAll(() => h.close())

async function listAll(input: ListResourceRecordSetsCommandInput): Promise<{ sets: ResourceRecordSet[]; pages: number }> {
  const sets: ResourceRecordSet[] = []
  let pages = 0
  let next: Partial<ListResourceRecordSetsCommandInput> = {}
  for (;;) {
    const page = await h.client.send(new ListResourceRecordSetsCommand({ ...input, ...next }))
    pages++
    sets.push(...(page.ResourceRecordSets ?? []))
    if (!page.IsTruncated) return { sets, pages }
    next = { StartRecordName: page.NextRecordName, StartRecordType: page.NextRecordType, StartRecordIdentifier: page.NextRecordIdentifier }
  }
}

const brief = (s: ResourceRecordSet) => [s.Name, s.Type, s.SetIdentifier].filter((x) => x !== undefined).join(' ')

describe('hosted zones', () => {
  it('lists zones a page at a time with Marker / NextMarker', async () => {
    const first = await h.client.send(new ListHostedZonesCommand({ MaxItems: 2 }))
    expect(first.HostedZones).toHaveLength(2)
    expect(first.IsTruncated).toBe(true)
    expect(first.MaxItems).toBe(2)
    const second = await h.client.send(new ListHostedZonesCommand({ MaxItems: 2, Marker: first.NextMarker }))
    expect(second.Marker).toBe(first.NextMarker)
    expect(second.IsTruncated).toBe(false)
    expect(second.NextMarker).toBeUndefined()
    const ids = [...first.HostedZones!, ...second.HostedZones!].map((z) => z.Id)
    expect(new Set(ids).size).toBe(ids.length)
    expect(ids).toEqual(
      expect.arrayContaining([`/hostedzone/${DEMO_ZONE_ID}`, `/hostedzone/${SCALE_ZONE_ID}`, `/hostedzone/${PRIVATE_ZONE_ID}`]),
    )
  })

  it('GetHostedZone reports the record set count, name servers for public and VPCs for private zones', async () => {
    const demo = await h.client.send(new GetHostedZoneCommand({ Id: DEMO_ZONE_ID }))
    expect(demo.HostedZone).toMatchObject({
      Name: DEMO_ZONE_NAME,
      ResourceRecordSetCount: demoZoneRecords().length + 2,
      Config: { PrivateZone: false },
    })
    expect(demo.DelegationSet?.NameServers).toHaveLength(4)
    const scale = await h.client.send(new GetHostedZoneCommand({ Id: `/hostedzone/${SCALE_ZONE_ID}` }))
    expect(scale.HostedZone?.ResourceRecordSetCount).toBe(SCALE_ZONE_RECORD_SETS)
    const priv = await h.client.send(new GetHostedZoneCommand({ Id: PRIVATE_ZONE_ID }))
    expect(priv.HostedZone?.Config?.PrivateZone).toBe(true)
    expect(priv.VPCs).toEqual([{ VPCRegion: 'us-east-1', VPCId: 'vpc-0a1b2c3d4e5f60718' }])
    expect(priv.DelegationSet).toBeUndefined()
    const missing = await failure(h.client.send(new GetHostedZoneCommand({ Id: 'Z0NOSUCHZONE000' })))
    expect(missing.name).toBe('NoSuchHostedZone')
    expect(missing.$metadata?.httpStatusCode).toBe(404)
  })

  it('creates a zone with its SOA and NS, refuses a reused CallerReference, and deletes only an empty zone', async () => {
    const created = await h.client.send(
      new CreateHostedZoneCommand({ Name: 'Fresh.Example', CallerReference: 'fresh-1', HostedZoneConfig: { Comment: 'new' } }),
    )
    expect(created.HostedZone).toMatchObject({ Name: 'fresh.example.', ResourceRecordSetCount: 2 })
    expect(created.ChangeInfo?.Status).toBe('PENDING')
    expect(created.Location).toContain(created.HostedZone!.Id!.replace('/hostedzone/', ''))
    const id = created.HostedZone!.Id!
    const apex = await h.client.send(new ListResourceRecordSetsCommand({ HostedZoneId: id }))
    expect(apex.ResourceRecordSets?.map(brief)).toEqual(['fresh.example. NS', 'fresh.example. SOA'])
    expect(apex.ResourceRecordSets?.[0]?.ResourceRecords?.map((r) => r.Value)).toEqual(created.DelegationSet?.NameServers)

    const again = await failure(h.client.send(new CreateHostedZoneCommand({ Name: 'other.example', CallerReference: 'fresh-1' })))
    expect(again.name).toBe('HostedZoneAlreadyExists')

    const www = { Name: 'www.fresh.example.', Type: 'A' as const, TTL: 60, ResourceRecords: [{ Value: '192.0.2.1' }] }
    await h.client.send(
      new ChangeResourceRecordSetsCommand({ HostedZoneId: id, ChangeBatch: { Changes: [{ Action: 'CREATE', ResourceRecordSet: www }] } }),
    )
    const notEmpty = await failure(h.client.send(new DeleteHostedZoneCommand({ Id: id })))
    expect(notEmpty.name).toBe('HostedZoneNotEmpty')
    expect(notEmpty.message).toBe('The specified hosted zone contains non-required resource record sets and so cannot be deleted.')
    await h.client.send(
      new ChangeResourceRecordSetsCommand({ HostedZoneId: id, ChangeBatch: { Changes: [{ Action: 'DELETE', ResourceRecordSet: www }] } }),
    )
    const deleted = await h.client.send(new DeleteHostedZoneCommand({ Id: id }))
    expect(deleted.ChangeInfo?.Id).toMatch(/^\/change\/C/)
    expect((await failure(h.client.send(new GetHostedZoneCommand({ Id: id })))).name).toBe('NoSuchHostedZone')
  })

  it('lists only private zones when asked', async () => {
    const privateOnly = await h.client.send(new ListHostedZonesCommand({ HostedZoneType: 'PrivateHostedZone' }))
    expect(privateOnly.HostedZones?.map((z) => z.Id)).toEqual([`/hostedzone/${PRIVATE_ZONE_ID}`])
  })

  it('needs a VPC for a private zone', async () => {
    const error = await failure(
      h.client.send(new CreateHostedZoneCommand({ Name: 'p.example', CallerReference: 'p-1', HostedZoneConfig: { PrivateZone: true } })),
    )
    expect(error.name).toBe('InvalidVPCId')
  })
})

describe('ListResourceRecordSets order and paging', () => {
  it('orders by label-reversed name (trailing dot included, byte order), then type', async () => {
    const zone = await h.client.send(new CreateHostedZoneCommand({ Name: 'order.example.', CallerReference: 'order-1' }))
    const id = zone.HostedZone!.Id!
    const a = (Name: string, Type: ResourceRecordSet['Type'] = 'A', Value = '192.0.2.1') => ({
      Action: 'CREATE' as const,
      ResourceRecordSet: { Name, Type, TTL: 60, ResourceRecords: [{ Value }] },
    })
    await h.client.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: id,
        ChangeBatch: {
          Changes: [
            a('Z9.Order.Example'),
            a('b.a.order.example.'),
            a('*.a.order.example.'),
            a('a.order.example.', 'MX', '10 mx.order.example.'),
            a('a.order.example.'),
            a('a-b.order.example.'),
            a('_x.order.example.', 'TXT', '"x"'),
          ],
        },
      }),
    )
    const listed = await h.client.send(new ListResourceRecordSetsCommand({ HostedZoneId: id }))
    // Reversed keys: "example.order." < "…_x." < "…a-b." < "…a." < "…a.*." < "…a.b." < "…z9." ('-' 0x2D sorts before '.').
    expect(listed.ResourceRecordSets?.map(brief)).toEqual([
      'order.example. NS',
      'order.example. SOA',
      '_x.order.example. TXT',
      'a-b.order.example. A',
      'a.order.example. A',
      'a.order.example. MX',
      '\\052.a.order.example. A',
      'b.a.order.example. A',
      'z9.order.example. A',
    ])
  })

  it('pages through weighted sets with NextRecordIdentifier', async () => {
    const first = await h.client.send(
      new ListResourceRecordSetsCommand({
        HostedZoneId: DEMO_ZONE_ID,
        StartRecordName: 'API.haneul-demo.example',
        StartRecordType: 'A',
        MaxItems: 1,
      }),
    )
    expect(first.ResourceRecordSets?.map(brief)).toEqual(['api.haneul-demo.example. A api-blue'])
    expect(first).toMatchObject({
      IsTruncated: true,
      NextRecordName: 'api.haneul-demo.example.',
      NextRecordType: 'A',
      NextRecordIdentifier: 'api-green',
      MaxItems: 1,
    })
    const second = await h.client.send(
      new ListResourceRecordSetsCommand({
        HostedZoneId: DEMO_ZONE_ID,
        StartRecordName: first.NextRecordName,
        StartRecordType: first.NextRecordType,
        StartRecordIdentifier: first.NextRecordIdentifier,
        MaxItems: 2,
      }),
    )
    expect(second.ResourceRecordSets?.map(brief)).toEqual([
      'api.haneul-demo.example. A api-green',
      'api.haneul-demo.example. AAAA api-blue',
    ])
    expect(second.NextRecordIdentifier).toBe('api-green')
  })

  it('small pages walk the same sets as one page, each exactly once', async () => {
    const whole = await listAll({ HostedZoneId: DEMO_ZONE_ID })
    expect(whole.pages).toBe(1)
    const paged = await listAll({ HostedZoneId: DEMO_ZONE_ID, MaxItems: 3 })
    expect(paged.pages).toBe(Math.ceil(whole.sets.length / 3))
    expect(paged.sets.map(brief)).toEqual(whole.sets.map(brief))
    expect(whole.sets).toHaveLength(demoZoneRecords().length + 2)
  })

  it('caps a page at 300 and lists the 10,000-set zone in order', async () => {
    const page = await h.client.send(new ListResourceRecordSetsCommand({ HostedZoneId: SCALE_ZONE_ID, MaxItems: 1000 }))
    expect(page.ResourceRecordSets).toHaveLength(300)
    expect(page.MaxItems).toBe(300)
    const { sets, pages } = await listAll({ HostedZoneId: SCALE_ZONE_ID })
    expect(pages).toBe(Math.ceil(SCALE_ZONE_RECORD_SETS / 300))
    expect(sets).toHaveLength(SCALE_ZONE_RECORD_SETS)
    const keys = sets.map((s) => `${s.Name!.split('.').slice(0, -1).reverse().join('.')}. ${s.Type}`)
    expect(keys).toEqual([...keys].sort())
  })

  it('starts at a name that holds no record, and refuses type without name', async () => {
    const between = await h.client.send(
      new ListResourceRecordSetsCommand({ HostedZoneId: DEMO_ZONE_ID, StartRecordName: 'apz.haneul-demo.example.', MaxItems: 1 }),
    )
    expect(between.ResourceRecordSets?.[0]?.Name).toBe('bastion.haneul-demo.example.')
    const typeOnly = await failure(h.client.send(new ListResourceRecordSetsCommand({ HostedZoneId: DEMO_ZONE_ID, StartRecordType: 'A' })))
    expect(typeOnly.name).toBe('InvalidInput')
    const badType = await failure(
      h.client.send(
        new ListResourceRecordSetsCommand({
          HostedZoneId: DEMO_ZONE_ID,
          StartRecordName: 'a.haneul-demo.example',
          StartRecordType: 'BOGUS' as 'A',
        }),
      ),
    )
    expect(badType.name).toBe('InvalidInput')
  })
})
