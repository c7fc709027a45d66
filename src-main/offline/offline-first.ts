/**
 * Network calls per profile, offline-aware. Every call reports to the connectivity monitor; a call for a
 * profile known to be offline first re-probes (fast) and fails at once if still offline, rather than
 * waiting out timeouts. Listings are saved as snapshots and served from them when the network is gone.
 */
import { HaneulError, toApiError } from '../core/errors'
import type { ConnectivityMonitor } from './connectivity'
import type { SnapshotStore } from './snapshot-store'

export class OfflineFirst {
  constructor(
    private readonly snapshots: SnapshotStore,
    private readonly connectivity: ConnectivityMonitor,
    private readonly log: (message: string) => void = () => {},
  ) {}

  /** Runs a call that needs the network, keeping the profile's connectivity state current. */
  async network<T>(profileId: string, call: () => Promise<T>): Promise<T> {
    if (this.connectivity.state(profileId) === 'offline' && (await this.connectivity.checkNow(profileId)) === 'offline') {
      throw new HaneulError(
        'offline',
        'This profile is offline: its endpoint cannot be reached. Haneul keeps checking and carries on when it is back.',
        true,
      )
    }
    try {
      const value = await call()
      this.connectivity.reportOnline(profileId)
      return value
    } catch (error) {
      const { code } = toApiError(error)
      if (code === 'offline') this.connectivity.reportOffline(profileId)
      else if (code === 'credentials-expired') this.connectivity.reportSignedOut(profileId)
      // Any answer from the service (denied, not found, …) proves the endpoint is reachable.
      else if (
        ['access-denied', 'not-found', 'already-exists', 'conflict', 'throttled', 'credentials-invalid', 'bad-request'].includes(code)
      )
        this.connectivity.reportOnline(profileId)
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
    if (source === 'cache') {
      const snapshot = await this.snapshots.get<T>(profileId, key)
      if (!snapshot) throw new HaneulError('not-found', 'Nothing is cached yet for this listing.')
      return { ...snapshot.value, cachedAtMs: snapshot.savedAtMs }
    }
    try {
      const value = await this.network(profileId, fetch)
      this.snapshots.put(profileId, key, value).catch((error: unknown) => this.log(`snapshot not saved: ${String(error)}`))
      return value
    } catch (error) {
      if (toApiError(error).code !== 'offline') throw error
      const snapshot = await this.snapshots.get<T>(profileId, key)
      if (snapshot) return { ...snapshot.value, cachedAtMs: snapshot.savedAtMs }
      throw new HaneulError('offline', 'Offline, and nothing is cached yet for this listing. It loads when the network returns.', true)
    }
  }
}
