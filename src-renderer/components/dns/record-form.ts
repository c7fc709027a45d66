/**
 * The record form's model: what the user types (names relative to the zone, one value a line) to and
 * from a Route 53 record set, and which field of the form each of Route 53's problems belongs to.
 */
import type { RecordSet } from '../../../src-main/api/route53'
import { qualify, relativeName, routingOf } from '../../stores/dns-draft'

export type Policy = 'simple' | 'weighted' | 'latency' | 'failover' | 'geolocation' | 'multivalue'
export type AliasKind = 'cloudfront' | 's3-website' | 'record' | 'other'

export interface RecordForm {
  name: string
  type: RecordSet['Type']
  alias: boolean
  ttl: string
  values: string
  policy: Policy
  setIdentifier: string
  weight: string
  region: string
  failover: 'PRIMARY' | 'SECONDARY'
  continent: string
  country: string
  subdivision: string
  healthCheckId: string
  aliasKind: AliasKind
  aliasZoneId: string
  aliasDnsName: string
  evaluateHealth: boolean
}

export const CLOUDFRONT_ZONE = 'Z2FDTNDATAQYW2'

/**
 * S3 website endpoints and their hosted zones (Amazon S3 endpoints table, "Website endpoints"): the
 * older regions spell the endpoint with a dash, the newer with a dot.
 */
export const s3Websites: Record<string, { zoneId: string; endpoint: string }> = {
  'us-east-1': { zoneId: 'Z3AQBSTGFYJSTF', endpoint: 's3-website-us-east-1.amazonaws.com.' },
  'us-east-2': { zoneId: 'Z2O1EMRO9K5GLX', endpoint: 's3-website.us-east-2.amazonaws.com.' },
  'us-west-1': { zoneId: 'Z2F56UZL2M1ACD', endpoint: 's3-website-us-west-1.amazonaws.com.' },
  'us-west-2': { zoneId: 'Z3BJ6K6RIION7M', endpoint: 's3-website-us-west-2.amazonaws.com.' },
  'ap-northeast-1': { zoneId: 'Z2M4EHUR26P7ZW', endpoint: 's3-website-ap-northeast-1.amazonaws.com.' },
  'ap-northeast-2': { zoneId: 'Z3W03O7B5YMIYP', endpoint: 's3-website.ap-northeast-2.amazonaws.com.' },
  'ap-southeast-1': { zoneId: 'Z3O0J2DXBE1FTB', endpoint: 's3-website-ap-southeast-1.amazonaws.com.' },
  'ap-southeast-2': { zoneId: 'Z1WCIGYICN2BYD', endpoint: 's3-website-ap-southeast-2.amazonaws.com.' },
  'eu-west-1': { zoneId: 'Z1BKCTXD74EZPE', endpoint: 's3-website-eu-west-1.amazonaws.com.' },
  'eu-central-1': { zoneId: 'Z21DNDUVLTQW6Q', endpoint: 's3-website.eu-central-1.amazonaws.com.' },
  'sa-east-1': { zoneId: 'Z7KQH4QJS55SO', endpoint: 's3-website-sa-east-1.amazonaws.com.' },
}

export function emptyForm(): RecordForm {
  return {
    name: '',
    type: 'A',
    alias: false,
    ttl: '300',
    values: '',
    policy: 'simple',
    setIdentifier: '',
    weight: '',
    region: '',
    failover: 'PRIMARY',
    continent: '',
    country: '',
    subdivision: '',
    healthCheckId: '',
    aliasKind: 'cloudfront',
    aliasZoneId: CLOUDFRONT_ZONE,
    aliasDnsName: '',
    evaluateHealth: false,
  }
}

/** The form showing an existing set. */
export function formOf(set: RecordSet, zoneName: string, aliasKind?: AliasKind): RecordForm {
  const routing = routingOf(set)
  return {
    ...emptyForm(),
    name: relativeName(set.Name, zoneName),
    type: set.Type,
    alias: Boolean(set.AliasTarget),
    ttl: set.TTL === undefined ? '300' : String(set.TTL),
    values: (set.ResourceRecords ?? []).map((r) => r.Value).join('\n'),
    policy: routing === 'geoproximity' || routing === 'cidr' ? 'simple' : routing,
    setIdentifier: set.SetIdentifier ?? '',
    weight: set.Weight === undefined ? '' : String(set.Weight),
    region: set.Region ?? '',
    failover: set.Failover ?? 'PRIMARY',
    continent: set.GeoLocation?.ContinentCode ?? '',
    country: set.GeoLocation?.CountryCode ?? '',
    subdivision: set.GeoLocation?.SubdivisionCode ?? '',
    healthCheckId: set.HealthCheckId ?? '',
    aliasKind: aliasKind ?? 'other',
    aliasZoneId: set.AliasTarget?.HostedZoneId ?? CLOUDFRONT_ZONE,
    aliasDnsName: set.AliasTarget?.DNSName ?? '',
    evaluateHealth: set.AliasTarget?.EvaluateTargetHealth ?? false,
  }
}

/** A whole number as typed, or NaN (which the contract then names) — never a silent 0. */
const whole = (text: string): number => (/^\s*-?\d+\s*$/.test(text) ? Number(text) : Number.NaN)

/** The set the form describes, in the AWS shape (main puts names in Route 53's form when checking). */
export function setOf(form: RecordForm, zoneName: string): RecordSet {
  const set: RecordSet = { Name: qualify(form.name, zoneName), Type: form.type }
  if (form.alias) {
    set.AliasTarget = {
      HostedZoneId: form.aliasZoneId.trim(),
      DNSName: form.aliasDnsName.trim(),
      EvaluateTargetHealth: form.evaluateHealth,
    }
  } else {
    set.TTL = whole(form.ttl)
    set.ResourceRecords = form.values
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean)
      .map((Value) => ({ Value }))
  }
  if (form.policy !== 'simple') set.SetIdentifier = form.setIdentifier.trim()
  if (form.policy === 'weighted') set.Weight = whole(form.weight)
  if (form.policy === 'latency') set.Region = form.region.trim()
  if (form.policy === 'failover') set.Failover = form.failover
  if (form.policy === 'geolocation') {
    set.GeoLocation = {
      ...(form.continent ? { ContinentCode: form.continent } : {}),
      ...(form.country.trim() ? { CountryCode: form.country.trim().toUpperCase() } : {}),
      ...(form.subdivision.trim() ? { SubdivisionCode: form.subdivision.trim().toUpperCase() } : {}),
    }
  }
  if (form.policy === 'multivalue') set.MultiValueAnswer = true
  if (form.healthCheckId && form.policy !== 'simple') set.HealthCheckId = form.healthCheckId
  return set
}

export type FormField = 'name' | 'type' | 'ttl' | 'values' | 'alias' | 'routing' | 'geo' | 'general'

/** The form field a problem belongs to, from the field Route 53's rule names (or the contract's message). */
export function fieldOf(field: string): FormField {
  if (field === 'Name') return 'name'
  if (field === 'Type') return 'type'
  if (field === 'TTL') return 'ttl'
  if (field.startsWith('ResourceRecords') || field === 'value') return 'values'
  if (field.startsWith('AliasTarget')) return 'alias'
  if (field.startsWith('GeoLocation')) return 'geo'
  if (['routing', 'SetIdentifier', 'Weight', 'Region', 'Failover', 'MultiValueAnswer', 'HealthCheckId'].includes(field)) return 'routing'
  return 'general'
}

/** The contract refuses malformed input before Route 53's rules run; its message names the field first. */
export function fieldOfMessage(message: string): FormField {
  const first = /^(?:set\.)?([A-Za-z]+)/.exec(message.replace(/^.*?:\s*/, ''))?.[1] ?? ''
  const byWord = fieldOf(first)
  if (byWord !== 'general') return byWord
  if (/TTL/.test(message)) return 'ttl'
  if (/Weight|Region|SetIdentifier|Failover/.test(message)) return 'routing'
  if (/CountryCode|ContinentCode|SubdivisionCode/.test(message)) return 'geo'
  if (/value/.test(message)) return 'values'
  if (/name/.test(message)) return 'name'
  return 'general'
}
