/**
 * One service's network calls per profile, offline-aware. Every call reports to the connectivity monitor
 * for that service's endpoint; a call to an endpoint known to be offline first re-probes (fast) and fails
 * at once if still offline, rather than waiting out timeouts. Listings are saved as snapshots (keys
 * namespaced by service, so two services' "list" never collide) and served from them when the network
 * is gone. Each service module gets its own: `new OfflineFirst(snapshots, connectivity, 'cloudfront')`.
 */
import { HaneulError, toApiError } from '../core/errors'
import type { ConnectivityMonitor } from './connectivity'
import type { SnapshotStore } from './snapshot-store'

export class OfflineFirst {
  constructor(
    private readonly snapshots: SnapshotStore,
    private readonly connectivity: ConnectivityMonitor,
    /** The service whose endpoint the calls go to (a service id of api/services.ts). */
    readonly service: string,
    private readonly log: (message: string) => void = () => {},
  ) {}

  /** Runs a call that needs the network, keeping the endpoint's connectivity state current. */
  async network<T>(profileId: string, call: () => Promise<T>): Promise<T> {
    const { connectivity, service } = this
    if (connectivity.state(profileId, service) === 'offline' && (await connectivity.checkNow(profileId, service)) === 'offline') {
      throw new HaneulError(
        'offline',
        'This endpoint of the profile is offline: it cannot be reached. Haneul keeps checking and carries on when it is back.',
        true,
      )
    }
    try {
      const value = await call()
      connectivity.reportOnline(profileId, service)
      return value
    } catch (error) {
      const { code } = toApiError(error)
      if (code === 'offline') connectivity.reportOffline(profileId, service)
      else if (code === 'credentials-expired') connectivity.reportSignedOut(profileId, service)
      // Any answer from the service (denied, not found, …) proves the endpoint is reachable.
      else if (
        ['access-denied', 'not-found', 'already-exists', 'conflict', 'throttled', 'credentials-invalid', 'bad-request'].includes(code)
      )
        connectivity.reportOnline(profileId, service)
      throw error
    }
  }

  /**
   * A listing: from the network (saved as the new snapshot), or from the snapshot when asked or when
   * offline. A result that came from the snapshot carries `cachedAtMs`.
   */
  async listing<T extends object>(
    profileId: string,
    key: string,
    source: 'network' | 'cache',
    fetch: () => Promise<T>,
  ): Promise<T & { cachedAtMs?: number }> {
    const snapshotKey = `${this.service}:${key}`
    if (source === 'cache') {
      const snapshot = await this.snapshots.get<T>(profileId, snapshotKey)
      if (!snapshot) throw new HaneulError('not-found', 'Nothing is cached yet for this listing.')
      return { ...snapshot.value, cachedAtMs: snapshot.savedAtMs }
    }
    try {
      const value = await this.network(profileId, fetch)
      this.snapshots.put(profileId, snapshotKey, value).catch((error: unknown) => this.log(`snapshot not saved: ${String(error)}`))
      return value
    } catch (error) {
      if (toApiError(error).code !== 'offline') throw error
      const snapshot = await this.snapshots.get<T>(profileId, snapshotKey)
      if (snapshot) return { ...snapshot.value, cachedAtMs: snapshot.savedAtMs }
      throw new HaneulError('offline', 'Offline, and nothing is cached yet for this listing. It loads when the network returns.', true)
    }
  }
}
