/** A damaged engine log (a torn last line is normal after a crash; a bad line before it is not) must not keep the app from starting: it is set aside, said in the app's log, and no job is invented. */
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { TransferEngine } from '../../../src-main/transfers/index'

let dir: string | undefined
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true })
})

describe('TransferEngine.restore', () => {
  it('sets an unreadable job log aside and reports it through the injected log', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'haneul-engine-'))
    await writeFile(path.join(dir, 'jobs.jsonl'), '{"t":"job", this is not json\n{"t":"done","id":"x"}\n')
    const messages: string[] = []
    const engine = new TransferEngine({
      clients: { s3: () => Promise.reject(new Error('no S3 needed to restore')) },
      journalDir: dir,
      log: (message) => messages.push(message),
    })
    await engine.restore()
    expect(engine.list()).toEqual([])
    expect(messages).toHaveLength(1)
    expect(messages[0]).toMatch(/^transfers: the job log could not be read and was set aside: /)
    const names = await readdir(dir)
    expect(names.some((name) => /^jobs\.jsonl\.unreadable-\d+$/.test(name))).toBe(true)
    await engine.close()
  })
})
