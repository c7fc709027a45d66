/**
 * Whether each profile can reach each of its service endpoints, learned from the calls the app makes
 * anyway plus a cheap probe while an endpoint is offline (with backoff: 1 s, 2 s, 4 s … up to a minute,
 * never a busy poll). Reachability is per endpoint, not per profile: a MinIO-backed profile whose
 * CloudFront calls fail keeps its S3 online. Calls to an offline endpoint fail fast after one quick
 * probe instead of waiting out timeouts, and transfers can wait for the network to return.
 *
 * The window gets one summary per profile: online, partly offline (some endpoints offline, others
 * not), offline (every endpoint seen is offline), signed out (the session is gone), with the detail
 * per endpoint.
 */
import type { ConnectivitySummary, EndpointConnectivity, EndpointState } from '../api/events'

export type ProbeResult = 'online' | 'offline'

export interface ConnectivityDeps {
  /** Cheap reachability check, e.g. a TCP connect to the profile's endpoint of that service. */
  probe(profileId: string, service: string): Promise<ProbeResult>
  /** The endpoint's URL, for the detail the status bar shows on hover. */
  endpointOf?(profileId: string, service: string): string | undefined
  /** The service's name for people ("Route 53"). */
  labelOf?(service: string): string | undefined
  onChange(profileId: string, summary: ConnectivitySummary): void
  setTimer?: (fn: () => void, ms: number) => { cancel(): void }
  initialBackoffMs?: number
  maxBackoffMs?: number
}

interface EndpointEntry {
  state: EndpointState
  backoffMs: number
  timer?: { cancel(): void }
  probing?: Promise<ProbeResult>
  waiters: Set<() => void>
}

interface ProfileEntry {
  endpoints: Map<string, EndpointEntry>
  signedOut: boolean
  /** The summary last announced, so unchanged ones are not announced again. */
  announced?: string
}

const defaultTimer = (fn: () => void, ms: number) => {
  const handle = setTimeout(fn, ms)
  handle.unref?.()
  return { cancel: () => clearTimeout(handle) }
}

export class ConnectivityMonitor {
  private readonly profiles = new Map<string, ProfileEntry>()
  private readonly setTimer: NonNullable<ConnectivityDeps['setTimer']>
  private readonly initialBackoffMs: number
  private readonly maxBackoffMs: number

  constructor(private readonly deps: ConnectivityDeps) {
    this.setTimer = deps.setTimer ?? defaultTimer
    this.initialBackoffMs = deps.initialBackoffMs ?? 1_000
    this.maxBackoffMs = deps.maxBackoffMs ?? 60_000
  }

  /** One endpoint's reachability. */
  state(profileId: string, service: string): EndpointState {
    return this.profiles.get(profileId)?.endpoints.get(service)?.state ?? 'unknown'
  }

  /** The profile in one word, with every endpoint seen so far. */
  summary(profileId: string): ConnectivitySummary {
    const profile = this.profiles.get(profileId)
    if (!profile) return { state: 'unknown', endpoints: [] }
    const endpoints: EndpointConnectivity[] = [...profile.endpoints].map(([service, entry]) => {
      const url = this.deps.endpointOf?.(profileId, service)
      const label = this.deps.labelOf?.(service)
      return { service, ...(label ? { label } : {}), ...(url ? { url } : {}), state: entry.state }
    })
    const known = endpoints.filter((e) => e.state !== 'unknown')
    const offline = known.filter((e) => e.state === 'offline').length
    const state = profile.signedOut
      ? 'signed-out'
      : known.length === 0
        ? 'unknown'
        : offline === 0
          ? 'online'
          : offline === known.length
            ? 'offline'
            : 'partly-offline'
    return { state, endpoints }
  }

  /** Every profile's summary, for a window that (re)loads and missed the events. */
  summaries(): Record<string, ConnectivitySummary> {
    return Object.fromEntries([...this.profiles.keys()].map((id) => [id, this.summary(id)]))
  }

  /** A call to this endpoint reached it; the profile's session works again too. */
  reportOnline(profileId: string, service: string): void {
    this.profile(profileId).signedOut = false
    this.set(profileId, service, 'online')
  }

  /** A call could not reach the endpoint: it goes offline and is probed with backoff. */
  reportOffline(profileId: string, service: string): void {
    const entry = this.endpoint(profileId, service)
    if (entry.state !== 'offline') {
      entry.backoffMs = this.initialBackoffMs
      this.set(profileId, service, 'offline')
    }
    this.scheduleProbe(profileId, service)
  }

  /** The endpoint answered but the session is gone (expired SSO token, expired keys): the whole profile. */
  reportSignedOut(profileId: string, service: string): void {
    this.profile(profileId).signedOut = true
    // The endpoint answered, so it is reachable.
    this.set(profileId, service, 'online')
    this.announce(profileId)
  }

  /** Probes now (sharing a probe already running); used before a call to an offline endpoint. */
  async checkNow(profileId: string, service: string): Promise<ProbeResult> {
    const entry = this.endpoint(profileId, service)
    entry.probing ??= this.deps
      .probe(profileId, service)
      .catch((): ProbeResult => 'offline')
      .then((result) => {
        entry.probing = undefined
        if (result === 'online') this.set(profileId, service, 'online')
        else if (entry.state === 'offline') this.scheduleProbe(profileId, service)
        else this.reportOffline(profileId, service)
        return result
      })
    return entry.probing
  }

  /** Resolves when the endpoint is reachable again; rejects if the signal aborts first. */
  waitUntilOnline(profileId: string, service: string, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason ?? new Error('aborted'))
    const entry = this.endpoint(profileId, service)
    if (entry.state !== 'offline') return Promise.resolve()
    return new Promise((resolve, reject) => {
      const done = () => {
        signal?.removeEventListener('abort', onAbort)
        resolve()
      }
      const onAbort = () => {
        entry.waiters.delete(done)
        reject(signal!.reason ?? new Error('aborted'))
      }
      entry.waiters.add(done)
      signal?.addEventListener('abort', onAbort, { once: true })
    })
  }

  /** Stops all probing (app shutdown). */
  close(): void {
    for (const profile of this.profiles.values()) for (const entry of profile.endpoints.values()) entry.timer?.cancel()
  }

  private profile(profileId: string): ProfileEntry {
    let profile = this.profiles.get(profileId)
    if (!profile) {
      profile = { endpoints: new Map(), signedOut: false }
      this.profiles.set(profileId, profile)
    }
    return profile
  }

  private endpoint(profileId: string, service: string): EndpointEntry {
    const endpoints = this.profile(profileId).endpoints
    let entry = endpoints.get(service)
    if (!entry) {
      entry = { state: 'unknown', backoffMs: this.initialBackoffMs, waiters: new Set() }
      endpoints.set(service, entry)
    }
    return entry
  }

  private scheduleProbe(profileId: string, service: string): void {
    const entry = this.endpoint(profileId, service)
    entry.timer?.cancel()
    const delay = entry.backoffMs
    entry.backoffMs = Math.min(entry.backoffMs * 2, this.maxBackoffMs)
    entry.timer = this.setTimer(() => {
      entry.timer = undefined
      void this.checkNow(profileId, service)
    }, delay)
  }

  private set(profileId: string, service: string, state: EndpointState): void {
    const entry = this.endpoint(profileId, service)
    if (state !== 'offline') {
      entry.timer?.cancel()
      entry.timer = undefined
      entry.backoffMs = this.initialBackoffMs
      for (const wake of [...entry.waiters]) wake()
      entry.waiters.clear()
    }
    entry.state = state
    this.announce(profileId)
  }

  private announce(profileId: string): void {
    const profile = this.profile(profileId)
    const summary = this.summary(profileId)
    const text = JSON.stringify(summary)
    if (profile.announced === text) return
    profile.announced = text
    this.deps.onChange(profileId, summary)
  }
}
