/**
 * One credential refresh in flight per profile, however many requests wait: fifty parallel S3 calls on
 * an assume-role profile cause one AssumeRole and one MFA prompt, not fifty. Credentials are refreshed
 * a few minutes before they expire, so long transfers keep signing with valid keys across rotation.
 */
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@aws-sdk/types'

export interface SharedCredentials {
  /** The provider to hand to SDK clients. `forceRefresh` skips the cache (after an ExpiredToken). */
  provider: (options?: { forceRefresh?: boolean }) => Promise<AwsCredentialIdentity>
  /** Forget the cached credentials, e.g. after the profile's config changed or the user signed out. */
  invalidate(): void
}

export function shareCredentials(
  source: AwsCredentialIdentityProvider,
  options: { refreshBeforeExpiryMs?: number; nowMs?: () => number } = {},
): SharedCredentials {
  const refreshBeforeExpiryMs = options.refreshBeforeExpiryMs ?? 5 * 60_000
  const nowMs = options.nowMs ?? Date.now
  let cached: AwsCredentialIdentity | undefined
  let inFlight: Promise<AwsCredentialIdentity> | undefined
  // Bumped by invalidate(): a refresh that started before must not refill the cache.
  let generation = 0

  const fresh = (credentials: AwsCredentialIdentity) =>
    !credentials.expiration || credentials.expiration.getTime() - nowMs() > refreshBeforeExpiryMs

  return {
    provider(callOptions) {
      if (cached && !callOptions?.forceRefresh && fresh(cached)) return Promise.resolve(cached)
      if (!inFlight) {
        const started = generation
        const refresh: Promise<AwsCredentialIdentity> = Promise.resolve(source())
          .then((credentials) => {
            if (started === generation) cached = credentials
            return credentials
          })
          .finally(() => {
            if (inFlight === refresh) inFlight = undefined
          })
        inFlight = refresh
      }
      return inFlight
    },
    invalidate() {
      generation++
      cached = undefined
      inFlight = undefined
    },
  }
}
