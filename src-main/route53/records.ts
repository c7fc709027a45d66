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

function sortedValues(set: RecordSet): string[] {
  return values(set).sort()
}

/** Values compared as a set: reordering is not a change. */
export function sameValues(a: RecordSet, b: RecordSet): boolean {
  const va = sortedValues(a)
  const vb = sortedValues(b)
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

/** What a DELETE must repeat exactly, and what the diff calls "no change". */
export function sameRecordSet(a: RecordSet, b: RecordSet): boolean {
  return a.Name === b.Name && a.Type === b.Type && a.TTL === b.TTL && sameValues(a, b) && sameAlias(a, b) && sameRouting(a, b)
}

/** `[name='www.example.com.', type='A', set-identifier='one']`, as Route 53 names a set in messages. */
export function describeSet(set: RecordSet): string {
  const id = set.SetIdentifier !== undefined ? `, set-identifier='${set.SetIdentifier}'` : ''
  return `[name='${set.Name}', type='${set.Type}'${id}]`
}
