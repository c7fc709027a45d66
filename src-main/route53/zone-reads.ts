/** Reading zones and record sets through the SDK client: paging, Route 53's names, and re-reading the sets a draft touches. */
import {
  GetHostedZoneCommand,
  ListHostedZonesCommand,
  ListResourceRecordSetsCommand,
  type HostedZone,
  type ListResourceRecordSetsCommandOutput,
  type Route53Client,
  type RRType,
} from '@aws-sdk/client-route-53'
import { HaneulError } from '../core/errors'
import { displayName } from '../core/dns/names'
import { canonicalRecordSet, recordKey, type RecordSet } from '../core/dns/records'

export interface ZoneBase {
  id: string
  name: string
  displayName: string
  privateZone: boolean
  recordCount: number
  comment?: string
}

const zoneIdOf = (id: string | undefined) => (id ?? '').replace(/^\/hostedzone\//, '')

function toZone(zone: HostedZone): ZoneBase {
  return {
    id: zoneIdOf(zone.Id),
    name: zone.Name ?? '',
    displayName: displayName(zone.Name ?? '.'),
    privateZone: zone.Config?.PrivateZone ?? false,
    recordCount: zone.ResourceRecordSetCount ?? 0,
    ...(zone.Config?.Comment ? { comment: zone.Config.Comment } : {}),
  }
}

export async function listZones(client: Route53Client, signal?: AbortSignal): Promise<ZoneBase[]> {
  const zones: ZoneBase[] = []
  let marker: string | undefined
  do {
    const page = await client.send(new ListHostedZonesCommand({ Marker: marker, MaxItems: 100 }), { abortSignal: signal })
    zones.push(...(page.HostedZones ?? []).map(toZone))
    marker = page.IsTruncated ? page.NextMarker : undefined
  } while (marker)
  return zones
}

export async function zoneOf(client: Route53Client, zoneId: string): Promise<ZoneBase> {
  const out = await client.send(new GetHostedZoneCommand({ Id: zoneId }))
  if (!out.HostedZone) throw new HaneulError('not-found', `Route 53 has no hosted zone ${zoneId}.`)
  return toZone(out.HostedZone)
}

/** Where a listing continues: Route 53's NextRecordName/Type/Identifier, as one opaque token. */
interface Position {
  name: string
  type: string
  identifier?: string
}

const encodeToken = (position: Position) => Buffer.from(JSON.stringify(position)).toString('base64url')

function decodeToken(token: string): Position {
  try {
    const position = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Position
    if (typeof position.name === 'string' && typeof position.type === 'string') return position
  } catch {
    // fall through
  }
  throw new HaneulError('bad-request', 'This page token does not belong to a record listing. Reload the zone to start from the first page.')
}

function nextPosition(page: ListResourceRecordSetsCommandOutput): Position | undefined {
  if (!page.IsTruncated || !page.NextRecordName || !page.NextRecordType) return undefined
  return {
    name: page.NextRecordName,
    type: page.NextRecordType,
    ...(page.NextRecordIdentifier ? { identifier: page.NextRecordIdentifier } : {}),
  }
}

async function listFrom(client: Route53Client, zoneId: string, position: Position | undefined, signal?: AbortSignal) {
  return client.send(
    new ListResourceRecordSetsCommand({
      HostedZoneId: zoneId,
      MaxItems: 300,
      StartRecordName: position?.name,
      StartRecordType: position?.type as RRType | undefined,
      StartRecordIdentifier: position?.identifier,
    }),
    { abortSignal: signal },
  )
}

/** One page (≤ 300 sets, Route 53's order) and the token of the next. */
export async function recordPage(
  client: Route53Client,
  zoneId: string,
  token: string | undefined,
  signal?: AbortSignal,
): Promise<{ sets: RecordSet[]; nextToken?: string }> {
  const page = await listFrom(client, zoneId, token ? decodeToken(token) : undefined, signal)
  const next = nextPosition(page)
  return { sets: (page.ResourceRecordSets ?? []).map(canonicalRecordSet), ...(next ? { nextToken: encodeToken(next) } : {}) }
}

export async function allRecords(client: Route53Client, zoneId: string, signal?: AbortSignal): Promise<RecordSet[]> {
  const sets: RecordSet[] = []
  let position: Position | undefined
  do {
    const page = await listFrom(client, zoneId, position, signal)
    sets.push(...(page.ResourceRecordSets ?? []).map(canonicalRecordSet))
    position = nextPosition(page)
  } while (position)
  return sets
}

/** Above this many names and types, one read of the whole zone costs fewer requests than one read each. */
const TARGETED_READS_MAX = 20

/**
 * The sets at Route 53 now for these identities (name, type, set identifier), keyed by recordKey.
 * Few identities: a listing from each name and type; many: the whole zone (Route 53 allows 5 requests a second).
 */
export async function currentSets(
  client: Route53Client,
  zoneId: string,
  identities: Array<Pick<RecordSet, 'Name' | 'Type' | 'SetIdentifier'>>,
): Promise<Map<string, RecordSet>> {
  const wanted = new Set(identities.map(recordKey))
  const nameTypes = new Map(identities.map((id) => [`${id.Name}|${id.Type}`, { name: id.Name!, type: id.Type! }]))
  const found = new Map<string, RecordSet>()
  const keep = (set: RecordSet) => {
    const key = recordKey(set)
    if (wanted.has(key)) found.set(key, set)
  }
  if (nameTypes.size > TARGETED_READS_MAX) {
    for (const set of await allRecords(client, zoneId)) keep(set)
    return found
  }
  for (const { name, type } of nameTypes.values()) {
    let position: Position | undefined = { name, type }
    while (position) {
      const page = await listFrom(client, zoneId, position, undefined)
      const sets = (page.ResourceRecordSets ?? []).map(canonicalRecordSet)
      const matching = sets.filter((set) => set.Name === name && set.Type === type)
      matching.forEach(keep)
      // Sets of one name and type are listed together: stop at the first other one.
      position = matching.length === sets.length ? nextPosition(page) : undefined
    }
  }
  return found
}
