/**
 * The contract's transfers.* operations, and the transfer module's lifetime: the engine restores the
 * jobs a crash or quit interrupted when the module starts, and stops them (journals kept) when it
 * closes. Transfers wait for a lost S3 endpoint instead of failing.
 */
import { join } from 'node:path'
import type { AppEvent } from '../api/events'
import type { SettingsStore } from '../core/settings'
import type { ConnectivityMonitor } from '../offline/connectivity'
import type { OfflineFirst } from '../offline/offline-first'
import type { ModuleOf } from '../router'
import { presignGet } from '../s3/index'
import { MiB, resolveTransferConfig, type TransferConfig } from './config'
import type { S3ClientSource } from './deps'
import { DragOutServer } from './drag-out'
import { DropRegistry } from './drops'
import { TransferEngine } from './engine'
import { TransfersService } from './service'

export interface TransfersModuleDeps {
  /** Journals live in `<dataDir>/transfers`. */
  dataDir: string
  settings: SettingsStore
  clients: S3ClientSource
  connectivity: ConnectivityMonitor
  /** S3's offline-aware calls (the endpoint transfers talk to). */
  offline: OfflineFirst
  emit: (event: AppEvent) => void
  /** The OS file dialog: files (or folders) to upload; empty when the user cancels. */
  chooseFiles: (folders: boolean) => Promise<string[]>
  chooseFolder: () => Promise<string | undefined>
  notify: (title: string, body: string) => void
  showInFolder: (path: string) => void
  log?: (message: string) => void
}

export interface TransfersModule extends ModuleOf<'transfers'> {
  engine: TransferEngine
  transfers: TransfersService
}

const toTransferSettings = (config: TransferConfig) => ({
  concurrency: config.concurrency,
  partSizeMiB: Math.round(config.partSizeBytes / MiB),
  maxBandwidthMiBps: config.maxBandwidthBytesPerSecond / MiB,
})

export async function createTransfersModule(deps: TransfersModuleDeps): Promise<TransfersModule> {
  const { settings, clients, connectivity, offline } = deps
  const engine = new TransferEngine({
    clients,
    journalDir: join(deps.dataDir, 'transfers'),
    config: settings.get().transfers,
    log: deps.log,
    // Transfers wait for a lost network instead of failing, and resume when it returns.
    connectivity: {
      isOnline: (id) => connectivity.state(id, 's3') !== 'offline',
      waitUntilOnline: (id, signal) => connectivity.waitUntilOnline(id, 's3', signal),
      reportUnreachable: (id) => connectivity.reportOffline(id, 's3'),
    },
  })
  // Jobs a crash or quit interrupted come back and carry on where their journals stopped.
  await engine.restore({ autoResume: true })
  const transfers = new TransfersService({
    engine,
    drops: new DropRegistry(),
    clients,
    emit: deps.emit,
    chooseFolder: deps.chooseFolder,
    notify: deps.notify,
    showInFolder: deps.showInFolder,
  })
  const dragOut = new DragOutServer()

  return {
    engine,
    transfers,
    handlers: {
      list: async () => ({ transfers: transfers.list() }),
      settings: async () => ({ current: toTransferSettings(engine.settings), defaults: toTransferSettings(resolveTransferConfig()) }),
      updateSettings: async (input) => {
        const change = {
          concurrency: input.concurrency,
          partSizeBytes: input.partSizeMiB * MiB,
          maxBandwidthBytesPerSecond: Math.round(input.maxBandwidthMiBps * MiB),
        }
        engine.configure(change)
        await settings.update({ transfers: change })
        return { current: toTransferSettings(engine.settings) }
      },
      chooseFiles: async ({ folders }) => {
        const paths = await deps.chooseFiles(folders)
        if (!paths.length) return { items: [] }
        return { dropId: await transfers.registerDrop(paths), items: [] }
      },
      planUpload: async (input, { signal }) => offline.network(input.profileId, () => transfers.planUpload(input, signal)),
      startUpload: async (input) => offline.network(input.profileId, () => transfers.startUpload(input)),
      download: async (input) => transfers.download(input),
      pause: async ({ jobId }) => (transfers.pause(jobId), { ok: true as const }),
      resume: async ({ jobId }) => (transfers.resume(jobId), { ok: true as const }),
      retry: async ({ jobId }) => (transfers.retry(jobId), { ok: true as const }),
      cancel: async ({ jobId }) => (await transfers.cancel(jobId), { ok: true as const }),
      clearFinished: async () => ({ removed: transfers.clearFinished() }),
      showInFolder: async ({ jobId }) => (transfers.showInFolder(jobId), { ok: true as const }),
      dragOut: async ({ profileId, bucket, key }) => {
        const { url } = await offline.network(profileId, async () =>
          presignGet(await clients.s3(profileId), { bucket, key, expiresInSeconds: 900 }),
        )
        // Chromium's DownloadURL format is "mime:filename:url": a ':' would break it; control characters have no place in a file name.
        // eslint-disable-next-line no-control-regex
        const name = (key.split('/').filter(Boolean).pop() ?? 'download').replace(/[:\u0000-\u001f\u007f]/g, '_')
        return { downloadUrl: `application/octet-stream:${name}:${await dragOut.register(url, name)}` }
      },
    },
    async close() {
      transfers.close()
      await dragOut.close()
      // Transfers stop where their journals say; the next start resumes them.
      await engine.close()
    },
  }
}
