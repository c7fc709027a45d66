/**
 * The only bridge between the page and main: `window.haneul`, one function per contract operation,
 * plus cancel and event subscription. Nothing else from Electron or Node reaches the page.
 */
import { contextBridge, ipcRenderer, webUtils } from 'electron'
import { buildBridge, channels } from '../api/bridge'
import type { AppEvent } from '../api/events'

const listeners = new Set<(event: AppEvent) => void>()
ipcRenderer.on(channels.event, (_event, appEvent: AppEvent) => {
  for (const listener of listeners) listener(appEvent)
})

// Files dropped from the OS: their paths go straight to main, which answers with a drop id in a
// `drop.received` event. Only trusted (user-made) drops count, and the page never sees a path.
window.addEventListener(
  'drop',
  (event) => {
    if (!event.isTrusted || !event.dataTransfer?.files.length) return
    const paths = [...event.dataTransfer.files].map((file) => webUtils.getPathForFile(file)).filter((path) => path !== '')
    if (paths.length) ipcRenderer.send(channels.drop, paths)
  },
  true,
)

contextBridge.exposeInMainWorld(
  'haneul',
  buildBridge({
    invoke: (operation, payload, requestId) => ipcRenderer.invoke(channels.operation(operation), payload, requestId),
    cancel: (requestId) => ipcRenderer.send(channels.cancel, requestId),
    subscribe: (listener) => {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
  }),
)
