/**
 * The emulator's state in one JSON file, so the sandbox's zones survive restarts like its S3 does.
 * Saved after every change by framework/state-saver.ts (coalesced, crash-safe). A file that cannot be read is an error
 * naming it — never silently replaced by a fresh seed.
 */
import { readFileSync } from 'node:fs'
import type { ResourceRecordSet } from '@aws-sdk/client-route-53'
import { recordKey } from '../../core/dns/records'
import { stateSaver as saveAfterChanges } from '../framework/state-saver'
import type { Route53State } from './server'
import type { StoredChange, StoredHealthCheck, StoredZone } from './zones'

const VERSION = 1

interface StateFile {
  version: number
  zones: (Omit<StoredZone, 'records'> & { records: ResourceRecordSet[] })[]
  changes: StoredChange[]
  healthChecks: StoredHealthCheck[]
}

export class StateFileError extends Error {}

/** Reads a saved state; undefined when there is none yet. */
export function loadState(path: string): Route53State | undefined {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
  let file: StateFile
  try {
    file = JSON.parse(text) as StateFile
  } catch (error) {
    throw new StateFileError(
      `The Route 53 sandbox state ${path} is not valid JSON (${(error as Error).message}); move it away to start from the seed.`,
    )
  }
  if (file.version !== VERSION || !Array.isArray(file.zones)) {
    throw new StateFileError(
      `The Route 53 sandbox state ${path} has version ${String(file.version)}, expected ${VERSION}; move it away to start from the seed.`,
    )
  }
  return {
    zones: new Map(
      file.zones.map((z) => [z.id, { ...z, busyUntilMs: 0, records: new Map(z.records.map((set) => [recordKey(set), set])) }]),
    ),
    changes: new Map(file.changes.map((c) => [c.id, c])),
    healthChecks: new Map(file.healthChecks.map((h) => [h.id, h])),
  }
}

function serialize(state: Route53State): string {
  const file: StateFile = {
    version: VERSION,
    zones: [...state.zones.values()].map((z) => ({ ...z, records: [...z.records.values()] })),
    changes: [...state.changes.values()],
    healthChecks: [...state.healthChecks.values()],
  }
  return JSON.stringify(file)
}

/** Returns `changed()` to call after each mutation and `flush()` to await the last save. */
export function stateSaver(path: string, state: Route53State, onError: (error: Error) => void) {
  return saveAfterChanges(path, () => serialize(state), onError)
}
