/**
 * A draft survives SIGKILL at any moment: afterwards it is a whole version the writer saved (each writer
 * starts again from version 1), never torn, never set aside, and no temp file is left once it is read.
 */
import { fork } from 'node:child_process'
import { mkdtempSync, readdirSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { DraftStore } from '../../../src-main/route53/drafts'

const dir = mkdtempSync(join(tmpdir(), 'haneul-drafts-crash-'))
afterAll(() => rm(dir, { recursive: true, force: true }))

describe('route53 drafts under SIGKILL', () => {
  it('10 kills mid-save: every draft read afterwards is whole', async () => {
    const kills = 10
    const versions: number[] = []
    const problems: string[] = []
    for (let i = 0; i < kills; i++) {
      const child = fork(join(import.meta.dirname, '../../helpers/draft-writer.ts'), [dir], {
        execArgv: ['--import', 'tsx'],
        stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      })
      await new Promise<void>((resolve) => child.once('message', () => resolve()))
      await new Promise((resolve) => setTimeout(resolve, 40 + Math.random() * 160))
      child.kill('SIGKILL')
      await new Promise((resolve) => child.once('exit', resolve))
      const logged: string[] = []
      const draft = await new DraftStore({ dir, log: (m) => logged.push(m) }).get('sandbox', 'Z0HANEULDEMO0001')
      problems.push(...logged)
      if (!draft) {
        problems.push(`kill ${i + 1}: the draft is gone`)
        continue
      }
      const version = Number(/^v(\d+)-/.exec(draft.edits[0]!.kind === 'create' ? draft.edits[0]!.after.Name : '')?.[1])
      const whole =
        draft.edits.length === 2_000 &&
        draft.edits.every((edit, n) => edit.kind === 'create' && edit.after.Name === `v${version}-${n}.haneul-demo.example.`)
      if (!whole) problems.push(`kill ${i + 1}: a torn or mixed draft`)
      versions.push(version)
    }
    console.log(`draft crash test: ${kills} SIGKILLs, versions read ${versions.join(',')}, problems ${problems.length}`)
    expect(problems).toEqual([])
    expect(versions.length).toBeGreaterThan(0)
    expect(readdirSync(dir).filter((f) => f.includes('.unreadable-') || f.endsWith('.tmp'))).toEqual([])
  }, 120_000)
})
