/** Facts about the running app that the shell shows: version, the sandbox's state, connectivity. */
import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { ConnectivitySummary } from '../../src-main/api/events'
import { api } from '../api'
import { useAppEvent } from '../composables/events'
import { useUiStore } from './ui'

type SandboxState = 'starting' | 'running' | 'stopped' | 'failed'

export const useAppStore = defineStore('app', () => {
  /** Haneul's version, for the About line. */
  const version = ref('')
  /** The sandbox child process's state, as main last reported it. */
  const sandboxState = ref<SandboxState>('starting')
  const sandboxMessage = ref<string | undefined>()
  /** Reachability per profile id (one word, and the detail per endpoint), pushed by main. */
  const connectivity = ref<Record<string, ConnectivitySummary>>({})

  /** Loads app facts once and keeps them current from main's events. */
  async function start(): Promise<void> {
    const info = await api.app.info({})
    version.value = info.version
    sandboxState.value = info.sandbox.state
    sandboxMessage.value = info.sandbox.message
    connectivity.value = { ...info.connectivity, ...connectivity.value }
    useUiStore().osLocale = info.osLocale
  }

  useAppEvent(['sandbox.changed'], (event) => {
    sandboxState.value = event.state
    sandboxMessage.value = event.message
  })
  useAppEvent(['connectivity.changed'], (event) => {
    connectivity.value = { ...connectivity.value, [event.profileId]: { state: event.state, endpoints: event.endpoints } }
  })

  return { version, sandboxState, sandboxMessage, connectivity, start }
})
