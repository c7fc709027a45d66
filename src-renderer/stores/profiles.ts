/** The profiles main knows and which one is active. Secrets never come here: only descriptions. */
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { ProfileSummary } from '../../src-main/api/profiles'
import { api } from '../api'
import { useAppEvent } from '../composables/events'

export const useProfilesStore = defineStore('profiles', () => {
  /** Every profile, the sandbox first, broken ones included with their problem. */
  const profiles = ref<ProfileSummary[]>([])
  /** Id of the profile every screen works with. */
  const activeId = ref<string>('')
  const active = computed(() => profiles.value.find((p) => p.id === activeId.value))

  useAppEvent(['profiles.changed'], (event) => {
    profiles.value = event.profiles
    activeId.value = event.activeId
  })

  async function load(): Promise<void> {
    const listed = await api.profiles.list({})
    profiles.value = listed.profiles
    activeId.value = listed.activeId
  }

  /** Makes a profile active; screens watch `activeId` and reload their data. */
  async function activate(profileId: string): Promise<void> {
    activeId.value = (await api.profiles.setActive({ profileId })).activeId
  }

  return { profiles, activeId, active, load, activate }
})
