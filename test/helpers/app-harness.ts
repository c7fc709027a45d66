/**
 * Runs main's real services under plain Node for tests: the real router, profile discovery against a
 * fixture home folder, and the sandbox in a real child process (forked with tsx). What the app does in
 * Electron, minus Electron.
 */
import { mkdtempSync, mkdirSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import type { AppEvent } from '../../src-main/api/events'
import { createAppServices, type AppServices } from '../../src-main/app-services'
import { forkWithNode } from '../../src-main/sandbox/host'
import { sameOrigin } from '../../src-main/core/origin'
import type { SecretVault } from '../../src-main/profiles/app-profiles'
import { testVault } from './test-vault'

export const repoRoot = resolve(import.meta.dirname, '../..')
export const sandboxEntry = join(repoRoot, 'src-main/sandbox/process-entry.ts')
export const sandboxAssets = join(repoRoot, 'assets/sandbox')

export interface Harness {
  services: AppServices
  events: AppEvent[]
  /** What the app put on the clipboard, newest last. */
  clipboard: string[]
  /** OS notifications the app showed. */
  notifications: string[]
  dataDir: string
  homeDir: string
  trustedOrigin: string
  close(): Promise<void>
}

export interface HarnessOptions {
  /** Environment seen by profile discovery; HOME points at an empty fixture folder by default. */
  env?: Record<string, string | undefined>
  homeDir?: string
  /** Origin the router trusts as "the app's page". */
  trustedOrigin?: string
  /** Called for every event main emits (the browser bridge forwards them to the page). */
  onEvent?: (event: AppEvent) => void
  vault?: SecretVault
  /** What the OS dialogs answer: files to upload, a download folder. */
  chooseFiles?: () => string[]
  chooseFolder?: () => string | undefined
  /** Reuse a data folder (to restart "the app" on the same state). */
  dataDir?: string
  /** The sandbox's simulated durations (see SandboxDelays) and the watches' first poll, for tests that follow work to its end. */
  sandboxDelays?: { invalidationMs?: number; deploymentMs?: number; pipelineSpeed?: number }
  watchInitialDelayMs?: number
  /** How often the approval watcher polls (default 30 s). */
  approvalPollMs?: number
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'haneul-data-'))
  const homeDir = options.homeDir ?? mkdtempSync(join(tmpdir(), 'haneul-home-'))
  mkdirSync(join(homeDir, '.aws'), { recursive: true })
  const trustedOrigin = options.trustedOrigin ?? 'app://haneul'
  const events: AppEvent[] = []
  const clipboard: string[] = []
  const notifications: string[] = []
  const services = await createAppServices({
    dataDir,
    sandboxAssetsDir: sandboxAssets,
    spawnSandbox: forkWithNode(sandboxEntry, ['--import', 'tsx'], {
      ...process.env,
      ...(options.sandboxDelays?.invalidationMs !== undefined && {
        HANEUL_SANDBOX_INVALIDATION_DELAY_MS: String(options.sandboxDelays.invalidationMs),
      }),
      ...(options.sandboxDelays?.deploymentMs !== undefined && {
        HANEUL_SANDBOX_DEPLOYMENT_DELAY_MS: String(options.sandboxDelays.deploymentMs),
      }),
      ...(options.sandboxDelays?.pipelineSpeed !== undefined && {
        HANEUL_SANDBOX_PIPELINE_SPEED: String(options.sandboxDelays.pipelineSpeed),
      }),
    }),
    watchInitialDelayMs: options.watchInitialDelayMs,
    approvalPollMs: options.approvalPollMs,
    vault: options.vault ?? testVault(),
    env: { HOME: homeDir, ...options.env },
    homeDir,
    isTrustedSender: sameOrigin(trustedOrigin),
    openExternal: async () => {},
    writeClipboard: async (text) => void clipboard.push(text),
    chooseFiles: async () => options.chooseFiles?.() ?? [],
    chooseFolder: async () => options.chooseFolder?.(),
    notify: (title, body) => void notifications.push(`${title}: ${body}`),
    showInFolder: () => {},
    emit: (event) => {
      events.push(event)
      options.onEvent?.(event)
    },
    appInfo: { version: '0.0.0-test', platform: process.platform, osLocale: 'en-US' },
    log: () => {},
  })
  await services.sandbox.whenReady()
  return {
    services,
    events,
    clipboard,
    notifications,
    dataDir,
    homeDir,
    trustedOrigin,
    async close() {
      await services.close()
      await rm(dataDir, { recursive: true, force: true })
    },
  }
}
