/* eslint-disable vue/one-component-per-file -- small test components, one per case */
/**
 * Event subscriptions end with their owner: a component's at unmount, a store's when it is disposed,
 * and a store first used inside a component keeps listening after that component is gone.
 */
import { describe, expect, it } from 'vitest'
import { createRenderer, defineComponent, effectScope, h, nextTick, ref } from 'vue'
import { createPinia, defineStore, setActivePinia } from 'pinia'
import type { AppEvent } from '../../src-main/api/index'

const listeners = new Set<(event: AppEvent) => void>()
;(globalThis as unknown as { window: unknown }).window = {
  haneul: {
    cancel: () => {},
    onEvent: (listener: (event: AppEvent) => void) => {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
  },
}
const emit = (event: AppEvent) => [...listeners].forEach((listener) => listener(event))
const sandbox = (state: 'running' | 'stopped'): AppEvent => ({ type: 'sandbox.changed', state })
const settled: AppEvent = { type: 'mfa.settled', promptId: 'p1' }

const { onAppEvent } = await import('../../src-renderer/api')
const { useAppEvent } = await import('../../src-renderer/composables/events')

/** A renderer without a DOM: enough to mount and unmount components in Node. */
const { createApp } = createRenderer<object, object>({
  createElement: () => ({}),
  createText: () => ({}),
  createComment: () => ({}),
  insert: () => {},
  remove: () => {},
  setText: () => {},
  setElementText: () => {},
  parentNode: () => null,
  nextSibling: () => null,
  patchProp: () => {},
})

describe('typed event subscriptions', () => {
  it('delivers only the asked kinds, and stops when unsubscribed', () => {
    const seen: string[] = []
    const stop = onAppEvent(['sandbox.changed'], (event) => seen.push(event.state))
    emit(settled)
    emit(sandbox('running'))
    stop()
    emit(sandbox('stopped'))
    expect(seen).toEqual(['running'])
    expect(listeners.size).toBe(0)
  })

  it('a component listens until it unmounts', async () => {
    const seen: string[] = []
    const Child = defineComponent({
      setup() {
        useAppEvent(['sandbox.changed'], (event) => seen.push(event.state))
        return () => h('div')
      },
    })
    const shown = ref(true)
    const app = createApp(defineComponent({ setup: () => () => (shown.value ? h(Child) : null) }))
    app.mount({})
    expect(listeners.size).toBe(1)
    emit(sandbox('running'))
    shown.value = false
    await nextTick()
    expect(listeners.size).toBe(0)
    emit(sandbox('stopped'))
    expect(seen).toEqual(['running'])
    app.unmount()
  })

  it('a store listens for its lifetime, even when a short-lived component created it', async () => {
    const seen: string[] = []
    const useStore = defineStore('listening', () => {
      useAppEvent(['mfa.settled'], (event) => seen.push(event.promptId))
      return {}
    })
    const pinia = createPinia()
    setActivePinia(pinia)
    const shown = ref(true)
    const Child = defineComponent({
      setup() {
        useStore()
        return () => h('div')
      },
    })
    const app = createApp(defineComponent({ setup: () => () => (shown.value ? h(Child) : null) }))
    app.use(pinia).mount({})
    shown.value = false
    await nextTick()
    emit(settled)
    expect(seen).toEqual(['p1'])
    useStore().$dispose()
    expect(listeners.size).toBe(0)
    app.unmount()
  })

  it('a listener in an effect scope stops when the scope does', () => {
    const seen: string[] = []
    const scope = effectScope()
    scope.run(() => useAppEvent(['sandbox.changed'], (event) => seen.push(event.state)))
    emit(sandbox('running'))
    scope.stop()
    emit(sandbox('stopped'))
    expect(seen).toEqual(['running'])
  })
})
