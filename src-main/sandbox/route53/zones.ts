/**
 * The emulator's state: hosted zones with their record sets kept in Route 53's listing order, changes
 * with their submission time, and health checks.
 */
import type { HealthCheckConfig, ResourceRecordSet } from '@aws-sdk/client-route-53'
import { orderKey } from '../../route53/names'

export interface StoredZone {
  /** Without the `/hostedzone/` prefix, e.g. 'Z0HANEULDEMO0001'. */
  id: string
  name: string
  callerReference: string
  comment?: string
  privateZone: boolean
  vpcs: { VPCRegion: string; VPCId: string }[]
  nameServers: string[]
  /** Record sets by `name|type|identifier`. */
  records: Map<string, ResourceRecordSet>
  /** When the zone's last accepted change finishes processing (PriorRequestNotComplete before it). */
  busyUntilMs: number
}

export interface StoredChange {
  id: string
  submittedAtMs: number
  comment?: string
}

export interface StoredHealthCheck {
  id: string
  callerReference: string
  config: HealthCheckConfig
  version: number
  /** What TestDNSAnswer assumes the health check reports (failover picks the secondary when false). */
  healthy: boolean
}

interface Sorted {
  key: string
  set: ResourceRecordSet
}

/** Listing order: label-reversed name, then type, then set identifier. */
export function sortKey(set: Pick<ResourceRecordSet, 'Name' | 'Type' | 'SetIdentifier'>): string {
  // \u0000 and \u0001 separate the parts so a shorter name sorts before a longer one that extends it.
  return `${orderKey(set.Name ?? '.')}\u0000${set.Type ?? ''}\u0001${set.SetIdentifier ?? ''}`
}

/** Keeps a zone's sorted view cached until its records change. */
export class SortedRecords {
  private cache = new WeakMap<Map<string, ResourceRecordSet>, Sorted[]>()

  of(zone: StoredZone): Sorted[] {
    let sorted = this.cache.get(zone.records)
    if (!sorted) {
      sorted = [...zone.records.values()].map((set) => ({ key: sortKey(set), set }))
      sorted.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
      this.cache.set(zone.records, sorted)
    }
    return sorted
  }

  /** Index of the first set at or after the given position. */
  firstAtOrAfter(zone: StoredZone, start: Pick<ResourceRecordSet, 'Name' | 'Type' | 'SetIdentifier'>): number {
    const sorted = this.of(zone)
    const name = orderKey(start.Name ?? '.')
    // Without a type the listing starts at the name's first set whatever its type.
    const key = start.Type === undefined ? `${name}\u0000` : sortKey(start)
    let lo = 0
    let hi = sorted.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (sorted[mid]!.key < key) lo = mid + 1
      else hi = mid
    }
    return lo
  }
}
