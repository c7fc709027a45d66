/**
 * What a lifecycle rule would do to the scanned objects: which objects it moves or expires now, the
 * monthly cost before and after, the one-time cost (transition requests, early-deletion charges), the
 * months to break even and the retrieval prices of the target class. The same engine evaluates a
 * bucket's existing lifecycle rules on the same objects.
 *
 * Evaluation is one pass over the ObjectTable's columns (a binary-searched key range when the rule has
 * a prefix), with no allocation per object.
 */
import type { LifecycleRule, LifecycleRuleFilter } from '@aws-sdk/client-s3'
import { encodeKey, FLAG_DELETE_MARKER, FLAG_NONCURRENT, type ObjectTable } from './object-table'
import {
  ARCHIVE_CLASS_OVERHEAD_BYTES,
  ARCHIVE_STANDARD_OVERHEAD_BYTES,
  BYTES_PER_GB,
  PRICED_CLASSES,
  type PriceBook,
  type PricedClass,
  type RetrievalPrice,
  TRANSITION_DEFAULT_MIN_BYTES,
} from './prices'
import { monitoringMonthlyUsd, MINIMUM_DAYS_PER_MONTH, newRateVector, priceRateVector, rateIndex, type RateVector } from './storage-cost'
import type { ScannedUpload } from './scan-aggregator'

const DAY_MS = 86_400_000
const DAY_S = 86_400

/** The classes a lifecycle Transition may name. */
export const TRANSITION_TARGETS = ['STANDARD_IA', 'ONEZONE_IA', 'INTELLIGENT_TIERING', 'GLACIER_IR', 'GLACIER', 'DEEP_ARCHIVE'] as const
export type TransitionTarget = (typeof TRANSITION_TARGETS)[number]

/** The S3 lifecycle waterfall: where an object of each class may be transitioned to. */
const ALLOWED: Record<string, readonly TransitionTarget[]> = {
  STANDARD: TRANSITION_TARGETS,
  REDUCED_REDUNDANCY: TRANSITION_TARGETS,
  STANDARD_IA: ['INTELLIGENT_TIERING', 'ONEZONE_IA', 'GLACIER_IR', 'GLACIER', 'DEEP_ARCHIVE'],
  INTELLIGENT_TIERING: ['ONEZONE_IA', 'GLACIER_IR', 'GLACIER', 'DEEP_ARCHIVE'],
  ONEZONE_IA: ['GLACIER', 'DEEP_ARCHIVE'],
  GLACIER_IR: ['GLACIER', 'DEEP_ARCHIVE'],
  GLACIER: ['DEEP_ARCHIVE'],
}

export type TransitionDefaultMinimumObjectSize = 'all_storage_classes_128K' | 'varies_by_storage_class'

export interface PlanFilter {
  prefix?: string
  /** Every tag must be present with this value. */
  tags?: ReadonlyArray<{ key: string; value: string }>
  objectSizeGreaterThan?: number
  objectSizeLessThan?: number
}

export type PlanAction = { type: 'transition'; storageClass: TransitionTarget } | { type: 'expire' }

export interface PlanStep {
  /** Due when the object is at least this many days old (noncurrent: days since it became noncurrent)… */
  days?: number
  /** …or from this date on. */
  dateMs?: number
  action: PlanAction
}

export interface Plan {
  filter: PlanFilter
  steps: readonly PlanStep[]
  versions: 'current' | 'noncurrent'
}

export interface EvaluateOptions {
  nowMs: number
  transitionDefaultMinimumObjectSize?: TransitionDefaultMinimumObjectSize
}

export interface PlanResult {
  /** Objects the filter selects (delete markers excluded). */
  matched: { objects: number; bytes: number }
  /** Matched but not old enough for any step yet. */
  notYetDue: { objects: number; bytes: number }
  transitioned: { objects: number; bytes: number; byTarget: Partial<Record<TransitionTarget, number>> }
  expired: { objects: number; bytes: number }
  skipped: {
    /** Under 128 KB: the TransitionDefaultMinimumObjectSize filter keeps them where they are. */
    belowMinimumSize: { objects: number; bytes: number }
    alreadyInTarget: number
    /** The lifecycle waterfall does not allow the move (e.g. GLACIER → STANDARD_IA), by source class. */
    notAllowed: Record<string, number>
    /** Classes the price table cannot price (OUTPOSTS, SNOW, unknown). */
    unpriced: number
  }
  monthly: { beforeUsd: number; afterUsd: number; savingUsd: number }
  oneTime: {
    transitionRequests: number
    transitionUsd: number
    /** Objects moved or expired before their minimum duration, and the rest of it billed now. */
    earlyDeletion: { objects: number; usd: number }
    totalUsd: number
  }
  /** One-time cost ÷ monthly saving; null when nothing is saved. 0 when nothing is spent. */
  breakEvenMonths: number | null
  /** Reading the objects back from where the plan moves them. */
  retrieval: Array<{ storageClass: TransitionTarget; prices: RetrievalPrice[]; minStorageDays: number; minBillableBytes: number }>
  warnings: string[]
}

interface ClassInfo {
  priced: boolean
  slot: number
  minBillable: number
  archived: boolean
  minDays: number
  flatRate: number
  it: boolean
  name: string
}

function classInfo(book: PriceBook, name: string): ClassInfo {
  const cls = (PRICED_CLASSES as readonly string[]).includes(name) ? book.classes[name as PricedClass] : undefined
  if (!cls) return { priced: false, slot: 0, minBillable: 0, archived: false, minDays: 0, flatRate: 0, it: false, name }
  return {
    priced: true,
    slot: rateIndex(cls.storageClass),
    minBillable: cls.minBillableBytes,
    archived: cls.archived,
    minDays: cls.minStorageDays,
    flatRate: cls.tiers[0]!.usdPerGbMonth,
    it: name === 'INTELLIGENT_TIERING',
    name,
  }
}

const STANDARD_SLOT = rateIndex('STANDARD')

/** Billable bytes of every stored row, once per table size and book. */
const baselines = new WeakMap<ObjectTable, { book: PriceBook; rows: number; vector: RateVector; monitored: number }>()
function baseline(table: ObjectTable, book: PriceBook) {
  const cached = baselines.get(table)
  if (cached && cached.book === book && cached.rows === table.rows) return cached
  const infos = table.classNames.map((name) => classInfo(book, name))
  const vector = newRateVector()
  let monitored = 0
  const minMonitored = book.intelligentTiering.minMonitoredBytes
  for (let i = 0; i < table.rows; i++) {
    if (table.flags[i]! & FLAG_DELETE_MARKER) continue
    const info = infos[table.classCode[i]!]!
    if (!info.priced) continue
    const size = table.size[i]!
    vector[info.slot]! += (size > info.minBillable ? size : info.minBillable) + (info.archived ? ARCHIVE_CLASS_OVERHEAD_BYTES : 0)
    if (info.archived) vector[STANDARD_SLOT]! += ARCHIVE_STANDARD_OVERHEAD_BYTES
    if (info.it && size >= minMonitored) monitored++
  }
  const entry = { book, rows: table.rows, vector, monitored }
  baselines.set(table, entry)
  return entry
}

function checkPlan(plan: Plan): void {
  if (plan.steps.length === 0) throw new RangeError('the rule has no action: add a transition or an expiration')
  for (const step of plan.steps) {
    if ((step.days === undefined) === (step.dateMs === undefined))
      throw new RangeError('each action needs either a number of days or a date')
    if (step.days !== undefined && !(Number.isInteger(step.days) && step.days >= 0))
      throw new RangeError(`days must be a whole number ≥ 0, got ${step.days}`)
    if (step.action.type === 'transition' && !TRANSITION_TARGETS.includes(step.action.storageClass))
      throw new RangeError(`${String(step.action.storageClass)} is not a lifecycle transition target (${TRANSITION_TARGETS.join(', ')})`)
  }
  for (const bound of [plan.filter.objectSizeGreaterThan, plan.filter.objectSizeLessThan])
    if (bound !== undefined && !(Number.isFinite(bound) && bound >= 0))
      throw new RangeError(`object size bounds must be numbers of bytes ≥ 0, got ${bound}`)
}

/** Evaluates a plan (one lifecycle rule's actions for current or noncurrent versions) on the table, now. */
export function evaluatePlan(table: ObjectTable, book: PriceBook, plan: Plan, options: EvaluateOptions): PlanResult {
  checkPlan(plan)
  const { nowMs } = options
  const defaultMinimum = options.transitionDefaultMinimumObjectSize ?? 'all_storage_classes_128K'
  // A custom size filter takes precedence over the 128 KB default (S3 User Guide, lifecycle-transition-general-considerations).
  const customSize = plan.filter.objectSizeGreaterThan !== undefined || plan.filter.objectSizeLessThan !== undefined
  const infos = table.classNames.map((name) => classInfo(book, name))
  const targetInfo = new Map<TransitionTarget, ClassInfo>(TRANSITION_TARGETS.map((t) => [t, classInfo(book, t)]))
  // Steps compiled for the loop, in the order they win: expirations before transitions, the furthest due first.
  const due = (step: PlanStep) => (step.dateMs !== undefined ? (step.dateMs <= nowMs ? -Infinity : Infinity) : step.days!)
  const compiled = [...plan.steps]
    .sort((a, b) => Number(b.action.type === 'expire') - Number(a.action.type === 'expire') || due(b) - due(a))
    .map((step) => {
      const target = step.action.type === 'transition' ? step.action.storageClass : undefined
      const archiveTarget = target === 'GLACIER' || target === 'DEEP_ARCHIVE'
      return {
        dueDays: due(step),
        target,
        to: target ? targetInfo.get(target)! : undefined,
        allowed: Uint8Array.from(infos, (info) => (target && (ALLOWED[info.name] ?? []).includes(target) ? 1 : 0)),
        alreadyThere: Uint8Array.from(infos, (info) => (info.name === target ? 1 : 0)),
        // The 128 KB default, unless a custom size filter or "varies_by_storage_class" lets small objects into archives.
        blocksSmall: target !== undefined && !customSize && !(defaultMinimum === 'varies_by_storage_class' && archiveTarget),
        usdPerRequest: target ? (book.classes[target]?.transitionUsdPer1000 ?? 0) / 1000 : 0,
        transitioned: 0,
      }
    })
  const tagMatch = new Uint8Array(table.tagSets.length)
  const wanted = plan.filter.tags ?? []
  table.tagSets.forEach((set, id) => (tagMatch[id] = wanted.every(({ key, value }) => set[key] === value) ? 1 : 0))
  const prefix = plan.filter.prefix ?? ''
  const prefixBytes = encodeKey(prefix)
  const range = table.prefixRange(prefix)
  const gt = plan.filter.objectSizeGreaterThan ?? -1
  const lt = plan.filter.objectSizeLessThan ?? Infinity
  const wantNoncurrent = plan.versions === 'noncurrent'
  const minMonitored = book.intelligentTiering.minMonitoredBytes
  // The table keeps dates in seconds.
  const nowS = nowMs / 1000

  const delta = newRateVector()
  let monitoredDelta = 0
  const r: PlanResult = {
    matched: { objects: 0, bytes: 0 },
    notYetDue: { objects: 0, bytes: 0 },
    transitioned: { objects: 0, bytes: 0, byTarget: {} },
    expired: { objects: 0, bytes: 0 },
    skipped: { belowMinimumSize: { objects: 0, bytes: 0 }, alreadyInTarget: 0, notAllowed: {}, unpriced: 0 },
    monthly: { beforeUsd: 0, afterUsd: 0, savingUsd: 0 },
    oneTime: { transitionRequests: 0, transitionUsd: 0, earlyDeletion: { objects: 0, usd: 0 }, totalUsd: 0 },
    breakEvenMonths: null,
    retrieval: [],
    warnings: [],
  }
  let transitionUsd = 0
  for (let i = range.from; i < range.to; i++) {
    const flags = table.flags[i]!
    if (flags & FLAG_DELETE_MARKER) continue
    if (((flags & FLAG_NONCURRENT) !== 0) !== wantNoncurrent) continue
    if (!range.contiguous && !table.hasPrefix(i, prefixBytes)) continue
    const size = table.size[i]!
    if (!(size > gt && size < lt)) continue
    if (!tagMatch[table.tagSet[i] ?? 0]) continue
    r.matched.objects++
    r.matched.bytes += size
    const info = infos[table.classCode[i]!]!
    if (!info.priced) {
      r.skipped.unpriced++
      continue
    }
    const ageDays = (nowS - table.sinceS[i]!) / DAY_S
    let step: (typeof compiled)[number] | undefined
    for (let s = 0; s < compiled.length; s++)
      if (compiled[s]!.dueDays <= ageDays) {
        step = compiled[s]
        break
      }
    if (!step) {
      r.notYetDue.objects++
      r.notYetDue.bytes += size
      continue
    }
    const target = step.target
    if (target !== undefined) {
      const code = table.classCode[i]!
      if (step.alreadyThere[code]) {
        r.skipped.alreadyInTarget++
        continue
      }
      if (!step.allowed[code]) {
        r.skipped.notAllowed[info.name] = (r.skipped.notAllowed[info.name] ?? 0) + 1
        continue
      }
      if (step.blocksSmall && size < TRANSITION_DEFAULT_MIN_BYTES) {
        r.skipped.belowMinimumSize.objects++
        r.skipped.belowMinimumSize.bytes += size
        continue
      }
    }
    // Leaves its class: its billed bytes go, and an early-deletion charge if it is still inside the minimum.
    delta[info.slot]! -= (size > info.minBillable ? size : info.minBillable) + (info.archived ? ARCHIVE_CLASS_OVERHEAD_BYTES : 0)
    if (info.archived) delta[STANDARD_SLOT]! -= ARCHIVE_STANDARD_OVERHEAD_BYTES
    if (info.it && size >= minMonitored) monitoredDelta--
    const storedDays = (nowS - table.lastModifiedS[i]!) / DAY_S
    if (info.minDays > 0 && storedDays < info.minDays) {
      const billable = (size > info.minBillable ? size : info.minBillable) + (info.archived ? ARCHIVE_CLASS_OVERHEAD_BYTES : 0)
      r.oneTime.earlyDeletion.objects++
      r.oneTime.earlyDeletion.usd +=
        (billable / BYTES_PER_GB) * info.flatRate * ((info.minDays - Math.max(0, storedDays)) / MINIMUM_DAYS_PER_MONTH)
    }
    if (target === undefined) {
      r.expired.objects++
      r.expired.bytes += size
      continue
    }
    const to = step.to!
    if (!to.priced) {
      r.skipped.unpriced++
      continue
    }
    delta[to.slot]! += (size > to.minBillable ? size : to.minBillable) + (to.archived ? ARCHIVE_CLASS_OVERHEAD_BYTES : 0)
    if (to.archived) delta[STANDARD_SLOT]! += ARCHIVE_STANDARD_OVERHEAD_BYTES
    if (to.it && size >= minMonitored) monitoredDelta++
    r.transitioned.objects++
    r.transitioned.bytes += size
    step.transitioned++
    transitionUsd += step.usdPerRequest
  }
  for (const step of compiled)
    if (step.target && step.transitioned)
      r.transitioned.byTarget[step.target] = (r.transitioned.byTarget[step.target] ?? 0) + step.transitioned

  const base = baseline(table, book)
  const after = newRateVector()
  for (let k = 0; k < after.length; k++) after[k] = Math.max(0, base.vector[k]! + delta[k]!)
  r.monthly.beforeUsd = priceRateVector(book, base.vector).totalUsd + monitoringMonthlyUsd(book, base.monitored)
  r.monthly.afterUsd = priceRateVector(book, after).totalUsd + monitoringMonthlyUsd(book, base.monitored + monitoredDelta)
  r.monthly.savingUsd = r.monthly.beforeUsd - r.monthly.afterUsd
  r.oneTime.transitionRequests = r.transitioned.objects
  r.oneTime.transitionUsd = transitionUsd
  r.oneTime.totalUsd = transitionUsd + r.oneTime.earlyDeletion.usd
  const saving = r.monthly.savingUsd
  r.breakEvenMonths = saving > 1e-12 ? r.oneTime.totalUsd / saving : null
  for (const t of new Set(compiled.flatMap((s) => (s.target ? [s.target] : [])))) {
    const cls = book.classes[t]
    if (cls)
      r.retrieval.push({
        storageClass: t,
        prices: cls.retrieval,
        minStorageDays: cls.minStorageDays,
        minBillableBytes: cls.minBillableBytes,
      })
  }
  if (r.matched.objects === 0) r.warnings.push('The rule matches no scanned object.')
  if (table.truncated > 0)
    r.warnings.push(`${table.truncated} objects were left out of the table (limit ${table.maxRows}); figures cover the rest.`)
  if (table.classNames.includes('INTELLIGENT_TIERING'))
    r.warnings.push('Intelligent-Tiering objects are priced at the Frequent Access tier: a listing does not say their tier.')
  if (book.estimated) r.warnings.push(book.estimated)
  if (book.overridden.length > 0) r.warnings.push(`Negotiated prices in use: ${book.overridden.join(', ')}`)
  return r
}

// ---- A rule the user composes ----

export interface WhatIfRule {
  prefix?: string
  tag?: { key: string; value: string }
  /** Age over N days (from LastModified). */
  olderThanDays: number
  /** Size over M bytes (ObjectSizeGreaterThan). */
  largerThanBytes?: number
  /** Target class, or EXPIRE to delete. */
  target: TransitionTarget | 'EXPIRE'
}

/** Checks a composed rule against what S3 would accept, with a message naming the limit. */
export function checkWhatIfRule(rule: WhatIfRule): void {
  if (!(Number.isInteger(rule.olderThanDays) && rule.olderThanDays >= 0))
    throw new RangeError(`age must be a whole number of days ≥ 0, got ${rule.olderThanDays}`)
  if (rule.target === 'EXPIRE' && rule.olderThanDays < 1) throw new RangeError('an expiration needs at least 1 day')
  if ((rule.target === 'STANDARD_IA' || rule.target === 'ONEZONE_IA') && rule.olderThanDays < 30)
    throw new RangeError(`S3 refuses transitions to ${rule.target} before 30 days; got ${rule.olderThanDays}`)
  if (rule.target !== 'EXPIRE' && !TRANSITION_TARGETS.includes(rule.target))
    throw new RangeError(`${String(rule.target)} is not a lifecycle transition target`)
  if (rule.prefix !== undefined && new TextEncoder().encode(rule.prefix).length > 1024)
    throw new RangeError('prefix must be at most 1024 bytes of UTF-8')
  if (rule.largerThanBytes !== undefined && !(Number.isInteger(rule.largerThanBytes) && rule.largerThanBytes >= 0))
    throw new RangeError(`size must be a whole number of bytes ≥ 0, got ${rule.largerThanBytes}`)
}

export function whatIfPlan(rule: WhatIfRule): Plan {
  checkWhatIfRule(rule)
  return {
    filter: {
      ...(rule.prefix ? { prefix: rule.prefix } : {}),
      ...(rule.tag ? { tags: [rule.tag] } : {}),
      ...(rule.largerThanBytes !== undefined ? { objectSizeGreaterThan: rule.largerThanBytes } : {}),
    },
    steps: [
      {
        days: rule.olderThanDays,
        action: rule.target === 'EXPIRE' ? { type: 'expire' } : { type: 'transition', storageClass: rule.target },
      },
    ],
    versions: 'current',
  }
}

export function evaluateWhatIf(table: ObjectTable, book: PriceBook, rule: WhatIfRule, options: EvaluateOptions): PlanResult {
  return evaluatePlan(table, book, whatIfPlan(rule), options)
}

/** The same rule as an S3 LifecycleRule, for "Apply as lifecycle rule". */
export function whatIfLifecycleRule(id: string, rule: WhatIfRule): LifecycleRule {
  checkWhatIfRule(rule)
  const conditions: { Prefix?: string; Tags?: Array<{ Key: string; Value: string }>; ObjectSizeGreaterThan?: number } = {}
  if (rule.prefix) conditions.Prefix = rule.prefix
  if (rule.tag) conditions.Tags = [{ Key: rule.tag.key, Value: rule.tag.value }]
  if (rule.largerThanBytes !== undefined) conditions.ObjectSizeGreaterThan = rule.largerThanBytes
  const keys = Object.keys(conditions)
  let Filter: LifecycleRuleFilter
  if (keys.length === 0) Filter = { Prefix: '' }
  else if (keys.length === 1 && conditions.Tags) Filter = { Tag: conditions.Tags[0]! }
  else if (keys.length === 1) Filter = conditions as LifecycleRuleFilter
  else Filter = { And: conditions }
  return {
    ID: id,
    Filter,
    Status: 'Enabled',
    ...(rule.target === 'EXPIRE'
      ? { Expiration: { Days: rule.olderThanDays } }
      : { Transitions: [{ Days: rule.olderThanDays, StorageClass: rule.target }] }),
  }
}

// ---- The bucket's existing lifecycle rules ----

/** A LifecycleRule's filter (Filter, or the legacy rule-level Prefix) as a PlanFilter. */
export function planFilter(rule: LifecycleRule): PlanFilter {
  const f = rule.Filter
  const and = f?.And
  const tags = [...(f?.Tag ? [f.Tag] : []), ...(and?.Tags ?? [])].map((t) => ({ key: t.Key ?? '', value: t.Value ?? '' }))
  const prefix = and?.Prefix ?? f?.Prefix ?? rule.Prefix
  const gt = and?.ObjectSizeGreaterThan ?? f?.ObjectSizeGreaterThan
  const lt = and?.ObjectSizeLessThan ?? f?.ObjectSizeLessThan
  return {
    ...(prefix ? { prefix } : {}),
    ...(tags.length ? { tags } : {}),
    ...(gt !== undefined ? { objectSizeGreaterThan: gt } : {}),
    ...(lt !== undefined ? { objectSizeLessThan: lt } : {}),
  }
}

function isTarget(storageClass: string | undefined): storageClass is TransitionTarget {
  return (TRANSITION_TARGETS as readonly string[]).includes(storageClass ?? '')
}

export interface LifecycleRuleEffect {
  id?: string
  status: string
  current?: PlanResult
  noncurrent?: PlanResult
  abortIncompleteUploads?: { daysAfterInitiation: number; uploads: number; bytes: number }
  /** Actions the engine does not model (e.g. NewerNoncurrentVersions, ExpiredObjectDeleteMarker). */
  notModelled: string[]
}

/** What each Enabled rule of a LifecycleConfiguration does to the scanned objects now (Disabled rules are listed, not evaluated). */
export function evaluateLifecycleRules(
  table: ObjectTable,
  book: PriceBook,
  rules: readonly LifecycleRule[],
  options: EvaluateOptions & { uploads?: readonly ScannedUpload[] },
): LifecycleRuleEffect[] {
  return rules.map((rule) => {
    const effect: LifecycleRuleEffect = { ...(rule.ID ? { id: rule.ID } : {}), status: rule.Status ?? 'Disabled', notModelled: [] }
    if (rule.Status !== 'Enabled') return effect
    const filter = planFilter(rule)
    const stepOf = (days: number | undefined, date: Date | undefined, action: PlanAction): PlanStep[] =>
      days !== undefined ? [{ days, action }] : date ? [{ dateMs: date.getTime(), action }] : []
    const current: PlanStep[] = [
      ...(rule.Transitions ?? []).flatMap((t) =>
        isTarget(t.StorageClass) ? stepOf(t.Days, t.Date, { type: 'transition', storageClass: t.StorageClass }) : [],
      ),
      ...(rule.Expiration ? stepOf(rule.Expiration.Days, rule.Expiration.Date, { type: 'expire' }) : []),
    ]
    const noncurrent: PlanStep[] = [
      ...(rule.NoncurrentVersionTransitions ?? []).flatMap((t) =>
        isTarget(t.StorageClass) ? stepOf(t.NoncurrentDays, undefined, { type: 'transition', storageClass: t.StorageClass }) : [],
      ),
      ...(rule.NoncurrentVersionExpiration ? stepOf(rule.NoncurrentVersionExpiration.NoncurrentDays, undefined, { type: 'expire' }) : []),
    ]
    if (current.length) effect.current = evaluatePlan(table, book, { filter, steps: current, versions: 'current' }, options)
    if (noncurrent.length) effect.noncurrent = evaluatePlan(table, book, { filter, steps: noncurrent, versions: 'noncurrent' }, options)
    const abort = rule.AbortIncompleteMultipartUpload?.DaysAfterInitiation
    if (abort !== undefined) {
      const due = (options.uploads ?? []).filter(
        (u) => u.key.startsWith(filter.prefix ?? '') && options.nowMs - u.initiatedMs >= abort * DAY_MS,
      )
      effect.abortIncompleteUploads = { daysAfterInitiation: abort, uploads: due.length, bytes: due.reduce((s, u) => s + u.bytes, 0) }
    }
    if (rule.Expiration?.ExpiredObjectDeleteMarker) effect.notModelled.push('ExpiredObjectDeleteMarker')
    if (
      rule.NoncurrentVersionExpiration?.NewerNoncurrentVersions !== undefined ||
      rule.NoncurrentVersionTransitions?.some((t) => t.NewerNoncurrentVersions !== undefined)
    )
      effect.notModelled.push('NewerNoncurrentVersions')
    return effect
  })
}
