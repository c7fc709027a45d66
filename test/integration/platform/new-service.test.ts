/**
 * A new service is a folder plus one line in the service list: the test-only Echo service
 * (test/fixtures/echo-service/) is added to the list and reaches every shared piece without any of them
 * changing — profile discovery (`[services]` sections and AWS_ENDPOINT_URL_<SVC>), resolved profile
 * endpoints, AwsClients (its signing rule: global, us-east-1), per-endpoint connectivity, the router,
 * and the sandbox's emulator registry (started with the others, on its own port).
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SettingsStore } from '../../../src-main/core/settings'
import { ConnectivityMonitor } from '../../../src-main/offline/connectivity'
import { OfflineFirst } from '../../../src-main/offline/offline-first'
import { SnapshotStore } from '../../../src-main/offline/snapshot-store'
import { AppProfileStore } from '../../../src-main/profiles/app-profiles'
import { AwsClients } from '../../../src-main/profiles/clients'
import { discoverProfiles } from '../../../src-main/profiles/discovery'
import { MfaPrompts } from '../../../src-main/profiles/mfa-prompts'
import { ProfileService } from '../../../src-main/profiles/profile-service'
import { sdkClients } from '../../../src-main/profiles/sdk-clients'
import { createRouter } from '../../../src-main/router'
import { SANDBOX_ACCESS_KEY_ID, SANDBOX_SECRET_ACCESS_KEY } from '../../../src-main/sandbox/credentials'
import { emulators } from '../../../src-main/sandbox/registry'
import { startSandbox, type RunningSandbox } from '../../../src-main/sandbox/servers'
import { echoApi } from '../../fixtures/echo-service/api'
import { startEcho } from '../../fixtures/echo-service/emulator'
import { createEchoModule, echoClient, type EchoClients } from '../../fixtures/echo-service/handlers'
import { withEcho } from '../../fixtures/echo-service/service'
import { testVault } from '../../helpers/test-vault'
import { sandboxAssets } from '../../helpers/app-harness'

const dir = mkdtempSync(join(tmpdir(), 'haneul-echo-'))
let sandbox: RunningSandbox
let home: string
/** Endpoint records are typed by the app's list; Echo, being test-only, is not in that type. */
const echoUrl = () => (sandbox.endpoints as Record<string, string>).echo!

beforeAll(async () => {
  sandbox = await startSandbox({
    dataDir: join(dir, 'sandbox'),
    assetsDir: sandboxAssets,
    services: withEcho,
    registry: { ...emulators, echo: startEcho },
  })
  home = join(dir, 'home')
  mkdirSync(join(home, '.aws'), { recursive: true })
  writeFileSync(
    join(home, '.aws', 'config'),
    `[profile local]\nregion = eu-west-1\nservices = sandbox\n[services sandbox]\necho_service =\n  endpoint_url = ${echoUrl()}\n`,
  )
  writeFileSync(
    join(home, '.aws', 'credentials'),
    `[local]\naws_access_key_id = ${SANDBOX_ACCESS_KEY_ID}\naws_secret_access_key = ${SANDBOX_SECRET_ACCESS_KEY}\n`,
  )
})

afterAll(async () => {
  await sandbox?.close()
  await rm(dir, { recursive: true, force: true })
})

async function platformWithEcho(env: Record<string, string | undefined>) {
  const settings = new SettingsStore(join(dir, `settings-${Math.random()}.json`))
  await settings.load()
  const profiles = new ProfileService({
    discover: () => discoverProfiles({ env, homeDir: home, services: withEcho }),
    credentialsFor: () => async () => ({ accessKeyId: SANDBOX_ACCESS_KEY_ID, secretAccessKey: SANDBOX_SECRET_ACCESS_KEY }),
    appProfiles: new AppProfileStore(join(dir, 'profiles.json'), testVault()),
    sandbox: { endpoints: sandbox.endpoints, whenReady: async () => sandbox.endpoints },
    sandboxCredentials: async () => ({ accessKeyId: SANDBOX_ACCESS_KEY_ID, secretAccessKey: SANDBOX_SECRET_ACCESS_KEY }),
    settings,
    mfa: new MfaPrompts(() => {}),
    emit: () => {},
  })
  await profiles.reload()
  const clients = new AwsClients(profiles, { factories: { ...sdkClients, echo: echoClient }, services: withEcho })
  const echo = withEcho.find((s) => s.id === 'echo')!
  const connectivity = new ConnectivityMonitor({
    probe: async () => 'online',
    endpointOf: (profileId) => profiles.endpointFor(profileId, echo),
    onChange: () => {},
  })
  const snapshots = await SnapshotStore.open({ dir: join(dir, 'snapshots'), maxBytes: 1 << 20 })
  const module = createEchoModule(clients as unknown as EchoClients, new OfflineFirst(snapshots, connectivity, 'echo'))
  const router = createRouter({ contract: { echo: echoApi }, handlers: { echo: module.handlers }, isTrustedSender: () => true })
  const call = (operation: string, payload: unknown) =>
    router.handle(operation, payload, { senderUrl: 'app://haneul/', signal: new AbortController().signal })
  return { profiles, clients, connectivity, call }
}

describe('a new service is a folder plus one line in the service list', () => {
  it('the sandbox registry starts its emulator on its own loopback port beside the others', () => {
    expect(Object.keys(sandbox.endpoints)).toEqual(['s3', 'sts', 'echo'])
    expect(echoUrl()).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(new Set(Object.values(sandbox.endpoints)).size).toBe(3)
  })

  it('discovery reads its [services] key and AWS_ENDPOINT_URL_<SVC>', async () => {
    const fromFile = await discoverProfiles({ env: {}, homeDir: home, services: withEcho })
    expect(fromFile.find((p) => p.name === 'local')?.endpoints).toEqual({ echo: echoUrl() })
    const fromEnv = await discoverProfiles({
      env: { AWS_ACCESS_KEY_ID: 'AKIAENV', AWS_SECRET_ACCESS_KEY: 'x', AWS_ENDPOINT_URL_ECHO_SERVICE: 'http://127.0.0.1:1' },
      homeDir: home,
      services: withEcho,
    })
    expect(fromEnv.find((p) => p.name === 'environment')?.endpoints).toEqual({ echo: 'http://127.0.0.1:1' })
  })

  it('is called through the router with its own client, signed for its rule, for a ~/.aws profile and the sandbox profile', async () => {
    const { clients, connectivity, call } = await platformWithEcho({})
    for (const profileId of ['aws:local', 'sandbox']) {
      const result = await call('echo.whoAmI', { profileId })
      // Global like CloudFront and Route 53: us-east-1 although the profile says eu-west-1.
      expect(result).toEqual({ ok: true, value: { arn: 'arn:aws:iam::123456789012:user/sandbox', signedForRegion: 'us-east-1' } })
      expect(connectivity.summary(profileId)).toEqual({
        state: 'online',
        endpoints: [{ service: 'echo', url: echoUrl(), state: 'online' }],
      })
    }
    // One cache: the same client comes back; forget drops it.
    const first = await clients.client('aws:local', 'echo')
    expect(await clients.client('aws:local', 'echo')).toBe(first)
    clients.forget('aws:local')
    expect(await clients.client('aws:local', 'echo')).not.toBe(first)
    expect(await call('echo.whoAmI', { profileId: '' })).toMatchObject({ ok: false, error: { code: 'bad-request' } })
  })
})
