/**
 * The sandbox's Route 53 (REST-XML, 2013-04-01): hosted zones, record sets with Route 53's ordering,
 * paging and validation, changes that go PENDING → INSYNC on the injected clock, TestDNSAnswer and
 * health checks. State is in memory; `seed` (see seed.ts) loads the demo story.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { CredentialRegistry } from '../credentials'
import { restXmlService } from '../framework/rest-xml-service'
import { loadState, stateSaver } from './persistence'
import { seedRoute53 } from './seed'
import { createRoute53Routes, type Route53Settings, type Route53State } from './server'
import type { StoredHealthCheck } from './zones'

export interface Route53EmulatorOptions {
  credentials: CredentialRegistry
  nowMs?: () => number
  /** Route 53 allows 5 requests a second per account; tests of other things pass Infinity. */
  requestsPerSecond?: number
  /** PENDING → INSYNC after this long (Route 53: typically under 60 s). Default 4 s. */
  changeSyncMs?: number
  /** A zone is busy this long after each change (PriorRequestNotComplete). Default 0: never busy. */
  changeProcessingMs?: number
  /** Where latency-routed answers are chosen from in TestDNSAnswer. Default us-east-1. */
  resolverRegion?: string
  /** Load the demo zones (seed.ts) at start, unless `stateFile` already holds a state. */
  seed?: boolean
  /** Keep the state in this JSON file (loaded at start, saved after every change). Default: memory only. */
  stateFile?: string
  /** Where a failed save is reported (the state stays in memory and the next change retries). */
  onSaveError?: (error: Error) => void
}

export const ROUTE53_XMLNS = 'https://route53.amazonaws.com/doc/2013-04-01/'

export function createRoute53Emulator(options: Route53EmulatorOptions) {
  const settings: Route53Settings = {
    nowMs: options.nowMs ?? Date.now,
    requestsPerSecond: options.requestsPerSecond ?? 5,
    changeSyncMs: options.changeSyncMs ?? 4000,
    changeProcessingMs: options.changeProcessingMs ?? 0,
    resolverRegion: options.resolverRegion ?? 'us-east-1',
  }
  const loaded = options.stateFile ? loadState(options.stateFile) : undefined
  const state: Route53State = loaded ?? { zones: new Map(), changes: new Map(), healthChecks: new Map() }
  const saver = options.stateFile ? stateSaver(options.stateFile, state, options.onSaveError ?? (() => {})) : undefined
  const { routes, calls, createZone, changeRecordSets } = createRoute53Routes(state, settings, () => saver?.changed())
  const handle: (req: IncomingMessage, res: ServerResponse) => Promise<void> = restXmlService(routes, options.credentials, ROUTE53_XMLNS)
  const emulator = {
    handle,
    /** Waits for the last save of the state file. */
    async close(): Promise<void> {
      await saver?.flush()
    },
    /** Operation → how many times it ran (after authentication). */
    calls,
    /** The live state, for seeding and for tests that look at what the server holds. */
    state,
    /** Settings tests may change while running (e.g. lift the rate limit, shorten the sync delay). */
    settings,
    /** Creates a zone the way CreateHostedZone does (optionally with a fixed id, for seeds). */
    createZone,
    /** Applies a change batch with every Route 53 rule (the seed goes through this too). */
    changeRecordSets,
    addHealthCheck(check: StoredHealthCheck): void {
      state.healthChecks.set(check.id, check)
      saver?.changed()
    },
    /** What TestDNSAnswer assumes a health check reports. */
    setHealth(id: string, healthy: boolean): void {
      const check = state.healthChecks.get(id)
      if (check) check.healthy = healthy
    },
  }
  if (options.seed && !loaded) seedRoute53(emulator)
  return emulator
}

export type Route53Emulator = ReturnType<typeof createRoute53Emulator>
