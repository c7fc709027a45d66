/** Haneul profiles may set a custom endpoint per service of the list; moving one needs the keys again. */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { SettingsStore } from '../../../src-main/core/settings'
import { AppProfileStore } from '../../../src-main/profiles/app-profiles'
import { MfaPrompts } from '../../../src-main/profiles/mfa-prompts'
import { ProfileService } from '../../../src-main/profiles/profile-service'
import { serviceSpec } from '../../../src-main/api/services'
import { testVault } from '../../helpers/test-vault'

async function service() {
  const dir = mkdtempSync(join(tmpdir(), 'haneul-ape-'))
  const settings = new SettingsStore(join(dir, 'settings.json'))
  await settings.load()
  const profiles = new ProfileService({
    discover: async () => [],
    credentialsFor: () => async () => ({ accessKeyId: 'a', secretAccessKey: 'b' }),
    appProfiles: new AppProfileStore(join(dir, 'profiles.json'), testVault()),
    sandbox: { endpoints: undefined, whenReady: () => Promise.reject(new Error('stopped')) },
    sandboxCredentials: async () => ({ accessKeyId: 'a', secretAccessKey: 'b' }),
    settings,
    mfa: new MfaPrompts(() => {}),
    emit: () => {},
  })
  await profiles.reload()
  return profiles
}

const keys = { accessKeyId: 'AKIAEXAMPLEKEY000001', secretAccessKey: 'secret' }

describe('Haneul profile endpoints per service', () => {
  it('resolves the S3 endpoint and the other services’ own, and AWS’s public endpoint for the rest', async () => {
    const profiles = await service()
    const added = await profiles.addAppProfile(
      {
        name: 'minio',
        region: 'eu-west-1',
        endpoint: 'http://minio.local:9000',
        endpoints: { cloudfront: 'http://localstack:4566' },
        keys,
      },
      false,
    )
    expect(added.endpoints).toEqual({ s3: 'http://minio.local:9000', cloudfront: 'http://localstack:4566' })
    const resolved = await profiles.resolve(added.id)
    expect(resolved.endpoints).toEqual({ s3: 'http://minio.local:9000', cloudfront: 'http://localstack:4566' })
    expect(profiles.endpointFor(added.id, serviceSpec('cloudfront'))).toBe('http://localstack:4566')
    expect(profiles.endpointFor(added.id, serviceSpec('route53'))).toBe('https://route53.amazonaws.com')
    expect(profiles.endpointFor(added.id, serviceSpec('cloudwatch'))).toBe('https://monitoring.eu-west-1.amazonaws.com')
    // The sandbox never points at AWS: no emulator, no endpoint.
    expect(profiles.endpointFor('sandbox', serviceSpec('route53'))).toBeUndefined()
  })

  it('asks for the keys again before sending them to a new service endpoint', async () => {
    const profiles = await service()
    const { id } = await profiles.addAppProfile({ name: 'p', region: 'us-east-1', keys }, false)
    await expect(profiles.updateAppProfile(id, { endpoints: { route53: 'http://elsewhere:53' } }, false)).rejects.toThrow(
      /access key and secret again/,
    )
    // The same endpoints in another order are no move.
    await profiles.updateAppProfile(id, { endpoints: { route53: 'http://r:1', sts: 'http://s:2' }, keys }, false)
    await expect(profiles.updateAppProfile(id, { endpoints: { sts: 'http://s:2', route53: 'http://r:1' } }, false)).resolves.toBeDefined()
    const updated = await profiles.updateAppProfile(id, { endpoints: {}, keys }, false)
    expect(updated.endpoints).toEqual({})
  })
})
