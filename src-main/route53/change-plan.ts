/**
 * From a draft's edits and the sets at Route 53 now, the change that would be sent: the diff (sets
 * compared as sets: reordered values are no change), what changed at Route 53 since each edit was made,
 * the octoDNS guard and the batches. Pure: the handlers read the zone and send.
 *
 * The desired state starts from what Route 53 has now and applies the edits in order, so an edit that
 * is already in the zone is no change at all, and the diff is always against the zone as it is — the
 * user confirms exactly what will happen. An update goes as DELETE of the exact current set + CREATE
 * (Route 53 refuses the whole batch if the set moved again before it lands); the apex SOA and NS, which
 * cannot be deleted, go as UPSERT.
 */
import { createHash } from 'node:crypto'
import type { Change } from '@aws-sdk/client-route-53'
import type { ChangePlan, PlannedChange, RecordEdit, RecordSet as EditedSet } from '../api/route53'
import { canonicalRecordSet, recordKey, sameRecordSet, type RecordSet } from '../core/dns/records'
import { BatchTooLargeError, changedFields, guard, planBatches, toChanges, type RecordChange } from './diff'

export interface PlanInput {
  zoneId: string
  zoneName: string
  /** Record sets in the zone (for the guard). */
  existing: number
  edits: RecordEdit[]
  /** The sets at Route 53 now, for every identity the edits touch (absent: no such set). */
  current: Map<string, RecordSet>
}

export interface Plan {
  plan: ChangePlan
  /** The change batches, in order (one unless the plan splits). */
  batches: Change[][]
}

/** Every identity (name, type, set identifier) the edits touch, in Route 53 form. */
export function touchedIdentities(edits: RecordEdit[]): RecordSet[] {
  const sets: RecordSet[] = []
  for (const edit of edits) {
    if (edit.kind !== 'create') sets.push(canonical(edit.before))
    if (edit.kind !== 'delete') sets.push(canonical(edit.after))
  }
  return sets
}

/** The contract's set (validated at the boundary) in Route 53's form. */
const canonical = (set: EditedSet): RecordSet => canonicalRecordSet(set as RecordSet)

export function planChanges(input: PlanInput): Plan {
  const { current, zoneName } = input
  const desired = new Map(current)
  const stale: Array<{ key: string; draft?: RecordSet; now?: RecordSet }> = []
  const noteStale = (key: string, draft: RecordSet | undefined) => {
    const now = current.get(key)
    const same = draft && now ? sameRecordSet(draft, now) : draft === now
    if (!same && !stale.some((s) => s.key === key)) stale.push({ key, ...(draft ? { draft } : {}), ...(now ? { now } : {}) })
  }
  for (const edit of input.edits) {
    if (edit.kind === 'create') {
      const after = canonical(edit.after)
      // Someone created this set meanwhile: it is shown, and the edit replaces it only after a second look.
      if (current.has(recordKey(after))) noteStale(recordKey(after), undefined)
      desired.set(recordKey(after), after)
    } else {
      const before = canonical(edit.before)
      noteStale(recordKey(before), before)
      desired.delete(recordKey(before))
      if (edit.kind === 'update') {
        const after = canonical(edit.after)
        desired.set(recordKey(after), after)
      }
    }
  }

  const changes: RecordChange[] = []
  let noOps = 0
  for (const key of new Set([...current.keys(), ...desired.keys()])) {
    const before = current.get(key)
    const after = desired.get(key)
    if (before && after) {
      const changed = changedFields(before, after)
      if (changed.length) changes.push({ kind: 'update', before, after, changed })
      else noOps++
    } else if (after) changes.push({ kind: 'create', after })
    else if (before) changes.push({ kind: 'delete', before })
  }

  const verdict = guard({ changes, unchanged: 0, ignored: [], existing: input.existing })
  const sdkChanges = toSdkChanges(changes, zoneName)
  let batches: Change[][] = []
  let splitReason: string | undefined
  let size = { resourceRecords: 0, valueChars: 0 }
  if (sdkChanges.length) {
    try {
      const batchPlan = planBatches(sdkChanges)
      batches = batchPlan.batches.map((b) => b.changes)
      splitReason = batchPlan.explanation
      size = batchPlan.size
    } catch (error) {
      if (!(error instanceof BatchTooLargeError)) throw error
      splitReason = error.message
      batches = []
    }
  }
  // The SDK's ResourceRecordSet and the contract's listed set are one shape; the contract's types are stricter.
  const plan: ChangePlan = {
    zoneId: input.zoneId,
    zoneName,
    changes: changes as PlannedChange[],
    stale: stale as ChangePlan['stale'],
    noOps,
    ...(verdict.needsConfirmation
      ? {
          confirmCount: verdict.updatesAndDeletes,
          guardReason: `This changes or deletes ${verdict.updatesAndDeletes} of the zone's ${verdict.existing} record sets (more than 30 %). Type ${verdict.updatesAndDeletes} to confirm.`,
        }
      : {}),
    batches: batches.length,
    ...(splitReason ? { splitReason } : {}),
    resourceRecords: size.resourceRecords,
    valueCharacters: size.valueChars,
    planId: planIdOf(input.zoneId, batches, splitReason),
  }
  return { plan, batches }
}

/** DELETE + CREATE per update, deletes first; the apex SOA and NS (which cannot be deleted) as UPSERT. */
function toSdkChanges(changes: RecordChange[], zoneName: string): Change[] {
  const apexRequired = (set: RecordSet) => set.Name === zoneName && (set.Type === 'SOA' || set.Type === 'NS')
  const upserts: Change[] = []
  const rest: RecordChange[] = []
  for (const change of changes) {
    if (change.kind === 'update' && apexRequired(change.after) && recordKey(change.before) === recordKey(change.after))
      upserts.push({ Action: 'UPSERT', ResourceRecordSet: change.after })
    else rest.push(change)
  }
  return [...toChanges({ changes: rest }), ...upserts]
}

/** The same batches give the same id: submit refuses a plan the zone or the draft has moved away from. */
function planIdOf(zoneId: string, batches: Change[][], splitReason: string | undefined): string {
  return createHash('sha256')
    .update(JSON.stringify([zoneId, batches, splitReason ?? '']))
    .digest('hex')
    .slice(0, 32)
}
