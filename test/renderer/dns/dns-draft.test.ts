/**
 * The DNS screen's draft logic: edits folded per record set (the set as Route 53 had it kept however
 * often it is edited again), the table's overlay, names relative to the zone, filters, and values
 * compared as sets.
 */
import { describe, expect, it } from 'vitest'
import type { RecordEdit, RecordRow, RecordSet } from '../../../src-main/api/route53'
import {
  applyEdit,
  changedFields,
  editable,
  keyOf,
  matches,
  overlay,
  qualify,
  relativeName,
  valueDiff,
  withoutEdit,
} from '../../../src-renderer/stores/dns-draft'
import { fieldOf, fieldOfMessage, formOf, setOf } from '../../../src-renderer/components/dns/record-form'

const zone = 'example.com.'
const a = (name: string, value: string, extra: Partial<RecordSet> = {}): RecordSet => ({
  Name: name,
  Type: 'A',
  TTL: 300,
  ResourceRecords: [{ Value: value }],
  ...extra,
})
const row = (set: RecordSet): RecordRow => ({ set, displayName: set.Name, routing: 'simple' })

describe('folding edits into the draft', () => {
  const www = a('www.example.com.', '192.0.2.1')

  it('keeps the listed set as "before" when an updated set is edited again', () => {
    const once = applyEdit([], { kind: 'update', before: www, after: { ...www, TTL: 600 } })
    const twice = applyEdit(once, { kind: 'update', before: { ...www, TTL: 600 }, after: { ...www, TTL: 900 } })
    expect(twice).toEqual([{ kind: 'update', before: www, after: { ...www, TTL: 900 } }])
  })

  it('deleting an updated set deletes the set as Route 53 has it', () => {
    const once = applyEdit([], { kind: 'update', before: www, after: { ...www, TTL: 600 } })
    expect(applyEdit(once, { kind: 'delete', before: { ...www, TTL: 600 } })).toEqual([{ kind: 'delete', before: www }])
  })

  it('a created set edited stays a create; deleted, it leaves the draft', () => {
    const created = applyEdit([], { kind: 'create', after: a('new.example.com.', '192.0.2.9') })
    const edited = applyEdit(created, {
      kind: 'update',
      before: a('new.example.com.', '192.0.2.9'),
      after: a('new.example.com.', '192.0.2.10'),
    })
    expect(edited).toEqual([{ kind: 'create', after: a('new.example.com.', '192.0.2.10') }])
    expect(applyEdit(edited, { kind: 'delete', before: a('new.example.com.', '192.0.2.10') })).toEqual([])
  })

  it('takes an edit back out by the key the table shows', () => {
    const edits: RecordEdit[] = [
      { kind: 'update', before: www, after: { ...www, TTL: 600 } },
      { kind: 'delete', before: a('old.example.com.', '192.0.2.5') },
    ]
    expect(withoutEdit(edits, keyOf(www))).toEqual([edits[1]])
    expect(withoutEdit(edits, keyOf(a('old.example.com.', '')))).toEqual([edits[0]])
  })

  it('cuts a listed set down to the fields a draft may hold', () => {
    const listed = { ...www, GeoProximityLocation: { AWSRegion: 'us-east-1' } } as RecordRow['set']
    expect(editable(listed)).toEqual(www)
  })
})

describe('the table: the zone with the draft laid over it', () => {
  const rows = [row(a('a.example.com.', '192.0.2.1')), row(a('b.example.com.', '192.0.2.2'))]
  const edits: RecordEdit[] = [
    { kind: 'update', before: rows[0]!.set, after: { ...rows[0]!.set, TTL: 60 } },
    { kind: 'delete', before: rows[1]!.set },
    { kind: 'create', after: a('c.example.com.', '192.0.2.3', { SetIdentifier: 'blue', Weight: 10 }) },
  ]

  it('shows updates in place, deletions marked, creations after the listing', () => {
    const table = overlay(rows, edits, zone)
    expect(table.map((r) => [r.row.set.Name, r.staged, r.row.set.TTL])).toEqual([
      ['a.example.com.', 'updated', 60],
      ['b.example.com.', 'deleted', 300],
      ['c.example.com.', 'created', 300],
    ])
    expect(table[0]!.original?.TTL).toBe(300)
    expect(table[2]!.row.routing).toBe('weighted')
  })

  it('filters by name, type and value', () => {
    const table = overlay(rows, edits, zone)
    expect(table.filter((r) => matches(r, { name: 'b.', type: '', value: '' })).map((r) => r.row.set.Name)).toEqual(['b.example.com.'])
    expect(table.filter((r) => matches(r, { name: '', type: 'AAAA', value: '' }))).toEqual([])
    expect(table.filter((r) => matches(r, { name: '', type: 'A', value: '2.3' })).map((r) => r.row.set.Name)).toEqual(['c.example.com.'])
  })
})

describe('names in the form', () => {
  it.each([
    ['@', 'example.com.'],
    ['', 'example.com.'],
    ['www', 'www.example.com.'],
    ['www.example.com', 'www.example.com.'],
    ['WWW.Example.COM', 'WWW.Example.COM.'],
    ['other.org.', 'other.org.'],
    ['*.preview', '*.preview.example.com.'],
  ])('%j in example.com is %j', (typed, name) => {
    expect(qualify(typed, zone)).toBe(name)
  })

  it('shows a name relative to its zone, the apex as @', () => {
    expect(relativeName('www.example.com.', zone)).toBe('www')
    expect(relativeName('example.com.', zone)).toBe('@')
    expect(relativeName('other.org.', zone)).toBe('other.org.')
  })

  it('round-trips a weighted set and an alias through the form', () => {
    const weighted = a('api.example.com.', '192.0.2.10', { SetIdentifier: 'blue', Weight: 80, HealthCheckId: 'hc-1' })
    expect(setOf(formOf(weighted, zone), zone)).toEqual(weighted)
    const alias: RecordSet = {
      Name: 'example.com.',
      Type: 'A',
      AliasTarget: { HostedZoneId: 'Z2FDTNDATAQYW2', DNSName: 'd1.cloudfront.net.', EvaluateTargetHealth: false },
    }
    expect(setOf(formOf(alias, zone, 'cloudfront'), zone)).toEqual(alias)
    const geo = a('geo.example.com.', '192.0.2.40', { SetIdentifier: 'kr', GeoLocation: { CountryCode: 'KR' } })
    expect(setOf(formOf(geo, zone), zone)).toEqual(geo)
  })

  it('never turns a mistyped number into a silent 0', () => {
    const form = formOf(a('x.example.com.', '192.0.2.1'), zone)
    form.ttl = '3OO'
    expect(setOf(form, zone).TTL).toBeNaN()
  })

  it('puts each of Route 53’s problems at its field', () => {
    expect(fieldOf('ResourceRecords')).toBe('values')
    expect(fieldOf('AliasTarget.DNSName')).toBe('alias')
    expect(fieldOf('SetIdentifier')).toBe('routing')
    expect(fieldOf('GeoLocation.SubdivisionCode')).toBe('geo')
    expect(fieldOf('zone')).toBe('general')
    expect(fieldOfMessage('set.Weight: Weight must be 0 to 255')).toBe('routing')
    expect(fieldOfMessage('TTL must be a whole number of seconds')).toBe('ttl')
  })
})

describe('values compared as sets', () => {
  it('the offline preview names what an update changes, a reordering not among it', () => {
    const before = { ...a('mx.example.com.', '1'), ResourceRecords: [{ Value: '1' }, { Value: '2' }] }
    expect(changedFields(before, { ...before, ResourceRecords: [{ Value: '2' }, { Value: '1' }] })).toEqual([])
    expect(changedFields(before, { ...before, TTL: 60, SetIdentifier: 'x', Weight: 1 })).toEqual(['ttl', 'routing'])
    expect(changedFields(before, { ...before, ResourceRecords: [{ Value: '3' }] })).toEqual(['values'])
  })

  it('a reordering is no change; added and removed values are named', () => {
    const before = { ...a('mx.example.com.', '1'), ResourceRecords: [{ Value: '1' }, { Value: '2' }, { Value: '3' }] }
    const reordered = { ...before, ResourceRecords: [{ Value: '3' }, { Value: '1' }, { Value: '2' }] }
    expect(valueDiff(before, reordered)).toEqual({ kept: ['3', '1', '2'], added: [], removed: [] })
    const changed = { ...before, ResourceRecords: [{ Value: '2' }, { Value: '4' }] }
    expect(valueDiff(before, changed)).toEqual({ kept: ['2'], added: ['4'], removed: ['1', '3'] })
  })
})
