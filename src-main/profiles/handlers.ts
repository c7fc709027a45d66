/**
 * The contract's profiles.* operations. Keys cross inward only (add, update); every reply is a
 * ProfileSummary. Changing where a profile's keys go drops its clients and its offline snapshots, so
 * another account's listings never show under its name.
 */
import type { SnapshotStore } from '../offline/snapshot-store'
import type { ModuleOf } from '../router'
import type { MfaPrompts } from './mfa-prompts'
import type { ProfileService } from './profile-service'

export interface ProfilesModuleDeps {
  profiles: ProfileService
  mfa: MfaPrompts
  clients: { forget(profileId?: string): void }
  snapshots: Pick<SnapshotStore, 'removeProfile'>
  /** Drops a profile's cached credentials and clients, so the next call signs in afresh. */
  forgetCredentials(profileId: string): void
}

export function createProfilesModule({ profiles, mfa, clients, snapshots, forgetCredentials }: ProfilesModuleDeps): ModuleOf<'profiles'> {
  return {
    handlers: {
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
        if (keys || rest.endpoint !== undefined || rest.endpoints !== undefined) await snapshots.removeProfile(profileId)
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
  }
}
