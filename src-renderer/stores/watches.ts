/**
 * Watches main runs on AWS work that finishes there (a CloudFront invalidation until Completed, later a
 * DNS change until INSYNC, a pipeline run): listed once, then kept current from `watch.changed`. They
 * belong to the profile they were started for; the status bar shows them whichever profile is active.
 */
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { WatchSnapshot } from '../../src-main/api/jobs'
import { api } from '../api'
import { useAppEvent } from '../composables/events'

export const useWatchesStore = defineStore('watches', () => {
  /** Every watch seen, newest first (as main lists them). */
  const watches = ref<WatchSnapshot[]>([])
  const active = computed(() => watches.value.filter((w) => w.state === 'watching'))
  /** The watch that changed last: what the status bar names. */
  const latest = ref<WatchSnapshot>()

  function put(watch: WatchSnapshot): void {
    const others = watches.value.filter((w) => w.watchId !== watch.watchId)
    watches.value = [watch, ...others].slice(0, 50)
  }

  useAppEvent(['watch.changed'], (event) => {
    put(event.watch)
    latest.value = event.watch
  })

  /** Loads the watches main already runs (after a restart of the window, say). */
  async function load(): Promise<void> {
    const listed = await api.jobs.watches({})
    // Events that arrived while listing are newer than the list.
    const seen = new Set(watches.value.map((w) => w.watchId))
    watches.value = [...watches.value, ...listed.watches.filter((w) => !seen.has(w.watchId))]
    latest.value ??= listed.watches.find((w) => w.state === 'watching')
  }

  /** The watch following this subject ("<distribution id>/<invalidation id>" for an invalidation), if any. */
  const forSubject = (subject: string) => watches.value.find((w) => w.subject === subject)
  const byId = (watchId: string) => watches.value.find((w) => w.watchId === watchId)

  return { watches, active, latest, load, forSubject, byId, put }
})
