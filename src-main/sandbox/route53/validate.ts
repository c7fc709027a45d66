/**
 * ChangeResourceRecordSets the way Route 53 runs it: the batch's limits first, then each change's
 * shape (InvalidInput, first problem wins), then every change applied in order to a working copy of
 * the zone, collecting every semantic problem (InvalidChangeBatch lists them all). Only a batch with
 * no problem replaces the zone's records — all or nothing.
 *
 * Messages follow Route 53's wording where it is documented or widely reported (see README.md).
 */
import type { Change, ResourceRecordSet } from '@aws-sdk/client-route-53'
import { wireName, isWithin, route53Labels } from '../../core/dns/names'
import { declaredPolicies, describeSet, recordKey, routingPolicy, sameRecordSet, values, type RoutingPolicy } from '../../core/dns/records'
export { MAX_BATCH_RESOURCE_RECORDS, MAX_BATCH_VALUE_CHARS }
import { ValueError, checkValue, isRecordType } from '../../core/dns/values'
import { MAX_BATCH_RESOURCE_RECORDS, MAX_BATCH_VALUE_CHARS, batchSize } from '../../core/dns/limits'
import { CLOUDFRONT_HOSTED_ZONE_ID } from '../../core/dns/alias-targets'
import { EmulatedError } from '../framework/emulated-error'
import type { StoredZone } from './zones'

export { CLOUDFRONT_HOSTED_ZONE_ID }
export const MAX_RECORD_SETS_PER_ZONE = 10000

/** S3 website endpoints' hosted zones (a few regions), for alias targets. */
export const S3_WEBSITE_ZONES: Record<string, string> = {
  'us-east-1': 'Z3AQBSTGFYJSTF',
  'us-west-2': 'Z3BJ6K6RIION7M',
  'eu-west-1': 'Z1BKCTXD74EZPE',
  'ap-northeast-2': 'Z3W03O7B5YMIYP',
}

const REGIONS = new Set([
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
  'ca-central-1',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'eu-central-1',
  'eu-central-2',
  'eu-north-1',
  'eu-south-1',
  'eu-south-2',
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-northeast-3',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-southeast-3',
  'ap-southeast-4',
  'ap-south-1',
  'ap-south-2',
  'ap-east-1',
  'me-south-1',
  'me-central-1',
  'af-south-1',
  'sa-east-1',
  'il-central-1',
  'cn-north-1',
  'cn-northwest-1',
])
const CONTINENTS = new Set(['AF', 'AN', 'AS', 'EU', 'OC', 'NA', 'SA'])
const POLICY_WORDS: Record<RoutingPolicy, string> = {
  simple: 'simple',
  weighted: 'weighted',
  latency: 'latency',
  failover: 'failover',
  geolocation: 'geolocation',
  multivalue: 'multivalue answer',
  geoproximity: 'geoproximity',
  cidr: 'IP-based',
}
const ALIAS_TYPES = new Set(['A', 'AAAA', 'CAA', 'CNAME', 'DS', 'MX', 'NAPTR', 'PTR', 'SPF', 'SRV', 'TXT', 'HTTPS', 'SVCB'])

/** The zone's records during a batch, indexed by name so each check looks at one name only. */
class WorkingCopy {
  readonly records: Map<string, ResourceRecordSet>
  private readonly byName = new Map<string, Set<ResourceRecordSet>>()

  constructor(original: Map<string, ResourceRecordSet>) {
    this.records = new Map(original)
    for (const set of original.values()) this.index(set)
  }

  private index(set: ResourceRecordSet): void {
    let sets = this.byName.get(set.Name!)
    if (!sets) this.byName.set(set.Name!, (sets = new Set()))
    sets.add(set)
  }

  get(key: string): ResourceRecordSet | undefined {
    return this.records.get(key)
  }

  set(key: string, set: ResourceRecordSet): void {
    this.delete(key)
    this.records.set(key, set)
    this.index(set)
  }

  delete(key: string): void {
    const old = this.records.get(key)
    if (!old) return
    this.records.delete(key)
    this.byName.get(old.Name!)?.delete(old)
  }

  atName(name: string): ResourceRecordSet[] {
    return [...(this.byName.get(name) ?? [])]
  }
}

export interface BatchEnvironment {
  zone: StoredZone
  healthCheckExists(id: string): boolean
  /** Another zone of this account, for alias targets that point into it. */
  zoneById(id: string): StoredZone | undefined
}

function changeLabel(action: string | undefined, set: ResourceRecordSet): string {
  return `[Action=${action}, Name=${set.Name}, Type=${set.Type}, SetIdentifier=${set.SetIdentifier ?? 'null'}]`
}

/** The shape checks Route 53 answers with InvalidInput ("Invalid request: …"). */
function checkShape(change: Change): ResourceRecordSet {
  const raw = change.ResourceRecordSet!
  const action = change.Action
  if (action !== 'CREATE' && action !== 'DELETE' && action !== 'UPSERT') {
    throw new EmulatedError(
      'InvalidInput',
      `Invalid XML ; Value '${action}' is not facet-valid with respect to enumeration '[CREATE, DELETE, UPSERT]'.`,
    )
  }
  if (!raw.Name) throw new EmulatedError('InvalidInput', 'Invalid request: Missing field Name')
  if (!raw.Type || !isRecordType(raw.Type)) {
    throw new EmulatedError('InvalidInput', `Invalid XML ; Value '${raw.Type ?? ''}' is not a valid resource record type.`)
  }
  let name: string
  try {
    name = wireName(raw.Name)
  } catch (error) {
    throw new EmulatedError('InvalidInput', `Invalid request: ${(error as Error).message}`)
  }
  const set: ResourceRecordSet = { ...raw, Name: name }
  if (set.AliasTarget?.DNSName) {
    try {
      set.AliasTarget = { ...set.AliasTarget, DNSName: wireName(set.AliasTarget.DNSName) }
    } catch (error) {
      throw new EmulatedError('InvalidInput', `Invalid request: ${(error as Error).message}`)
    }
  }
  const label = changeLabel(action, { ...set, Name: name })
  const forms = [
    set.AliasTarget !== undefined,
    set.TTL !== undefined || set.ResourceRecords !== undefined,
    set.TrafficPolicyInstanceId !== undefined,
  ].filter(Boolean).length
  const complete =
    set.AliasTarget !== undefined ||
    (set.TTL !== undefined && set.ResourceRecords !== undefined) ||
    set.TrafficPolicyInstanceId !== undefined
  if (forms !== 1 || !complete) {
    throw new EmulatedError(
      'InvalidInput',
      `Invalid request: Expected exactly one of [AliasTarget, all of [TTL, and ResourceRecords], or TrafficPolicyInstanceId], but found ${forms > 1 ? 'more than one' : 'none'} in Change with ${label}`,
    )
  }
  if (set.ResourceRecords !== undefined && set.ResourceRecords.length === 0) {
    throw new EmulatedError(
      'InvalidInput',
      `Invalid request: ResourceRecords must contain at least one ResourceRecord in Change with ${label}`,
    )
  }
  if (set.TTL !== undefined && (set.TTL < 0 || set.TTL > 2147483647)) {
    throw new EmulatedError('InvalidInput', `Invalid request: TTL must be between 0 and 2147483647 in Change with ${label}`)
  }
  const policies = declaredPolicies(set)
  if (policies.length > 1) {
    throw new EmulatedError(
      'InvalidInput',
      `Invalid request: Expected exactly one of [Weight, Region, Failover, GeoLocation, MultiValueAnswer, GeoProximityLocation, or CidrRoutingConfig], but found more than one in Change with ${label}`,
    )
  }
  if (policies.length === 1 && set.SetIdentifier === undefined) {
    throw new EmulatedError('InvalidInput', `Invalid request: Missing field 'SetIdentifier' in Change with ${label}`)
  }
  if (set.SetIdentifier !== undefined && policies.length === 0) {
    throw new EmulatedError(
      'InvalidInput',
      `Invalid request: Expected exactly one of [Weight, Region, Failover, GeoLocation, MultiValueAnswer, GeoProximityLocation, or CidrRoutingConfig], but found none in Change with ${label}`,
    )
  }
  if (set.SetIdentifier !== undefined && (set.SetIdentifier.length < 1 || set.SetIdentifier.length > 128)) {
    throw new EmulatedError('InvalidInput', `Invalid request: SetIdentifier must be 1 to 128 characters in Change with ${label}`)
  }
  if (set.Weight !== undefined && (set.Weight < 0 || set.Weight > 255)) {
    throw new EmulatedError('InvalidInput', `Invalid request: Weight must be between 0 and 255 in Change with ${label}`)
  }
  if (set.Region !== undefined && !REGIONS.has(set.Region)) {
    throw new EmulatedError('InvalidInput', `Invalid XML ; Value '${set.Region}' is not a valid Region.`)
  }
  if (set.Failover !== undefined && set.Failover !== 'PRIMARY' && set.Failover !== 'SECONDARY') {
    throw new EmulatedError(
      'InvalidInput',
      `Invalid XML ; Value '${set.Failover}' is not facet-valid with respect to enumeration '[PRIMARY, SECONDARY]'.`,
    )
  }
  if (set.GeoLocation) {
    const { ContinentCode, CountryCode, SubdivisionCode } = set.GeoLocation
    const ok =
      (ContinentCode !== undefined && CountryCode === undefined && SubdivisionCode === undefined && CONTINENTS.has(ContinentCode)) ||
      (ContinentCode === undefined &&
        CountryCode !== undefined &&
        (CountryCode === '*' || /^[A-Z]{2}$/.test(CountryCode)) &&
        (SubdivisionCode === undefined || CountryCode === 'US' || CountryCode === 'UA'))
    if (!ok) throw new EmulatedError('InvalidInput', `Invalid request: GeoLocation is not a valid location in Change with ${label}`)
  }
  if (set.Type === 'SOA' || set.Type === 'NS') {
    if (set.SetIdentifier !== undefined)
      throw new EmulatedError('InvalidInput', `Invalid request: ${set.Type} records cannot use a routing policy in Change with ${label}`)
  }
  return set
}

function aliasProblems(set: ResourceRecordSet, env: BatchEnvironment, working: WorkingCopy): string[] {
  const alias = set.AliasTarget!
  const target = alias.DNSName ?? ''
  const zoneId = (alias.HostedZoneId ?? '').replace(/^\/hostedzone\//, '')
  const base = `Tried to create an alias that targets ${target}, type ${set.Type} in zone ${zoneId}`
  if (!ALIAS_TYPES.has(set.Type ?? '')) return [`${base}, but alias records of type ${set.Type} are not supported`]
  if (zoneId === CLOUDFRONT_HOSTED_ZONE_ID) {
    if (!/\.cloudfront\.net\.$/.test(target)) return [`${base}, but the alias target name does not lie within the target zone`]
    if (set.Type !== 'A' && set.Type !== 'AAAA')
      return [`${base}, but CloudFront distributions are alias targets only for A and AAAA records`]
    if (alias.EvaluateTargetHealth)
      return [`${base}, but EvaluateTargetHealth can't be true when the alias target is a CloudFront distribution`]
    return []
  }
  const s3Region = Object.entries(S3_WEBSITE_ZONES).find(([, id]) => id === zoneId)?.[0]
  if (s3Region) {
    if (target !== `s3-website-${s3Region}.amazonaws.com.` && target !== `s3-website.${s3Region}.amazonaws.com.`) {
      return [`${base}, but the alias target name does not lie within the target zone`]
    }
    return []
  }
  const targetZone = zoneId === env.zone.id ? env.zone : env.zoneById(zoneId)
  if (!targetZone) return [`${base}, but that target was not found`]
  if (!isWithin(target, targetZone.name)) return [`${base}, but the alias target name does not lie within the target zone`]
  const candidates = targetZone === env.zone ? working.atName(target) : [...targetZone.records.values()].filter((c) => c.Name === target)
  if (candidates.some((candidate) => candidate.Type === set.Type)) return []
  return [`${base}, but that target was not found`]
}

/** Problems of the set's name/type group once `set` is in it (routing consistency, CNAME rules). */
function groupProblems(set: ResourceRecordSet, zone: StoredZone, working: WorkingCopy): string[] {
  const problems: string[] = []
  const sameName = working.atName(set.Name!).filter((other) => other !== set)
  if (set.Type === 'CNAME' && set.Name === zone.name) {
    problems.push(`RRSet of type CNAME with DNS name ${set.Name} is not permitted at apex in zone ${zone.name}`)
  } else if (set.Type === 'CNAME' && sameName.some((o) => o.Type !== 'CNAME')) {
    problems.push(
      `RRSet of type CNAME with DNS name ${set.Name} is not permitted as it conflicts with other records with the same DNS name in zone ${zone.name}`,
    )
  } else if (set.Type !== 'CNAME' && sameName.some((o) => o.Type === 'CNAME')) {
    problems.push(
      `RRSet of type ${set.Type} with DNS name ${set.Name} is not permitted because a conflicting RRSet of type CNAME with the same DNS name already exists in zone ${zone.name}`,
    )
  }
  const group = sameName.filter((o) => o.Type === set.Type)
  const policy = routingPolicy(set)
  if (group.length > 0) {
    if (set.SetIdentifier === undefined) {
      problems.push(
        `RRSet with DNS name ${set.Name}, type ${set.Type} cannot be created as other RRSets exist with the same name and type.`,
      )
    } else if (group.some((o) => o.SetIdentifier === undefined || routingPolicy(o) !== policy)) {
      problems.push(
        `RRSet with DNS name ${set.Name}, type ${set.Type}, SetIdentifier ${set.SetIdentifier} cannot be created as a non-${POLICY_WORDS[policy]} set exists with the same name and type.`,
      )
    } else if (policy === 'failover' && group.some((o) => o.Failover === set.Failover)) {
      problems.push(
        `RRSet with DNS name ${set.Name}, type ${set.Type}, SetIdentifier ${set.SetIdentifier} cannot be created as another ${set.Failover} failover set exists with the same name and type.`,
      )
    } else if (policy === 'geolocation' && group.some((o) => JSON.stringify(o.GeoLocation) === JSON.stringify(set.GeoLocation))) {
      problems.push(
        `RRSet with DNS name ${set.Name}, type ${set.Type}, SetIdentifier ${set.SetIdentifier} cannot be created as another set with the same location exists with the same name and type.`,
      )
    }
  }
  return problems
}

function valueProblems(set: ResourceRecordSet): string[] {
  const problems: string[] = []
  const vs = values(set)
  const seen = new Set<string>()
  for (const value of vs) {
    try {
      checkValue(set.Type!, value)
    } catch (error) {
      if (!(error instanceof ValueError)) throw error
      problems.push(`Invalid Resource Record: FATAL problem: ${error.problem} (${error.explanation}) encountered with '${value}'`)
      continue
    }
    if (seen.has(value)) problems.push(`Duplicate Resource Record: '${value}'`)
    seen.add(value)
  }
  if ((set.Type === 'CNAME' || set.Type === 'SOA') && vs.length > 1) {
    problems.push(
      `RRSet of type ${set.Type} with DNS name ${set.Name} has more than one ResourceRecord; ${set.Type} record sets hold exactly one value.`,
    )
  }
  return problems
}

/**
 * Validates and applies a change batch to a copy of the zone's records. Returns the new record map;
 * throws InvalidChangeBatch (every problem found), InvalidInput or NoSuchHealthCheck, leaving the zone as it was.
 */
export function applyChangeBatch(changes: Change[], env: BatchEnvironment): Map<string, ResourceRecordSet> {
  const { zone } = env
  const size = batchSize(changes)
  const limitProblems: string[] = []
  if (size.resourceRecords > MAX_BATCH_RESOURCE_RECORDS)
    limitProblems.push(`Number of records limit of ${MAX_BATCH_RESOURCE_RECORDS} exceeded.`)
  if (size.valueChars > MAX_BATCH_VALUE_CHARS) limitProblems.push(`RDATA character limit of ${MAX_BATCH_VALUE_CHARS} exceeded.`)
  if (limitProblems.length) throw invalidChangeBatch(limitProblems)

  const normalized = changes.map((change) => ({ action: change.Action!, set: checkShape(change) }))
  for (const { set } of normalized) {
    if (set.HealthCheckId !== undefined && !env.healthCheckExists(set.HealthCheckId)) {
      throw new EmulatedError('NoSuchHealthCheck', `No health check exists with the specified ID ${set.HealthCheckId}.`, 404)
    }
  }

  const working = new WorkingCopy(zone.records)
  const problems: string[] = []
  const touched = new Map<string, string>()
  const aliasChecks: ResourceRecordSet[] = []
  for (const { action, set } of normalized) {
    const key = recordKey(set)
    const previous = touched.get(key)
    touched.set(key, action)
    if (previous !== undefined && !(previous === 'DELETE' && action === 'CREATE')) {
      problems.push(`The request contains an invalid set of changes for a resource record set '${set.Type} ${set.Name}'`)
      continue
    }
    if (!isWithin(set.Name!, zone.name)) {
      problems.push(`RRSet with DNS name ${set.Name} is not permitted in zone ${zone.name}`)
      continue
    }
    const labels = route53Labels(set.Name!)
    if (set.Type === 'NS' && labels[0] === '*') {
      problems.push(`RRSet of type NS with DNS name ${set.Name} is not permitted: a wildcard name cannot hold NS records`)
      continue
    }
    const atApex = set.Name === zone.name
    if (set.Type === 'SOA' && !atApex) {
      problems.push(`RRSet of type SOA with DNS name ${set.Name} is not permitted: SOA records exist only at the apex of zone ${zone.name}`)
      continue
    }
    const existing = working.get(key)
    if (action === 'DELETE') {
      if (!existing) problems.push(`Tried to delete resource record set ${describeSet(set)} but it was not found`)
      else if (!sameRecordSet(existing, set))
        problems.push(`Tried to delete resource record set ${describeSet(set)} but the values provided do not match the current values`)
      else if (atApex && set.Type === 'SOA') problems.push('A HostedZone must contain exactly one SOA record.')
      else if (atApex && set.Type === 'NS') problems.push('A HostedZone must contain at least one NS record for the zone itself.')
      else working.delete(key)
      continue
    }
    if (action === 'CREATE' && existing) {
      problems.push(`Tried to create resource record set ${describeSet(set)} but it already exists`)
      continue
    }
    if (atApex && set.Type === 'SOA' && !existing) {
      problems.push('A HostedZone must contain exactly one SOA record.')
      continue
    }
    const own = valueProblems(set)
    const stored = stripUndefined(set)
    working.set(key, stored)
    own.push(...groupProblems(stored, zone, working))
    if (set.AliasTarget) aliasChecks.push(stored)
    problems.push(...own)
  }
  // Alias targets in the zone are looked up after the whole batch: a batch may create both.
  for (const set of aliasChecks) if (working.get(recordKey(set)) === set) problems.push(...aliasProblems(set, env, working))
  if (problems.length) throw invalidChangeBatch(problems)
  if (working.records.size > MAX_RECORD_SETS_PER_ZONE && working.records.size > zone.records.size) {
    throw invalidChangeBatch([`Exceeded limit MAX_RRSETS_BY_ZONE for zone: ${zone.id}`])
  }
  return working.records
}

function stripUndefined(set: ResourceRecordSet): ResourceRecordSet {
  return Object.fromEntries(Object.entries(set).filter(([, v]) => v !== undefined)) as ResourceRecordSet
}

export class InvalidChangeBatchError extends EmulatedError {
  constructor(readonly messages: string[]) {
    // Route 53 puts every message in one Message, bracketed and comma-separated.
    super('InvalidChangeBatch', `[${messages.join(', ')}]`, 400, 'Sender', { Messages: { Message: messages } })
  }
}

function invalidChangeBatch(messages: string[]): InvalidChangeBatchError {
  return new InvalidChangeBatchError(messages)
}
