/**
 * Record sets as Route 53 defines them (the SDK's ResourceRecordSet shape), with the identity and
 * equality rules Route 53 applies: a set is identified by name, type and SetIdentifier; two sets are
 * equal when TTL, every value (in any order), alias target and every routing field are equal.
 */
import type { ResourceRecordSet } from '@aws-sdk/client-route-53'
import { canonicalName } from './names'

export type RecordSet = ResourceRecordSet

export type RoutingPolicy = 'simple' | 'weighted' | 'latency' | 'failover' | 'geolocation' | 'multivalue' | 'geoproximity' | 'cidr'

/** The routing fields that set a policy, in Route 53's words. */
export const POLICY_FIELDS: Record<Exclude<RoutingPolicy, 'simple'>, keyof RecordSet> = {
  weighted: 'Weight',
  latency: 'Region',
  failover: 'Failover',
  geolocation: 'GeoLocation',
  multivalue: 'MultiValueAnswer',
  geoproximity: 'GeoProximityLocation',
  cidr: 'CidrRoutingConfig',
}

/** The policies a set declares (normally zero or one; more is an error Route 53 reports). */
export function declaredPolicies(set: RecordSet): Exclude<RoutingPolicy, 'simple'>[] {
  return (Object.keys(POLICY_FIELDS) as Exclude<RoutingPolicy, 'simple'>[]).filter((policy) => set[POLICY_FIELDS[policy]] !== undefined)
}

export function routingPolicy(set: RecordSet): RoutingPolicy {
  return declaredPolicies(set)[0] ?? 'simple'
}

/** Name, type and set identifier: what Route 53 keys a record set by. */
export function recordKey(set: Pick<RecordSet, 'Name' | 'Type' | 'SetIdentifier'>): string {
  return `${set.Name ?? ''}|${set.Type ?? ''}|${set.SetIdentifier ?? ''}`
}

export function values(set: RecordSet): string[] {
  return (set.ResourceRecords ?? []).map((r) => r.Value ?? '')
}

/** The same set with its name (and alias target name) in Route 53 form and values trimmed. */
export function canonicalRecordSet(set: RecordSet): RecordSet {
  const out: RecordSet = { ...set, Name: canonicalName(set.Name ?? ''), Type: set.Type }
  if (set.ResourceRecords) out.ResourceRecords = set.ResourceRecords.map((r) => ({ Value: (r.Value ?? '').trim() }))
  if (set.AliasTarget) out.AliasTarget = { ...set.AliasTarget, DNSName: canonicalName(set.AliasTarget.DNSName ?? '') }
  return out
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null)
}

const HEX_TAIL: Record<string, number> = { DS: 3, SSHFP: 2, TLSA: 3 }
const NAME_FIELDS: Record<string, number[]> = { CNAME: [0], NS: [0], PTR: [0], MX: [1], SRV: [3], SOA: [0, 1] }

/**
 * A value in a form where spellings DNS treats as one are equal: IPv6 compressed, hex data and
 * domain names in any case, blanks collapsed. (Route 53 keeps what it was given, so the diff uses
 * this to avoid reporting `2001:DB8::1` vs `2001:db8::1` as a change.)
 */
export function comparableValue(type: string | undefined, value: string): string {
  const trimmed = value.trim().replace(/[ \t]+/g, ' ')
  if (type === 'AAAA') {
    try {
      return new URL(`http://[${trimmed}]/`).hostname.slice(1, -1)
    } catch {
      return trimmed.toLowerCase()
    }
  }
  const fields = trimmed.split(' ')
  const hexFrom = HEX_TAIL[type ?? '']
  if (hexFrom !== undefined) return [...fields.slice(0, hexFrom), fields.slice(hexFrom).join('').toUpperCase()].join(' ')
  const names = NAME_FIELDS[type ?? '']
  if (names) return fields.map((f, i) => (names.includes(i) ? f.toLowerCase() : f)).join(' ')
  return trimmed
}

function sortedValues(set: RecordSet, normalize: boolean): string[] {
  return values(set)
    .map((v) => (normalize ? comparableValue(set.Type, v) : v))
    .sort()
}

/** Values compared as a set: reordering is not a change. `normalize` also ignores spelling (see comparableValue). */
export function sameValues(a: RecordSet, b: RecordSet, normalize = false): boolean {
  const va = sortedValues(a, normalize)
  const vb = sortedValues(b, normalize)
  return va.length === vb.length && va.every((v, i) => v === vb[i])
}

export function sameAlias(a: RecordSet, b: RecordSet): boolean {
  if (!a.AliasTarget || !b.AliasTarget) return !a.AliasTarget && !b.AliasTarget
  return (
    a.AliasTarget.HostedZoneId === b.AliasTarget.HostedZoneId &&
    (a.AliasTarget.DNSName ?? '').toLowerCase() === (b.AliasTarget.DNSName ?? '').toLowerCase() &&
    Boolean(a.AliasTarget.EvaluateTargetHealth) === Boolean(b.AliasTarget.EvaluateTargetHealth)
  )
}

/** Routing fields and health check (everything but TTL, values and alias). */
export function sameRouting(a: RecordSet, b: RecordSet): boolean {
  return (
    (a.SetIdentifier ?? '') === (b.SetIdentifier ?? '') &&
    a.Weight === b.Weight &&
    a.Region === b.Region &&
    a.Failover === b.Failover &&
    Boolean(a.MultiValueAnswer) === Boolean(b.MultiValueAnswer) &&
    (a.MultiValueAnswer === undefined) === (b.MultiValueAnswer === undefined) &&
    sameJson(a.GeoLocation, b.GeoLocation) &&
    sameJson(a.GeoProximityLocation, b.GeoProximityLocation) &&
    sameJson(a.CidrRoutingConfig, b.CidrRoutingConfig) &&
    (a.HealthCheckId ?? '') === (b.HealthCheckId ?? '')
  )
}

/** What a DELETE must repeat exactly (values in any order). */
export function sameRecordSet(a: RecordSet, b: RecordSet): boolean {
  return a.Name === b.Name && a.Type === b.Type && a.TTL === b.TTL && sameValues(a, b) && sameAlias(a, b) && sameRouting(a, b)
}

/** `[name='www.example.com.', type='A', set-identifier='one']`, as Route 53 names a set in messages. */
export function describeSet(set: RecordSet): string {
  const id = set.SetIdentifier !== undefined ? `, set-identifier='${set.SetIdentifier}'` : ''
  return `[name='${set.Name}', type='${set.Type}'${id}]`
}
