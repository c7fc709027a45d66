/**
 * The profiles the app can use and which one is active: the built-in sandbox, what discovery finds in
 * ~/.aws, and profiles added in Haneul. Credentials are resolved here, in main, shared per profile (one
 * refresh in flight), and never leave main: the renderer only ever sees ProfileSummary.
 */
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@aws-sdk/types'
import type { ProfileSummary } from '../api/profiles'
import type { AppEvent } from '../api/events'
import { HaneulError, toApiError } from '../core/errors'
import type { SettingsStore } from '../core/settings'
import { defaultEndpoint, type AwsServiceSpec, type ServiceEndpoints } from '../api/services'
import { SANDBOX_REGION, type SandboxEndpoints } from '../sandbox/endpoints'
import { endpointsOf, type AppProfileChange, type AppProfileStore, type AppProfileInput, type AppProfileKeys } from './app-profiles'
import { shareCredentials, type SharedCredentials } from './credential-cache'
import type { DiscoveredProfile } from './discovery'
import type { MfaPrompts } from './mfa-prompts'

export const SANDBOX_PROFILE_ID = 'sandbox'
const DEFAULT_REGION = 'us-east-1'

/** What the client factory needs to build SDK clients for a profile. */
export interface ResolvedProfile {
  summary: ProfileSummary
  region: string
  credentials: SharedCredentials['provider']
  /** Per-service endpoint overrides (the sandbox, or an S3-compatible store); absent means AWS's own. */
  endpoints: ServiceEndpoints
  forcePathStyle: boolean
}

/** The sandbox as the profile service sees it: its endpoints once running, and a way to wait for them. */
export interface SandboxAccess {
  readonly endpoints: SandboxEndpoints | undefined
  /** Waits while starting; rejects when stopped or failed (Haneul does not restart it behind the user's back). */
  whenReady(): Promise<SandboxEndpoints>
}

export interface ProfileServiceDeps {
  discover: () => Promise<DiscoveredProfile[]>
  /** Builds the SDK credential provider for a discovered profile (fromIni, fromEnv, …). */
  credentialsFor: (profile: DiscoveredProfile, askMfa: (serial: string) => Promise<string>) => AwsCredentialIdentityProvider
  appProfiles: AppProfileStore
  sandbox: SandboxAccess
  sandboxCredentials: AwsCredentialIdentityProvider
  settings: SettingsStore
  mfa: MfaPrompts
  /** AWS_PROFILE, honoured as the initial choice like the CLI does. */
  envProfile?: string
  emit: (event: AppEvent) => void
  /** Main's log, for details that must not reach the window. */
  log?: (message: string) => void
}

const sameEndpoints = (a: ServiceEndpoints, b: ServiceEndpoints) => {
  const text = (e: ServiceEndpoints) =>
    JSON.stringify(
      Object.entries(e)
        .filter(([, url]) => url)
        .sort(),
    )
  return text(a) === text(b)
}

const idOf = (profile: DiscoveredProfile) => (profile.source === 'environment' ? 'env' : `aws:${profile.name}`)

export class ProfileService {
  private discovered: DiscoveredProfile[] = []
  private activeId = SANDBOX_PROFILE_ID
  private loaded = false
  /** Shared credentials per profile id, with the configuration they were built from. */
  private readonly credentials = new Map<string, { fingerprint: string; shared: SharedCredentials }>()

  constructor(private readonly deps: ProfileServiceDeps) {}

  /** Re-reads ~/.aws (no network) and settles which profile is active. */
  async reload(): Promise<void> {
    this.discovered = await this.deps.discover()
    const ids = new Set(this.summaries().map((p) => p.id))
    for (const id of this.credentials.keys()) if (!ids.has(id)) this.credentials.delete(id)
    this.activeId = this.chooseActive(ids)
    this.loaded = true
    this.emitChanged()
  }

  /**
   * The profile to work with: the current one if it still exists (a reload never moves the user), else
   * the last one used, AWS_PROFILE, `default`, the first usable one, and the sandbox when there is none.
   */
  private chooseActive(ids: Set<string>): string {
    if (this.loaded && ids.has(this.activeId)) return this.activeId
    const saved = this.deps.settings.get().activeProfileId
    const fromEnv = this.deps.envProfile ? `aws:${this.deps.envProfile}` : undefined
    for (const candidate of [saved, fromEnv, 'aws:default']) if (candidate && ids.has(candidate)) return candidate
    return this.summaries().find((p) => p.id !== SANDBOX_PROFILE_ID && !p.problem)?.id ?? SANDBOX_PROFILE_ID
  }

  list(): { profiles: ProfileSummary[]; activeId: string } {
    return { profiles: this.summaries(), activeId: this.activeId }
  }

  /** Tells the renderer that summaries changed (e.g. the sandbox's endpoint became known). */
  emitChanged(): void {
    this.deps.emit({ type: 'profiles.changed', ...this.list() })
  }

  async setActive(profileId: string): Promise<string> {
    this.summary(profileId) // throws for unknown ids
    this.activeId = profileId
    await this.deps.settings.update({ activeProfileId: profileId })
    this.emitChanged()
    return profileId
  }

  /** Everything needed to call AWS as this profile. Waits for the sandbox if it is still starting. */
  async resolve(profileId: string): Promise<ResolvedProfile> {
    const summary = this.summary(profileId)
    if (summary.problem) throw new HaneulError('credentials-missing', `Profile "${summary.name}" cannot be used: ${summary.problem}`)
    if (profileId === SANDBOX_PROFILE_ID) {
      let endpoints: SandboxEndpoints
      try {
        endpoints = await this.deps.sandbox.whenReady()
      } catch (error) {
        throw new HaneulError('offline', `The sandbox is not running: ${(error as Error).message}`, true)
      }
      return {
        summary,
        region: SANDBOX_REGION,
        credentials: this.shared(profileId, 'sandbox', () => this.deps.sandboxCredentials).provider,
        endpoints,
        forcePathStyle: true,
      }
    }
    if (summary.source === 'app') {
      const app = this.deps.appProfiles.list().find((p) => p.id === profileId)!
      const provider = this.shared(profileId, JSON.stringify(app), () => {
        const keys = this.deps.appProfiles.keys(profileId)
        return async () => keys
      })
      return {
        summary,
        region: app.region,
        credentials: provider.provider,
        endpoints: endpointsOf(app),
        forcePathStyle: app.forcePathStyle,
      }
    }
    const profile = this.discovered.find((p) => idOf(p) === profileId)!
    const shared = this.shared(profileId, JSON.stringify(profile), () => this.discoveredCredentials(profile, summary))
    return {
      summary,
      region: profile.region ?? DEFAULT_REGION,
      credentials: shared.provider,
      endpoints: profile.endpoints,
      forcePathStyle: profile.forcePathStyle || Boolean(profile.endpoints.s3),
    }
  }

  /**
   * The URL a service of this profile is reached at, without waiting or touching the network: its
   * override, the sandbox's port, or AWS's public endpoint for the profile's region. Undefined when
   * there is none (an unknown profile, a sandbox that is not running or does not emulate the service).
   */
  endpointFor(profileId: string, service: Pick<AwsServiceSpec, 'id' | 'endpointHost' | 'signing'>): string | undefined {
    const summary = this.summaries().find((p) => p.id === profileId)
    if (!summary) return undefined
    const overrides = this.overridesOf(summary)
    const override = (overrides as Record<string, string | undefined>)[service.id]
    if (override || summary.source === 'sandbox') return override
    return defaultEndpoint(service, summary.region ?? DEFAULT_REGION)
  }

  private overridesOf(summary: ProfileSummary): ServiceEndpoints {
    if (summary.source === 'sandbox') return this.deps.sandbox.endpoints ?? {}
    if (summary.source === 'app') {
      const app = this.deps.appProfiles.list().find((p) => p.id === summary.id)
      return app ? endpointsOf(app) : {}
    }
    return this.discovered.find((p) => idOf(p) === summary.id)?.endpoints ?? {}
  }

  /** Drops cached credentials so the next call refreshes them (e.g. after `aws sso login`). */
  forgetCredentials(profileId: string): void {
    this.credentials.get(profileId)?.shared.invalidate()
  }

  secretStorage() {
    return this.deps.appProfiles.storage(this.deps.settings.get().acceptWeakSecretStorage ?? false)
  }

  async addAppProfile(input: AppProfileInput & { keys: AppProfileKeys }, acceptWeak: boolean): Promise<ProfileSummary> {
    await this.rememberWeakConsent(acceptWeak)
    const profile = await this.deps.appProfiles.add(input, this.acceptsWeak())
    this.emitChanged()
    return this.summary(profile.id)
  }

  async updateAppProfile(profileId: string, change: AppProfileChange, acceptWeak: boolean): Promise<ProfileSummary> {
    this.requireApp(profileId)
    const current = this.deps.appProfiles.list().find((p) => p.id === profileId)!
    const movesEndpoint =
      (change.endpoint !== undefined && (change.endpoint ?? undefined) !== current.endpoint) ||
      (change.endpoints !== undefined && !sameEndpoints(change.endpoints, current.endpoints ?? {})) ||
      (change.forcePathStyle !== undefined && change.forcePathStyle !== current.forcePathStyle)
    // Keys must not be sent somewhere new without the person who knows them saying so.
    if (movesEndpoint && !change.keys) {
      throw new HaneulError('bad-request', 'Enter the access key and secret again to change the endpoint of a Haneul profile.')
    }
    await this.rememberWeakConsent(acceptWeak)
    await this.deps.appProfiles.update(profileId, change, this.acceptsWeak())
    this.credentials.delete(profileId)
    this.emitChanged()
    return this.summary(profileId)
  }

  async removeAppProfile(profileId: string): Promise<void> {
    this.requireApp(profileId)
    await this.deps.appProfiles.remove(profileId)
    this.credentials.delete(profileId)
    if (this.activeId === profileId) await this.setActive(SANDBOX_PROFILE_ID)
    else this.emitChanged()
  }

  /** How to sign in to an SSO profile: the exact command, run outside Haneul. */
  signInCommand(profileId: string): string {
    const summary = this.summary(profileId)
    if (summary.kind !== 'sso') throw new HaneulError('unsupported', `"${summary.name}" is not an SSO profile; it needs no sign-in.`)
    // INI section names may hold spaces or quotes: single-quote them as POSIX shells expect.
    const quoted = /^[\w.@+-]+$/.test(summary.name) ? summary.name : `'${summary.name.replace(/'/g, "'\\''")}'`
    return `aws sso login --profile ${quoted}`
  }

  private acceptsWeak(): boolean {
    return this.deps.settings.get().acceptWeakSecretStorage ?? false
  }

  private async rememberWeakConsent(acceptWeak: boolean): Promise<void> {
    if (acceptWeak && !this.acceptsWeak()) await this.deps.settings.update({ acceptWeakSecretStorage: true })
  }

  private requireApp(profileId: string): void {
    if (this.summary(profileId).source !== 'app')
      throw new HaneulError('unsupported', 'Only profiles added in Haneul can be edited here; edit ~/.aws/config for the others.')
  }

  private shared(profileId: string, fingerprint: string, build: () => AwsCredentialIdentityProvider): SharedCredentials {
    const existing = this.credentials.get(profileId)
    if (existing && existing.fingerprint === fingerprint) return existing.shared
    const shared = shareCredentials(build())
    this.credentials.set(profileId, { fingerprint, shared })
    return shared
  }

  /** The SDK provider for a ~/.aws profile, with errors rewritten into what the user should do. */
  private discoveredCredentials(profile: DiscoveredProfile, summary: ProfileSummary): AwsCredentialIdentityProvider {
    const provider = this.deps.credentialsFor(profile, (serial) => this.deps.mfa.ask(summary, serial))
    return async (): Promise<AwsCredentialIdentity> => {
      try {
        return await provider()
      } catch (error) {
        if (error instanceof HaneulError) throw error
        // No network is "offline" for SSO too, so cached listings still show on a plane.
        if (toApiError(error).code === 'offline') throw error
        if (profile.kind === 'sso') {
          throw new HaneulError(
            'credentials-expired',
            `The SSO session for "${profile.name}" has expired or was never started. Run \`aws sso login --profile ${profile.name}\` in a terminal, then try again.`,
          )
        }
        if (profile.kind === 'process') {
          // Its message holds the command line and the helper's stderr, which may hold secrets: main only.
          this.deps.log?.(`credential_process for "${profile.name}" failed: ${(error as Error).message}`)
          throw new HaneulError(
            'credentials-missing',
            `credential_process for "${profile.name}" exited with an error. Run it in a terminal to see why.`,
          )
        }
        throw error
      }
    }
  }

  private summary(profileId: string): ProfileSummary {
    const found = this.summaries().find((p) => p.id === profileId)
    if (!found) throw new HaneulError('not-found', `There is no profile "${profileId}". It may have been removed.`)
    return found
  }

  private summaries(): ProfileSummary[] {
    const sandbox: ProfileSummary = {
      id: SANDBOX_PROFILE_ID,
      name: 'Sandbox',
      kind: 'sandbox',
      source: 'sandbox',
      region: SANDBOX_REGION,
      endpoint: this.deps.sandbox.endpoints?.s3,
      endpoints: this.deps.sandbox.endpoints,
      needsMfa: false,
    }
    const discovered = this.discovered.map((p): ProfileSummary => ({
      id: idOf(p),
      name: p.name,
      kind: p.kind,
      source: p.source,
      region: p.region,
      endpoint: p.endpoints.s3,
      endpoints: p.endpoints,
      needsMfa: p.needsMfa,
      problem: p.problem,
    }))
    const app = this.deps.appProfiles.list().map((p): ProfileSummary => ({
      id: p.id,
      name: p.name,
      kind: 'app',
      source: 'app',
      region: p.region,
      endpoint: p.endpoint,
      endpoints: endpointsOf(p),
      needsMfa: false,
      accessKeyHint: p.accessKeyHint,
      forcePathStyle: p.forcePathStyle,
    }))
    return [sandbox, ...discovered, ...app]
  }
}
