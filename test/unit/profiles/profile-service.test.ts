import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { SettingsStore } from '../../../src-main/core/settings'
import { AppProfileStore } from '../../../src-main/profiles/app-profiles'
import type { DiscoveredProfile } from '../../../src-main/profiles/discovery'
import { MfaPrompts } from '../../../src-main/profiles/mfa-prompts'
import { ProfileService } from '../../../src-main/profiles/profile-service'
import { testVault } from '../../helpers/test-vault'

const profile = (name: string, problem?: string): DiscoveredProfile => ({
  name,
  kind: 'static',
  source: 'aws-config',
  endpoints: {},
  forcePathStyle: false,
  needsMfa: false,
  problem,
})

async function service(discovered: DiscoveredProfile[], options: { envProfile?: string; saved?: string } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'haneul-ps-'))
  const settings = new SettingsStore(join(dir, 'settings.json'))
  await settings.load()
  if (options.saved) await settings.update({ activeProfileId: options.saved })
  let current = discovered
  const profiles = new ProfileService({
    discover: async () => current,
    credentialsFor: () => async () => ({ accessKeyId: 'a', secretAccessKey: 'b' }),
    appProfiles: new AppProfileStore(join(dir, 'profiles.json'), testVault()),
    sandbox: { endpoints: undefined, whenReady: () => Promise.reject(new Error('stopped')) },
    sandboxCredentials: async () => ({ accessKeyId: 'a', secretAccessKey: 'b' }),
    settings,
    mfa: new MfaPrompts(() => {}),
    envProfile: options.envProfile,
    emit: () => {},
  })
  await profiles.reload()
  return { profiles, setDiscovered: (next: DiscoveredProfile[]) => (current = next) }
}

describe('which profile is active', () => {
  it('is the sandbox when the machine has no AWS profiles', async () => {
    const { profiles } = await service([])
    expect(profiles.list()).toMatchObject({ activeId: 'sandbox', profiles: [{ id: 'sandbox', kind: 'sandbox' }] })
  })

  it('prefers the last used, then AWS_PROFILE, then default, then the first usable profile', async () => {
    expect((await service([profile('a'), profile('default')])).profiles.list().activeId).toBe('aws:default')
    expect((await service([profile('broken', 'x'), profile('b')])).profiles.list().activeId).toBe('aws:b')
    expect((await service([profile('a'), profile('default')], { envProfile: 'a' })).profiles.list().activeId).toBe('aws:a')
    expect((await service([profile('a'), profile('default')], { envProfile: 'a', saved: 'sandbox' })).profiles.list().activeId).toBe(
      'sandbox',
    )
    expect((await service([profile('broken', 'x')])).profiles.list().activeId).toBe('sandbox')
  })

  it('a reload keeps the current profile, and falls back only when it disappeared', async () => {
    const { profiles, setDiscovered } = await service([profile('a'), profile('b')])
    await profiles.setActive('aws:b')
    setDiscovered([profile('a'), profile('b'), profile('default')])
    await profiles.reload()
    expect(profiles.list().activeId).toBe('aws:b')
    setDiscovered([profile('a')])
    await profiles.reload()
    expect(profiles.list().activeId).toBe('aws:a')
  })

  it('refuses to activate an unknown profile, and to resolve a broken one, with the reason', async () => {
    const { profiles } = await service([profile('broken', 'role_arn needs a source_profile or credential_source to sign AssumeRole.')])
    await expect(profiles.setActive('aws:nope')).rejects.toMatchObject({ code: 'not-found' })
    await expect(profiles.resolve('aws:broken')).rejects.toThrow(/cannot be used: role_arn needs a source_profile/)
    await expect(profiles.resolve('sandbox')).rejects.toMatchObject({ code: 'offline' })
  })
})

describe('editing a Haneul profile', () => {
  it('asks for the keys again before sending them to a new endpoint', async () => {
    const { profiles } = await service([])
    const added = await profiles.addAppProfile(
      {
        name: 'lab',
        region: 'us-east-1',
        endpoint: 'http://127.0.0.1:9000',
        keys: { accessKeyId: 'AKIALAB000000000', secretAccessKey: 's' },
      },
      false,
    )
    await expect(profiles.updateAppProfile(added.id, { endpoint: 'https://attacker.example' }, false)).rejects.toThrow(
      /Enter the access key and secret again/,
    )
    await expect(profiles.updateAppProfile(added.id, { forcePathStyle: false }, false)).rejects.toThrow(
      /Enter the access key and secret again/,
    )
    const renamed = await profiles.updateAppProfile(added.id, { name: 'lab 2' }, false)
    expect(renamed).toMatchObject({ name: 'lab 2', endpoint: 'http://127.0.0.1:9000' })
    const moved = await profiles.updateAppProfile(
      added.id,
      { endpoint: 'https://minio.example', keys: { accessKeyId: 'AKIALAB000000000', secretAccessKey: 's' } },
      false,
    )
    expect(moved.endpoint).toBe('https://minio.example')
  })

  it('quotes profile names in the SSO sign-in command', async () => {
    const sso = (name: string): DiscoveredProfile => ({ ...profile(name), kind: 'sso' })
    const { profiles } = await service([sso('work'), sso("it's me; rm -rf ~")])
    expect(profiles.signInCommand('aws:work')).toBe('aws sso login --profile work')
    expect(profiles.signInCommand("aws:it's me; rm -rf ~")).toBe("aws sso login --profile 'it'\\''s me; rm -rf ~'")
  })
})
