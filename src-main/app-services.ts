/**
 * Builds main's services and the router from the side effects handed in. The Electron glue calls this
 * with Electron's pieces (utilityProcess, shell, app paths); tests call it with plain Node ones. Nothing
 * here imports 'electron'.
 */
import { join } from 'node:path'
import { fromEnv, fromIni } from '@aws-sdk/credential-providers'
import type { AppEvent } from './api/events'
import { HaneulError } from './core/errors'
import { isAllowedExternalUrl } from './core/external-links'
import { SettingsStore } from './core/settings'
import { configPaths, discoverProfiles, type DiscoveredProfile } from './profiles/discovery'
import { AwsClients } from './profiles/clients'
import { ProfileService } from './profiles/profile-service'
import { createRouter, type Handlers, type Router } from './router'
import { S3Service } from './s3/s3-service'
import { SANDBOX_ACCESS_KEY_ID, SANDBOX_SECRET_ACCESS_KEY } from './sandbox/credentials'
import { SandboxHost, type SpawnSandboxWorker } from './sandbox/host'

export interface AppServicesOptions {
  /** Where Haneul keeps its own state (settings, sandbox data, later snapshots and journals). */
  dataDir: string
  /** assets/sandbox, the sandbox's seed data. */
  sandboxAssetsDir: string
  spawnSandbox: SpawnSandboxWorker
  env: Record<string, string | undefined>
  homeDir?: string
  isTrustedSender: (url: string) => boolean
  openExternal: (url: string) => Promise<void>
  /** Pushes an event to every window. */
  emit: (event: AppEvent) => void
  appInfo: { version: string; platform: string; osLocale: string }
  log?: (message: string) => void
}

export interface AppServices {
  router: Router
  profiles: ProfileService
  sandbox: SandboxHost
  clients: AwsClients
  close(): Promise<void>
}

export async function createAppServices(options: AppServicesOptions): Promise<AppServices> {
  const { env, emit } = options
  const settings = new SettingsStore(join(options.dataDir, 'settings.json'))
  await settings.load()

  const sandbox = new SandboxHost(options.spawnSandbox, join(options.dataDir, 'sandbox'), options.sandboxAssetsDir)
  sandbox.onChange((state, message) => emit({ type: 'sandbox.changed', state, message }))

  const paths = configPaths({ env, homeDir: options.homeDir })
  const credentialsFor = (profile: DiscoveredProfile) =>
    profile.source === 'environment'
      ? fromEnv()
      : fromIni({ profile: profile.name, filepath: paths.credentialsFile, configFilepath: paths.configFile, ignoreCache: true })

  const profiles = new ProfileService({
    discover: () => discoverProfiles({ env, homeDir: options.homeDir }),
    credentialsFor,
    sandbox,
    sandboxCredentials: async () => ({ accessKeyId: SANDBOX_ACCESS_KEY_ID, secretAccessKey: SANDBOX_SECRET_ACCESS_KEY }),
    settings,
    envProfile: env.AWS_PROFILE,
    emit,
  })
  await profiles.refresh()
  // Starting the sandbox must not delay the window; callers that need it wait in resolve().
  sandbox.start().then(
    () => profiles.refresh(),
    (error: Error) => options.log?.(`sandbox: ${error.message}`),
  )

  const clients = new AwsClients(profiles)
  const s3 = new S3Service(clients)

  const handlers: Handlers = {
    app: {
      info: async () => ({
        ...options.appInfo,
        sandbox: { state: sandbox.state, ...(sandbox.message ? { message: sandbox.message } : {}) },
      }),
      openExternal: async ({ url }) => {
        if (!isAllowedExternalUrl(url)) throw new HaneulError('access-denied', 'Haneul opens only AWS console and documentation links.')
        await options.openExternal(url)
        return { opened: true as const }
      },
    },
    profiles: {
      list: async () => profiles.list(),
      setActive: async ({ profileId }) => ({ activeId: await profiles.setActive(profileId) }),
    },
    s3: {
      listBuckets: async ({ profileId }, { signal }) => ({ buckets: await s3.listBuckets(profileId, signal) }),
      listObjects: async (input, { signal }) => s3.listObjects(input, signal),
    },
  }

  return {
    router: createRouter({ handlers, isTrustedSender: options.isTrustedSender, log: options.log }),
    profiles,
    sandbox,
    clients,
    async close() {
      clients.forget()
      await sandbox.stop()
    },
  }
}
