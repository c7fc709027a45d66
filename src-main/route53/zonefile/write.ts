/**
 * Writes Route 53 record sets as a BIND zone file that named loads and ./parse.ts reads back to the
 * same sets: one line per value, names relative to `$ORIGIN`, BIND escapes (`\DDD` decimal) in place
 * of Route 53's octal ones; aliases and routing fields in `haneul-` comments (named ignores them).
 */
import type { ResourceRecordSet } from '@aws-sdk/client-route-53'
import { route53Labels } from '../names'
import { parseCharacterStrings } from '../values'

const special = new Set(['.', '"', ';', '\\', '(', ')', '@', '$'])

/** One label in BIND presentation: specials as `\X`, non-printable bytes as `\DDD`. */
function bindLabel(label: string): string {
  if (label === '*') return '*'
  let out = ''
  for (const ch of label) {
    const code = ch.charCodeAt(0)
    if (special.has(ch)) out += '\\' + ch
    else if (code <= 0x20 || code >= 0x7f) out += '\\' + String(code).padStart(3, '0')
    else out += ch
  }
  return out
}

/** A Route 53 name → BIND absolute name. */
export function bindName(name: string): string {
  const labels = route53Labels(name)
  return labels.length === 0 ? '.' : labels.map(bindLabel).join('.') + '.'
}

/** A Route 53 name → BIND name relative to the origin ('@' for the origin). */
export function bindOwner(name: string, origin: string): string {
  const labels = route53Labels(name)
  const originLabels = route53Labels(origin)
  const tail = labels.slice(labels.length - originLabels.length)
  const inside = labels.length >= originLabels.length && tail.every((l, i) => l.toLowerCase() === originLabels[i]!.toLowerCase())
  if (!inside) return bindName(name)
  const relative = labels.slice(0, labels.length - originLabels.length)
  return relative.length === 0 ? '@' : relative.map(bindLabel).join('.')
}

/** Byte-strings → BIND quoted strings. */
function bindStrings(strings: string[]): string {
  return strings
    .map((s) => {
      let out = '"'
      for (const ch of s) {
        const code = ch.charCodeAt(0)
        if (ch === '"' || ch === '\\') out += '\\' + ch
        else if (code < 0x20 || code >= 0x7f) out += '\\' + String(code).padStart(3, '0')
        else out += ch
      }
      return out + '"'
    })
    .join(' ')
}

/** Positions of domain names among a type's space-separated fields. */
const NAME_FIELDS: Record<string, number[]> = { CNAME: [0], NS: [0], PTR: [0], MX: [1], SRV: [3], SOA: [0, 1], SVCB: [1], HTTPS: [1] }

/** A Route 53 value → BIND rdata. */
export function bindRdata(type: string, value: string): string {
  if (type === 'TXT' || type === 'SPF') return bindStrings(parseCharacterStrings(value))
  if (type === 'CAA') {
    const match = /^(\d+)\s+(\S+)\s+(.*)$/.exec(value.trim())
    if (match) return `${match[1]} ${match[2]} ${bindStrings(parseCharacterStrings(match[3]!))}`
  }
  if (type === 'NAPTR') {
    const match = /^(\d+)\s+(\d+)\s+("(?:[^"\\]|\\.)*")\s+("(?:[^"\\]|\\.)*")\s+("(?:[^"\\]|\\.)*")\s+(\S+)$/.exec(value.trim())
    if (match) {
      const s = (q: string) => bindStrings(parseCharacterStrings(q))
      return `${match[1]} ${match[2]} ${s(match[3]!)} ${s(match[4]!)} ${s(match[5]!)} ${bindName(match[6]!)}`
    }
  }
  const positions = NAME_FIELDS[type]
  if (!positions) return value.trim()
  const fields = value.trim().split(/\s+/)
  const last = type === 'SVCB' || type === 'HTTPS' ? 2 : fields.length
  return fields.map((f, i) => (positions.includes(i) && i < last ? bindName(f) : f)).join(' ')
}

function quoteIfNeeded(value: string): string {
  return /^[^\s"\\]+$/.test(value) ? value : `"${value.replace(/["\\]/g, '\\$&')}"`
}

/** The `key=value` words for a set's routing fields (empty for a simple set). */
export function routingWords(set: ResourceRecordSet): string[] {
  const words: string[] = []
  const add = (key: string, value: string | number | boolean | undefined) => {
    if (value !== undefined) words.push(`${key}=${quoteIfNeeded(String(value))}`)
  }
  add('set-identifier', set.SetIdentifier)
  add('weight', set.Weight)
  add('region', set.Region)
  add('failover', set.Failover)
  add('geo-continent', set.GeoLocation?.ContinentCode)
  add('geo-country', set.GeoLocation?.CountryCode)
  add('geo-subdivision', set.GeoLocation?.SubdivisionCode)
  add('multivalue', set.MultiValueAnswer)
  add('health-check', set.HealthCheckId)
  add('cidr-collection', set.CidrRoutingConfig?.CollectionId)
  add('cidr-location', set.CidrRoutingConfig?.LocationName)
  add('geoproximity-region', set.GeoProximityLocation?.AWSRegion)
  add('geoproximity-local-zone-group', set.GeoProximityLocation?.LocalZoneGroup)
  add('geoproximity-latitude', set.GeoProximityLocation?.Coordinates?.Latitude)
  add('geoproximity-longitude', set.GeoProximityLocation?.Coordinates?.Longitude)
  add('geoproximity-bias', set.GeoProximityLocation?.Bias)
  return words
}

export interface WriteOptions {
  /** Comment lines written at the top (without the `;`). */
  header?: string[]
}

export function writeZoneFile(zoneName: string, sets: ResourceRecordSet[], options: WriteOptions = {}): string {
  const lines: string[] = (options.header ?? []).map((h) => `; ${h}`)
  lines.push(`$ORIGIN ${bindName(zoneName)}`)
  for (const set of sets) {
    const owner = bindOwner(set.Name!, zoneName)
    const routing = routingWords(set)
    if (set.AliasTarget) {
      const alias = set.AliasTarget
      const words = [
        owner,
        set.Type!,
        alias.HostedZoneId!,
        bindName(alias.DNSName!),
        ...(alias.EvaluateTargetHealth ? ['evaluate-target-health'] : []),
        ...routing,
      ]
      lines.push(`; haneul-alias ${words.join(' ')}`)
      continue
    }
    if (set.TrafficPolicyInstanceId) {
      lines.push(`; ${owner} ${set.Type} is managed by traffic policy instance ${set.TrafficPolicyInstanceId} and not exported`)
      continue
    }
    const comment = routing.length ? ` ; haneul-routing ${routing.join(' ')}` : ''
    for (const record of set.ResourceRecords ?? []) {
      lines.push(`${owner} ${set.TTL} IN ${set.Type} ${bindRdata(set.Type!, record.Value ?? '')}${comment}`)
    }
  }
  return lines.join('\n') + '\n'
}
