/**
 * Downloads into a folder the user chose never overwrite what is there, never write through a link that
 * leads elsewhere, and never let two keys (NFC and NFD twins on macOS) land on one file.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startHarness, type Harness } from '../../helpers/app-harness'

const context = () => ({ senderUrl: 'app://haneul/index.html', signal: new AbortController().signal })

describe('download safety', () => {
  let harness: Harness
  let folder: string
  const finished = async () => {
    for (let i = 0; i < 400; i++) {
      if (harness.services.engine.list().every((t) => ['done', 'failed', 'cancelled'].includes(t.state))) return
      await new Promise((resolve) => setTimeout(resolve, 25))
    }
    throw new Error('downloads did not finish')
  }

  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), 'haneul-downloads-'))
    harness = await startHarness({ chooseFolder: () => folder })
  })
  afterAll(async () => {
    await harness?.close()
  })

  it('saves beside a file that is already there, as "name (1)", leaving it untouched', async () => {
    writeFileSync(join(folder, 'index.html'), 'mine, not the bucket’s')
    const result = await harness.services.router.handle(
      'transfers.download',
      { profileId: 'sandbox', bucket: 'haneul-demo-site', keys: ['index.html', '404.html'] },
      context(),
    )
    expect(result).toMatchObject({ ok: true, value: { jobs: 2, renamed: 1, refused: [] } })
    await finished()
    expect(readFileSync(join(folder, 'index.html'), 'utf8')).toBe('mine, not the bucket’s')
    expect(readFileSync(join(folder, 'index (1).html'), 'utf8')).toContain('haneul-demo.example')
    expect(existsSync(join(folder, '404.html'))).toBe(true)
  })

  it('refuses to write through a link inside the folder that leads outside it', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'haneul-outside-'))
    mkdirSync(join(folder, 'site'))
    symlinkSync(outside, join(folder, 'site', 'css'))
    const engine = harness.services.engine
    // What the service asks for when the user downloads the folder "css/" into `folder`: `site/css` is a link.
    const { jobIds } = await engine.downloadPrefix({
      profileId: 'sandbox',
      bucket: 'haneul-demo-site',
      prefix: 'css/',
      destinationDir: join(folder, 'site', 'css'),
      withinDir: folder,
    })
    expect(jobIds.length).toBe(2)
    await finished()
    const states = jobIds.map((id) => engine.get(id))
    expect(states.map((s) => s?.state)).toEqual(['failed', 'failed'])
    expect(states[0]?.error?.message).toMatch(/link that leads outside the chosen folder; nothing was written/)
    expect(readdirSync(outside)).toEqual([])
  })

  it('on macOS, an NFD twin of an NFC key lands beside it, numbered, instead of overwriting it', async () => {
    const target = join(folder, 'mac')
    const result = await harness.services.engine.downloadPrefix({
      profileId: 'sandbox',
      bucket: 'haneul-demo-site',
      prefix: '문서/',
      destinationDir: target,
      platform: 'darwin',
    })
    await finished()
    expect(result.jobIds.length).toBe(3)
    expect(result.refused).toEqual([])
    expect(result.renamed).toBe(1)
    const names = readdirSync(target)
      .map((n) => n.normalize('NFC'))
      .sort()
    // The seed holds "한글 문서.txt" in both forms; the one S3 lists second is the numbered one.
    expect(names).toEqual(['시작하기.html', '한글 문서 (1).txt', '한글 문서.txt'].sort())
    // On Linux the two forms are two files, as on S3.
    const linux = await harness.services.engine.downloadPrefix({
      profileId: 'sandbox',
      bucket: 'haneul-demo-site',
      prefix: '문서/',
      destinationDir: join(folder, 'linux'),
      platform: 'linux',
    })
    await finished()
    expect(linux.jobIds.length).toBe(3)
    expect(readdirSync(join(folder, 'linux')).length).toBe(3)
  })
})
