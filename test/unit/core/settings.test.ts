/** Settings survive a damaged file: valid fields are kept, the bad ones fall back, and the file is kept aside. */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { SettingsStore, salvageSettings } from '../../../src-main/core/settings'

function storeWith(text: string | undefined) {
  const folder = mkdtempSync(join(tmpdir(), 'haneul-settings-'))
  const path = join(folder, 'settings.json')
  if (text !== undefined) writeFileSync(path, text)
  const logged: string[] = []
  return {
    folder,
    path,
    logged,
    store: new SettingsStore(
      path,
      (m) => logged.push(m),
      () => 1_700_000_000_000,
    ),
  }
}

describe('settings', () => {
  it('a field that does not validate falls back alone; the others are kept and the file is copied aside', async () => {
    const original = JSON.stringify({
      activeProfileId: 'work',
      transfers: { concurrency: 8 },
      priceOverrides: { storageUsdPerGbMonth: { STANDARD: -1 } },
      displayCurrency: { currency: 'KRW', perUsd: 1380 },
    })
    const { folder, path, logged, store } = storeWith(original)
    expect(await store.load()).toEqual({
      activeProfileId: 'work',
      transfers: { concurrency: 8 },
      displayCurrency: { currency: 'KRW', perUsd: 1380 },
    })
    expect(readFileSync(join(folder, 'settings.json.damaged-1700000000000'), 'utf8')).toBe(original)
    expect(logged).toEqual([
      `Settings: "priceOverrides" (Too small: expected number to be >=0) did not validate and fell back to the default; the file as it was is kept in ${path}.damaged-1700000000000.`,
    ])
    // The next write keeps what was valid.
    await store.update({ snapshotMaxMiB: 32 })
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({
      activeProfileId: 'work',
      snapshotMaxMiB: 32,
      transfers: { concurrency: 8 },
    })
  })

  it('a file that is not JSON gives defaults and is kept aside before anything overwrites it', async () => {
    const { folder, logged, store } = storeWith('{"activeProfileId": "work",')
    expect(await store.load()).toEqual({})
    await store.update({ activeProfileId: 'home' })
    expect(readdirSync(folder).sort()).toEqual(['settings.json', 'settings.json.damaged-1700000000000'])
    expect(readFileSync(join(folder, 'settings.json.damaged-1700000000000'), 'utf8')).toBe('{"activeProfileId": "work",')
    expect(logged[0]).toMatch(/^Settings: it is not readable JSON/)
  })

  it('a missing file is the defaults, silently; unknown fields from a newer version are dropped without a copy', async () => {
    const missing = storeWith(undefined)
    expect(await missing.store.load()).toEqual({})
    expect(missing.logged).toEqual([])
    expect(salvageSettings({ activeProfileId: 'a', addedInVersion9: true })).toEqual({ settings: { activeProfileId: 'a' }, dropped: [] })
    expect(salvageSettings([1, 2]).dropped).toEqual(['the whole file (not an object)'])
  })
})
