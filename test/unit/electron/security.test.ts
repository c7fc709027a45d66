/**
 * The Electron glue's security settings, checked with the 'electron' module mocked (the binary is not
 * needed): window options, session permission handlers, navigation and window.open rules, CSP, the
 * app:// protocol's path confinement, what preload exposes, and that ipc calls go through the router.
 */
import { EventEmitter } from 'node:events'
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { beforeEach, describe, expect, it, vi } from 'vitest'

const electron = vi.hoisted(() => {
  const handlers = new Map<string, (...args: unknown[]) => unknown>()
  return {
    handlers,
    exposed: new Map<string, unknown>(),
    invoke: [] as unknown[][],
    sent: [] as unknown[][],
    protocolHandler: undefined as undefined | ((request: Request) => Promise<Response>),
  }
})

vi.mock('electron', () => ({
  BrowserWindow: Object.assign(
    class {
      static getAllWindows = () => []
      constructor(readonly options: unknown) {}
      once() {}
    },
  ),
  ipcMain: {
    handle: (channel: string, fn: (...args: unknown[]) => unknown) => electron.handlers.set(channel, fn),
    on: (channel: string, fn: (...args: unknown[]) => unknown) => electron.handlers.set(channel, fn),
  },
  contextBridge: { exposeInMainWorld: (key: string, value: unknown) => electron.exposed.set(key, value) },
  webUtils: { getPathForFile: (file: { name: string }) => `/home/me/${file.name}` },
  ipcRenderer: {
    invoke: (...args: unknown[]) => {
      electron.invoke.push(args)
      return Promise.resolve({ ok: true, value: 'reply' })
    },
    send: (...args: unknown[]) => electron.sent.push(args),
    on: () => {},
  },
  protocol: {
    registerSchemesAsPrivileged: () => {},
    handle: (_scheme: string, fn: (request: Request) => Promise<Response>) => (electron.protocolHandler = fn),
  },
  net: {
    fetch: async (url: string) => {
      try {
        return new Response(await readFile(fileURLToPath(url)), { status: 200, headers: { 'content-type': 'text/html' } })
      } catch {
        return new Response('missing', { status: 404 })
      }
    },
  },
}))

import { mainWindowOptions, hardenSession, hardenWebContents } from '../../../src-main/electron/window'
import { contentSecurityPolicy } from '../../../src-main/electron/csp'
import { serveRenderer } from '../../../src-main/electron/protocol'
import { registerIpc } from '../../../src-main/electron/ipc'
import { createRouter, operationNames, type Handlers } from '../../../src-main/router'
import { contract } from '../../../src-main/api/index'

beforeEach(() => {
  electron.handlers.clear()
  electron.invoke.length = 0
  electron.sent.length = 0
})

describe('window options', () => {
  it('isolates, sandboxes and strips Node from the renderer', () => {
    const prefs = mainWindowOptions('/app/preload.cjs').webPreferences!
    expect(prefs).toMatchObject({
      preload: '/app/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
    })
  })
})

describe('session', () => {
  it('denies every permission request and check', () => {
    let request: ((contents: unknown, permission: string, callback: (granted: boolean) => void) => void) | undefined
    let check: ((...args: unknown[]) => boolean) | undefined
    hardenSession({
      setPermissionRequestHandler: (fn: typeof request) => (request = fn),
      setPermissionCheckHandler: (fn: typeof check) => (check = fn),
    } as never)
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'fullscreen']) {
      const callback = vi.fn()
      request!({}, permission, callback)
      expect(callback).toHaveBeenCalledWith(false)
      expect(check!({}, permission, 'app://haneul', {})).toBe(false)
    }
  })
})

describe('web contents', () => {
  function fakeContents() {
    const emitter = new EventEmitter()
    let openHandler: ((details: { url: string }) => { action: string }) | undefined
    const contents = Object.assign(emitter, { setWindowOpenHandler: (fn: typeof openHandler) => (openHandler = fn) })
    return { contents, open: (url: string) => openHandler!({ url }) }
  }
  const isAppUrl = (url: string) => url.startsWith('app://haneul/')

  it('blocks navigation and redirects away from the app, and webviews', () => {
    const { contents } = fakeContents()
    hardenWebContents(contents as never, isAppUrl, () => {})
    for (const event of ['will-navigate', 'will-redirect']) {
      const outside = { preventDefault: vi.fn() }
      contents.emit(event, outside, 'https://evil.example/')
      expect(outside.preventDefault).toHaveBeenCalled()
      const inside = { preventDefault: vi.fn() }
      contents.emit(event, inside, 'app://haneul/index.html')
      expect(inside.preventDefault).not.toHaveBeenCalled()
    }
    const webview = { preventDefault: vi.fn() }
    contents.emit('will-attach-webview', webview)
    expect(webview.preventDefault).toHaveBeenCalled()
  })

  it('denies window.open and hands the URL to the allow-list check instead', () => {
    const { contents, open } = fakeContents()
    const external = vi.fn()
    hardenWebContents(contents as never, isAppUrl, external)
    expect(open('https://docs.aws.amazon.com/')).toEqual({ action: 'deny' })
    expect(open('app://haneul/other.html')).toEqual({ action: 'deny' })
    expect(external).toHaveBeenCalledWith('https://docs.aws.amazon.com/')
  })
})

describe('content security policy', () => {
  it('production allows only the app itself, and never eval or inline script', () => {
    const csp = contentSecurityPolicy('production')
    expect(csp).toContain("default-src 'none'")
    expect(csp).toContain("script-src 'self'")
    expect(csp).toContain("object-src 'none'")
    expect(csp).toContain("frame-ancestors 'none'")
    expect(csp).not.toMatch(/unsafe-(eval|inline)/)
  })

  it('development adds only the dev server, still without eval', () => {
    const csp = contentSecurityPolicy('development', 'http://localhost:5173')
    expect(csp).toContain('ws://localhost:5173')
    expect(csp).not.toContain('unsafe-eval')
  })
})

describe('app:// protocol', () => {
  it('serves files from the renderer folder with the CSP, and nothing outside it', async () => {
    const root = mkdtempSync(join(tmpdir(), 'haneul-renderer-'))
    mkdirSync(join(root, 'renderer'))
    writeFileSync(join(root, 'renderer', 'index.html'), '<p>app</p>')
    writeFileSync(join(root, 'secret.txt'), 'outside')
    serveRenderer(join(root, 'renderer'), "default-src 'none'")
    const ok = await electron.protocolHandler!(new Request('app://haneul/index.html'))
    expect(ok.status).toBe(200)
    expect(await ok.text()).toBe('<p>app</p>')
    expect(ok.headers.get('content-security-policy')).toBe("default-src 'none'")
    for (const url of ['app://haneul/%2e%2e/secret.txt', 'app://haneul/..%2fsecret.txt', 'app://other/index.html']) {
      const denied = await electron.protocolHandler!(new Request(url))
      expect(denied.status, url).toBe(404)
    }
  })
})

describe('preload', () => {
  it('exposes exactly one function per operation, plus cancel and onEvent, under window.haneul', async () => {
    electron.exposed.clear()
    const windowListeners: Array<[string, (event: unknown) => void]> = []
    ;(globalThis as unknown as { window: unknown }).window = {
      addEventListener: (type: string, fn: (event: unknown) => void) => windowListeners.push([type, fn]),
    }
    await import('../../../src-main/electron/preload')
    expect([...electron.exposed.keys()]).toEqual(['haneul'])
    const bridge = electron.exposed.get('haneul') as Record<string, Record<string, (...args: unknown[]) => Promise<unknown>>>
    const exposedOperations = Object.entries(bridge).flatMap(([service, value]) =>
      typeof value === 'function' ? [] : Object.keys(value).map((name) => `${service}.${name}`),
    )
    expect(exposedOperations.sort()).toEqual(operationNames().sort())
    expect(
      Object.keys(bridge)
        .filter((k) => typeof bridge[k] === 'function')
        .sort(),
    ).toEqual(['cancel', 'onEvent'])
    await bridge.s3!.listBuckets!({ profileId: 'sandbox' }, 'r1')
    expect(electron.invoke).toEqual([['haneul:s3.listBuckets', { profileId: 'sandbox' }, 'r1']])
    ;(bridge.cancel as unknown as (id: string) => void)('r1')
    expect(electron.sent).toEqual([['haneul:cancel', 'r1']])
    // Dropped files: only a trusted (user-made) drop sends paths to main; the page gets no path.
    const [, onDrop] = windowListeners.find(([type]) => type === 'drop')!
    onDrop({ isTrusted: false, dataTransfer: { files: [{ name: 'forged.txt' }] } })
    onDrop({ isTrusted: true, dataTransfer: { files: [{ name: 'a.txt' }, { name: '사진.jpg' }] } })
    expect(electron.sent.slice(1)).toEqual([['haneul:drop', ['/home/me/a.txt', '/home/me/사진.jpg']]])
  })
})

describe('ipc wiring', () => {
  it('registers one channel per operation and passes the sender frame URL to the router', async () => {
    const calls: string[] = []
    const handlers = Object.fromEntries(
      Object.keys(contract).map((service) => [
        service,
        new Proxy({}, { get: (_t, name) => async () => void calls.push(`${service}.${String(name)}`) }),
      ]),
    ) as unknown as Handlers
    const drops: string[][] = []
    registerIpc(createRouter({ handlers, isTrustedSender: (url) => url === 'app://haneul/index.html' }), {
      isTrustedSender: (url) => url === 'app://haneul/index.html',
      onDrop: (paths) => drops.push(paths),
    })
    for (const name of operationNames()) expect(electron.handlers.has(`haneul:${name}`), name).toBe(true)
    const sender = Object.assign(new EventEmitter(), { id: 7 })
    const handler = electron.handlers.get('haneul:profiles.list')!
    const denied = await handler({ sender, senderFrame: { url: 'https://evil.example/' } }, {}, undefined)
    expect(denied).toMatchObject({ ok: false, error: { code: 'forbidden-sender' } })
    expect(calls).toEqual([])
    const allowed = await handler({ sender, senderFrame: { url: 'app://haneul/index.html' } }, {}, 'r1')
    expect(allowed).toMatchObject({ ok: true })
    expect(calls).toEqual(['profiles.list'])
    // The drop channel (preload only) checks the sender too, and the payload's shape.
    const drop = electron.handlers.get('haneul:drop')!
    drop({ sender, senderFrame: { url: 'https://evil.example/' } }, ['/etc/passwd'])
    drop({ sender, senderFrame: { url: 'app://haneul/index.html' } }, 'not-a-list')
    drop({ sender, senderFrame: { url: 'app://haneul/index.html' } }, [42])
    drop({ sender, senderFrame: { url: 'app://haneul/index.html' } }, ['/home/me/photo.jpg'])
    expect(drops).toEqual([['/home/me/photo.jpg']])
  })
})
