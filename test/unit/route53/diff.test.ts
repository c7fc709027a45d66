/**
 * Diff semantics as a table (record sets compared as sets; TTL, values, alias and routing changes
 * named), merge vs replace with the apex SOA/NS untouched, the change batch's order, the octoDNS
 * guard, and the batch-limit split plan.
 */
import type { Change, ResourceRecordSet } from '@aws-sdk/client-route-53'
import { describe, expect, it } from 'vitest'
import { diffZone, guard, planBatches, toChanges, type ChangedField } from '../../../src-main/route53/diff'

const Z = 'example.com.'
const a = (name: string, ttl: number, ...values: string[]): ResourceRecordSet => ({
  Name: name,
  Type: 'A',
  TTL: ttl,
  ResourceRecords: values.map((Value) => ({ Value })),
})
const cf = (DNSName: string): ResourceRecordSet => ({
  Name: Z,
  Type: 'A',
  AliasTarget: { HostedZoneId: 'Z2FDTNDATAQYW2', DNSName, EvaluateTargetHealth: false },
})
const weighted = (id: string, weight: number, value: string): ResourceRecordSet => ({
  ...a(`api.${Z}`, 60, value),
  SetIdentifier: id,
  Weight: weight,
})

type Expected = 'none' | 'create' | 'delete' | ChangedField[]

const table: { case: string; current: ResourceRecordSet[]; desired: ResourceRecordSet[]; expected: Expected }[] = [
  {
    case: 'values reordered',
    current: [a(`www.${Z}`, 300, '192.0.2.1', '192.0.2.2')],
    desired: [a(`www.${Z}`, 300, '192.0.2.2', '192.0.2.1')],
    expected: 'none',
  },
  {
    case: 'name spelled differently (case, no trailing dot)',
    current: [a(`www.${Z}`, 300, '192.0.2.1')],
    desired: [a('WWW.Example.COM', 300, '192.0.2.1')],
    expected: 'none',
  },
  {
    case: 'IPv6 spelled differently',
    current: [{ ...a(`v6.${Z}`, 300), Type: 'AAAA', ResourceRecords: [{ Value: '2001:db8::1' }] }],
    desired: [{ ...a(`v6.${Z}`, 300), Type: 'AAAA', ResourceRecords: [{ Value: '2001:0DB8:0:0:0:0:0:1' }] }],
    expected: 'none',
  },
  {
    case: 'TTL only',
    current: [a(`www.${Z}`, 300, '192.0.2.1', '192.0.2.2')],
    desired: [a(`www.${Z}`, 60, '192.0.2.2', '192.0.2.1')],
    expected: ['ttl'],
  },
  {
    case: 'a value added',
    current: [a(`www.${Z}`, 300, '192.0.2.1')],
    desired: [a(`www.${Z}`, 300, '192.0.2.1', '192.0.2.3')],
    expected: ['values'],
  },
  {
    case: 'TTL and a value',
    current: [a(`www.${Z}`, 300, '192.0.2.1')],
    desired: [a(`www.${Z}`, 600, '192.0.2.9')],
    expected: ['ttl', 'values'],
  },
  {
    case: 'routing: weight changed',
    current: [weighted('blue', 80, '192.0.2.10')],
    desired: [weighted('blue', 60, '192.0.2.10')],
    expected: ['routing'],
  },
  {
    case: 'routing: health check added',
    current: [weighted('blue', 80, '192.0.2.10')],
    desired: [{ ...weighted('blue', 80, '192.0.2.10'), HealthCheckId: 'hc-1' }],
    expected: ['routing'],
  },
  { case: 'alias target changed', current: [cf('d111.cloudfront.net.')], desired: [cf('d222.cloudfront.net.')], expected: ['alias'] },
  {
    case: 'alias target spelled differently',
    current: [cf('d111.cloudfront.net.')],
    desired: [cf('D111.CloudFront.net')],
    expected: 'none',
  },
  {
    case: 'simple set becomes an alias',
    current: [a(Z, 300, '192.0.2.1')],
    desired: [cf('d111.cloudfront.net.')],
    expected: ['ttl', 'values', 'alias'],
  },
  { case: 'a new set', current: [], desired: [a(`new.${Z}`, 300, '192.0.2.1')], expected: 'create' },
  {
    case: 'a new weighted set beside an existing one',
    current: [weighted('blue', 80, '192.0.2.10')],
    desired: [weighted('blue', 80, '192.0.2.10'), weighted('green', 20, '192.0.2.11')],
    expected: 'create',
  },
]

describe('diff semantics', () => {
  for (const row of table) {
    it(row.case, () => {
      const diff = diffZone(row.current, row.desired, { zoneName: Z })
      if (row.expected === 'none') {
        expect(diff.changes).toEqual([])
        return
      }
      expect(diff.changes).toHaveLength(1)
      const change = diff.changes[0]!
      if (typeof row.expected === 'string') expect(change.kind).toBe(row.expected)
      else {
        expect(change.kind).toBe('update')
        expect(change.kind === 'update' && change.changed).toEqual(row.expected)
      }
    })
  }
})

describe('merge and replace', () => {
  const soa = {
    Name: Z,
    Type: 'SOA' as const,
    TTL: 900,
    ResourceRecords: [{ Value: 'ns-1.awsdns-01.com. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400' }],
  }
  const ns = { Name: Z, Type: 'NS' as const, TTL: 172800, ResourceRecords: [{ Value: 'ns-1.awsdns-01.com.' }] }
  const current = [ns, soa, a(`www.${Z}`, 300, '192.0.2.1'), a(`old.${Z}`, 300, '192.0.2.2')]
  const fileFromElsewhere = [
    { ...ns, ResourceRecords: [{ Value: 'ns1.other-provider.example.' }] },
    { ...soa, ResourceRecords: [{ Value: 'ns1.other-provider.example. admin.example.com. 7 3600 600 86400 300' }] },
    a(`www.${Z}`, 300, '192.0.2.1'),
  ]

  it('merge adds and updates only; the apex SOA and NS of the file are left alone', () => {
    const diff = diffZone(current, fileFromElsewhere, { zoneName: Z })
    expect(diff.changes).toEqual([])
    expect(diff.ignored.map((s) => s.Type)).toEqual(['NS', 'SOA'])
  })

  it('replace lists every deletion, never the apex SOA and NS', () => {
    const diff = diffZone(current, [a(`www.${Z}`, 300, '192.0.2.1')], { zoneName: Z, mode: 'replace' })
    expect(diff.changes).toEqual([{ kind: 'delete', before: current[3] }])
    const fromFile = diffZone(current, fileFromElsewhere, { zoneName: Z, mode: 'replace' })
    expect(fromFile.changes.map((c) => c.kind)).toEqual(['delete'])
  })

  it('the batch deletes the exact old sets first, then creates', () => {
    const diff = diffZone(
      [{ Name: `alias.${Z}`, Type: 'CNAME', TTL: 300, ResourceRecords: [{ Value: 'www.example.com.' }] }, a(`www.${Z}`, 300, '192.0.2.1')],
      [a(`alias.${Z}`, 60, '192.0.2.5'), a(`www.${Z}`, 60, '192.0.2.1')],
      { zoneName: Z, mode: 'replace' },
    )
    expect(
      toChanges(diff).map((c) => `${c.Action} ${c.ResourceRecordSet!.Name} ${c.ResourceRecordSet!.Type} ${c.ResourceRecordSet!.TTL}`),
    ).toEqual([
      'DELETE www.example.com. A 300',
      'DELETE alias.example.com. CNAME 300',
      'CREATE alias.example.com. A 60',
      'CREATE www.example.com. A 60',
    ])
  })
})

describe('the delete guard (octoDNS: > 30 % of a zone of ≥ 10)', () => {
  const zone = Array.from({ length: 10 }, (_, i) => a(`h${i}.${Z}`, 300, `192.0.2.${i}`))
  const changeFirst = (n: number) => zone.map((s, i) => (i < n ? { ...s, TTL: 60 } : s))

  it('3 of 10 changed passes; 4 of 10 needs the count typed', () => {
    expect(guard(diffZone(zone, changeFirst(3), { zoneName: Z })).needsConfirmation).toBe(false)
    const verdict = guard(diffZone(zone, changeFirst(4), { zoneName: Z }))
    expect(verdict).toEqual({ needsConfirmation: true, updatesAndDeletes: 4, existing: 10, confirmation: '4' })
  })

  it('deletions count, creations do not, and a zone under 10 sets is never guarded', () => {
    expect(guard(diffZone(zone, zone.slice(0, 6), { zoneName: Z, mode: 'replace' })).needsConfirmation).toBe(true)
    expect(guard(diffZone(zone, [...zone, ...zone.map((s) => ({ ...s, Name: `new-${s.Name}` }))], { zoneName: Z })).needsConfirmation).toBe(
      false,
    )
    expect(guard(diffZone(zone.slice(0, 9), [], { zoneName: Z, mode: 'replace' })).needsConfirmation).toBe(false)
  })
})

describe('batch limits and the split plan', () => {
  const creates = (n: number, prefix = 'h'): Change[] =>
    Array.from({ length: n }, (_, i) => ({
      Action: 'CREATE',
      ResourceRecordSet: a(`${prefix}${i}.${Z}`, 300, `10.0.${i >> 8}.${i & 255}`),
    }))

  it('a change within the limits is one atomic batch; UPSERT counts twice', () => {
    expect(planBatches(creates(1000))).toMatchObject({ atomic: true, size: { resourceRecords: 1000 } })
    const upserts = creates(501).map((c) => ({ ...c, Action: 'UPSERT' as const }))
    expect(planBatches(upserts)).toMatchObject({ atomic: false, size: { resourceRecords: 1002 } })
  })

  it('splits by owner name, keeps each name in one batch, and says what is no longer atomic', () => {
    const updates: Change[] = creates(700).flatMap((c) => [
      { Action: 'DELETE', ResourceRecordSet: { ...c.ResourceRecordSet!, TTL: 60 } },
      c,
    ])
    const plan = planBatches(updates)
    expect(plan.atomic).toBe(false)
    expect(plan.batches.length).toBe(2)
    for (const batch of plan.batches) {
      expect(batch.size.resourceRecords).toBeLessThanOrEqual(1000)
      const actions = batch.changes.map((c) => c.Action)
      expect(actions.indexOf('CREATE')).toBeGreaterThan(actions.lastIndexOf('DELETE'))
    }
    const names = plan.batches.map((b) => new Set(b.names))
    expect([...names[0]!].some((n) => names[1]!.has(n))).toBe(false)
    expect(plan.batches.flatMap((b) => b.changes)).toHaveLength(updates.length)
    expect(plan.explanation).toMatch(/in 2 batches\. Each batch is all-or-nothing, but the batches are not/)
    expect(plan.explanation).toContain('Batch 1 changes h0.example.com.')
  })

  it('32,000 characters is a limit too', () => {
    const long = (i: number): Change => ({
      Action: 'CREATE',
      ResourceRecordSet: { Name: `t${i}.${Z}`, Type: 'TXT', TTL: 60, ResourceRecords: [{ Value: `"${'x'.repeat(250)}"` }] },
    })
    const plan = planBatches(Array.from({ length: 200 }, (_, i) => long(i)))
    expect(plan.atomic).toBe(false)
    expect(plan.batches.every((b) => b.size.valueChars <= 32000)).toBe(true)
  })
})
