/**
 * Injected into the page by the Chromium tests: builds `window.haneul` with the same buildBridge that
 * preload uses, over a transport of Playwright bindings that reach the real router in the test process.
 */
import { buildBridge } from '../../src-main/api/bridge'
import type { AppEvent } from '../../src-main/api/events'

interface TestWindow {
  __haneulInvoke(operation: string, payload: unknown, requestId: string | undefined): Promise<unknown>
  __haneulCancel(requestId: string): Promise<void>
  __haneulDrop(names: string[]): Promise<void>
  __haneulEmit?: (event: AppEvent) => void
  haneul: unknown
}

const w = window as unknown as TestWindow
const listeners = new Set<(event: AppEvent) => void>()
w.__haneulEmit = (event) => {
  for (const listener of listeners) listener(event)
}
// Preload's drop capture, for tests: Chromium cannot give a synthetic DataTransfer's files a path, so
// the test maps file names to real files it made (preload asks webUtils.getPathForFile instead).
window.addEventListener(
  'drop',
  (event) => {
    const names = [...(event.dataTransfer?.files ?? [])].map((file) => file.name)
    if (names.length) void w.__haneulDrop(names)
  },
  true,
)

w.haneul = buildBridge({
  invoke: (operation, payload, requestId) => w.__haneulInvoke(operation, payload, requestId),
  cancel: (requestId) => void w.__haneulCancel(requestId),
  subscribe: (listener) => {
    listeners.add(listener)
    return () => listeners.delete(listener)
  },
})
