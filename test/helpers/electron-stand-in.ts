/**
 * An in-memory stand-in for the parts of the 'electron' module that src-main/electron uses, so main.ts,
 * ipc.ts and preload.ts run for real under Node: `ipcMain.handle` answers `ipcRenderer.invoke` (with
 * the window's web contents as sender and its loaded URL as the sender frame), `webContents.send`
 * reaches `ipcRenderer.on`, `contextBridge.exposeInMainWorld` records what preload exposes, and
 * `utilityProcess.fork` starts a real child process (Node's fork with tsx, mapping the built
 * `sandbox.js` to its source entry). Tests use it through `vi.mock('electron', …)`.
 */
import { fork } from 'node:child_process'
import { EventEmitter } from 'node:events'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { repoRoot, sandboxEntry } from './app-harness'

type Listener = (...args: unknown[]) => unknown

class StandInWebContents extends EventEmitter {
  static nextId = 1
  readonly id = StandInWebContents.nextId++
  url = ''
  constructor(private readonly deliver: (channel: string, args: unknown[]) => void) {
    super()
  }
  send(channel: string, ...args: unknown[]): void {
    this.deliver(channel, args)
  }
  setWindowOpenHandler(): void {}
}

export interface ElectronStandIn {
  /** What `vi.mock('electron')` returns. */
  module: { app: { quit(): void } } & Record<string, unknown>
  /** What preload passed to contextBridge.exposeInMainWorld, by key. */
  exposed: Map<string, unknown>
  windows: Array<{ options: unknown; webContents: { url: string } }>
  /** Utility processes forked: the entry main asked for, and when each exited. */
  children: Array<{ entry: string; args: string[]; exited: Promise<number | null> }>
  userData: string
  /** Settles when app.quit() went through (no before-quit handler held it back). */
  quit: Promise<void>
  ipcChannels(): string[]
}

export function createElectronStandIn(): ElectronStandIn {
  const userData = mkdtempSync(join(tmpdir(), 'haneul-electron-'))
  const ipcMainHandlers = new Map<string, Listener>()
  const ipcMainListeners = new Map<string, Listener[]>()
  const rendererListeners = new Map<string, Listener[]>()
  const exposed = new Map<string, unknown>()
  const windows: StandInWindow[] = []
  const children: Array<{ entry: string; args: string[]; exited: Promise<number | null> }> = []
  const appEvents = new EventEmitter()
  let quitResolve: () => void = () => {}
  const quit = new Promise<void>((resolve) => (quitResolve = resolve))

  const deliverToRenderer = (channel: string, args: unknown[]) => {
    for (const listener of rendererListeners.get(channel) ?? []) listener({ sender: ipcRenderer }, ...args)
  }

  class StandInWindow extends EventEmitter {
    static getAllWindows = () => windows.filter((w) => !w.destroyed)
    static getFocusedWindow = () => windows[0]
    readonly webContents = new StandInWebContents(deliverToRenderer)
    destroyed = false
    constructor(readonly options: unknown) {
      super()
      windows.push(this)
    }
    async loadURL(url: string): Promise<void> {
      this.webContents.url = url
      this.emit('ready-to-show')
    }
    show(): void {}
    isDestroyed = () => this.destroyed
    isMinimized = () => false
    restore(): void {}
    focus(): void {}
  }

  /** The page's side: calls go to main as if from the first window's main frame. */
  const sender = () => {
    const window = windows[0]
    if (!window) throw new Error('no window yet')
    return { sender: window.webContents, senderFrame: { url: window.webContents.url } }
  }
  const ipcRenderer = {
    invoke: async (channel: string, ...args: unknown[]) => {
      const handler = ipcMainHandlers.get(channel)
      if (!handler) throw new Error(`No handler registered for '${channel}'`)
      // Electron structured-clones both ways; so does this.
      return structuredClone(await handler(sender(), ...structuredClone(args)))
    },
    send: (channel: string, ...args: unknown[]) => {
      for (const listener of ipcMainListeners.get(channel) ?? []) listener(sender(), ...structuredClone(args))
    },
    on: (channel: string, listener: Listener) => {
      rendererListeners.set(channel, [...(rendererListeners.get(channel) ?? []), listener])
    },
  }

  const module = {
    app: {
      isPackaged: false,
      whenReady: async () => {},
      getPath: (name: string) => (name === 'userData' ? userData : join(userData, name)),
      getAppPath: () => repoRoot,
      getVersion: () => '0.0.0-glue',
      getLocale: () => 'en-US',
      getPreferredSystemLanguages: () => ['en-US'],
      requestSingleInstanceLock: () => true,
      on: (event: string, listener: Listener) => appEvents.on(event, listener),
      exit: (code: number) => {
        throw new Error(`app.exit(${code}) called`)
      },
      /** Electron's quit: 'before-quit' may prevent it; otherwise the app is done. */
      quit: () => {
        let prevented = false
        appEvents.emit('before-quit', { preventDefault: () => (prevented = true) })
        if (!prevented) quitResolve()
      },
    },
    BrowserWindow: StandInWindow,
    ipcMain: {
      handle: (channel: string, handler: Listener) => {
        if (ipcMainHandlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`)
        ipcMainHandlers.set(channel, handler)
      },
      on: (channel: string, listener: Listener) => ipcMainListeners.set(channel, [...(ipcMainListeners.get(channel) ?? []), listener]),
    },
    ipcRenderer,
    contextBridge: { exposeInMainWorld: (key: string, api: unknown) => exposed.set(key, api) },
    webUtils: { getPathForFile: () => '' },
    utilityProcess: {
      fork: (entry: string, args: string[]) => {
        // main.ts names the built entry (out/main/sandbox.js); tests run its source.
        const child = fork(basename(entry) === 'sandbox.js' ? sandboxEntry : entry, args, {
          execArgv: ['--import', 'tsx'],
          stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        })
        const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
        children.push({ entry, args, exited })
        return {
          on: (event: 'message' | 'exit', listener: Listener) => child.on(event, listener),
          postMessage: (message: unknown) => child.connected && child.send(message as object),
          kill: () => child.kill(),
        }
      },
    },
    safeStorage: {
      isEncryptionAvailable: () => false,
      getSelectedStorageBackend: () => 'basic_text',
      encryptString: () => {
        throw new Error('no keychain in the stand-in')
      },
      decryptString: () => {
        throw new Error('no keychain in the stand-in')
      },
    },
    session: {
      defaultSession: {
        setPermissionRequestHandler: () => {},
        setPermissionCheckHandler: () => {},
        webRequest: { onHeadersReceived: () => {} },
      },
    },
    protocol: { registerSchemesAsPrivileged: () => {}, handle: () => {} },
    net: { fetch: () => Promise.reject(new Error('net.fetch is not part of the stand-in')) },
    clipboard: { writeText: () => {} },
    dialog: { showOpenDialog: async () => ({ canceled: true, filePaths: [] }) },
    Notification: Object.assign(
      class {
        show(): void {}
      },
      { isSupported: () => false },
    ),
    shell: { openExternal: async () => {}, showItemInFolder: () => {} },
  }

  return { module, exposed, windows, children, userData, quit, ipcChannels: () => [...ipcMainHandlers.keys()] }
}

/** One stand-in per test process: the mocked module and the test must see the same instance. */
export const electronStandIn: ElectronStandIn = createElectronStandIn()
