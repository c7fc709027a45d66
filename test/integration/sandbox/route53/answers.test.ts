/**
 * TestDNSAnswer and health checks through the real SDK, on the seeded demo zone: aliases resolved
 * (CloudFront and a record in the zone), routing policies chosen the documented way, wildcards,
 * CNAMEs, NXDOMAIN and NODATA; ListHealthChecks paging and GetHealthCheck.
 */
import { GetHealthCheckCommand, ListHealthChecksCommand, TestDNSAnswerCommand } from '@aws-sdk/client-route-53'
import { isIPv4 } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEMO_HEALTH_CHECK_ID, DEMO_ZONE_ID } from '../../../../src-main/sandbox/route53/seed'
import { failure, startRoute53, type Route53Harness } from './harness'

let h: Route53Harness
beforeAll(async () => {
  h = await startRoute53()
})
afterAll(() => h.close())

const ask = (RecordName: string, RecordType: 'A' | 'AAAA' | 'TXT' | 'MX') =>
  h.client.send(new TestDNSAnswerCommand({ HostedZoneId: DEMO_ZONE_ID, RecordName, RecordType }))

describe('TestDNSAnswer', () => {
  it('resolves the apex alias to the distribution, and www (an alias to the apex) to the same addresses', async () => {
    const apex = await ask('haneul-demo.example', 'A')
    expect(apex.ResponseCode).toBe('NOERROR')
    expect(apex.Protocol).toBe('UDP')
    expect(apex.RecordData?.length).toBeGreaterThan(0)
    expect(apex.RecordData!.every((a) => isIPv4(a))).toBe(true)
    const www = await ask('WWW.haneul-demo.example.', 'A')
    expect(www.RecordData).toEqual(apex.RecordData)
    expect(www.RecordName).toBe('www.haneul-demo.example.')
  })

  it('answers weighted with the heaviest set and failover with the primary until its health check fails', async () => {
    expect((await ask('api.haneul-demo.example', 'A')).RecordData).toEqual(['192.0.2.10'])
    expect((await ask('status.haneul-demo.example', 'A')).RecordData).toEqual(['192.0.2.20'])
    h.emulator.setHealth(DEMO_HEALTH_CHECK_ID, false)
    try {
      expect((await ask('status.haneul-demo.example', 'A')).RecordData).toEqual(['192.0.2.21'])
    } finally {
      h.emulator.setHealth(DEMO_HEALTH_CHECK_ID, true)
    }
    expect((await ask('app.haneul-demo.example', 'A')).RecordData).toEqual(['192.0.2.30'])
    expect((await ask('geo.haneul-demo.example', 'A')).RecordData).toEqual(['192.0.2.43'])
    expect((await ask('mv.haneul-demo.example', 'A')).RecordData).toEqual(['192.0.2.90', '192.0.2.91'])
  })

  it('wildcards, CNAMEs, NXDOMAIN and NODATA', async () => {
    expect((await ask('pr-42.preview.haneul-demo.example', 'A')).RecordData).toEqual(['192.0.2.80'])
    expect((await ask('mail.haneul-demo.example', 'A')).RecordData).toEqual(['mx1.haneul-demo.example.'])
    const none = await ask('nothing-here.haneul-demo.example', 'A')
    expect(none.ResponseCode).toBe('NXDOMAIN')
    expect(none.RecordData).toEqual([])
    const nodata = await ask('mx1.haneul-demo.example', 'AAAA')
    expect(nodata.ResponseCode).toBe('NOERROR')
    expect(nodata.RecordData).toEqual([])
    expect((await ask('haneul-demo.example', 'MX')).RecordData).toEqual(['10 mx1.haneul-demo.example.', '20 mx2.haneul-demo.example.'])
    const dkim = await ask('selector1._domainkey.haneul-demo.example', 'TXT')
    expect(dkim.RecordData).toHaveLength(1)
    expect(dkim.RecordData![0]!.length).toBeGreaterThan(255)
  })

  it('names an unknown zone', async () => {
    const error = await failure(
      h.client.send(new TestDNSAnswerCommand({ HostedZoneId: 'Z0NOSUCHZONE000', RecordName: 'a.example', RecordType: 'A' })),
    )
    expect(error.name).toBe('NoSuchHostedZone')
  })
})

describe('health checks', () => {
  it('lists and gets the seeded health check, and names a missing one', async () => {
    const listed = await h.client.send(new ListHealthChecksCommand({ MaxItems: 10 }))
    expect(listed.IsTruncated).toBe(false)
    expect(listed.HealthChecks?.map((c) => c.Id)).toEqual([DEMO_HEALTH_CHECK_ID])
    const got = await h.client.send(new GetHealthCheckCommand({ HealthCheckId: DEMO_HEALTH_CHECK_ID }))
    expect(got.HealthCheck?.HealthCheckConfig).toMatchObject({ Type: 'HTTPS', Port: 443, ResourcePath: '/healthz', FailureThreshold: 3 })
    const missing = await failure(h.client.send(new GetHealthCheckCommand({ HealthCheckId: 'no-such-check' })))
    expect(missing.name).toBe('NoSuchHealthCheck')
  })
})
