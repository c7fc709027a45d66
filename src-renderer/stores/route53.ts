/**
 * The DNS section's state: the active profile's hosted zones, the open zone's record sets (its snapshot
 * at once, then the live listing page by page), and the zone's draft of edits, saved in main on every
 * change so it survives a restart and works offline. Review plans the draft against the zone as it is
 * now; submit sends exactly that plan and follows each change to INSYNC through main's watch events.
 * A generation number tags each listing so a late page for another zone or profile is dropped.
 */
import { defineStore } from 'pinia'
import { computed, ref, shallowRef, triggerRef } from 'vue'
import type { WatchSnapshot } from '../../src-main/api/jobs'
import type { ChangePlan, RecordEdit, RecordRow, RecordSet, ZoneSummary } from '../../src-main/api/route53'
import { api, isCode, messageOf } from '../api'
import { useAppEvent } from '../composables/events'
import { useAppStore } from './app'
import { useProfilesStore } from './profiles'
import { toError, type ListingError } from './storage'
import { applyEdit, editable, keyOf, matches, overlay, withoutEdit, type Filters, type TableRow } from './dns-draft'

export interface Problem {
  field: string
  message: string
}

/** A submitted change batch, followed to INSYNC. */
export interface TrackedChange {
  changeId: string
  watchId: string
  zoneId: string
  status: string
  state: WatchSnapshot['state']
  error?: string
}

export const useRoute53Store = defineStore('route53', () => {
  /** Hosted zones of the active profile, with the time of their snapshot when shown from one. */
  const zones = shallowRef<ZoneSummary[]>([])
  const zonesLoading = ref(false)
  const zonesError = ref<ListingError | undefined>()
  const zonesCachedAtMs = ref<number | undefined>()

  /** The open zone (its summary arrives with the first page, or from the zone list). */
  const zoneId = ref<string | undefined>()
  const zone = ref<ZoneSummary | undefined>()
  /** The open zone's record sets in Route 53's order, appended page by page. */
  const records = shallowRef<RecordRow[]>([])
  const listing = ref(false)
  const listingError = ref<ListingError | undefined>()
  /** When the records shown came from the snapshot: the time it was saved. */
  const cachedAtMs = ref<number | undefined>()
  /** The live listing failed for want of a network: the records shown are the snapshot's. */
  const offline = ref(false)

  /** The zone's draft; `draftError` says why the last save was refused (the edit is then not kept). */
  const edits = ref<RecordEdit[]>([])
  const draftError = ref<string | undefined>()
  const savingDraft = ref(false)
  /** The key of the set last staged, so the table can bring it into view. */
  const lastStaged = ref<string | undefined>()

  const filters = ref<Filters>({ name: '', type: '', value: '' })

  /** The plan shown in the review dialog; `planNote` explains why it was planned again. */
  const plan = ref<ChangePlan | undefined>()
  const planning = ref(false)
  const planError = ref<string | undefined>()
  const planNote = ref<string | undefined>()
  const submitting = ref(false)
  /** Change batches sent in this session, newest last, with what their watch last said. */
  const changes = ref<TrackedChange[]>([])

  let generation = 0
  /** The profile whose zones are shown. */
  let zonesFor: string | undefined
  let controller: AbortController | undefined
  const profileId = () => useProfilesStore().activeId

  /** The table: the zone with the draft laid over it, then filtered. */
  const allRows = computed<TableRow[]>(() => overlay(records.value, edits.value, zone.value?.name ?? ''))
  const rows = computed<TableRow[]>(() => allRows.value.filter((row) => matches(row, filters.value)))
  /** Types present in the zone, for the type filter. */
  const types = computed(() => [...new Set(allRows.value.map((row) => row.row.set.Type))].sort())

  /** Why submitting cannot work now, or undefined. */
  const submitBlocked = computed<'offline' | undefined>(() => {
    const state = useAppStore().connectivity[profileId()]?.state
    return offline.value || state === 'offline' ? 'offline' : undefined
  })
  const pendingChanges = computed(() => changes.value.filter((change) => change.state === 'watching'))

  /** The zone list: its snapshot at once, then the live one. */
  async function loadZones(): Promise<void> {
    const profile = profileId()
    zonesLoading.value = true
    zonesError.value = undefined
    // Another profile's zones never show under this one, not even while its list loads.
    if (zonesFor !== profile) {
      zones.value = []
      zonesCachedAtMs.value = undefined
      zonesFor = profile
    }
    const cached = await api.route53.listZones({ profileId: profile, source: 'cache' }).catch(() => undefined)
    if (profile !== profileId()) return
    if (cached && zones.value.length === 0) {
      zones.value = cached.zones
      zonesCachedAtMs.value = cached.cachedAtMs
    }
    try {
      const live = await api.route53.listZones({ profileId: profile })
      if (profile !== profileId()) return
      zones.value = live.zones
      zonesCachedAtMs.value = live.cachedAtMs
    } catch (error) {
      if (profile !== profileId()) return
      if (!(isCode(error, 'offline') && cached)) zonesError.value = toError(error)
    } finally {
      zonesLoading.value = false
    }
  }

  /** Opens a zone: its draft and its snapshot at once, then the live listing, 300 sets a page. */
  async function openZone(id: string, keep = false): Promise<void> {
    const mine = ++generation
    const current = () => mine === generation
    controller?.abort()
    controller = new AbortController()
    const { signal } = controller
    const profile = profileId()
    zoneId.value = id
    zone.value = zones.value.find((z) => z.id === id)
    listingError.value = undefined
    listing.value = true
    if (!keep) {
      records.value = []
      cachedAtMs.value = undefined
      offline.value = false
      edits.value = []
      draftError.value = undefined
      plan.value = undefined
      filters.value = { name: '', type: '', value: '' }
    }
    const draft = await api.route53.draft({ profileId: profile, zoneId: id }).catch(() => undefined)
    if (!current()) return
    edits.value = draft?.draft?.edits ?? []

    /** Shows the zone's snapshot, page by page; false when nothing was saved (or the zone moved on). */
    const showSnapshot = async (): Promise<boolean> => {
      let shown = false
      let next: string | undefined
      do {
        const page = await api.route53
          .listRecords({ profileId: profile, zoneId: id, nextToken: next, source: 'cache' })
          .catch(() => undefined)
        if (!current() || !page) break
        showPage(page.records, !shown, page.zone)
        if (!shown) cachedAtMs.value = page.cachedAtMs
        shown = true
        next = page.nextToken
      } while (next)
      return shown
    }
    const cached = keep ? false : await showSnapshot()
    if (!current()) return
    let token: string | undefined

    let first = true
    token = undefined
    try {
      do {
        const page = await api.route53.listRecords({ profileId: profile, zoneId: id, nextToken: token }, { signal })
        if (!current()) return
        showPage(page.records, first, page.zone)
        cachedAtMs.value = page.cachedAtMs
        // A live call answered from the snapshot (the network is gone) says so with the snapshot's time.
        offline.value = page.cachedAtMs !== undefined
        first = false
        token = page.nextToken
      } while (token)
    } catch (error) {
      if (!current() || isCode(error, 'cancelled')) return
      if (isCode(error, 'offline') && first) {
        offline.value = true
        // A refresh that finds the network gone shows the snapshot too, so the age of what is shown is known.
        const fromSnapshot = cached || (await showSnapshot())
        if (current() && !fromSnapshot && records.value.length === 0) listingError.value = toError(error)
        return
      }
      listingError.value = toError(error)
    } finally {
      if (current()) listing.value = false
    }
  }

  function showPage(page: RecordRow[], replace: boolean, summary?: ZoneSummary): void {
    if (summary) zone.value = summary
    if (replace) records.value = page.slice()
    else {
      // Appended in place: copying 10,000 rows on every page would make streaming quadratic.
      records.value.push(...page)
      triggerRef(records)
    }
  }

  /** Leaves the zone (back to the zone list). */
  function closeZone(): void {
    generation++
    controller?.abort()
    zoneId.value = undefined
    zone.value = undefined
    records.value = []
    edits.value = []
    plan.value = undefined
    listing.value = false
  }

  /**
   * Replaces the draft with `next` in main; on a refusal the draft goes back to what main holds and
   * says why. Saves run one at a time, in order, so a quick second edit never lands before the first.
   */
  let saves: Promise<unknown> = Promise.resolve()
  function saveEdits(next: RecordEdit[]): Promise<boolean> {
    if (!zoneId.value || !zone.value) return Promise.resolve(false)
    const target = { profileId: profileId(), zoneId: zoneId.value, zoneName: zone.value.name }
    const previous = edits.value
    edits.value = next
    draftError.value = undefined
    savingDraft.value = true
    const run = saves.then(async () => {
      try {
        const saved =
          next.length === 0
            ? (await api.route53.discardDraft({ profileId: target.profileId, zoneId: target.zoneId }), undefined)
            : await api.route53.saveDraft({ ...target, edits: next })
        if (zoneId.value !== target.zoneId) return true
        // A later edit already on screen stays there: its own save follows this one.
        if (edits.value === next) edits.value = saved?.draft.edits ?? []
        updateZoneCount(saved?.draft.edits.length ?? 0)
        return true
      } catch (error) {
        draftError.value = messageOf(error)
        // Back to the draft main holds (the last save that was accepted), unless a later edit is already queued.
        if (zoneId.value === target.zoneId && saves === run) {
          const held = await api.route53.draft({ profileId: target.profileId, zoneId: target.zoneId }).catch(() => undefined)
          if (saves === run && zoneId.value === target.zoneId) edits.value = held ? (held.draft?.edits ?? []) : previous
        }
        return false
      }
    })
    saves = run
    void run.finally(() => {
      if (saves === run) savingDraft.value = false
    })
    return run
  }

  function updateZoneCount(count: number): void {
    zones.value = zones.value.map((z) => (z.id === zoneId.value ? { ...z, draftEdits: count } : z))
    if (zone.value) zone.value = { ...zone.value, draftEdits: count }
  }

  /** Route 53's rules for a set, from main (no network): the problems by field, and the set in Route 53's form. */
  async function check(set: RecordSet): Promise<{ problems: Problem[]; set?: RecordSet }> {
    if (!zone.value) return { problems: [] }
    const out = await api.route53.checkRecord({ zoneName: zone.value.name, set })
    return { problems: out.problems, ...(out.set ? { set: editable(out.set) } : {}) }
  }

  /** Stages a new set, a changed version of a row's set, or the deletion of a row's set. */
  function stageCreate(set: RecordSet): Promise<boolean> {
    lastStaged.value = keyOf(set)
    return saveEdits(applyEdit(edits.value, { kind: 'create', after: set }))
  }
  function stageUpdate(before: RecordSet, after: RecordSet): Promise<boolean> {
    lastStaged.value = keyOf(after)
    return saveEdits(applyEdit(edits.value, { kind: 'update', before: editable(before), after }))
  }
  function stageDelete(set: RecordSet): Promise<boolean> {
    return saveEdits(applyEdit(edits.value, { kind: 'delete', before: editable(set) }))
  }
  /** Takes a row's staged edit back out of the draft. */
  function unstage(key: string): Promise<boolean> {
    return saveEdits(withoutEdit(edits.value, key))
  }
  function discardDraft(): Promise<boolean> {
    return saveEdits([])
  }

  /** Plans the draft against the zone as it is now; `note` says why it was planned again. */
  async function review(note?: string): Promise<void> {
    if (!zoneId.value) return
    planning.value = true
    planError.value = undefined
    planNote.value = note
    try {
      plan.value = await api.route53.planDraft({ profileId: profileId(), zoneId: zoneId.value })
    } catch (error) {
      plan.value = undefined
      planError.value = messageOf(error)
    } finally {
      planning.value = false
    }
  }

  function closeReview(): void {
    plan.value = undefined
    planError.value = undefined
    planNote.value = undefined
  }

  /**
   * Sends the plan on screen. When the zone or draft moved on meanwhile (`conflict`), plans again and
   * shows the new diff with a note instead. Returns the changes sent, each followed to INSYNC.
   */
  async function submit(options: { confirmCount?: number; split?: boolean } = {}): Promise<TrackedChange[] | undefined> {
    if (!zoneId.value || !plan.value) return undefined
    const id = zoneId.value
    submitting.value = true
    planError.value = undefined
    try {
      const out = await api.route53.submitDraft({
        profileId: profileId(),
        zoneId: id,
        planId: plan.value.planId,
        ...(options.confirmCount !== undefined ? { confirmCount: options.confirmCount } : {}),
        split: options.split ?? false,
      })
      const sent = out.changes.map((c) => ({ ...c, zoneId: id, state: 'watching' as const }))
      for (const change of sent) trackChange(change)
      edits.value = []
      updateZoneCount(0)
      // Route 53 lists a change as soon as it accepts it (INSYNC is about its name servers): show it now.
      if (zoneId.value === id) void openZone(id, true)
      return sent
    } catch (error) {
      if (isCode(error, 'conflict')) {
        await review(messageOf(error))
        // The new plan may be empty (someone made the same change): the dialog says so.
        return undefined
      }
      planError.value = messageOf(error)
      return undefined
    } finally {
      submitting.value = false
    }
  }

  function trackChange(change: TrackedChange): void {
    const index = changes.value.findIndex((c) => c.watchId === change.watchId)
    if (index >= 0) changes.value[index] = { ...changes.value[index]!, ...change }
    else changes.value = [...changes.value.slice(-19), change]
  }

  // Each submitted batch's watch reports PENDING → INSYNC; when the open zone's last one is in sync, reload it.
  useAppEvent(['watch.changed'], (event) => {
    if (event.watch.kind !== 'route53.change') return
    const known = changes.value.find((c) => c.watchId === event.watch.watchId)
    if (!known) return
    trackChange({
      ...known,
      status: event.watch.status,
      state: event.watch.state,
      ...(event.watch.error ? { error: event.watch.error } : {}),
    })
    const zonePending = changes.value.some((c) => c.zoneId === known.zoneId && c.state === 'watching')
    if (event.watch.state === 'watching' || zonePending) return
    // Record counts changed too.
    void loadZones()
    if (known.zoneId === zoneId.value) void openZone(known.zoneId, true)
  })

  /** Reads a BIND file into the zone's draft (replacing it); a syntax error names line and column. */
  async function importZoneFile(text: string, mode: 'merge' | 'replace'): Promise<{ records: number; warnings: string[] }> {
    if (!zoneId.value) throw new Error('No zone is open.')
    const out = await api.route53.importZoneFile({ profileId: profileId(), zoneId: zoneId.value, text, mode })
    edits.value = out.draft.edits
    updateZoneCount(edits.value.length)
    return { records: out.records, warnings: out.warnings }
  }

  function exportZoneFile(): Promise<{ fileName: string; text: string; records: number }> {
    if (!zoneId.value) return Promise.reject(new Error('No zone is open.'))
    return api.route53.exportZoneFile({ profileId: profileId(), zoneId: zoneId.value })
  }

  function testAnswer(set: RecordSet) {
    return api.route53.testAnswer({ profileId: profileId(), zoneId: zoneId.value!, name: set.Name, type: set.Type })
  }

  /** What the alias pickers and the failover form offer; each empty when its service cannot be reached. */
  const healthChecks = ref<Array<{ id: string; type: string; target: string }>>([])
  const distributions = ref<Array<{ id: string; domainName: string; aliases: string[] }>>([])
  const buckets = ref<Array<{ name: string; region?: string }>>([])
  async function loadTargets(): Promise<void> {
    const profile = profileId()
    const [checks, dists, bucketList] = await Promise.all([
      api.route53.listHealthChecks({ profileId: profile }).catch(() => undefined),
      // CloudFront and S3 may be unreachable for this profile: the pickers then offer typing.
      api.cloudfront.listDistributions({ profileId: profile }).catch(() => undefined),
      api.s3.listBuckets({ profileId: profile }).catch(() => undefined),
    ])
    if (checks) healthChecks.value = checks.healthChecks
    if (dists) distributions.value = dists.distributions.map((d) => ({ id: d.id, domainName: d.domainName, aliases: d.aliases }))
    if (bucketList) buckets.value = bucketList.buckets
  }

  /** The distribution whose domain an alias names, for the link to the CloudFront section. */
  function distributionFor(dnsName: string): string | undefined {
    const bare = dnsName.replace(/\.$/, '').toLowerCase()
    return distributions.value.find((d) => d.domainName.toLowerCase() === bare)?.id
  }

  /** The row with this key (a listed set, or one the draft adds). */
  const rowByKey = (key: string) => allRows.value.find((row) => row.key === key)

  return {
    zones,
    zonesLoading,
    zonesError,
    zonesCachedAtMs,
    zoneId,
    zone,
    records,
    listing,
    listingError,
    cachedAtMs,
    offline,
    edits,
    draftError,
    savingDraft,
    lastStaged,
    filters,
    rows,
    allRows,
    types,
    plan,
    planning,
    planError,
    planNote,
    submitting,
    submitBlocked,
    changes,
    pendingChanges,
    healthChecks,
    distributions,
    buckets,
    loadZones,
    openZone,
    closeZone,
    check,
    stageCreate,
    stageUpdate,
    stageDelete,
    unstage,
    discardDraft,
    review,
    closeReview,
    submit,
    importZoneFile,
    exportZoneFile,
    testAnswer,
    loadTargets,
    distributionFor,
    rowByKey,
    keyOf,
  }
})
