/**
 * The list of profiles the app can use and which one is active. Combines the built-in sandbox with
 * what discovery finds on disk; credentials are resolved here, in main, and never leave it.
 */
import type { AwsCredentialIdentityProvider } from '@aws-sdk/types'
import type { ProfileSummary } from '../api/profiles'
import type { AppEvent } from '../api/events'
import { HaneulError } from '../core/errors'
import type { SettingsStore } from '../core/settings'
import type { SandboxEndpoints } from '../sandbox/endpoints'
import { SANDBOX_REGION } from '../sandbox/endpoints'
import type { DiscoveredProfile } from './discovery'

export const SANDBOX_PROFILE_ID = 'sandbox'
const DEFAULT_REGION = 'us-east-1'

/** What the client factory needs to build SDK clients for a profile. */
export interface ResolvedProfile {
  summary: ProfileSummary
  region: string
  credentials: AwsCredentialIdentityProvider
  /** Per-service endpoint overrides (the sandbox, or an S3-compatible store). */
  endpoints: Partial<SandboxEndpoints>
  forcePathStyle: boolean
}

/** The sandbox as the profile service sees it: its endpoints once running, and a way to wait for them. */
export interface SandboxAccess {
  readonly endpoints: SandboxEndpoints | undefined
  start(): Promise<SandboxEndpoints>
}

export interface ProfileServiceDeps {
  discover: () => Promise<DiscoveredProfile[]>
  /** Builds the SDK credential provider for a discovered profile (fromIni, fromEnv, …). */
  credentialsFor: (profile: DiscoveredProfile) => AwsCredentialIdentityProvider
  sandbox: SandboxAccess
  sandboxCredentials: AwsCredentialIdentityProvider
  settings: SettingsStore
  /** AWS_PROFILE, honoured as the initial choice like the CLI does. */
  envProfile?: string
  emit: (event: AppEvent) => void
}

const idOf = (profile: DiscoveredProfile) => (profile.source === 'environment' ? 'env' : `aws:${profile.name}`)

export class ProfileService {
  private discovered: DiscoveredProfile[] = []
  private activeId = SANDBOX_PROFILE_ID

  constructor(private readonly deps: ProfileServiceDeps) {}

  /** Re-reads the AWS config files (no network) and settles which profile is active. */
  async refresh(): Promise<void> {
    this.discovered = await this.deps.discover()
    const ids = new Set(this.summaries().map((p) => p.id))
    const saved = this.deps.settings.get().activeProfileId
    const fromEnv = this.deps.envProfile ? `aws:${this.deps.envProfile}` : undefined
    const usable = this.summaries().find((p) => p.id !== SANDBOX_PROFILE_ID && !p.problem)
    this.activeId =
      saved && ids.has(saved)
        ? saved
        : fromEnv && ids.has(fromEnv)
          ? fromEnv
          : ids.has('aws:default')
            ? 'aws:default'
            : (usable?.id ?? SANDBOX_PROFILE_ID)
    this.emitChanged()
  }

  list(): { profiles: ProfileSummary[]; activeId: string } {
    return { profiles: this.summaries(), activeId: this.activeId }
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
        endpoints = this.deps.sandbox.endpoints ?? (await this.deps.sandbox.start())
      } catch (error) {
        throw new HaneulError('offline', `The sandbox is not running: ${(error as Error).message}`, true)
      }
      return { summary, region: SANDBOX_REGION, credentials: this.deps.sandboxCredentials, endpoints, forcePathStyle: true }
    }
    const profile = this.discovered.find((p) => idOf(p) === profileId)!
    return {
      summary,
      region: profile.region ?? DEFAULT_REGION,
      credentials: this.deps.credentialsFor(profile),
      endpoints: profile.endpoint ? { s3: profile.endpoint } : {},
      forcePathStyle: Boolean(profile.endpoint),
    }
  }

  private summary(profileId: string): ProfileSummary {
    const found = this.summaries().find((p) => p.id === profileId)
    if (!found) throw new HaneulError('not-found', `There is no profile "${profileId}". It may have been removed from ~/.aws/config.`)
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
      needsMfa: false,
    }
    return [
      sandbox,
      ...this.discovered.map((p) => ({
        id: idOf(p),
        name: p.name,
        kind: p.kind,
        source: p.source,
        region: p.region,
        endpoint: p.endpoint,
        needsMfa: p.needsMfa,
        problem: p.problem,
      })),
    ]
  }

  private emitChanged(): void {
    this.deps.emit({ type: 'profiles.changed', ...this.list() })
  }
}
