/**
 * Electron entry: lifecycle, the window, and handing Electron's pieces to the plain-Node services.
 * Everything interesting happens in createAppServices; this file only wires. Loading it starts the
 * app; `ready` settles once the window has loaded (test/integration/electron/ drives it that way
 * against a stand-in of the Electron modules).
 */
import { app, BrowserWindow, clipboard, dialog, Notification, session, shell } from 'electron'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createAppServices, type AppServices } from '../app-services'
import { isAllowedExternalUrl } from '../core/external-links'
import { sameOrigin } from '../core/origin'
import { contentSecurityPolicy } from './csp'
import { registerIpc } from './ipc'
import { APP_ORIGIN, registerAppScheme, serveRenderer } from './protocol'
import { utilityProcessWorker } from './sandbox-worker'
import { safeStorageVault } from './secret-vault'
import { createMainWindow, hardenSession, hardenWebContents } from './window'

const here = fileURLToPath(new URL('.', import.meta.url))
const devServerUrl = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined
const appOrigin = devServerUrl ? new URL(devServerUrl).origin : APP_ORIGIN
const isAppUrl = sameOrigin(appOrigin)
const openExternalIfAllowed = (url: string) => {
  if (isAllowedExternalUrl(url)) void shell.openExternal(url)
}

registerAppScheme()
// A second instance would share the data folder (journals, snapshots, sandbox): hand over and leave.
const primary = app.requestSingleInstanceLock()
if (!primary) app.exit(0)

let services: AppServices | undefined

async function start(): Promise<void> {
  await app.whenReady()
  hardenSession(session.defaultSession)
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, isAppUrl, openExternalIfAllowed))

  const csp = contentSecurityPolicy(devServerUrl ? 'development' : 'production', devServerUrl ? appOrigin : undefined)
  if (devServerUrl) {
    session.defaultSession.webRequest.onHeadersReceived((details, callback) =>
      callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] } }),
    )
  } else {
    serveRenderer(join(here, '../renderer'), csp)
  }

  let broadcast: (event: Parameters<ReturnType<typeof registerIpc>['broadcast']>[0]) => void = () => {}
  services = await createAppServices({
    dataDir: app.getPath('userData'),
    sandboxAssetsDir: app.isPackaged ? join(process.resourcesPath, 'sandbox') : join(app.getAppPath(), 'assets', 'sandbox'),
    spawnSandbox: utilityProcessWorker(join(here, 'sandbox.js')),
    vault: safeStorageVault,
    env: process.env,
    isTrustedSender: isAppUrl,
    openExternal: (url) => shell.openExternal(url),
    writeClipboard: (text) => clipboard.writeText(text),
    chooseFiles: async (folders) => {
      const options: Electron.OpenDialogOptions = {
        properties: folders ? ['openDirectory', 'multiSelections'] : ['openFile', 'multiSelections'],
      }
      const owner = BrowserWindow.getFocusedWindow()
      const result = owner ? await dialog.showOpenDialog(owner, options) : await dialog.showOpenDialog(options)
      return result.canceled ? [] : result.filePaths
    },
    chooseFolder: async () => {
      const options: Electron.OpenDialogOptions = { properties: ['openDirectory', 'createDirectory'] }
      const owner = BrowserWindow.getFocusedWindow()
      const result = owner ? await dialog.showOpenDialog(owner, options) : await dialog.showOpenDialog(options)
      return result.canceled ? undefined : result.filePaths[0]
    },
    notify: (title, body, route) => {
      if (!Notification.isSupported()) return
      const notification = new Notification({ title, body })
      if (route) {
        notification.on('click', () => {
          const [window] = BrowserWindow.getAllWindows()
          if (window?.isMinimized()) window.restore()
          window?.focus()
          broadcast({ type: 'app.navigate', route })
        })
      }
      notification.show()
    },
    showInFolder: (path) => shell.showItemInFolder(path),
    emit: (event) => broadcast(event),
    appInfo: { version: app.getVersion(), platform: process.platform, osLocale: app.getPreferredSystemLanguages()[0] ?? app.getLocale() },
    log: (message) => console.error(message),
  })
  const running = services
  broadcast = registerIpc(services.router, {
    isTrustedSender: isAppUrl,
    onDrop: (paths) => void running.transfers.registerDrop(paths).catch((error: unknown) => console.error(error)),
  }).broadcast

  const window = createMainWindow(join(here, '../preload/preload.cjs'), join(app.getAppPath(), 'assets', 'icon.png'))
  await window.loadURL(devServerUrl ?? `${APP_ORIGIN}/index.html`)
}

app.on('second-instance', () => {
  const [window] = BrowserWindow.getAllWindows()
  if (window) {
    if (window.isMinimized()) window.restore()
    window.focus()
  }
})

app.on('window-all-closed', () => app.quit())

let quitting = false
app.on('before-quit', (event) => {
  if (quitting || !services) return
  // Stop the sandbox child before exiting so no server outlives the app.
  event.preventDefault()
  quitting = true
  void services.close().finally(() => app.quit())
})

/** Resolves when the services run and the window has loaded its page (never for a second instance). */
export const ready: Promise<void> = primary
  ? start().catch((error: unknown) => {
      console.error(error)
      app.exit(1)
    })
  : new Promise<void>(() => {})
