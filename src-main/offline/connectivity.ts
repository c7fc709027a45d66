/**
 * Whether each profile can reach its endpoints, learned from the calls the app makes anyway plus a cheap
 * probe while a profile is offline (with backoff: 1 s, 2 s, 4 s … up to a minute, never a busy poll).
 * Calls for an offline profile fail fast after one quick probe instead of waiting out timeouts, and
 * transfers can wait for the network to return.
 */
import type { ConnectivityState } from '../api/events'

export type ProbeResult = 'online' | 'offline'

export interface ConnectivityDeps {
  /** Cheap reachability check, e.g. a TCP connect to the profile's S3 endpoint. */
  probe(profileId: string): Promise<ProbeResult>
  onChange(profileId: string, state: ConnectivityState): void
  setTimer?: (fn: () => void, ms: number) => { cancel(): void }
  initialBackoffMs?: number
  maxBackoffMs?: number
}

interface ProfileState {
  state: ConnectivityState
  backoffMs: number
  timer?: { cancel(): void }
  probing?: Promise<ProbeResult>
  waiters: Set<() => void>
}

const defaultTimer = (fn: () => void, ms: number) => {
  const handle = setTimeout(fn, ms)
  handle.unref?.()
  return { cancel: () => clearTimeout(handle) }
}

export class ConnectivityMonitor {
  private readonly profiles = new Map<string, ProfileState>()
  private readonly setTimer: NonNullable<ConnectivityDeps['setTimer']>
  private readonly initialBackoffMs: number
  private readonly maxBackoffMs: number

  constructor(private readonly deps: ConnectivityDeps) {
    this.setTimer = deps.setTimer ?? defaultTimer
    this.initialBackoffMs = deps.initialBackoffMs ?? 1_000
    this.maxBackoffMs = deps.maxBackoffMs ?? 60_000
  }

  state(profileId: string): ConnectivityState {
    return this.profiles.get(profileId)?.state ?? 'unknown'
  }

  /** Every profile's state, for a window that (re)loads and missed the events. */
  states(): Record<string, ConnectivityState> {
    return Object.fromEntries([...this.profiles].map(([id, profile]) => [id, profile.state]))
  }

  /** A call for this profile reached its endpoint. */
  reportOnline(profileId: string): void {
    this.set(profileId, 'online')
  }

  /** A call could not reach the endpoint: go offline and start probing with backoff. */
  reportOffline(profileId: string): void {
    const profile = this.entry(profileId)
    if (profile.state !== 'offline') {
      profile.backoffMs = this.initialBackoffMs
      this.set(profileId, 'offline')
    }
    this.scheduleProbe(profileId)
  }

  /** The endpoint answered but the session is gone (expired SSO token, expired keys). */
  reportSignedOut(profileId: string): void {
    this.set(profileId, 'signed-out')
  }

  /** Probes now (sharing a probe already running); used before a call for an offline profile. */
  async checkNow(profileId: string): Promise<ProbeResult> {
    const profile = this.entry(profileId)
    profile.probing ??= this.deps
      .probe(profileId)
      .catch((): ProbeResult => 'offline')
      .then((result) => {
        profile.probing = undefined
        if (result === 'online') this.set(profileId, 'online')
        else if (profile.state === 'offline') this.scheduleProbe(profileId)
        else this.reportOffline(profileId)
        return result
      })
    return profile.probing
  }

  /** Resolves when the profile is reachable again; rejects if the signal aborts first. */
  waitUntilOnline(profileId: string, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason ?? new Error('aborted'))
    const profile = this.entry(profileId)
    if (profile.state !== 'offline') return Promise.resolve()
    return new Promise((resolve, reject) => {
      const done = () => {
        signal?.removeEventListener('abort', onAbort)
        resolve()
      }
      const onAbort = () => {
        profile.waiters.delete(done)
        reject(signal!.reason ?? new Error('aborted'))
      }
      profile.waiters.add(done)
      signal?.addEventListener('abort', onAbort, { once: true })
    })
  }

  /** Stops all probing (app shutdown). */
  close(): void {
    for (const profile of this.profiles.values()) profile.timer?.cancel()
  }

  private entry(profileId: string): ProfileState {
    let profile = this.profiles.get(profileId)
    if (!profile) {
      profile = { state: 'unknown', backoffMs: this.initialBackoffMs, waiters: new Set() }
      this.profiles.set(profileId, profile)
    }
    return profile
  }

  private scheduleProbe(profileId: string): void {
    const profile = this.entry(profileId)
    profile.timer?.cancel()
    const delay = profile.backoffMs
    profile.backoffMs = Math.min(profile.backoffMs * 2, this.maxBackoffMs)
    profile.timer = this.setTimer(() => {
      profile.timer = undefined
      void this.checkNow(profileId)
    }, delay)
  }

  private set(profileId: string, state: ConnectivityState): void {
    const profile = this.entry(profileId)
    if (state !== 'offline') {
      profile.timer?.cancel()
      profile.timer = undefined
      profile.backoffMs = this.initialBackoffMs
      for (const wake of [...profile.waiters]) wake()
      profile.waiters.clear()
    }
    if (profile.state === state) return
    profile.state = state
    this.deps.onChange(profileId, state)
  }
}
