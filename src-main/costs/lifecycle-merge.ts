/**
 * Merging a new rule into a bucket's LifecycleConfiguration (the S3 SDK's shape), for one PUT after
 * confirmation. Every existing rule is kept exactly (a deep copy, same keys in the same order, Dates as
 * Dates); the new rule goes last; a rule ID already in use is refused. The diff carries the whole
 * configuration before and after, so the previous one can be written back from it.
 */
import type { LifecycleRule } from '@aws-sdk/client-s3'

/** GetBucketLifecycleConfiguration's answer, minus $metadata: Rules plus whatever else it carried. */
export interface LifecycleConfiguration {
  Rules?: LifecycleRule[]
  [key: string]: unknown
}

export class LifecycleMergeError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'LifecycleMergeError'
  }
}

/** S3 accepts at most this many rules in one configuration. */
export const MAX_LIFECYCLE_RULES = 1000

export interface LifecycleDiffLine {
  kind: 'same' | 'added' | 'removed'
  text: string
}

export interface LifecycleDiff {
  before: LifecycleConfiguration
  after: LifecycleConfiguration
  /** Rules added (only ever the new one); rules are never changed or removed by a merge. */
  added: Array<{ index: number; rule: LifecycleRule }>
  /** Pretty JSON line diff for display. */
  lines: LifecycleDiffLine[]
}

/** Structured clone keeps key order and Date values, so an existing rule survives unchanged. */
const copy = <T>(value: T): T => structuredClone(value)

function checkNewRule(rule: LifecycleRule): void {
  if (!rule.ID || rule.ID.length > 255) throw new LifecycleMergeError('the new rule needs an ID of 1 to 255 characters')
  if (rule.Status !== 'Enabled' && rule.Status !== 'Disabled')
    throw new LifecycleMergeError('the new rule\'s Status must be "Enabled" or "Disabled"')
  if ((rule.Filter === undefined) === (rule.Prefix === undefined))
    throw new LifecycleMergeError('the new rule needs exactly one of Filter or Prefix')
  const actions = [
    rule.Transitions?.length,
    rule.Expiration,
    rule.NoncurrentVersionTransitions?.length,
    rule.NoncurrentVersionExpiration,
    rule.AbortIncompleteMultipartUpload,
  ]
  if (!actions.some(Boolean))
    throw new LifecycleMergeError('the new rule has no action (transition, expiration or abort of incomplete uploads)')
}

/** The configuration with `rule` appended, and the diff to show before writing it. */
export function mergeLifecycleRule(
  existing: LifecycleConfiguration | undefined,
  rule: LifecycleRule,
): { merged: LifecycleConfiguration; diff: LifecycleDiff } {
  checkNewRule(rule)
  const before: LifecycleConfiguration = existing ? copy(existing) : { Rules: [] }
  const rules = before.Rules ?? []
  if (rules.some((r) => r.ID === rule.ID))
    throw new LifecycleMergeError(`a lifecycle rule with ID "${rule.ID}" already exists: choose another ID`)
  if (rules.length >= MAX_LIFECYCLE_RULES)
    throw new LifecycleMergeError(`the bucket already has ${rules.length} lifecycle rules, the most S3 allows`)
  const merged: LifecycleConfiguration = { ...copy(before), Rules: [...copy(rules), copy(rule)] }
  const diff: LifecycleDiff = {
    before,
    after: copy(merged),
    added: [{ index: rules.length, rule: copy(rule) }],
    lines: lineDiff(display(before), display(merged)),
  }
  return { merged, diff }
}

/** The configuration that was in place before the merge, to write back. */
export function restoreFromDiff(diff: LifecycleDiff): LifecycleConfiguration {
  return copy(diff.before)
}

function display(config: LifecycleConfiguration): string[] {
  return JSON.stringify(config, null, 2).split('\n')
}

/** Common head and tail kept, the middle shown as removed then added (a merge only inserts). */
export function lineDiff(before: readonly string[], after: readonly string[]): LifecycleDiffLine[] {
  let head = 0
  while (head < before.length && head < after.length && before[head] === after[head]) head++
  let tail = 0
  while (tail < before.length - head && tail < after.length - head && before[before.length - 1 - tail] === after[after.length - 1 - tail])
    tail++
  return [
    ...before.slice(0, head).map((text) => ({ kind: 'same' as const, text })),
    ...before.slice(head, before.length - tail).map((text) => ({ kind: 'removed' as const, text })),
    ...after.slice(head, after.length - tail).map((text) => ({ kind: 'added' as const, text })),
    ...before.slice(before.length - tail).map((text) => ({ kind: 'same' as const, text })),
  ]
}
