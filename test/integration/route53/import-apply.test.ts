/**
 * A BIND import end to end against the Route 53 emulator through the real SDK: list the zone, diff
 * the file against it, submit the change batch (split by the plan when over Route 53's limits), list
 * again — and the same file then diffs to nothing. Also: a DELETE of a set changed meanwhile fails
 * the whole batch (the diff's updates are exact DELETE + CREATE).
 */
import {
  ChangeResourceRecordSetsCommand,
  InvalidChangeBatch,
  ListResourceRecordSetsCommand,
  type ResourceRecordSet,
  type Route53Client,
} from '@aws-sdk/client-route-53'
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { diffZone, guard, planBatches, toChanges } from '../../../src-main/route53/diff'
import { parseZoneFile } from '../../../src-main/route53/zonefile/parse'
import { writeZoneFile } from '../../../src-main/route53/zonefile/write'
import { DEMO_ZONE_ID, DEMO_ZONE_NAME, SCALE_ZONE_ID, SCALE_ZONE_NAME } from '../../../src-main/sandbox/route53/seed'
import { failure, startRoute53, type Route53Harness } from '../sandbox/route53/harness'

let h: Route53Harness
beforeAll(async () => {
  h = await startRoute53()
})
afterAll(() => h.close())

async function listZone(client: Route53Client, zoneId: string): Promise<ResourceRecordSet[]> {
  const sets: ResourceRecordSet[] = []
  let next: { StartRecordName?: string; StartRecordType?: ResourceRecordSet['Type']; StartRecordIdentifier?: string } = {}
  for (;;) {
    const page = await client.send(new ListResourceRecordSetsCommand({ HostedZoneId: zoneId, ...next }))
    sets.push(...(page.ResourceRecordSets ?? []))
    if (!page.IsTruncated) return sets
    next = { StartRecordName: page.NextRecordName, StartRecordType: page.NextRecordType, StartRecordIdentifier: page.NextRecordIdentifier }
  }
}

async function submitPlan(zoneId: string, changes: ReturnType<typeof toChanges>) {
  const plan = planBatches(changes)
  for (const batch of plan.batches) {
    await h.client.send(new ChangeResourceRecordSetsCommand({ HostedZoneId: zoneId, ChangeBatch: { Changes: batch.changes } }))
  }
  return plan
}

describe('BIND import applied to Route 53', () => {
  it('the demo zone file with edits: merge adds and updates, nothing else moves', async () => {
    const edited = readFileSync('assets/sandbox/route53/haneul-demo.example.zone', 'utf8')
      .replace('mx1 3600 IN A 192.0.2.25', 'mx1 600 IN A 192.0.2.25')
      .replace(
        'api 60 IN A 192.0.2.10 ; haneul-routing set-identifier=api-blue weight=80',
        'api 60 IN A 192.0.2.10 ; haneul-routing set-identifier=api-blue weight=50',
      )
      .concat('new-host 300 IN A 192.0.2.201\n')
    const before = await listZone(h.client, DEMO_ZONE_ID)
    const diff = diffZone(before, parseZoneFile(edited).recordSets, { zoneName: DEMO_ZONE_NAME })
    expect(
      diff.changes.map((c) => [c.kind, c.kind === 'delete' ? c.before.Name : c.after.Name, c.kind === 'update' ? c.changed : []]),
    ).toEqual([
      ['update', `mx1.${DEMO_ZONE_NAME}`, ['ttl']],
      ['update', `api.${DEMO_ZONE_NAME}`, ['routing']],
      ['create', `new-host.${DEMO_ZONE_NAME}`, []],
    ])
    const plan = await submitPlan(DEMO_ZONE_ID, toChanges(diff))
    expect(plan.atomic).toBe(true)
    const after = await listZone(h.client, DEMO_ZONE_ID)
    expect(after).toHaveLength(before.length + 1)
    expect(diffZone(after, parseZoneFile(edited).recordSets, { zoneName: DEMO_ZONE_NAME }).changes).toEqual([])
  })

  it('a set changed since the diff was made fails the whole batch', async () => {
    const before = await listZone(h.client, DEMO_ZONE_ID)
    const desired = before.map((s) => (s.Name === `mx2.${DEMO_ZONE_NAME}` || s.Name === `sip.${DEMO_ZONE_NAME}` ? { ...s, TTL: 120 } : s))
    const changes = toChanges(diffZone(before, desired, { zoneName: DEMO_ZONE_NAME }))
    // Someone else changes mx2 meanwhile.
    const mx2 = before.find((s) => s.Name === `mx2.${DEMO_ZONE_NAME}`)!
    await h.client.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: DEMO_ZONE_ID,
        ChangeBatch: { Changes: [{ Action: 'UPSERT', ResourceRecordSet: { ...mx2, TTL: 5 } }] },
      }),
    )
    const error = await failure(
      h.client.send(new ChangeResourceRecordSetsCommand({ HostedZoneId: DEMO_ZONE_ID, ChangeBatch: { Changes: changes } })),
    )
    expect(error).toBeInstanceOf(InvalidChangeBatch)
    expect(error.message).toContain(
      "Tried to delete resource record set [name='mx2.haneul-demo.example.', type='A'] but the values provided do not match the current values",
    )
    expect((await listZone(h.client, DEMO_ZONE_ID)).find((s) => s.Name === `sip.${DEMO_ZONE_NAME}`)?.TTL).toBe(3600)
  })

  it('a replace import of the 10,000-set zone goes in several batches and ends equal to the file', async () => {
    const current = await listZone(h.client, SCALE_ZONE_ID)
    expect(current).toHaveLength(10000)
    const desired = parseZoneFile(writeZoneFile(SCALE_ZONE_NAME, current))
      .recordSets.filter((_, i) => i % 50 !== 5)
      .map((s, i) => (i % 7 === 0 && s.TTL ? { ...s, TTL: s.TTL + 1 } : s))
    const diff = diffZone(current, desired, { zoneName: SCALE_ZONE_NAME, mode: 'replace' })
    expect(guard(diff).needsConfirmation).toBe(false)
    const plan = await submitPlan(SCALE_ZONE_ID, toChanges(diff))
    expect(plan.atomic).toBe(false)
    expect(plan.batches.length).toBeGreaterThan(1)
    const after = await listZone(h.client, SCALE_ZONE_ID)
    expect(after).toHaveLength(desired.length)
    expect(diffZone(after, desired, { zoneName: SCALE_ZONE_NAME, mode: 'replace' }).changes).toEqual([])
  })
})
