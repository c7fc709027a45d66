/**
 * The world the CloudFront module's integration tests run in: an in-process sandbox (its CloudFront and
 * CloudWatch emulators' state, faults and clock in reach), the app's real services from the harness
 * with an ~/.aws profile `aws:main` pointing at that sandbox, and CloudFront modules opened on demand with
 * manual timers and a data folder of the test's choosing (to close and reopen "the app" on the same one).
 * Every call goes through the real router: sender check, contract validation, handler.
 */
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CloudFrontClient } from '@aws-sdk/client-cloudfront'
import { expect } from 'vitest'
import { cloudfrontApi } from '../../src-main/api/cloudfront'
import type { Result } from '../../src-main/api/contract'
import type { AppEvent } from '../../src-main/api/events'
import { createCloudFrontModule, type AnalyzeLogs } from '../../src-main/cloudfront/handlers'
import { Watchers } from '../../src-main/jobs/watchers'
import { OfflineFirst } from '../../src-main/offline/offline-first'
import { createRouter, type ModuleOf, type Router } from '../../src-main/router'
import type { CloudFrontEmulator } from '../../src-main/sandbox/cloudfront/index'
import type { CloudWatchEmulator } from '../../src-main/sandbox/cloudwatch/index'
import { SANDBOX_ACCESS_KEY_ID, SANDBOX_SECRET_ACCESS_KEY } from '../../src-main/sandbox/credentials'
import { startSandbox, type RunningSandbox } from '../../src-main/sandbox/servers'
import { sandboxAssets, startHarness, type Harness } from './app-harness'
import { manualTimers } from './manual-timers'

export const SENDER = 'app://haneul/index.html'
export const PROFILE = 'aws:main'
/** A profile whose IAM policy denies cloudfront:CreateInvalidation. */
export const LIMITED_PROFILE = 'aws:limited'
const LIMITED = { accessKeyId: 'AKIAHANEULCFLIMIT001', secretAccessKey: 'cf-limited-secret-key' }

export interface OpenModule {
  module: ModuleOf<'cloudfront'>
  router: Router
  events: AppEvent[]
  notifications: string[]
  timers: ReturnType<typeof manualTimers>
  call<T = unknown>(operation: string, payload: unknown, options?: { requestId?: string; signal?: AbortSignal }): Promise<Result<T>>
  ok<T = unknown>(operation: string, payload: unknown, options?: { requestId?: string }): Promise<T>
  /**
   * Fires the module's timers (watch polls, queue retries) until `done()` holds, letting each fired
   * timer's requests to the emulator finish before the next. No clock is read: the emulator's clock
   * moves only when the test moves it.
   */
  drive(done: () => boolean, what: string): Promise<void>
  close(): Promise<void>
}

export interface CloudFrontWorld {
  sandbox: RunningSandbox
  cloudfront: CloudFrontEmulator
  cloudwatch: CloudWatchEmulator
  harness: Harness
  /** The sandbox's clock is the real one plus this. */
  clock: { offsetMs: number }
  nowMs(): number
  /** A raw SDK client on the emulator: to set the scene and check the server's state independently. */
  raw: CloudFrontClient
  /** The harness's router (the module as app-services wires it, with real timers). */
  appCall<T = unknown>(operation: string, payload: unknown): Promise<Result<T>>
  openModule(options?: { dataDir?: string; analyzeLogs?: AnalyzeLogs }): Promise<OpenModule>
  /** Stops the in-process sandbox: its endpoints refuse connections from now on (offline tests). */
  stopSandbox(): Promise<void>
  close(): Promise<void>
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 5))

export async function startCloudFrontWorld(): Promise<CloudFrontWorld> {
  const clock = { offsetMs: 0 }
  const nowMs = () => Date.now() + clock.offsetMs
  const sandboxDir = mkdtempSync(join(tmpdir(), 'haneul-cf-sb-'))
  const sandbox = await startSandbox({ dataDir: sandboxDir, assetsDir: sandboxAssets, nowMs })
  sandbox.credentials.add({
    ...LIMITED,
    arn: 'arn:aws:iam::123456789012:user/cf-limited',
    deniedActions: ['cloudfront:CreateInvalidation'],
  })
  const home = mkdtempSync(join(tmpdir(), 'haneul-cf-home-'))
  mkdirSync(join(home, '.aws'))
  writeFileSync(
    join(home, '.aws', 'credentials'),
    [
      `[main]\naws_access_key_id = ${SANDBOX_ACCESS_KEY_ID}\naws_secret_access_key = ${SANDBOX_SECRET_ACCESS_KEY}`,
      `[limited]\naws_access_key_id = ${LIMITED.accessKeyId}\naws_secret_access_key = ${LIMITED.secretAccessKey}`,
    ].join('\n'),
  )
  writeFileSync(
    join(home, '.aws', 'config'),
    [
      '[profile main]',
      'region = us-east-1',
      'services = local',
      '[profile limited]',
      'region = us-east-1',
      'services = local',
      '[services local]',
      's3 =',
      `  endpoint_url = ${sandbox.endpoints.s3}`,
      'cloudfront =',
      `  endpoint_url = ${sandbox.endpoints.cloudfront}`,
      'cloudwatch =',
      `  endpoint_url = ${sandbox.endpoints.cloudwatch}`,
    ].join('\n'),
  )
  const harness = await startHarness({ homeDir: home })
  const raw = new CloudFrontClient({
    endpoint: sandbox.endpoints.cloudfront,
    region: 'us-east-1',
    credentials: { accessKeyId: SANDBOX_ACCESS_KEY_ID, secretAccessKey: SANDBOX_SECRET_ACCESS_KEY },
  })
  const opened: OpenModule[] = []
  const moduleDirs: string[] = []
  let sandboxClosed = false

  async function openModule(options: { dataDir?: string; analyzeLogs?: AnalyzeLogs } = {}): Promise<OpenModule> {
    const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'haneul-cf-data-'))
    moduleDirs.push(dataDir)
    const events: AppEvent[] = []
    const notifications: string[] = []
    const timers = manualTimers()
    const emit = (event: AppEvent) => void events.push(event)
    const { services } = harness
    const watchers = new Watchers({ emit, setTimer: timers.setTimer, nowMs })
    const module = await createCloudFrontModule({
      clients: services.clients,
      offline: new OfflineFirst(services.snapshots, services.connectivity, 'cloudfront'),
      cloudwatchOffline: new OfflineFirst(services.snapshots, services.connectivity, 'cloudwatch'),
      watchers,
      emit,
      notify: (title, body) => void notifications.push(`${title}: ${body}`),
      dataDir,
      analyzeLogs: options.analyzeLogs,
      nowMs,
      setTimer: timers.setTimer,
    })
    const router = createRouter({
      contract: { cloudfront: cloudfrontApi },
      handlers: { cloudfront: module.handlers },
      isTrustedSender: (url) => url === SENDER,
    })
    const call = <T>(operation: string, payload: unknown, callOptions: { requestId?: string; signal?: AbortSignal } = {}) =>
      router.handle(operation, payload, {
        senderUrl: SENDER,
        signal: callOptions.signal ?? new AbortController().signal,
        requestId: callOptions.requestId,
      }) as Promise<Result<T>>
    const open: OpenModule = {
      module,
      router,
      events,
      notifications,
      timers,
      call,
      async ok<T>(operation: string, payload: unknown, callOptions?: { requestId?: string }) {
        const result = await call<T>(operation, payload, callOptions)
        if (!result.ok) expect.fail(`${operation} failed: ${result.error.code}: ${result.error.message}`)
        return result.value
      },
      async drive(done, what) {
        for (let round = 0; round < 2000; round++) {
          if (done()) return
          // Let requests started by the last timer reach the emulator and come back.
          await settle()
          if (done()) return
          if (timers.delays().length) await timers.fireNext()
        }
        expect.fail(`gave up waiting for ${what}`)
      },
      async close() {
        await module.close?.()
        watchers.close()
      },
    }
    opened.push(open)
    return open
  }

  return {
    sandbox,
    cloudfront: sandbox.emulators.cloudfront as unknown as CloudFrontEmulator,
    cloudwatch: sandbox.emulators.cloudwatch as unknown as CloudWatchEmulator,
    harness,
    clock,
    nowMs,
    raw,
    appCall: <T>(operation: string, payload: unknown) =>
      harness.services.router.handle(operation, payload, { senderUrl: SENDER, signal: new AbortController().signal }) as Promise<Result<T>>,
    openModule,
    async stopSandbox() {
      sandboxClosed = true
      await sandbox.close()
    },
    async close() {
      for (const open of opened) await open.close()
      raw.destroy()
      await harness.close()
      if (!sandboxClosed) await sandbox.close()
      sandboxClosed = true
      for (const dir of [sandboxDir, home, ...moduleDirs]) await rm(dir, { recursive: true, force: true })
    },
  }
}
