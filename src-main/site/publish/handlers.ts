/**
 * The contract's publish.* operations. S3 calls go through OfflineFirst('s3'), CloudFront's through the
 * CloudFront module's own handlers (paths encoded, priced, queued and watched there).
 */
import { join } from 'node:path'
import type { S3Client } from '@aws-sdk/client-s3'
import type { AppEvent } from '../../api/events'
import type { OfflineFirst } from '../../offline/offline-first'
import type { Handlers, ModuleOf } from '../../router'
import type { TransferEngine } from '../../transfers/index'
import { PublishService } from './service'
import { PublishStore } from './store'

export interface PublishModuleDeps {
  /** State lives in `<dataDir>/publish/`. */
  dataDir: string
  s3: (profileId: string) => Promise<S3Client>
  s3Offline: OfflineFirst
  engine: TransferEngine
  cloudfront: Handlers['cloudfront']
  /** The OS folder dialog (the transfers' file chooser, for folders); empty when cancelled. */
  chooseFiles: (folders: boolean) => Promise<string[]>
  emit: (event: AppEvent) => void
  notify: (title: string, body: string) => void
  /** Continue publishes a quit interrupted as soon as the module opens (default true). */
  autoResume?: boolean
  nowMs?: () => number
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>
  pollDelayMs?: { initial: number; max: number }
  log?: (message: string) => void
}

export interface PublishModule extends ModuleOf<'publish'> {
  service: PublishService
}

export async function createPublishModule(deps: PublishModuleDeps): Promise<PublishModule> {
  const service = new PublishService({
    s3: deps.s3,
    network: (profileId, work) => deps.s3Offline.network(profileId, work),
    engine: deps.engine,
    cloudfront: deps.cloudfront,
    chooseFolder: async () => (await deps.chooseFiles(true))[0],
    store: new PublishStore(join(deps.dataDir, 'publish'), deps.log),
    emit: deps.emit,
    notify: deps.notify,
    nowMs: deps.nowMs,
    sleep: deps.sleep,
    pollDelayMs: deps.pollDelayMs,
    log: deps.log,
  })
  await service.open({ autoResume: deps.autoResume ?? true })
  return {
    service,
    handlers: {
      chooseFolder: async () => service.chooseFolder(),
      rules: async ({ profileId, bucket, originPath }) => service.rules(profileId, bucket, originPath),
      saveRules: async ({ profileId, bucket, originPath, rules }) => service.saveRules(profileId, bucket, originPath, rules),
      plan: async (input, { signal }) => service.plan(input, signal),
      start: async ({ planId }) => ({ publish: await service.start(planId) }),
      list: async () => ({ publishes: service.list() }),
      resume: async ({ publishId }) => ({ publish: service.resume(publishId) }),
      dismiss: async ({ publishId, abandon }) => (await service.dismiss(publishId, abandon), { ok: true as const }),
    },
    close: () => service.close(),
  }
}
