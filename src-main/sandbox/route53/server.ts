/**
 * The Route 53 emulator's operations (REST-XML, API version 2013-04-01), written from the Route 53
 * API reference: request and reply shapes, paging markers, error codes and messages.
 *
 * | operation                | method + path                                   | errors                                                      |
 * | ------------------------ | ----------------------------------------------- | ----------------------------------------------------------- |
 * | ListHostedZones          | GET    /2013-04-01/hostedzone                   | InvalidInput                                                |
 * | CreateHostedZone         | POST   /2013-04-01/hostedzone                   | HostedZoneAlreadyExists, InvalidDomainName, InvalidVPCId    |
 * | GetHostedZone            | GET    /2013-04-01/hostedzone/{Id}              | NoSuchHostedZone                                            |
 * | DeleteHostedZone         | DELETE /2013-04-01/hostedzone/{Id}              | NoSuchHostedZone, HostedZoneNotEmpty, PriorRequestNotComplete |
 * | ListResourceRecordSets   | GET    /2013-04-01/hostedzone/{Id}/rrset        | NoSuchHostedZone, InvalidInput                              |
 * | ChangeResourceRecordSets | POST   /2013-04-01/hostedzone/{Id}/rrset        | NoSuchHostedZone, InvalidChangeBatch, InvalidInput, NoSuchHealthCheck, PriorRequestNotComplete |
 * | GetChange                | GET    /2013-04-01/change/{Id}                  | NoSuchChange                                                |
 * | TestDNSAnswer            | GET    /2013-04-01/testdnsanswer                | NoSuchHostedZone, InvalidInput                              |
 * | ListHealthChecks         | GET    /2013-04-01/healthcheck                  | InvalidInput                                                |
 * | GetHealthCheck           | GET    /2013-04-01/healthcheck/{HealthCheckId}  | NoSuchHealthCheck                                           |
 *
 * Every operation first passes the account-wide rate limit (Throttling above `requestsPerSecond`).
 */
import type { ResourceRecordSet } from '@aws-sdk/client-route-53'
import { createHash } from 'node:crypto'
import { wireName, isWithin, route53Labels, route53Name, type NameError } from '../../route53/names'
import { recordKey, routingPolicy, values } from '../../route53/records'
import { isRecordType } from '../../route53/values'
import { EmulatedError } from '../framework/emulated-error'
import type { RestXmlRequest, RestXmlReply, RestXmlRoute } from '../framework/rest-xml-service'
import { CLOUDFRONT_HOSTED_ZONE_ID, S3_WEBSITE_ZONES, applyChangeBatch } from './validate'
import { changesFromXml, recordSetToXml } from './xml'
import { SortedRecords, type StoredChange, type StoredHealthCheck, type StoredZone } from './zones'

export type OperationName =
  | 'ListHostedZones'
  | 'CreateHostedZone'
  | 'GetHostedZone'
  | 'DeleteHostedZone'
  | 'ListResourceRecordSets'
  | 'ChangeResourceRecordSets'
  | 'GetChange'
  | 'TestDNSAnswer'
  | 'ListHealthChecks'
  | 'GetHealthCheck'

export interface Route53State {
  zones: Map<string, StoredZone>
  changes: Map<string, StoredChange>
  healthChecks: Map<string, StoredHealthCheck>
}

export interface Route53Settings {
  nowMs: () => number
  /** Requests per second per account before Throttling (Route 53: 5). Infinity turns the limit off. */
  requestsPerSecond: number
  /** How long a change stays PENDING before GetChange reports INSYNC. */
  changeSyncMs: number
  /** How long a zone stays busy after a change; another change to it meanwhile is PriorRequestNotComplete. */
  changeProcessingMs: number
  /** The region latency records are answered from in TestDNSAnswer. */
  resolverRegion: string
}

type Xml = Record<string, unknown>

/** A list element that stays present (and so an empty list, not a missing one) when it has no items. */
function list(tag: string, items: unknown[]): Xml | string {
  return items.length ? { [tag]: items } : ''
}

function maxItems(query: URLSearchParams, fallback: number, cap: number): number {
  const raw = query.get('maxitems')
  if (raw === null) return fallback
  if (!/^\d+$/.test(raw) || Number(raw) < 1)
    throw new EmulatedError('InvalidInput', `Invalid maxitems: ${raw}. It must be a positive integer.`)
  return Math.min(Number(raw), cap)
}

/** Four name servers derived from the zone id, shaped like Route 53's delegation sets. */
export function nameServersFor(id: string): string[] {
  const h = createHash('sha256').update(id).digest()
  const n = (i: number) => h.readUInt16BE(i) % 2048
  const g = (i: number) => String(h[i]! % 64).padStart(2, '0')
  return [
    `ns-${n(0)}.awsdns-${g(2)}.com.`,
    `ns-${n(3)}.awsdns-${g(5)}.net.`,
    `ns-${n(6)}.awsdns-${g(8)}.org.`,
    `ns-${n(9)}.awsdns-${g(11)}.co.uk.`,
  ]
}

/** The apex SOA and NS sets Route 53 creates with every zone. */
export function requiredRecords(zone: Pick<StoredZone, 'name' | 'nameServers'>): ResourceRecordSet[] {
  return [
    { Name: zone.name, Type: 'NS', TTL: 172800, ResourceRecords: zone.nameServers.map((Value) => ({ Value })) },
    {
      Name: zone.name,
      Type: 'SOA',
      TTL: 900,
      ResourceRecords: [{ Value: `${zone.nameServers[0]} awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400` }],
    },
  ]
}

function changeInfo(change: StoredChange, settings: Route53Settings): Xml {
  const insync = settings.nowMs() >= change.submittedAtMs + settings.changeSyncMs
  return {
    Id: `/change/${change.id}`,
    Status: insync ? 'INSYNC' : 'PENDING',
    SubmittedAt: new Date(change.submittedAtMs).toISOString(),
    ...(change.comment !== undefined ? { Comment: change.comment } : {}),
  }
}

function zoneXml(zone: StoredZone): Xml {
  return {
    Id: `/hostedzone/${zone.id}`,
    Name: zone.name,
    CallerReference: zone.callerReference,
    Config: { ...(zone.comment !== undefined ? { Comment: zone.comment } : {}), PrivateZone: zone.privateZone },
    ResourceRecordSetCount: zone.records.size,
  }
}

function zoneDetails(zone: StoredZone): Xml {
  return zone.privateZone ? { VPCs: list('VPC', zone.vpcs) } : { DelegationSet: { NameServers: list('NameServer', zone.nameServers) } }
}

function healthCheckXml(check: StoredHealthCheck): Xml {
  return { Id: check.id, CallerReference: check.callerReference, HealthCheckConfig: check.config, HealthCheckVersion: check.version }
}

/** Deterministic documentation-range addresses for alias targets outside the sandbox (CloudFront, S3). */
function externalAddresses(dnsName: string, type: string): string[] {
  const h = createHash('sha256').update(dnsName).digest()
  if (type === 'AAAA') return [0, 4].map((i) => `2001:db8:${h.readUInt16BE(i).toString(16)}::${h.readUInt16BE(i + 2).toString(16)}`)
  if (type === 'A') return [0, 1, 2, 3].map((i) => `198.51.100.${(h[i]! % 254) + 1}`)
  return []
}

export function createRoute53Routes(state: Route53State, settings: Route53Settings, onChange: () => void = () => {}) {
  const sorted = new SortedRecords()
  const recent: number[] = []
  // Changes are never forgotten, so their count numbers the next one (also after a reload).
  let changeCounter = state.changes.size
  /** How many times each operation ran (after authentication): tests assert what was called. */
  const calls: Partial<Record<OperationName, number>> = {}

  function throttle(): void {
    if (settings.requestsPerSecond === Infinity) return
    const now = settings.nowMs()
    while (recent.length && recent[0]! <= now - 1000) recent.shift()
    if (recent.length >= settings.requestsPerSecond) throw new EmulatedError('Throttling', 'Rate exceeded', 400)
    recent.push(now)
  }

  function zoneOf(id: string): StoredZone {
    const zone = state.zones.get(id.replace(/^\/?hostedzone\//, ''))
    if (!zone) throw new EmulatedError('NoSuchHostedZone', `No hosted zone found with ID: ${id}`, 404)
    return zone
  }

  function recordChange(comment: string | undefined): StoredChange {
    changeCounter++
    const change = {
      id: `C${('HANEUL' + changeCounter.toString(36).toUpperCase()).padEnd(13, '0')}`,
      submittedAtMs: settings.nowMs(),
      comment,
    }
    state.changes.set(change.id, change)
    return change
  }

  function checkNotBusy(zone: StoredZone): void {
    if (settings.nowMs() < zone.busyUntilMs) {
      throw new EmulatedError(
        'PriorRequestNotComplete',
        'The request was rejected because Route 53 was still processing a prior request.',
        400,
      )
    }
  }

  /** Applies a batch (the same path the seed takes); throws Route 53's errors, changing nothing. */
  function changeRecordSets(zone: StoredZone, changes: Parameters<typeof applyChangeBatch>[0], comment?: string): StoredChange {
    checkNotBusy(zone)
    zone.records = applyChangeBatch(changes, {
      zone,
      healthCheckExists: (id) => state.healthChecks.has(id),
      zoneById: (id) => state.zones.get(id),
    })
    zone.busyUntilMs = settings.nowMs() + settings.changeProcessingMs
    const change = recordChange(comment)
    onChange()
    return change
  }

  function createZone(input: {
    name: string
    callerReference: string
    comment?: string
    vpc?: { VPCRegion: string; VPCId: string }
    id?: string
  }): StoredZone {
    let name: string
    try {
      name = wireName(input.name)
    } catch (error) {
      throw new EmulatedError('InvalidDomainName', `${input.name} is not a valid domain name: ${(error as NameError).message}`)
    }
    if (name === '.' || route53Labels(name).length < 1)
      throw new EmulatedError('InvalidDomainName', `${input.name} is not a valid domain name.`)
    if (!input.callerReference) throw new EmulatedError('InvalidInput', 'Invalid request: Missing field CallerReference')
    for (const zone of state.zones.values()) {
      if (zone.callerReference === input.callerReference) {
        throw new EmulatedError(
          'HostedZoneAlreadyExists',
          'A hosted zone has already been created with the specified caller reference.',
          409,
        )
      }
    }
    const id = input.id ?? `Z0HNL${createHash('sha256').update(input.callerReference).digest('hex').slice(0, 11).toUpperCase()}`
    const privateZone = input.vpc !== undefined
    const zone: StoredZone = {
      id,
      name,
      callerReference: input.callerReference,
      comment: input.comment,
      privateZone,
      vpcs: input.vpc ? [input.vpc] : [],
      nameServers: privateZone
        ? ['ns-0.awsdns-00.com.', 'ns-512.awsdns-00.net.', 'ns-1024.awsdns-00.org.', 'ns-1536.awsdns-00.co.uk.']
        : nameServersFor(id),
      records: new Map(),
      busyUntilMs: 0,
    }
    for (const set of requiredRecords(zone)) zone.records.set(recordKey(set), set)
    state.zones.set(id, zone)
    onChange()
    return zone
  }

  /** What Route 53's name servers would answer (TestDNSAnswer), choosing among routing policies deterministically. */
  function answer(zone: StoredZone, name: string, type: string, depth = 0): { code: string; data: string[] } {
    if (!isWithin(name, zone.name)) return { code: 'REFUSED', data: [] }
    const all = sorted.of(zone).map((s) => s.set)
    let owner = all.filter((s) => s.Name === name)
    if (owner.length === 0) {
      const hasDescendants = all.some((s) => s.Name !== name && isWithin(s.Name!, name))
      if (hasDescendants) return { code: 'NOERROR', data: [] }
      // The closest enclosing wildcard answers for names that do not exist.
      const labels = route53Labels(name)
      for (let i = 1; i < labels.length && owner.length === 0; i++) {
        const wildcard = route53Name(['*', ...labels.slice(i)])
        if (!isWithin(wildcard, zone.name)) break
        owner = all.filter((s) => s.Name === wildcard)
      }
      if (owner.length === 0) return { code: 'NXDOMAIN', data: [] }
    }
    let candidates = owner.filter((s) => s.Type === type)
    if (candidates.length === 0) candidates = owner.filter((s) => s.Type === 'CNAME')
    if (candidates.length === 0) return { code: 'NOERROR', data: [] }
    const healthy = (s: ResourceRecordSet) => s.HealthCheckId === undefined || state.healthChecks.get(s.HealthCheckId)?.healthy !== false
    const policy = routingPolicy(candidates[0]!)
    let chosen: ResourceRecordSet[]
    switch (policy) {
      case 'weighted': {
        const live = candidates.filter(healthy)
        const pool = live.length ? live : candidates
        chosen = [pool.reduce((best, s) => ((s.Weight ?? 0) > (best.Weight ?? 0) ? s : best))]
        break
      }
      case 'failover': {
        const primary = candidates.find((s) => s.Failover === 'PRIMARY')
        const secondary = candidates.find((s) => s.Failover === 'SECONDARY')
        chosen = [primary && healthy(primary) ? primary : (secondary ?? primary)!]
        break
      }
      case 'latency':
        chosen = [candidates.find((s) => s.Region === settings.resolverRegion) ?? candidates[0]!]
        break
      case 'geolocation':
        chosen = [candidates.find((s) => s.GeoLocation?.CountryCode === '*') ?? candidates[0]!]
        break
      case 'multivalue':
        chosen = candidates.filter(healthy).slice(0, 8)
        break
      default:
        chosen = [candidates[0]!]
    }
    const data: string[] = []
    for (const set of chosen) {
      if (set.AliasTarget) {
        const zoneId = set.AliasTarget.HostedZoneId ?? ''
        const target = state.zones.get(zoneId)
        if (target && depth < 8) data.push(...answer(target, set.AliasTarget.DNSName!, set.Type!, depth + 1).data)
        else if (zoneId === CLOUDFRONT_HOSTED_ZONE_ID || Object.values(S3_WEBSITE_ZONES).includes(zoneId))
          data.push(...externalAddresses(set.AliasTarget.DNSName!, set.Type!))
      } else data.push(...values(set))
    }
    return { code: 'NOERROR', data }
  }

  type Handler = (request: RestXmlRequest) => RestXmlReply

  const OPERATIONS: Record<OperationName, { method: RestXmlRoute['method']; path: string; run: Handler }> = {
    ListHostedZones: {
      method: 'GET',
      path: '/2013-04-01/hostedzone',
      run: ({ query }) => {
        const max = maxItems(query, 100, 100)
        const marker = query.get('marker') ?? undefined
        const type = query.get('hostedzonetype')
        if (type !== null && type !== 'PrivateHostedZone') {
          throw new EmulatedError(
            'InvalidInput',
            `Invalid XML ; Value '${type}' is not facet-valid with respect to enumeration '[PrivateHostedZone]'.`,
          )
        }
        const zones = [...state.zones.values()]
          .filter((z) => type === null || z.privateZone)
          .sort((a, b) => (a.id < b.id ? -1 : 1))
          .filter((z) => marker === undefined || z.id >= marker)
        const page = zones.slice(0, max)
        const next = zones[max]
        return {
          xml: {
            ListHostedZonesResponse: {
              HostedZones: list('HostedZone', page.map(zoneXml)),
              ...(marker !== undefined ? { Marker: marker } : {}),
              IsTruncated: next !== undefined,
              ...(next ? { NextMarker: next.id } : {}),
              MaxItems: max,
            },
          },
        }
      },
    },
    CreateHostedZone: {
      method: 'POST',
      path: '/2013-04-01/hostedzone',
      run: ({ body }) => {
        const request = (body?.CreateHostedZoneRequest ?? {}) as Xml
        const config = (request.HostedZoneConfig ?? {}) as Xml
        const vpc = request.VPC as Xml | undefined
        const wantsPrivate = String(config.PrivateZone ?? 'false') === 'true'
        if (wantsPrivate && !vpc)
          throw new EmulatedError('InvalidVPCId', 'A private hosted zone needs a VPC: give VPC with VPCRegion and VPCId.')
        const zone = createZone({
          name: String(request.Name ?? ''),
          callerReference: String(request.CallerReference ?? ''),
          comment: config.Comment !== undefined ? String(config.Comment) : undefined,
          vpc: vpc ? { VPCRegion: String(vpc.VPCRegion ?? ''), VPCId: String(vpc.VPCId ?? '') } : undefined,
        })
        const change = recordChange(undefined)
        onChange()
        return {
          status: 201,
          headers: { location: `https://route53.amazonaws.com/2013-04-01/hostedzone/${zone.id}` },
          xml: {
            CreateHostedZoneResponse: {
              HostedZone: zoneXml(zone),
              ChangeInfo: changeInfo(change, settings),
              ...(zone.privateZone ? { VPC: zone.vpcs[0] } : { DelegationSet: { NameServers: list('NameServer', zone.nameServers) } }),
            },
          },
        }
      },
    },
    GetHostedZone: {
      method: 'GET',
      path: '/2013-04-01/hostedzone/{Id}',
      run: ({ params }) => {
        const zone = zoneOf(params.Id!)
        return { xml: { GetHostedZoneResponse: { HostedZone: zoneXml(zone), ...zoneDetails(zone) } } }
      },
    },
    DeleteHostedZone: {
      method: 'DELETE',
      path: '/2013-04-01/hostedzone/{Id}',
      run: ({ params }) => {
        const zone = zoneOf(params.Id!)
        checkNotBusy(zone)
        const extra = [...zone.records.values()].some((s) => !(s.Name === zone.name && (s.Type === 'SOA' || s.Type === 'NS')))
        if (extra) {
          throw new EmulatedError(
            'HostedZoneNotEmpty',
            'The specified hosted zone contains non-required resource record sets and so cannot be deleted.',
            400,
          )
        }
        state.zones.delete(zone.id)
        onChange()
        return { xml: { DeleteHostedZoneResponse: { ChangeInfo: changeInfo(recordChange(undefined), settings) } } }
      },
    },
    ListResourceRecordSets: {
      method: 'GET',
      path: '/2013-04-01/hostedzone/{Id}/rrset',
      run: ({ params, query }) => {
        const zone = zoneOf(params.Id!)
        const rawName = query.get('name')
        const type = query.get('type') ?? undefined
        const identifier = query.get('identifier') ?? undefined
        if (type !== undefined && rawName === null)
          throw new EmulatedError('InvalidInput', 'Invalid request: a record type (type) can be given only together with a name (name).')
        if (identifier !== undefined && (rawName === null || type === undefined)) {
          throw new EmulatedError(
            'InvalidInput',
            'Invalid request: a set identifier (identifier) can be given only together with a name and a type.',
          )
        }
        if (type !== undefined && !isRecordType(type))
          throw new EmulatedError('InvalidInput', `Invalid XML ; Value '${type}' is not a valid resource record type.`)
        let name: string | undefined
        try {
          name = rawName === null ? undefined : wireName(rawName)
        } catch (error) {
          throw new EmulatedError('InvalidInput', `Invalid request: ${(error as Error).message}`)
        }
        const max = maxItems(query, 300, 300)
        const all = sorted.of(zone)
        const start =
          name === undefined
            ? 0
            : sorted.firstAtOrAfter(zone, { Name: name, Type: type as ResourceRecordSet['Type'], SetIdentifier: identifier })
        const page = all.slice(start, start + max).map((s) => s.set)
        const next = all[start + max]?.set
        return {
          xml: {
            ListResourceRecordSetsResponse: {
              ResourceRecordSets: list('ResourceRecordSet', page.map(recordSetToXml)),
              IsTruncated: next !== undefined,
              ...(next
                ? {
                    NextRecordName: next.Name,
                    NextRecordType: next.Type,
                    ...(next.SetIdentifier !== undefined ? { NextRecordIdentifier: next.SetIdentifier } : {}),
                  }
                : {}),
              MaxItems: max,
            },
          },
        }
      },
    },
    ChangeResourceRecordSets: {
      method: 'POST',
      path: '/2013-04-01/hostedzone/{Id}/rrset',
      run: ({ params, body }) => {
        const zone = zoneOf(params.Id!)
        const { comment, changes } = changesFromXml(body)
        const change = changeRecordSets(zone, changes, comment)
        return { xml: { ChangeResourceRecordSetsResponse: { ChangeInfo: changeInfo(change, settings) } } }
      },
    },
    GetChange: {
      method: 'GET',
      path: '/2013-04-01/change/{Id}',
      run: ({ params }) => {
        const id = params.Id!.replace(/^\/?change\//, '')
        const change = state.changes.get(id)
        if (!change) throw new EmulatedError('NoSuchChange', `A change with the specified change ID does not exist: ${id}`, 404)
        return { xml: { GetChangeResponse: { ChangeInfo: changeInfo(change, settings) } } }
      },
    },
    TestDNSAnswer: {
      method: 'GET',
      path: '/2013-04-01/testdnsanswer',
      run: ({ query }) => {
        const zoneId = query.get('hostedzoneid')
        const recordName = query.get('recordname')
        const recordType = query.get('recordtype')
        if (!zoneId || !recordName || !recordType) {
          throw new EmulatedError('InvalidInput', 'Invalid request: hostedzoneid, recordname and recordtype are required.')
        }
        if (!isRecordType(recordType))
          throw new EmulatedError('InvalidInput', `Invalid XML ; Value '${recordType}' is not a valid resource record type.`)
        const zone = zoneOf(zoneId)
        let name: string
        try {
          name = wireName(recordName)
        } catch (error) {
          throw new EmulatedError('InvalidInput', `Invalid request: ${(error as Error).message}`)
        }
        const { code, data } = answer(zone, name, recordType)
        return {
          xml: {
            TestDNSAnswerResponse: {
              Nameserver: zone.nameServers[0]!.replace(/\.$/, ''),
              RecordName: name,
              RecordType: recordType,
              RecordData: list('RecordDataEntry', data),
              ResponseCode: code,
              Protocol: 'UDP',
            },
          },
        }
      },
    },
    ListHealthChecks: {
      method: 'GET',
      path: '/2013-04-01/healthcheck',
      run: ({ query }) => {
        const max = maxItems(query, 100, 1000)
        const marker = query.get('marker') ?? undefined
        const checks = [...state.healthChecks.values()]
          .sort((a, b) => (a.id < b.id ? -1 : 1))
          .filter((c) => marker === undefined || c.id >= marker)
        const next = checks[max]
        return {
          xml: {
            ListHealthChecksResponse: {
              HealthChecks: list('HealthCheck', checks.slice(0, max).map(healthCheckXml)),
              Marker: marker ?? '',
              IsTruncated: next !== undefined,
              ...(next ? { NextMarker: next.id } : {}),
              MaxItems: max,
            },
          },
        }
      },
    },
    GetHealthCheck: {
      method: 'GET',
      path: '/2013-04-01/healthcheck/{HealthCheckId}',
      run: ({ params }) => {
        const check = state.healthChecks.get(params.HealthCheckId!)
        if (!check) throw new EmulatedError('NoSuchHealthCheck', `A health check with id ${params.HealthCheckId} does not exist.`, 404)
        return { xml: { GetHealthCheckResponse: { HealthCheck: healthCheckXml(check) } } }
      },
    },
  }

  const routes: RestXmlRoute[] = (Object.entries(OPERATIONS) as [OperationName, (typeof OPERATIONS)[OperationName]][]).map(
    ([name, op]) => ({
      method: op.method,
      path: op.path,
      handle: (request) => {
        throttle()
        calls[name] = (calls[name] ?? 0) + 1
        return op.run(request)
      },
    }),
  )

  return { routes, calls, createZone, changeRecordSets, answer }
}
