/**
 * Manual approvals waiting now, across the profiles main watches: what the Pipelines badge counts and
 * the countdowns show. Main's watcher pushes `codepipeline.approvals` with the whole list on every
 * look; `load()` asks once at start, so the badge is right before the first push.
 */
import { defineStore } from 'pinia'
import { computed, shallowRef } from 'vue'
import type { PendingApproval } from '../../src-main/api/codepipeline'
import { api } from '../api'
import { useAppEvent } from '../composables/events'

export const useApprovalsStore = defineStore('approvals', () => {
  /** Everything waiting, soonest to expire first (main's order). */
  const pending = shallowRef<PendingApproval[]>([])
  /** What the badge says. */
  const count = computed(() => pending.value.length)

  /** Events seen; an answer to `load()` older than an event is not shown over it. */
  let pushes = 0
  useAppEvent(['codepipeline.approvals'], (event) => {
    pushes++
    pending.value = event.approvals
  })

  async function load(): Promise<void> {
    const before = pushes
    const answer = await api.codepipeline.pendingApprovals({}).catch(() => undefined)
    if (answer && pushes === before) pending.value = answer.approvals
  }

  /** The approvals of one pipeline of one profile. */
  const of = (profileId: string, pipeline: string) => pending.value.filter((a) => a.profileId === profileId && a.pipeline === pipeline)

  return { pending, count, load, of }
})
