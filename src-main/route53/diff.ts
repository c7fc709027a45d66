/**
 * The diff between a zone's record sets and the desired ones, and the Route 53 change batch that
 * makes it so.
 *
 * - Record sets are compared as sets: the order of values is never a change (cli53 #214, #299).
 *   An update says what changed: TTL, values, alias target, routing fields.
 * - "merge" (the default) only adds and updates; "replace" also deletes what the desired side lacks
 *   and lists every deletion. Neither ever touches the apex SOA and NS: they belong to the hosted
 *   zone, and a file from another provider carries the other provider's (cli53 #93, #249).
 * - An update is sent as DELETE of the exact old set + CREATE of the new one, so the batch fails
 *   instead of overwriting when the set was changed by someone else meanwhile; deletes come first,
 *   so replacing a CNAME by an A, or a simple set by weighted ones, works in one atomic batch.
 * - The octoDNS guard: changing or deleting more than 30 % of a zone of at least 10 record sets
 *   needs an explicit confirmation.
 * - Over Route 53's batch limits the plan splits by owner name (all changes of one name stay in one
 *   batch) and says which batches are no longer atomic together.
 */
import type { Change } from '@aws-sdk/client-route-53'
import { MAX_BATCH_RESOURCE_RECORDS, MAX_BATCH_VALUE_CHARS, batchSize, withinLimits, type BatchSize } from './limits'
import { canonicalRecordSet, recordKey, sameAlias, sameRouting, sameValues, type RecordSet } from './records'

export type ChangedField = 'ttl' | 'values' | 'alias' | 'routing'

export type RecordChange =
  | { kind: 'create'; after: RecordSet }
  | { kind: 'delete'; before: RecordSet }
  | { kind: 'update'; before: RecordSet; after: RecordSet; changed: ChangedField[] }

export interface ZoneDiff {
  changes: RecordChange[]
  /** Sets present on both sides and equal. */
  unchanged: number
  /** Apex SOA/NS sets of the desired side that were left alone. */
  ignored: RecordSet[]
  /** Record sets in the zone before the change (for the guard). */
  existing: number
}

export interface DiffOptions {
  zoneName: string
  mode?: 'merge' | 'replace'
}

function isApexRequired(set: RecordSet, zoneName: string): boolean {
  return set.Name === zoneName && (set.Type === 'SOA' || set.Type === 'NS')
}

export function changedFields(before: RecordSet, after: RecordSet): ChangedField[] {
  const changed: ChangedField[] = []
  if (before.TTL !== after.TTL) changed.push('ttl')
  if (!sameValues(before, after, true)) changed.push('values')
  if (!sameAlias(before, after)) changed.push('alias')
  if (!sameRouting(before, after)) changed.push('routing')
  return changed
}

export function diffZone(current: RecordSet[], desired: RecordSet[], options: DiffOptions): ZoneDiff {
  const zoneName = options.zoneName
  const mode = options.mode ?? 'merge'
  const now = new Map<string, RecordSet>()
  for (const raw of current) {
    const set = canonicalRecordSet(raw)
    now.set(recordKey(set), set)
  }
  const wanted = new Map<string, RecordSet>()
  const ignored: RecordSet[] = []
  for (const raw of desired) {
    const set = canonicalRecordSet(raw)
    if (isApexRequired(set, zoneName)) ignored.push(set)
    else wanted.set(recordKey(set), set)
  }
  const changes: RecordChange[] = []
  let unchanged = 0
  for (const [key, after] of wanted) {
    const before = now.get(key)
    if (!before) {
      changes.push({ kind: 'create', after })
      continue
    }
    const changed = changedFields(before, after)
    if (changed.length === 0) unchanged++
    else changes.push({ kind: 'update', before, after, changed })
  }
  if (mode === 'replace') {
    for (const [key, before] of now) if (!wanted.has(key) && !isApexRequired(before, zoneName)) changes.push({ kind: 'delete', before })
  }
  return { changes, unchanged, ignored, existing: current.length }
}

/** Deletes first (old sets exactly as they are), then creates. */
export function toChanges(diff: Pick<ZoneDiff, 'changes'>): Change[] {
  const deletes: Change[] = []
  const creates: Change[] = []
  for (const change of diff.changes) {
    if (change.kind !== 'create') deletes.push({ Action: 'DELETE', ResourceRecordSet: change.before })
    if (change.kind !== 'delete') creates.push({ Action: 'CREATE', ResourceRecordSet: change.after })
  }
  return [...deletes, ...creates]
}

export const GUARD_MIN_EXISTING = 10
export const GUARD_MAX_SHARE = 0.3

export interface GuardVerdict {
  /** The user must type `confirmation` before the change may be submitted. */
  needsConfirmation: boolean
  updatesAndDeletes: number
  existing: number
  /** What the user types: the number of sets changed or deleted. */
  confirmation: string
}

/** octoDNS's safety check (UnsafePlan): > 30 % of the sets of a zone of ≥ 10 changed or deleted. */
export function guard(diff: ZoneDiff): GuardVerdict {
  const updatesAndDeletes = diff.changes.filter((c) => c.kind !== 'create').length
  const needsConfirmation = diff.existing >= GUARD_MIN_EXISTING && updatesAndDeletes / diff.existing > GUARD_MAX_SHARE
  return { needsConfirmation, updatesAndDeletes, existing: diff.existing, confirmation: String(updatesAndDeletes) }
}

export interface PlannedBatch {
  changes: Change[]
  size: BatchSize
  /** Owner names this batch changes. */
  names: string[]
}

export interface BatchPlan {
  /** True when everything fits one atomic request. */
  atomic: boolean
  size: BatchSize
  batches: PlannedBatch[]
  /** Plain words for the user when the change had to be split. */
  explanation?: string
}

export class BatchTooLargeError extends Error {}

/**
 * One batch when it fits Route 53's limits; otherwise batches packed by owner name (all changes of a
 * name together, deletes before creates in each), each within the limits.
 */
export function planBatches(changes: Change[]): BatchPlan {
  const size = batchSize(changes)
  if (withinLimits(size)) return { atomic: true, size, batches: [{ changes, size, names: namesOf(changes) }] }
  const byName = new Map<string, Change[]>()
  for (const change of changes) {
    const name = change.ResourceRecordSet?.Name ?? ''
    const group = byName.get(name)
    if (group) group.push(change)
    else byName.set(name, [change])
  }
  // Aliases go last, so a record they point to is created in the same or an earlier batch.
  const hasAlias = (group: Change[]) => (group.some((c) => c.Action !== 'DELETE' && c.ResourceRecordSet?.AliasTarget) ? 1 : 0)
  const groups = [...byName].sort((a, b) => hasAlias(a[1]) - hasAlias(b[1]))
  const batches: PlannedBatch[] = []
  let current: Change[] = []
  let currentSize: BatchSize = { resourceRecords: 0, valueChars: 0 }
  for (const [name, group] of groups) {
    const groupSize = batchSize(group)
    if (!withinLimits(groupSize)) {
      throw new BatchTooLargeError(
        `The changes to ${name} alone need ${groupSize.resourceRecords} records and ${groupSize.valueChars} characters; Route 53 takes at most ${MAX_BATCH_RESOURCE_RECORDS} and ${MAX_BATCH_VALUE_CHARS} in one request.`,
      )
    }
    const together = {
      resourceRecords: currentSize.resourceRecords + groupSize.resourceRecords,
      valueChars: currentSize.valueChars + groupSize.valueChars,
    }
    if (current.length && !withinLimits(together)) {
      batches.push(finish(current))
      current = []
      currentSize = groupSize
    } else currentSize = together
    current.push(...group)
  }
  if (current.length) batches.push(finish(current))
  const explanation =
    `Route 53 takes at most ${MAX_BATCH_RESOURCE_RECORDS.toLocaleString('en')} records and ${MAX_BATCH_VALUE_CHARS.toLocaleString('en')} characters in one change ` +
    `(an UPSERT counts twice); this one has ${size.resourceRecords.toLocaleString('en')} records and ${size.valueChars.toLocaleString('en')} characters, so it goes in ${batches.length} batches. ` +
    `Each batch is all-or-nothing, but the batches are not: if one fails, the ones before it stay applied. ` +
    batches.map((b, i) => `Batch ${i + 1} changes ${describeNames(b.names)}.`).join(' ')
  return { atomic: false, size, batches, explanation }
}

function finish(changes: Change[]): PlannedBatch {
  const ordered = [...changes.filter((c) => c.Action === 'DELETE'), ...changes.filter((c) => c.Action !== 'DELETE')]
  return { changes: ordered, size: batchSize(ordered), names: namesOf(ordered) }
}

function namesOf(changes: Change[]): string[] {
  return [...new Set(changes.map((c) => c.ResourceRecordSet?.Name ?? ''))]
}

function describeNames(names: string[]): string {
  if (names.length <= 3) return names.join(', ')
  return `${names.slice(0, 3).join(', ')} and ${names.length - 3} more names`
}
