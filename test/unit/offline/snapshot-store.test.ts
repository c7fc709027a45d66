import { fork } from 'node:child_process'
import { mkdtempSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { SnapshotStore } from '../../../src-main/offline/snapshot-store'

const tempDir = () => mkdtempSync(join(tmpdir(), 'haneul-snapshots-'))

describe('snapshot store', () => {
  it('keeps listings per profile with the time they were saved', async () => {
    let now = 1_000
    const store = await SnapshotStore.open({ dir: tempDir(), maxBytes: 1 << 20, nowMs: () => now })
    await store.put('aws:work', 'buckets', { buckets: ['a'] })
    now = 2_000
    await store.put('aws:home', 'buckets', { buckets: ['b'] })
    expect(await store.get('aws:work', 'buckets')).toEqual({ value: { buckets: ['a'] }, savedAtMs: 1_000 })
    expect(await store.get('aws:home', 'buckets')).toEqual({ value: { buckets: ['b'] }, savedAtMs: 2_000 })
    expect(await store.get('aws:none', 'buckets')).toBeUndefined()
  })

  it('survives a reopen, and the newest of racing writes wins', async () => {
    const dir = tempDir()
    const store = await SnapshotStore.open({ dir, maxBytes: 1 << 20 })
    await Promise.all([1, 2, 3, 4, 5].map((n) => store.put('p', 'k', { n })))
    const reopened = await SnapshotStore.open({ dir, maxBytes: 1 << 20 })
    expect((await reopened.get('p', 'k'))?.value).toEqual({ n: 5 })
  })

  it('evicts the least recently used listings beyond its size bound', async () => {
    let now = 0
    const store = await SnapshotStore.open({ dir: tempDir(), maxBytes: 3_000, nowMs: () => ++now })
    const big = 'x'.repeat(900)
    await store.put('p', 'a', { big })
    await store.put('p', 'b', { big })
    await store.get('p', 'a') // a is now more recently used than b
    await store.put('p', 'c', { big })
    await store.put('p', 'd', { big })
    expect(store.sizeBytes).toBeLessThanOrEqual(3_000)
    expect(await store.get('p', 'b')).toBeUndefined()
    expect((await store.get('p', 'a'))?.value).toEqual({ big })
    expect((await store.get('p', 'd'))?.value).toEqual({ big })
  })

  it('removes a profile entirely', async () => {
    const store = await SnapshotStore.open({ dir: tempDir(), maxBytes: 1 << 20 })
    await store.put('gone', 'buckets', { x: 1 })
    await store.put('kept', 'buckets', { x: 2 })
    await store.removeProfile('gone')
    expect(await store.get('gone', 'buckets')).toBeUndefined()
    expect(await store.get('kept', 'buckets')).toBeDefined()
  })

  it('is never torn by SIGKILL mid-write: 20 kills, every snapshot whole afterwards', async () => {
    const dir = tempDir()
    const iterations = 20
    let corrupt = 0
    let lastVersions: number[] = []
    const seen = new Set<string>()
    for (let i = 0; i < iterations; i++) {
      const child = fork(join(import.meta.dirname, '../../helpers/snapshot-writer.ts'), [dir], {
        execArgv: ['--import', 'tsx'],
        stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      })
      await new Promise<void>((resolve) => child.once('message', () => resolve()))
      await new Promise((resolve) => setTimeout(resolve, 30 + Math.random() * 120))
      child.kill('SIGKILL')
      await new Promise((resolve) => child.once('exit', resolve))
      const store = await SnapshotStore.open({ dir, maxBytes: 1 << 30 })
      lastVersions = []
      for (const key of ['buckets', 'objects\nsite\n', 'objects\nsite\nblog/']) {
        const snapshot = await store.get<{ version: number; items: string[] }>('sandbox', key)
        if (!snapshot) {
          // Missing is fine only before this listing's first complete write; afterwards it means torn.
          if (seen.has(key)) corrupt++
          continue
        }
        seen.add(key)
        const { version, items } = snapshot.value
        const whole = items.length === 5_000 && items.every((item, n) => item === `object-${version}-${n}`)
        if (!whole) corrupt++
        lastVersions.push(version)
      }
      // Temp files of interrupted writes are cleaned up at open.
      for (const folder of readdirSync(dir)) expect(readdirSync(join(dir, folder)).filter((f) => f.endsWith('.tmp'))).toEqual([])
    }
    console.log(`snapshot crash test: ${iterations} SIGKILLs, ${corrupt} corrupt snapshots, last versions ${lastVersions.join(',')}`)
    expect(corrupt).toBe(0)
    expect(lastVersions.length).toBe(3)
  }, 120_000)
})
