/**
 * Costs in the window: for the bucket (and prefix) the route names, the monthly cost by class from
 * CloudWatch with its daily trend, the exact scan of a prefix (progress, cancel, partial + resume, the
 * last summary as a snapshot with its age), where the money goes (the scan's prefix tree, drilled level
 * by level), a what-if rule evaluated on the scanned objects, and that rule written as a lifecycle rule
 * (plan → diff → confirm → apply, and restore from the diff). Every call to main is here.
 *
 * Every request takes a ticket of its kind, so a late reply for another bucket or profile is dropped.
 */
import { defineStore } from 'pinia'
import { computed, reactive, ref, shallowRef } from 'vue'
import type { InputOf, OutputOf } from '../../src-main/api/contract'
import type { BucketCosts, costsApi, PrefixCostNodeShape, ScanResult, WhatIfRuleInput } from '../../src-main/api/costs'
import { api, isCode } from '../api'
import { useAppEvent } from '../composables/events'
import { useProfilesStore } from './profiles'
import { useLatestRequest } from './latest-request'
import { toError, type ListingError } from './storage'

export type Prices = OutputOf<(typeof costsApi)['prices']>
export type WhatIfAnswer = OutputOf<(typeof costsApi)['whatIf']>
export type LifecyclePlan = OutputOf<(typeof costsApi)['planLifecycle']>
export type RuleTarget = WhatIfRuleInput['target']

/** The rule the composer edits; sizes in the form are MiB, turned into bytes when sent. */
export interface RuleDraft {
  prefix: string
  olderThanDays: number
  largerThanMiB: number | undefined
  tagKey: string
  tagValue: string
  target: RuleTarget
}

/** The rule as the contract takes it (empty fields left out). */
export function ruleInput(draft: RuleDraft): WhatIfRuleInput {
  return {
    ...(draft.prefix ? { prefix: draft.prefix } : {}),
    olderThanDays: draft.olderThanDays,
    ...(draft.largerThanMiB ? { largerThanBytes: Math.round(draft.largerThanMiB * 1024 * 1024) } : {}),
    ...(draft.tagKey ? { tag: { key: draft.tagKey, value: draft.tagValue } } : {}),
    target: draft.target,
  }
}

/** The node of the tree at a prefix (the deepest one on the way when the tree stops above it). */
export function nodeAt(root: PrefixCostNodeShape, prefix: string): PrefixCostNodeShape {
  let node = root
  for (;;) {
    const next = node.children.find((child) => prefix.startsWith(child.prefix) && child.prefix.length > node.prefix.length)
    if (!next) return node
    node = next
  }
}

/** A ruleId nobody will have typed: the rule's target and the day. */
export function suggestedRuleId(draft: RuleDraft, nowMs: number): string {
  const day = new Date(nowMs).toISOString().slice(0, 10)
  return `haneul-${draft.target.toLowerCase().replace(/_/g, '-')}-${draft.olderThanDays}d-${day}`
}

export const useCostsStore = defineStore('costs', () => {
  const profiles = useProfilesStore()
  const { ticket, dropAll } = useLatestRequest()

  // ── The place ────────────────────────────────────────────────────────────────────────────────────
  /** The bucket and prefix the route names. */
  const bucket = ref<string>()
  const prefix = ref('')
  /** The profile's buckets, for the picker. */
  const buckets = shallowRef<string[]>([])

  async function loadBuckets(): Promise<void> {
    const current = ticket('buckets')
    try {
      const listed = await api.s3.listBuckets({ profileId: profiles.activeId })
      if (current()) buckets.value = listed.buckets.map((b) => b.name)
    } catch {
      // The picker stays as it was; the bucket's own calls say what is wrong.
    }
  }

  // ── Bucket costs (CloudWatch) ────────────────────────────────────────────────────────────────────
  const days = ref<30 | 90>(30)
  const bucketCosts = shallowRef<BucketCosts>()
  const bucketLoading = ref(false)
  const bucketError = ref<ListingError>()
  /** The region's price book: the table's date, overrides and the display currency. */
  const prices = shallowRef<Prices>()

  async function loadBucketCosts(): Promise<void> {
    const name = bucket.value
    if (!name) return
    const current = ticket('bucket')
    bucketLoading.value = true
    bucketError.value = undefined
    const input = { profileId: profiles.activeId, bucket: name, days: days.value }
    try {
      let answer: BucketCosts
      try {
        answer = await api.costs.bucketCosts(input)
      } catch (error) {
        // Offline: the last figures, with their age.
        if (!isCode(error, 'offline')) throw error
        answer = await api.costs.bucketCosts({ ...input, source: 'cache' }).catch(() => Promise.reject(error))
      }
      if (!current()) return
      bucketCosts.value = answer
      if (prices.value?.region !== answer.region) void loadPrices(answer.region)
    } catch (error) {
      if (!current()) return
      bucketCosts.value = undefined
      bucketError.value = toError(error)
    } finally {
      if (current()) bucketLoading.value = false
    }
  }

  async function loadPrices(region: string): Promise<void> {
    const current = ticket('prices')
    try {
      const book = await api.costs.prices({ region })
      if (current()) prices.value = book
    } catch {
      // Figures still carry the table's date; only the display currency is missing.
    }
  }

  function setDays(value: 30 | 90): void {
    days.value = value
    void loadBucketCosts()
  }

  // ── The exact scan ───────────────────────────────────────────────────────────────────────────────
  const scanPrefix = ref('')
  const versions = ref(false)
  /** Where a new scan reads the objects: the latest S3 Inventory report when one covers the prefix ('auto'), or the listing. */
  const method = ref<'auto' | 'listing' | 'inventory'>('auto')
  const scan = shallowRef<ScanResult>()
  const scanRunning = ref(false)
  const scanProgress = ref<{ objects: number; bytes: number }>()
  const scanError = ref<ListingError>()
  let scanController: AbortController | undefined
  let scanRequestId: string | undefined

  useAppEvent(['costs.scanProgress'], (event) => {
    if (scanRunning.value && event.requestId === scanRequestId) scanProgress.value = { objects: event.objects, bytes: event.bytes }
  })

  type ScanInput = InputOf<(typeof costsApi)['scanPrefix']>
  const scanInput = (): ScanInput => ({
    profileId: profiles.activeId,
    bucket: bucket.value!,
    prefix: scanPrefix.value,
    versions: versions.value,
    method: method.value,
  })

  /** The last summary of this prefix, if one was saved (shown with its age until a scan runs). */
  async function loadCachedScan(): Promise<void> {
    if (!bucket.value) return
    const current = ticket('scan')
    try {
      const cached = await api.costs.scanPrefix({ ...scanInput(), source: 'cache' })
      if (current()) scan.value = cached
    } catch {
      if (current()) scan.value = undefined
    }
  }

  async function runScan(resume = false): Promise<void> {
    if (!bucket.value) return
    cancelScan()
    const current = ticket('scan')
    const controller = (scanController = new AbortController())
    scanRunning.value = true
    scanError.value = undefined
    scanProgress.value =
      resume && scan.value ? { objects: scan.value.summary.totals.objects, bytes: scan.value.summary.totals.bytes } : undefined
    scanRequestId = undefined
    const resumeScanId = resume ? scan.value?.scanId : undefined
    try {
      const result = await api.costs.scanPrefix(
        { ...scanInput(), ...(resumeScanId ? { resumeScanId } : {}) },
        { signal: controller.signal, onRequestId: (id) => (scanRequestId = id) },
      )
      if (!current()) return
      scan.value = result
      drillTo(scanPrefix.value)
      whatIf.value = undefined
      if (!draft.prefix || !draft.prefix.startsWith(scanPrefix.value)) draft.prefix = scanPrefix.value
    } catch (error) {
      if (!current() || isCode(error, 'cancelled')) return
      scanError.value = toError(error)
    } finally {
      if (current()) {
        scanRunning.value = false
        scanController = undefined
      }
    }
  }

  function cancelScan(): void {
    scanController?.abort()
    scanController = undefined
    scanRunning.value = false
    ticket('scan')
  }

  // ── Where the money goes ─────────────────────────────────────────────────────────────────────────
  /** The prefix whose children the treemap shows. */
  const drillPrefix = ref('')
  const tree = computed(() => scan.value?.summary.tree)
  const drillNode = computed(() => (tree.value ? nodeAt(tree.value, drillPrefix.value) : undefined))
  /** From the scanned prefix down to the node shown, for the breadcrumb. */
  const drillTrail = computed(() => {
    const root = tree.value
    if (!root) return []
    const trail = [root]
    let node = root
    while (node !== drillNode.value) {
      const next = node.children.find((child) => drillPrefix.value.startsWith(child.prefix))
      if (!next) break
      trail.push(next)
      node = next
    }
    return trail
  })

  function drillTo(target: string): void {
    drillPrefix.value = target
  }

  // ── What-if ──────────────────────────────────────────────────────────────────────────────────────
  const draft = reactive<RuleDraft>({
    prefix: '',
    olderThanDays: 90,
    largerThanMiB: undefined,
    tagKey: '',
    tagValue: '',
    target: 'GLACIER',
  })
  const whatIf = shallowRef<WhatIfAnswer>()
  const whatIfRunning = ref(false)
  const whatIfError = ref<ListingError>()

  async function evaluate(): Promise<void> {
    const scanId = scan.value?.scanId
    if (!scanId) return
    const current = ticket('whatIf')
    whatIfRunning.value = true
    whatIfError.value = undefined
    try {
      const answer = await api.costs.whatIf({ scanId, rule: ruleInput(draft) })
      if (current()) whatIf.value = answer
    } catch (error) {
      if (!current()) return
      whatIf.value = undefined
      whatIfError.value = toError(error)
    } finally {
      if (current()) whatIfRunning.value = false
    }
  }

  /** The composed rule matches no scanned object (a clear sentence instead of a table of zeros). */
  const matchesNothing = computed(() => whatIf.value !== undefined && whatIf.value.result.matched.objects === 0)

  // ── Lifecycle: plan → diff → confirm → apply → restore ───────────────────────────────────────────
  const ruleId = ref('')
  /** The lifecycle dialog: open while there is a plan, a plan being made, or an error of one. */
  const lifecycleOpen = ref(false)
  const plan = shallowRef<LifecyclePlan>()
  const planBusy = ref(false)
  const planError = ref<ListingError>()
  const applied = shallowRef<{ rules: number }>()
  const restored = shallowRef<{ rules: number }>()

  function openLifecycle(nowMs = Date.now()): void {
    ruleId.value = ruleId.value || suggestedRuleId(draft, nowMs)
    plan.value = undefined
    applied.value = undefined
    restored.value = undefined
    planError.value = undefined
    lifecycleOpen.value = true
    void makePlan()
  }

  async function makePlan(): Promise<void> {
    if (!bucket.value) return
    const current = ticket('plan')
    planBusy.value = true
    planError.value = undefined
    try {
      const made = await api.costs.planLifecycle({
        profileId: profiles.activeId,
        bucket: bucket.value,
        rule: ruleInput(draft),
        ruleId: ruleId.value,
      })
      if (current()) plan.value = made
    } catch (error) {
      if (!current()) return
      plan.value = undefined
      planError.value = toError(error)
    } finally {
      if (current()) planBusy.value = false
    }
  }

  /** Writes the planned configuration (apply) or the one it started from (restore), then re-evaluates. */
  async function writePlanned(write: 'applyLifecycle' | 'restoreLifecycle', done: (rules: number) => void): Promise<void> {
    const made = plan.value
    if (!made || !bucket.value) return
    const current = ticket('plan')
    planBusy.value = true
    planError.value = undefined
    try {
      const written = await api.costs[write]({ profileId: profiles.activeId, bucket: bucket.value, planId: made.planId, confirm: true })
      if (!current()) return
      done(written.rules)
      void evaluate()
    } catch (error) {
      if (current()) planError.value = toError(error)
    } finally {
      if (current()) planBusy.value = false
    }
  }

  const apply = () => writePlanned('applyLifecycle', (rules) => (applied.value = { rules }))
  const restore = () => writePlanned('restoreLifecycle', (rules) => (restored.value = { rules }))

  function closeLifecycle(): void {
    ticket('plan')
    lifecycleOpen.value = false
    planBusy.value = false
    if (applied.value || restored.value) ruleId.value = ''
  }

  // ── Opening a place, switching profiles ──────────────────────────────────────────────────────────
  /** Shows the bucket (and prefix) the route names; the same place again keeps what is shown. */
  async function open(name: string | undefined, at = ''): Promise<void> {
    if (buckets.value.length === 0) void loadBuckets()
    if (name === bucket.value && at === prefix.value && (bucketCosts.value || bucketError.value || bucketLoading.value)) return
    const sameBucket = name === bucket.value
    bucket.value = name
    prefix.value = at
    scanPrefix.value = at
    draft.prefix = at
    drillPrefix.value = at
    whatIf.value = undefined
    whatIfError.value = undefined
    scanError.value = undefined
    cancelScan()
    if (!name) {
      bucketCosts.value = undefined
      scan.value = undefined
      return
    }
    if (!sameBucket) bucketCosts.value = undefined
    await Promise.all([loadBucketCosts(), loadCachedScan()])
  }

  /** A different profile: nothing of the old one's stays on screen. */
  function reset(): void {
    dropAll()
    cancelScan()
    bucket.value = undefined
    prefix.value = ''
    buckets.value = []
    bucketCosts.value = undefined
    bucketError.value = undefined
    bucketLoading.value = false
    scan.value = undefined
    whatIf.value = undefined
    plan.value = undefined
    lifecycleOpen.value = false
  }

  /** The user's display currency from settings (figures stay USD; the view converts them). */
  const displayCurrency = computed(() => prices.value?.displayCurrency)

  return {
    bucket,
    prefix,
    buckets,
    loadBuckets,
    days,
    setDays,
    bucketCosts,
    bucketLoading,
    bucketError,
    loadBucketCosts,
    prices,
    displayCurrency,
    scanPrefix,
    versions,
    method,
    scan,
    scanRunning,
    scanProgress,
    scanError,
    runScan,
    cancelScan,
    drillPrefix,
    drillNode,
    drillTrail,
    drillTo,
    draft,
    whatIf,
    whatIfRunning,
    whatIfError,
    matchesNothing,
    evaluate,
    ruleId,
    lifecycleOpen,
    plan,
    planBusy,
    planError,
    applied,
    restored,
    openLifecycle,
    makePlan,
    apply,
    restore,
    closeLifecycle,
    open,
    reset,
  }
})
