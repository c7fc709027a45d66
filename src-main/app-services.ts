/**
 * Builds main's services and the router from the side effects handed in. The Electron glue calls this
 * with Electron's pieces (utilityProcess, safeStorage, shell, app paths); tests call it with plain Node
 * ones. Nothing here imports 'electron'.
 */
import { join } from 'node:path'
import { fromEnv, fromIni } from '@aws-sdk/credential-providers'
import type { AppEvent } from './api/events'
import { awsServices, serviceSpec, type AwsServiceId } from './api/services'
import { createAppModule } from './app/handlers'
import { createCodePipelineModule } from './codepipeline/handlers'
import { createCloudFrontModule, type AnalyzeLogs } from './cloudfront/handlers'
import { createLogAnalyzer } from './cloudfront/log-analysis/index'
import { createCostsModule } from './costs/handlers'
import { SettingsStore } from './core/settings'
import { createJobsModule } from './jobs/handlers'
import { JobRunner } from './jobs/job-runner'
import { Watchers } from './jobs/watchers'
import { ConnectivityMonitor } from './offline/connectivity'
import { OfflineFirst } from './offline/offline-first'
import { tcpProbe } from './offline/probe'
import { DEFAULT_SNAPSHOT_MAX_BYTES, SnapshotStore } from './offline/snapshot-store'
import { AppProfileStore, type SecretVault } from './profiles/app-profiles'
import { AwsClients } from './profiles/clients'
import { configPaths, discoverProfiles, type DiscoveredProfile } from './profiles/discovery'
import { createProfilesModule } from './profiles/handlers'
import { createRoute53Module } from './route53/handlers'
import { systemResolve } from './route53/resolver'
import { MfaPrompts } from './profiles/mfa-prompts'
import { ProfileService, SANDBOX_PROFILE_ID } from './profiles/profile-service'
import { createRouter, type Handlers, type Router, type ServiceModule } from './router'
import { createS3Module } from './s3/handlers'
import { createSiteModule } from './site/handlers'
import { createPublishModule } from './site/publish/handlers'
import { SANDBOX_ACCESS_KEY_ID, SANDBOX_SECRET_ACCESS_KEY } from './sandbox/credentials'
import { SandboxHost, type SpawnSandboxWorker } from './sandbox/host'
import { MiB } from './transfers/config'
import { createTransfersModule } from './transfers/handlers'
import type { TransferEngine } from './transfers/engine'
import type { TransfersService } from './transfers/service'

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
  writeClipboard: (text: string) => Promise<void>
  /** The OS file dialog: files (or folders) to upload; empty when the user cancels. */
  chooseFiles: (folders: boolean) => Promise<string[]>
  /** The OS folder dialog for downloads; undefined when the user cancels. */
  chooseFolder: () => Promise<string | undefined>
  /** An OS notification; clicking one with a route shows the window at that route. */
  notify: (title: string, body: string, route?: string) => void
  showInFolder: (path: string) => void
  /** Pushes an event to every window. */
  emit: (event: AppEvent) => void
  appInfo: { version: string; platform: string; osLocale: string }
  snapshotMaxBytes?: number
  log?: (message: string) => void
  /** First delay of a watch's polling backoff (default 2 s); the Chromium tests shorten it. */
  watchInitialDelayMs?: number
  /** How often the approval watcher looks at the watched pipelines (default 30 s); the Chromium tests shorten it. */
  approvalPollMs?: number
  /** The CloudFront standard-log engine (cloudfront.analyzeLogs); by default cloudfront/log-analysis over the profile's S3 client. */
  analyzeLogs?: AnalyzeLogs
}

export interface AppServices {
  router: Router
  profiles: ProfileService
  sandbox: SandboxHost
  clients: AwsClients
  connectivity: ConnectivityMonitor
  snapshots: SnapshotStore
  jobs: JobRunner
  watchers: Watchers
  transfers: TransfersService
  engine: TransferEngine
  /** Drops a profile's cached credentials and clients, so the next call signs in afresh. */
  forgetCredentials(profileId: string): void
  close(): Promise<void>
}

/**
 * The composition root: builds the shared pieces (settings, profiles, clients, connectivity,
 * snapshots, jobs, emit, log), then one module per service of the contract, and closes the modules in
 * reverse order before the shared pieces. Handler bodies live in the service folders.
 */
export async function createAppServices(options: AppServicesOptions): Promise<AppServices> {
  const { env, emit } = options
  const log = options.log ?? (() => {})

  // ---- shared pieces ----
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

  const endpointOf = (profileId: string, service: string) =>
    awsServices.some((s) => s.id === service) ? profiles.endpointFor(profileId, serviceSpec(service as AwsServiceId)) : undefined
  const connectivity = new ConnectivityMonitor({
    probe: async (profileId, service) => {
      const endpoint = endpointOf(profileId, service)
      return endpoint ? tcpProbe(endpoint) : 'offline'
    },
    endpointOf,
    labelOf: (service) => awsServices.find((s) => s.id === service)?.label,
    onChange: (profileId, summary) => emit({ type: 'connectivity.changed', profileId, ...summary, checkedAtMs: Date.now() }),
  })

  // The sandbox's emulated services come and go together with its process.
  let sandboxServices: string[] = []
  sandbox.onChange((state, message) => {
    emit({ type: 'sandbox.changed', state, message })
    // The sandbox profile's endpoints are part of its summary.
    profiles.emitChanged()
    if (state === 'running') {
      sandboxServices = Object.keys(sandbox.endpoints ?? {})
      for (const service of sandboxServices) connectivity.reportOnline(SANDBOX_PROFILE_ID, service)
    } else if (state !== 'starting') {
      for (const service of sandboxServices) connectivity.reportOffline(SANDBOX_PROFILE_ID, service)
    }
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
  const watchers = new Watchers({ emit, initialDelayMs: options.watchInitialDelayMs })
  /** Each service's offline-aware calls, its snapshots namespaced by service. */
  const offlineFor = (service: AwsServiceId) => new OfflineFirst(snapshots, connectivity, service, log)

  // ---- modules, one per service of the contract ----
  const s3Offline = offlineFor('s3')
  const transfers = await createTransfersModule({
    dataDir: options.dataDir,
    settings,
    clients,
    connectivity,
    offline: s3Offline,
    emit,
    chooseFiles: options.chooseFiles,
    chooseFolder: options.chooseFolder,
    notify: options.notify,
    showInFolder: options.showInFolder,
    log,
  })
  // Reads the log bucket with the profile's own S3 client; per-file aggregates live under the data folder.
  const logAnalyzer = options.analyzeLogs
    ? undefined
    : createLogAnalyzer({ dataDir: options.dataDir, s3: (profileId, region) => clients.client(profileId, 's3', region), log })
  const analyzeLogs: AnalyzeLogs = options.analyzeLogs ?? ((request, callOptions) => logAnalyzer!.analyze(request, callOptions))
  const cloudfront = await createCloudFrontModule({
    clients,
    offline: offlineFor('cloudfront'),
    cloudwatchOffline: offlineFor('cloudwatch'),
    watchers,
    emit,
    notify: options.notify,
    dataDir: options.dataDir,
    analyzeLogs,
    log,
  })
  const modules = {
    app: createAppModule({
      appInfo: options.appInfo,
      sandbox,
      connectivity,
      writeClipboard: options.writeClipboard,
      openExternal: options.openExternal,
    }),
    profiles: createProfilesModule({ profiles, mfa, clients, snapshots, forgetCredentials }),
    jobs: createJobsModule(jobs, watchers),
    s3: createS3Module({ clients, offline: s3Offline, jobs, writeClipboard: options.writeClipboard, log }),
    transfers,
    cloudfront,
    codepipeline: await createCodePipelineModule({
      clients,
      offline: offlineFor('codepipeline'),
      dataDir: options.dataDir,
      notify: options.notify,
      emit,
      log,
      approvalPollMs: options.approvalPollMs,
    }),
    route53: createRoute53Module({
      clients,
      offline: offlineFor('route53'),
      watchers,
      dataDir: options.dataDir,
      log,
      // The sandbox's names are not public: only real profiles compare with this machine's resolver.
      resolverFor: (profileId) => (profileId === SANDBOX_PROFILE_ID ? undefined : systemResolve),
    }),
    // Not an AWS service: its calls go to the s3 and cloudwatch endpoints, so it reports to both.
    costs: createCostsModule({
      clients,
      s3Offline,
      cloudwatchOffline: offlineFor('cloudwatch'),
      snapshots,
      settings,
      emit,
      log,
    }),
    // Composes the modules above through their handlers (read when a call comes, after all are built).
    site: createSiteModule({
      services: () => handlers,
      clients,
      offline: { route53: offlineFor('route53'), s3: s3Offline, codepipeline: offlineFor('codepipeline') },
      snapshots,
      log,
    }),
    // Uploads through the transfer engine, invalidations through the CloudFront module's handlers.
    publish: await createPublishModule({
      dataDir: options.dataDir,
      s3: (profileId) => clients.client(profileId, 's3'),
      s3Offline,
      engine: transfers.engine,
      cloudfront: cloudfront.handlers,
      chooseFiles: options.chooseFiles,
      emit,
      notify: options.notify,
      log,
    }),
  } satisfies { [S in keyof Handlers]: ServiceModule<Handlers[S]> }
  const handlers = Object.fromEntries(Object.entries(modules).map(([service, module]) => [service, module.handlers])) as Handlers

  return {
    router: createRouter({ handlers, isTrustedSender: options.isTrustedSender, log }),
    profiles,
    sandbox,
    clients,
    connectivity,
    snapshots,
    jobs,
    watchers,
    transfers: transfers.transfers,
    engine: transfers.engine,
    forgetCredentials,
    async close() {
      for (const module of Object.values(modules).reverse()) await (module as ServiceModule<unknown>).close?.()
      await logAnalyzer?.close()
      connectivity.close()
      clients.forget()
      await Promise.all([sandbox.stop(), snapshots.flush()])
    },
  }
}
