/** DraftStore: one draft per profile and zone, a damaged file set aside (never silently replaced), empty drafts leave no file. */
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { RecordEdit } from '../../../src-main/api/route53'
import { DraftStore } from '../../../src-main/route53/drafts'

const edit: RecordEdit = { kind: 'create', after: { Name: 'a.example.', Type: 'A', TTL: 60, ResourceRecords: [{ Value: '192.0.2.1' }] } }

describe('DraftStore', () => {
  it('keeps drafts apart per profile and zone and counts them per zone', async () => {
    const store = new DraftStore({ dir: mkdtempSync(join(tmpdir(), 'haneul-drafts-')), nowMs: () => 1_000 })
    await store.save('p1', 'Z1', [edit, edit])
    await store.save('p1', 'Z2', [edit])
    await store.save('p2', 'Z1', [edit])
    expect([...(await store.counts('p1'))].sort()).toEqual([
      ['Z1', 2],
      ['Z2', 1],
    ])
    expect((await store.get('p2', 'Z1'))?.edits).toHaveLength(1)
    expect(await store.get('p2', 'Z2')).toBeUndefined()
  })

  it('stamps every save later than the one before, so a plan of the old draft is recognisably old', async () => {
    const store = new DraftStore({ dir: mkdtempSync(join(tmpdir(), 'haneul-drafts-')), nowMs: () => 1_000 })
    const first = await store.save('p', 'Z', [edit])
    const second = await store.save('p', 'Z', [edit])
    expect(second.updatedAtMs).toBeGreaterThan(first.updatedAtMs)
  })

  it('sets a damaged draft aside, says so, and leaves no file for an empty draft', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'haneul-drafts-'))
    const logged: string[] = []
    const store = new DraftStore({ dir, nowMs: () => 5, log: (m) => logged.push(m) })
    await store.save('p', 'Z', [edit])
    const [file] = readdirSync(dir)
    writeFileSync(join(dir, file!), '{"profileId":"p","zoneId":"Z","edits":[{"kind":"create"')
    expect(await store.get('p', 'Z')).toBeUndefined()
    expect(logged).toEqual([expect.stringMatching(/^route53: a draft could not be read .*kept as .*\.unreadable-5$/)])
    expect(readdirSync(dir)).toEqual([`${file}.unreadable-5`])
    await store.save('p', 'Z', [edit])
    await store.save('p', 'Z', [])
    expect(readdirSync(dir)).toEqual([`${file}.unreadable-5`])
    expect(await store.discard('p', 'Z')).toBe(false)
  })
})
