/**
 * Route 53's rules for one record set, checked in main before anything is staged, so the form can say
 * which rule a value breaks before Route 53 would refuse the whole batch. The rules are the API
 * reference's (ResourceRecordSet, "Values that you specify when you create or edit records") and the
 * checks in core/dns; Route 53 itself still has the last word when the batch is sent.
 */
import type { RecordSet } from '../api/route53'
import { CLOUDFRONT_HOSTED_ZONE_ID } from '../core/dns/alias-targets'
import { NameError, canonicalName, isWithin } from '../core/dns/names'
import { canonicalRecordSet, declaredPolicies, type RecordSet as SdkRecordSet } from '../core/dns/records'
import { ValueError, checkValue } from '../core/dns/values'

export interface RecordProblem {
  field: string
  message: string
}

export interface CheckedRecord {
  problems: RecordProblem[]
  /** The set in Route 53's form (name with trailing dot, punycode, escapes; values trimmed) when its name reads. */
  set?: SdkRecordSet
}

export function checkRecordSet(zoneNameInput: string, input: RecordSet): CheckedRecord {
  const problems: RecordProblem[] = []
  const problem = (field: string, message: string) => problems.push({ field, message })
  let zoneName: string
  try {
    zoneName = canonicalName(zoneNameInput)
  } catch (error) {
    return { problems: [{ field: 'zone', message: (error as Error).message }] }
  }
  let set: SdkRecordSet
  try {
    set = canonicalRecordSet(input as SdkRecordSet)
  } catch (error) {
    if (!(error instanceof NameError)) throw error
    return { problems: [{ field: input.AliasTarget && !isNameOk(input.Name) ? 'Name' : fieldOfNameError(input), message: error.message }] }
  }
  const name = set.Name!
  const type = set.Type!
  if (!isWithin(name, zoneName)) problem('Name', `${name} is not in the zone ${zoneName}: the name must end with ${zoneName}`)
  const apex = name === zoneName

  const hasValues = (set.ResourceRecords?.length ?? 0) > 0
  if (set.AliasTarget) {
    if (hasValues || set.TTL !== undefined)
      problem('AliasTarget', 'An alias record has no TTL and no values: Route 53 answers with the target’s records')
    checkAlias(set, problem)
  } else {
    if (set.TTL === undefined) problem('TTL', 'A record set that is not an alias needs a TTL')
    if (!hasValues) problem('ResourceRecords', 'A record set that is not an alias needs at least one value')
  }

  const seen = new Set<string>()
  set.ResourceRecords?.forEach((record, index) => {
    const value = record.Value ?? ''
    try {
      checkValue(type, value)
    } catch (error) {
      if (!(error instanceof ValueError)) throw error
      problem(`ResourceRecords.${index}`, `${error.explanation} (Route 53: ${error.problem}): ${value}`)
    }
    if (seen.has(value)) problem(`ResourceRecords.${index}`, `The value ${value} is listed twice; Route 53 refuses duplicate values`)
    seen.add(value)
  })

  if (type === 'CNAME') {
    if (apex)
      problem(
        'Type',
        'A CNAME cannot be at the zone apex: the apex must keep its SOA and NS records (RFC 1034). Use an alias A record instead',
      )
    if ((set.ResourceRecords?.length ?? 0) > 1) problem('ResourceRecords', 'A CNAME record set has exactly one value')
  }
  if (type === 'SOA' && !apex) problem('Type', 'An SOA record can only be at the zone apex')
  if (apex && (type === 'SOA' || type === 'NS') && set.SetIdentifier)
    problem('SetIdentifier', 'The apex SOA and NS records cannot use a routing policy')

  const policies = declaredPolicies(set)
  if (policies.length > 1) problem('routing', `A record set has one routing policy; this one sets ${policies.join(' and ')}`)
  if (policies.length > 0 && !set.SetIdentifier)
    problem('SetIdentifier', `${policies[0]} routing needs a SetIdentifier that tells the record sets of ${name} apart`)
  if (policies.length === 0 && set.SetIdentifier)
    problem(
      'SetIdentifier',
      'A SetIdentifier needs a routing policy (Weight, Region, Failover, GeoLocation, MultiValueAnswer or CidrRoutingConfig)',
    )
  const geo = set.GeoLocation
  if (geo) {
    const given = [geo.ContinentCode, geo.CountryCode].filter((v) => v !== undefined).length
    if (given !== 1)
      problem(
        'GeoLocation',
        'A geolocation names either a continent or a country (with a subdivision for US states), not both and not neither',
      )
    if (geo.SubdivisionCode && geo.CountryCode !== 'US' && geo.CountryCode !== 'UA')
      problem('GeoLocation.SubdivisionCode', 'Route 53 has subdivisions only for the United States (US) and Ukraine (UA)')
  }
  if (set.MultiValueAnswer !== undefined && set.AliasTarget)
    problem('MultiValueAnswer', 'Multivalue answer routing cannot be used with an alias')
  if (set.MultiValueAnswer === false) problem('MultiValueAnswer', 'MultiValueAnswer is true or absent')
  return { problems, set }
}

function checkAlias(set: SdkRecordSet, problem: (field: string, message: string) => void): void {
  const target = set.AliasTarget!
  const type = set.Type!
  if (target.HostedZoneId === CLOUDFRONT_HOSTED_ZONE_ID) {
    if (type !== 'A' && type !== 'AAAA') problem('Type', 'An alias to a CloudFront distribution is an A or AAAA record')
    if (target.EvaluateTargetHealth)
      problem('AliasTarget.EvaluateTargetHealth', 'Route 53 cannot evaluate the health of a CloudFront distribution: set it to false')
    if (!target.DNSName?.endsWith('.cloudfront.net.'))
      problem('AliasTarget.DNSName', 'A CloudFront alias target is the distribution’s domain name, d….cloudfront.net')
  }
  if (type === 'SOA' || type === 'NS') problem('AliasTarget', `An ${type} record cannot be an alias`)
}

function isNameOk(name: string): boolean {
  try {
    canonicalName(name)
    return true
  } catch {
    return false
  }
}

function fieldOfNameError(input: RecordSet): string {
  return isNameOk(input.Name) ? 'AliasTarget.DNSName' : 'Name'
}
