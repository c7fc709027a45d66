/**
 * The world the S3 browser's integration tests run in: an in-process sandbox (so tests can read the
 * server's own state from its store and request log, and move its clock), the app's real services
 * and router from the harness, and ~/.aws profiles pointing at that sandbox:
 *
 *  - aws:main     the sandbox key (path-style addressing, as an S3-compatible store would be set up)
 *  - aws:other    a second credential: copies to it stream across profiles
 *  - aws:limited  a credential refused s3:DeleteObject, s3:PutObjectTagging and s3:ListBucketMultipartUploads
 */
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'vitest'
import type { JobSnapshot } from '../../src-main/api/jobs'
import type { Result } from '../../src-main/api/contract'
import { s3Api } from '../../src-main/api/s3'
import type { AppEvent } from '../../src-main/api/events'
import { toApiError } from '../../src-main/core/errors'
import { JobRunner } from '../../src-main/jobs/job-runner'
import { OfflineFirst } from '../../src-main/offline/offline-first'
import type { S3Config } from '../../src-main/s3/config'
import { createS3Handlers } from '../../src-main/s3/handlers'
import { SANDBOX_ACCESS_KEY_ID, SANDBOX_SECRET_ACCESS_KEY } from '../../src-main/sandbox/credentials'
import { startSandbox, type RunningSandbox } from '../../src-main/sandbox/servers'
import { sandboxAssets, startHarness, type Harness } from './app-harness'

export const SENDER = 'app://haneul/index.html'

const OTHER = { accessKeyId: 'AKIAHANEULOTHER00001', secretAccessKey: 'other-secret-key' }
const LIMITED = { accessKeyId: 'AKIAHANEULLIMITED001', secretAccessKey: 'limited-secret-key' }

export interface S3World {
  sandbox: RunningSandbox
  harness: Harness
  /** Moves the sandbox's clock (restores finishing, presigned URLs expiring). */
  clock: { offsetMs: number }
  /** A call through the real router: sender check, contract validation, handler. */
  call<T = unknown>(operation: string, payload: unknown, signal?: AbortSignal): Promise<Result<T>>
  /** call() that must succeed; returns the value. */
  ok<T = unknown>(operation: string, payload: unknown): Promise<T>
  /** Waits for a job's job.done event. */
  job(jobId: string): Promise<JobSnapshot>
  close(): Promise<void>
}

export async function startWorld(): Promise<S3World> {
  const clock = { offsetMs: 0 }
  const sandboxDir = mkdtempSync(join(tmpdir(), 'haneul-s3-sb-'))
  const sandbox = await startSandbox({ dataDir: sandboxDir, assetsDir: sandboxAssets, nowMs: () => Date.now() + clock.offsetMs })
  sandbox.credentials.add({ ...OTHER, arn: 'arn:aws:iam::210987654321:user/other' })
  sandbox.credentials.add({
    ...LIMITED,
    arn: 'arn:aws:iam::123456789012:user/limited',
    deniedActions: ['s3:DeleteObject', 's3:PutObjectTagging', 's3:ListBucketMultipartUploads'],
  })

  const home = mkdtempSync(join(tmpdir(), 'haneul-s3-home-'))
  mkdirSync(join(home, '.aws'))
  writeFileSync(
    join(home, '.aws', 'credentials'),
    [
      `[main]\naws_access_key_id = ${SANDBOX_ACCESS_KEY_ID}\naws_secret_access_key = ${SANDBOX_SECRET_ACCESS_KEY}`,
      `[other]\naws_access_key_id = ${OTHER.accessKeyId}\naws_secret_access_key = ${OTHER.secretAccessKey}`,
      `[limited]\naws_access_key_id = ${LIMITED.accessKeyId}\naws_secret_access_key = ${LIMITED.secretAccessKey}`,
    ].join('\n'),
  )
  writeFileSync(
    join(home, '.aws', 'config'),
    [
      '[profile main]',
      'region = us-east-1',
      'services = local',
      's3 =',
      '  addressing_style = path',
      '[profile other]',
      'region = us-east-1',
      'services = local',
      '[profile limited]',
      'region = us-east-1',
      'services = local',
      '[services local]',
      's3 =',
      `  endpoint_url = ${sandbox.endpoints.s3}`,
    ].join('\n'),
  )
  const harness = await startHarness({ homeDir: home })

  const call = <T>(operation: string, payload: unknown, signal = new AbortController().signal) =>
    harness.services.router.handle(operation, payload, { senderUrl: SENDER, signal }) as Promise<Result<T>>
  return {
    sandbox,
    harness,
    clock,
    call,
    async ok<T>(operation: string, payload: unknown) {
      const result = await call<T>(operation, payload)
      if (!result.ok) expect.fail(`${operation} failed: ${result.error.code}: ${result.error.message}`)
      return result.value
    },
    async job(jobId: string) {
      for (;;) {
        const done = harness.events.find((event) => event.type === 'job.done' && event.job.jobId === jobId)
        if (done && done.type === 'job.done') return done.job
        await new Promise((resolve) => setTimeout(resolve, 10))
      }
    },
    async close() {
      await harness.close()
      await sandbox.close()
      await rm(sandboxDir, { recursive: true, force: true })
      await rm(home, { recursive: true, force: true })
    },
  }
}

/**
 * The s3.* handlers built with other tuning (small multipart thresholds), over the harness's real
 * profiles and clients. Calls are validated with the contract's schemas exactly as the router does.
 */
export function handlersWith(world: S3World, config: Partial<S3Config>) {
  const events: AppEvent[] = []
  const jobs = new JobRunner({ emit: (event) => void events.push(event) })
  const { services } = world.harness
  const handlers = createS3Handlers({
    clients: services.clients,
    offline: new OfflineFirst(services.snapshots, services.connectivity, 's3'),
    jobs,
    writeClipboard: async () => {},
    log: () => {},
    config,
  }) as unknown as Record<string, (input: unknown, context: { senderUrl: string; signal: AbortSignal }) => Promise<unknown>>
  return {
    async ok<T = unknown>(operation: keyof typeof s3Api, payload: unknown): Promise<T> {
      const input = s3Api[operation].input.parse(payload)
      try {
        return (await handlers[operation]!(input, { senderUrl: SENDER, signal: new AbortController().signal })) as T
      } catch (error) {
        const { code, message } = toApiError(error)
        return expect.fail(`${operation} failed: ${code}: ${message}`)
      }
    },
    async job(jobId: string): Promise<JobSnapshot> {
      for (;;) {
        const done = events.find((event) => event.type === 'job.done' && event.job.jobId === jobId)
        if (done && done.type === 'job.done') return done.job
        await new Promise((resolve) => setTimeout(resolve, 10))
      }
    },
  }
}

/** The emulator's view of the latest version of a key (undefined if absent or a delete marker). */
export function serverObject(world: S3World, bucket: string, key: string) {
  const record = world.sandbox.s3.store.getObjectRecord(bucket, key)
  return record && !record.deleteMarker ? record : undefined
}
