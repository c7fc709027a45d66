/**
 * Builds main's services and the router from the side effects handed in. The Electron glue calls this
 * with Electron's pieces (utilityProcess, safeStorage, shell, app paths); tests call it with plain Node
 * ones. Nothing here imports 'electron'.
 */
import { join } from 'node:path'
import { fromEnv, fromIni } from '@aws-sdk/credential-providers'
import type { AppEvent } from './api/events'
import { HaneulError } from './core/errors'
import { isAllowedExternalUrl } from './core/external-links'
import { SettingsStore } from './core/settings'
import { ConnectivityMonitor } from './offline/connectivity'
import { OfflineFirst } from './offline/offline-first'
import { tcpProbe } from './offline/probe'
import { DEFAULT_SNAPSHOT_MAX_BYTES, SnapshotStore } from './offline/snapshot-store'
import { AppProfileStore, type SecretVault } from './profiles/app-profiles'
import { AwsClients } from './profiles/clients'
import { configPaths, discoverProfiles, type DiscoveredProfile } from './profiles/discovery'
import { MfaPrompts } from './profiles/mfa-prompts'
import { ProfileService } from './profiles/profile-service'
import { createRouter, type Handlers, type Router } from './router'
import { storageClassTable } from './costs/prices'
import { createJobsHandlers } from './jobs/handlers'
import { JobRunner } from './jobs/job-runner'
import { createS3Handlers } from './s3/handlers'
import { SANDBOX_ACCESS_KEY_ID, SANDBOX_SECRET_ACCESS_KEY } from './sandbox/credentials'
import { SandboxHost, type SpawnSandboxWorker } from './sandbox/host'
import { TransferEngine } from './transfers/engine'
import { MiB, resolveTransferConfig, type TransferConfig } from './transfers/config'
import { DropRegistry } from './transfers/drops'
import { TransfersService } from './transfers/service'
import { DragOutServer } from './transfers/drag-out'
import { presignGet } from './s3/presign'

export interface AppServicesOptions {
  /** Where Haneul keeps its own state (settings, snapshots, sandbox data, transfer journals). */
  dataDir: string
  /** assets/sandbox, the sandbox's seed data. */
  sandboxAssetsDir: string
  spawnSandbox: SpawnSandboxWorker
  /** Encrypts Haneul-profile secrets (Electron safeStorage in the app). */
  vault: SecretVault
  env: Record<string, string | undefined>
  homeDir?: string
  isTrustedSender: (url: string) => boolean
  openExternal: (url: string) => Promise<void>
  writeClipboard: (text: string) => void
  /** The OS file dialog: files (or folders) to upload; empty when the user cancels. */
  chooseFiles: (folders: boolean) => Promise<string[]>
  /** The OS folder dialog for downloads; undefined when the user cancels. */
  chooseFolder: () => Promise<string | undefined>
  notify: (title: string, body: string) => void
  showInFolder: (path: string) => void
  /** Pushes an event to every window. */
  emit: (event: AppEvent) => void
  appInfo: { version: string; platform: string; osLocale: string }
  snapshotMaxBytes?: number
  log?: (message: string) => void
}

export interface AppServices {
  router: Router
  profiles: ProfileService
  sandbox: SandboxHost
  clients: AwsClients
  connectivity: ConnectivityMonitor
  snapshots: SnapshotStore
  transfers: TransfersService
  engine: TransferEngine
  /** Drops a profile's cached credentials and clients, so the next call signs in afresh. */
  forgetCredentials(profileId: string): void
  close(): Promise<void>
}

const toTransferSettings = (config: TransferConfig) => ({
  concurrency: config.concurrency,
  partSizeMiB: Math.round(config.partSizeBytes / MiB),
  maxBandwidthMiBps: config.maxBandwidthBytesPerSecond / MiB,
})

export async function createAppServices(options: AppServicesOptions): Promise<AppServices> {
  const { env, emit } = options
  const log = options.log ?? (() => {})
  const settings = new SettingsStore(join(options.dataDir, 'settings.json'))
  await settings.load()
  const appProfiles = new AppProfileStore(join(options.dataDir, 'profiles.json'), options.vault)
  const profilesProblem = await appProfiles.load()
  if (profilesProblem) log(profilesProblem)
  const snapshots = await SnapshotStore.open({
    dir: join(options.dataDir, 'snapshots'),
    maxBytes:
      options.snapshotMaxBytes ?? (settings.get().snapshotMaxMiB ? settings.get().snapshotMaxMiB! * MiB : DEFAULT_SNAPSHOT_MAX_BYTES),
  })

  const sandbox = new SandboxHost(options.spawnSandbox, join(options.dataDir, 'sandbox'), options.sandboxAssetsDir)
  const mfa = new MfaPrompts(emit)
  const paths = configPaths({ env, homeDir: options.homeDir })
  const credentialsFor = (profile: DiscoveredProfile, askMfa: (serial: string) => Promise<string>) =>
    profile.source === 'environment'
      ? fromEnv()
      : fromIni({
          profile: profile.name,
          filepath: paths.credentialsFile,
          configFilepath: paths.configFile,
          ignoreCache: true,
          mfaCodeProvider: askMfa,
          // The STS client that signs AssumeRole follows the profile's endpoint overrides too.
          clientConfig: profile.endpoints.sts ? { endpoint: profile.endpoints.sts, region: profile.region ?? 'us-east-1' } : undefined,
        })

  const profiles = new ProfileService({
    discover: () => discoverProfiles({ env, homeDir: options.homeDir }),
    credentialsFor,
    appProfiles,
    sandbox,
    sandboxCredentials: async () => ({ accessKeyId: SANDBOX_ACCESS_KEY_ID, secretAccessKey: SANDBOX_SECRET_ACCESS_KEY }),
    settings,
    mfa,
    envProfile: env.AWS_PROFILE,
    emit,
    log,
  })
  await profiles.reload()

  const connectivity = new ConnectivityMonitor({
    async probe(profileId) {
      const profile = await profiles.resolve(profileId).catch(() => undefined)
      const endpoint = profile?.endpoints.s3 ?? (profile ? `https://s3.${profile.region}.amazonaws.com` : undefined)
      return endpoint ? tcpProbe(endpoint) : 'offline'
    },
    onChange: (profileId, state) => emit({ type: 'connectivity.changed', profileId, state, checkedAtMs: Date.now() }),
  })
  const offline = new OfflineFirst(snapshots, connectivity, log)

  sandbox.onChange((state, message) => {
    emit({ type: 'sandbox.changed', state, message })
    // The sandbox profile's endpoint is part of its summary.
    profiles.emitChanged()
    if (state === 'running') connectivity.reportOnline('sandbox')
    else if (state !== 'starting') connectivity.reportOffline('sandbox')
  })
  // Starting the sandbox must not delay the window; calls that need it wait in resolve().
  sandbox.start().catch((error: Error) => log(`sandbox: ${error.message}`))

  const clients = new AwsClients(profiles)
  const forgetCredentials = (profileId: string) => {
    profiles.forgetCredentials(profileId)
    // SDK clients memoize credentials too: drop them with the profile's.
    clients.forget(profileId)
  }

  const jobs = new JobRunner({ emit })
  const engine = new TransferEngine({
    clients,
    journalDir: join(options.dataDir, 'transfers'),
    config: settings.get().transfers,
    // Transfers wait for a lost network instead of failing, and resume when it returns.
    connectivity: {
      isOnline: (id) => connectivity.state(id) !== 'offline',
      waitUntilOnline: (id, signal) => connectivity.waitUntilOnline(id, signal),
      reportUnreachable: (id) => connectivity.reportOffline(id),
    },
  })
  // Jobs a crash or quit interrupted come back and carry on where their journals stopped.
  await engine.restore({ autoResume: true })
  const transfers = new TransfersService({
    engine,
    drops: new DropRegistry(),
    clients,
    emit,
    chooseFolder: options.chooseFolder,
    notify: options.notify,
    showInFolder: options.showInFolder,
  })
  const dragOut = new DragOutServer()
  const s3Handlers = createS3Handlers({ clients, offline, jobs, writeClipboard: options.writeClipboard, log })
  const handlers: Handlers = {
    app: {
      info: async () => ({
        ...options.appInfo,
        sandbox: { state: sandbox.state, ...(sandbox.message ? { message: sandbox.message } : {}) },
        connectivity: connectivity.states(),
      }),
      storageClasses: async ({ region }) => storageClassTable(region),
      copyText: async ({ text }) => {
        options.writeClipboard(text)
        return { copied: true as const }
      },
      openExternal: async ({ url }) => {
        if (!isAllowedExternalUrl(url)) throw new HaneulError('access-denied', 'Haneul opens only AWS console and documentation links.')
        await options.openExternal(url)
        return { opened: true as const }
      },
    },
    profiles: {
      list: async () => profiles.list(),
      setActive: async ({ profileId }) => ({ activeId: await profiles.setActive(profileId) }),
      reload: async () => {
        await profiles.reload()
        clients.forget()
        return profiles.list()
      },
      secretStorage: async () => profiles.secretStorage(),
      add: async ({ acceptWeakStorage, accessKeyId, secret, sessionToken, ...rest }) => ({
        profile: await profiles.addAppProfile({ ...rest, keys: { accessKeyId, secretAccessKey: secret, sessionToken } }, acceptWeakStorage),
      }),
      update: async ({ profileId, acceptWeakStorage, accessKeyId, secret, sessionToken, ...rest }) => {
        const keys = accessKeyId && secret ? { accessKeyId, secretAccessKey: secret, sessionToken } : undefined
        const profile = await profiles.updateAppProfile(profileId, { ...rest, keys }, acceptWeakStorage)
        clients.forget(profileId)
        // New keys or a new endpoint may be another account: its old listings must not show as this one's.
        if (keys || rest.endpoint !== undefined) await snapshots.removeProfile(profileId)
        return { profile }
      },
      remove: async ({ profileId }) => {
        await profiles.removeAppProfile(profileId)
        clients.forget(profileId)
        await snapshots.removeProfile(profileId)
        return { removed: true as const }
      },
      pendingMfa: async () => ({ prompts: mfa.waiting() }),
      submitMfa: async ({ promptId, code }) => {
        mfa.submit(promptId, code)
        return { accepted: true as const }
      },
      cancelMfa: async ({ promptId }) => {
        mfa.cancel(promptId)
        return { cancelled: true as const }
      },
      signIn: async ({ profileId }) => {
        const command = profiles.signInCommand(profileId)
        forgetCredentials(profileId)
        return { command }
      },
    },
    s3: s3Handlers,
    jobs: createJobsHandlers(jobs),
    transfers: {
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
        const paths = await options.chooseFiles(folders)
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
        // Chromium's DownloadURL format is "mime:filename:url"; a ':' would break it, control characters have no place in a file name.
        // eslint-disable-next-line no-control-regex
        const name = (key.split('/').filter(Boolean).pop() ?? 'download').replace(/[:\u0000-\u001f\u007f]/g, '_')
        return { downloadUrl: `application/octet-stream:${name}:${await dragOut.register(url, name)}` }
      },
    },
  }

  return {
    router: createRouter({ handlers, isTrustedSender: options.isTrustedSender, log }),
    profiles,
    sandbox,
    clients,
    connectivity,
    snapshots,
    transfers,
    engine,
    forgetCredentials,
    async close() {
      jobs.cancelAll()
      transfers.close()
      await dragOut.close()
      // Transfers stop where their journals say; the next start resumes them.
      await engine.close()
      connectivity.close()
      clients.forget()
      await Promise.all([sandbox.stop(), snapshots.flush()])
    },
  }
}
