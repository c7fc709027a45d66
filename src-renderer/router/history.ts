/**
 * The window's navigation history: vue-router's memory history (the page's own URL never changes, so
 * nothing reaches Electron's navigation guards or the CSP), plus what the shell needs and the stock
 * one hides: whether back and forward are possible (for the buttons) and `forget()`, which keeps only
 * the current place (a profile switch starts a fresh history, as places belong to one profile).
 */
import { computed, ref, type ComputedRef } from 'vue'
import type { HistoryState, RouterHistory } from 'vue-router'

type Information = Parameters<Parameters<RouterHistory['listen']>[0]>[2]

export interface AppHistory extends RouterHistory {
  readonly canGoBack: ComputedRef<boolean>
  readonly canGoForward: ComputedRef<boolean>
  /** Drops every entry but the current one. */
  forget(): void
}

export function createAppHistory(): AppHistory {
  let entries: Array<{ location: string; state: HistoryState }> = [{ location: '/', state: {} }]
  const position = ref(0)
  const size = ref(1)
  const listeners = new Set<Parameters<RouterHistory['listen']>[0]>()
  const here = () => entries[position.value]!

  const history: AppHistory = {
    base: '',
    get location() {
      return here().location
    },
    get state() {
      return here().state
    },
    createHref: (location) => location,
    push(location, state = {}) {
      entries = [...entries.slice(0, position.value + 1), { location, state }]
      position.value = entries.length - 1
      size.value = entries.length
    },
    replace(location, state = {}) {
      entries[position.value] = { location, state }
    },
    go(delta, triggerListeners = true) {
      const from = here().location
      const to = Math.max(0, Math.min(position.value + delta, entries.length - 1))
      const moved = to - position.value
      if (moved === 0) return
      position.value = to
      const information = { type: 'pop', direction: moved < 0 ? 'back' : 'forward', delta: moved } as unknown as Information
      if (triggerListeners) for (const listener of listeners) listener(here().location, from, information)
    },
    listen(callback) {
      listeners.add(callback)
      return () => listeners.delete(callback)
    },
    destroy() {
      listeners.clear()
      entries = [{ location: '/', state: {} }]
      position.value = 0
      size.value = 1
    },
    forget() {
      entries = [here()]
      position.value = 0
      size.value = 1
    },
    canGoBack: computed(() => position.value > 0),
    canGoForward: computed(() => position.value < size.value - 1),
  }
  return history
}
