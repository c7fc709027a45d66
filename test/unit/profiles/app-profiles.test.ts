import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { AppProfileStore } from '../../../src-main/profiles/app-profiles'
import { testVault } from '../../helpers/test-vault'

const keys = { accessKeyId: 'AKIAAPPEXAMPLE000001', secretAccessKey: 'app-secret-DO-NOT-LEAK', sessionToken: 'app-token-DO-NOT-LEAK' }
const file = () => join(mkdtempSync(join(tmpdir(), 'haneul-app-profiles-')), 'profiles.json')

describe('Haneul profiles (keys in the OS keychain)', () => {
  it('stores keys only encrypted, and gives them back to main', async () => {
    const path = file()
    const store = new AppProfileStore(path, testVault())
    const profile = await store.add({ name: 'MinIO lab', region: 'us-east-1', endpoint: 'http://127.0.0.1:9000', keys }, false)
    expect(profile).toMatchObject({ name: 'MinIO lab', accessKeyHint: 'AKIA…0001', forcePathStyle: true })
    const onDisk = readFileSync(path, 'utf8')
    for (const secret of Object.values(keys)) expect(onDisk).not.toContain(secret)
    expect(JSON.stringify(store.list())).not.toContain('DO-NOT-LEAK')
    expect(store.keys(profile.id)).toEqual(keys)
  })

  it('survives a restart, and editing other fields keeps the keys', async () => {
    const path = file()
    const vault = testVault()
    const first = new AppProfileStore(path, vault)
    const { id } = await first.add({ name: 'R2', region: 'us-east-1', keys }, false)
    const second = new AppProfileStore(path, vault)
    await second.load()
    await second.update(id, { region: 'eu-west-1', endpoint: null }, false)
    expect(second.list()[0]).toMatchObject({ region: 'eu-west-1', endpoint: undefined })
    expect(second.keys(id)).toEqual(keys)
    await second.update(id, { keys: { accessKeyId: 'AKIANEWKEY0000000002', secretAccessKey: 'new' } }, false)
    expect(second.keys(id)).toEqual({ accessKeyId: 'AKIANEWKEY0000000002', secretAccessKey: 'new' })
    expect(second.list()[0]!.accessKeyHint).toBe('AKIA…0002')
  })

  it('refuses a duplicate name and an unknown id', async () => {
    const store = new AppProfileStore(file(), testVault())
    await store.add({ name: 'A', region: 'us-east-1', keys }, false)
    await expect(store.add({ name: 'A', region: 'us-east-1', keys }, false)).rejects.toMatchObject({ code: 'already-exists' })
    await expect(store.remove('app:nope')).rejects.toMatchObject({ code: 'not-found' })
  })

  it('on Linux without a keyring (basic_text), refuses unless the user accepts weak storage', async () => {
    const path = file()
    const store = new AppProfileStore(path, testVault('basic_text'))
    expect(store.storage(false)).toEqual({ backend: 'basic_text', available: false, weak: true })
    await expect(store.add({ name: 'weak', region: 'us-east-1', keys }, false)).rejects.toThrow(/no keychain.*basic_text/)
    expect(store.list()).toEqual([])
    const profile = await store.add({ name: 'weak', region: 'us-east-1', keys }, true)
    expect(store.keys(profile.id)).toEqual(keys)
  })

  it('says so when no encryption is available at all', async () => {
    const store = new AppProfileStore(file(), testVault('gnome_libsecret', false))
    expect(store.storage(true)).toEqual({ backend: 'none', available: false, weak: false })
    await expect(store.add({ name: 'x', region: 'us-east-1', keys }, true)).rejects.toThrow(/keychain is not available/)
  })
})

describe('a damaged profiles file', () => {
  it('is set aside, never overwritten, and the reason is reported', async () => {
    const { writeFileSync, readdirSync, readFileSync: read } = await import('node:fs')
    const { dirname } = await import('node:path')
    const path = file()
    writeFileSync(path, '{"version":1,"profiles":[{"id":"app:1", "sealed": "AAAA"')
    const store = new AppProfileStore(path, testVault())
    const problem = await store.load()
    expect(problem).toMatch(/could not be read: it is not valid JSON.*kept as .*profiles\.json\.unreadable-/)
    expect(store.list()).toEqual([])
    const aside = readdirSync(dirname(path)).find((name) => name.startsWith('profiles.json.unreadable-'))!
    expect(read(`${dirname(path)}/${aside}`, 'utf8')).toContain('"sealed": "AAAA"')
    // Saving a new profile afterwards does not touch the set-aside file.
    await store.add({ name: 'fresh', region: 'us-east-1', keys }, false)
    expect(read(`${dirname(path)}/${aside}`, 'utf8')).toContain('"sealed": "AAAA"')
  })

  it('keeps fields a newer Haneul may add', async () => {
    const { writeFileSync } = await import('node:fs')
    const path = file()
    const vault = testVault()
    const first = new AppProfileStore(path, vault)
    const { id } = await first.add({ name: 'A', region: 'us-east-1', keys }, false)
    const onDisk = JSON.parse(readFileSync(path, 'utf8'))
    onDisk.profiles[0].futureField = 'x'
    writeFileSync(path, JSON.stringify(onDisk))
    const second = new AppProfileStore(path, vault)
    expect(await second.load()).toBeUndefined()
    expect(second.keys(id)).toEqual(keys)
  })
})
