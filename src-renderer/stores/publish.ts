/**
 * Publishing a folder to a site: the dialog's target (bucket, origin path, distribution), the folder main
 * registered, the header rules (saved per site in main), the dry run's plan, and every publish main
 * reports (`publish.changed`), so an interrupted one is offered for resume wherever the bucket is shown.
 */
import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import type { HeaderRule, PlanAction, PublishPlan, PublishView } from '../../src-main/api/publish'
import { api, messageOf } from '../api'
import { useAppEvent } from '../composables/events'

export interface PublishTarget {
  profileId: string
  bucket: string
  distributionId?: string
  originPath?: string
}

/** What the plan table shows: the changes (default), one action, or everything. */
export type PlanFilter = 'changes' | 'all' | PlanAction

export const usePublishStore = defineStore('publish', () => {
  /** Where the open dialog publishes to; undefined when no dialog is open. */
  const target = ref<PublishTarget>()
  /** Origin paths through which the distribution serves the bucket (more than one: the user picks). */
  const originChoices = ref<string[]>([])
  const originPath = ref('')
  const folder = ref<{ folderId: string; folderName: string }>()
  const rules = ref<HeaderRule[]>([])
  const defaults = ref<HeaderRule[]>([])
  /** The rules differ from what is saved for the site. */
  const rulesDirty = ref(false)
  const rulesNote = ref<string>()
  const deletions = ref(false)
  const plan = shallowRef<PublishPlan>()
  const planning = ref(false)
  const filter = ref<PlanFilter>('changes')
  const error = ref<string>()
  const starting = ref(false)
  /** The publish this dialog started (or resumed). */
  const publishId = ref<string>()
  /** Every publish main knows of, by id. */
  const publishes = ref(new Map<string, PublishView>())
  let listed = false

  useAppEvent(['publish.changed'], (event) => {
    publishes.value.set(event.publish.publishId, event.publish)
  })

  const current = computed(() => (publishId.value ? publishes.value.get(publishId.value) : undefined))
  /** Interrupted publishes of a bucket: the bucket is half-published until one is resumed. */
  const interruptedFor = (profileId: string, bucket: string) =>
    [...publishes.value.values()].filter((p) => p.profileId === profileId && p.bucket === bucket && p.state === 'interrupted')

  /** Loads main's publishes once (interrupted ones from before a restart among them). */
  async function ensureListed(): Promise<void> {
    if (listed) return
    listed = true
    try {
      for (const p of (await api.publish.list({})).publishes) publishes.value.set(p.publishId, p)
    } catch {
      listed = false
    }
  }

  async function open(next: PublishTarget): Promise<void> {
    target.value = next
    originPath.value = next.originPath ?? ''
    originChoices.value = next.originPath !== undefined ? [next.originPath] : []
    folder.value = undefined
    plan.value = undefined
    error.value = undefined
    deletions.value = false
    filter.value = 'changes'
    publishId.value = interruptedFor(next.profileId, next.bucket)[0]?.publishId
    void ensureListed()
    try {
      if (next.distributionId && next.originPath === undefined) {
        // Which origin of the distribution serves this bucket, and through which origin path.
        const { distribution } = await api.cloudfront.distribution({ profileId: next.profileId, distributionId: next.distributionId })
        originChoices.value = [...new Set(distribution.origins.filter((o) => o.bucket === next.bucket).map((o) => o.originPath))]
        originPath.value = originChoices.value[0] ?? ''
      }
      await loadRules()
    } catch (e) {
      error.value = messageOf(e)
    }
  }

  function close(): void {
    target.value = undefined
    plan.value = undefined
    publishId.value = undefined
  }

  async function loadRules(): Promise<void> {
    const t = target.value
    if (!t) return
    const reply = await api.publish.rules({ profileId: t.profileId, bucket: t.bucket, originPath: originPath.value })
    rules.value = reply.rules.map((r) => ({ ...r }))
    defaults.value = reply.defaults
    rulesDirty.value = false
    rulesNote.value = undefined
  }

  async function chooseOrigin(path: string): Promise<void> {
    originPath.value = path
    plan.value = undefined
    await loadRules().catch((e: unknown) => (error.value = messageOf(e)))
  }

  async function chooseFolder(): Promise<void> {
    error.value = undefined
    try {
      const chosen = await api.publish.chooseFolder({})
      if (chosen.folderId && chosen.folderName) {
        folder.value = { folderId: chosen.folderId, folderName: chosen.folderName }
        plan.value = undefined
      }
    } catch (e) {
      error.value = messageOf(e)
    }
  }

  function editRule(index: number, field: keyof HeaderRule, value: string): void {
    const rule = rules.value[index]
    if (!rule) return
    if (field === 'pattern') rule.pattern = value
    else if (value) rule[field] = value
    else delete rule[field]
    rulesDirty.value = true
    plan.value = undefined
  }
  function addRule(): void {
    rules.value.push({ pattern: '', cacheControl: '' })
    rulesDirty.value = true
  }
  function removeRule(index: number): void {
    rules.value.splice(index, 1)
    rulesDirty.value = true
    plan.value = undefined
  }
  function restoreDefaults(): void {
    rules.value = defaults.value.map((r) => ({ ...r }))
    rulesDirty.value = true
    plan.value = undefined
  }
  /** Rules as main takes them: empty headers left out. */
  const cleanRules = () =>
    rules.value.map((r) => ({
      pattern: r.pattern,
      ...(r.contentType ? { contentType: r.contentType } : {}),
      ...(r.cacheControl ? { cacheControl: r.cacheControl } : {}),
    }))

  async function saveRules(): Promise<void> {
    const t = target.value
    if (!t) return
    error.value = undefined
    try {
      await api.publish.saveRules({ profileId: t.profileId, bucket: t.bucket, originPath: originPath.value, rules: cleanRules() })
      rulesDirty.value = false
      rulesNote.value = 'saved'
    } catch (e) {
      error.value = messageOf(e)
    }
  }

  /** The dry run: main compares the folder with the bucket and prices the invalidation; nothing changes. */
  async function dryRun(): Promise<void> {
    const t = target.value
    if (!t || !folder.value) return
    planning.value = true
    error.value = undefined
    try {
      plan.value = await api.publish.plan({
        profileId: t.profileId,
        bucket: t.bucket,
        originPath: originPath.value,
        folderId: folder.value.folderId,
        ...(t.distributionId ? { distributionId: t.distributionId } : {}),
        deletions: deletions.value,
        rules: cleanRules(),
      })
    } catch (e) {
      plan.value = undefined
      error.value = messageOf(e)
    } finally {
      planning.value = false
    }
  }

  const shownItems = computed(() => {
    const items = plan.value?.items ?? []
    const f = filter.value
    return f === 'all' ? items : f === 'changes' ? items.filter((i) => i.action !== 'unchanged') : items.filter((i) => i.action === f)
  })
  const hasWork = computed(() => {
    const c = plan.value?.counts
    return Boolean(c && c.new + c.changed + c.delete > 0)
  })

  async function start(): Promise<void> {
    if (!plan.value) return
    starting.value = true
    error.value = undefined
    try {
      const { publish } = await api.publish.start({ planId: plan.value.planId })
      publishes.value.set(publish.publishId, publish)
      publishId.value = publish.publishId
    } catch (e) {
      error.value = messageOf(e)
    } finally {
      starting.value = false
    }
  }

  async function resume(id: string): Promise<void> {
    error.value = undefined
    try {
      const { publish } = await api.publish.resume({ publishId: id })
      publishes.value.set(publish.publishId, publish)
      publishId.value = publish.publishId
    } catch (e) {
      error.value = messageOf(e)
    }
  }

  async function dismiss(id: string, abandon = false): Promise<void> {
    try {
      await api.publish.dismiss({ publishId: id, abandon })
      publishes.value.delete(id)
      if (publishId.value === id) publishId.value = undefined
    } catch (e) {
      error.value = messageOf(e)
    }
  }

  return {
    target,
    originChoices,
    originPath,
    folder,
    rules,
    defaults,
    rulesDirty,
    rulesNote,
    deletions,
    plan,
    planning,
    filter,
    error,
    starting,
    publishId,
    publishes,
    current,
    shownItems,
    hasWork,
    interruptedFor,
    ensureListed,
    open,
    close,
    chooseOrigin,
    chooseFolder,
    editRule,
    addRule,
    removeRule,
    restoreDefaults,
    saveRules,
    dryRun,
    start,
    resume,
    dismiss,
  }
})
