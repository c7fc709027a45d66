/**
 * The Electron glue runs: main.ts, ipc.ts and preload.ts are loaded as they are, against an in-memory
 * stand-in of the Electron modules (test/helpers/electron-stand-in.ts) whose utilityProcess is a real
 * child process. A real operation (the sandbox's bucket list) and a real event go through
 * preload → ipcRenderer → ipcMain → router → services and back.
 */
import { mkdtempSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type { AppEvent, HaneulBridge } from '../../../src-main/api/index'
import { channels } from '../../../src-main/api/bridge'
import { operationNames } from '../../../src-main/router'
import { electronStandIn as electron } from '../../helpers/electron-stand-in'

vi.mock('electron', async () => (await import('../../helpers/electron-stand-in')).electronStandIn.module)

const awsDir = mkdtempSync(join(tmpdir(), 'haneul-glue-aws-'))
let haneul: HaneulBridge

beforeAll(async () => {
  // Profile discovery must not read this machine's ~/.aws.
  vi.stubEnv('AWS_CONFIG_FILE', join(awsDir, 'config'))
  vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', join(awsDir, 'credentials'))
  vi.stubEnv('AWS_PROFILE', undefined)
  vi.stubEnv('AWS_ACCESS_KEY_ID', undefined)
  vi.stubEnv('ELECTRON_RENDERER_URL', undefined)
  const main = await import('../../../src-main/electron/main')
  await main.ready
  // The page's world: preload listens for drops on it.
  vi.stubGlobal('window', new EventTarget())
  // preload.ts belongs to the DOM-typed preload project; imported by path so this (Node) project does not type it.
  await import(/* @vite-ignore */ fileURLToPath(new URL('../../../src-main/electron/preload.ts', import.meta.url)))
  haneul = electron.exposed.get('haneul') as HaneulBridge
})

afterAll(async () => {
  vi.unstubAllEnvs()
  vi.unstubAllGlobals()
  await rm(awsDir, { recursive: true, force: true })
  await rm(electron.userData, { recursive: true, force: true })
})

/** Every function path of an exposed object: "s3.listBuckets", "cancel", … */
function functionPaths(value: unknown, prefix = ''): string[] {
  return Object.entries(value as Record<string, unknown>).flatMap(([key, entry]) =>
    typeof entry === 'function' ? [`${prefix}${key}`] : functionPaths(entry, `${prefix}${key}.`),
  )
}

describe('the Electron glue', () => {
  it('loads the window from app://haneul with the bundled preload, and starts the sandbox in a utility process', () => {
    expect(electron.windows).toHaveLength(1)
    const window = electron.windows[0]!
    expect(window.webContents.url).toBe('app://haneul/index.html')
    expect((window.options as { webPreferences: { preload: string } }).webPreferences.preload).toMatch(/preload[\\/]preload\.cjs$/)
    expect(electron.children).toHaveLength(1)
    expect(electron.children[0]!.entry).toMatch(/sandbox\.js$/)
    // One ipcMain channel per contract operation, plus nothing generic.
    expect(electron.ipcChannels().sort()).toEqual(operationNames().map(channels.operation).sort())
  })

  it('exposes exactly the contract’s operations plus cancel and onEvent, and nothing else', () => {
    expect([...electron.exposed.keys()]).toEqual(['haneul'])
    expect(functionPaths(haneul).sort()).toEqual([...operationNames(), 'cancel', 'onEvent'].sort())
  })

  it('lists the sandbox buckets through preload, ipcRenderer.invoke, ipcMain.handle and the router', async () => {
    const result = await haneul.s3.listBuckets({ profileId: 'sandbox' })
    expect(result.ok).toBe(true)
    expect(result.ok && result.value.buckets.map((b) => b.name)).toEqual(['haneul-demo-logs', 'haneul-demo-site'])
    // The router's checks run behind ipcMain too: a bad payload is refused with the broken rule.
    const bad = await haneul.s3.listBuckets({ profileId: '' } as never)
    expect(bad).toMatchObject({ ok: false, error: { code: 'bad-request' } })
  })

  it('delivers main’s events to onEvent listeners through webContents.send, until unsubscribed', async () => {
    const events: AppEvent[] = []
    const unsubscribe = haneul.onEvent((event) => events.push(event))
    const switched = await haneul.profiles.setActive({ profileId: 'sandbox' })
    expect(switched).toEqual({ ok: true, value: { activeId: 'sandbox' } })
    expect(events).toContainEqual(expect.objectContaining({ type: 'profiles.changed', activeId: 'sandbox' }))
    unsubscribe()
    const count = events.length
    await haneul.profiles.reload({})
    expect(events).toHaveLength(count)
  })

  it('stops the sandbox child when the app quits', async () => {
    electron.module.app.quit()
    await electron.quit
    await expect(electron.children[0]!.exited).resolves.toBe(0)
  })
})
