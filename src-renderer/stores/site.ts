/**
 * Site in the window: the sites of the active profile, the open domain's stack with its health, and the
 * fix dialog (main's plan → confirm → applied, then the map again). Every call to main is here; the view
 * only draws. Offline-first: the map's snapshot is shown at once (with its age), then the live map;
 * a ticket per request drops a late reply for another domain or profile.
 */
import { defineStore } from 'pinia'
import { ref, shallowRef } from 'vue'
import type { OutputOf } from '../../src-main/api/contract'
import type { Finding, FixPlan, SiteMap, siteApi } from '../../src-main/api/site'
import { api, isCode } from '../api'
import { useProfilesStore } from './profiles'
import { toError, type ListingError } from './storage'

export type SiteDomainRow = OutputOf<(typeof siteApi)['domains']>['domains'][number]

/** The fix dialog: the finding, main's plan of its fix, and the outcome. */
export interface FixDraft {
  finding: Finding
  plan?: FixPlan
  planning: boolean
  error?: string
  applying: boolean
  applied?: string
}

export const useSiteStore = defineStore('site', () => {
  const profiles = useProfilesStore()

  /** Sites found in the profile's public zones. */
  const domains = shallowRef<SiteDomainRow[]>([])
  const domainsLoading = ref(false)
  const domainsError = ref<ListingError | undefined>()
  /** Zones read only in part. */
  const partialZones = ref<string[]>([])
  /** The domain shown (as typed or routed). */
  const domain = ref<string | undefined>()
  const map = shallowRef<SiteMap | undefined>()
  const mapLoading = ref(false)
  const mapError = ref<ListingError | undefined>()
  const fix = ref<FixDraft | undefined>()
  let ticket = 0
  /** The fix dialog's own ticket: a late plan for a dialog closed (or reopened) meanwhile is dropped. */
  let fixTicket = 0

  function reset(): void {
    ticket++
    domains.value = []
    domainsError.value = undefined
    partialZones.value = []
    domain.value = undefined
    map.value = undefined
    mapError.value = undefined
    closeFix()
  }

  async function loadDomains(): Promise<void> {
    const profileId = profiles.activeId
    if (!profileId) return
    domainsLoading.value = true
    domainsError.value = undefined
    try {
      const listed = await api.site.domains({ profileId })
      if (profiles.activeId !== profileId) return
      domains.value = listed.domains
      partialZones.value = listed.partialZones
    } catch (error) {
      if (profiles.activeId === profileId) domainsError.value = toError(error)
    } finally {
      domainsLoading.value = false
    }
  }

  /** Shows a domain's stack: its snapshot first when there is one, then the live map. */
  async function open(name: string, refresh = false): Promise<void> {
    const profileId = profiles.activeId
    if (!profileId) return
    const mine = ++ticket
    if (!refresh || name !== domain.value) {
      domain.value = name
      map.value = undefined
      closeFix()
    }
    mapError.value = undefined
    mapLoading.value = true
    if (!refresh) {
      try {
        const cached = await api.site.map({ profileId, domain: name, source: 'cache' })
        if (mine === ticket) map.value = cached
      } catch {
        // Never mapped before: the live map follows.
      }
    }
    try {
      const live = await api.site.map({ profileId, domain: name })
      if (mine === ticket) map.value = live
    } catch (error) {
      if (mine === ticket && !(map.value && isCode(error, 'offline'))) mapError.value = toError(error)
    } finally {
      if (mine === ticket) mapLoading.value = false
    }
  }

  /** Asks main to plan the finding's fix; nothing changes until `applyFix`. */
  async function planFix(finding: Finding): Promise<void> {
    const profileId = profiles.activeId
    if (!profileId || !domain.value) return
    const mine = ++fixTicket
    const draft: FixDraft = { finding, planning: true, applying: false }
    fix.value = draft
    try {
      const plan = await api.site.planFix({ profileId, domain: domain.value, code: finding.code, subject: finding.subject })
      if (mine === fixTicket) fix.value = { ...draft, plan, planning: false }
    } catch (error) {
      if (mine === fixTicket) fix.value = { ...draft, planning: false, error: toError(error).message }
    }
  }

  async function applyFix(): Promise<void> {
    const profileId = profiles.activeId
    const draft = fix.value
    if (!profileId || !draft?.plan || draft.applying) return
    const mine = fixTicket
    fix.value = { ...draft, applying: true, error: undefined }
    try {
      const done = await api.site.applyFix({ profileId, planId: draft.plan.planId, confirm: true })
      if (mine === fixTicket) fix.value = { ...draft, applying: false, applied: done.summary }
      if (domain.value) void open(domain.value, true)
    } catch (error) {
      if (mine === fixTicket) fix.value = { ...draft, applying: false, error: toError(error).message }
    }
  }

  function closeFix(): void {
    fixTicket++
    fix.value = undefined
  }

  return {
    domains,
    domainsLoading,
    domainsError,
    partialZones,
    domain,
    map,
    mapLoading,
    mapError,
    fix,
    reset,
    loadDomains,
    open,
    planFix,
    applyFix,
    closeFix,
  }
})
