/**
 * Haneul's BIND parser checked against an independent one: for each fixture zone file, the records
 * Haneul reads equal those `named-compilezone` (bind9-utils) writes out, after both are put in one
 * normal form. Then export → re-import gives no diff, and named loads the exported file to the same
 * records as the original.
 *
 * Normal form: one line per record, `owner ttl type rdata`, owner lowercased, escapes as Route 53's
 * octal, hex data without blanks, IPv6 compressed. Aliases and routing fields exist only in Haneul's
 * comments, so for named they are flattened: alias sets are left out and routed sets of one name and
 * type merge into one set, as named sees them.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { ResourceRecordSet } from '@aws-sdk/client-route-53'
import { diffZone } from '../../../src-main/route53/diff'
import { parseZoneFile } from '../../../src-main/route53/zonefile/parse'
import { writeZoneFile } from '../../../src-main/route53/zonefile/write'
import { DEMO_ZONE_NAME, demoZoneRecords } from '../../../src-main/sandbox/route53/seed'
import { requiredRecords, nameServersFor } from '../../../src-main/sandbox/route53/server'

const work = mkdtempSync(join(tmpdir(), 'haneul-zonefile-'))
afterAll(() => rmSync(work, { recursive: true, force: true }))

/** named's canonical output of a zone file: `-s full` (absolute names, one record per line). */
function namedRecords(origin: string, file: string): string[] {
  const out = join(work, 'named-out.zone')
  execFileSync('named-compilezone', ['-q', '-k', 'ignore', '-i', 'none', '-s', 'full', '-o', out, origin, file])
  return readFileSync(out, 'utf8')
    .split('\n')
    .filter((line) => line && !line.startsWith(';') && !line.startsWith('$'))
    .map((line) => {
      const match = /^(\S+)\s+(\d+)\s+IN\s+(\S+)\s+(.*)$/.exec(line)
      if (!match) throw new Error(`unexpected named-compilezone line: ${line}`)
      const [, owner, ttl, type, rdata] = match as unknown as [string, string, string, string, string]
      return normal(namedName(owner).toLowerCase(), Number(ttl), type, namedRdata(type, rdata))
    })
    .sort()
}

const octal = (code: number) => '\\' + code.toString(8).padStart(3, '0')
/** A name in BIND escapes (`\.`, `\DDD` decimal) → Route 53's form: every byte but a–z 0–9 - _ (and letters' case) as octal. */
function namedName(name: string): string {
  let out = ''
  for (let i = 0; i < name.length; i++) {
    const ch = name[i]!
    if (ch === '\\') {
      const digits = name.slice(i + 1, i + 4)
      const code = /^\d{3}$/.test(digits) ? Number(digits) : name.charCodeAt(i + 1)
      i += /^\d{3}$/.test(digits) ? 3 : 1
      out += octal(code)
    } else out += /[a-zA-Z0-9_.-]/.test(ch) ? ch : octal(ch.charCodeAt(0))
  }
  return out
}
/** Decimal `\DDD` inside quoted strings → octal; `\"` and `\\` stay. */
const namedStrings = (text: string) => text.replace(/\\(\d{3})/g, (_, d: string) => octal(Number(d)))

function namedRdata(type: string, rdata: string): string {
  switch (type) {
    case 'TXT':
    case 'SPF':
    case 'CAA':
      return namedStrings(rdata)
    case 'NAPTR': {
      const parts = rdata.split(' ')
      const last = parts.pop()!
      return `${namedStrings(parts.join(' '))} ${namedName(last)}`
    }
    case 'CNAME':
    case 'NS':
    case 'PTR':
      return namedName(rdata)
    default:
      return rdata
  }
}

function ipv6(address: string): string {
  return new URL(`http://[${address}]/`).hostname.slice(1, -1)
}

function normal(owner: string, ttl: number, type: string, rdata: string): string {
  let value = rdata.trim()
  if (type === 'AAAA') value = ipv6(value)
  if (type === 'DS' || type === 'TLSA' || type === 'SSHFP') {
    const fixed = type === 'SSHFP' ? 2 : 3
    const fields = value.split(/\s+/)
    value = [...fields.slice(0, fixed), fields.slice(fixed).join('').toUpperCase()].join(' ')
  }
  return `${owner} ${ttl} ${type} ${value}`
}

/** Haneul's sets in the same normal form, flattened the way named sees them. */
function haneulRecords(sets: ResourceRecordSet[]): string[] {
  const merged = new Map<string, { ttl: number; values: Set<string> }>()
  for (const set of sets) {
    if (set.AliasTarget) continue
    const key = `${set.Name} ${set.Type}`
    const entry = merged.get(key) ?? { ttl: set.TTL!, values: new Set<string>() }
    for (const r of set.ResourceRecords ?? []) entry.values.add(r.Value!)
    merged.set(key, entry)
  }
  return [...merged]
    .flatMap(([key, { ttl, values }]) => {
      const [name, type] = key.split(' ') as [string, string]
      return [...values].map((v) => normal(name, ttl, type, v))
    })
    .sort()
}

const seedZone = () => [...requiredRecords({ name: DEMO_ZONE_NAME, nameServers: nameServersFor('Z0HANEULDEMO0001') }), ...demoZoneRecords()]

const fixtures = [
  { name: 'tricky syntax', origin: 'tricky.example.', file: 'test/fixtures/route53/tricky.example.zone' },
  { name: 'classic BIND style (no $ORIGIN, no $TTL)', origin: 'classic.example.', file: 'test/fixtures/route53/classic.example.zone' },
  { name: 'the seed zone', origin: DEMO_ZONE_NAME, file: 'assets/sandbox/route53/haneul-demo.example.zone' },
]

describe('BIND zone files against named-compilezone', () => {
  it('the seed zone file in assets is the export of the seed (kept in sync)', () => {
    const expected = writeZoneFile(DEMO_ZONE_NAME, seedZone(), {
      header: ['The sandbox demo zone haneul-demo.example., as Haneul exports it.'],
    })
    expect(readFileSync('assets/sandbox/route53/haneul-demo.example.zone', 'utf8')).toBe(expected)
  })

  for (const fixture of fixtures) {
    it(`${fixture.name}: Haneul reads the records named reads`, () => {
      const parsed = parseZoneFile(readFileSync(fixture.file, 'utf8'), { origin: fixture.origin })
      const ours = haneulRecords(parsed.recordSets)
      const named = namedRecords(fixture.origin, fixture.file)
      expect(ours.length).toBeGreaterThan(10)
      expect(ours).toEqual(named)
    })

    it(`${fixture.name}: export → re-import gives no diff, and named reads the export the same`, () => {
      const parsed = parseZoneFile(readFileSync(fixture.file, 'utf8'), { origin: fixture.origin })
      const exported = writeZoneFile(fixture.origin, parsed.recordSets)
      const again = parseZoneFile(exported, { origin: fixture.origin })
      const diff = diffZone(parsed.recordSets, again.recordSets, { zoneName: fixture.origin, mode: 'replace' })
      expect(diff.changes).toEqual([])
      expect(diff.unchanged + diff.ignored.length).toBe(parsed.recordSets.length)
      expect(again.recordSets).toEqual(parsed.recordSets)
      const file = join(work, 'exported.zone')
      writeFileSync(file, exported)
      expect(namedRecords(fixture.origin, file)).toEqual(namedRecords(fixture.origin, fixture.file))
    })
  }

  it('the seed zone keeps its aliases and routing through the export comments', () => {
    const parsed = parseZoneFile(readFileSync('assets/sandbox/route53/haneul-demo.example.zone', 'utf8'))
    const diff = diffZone(seedZone(), parsed.recordSets, { zoneName: DEMO_ZONE_NAME, mode: 'replace' })
    expect(diff.changes).toEqual([])
    const apex = parsed.recordSets.find((s) => s.Name === DEMO_ZONE_NAME && s.Type === 'A')
    expect(apex?.AliasTarget?.HostedZoneId).toBe('Z2FDTNDATAQYW2')
    expect(parsed.recordSets.filter((s) => s.Name === `api.${DEMO_ZONE_NAME}`).map((s) => [s.Type, s.SetIdentifier, s.Weight])).toEqual([
      ['A', 'api-blue', 80],
      ['A', 'api-green', 20],
      ['AAAA', 'api-blue', 80],
      ['AAAA', 'api-green', 20],
    ])
  })
})
