/**
 * ipcMain wiring: one channel per contract operation, each forwarded to the router with the sender's
 * frame URL and an AbortSignal that `cancel` can trip. The router does the checking.
 */
import { BrowserWindow, ipcMain } from 'electron'
import { channels } from '../api/bridge'
import type { AppEvent } from '../api/events'
import { CallRegistry } from '../core/calls'
import { operationNames, type Router } from '../router'

export interface IpcOptions {
  /** The same check the router makes, for the drop channel that does not go through it. */
  isTrustedSender: (url: string) => boolean
  /** Paths of files the user dropped on the window. */
  onDrop: (paths: string[]) => void
}

export function registerIpc(router: Router, options: IpcOptions): { broadcast: (event: AppEvent) => void } {
  const calls = new CallRegistry()
  const watched = new Set<number>()
  // A page that reloads or closes abandons its calls; abort them so nothing runs for a dead page.
  const watch = (contents: Electron.WebContents) => {
    if (watched.has(contents.id)) return
    watched.add(contents.id)
    const id = contents.id
    contents.once('destroyed', () => {
      calls.cancelAll(id)
      watched.delete(id)
    })
    contents.on('did-start-navigation', (details) => {
      if (details.isMainFrame && !details.isSameDocument) calls.cancelAll(id)
    })
  }
  for (const operation of operationNames()) {
    ipcMain.handle(channels.operation(operation), async (event, payload: unknown, requestId: unknown) => {
      const id = typeof requestId === 'string' && requestId.length <= 64 ? requestId : undefined
      watch(event.sender)
      const { signal, end } = calls.begin(event.sender.id, id)
      try {
        return await router.handle(operation, payload, { senderUrl: event.senderFrame?.url ?? '', signal, requestId: id })
      } finally {
        end()
      }
    })
  }
  ipcMain.on(channels.cancel, (event, requestId: unknown) => {
    if (typeof requestId === 'string') calls.cancel(event.sender.id, requestId)
  })
  ipcMain.on(channels.drop, (event, paths: unknown) => {
    if (!options.isTrustedSender(event.senderFrame?.url ?? '')) return
    if (Array.isArray(paths) && paths.length <= 10_000 && paths.every((p) => typeof p === 'string')) options.onDrop(paths)
  })
  return {
    broadcast(event) {
      for (const window of BrowserWindow.getAllWindows()) {
        if (!window.isDestroyed()) window.webContents.send(channels.event, event)
      }
    },
  }
}
