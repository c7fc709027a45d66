/** Route 53's XML shapes ↔ plain record sets (the SDK's ResourceRecordSet shape). */
import type { Change, ResourceRecordSet } from '@aws-sdk/client-route-53'
import { EmulatedError } from '../framework/emulated-error'
import { asList } from '../framework/xml'

type Xml = Record<string, unknown>

const str = (v: unknown): string | undefined => (v === undefined || v === null ? undefined : typeof v === 'string' ? v : JSON.stringify(v))

function num(v: unknown, field: string): number | undefined {
  const s = str(v)
  if (s === undefined) return undefined
  if (!/^-?\d+$/.test(s.trim())) throw new EmulatedError('InvalidInput', `Invalid XML ; ${field} must be an integer: ${s}`)
  return Number(s)
}

function bool(v: unknown): boolean | undefined {
  const s = str(v)
  return s === undefined ? undefined : s.trim() === 'true'
}

function obj(v: unknown): Xml | undefined {
  return v && typeof v === 'object' ? (v as Xml) : undefined
}

function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T
}

export function recordSetFromXml(x: Xml): ResourceRecordSet {
  const geo = obj(x.GeoLocation)
  const alias = obj(x.AliasTarget)
  const cidr = obj(x.CidrRoutingConfig)
  const prox = obj(x.GeoProximityLocation)
  const coords = obj(prox?.Coordinates)
  const records = obj(x.ResourceRecords)
  return compact({
    Name: str(x.Name),
    Type: str(x.Type) as ResourceRecordSet['Type'],
    SetIdentifier: str(x.SetIdentifier),
    Weight: num(x.Weight, 'Weight'),
    Region: str(x.Region) as ResourceRecordSet['Region'],
    GeoLocation: geo
      ? compact({ ContinentCode: str(geo.ContinentCode), CountryCode: str(geo.CountryCode), SubdivisionCode: str(geo.SubdivisionCode) })
      : undefined,
    Failover: str(x.Failover) as ResourceRecordSet['Failover'],
    MultiValueAnswer: bool(x.MultiValueAnswer),
    TTL: num(x.TTL, 'TTL'),
    ResourceRecords:
      x.ResourceRecords !== undefined
        ? asList(records?.ResourceRecord as Xml | Xml[] | undefined).map((r) => ({ Value: str(r.Value) ?? '' }))
        : undefined,
    AliasTarget: alias
      ? {
          HostedZoneId: str(alias.HostedZoneId),
          DNSName: str(alias.DNSName),
          EvaluateTargetHealth: bool(alias.EvaluateTargetHealth) ?? false,
        }
      : undefined,
    HealthCheckId: str(x.HealthCheckId),
    TrafficPolicyInstanceId: str(x.TrafficPolicyInstanceId),
    CidrRoutingConfig: cidr ? { CollectionId: str(cidr.CollectionId), LocationName: str(cidr.LocationName) } : undefined,
    GeoProximityLocation: prox
      ? compact({
          AWSRegion: str(prox.AWSRegion),
          LocalZoneGroup: str(prox.LocalZoneGroup),
          Coordinates: coords ? { Latitude: str(coords.Latitude), Longitude: str(coords.Longitude) } : undefined,
          Bias: num(prox.Bias, 'Bias'),
        })
      : undefined,
  } as ResourceRecordSet)
}

export function changesFromXml(body: Xml | undefined): { comment?: string; changes: Change[] } {
  const request = obj(body?.ChangeResourceRecordSetsRequest)
  const batch = obj(request?.ChangeBatch)
  if (!batch) throw new EmulatedError('InvalidInput', 'Invalid XML ; ChangeBatch is not valid, expected ChangeResourceRecordSetsRequest')
  const changes = asList(obj(batch.Changes)?.Change as Xml | Xml[] | undefined)
  if (changes.length === 0) {
    throw new EmulatedError('InvalidInput', "Invalid XML ; cvc-complex-type.2.4.b: The content of element 'Changes' is not complete.")
  }
  return {
    comment: str(batch.Comment),
    changes: changes.map((c) => {
      const set = obj(c.ResourceRecordSet)
      if (!set) throw new EmulatedError('InvalidInput', 'Invalid XML ; a Change needs a ResourceRecordSet')
      return { Action: str(c.Action) as Change['Action'], ResourceRecordSet: recordSetFromXml(set) }
    }),
  }
}

/** A stored set as Route 53 writes it in ListResourceRecordSets (elements in the API's order). */
export function recordSetToXml(set: ResourceRecordSet): Xml {
  return compact({
    Name: set.Name,
    Type: set.Type,
    SetIdentifier: set.SetIdentifier,
    Weight: set.Weight,
    Region: set.Region,
    GeoLocation: set.GeoLocation ? compact({ ...set.GeoLocation }) : undefined,
    Failover: set.Failover,
    MultiValueAnswer: set.MultiValueAnswer,
    TTL: set.TTL,
    ResourceRecords: set.ResourceRecords ? { ResourceRecord: set.ResourceRecords.map((r) => ({ Value: r.Value })) } : undefined,
    AliasTarget: set.AliasTarget
      ? {
          HostedZoneId: set.AliasTarget.HostedZoneId,
          DNSName: set.AliasTarget.DNSName,
          EvaluateTargetHealth: Boolean(set.AliasTarget.EvaluateTargetHealth),
        }
      : undefined,
    HealthCheckId: set.HealthCheckId,
    TrafficPolicyInstanceId: set.TrafficPolicyInstanceId,
    CidrRoutingConfig: set.CidrRoutingConfig,
    GeoProximityLocation: set.GeoProximityLocation,
  })
}
