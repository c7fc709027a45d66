/**
 * The world the costs module's integration tests run in: an in-process sandbox (S3 and CloudWatch
 * emulators, their state and a clock the test moves), the app's real services from the harness with
 * ~/.aws profiles `aws:main` and `aws:no-metrics` (its policy denies cloudwatch:*) pointing at that
 * sandbox, and costs modules opened on demand. Every call goes through the real router.
 */
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { S3Client } from '@aws-sdk/client-s3'
import { expect } from 'vitest'
import type { Result } from '../../src-main/api/contract'
import { costsApi } from '../../src-main/api/costs'
import type { AppEvent } from '../../src-main/api/events'
import { createCostsModule, type CostsClientSource, type CostsModuleDeps } from '../../src-main/costs/handlers'
import { OfflineFirst } from '../../src-main/offline/offline-first'
import { createRouter } from '../../src-main/router'
import { SANDBOX_ACCESS_KEY_ID, SANDBOX_SECRET_ACCESS_KEY } from '../../src-main/sandbox/credentials'
import { startSandbox, type RunningSandbox } from '../../src-main/sandbox/servers'
import { sandboxAssets, startHarness, type Harness } from './app-harness'

export const SENDER = 'app://haneul/index.html'
export const PROFILE = 'aws:main'
/** A profile whose IAM policy denies every CloudWatch action. */
export const NO_METRICS_PROFILE = 'aws:no-metrics'
const NO_METRICS = { accessKeyId: 'AKIAHANEULNOMETRICS1', secretAccessKey: 'no-metrics-secret-key' }
export const DAY_MS = 86_400_000

export interface OpenCosts {
  events: AppEvent[]
  call<T = unknown>(operation: string, payload: unknown, options?: { requestId?: string; signal?: AbortSignal }): Promise<Result<T>>
  ok<T = unknown>(operation: string, payload: unknown, options?: { requestId?: string }): Promise<T>
}

export interface CostsWorld {
  sandbox: RunningSandbox
  harness: Harness
  clock: { offsetMs: number }
  nowMs(): number
  /** A raw SDK client on the S3 emulator: to set the scene and check the server's state independently. */
  raw: S3Client
  open(
    options?: Partial<Pick<CostsModuleDeps, 'pageSize' | 'keepScans' | 'settings'>> & {
      clients?: CostsClientSource
      onEvent?: (event: AppEvent) => void
    },
  ): OpenCosts
  close(): Promise<void>
}

export async function startCostsWorld(): Promise<CostsWorld> {
  const clock = { offsetMs: 0 }
  const nowMs = () => Date.now() + clock.offsetMs
  const sandboxDir = mkdtempSync(join(tmpdir(), 'haneul-costs-sb-'))
  const sandbox = await startSandbox({ dataDir: sandboxDir, assetsDir: sandboxAssets, nowMs })
  sandbox.credentials.add({ ...NO_METRICS, arn: 'arn:aws:iam::123456789012:user/no-metrics', deniedActions: ['cloudwatch:*'] })
  const home = mkdtempSync(join(tmpdir(), 'haneul-costs-home-'))
  mkdirSync(join(home, '.aws'))
  writeFileSync(
    join(home, '.aws', 'credentials'),
    [
      `[main]\naws_access_key_id = ${SANDBOX_ACCESS_KEY_ID}\naws_secret_access_key = ${SANDBOX_SECRET_ACCESS_KEY}`,
      `[no-metrics]\naws_access_key_id = ${NO_METRICS.accessKeyId}\naws_secret_access_key = ${NO_METRICS.secretAccessKey}`,
    ].join('\n'),
  )
  writeFileSync(
    join(home, '.aws', 'config'),
    [
      '[profile main]',
      'region = us-east-1',
      'services = local',
      '[profile no-metrics]',
      'region = us-east-1',
      'services = local',
      '[services local]',
      's3 =',
      `  endpoint_url = ${sandbox.endpoints.s3}`,
      'cloudwatch =',
      `  endpoint_url = ${sandbox.endpoints.cloudwatch}`,
    ].join('\n'),
  )
  const harness = await startHarness({ homeDir: home })
  const raw = new S3Client({
    endpoint: sandbox.endpoints.s3,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: SANDBOX_ACCESS_KEY_ID, secretAccessKey: SANDBOX_SECRET_ACCESS_KEY },
  })

  function open(options: Parameters<CostsWorld['open']>[0] = {}): OpenCosts {
    const events: AppEvent[] = []
    const { services } = harness
    const module = createCostsModule({
      clients: options.clients ?? (services.clients as unknown as CostsClientSource),
      s3Offline: new OfflineFirst(services.snapshots, services.connectivity, 's3'),
      cloudwatchOffline: new OfflineFirst(services.snapshots, services.connectivity, 'cloudwatch'),
      snapshots: services.snapshots,
      settings: options.settings ?? { get: () => ({}) },
      emit: (event) => {
        events.push(event)
        options.onEvent?.(event)
      },
      log: () => {},
      nowMs,
      pageSize: options.pageSize,
      keepScans: options.keepScans,
    })
    const router = createRouter({
      contract: { costs: costsApi },
      handlers: { costs: module.handlers },
      isTrustedSender: (url) => url === SENDER,
    })
    const call = <T>(operation: string, payload: unknown, callOptions: { requestId?: string; signal?: AbortSignal } = {}) =>
      router.handle(`costs.${operation}`, payload, {
        senderUrl: SENDER,
        signal: callOptions.signal ?? new AbortController().signal,
        requestId: callOptions.requestId,
      }) as Promise<Result<T>>
    return {
      events,
      call,
      async ok<T>(operation: string, payload: unknown, callOptions?: { requestId?: string }) {
        const result = await call<T>(operation, payload, callOptions)
        if (!result.ok) expect.fail(`${operation} failed: ${result.error.code}: ${result.error.message}`)
        return result.value
      },
    }
  }

  return {
    sandbox,
    harness,
    clock,
    nowMs,
    raw,
    open,
    async close() {
      raw.destroy()
      await harness.close()
      await sandbox.close()
      for (const dir of [sandboxDir, home]) await rm(dir, { recursive: true, force: true })
    },
  }
}
