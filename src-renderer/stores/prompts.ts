/** Questions main asks the user: for now, MFA codes for assume-role profiles. One at a time, in order. */
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { api, messageOf } from '../api'
import { useAppEvent } from '../composables/events'

interface MfaPrompt {
  promptId: string
  profileId: string
  profileName: string
  serial: string
}

export const useMfaStore = defineStore('mfa', () => {
  /** Prompts waiting for a code, oldest first. */
  const queue = ref<MfaPrompt[]>([])
  const current = computed(() => queue.value[0])
  const error = ref<string | undefined>()

  // Prompts asked before this window listened (at start, or before a reload) are fetched once.
  void api.profiles.pendingMfa({}).then(({ prompts }) => {
    const known = new Set(queue.value.map((p) => p.promptId))
    queue.value = [...prompts.filter((p) => !known.has(p.promptId)), ...queue.value]
  })

  useAppEvent(['mfa.requested', 'mfa.settled'], (event) => {
    if (event.type === 'mfa.requested' && !queue.value.some((p) => p.promptId === event.promptId)) queue.value = [...queue.value, event]
    else if (event.type === 'mfa.settled') queue.value = queue.value.filter((p) => p.promptId !== event.promptId)
  })

  async function submit(code: string): Promise<void> {
    const prompt = current.value
    if (!prompt) return
    error.value = undefined
    try {
      await api.profiles.submitMfa({ promptId: prompt.promptId, code })
    } catch (e) {
      error.value = messageOf(e)
    }
  }

  async function cancel(): Promise<void> {
    const prompt = current.value
    if (prompt) await api.profiles.cancelMfa({ promptId: prompt.promptId }).catch(() => {})
  }

  return { queue, current, error, submit, cancel }
})
