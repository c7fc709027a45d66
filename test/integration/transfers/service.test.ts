/**
 * Uploading a drop through the router: planning lists the keys that exist, "keep both" picks a name
 * that is free in the bucket (not only among the dropped files), Content-Type follows the extension,
 * and a folder's structure is kept.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SANDBOX_ACCESS_KEY_ID, SANDBOX_SECRET_ACCESS_KEY } from '../../../src-main/sandbox/credentials'
import { startHarness, type Harness } from '../../helpers/app-harness'

const context = () => ({ senderUrl: 'app://haneul/index.html', signal: new AbortController().signal })

describe('transfers service', () => {
  let harness: Harness
  let s3: S3Client
  let dir: string
  const call = async <T>(operation: string, payload: unknown): Promise<T> => {
    const result = await harness.services.router.handle(operation, payload, context())
    if (!result.ok) throw new Error(`${operation}: ${result.error.code} ${result.error.message}`)
    return result.value as T
  }
  const waitForBatch = (batchId: string) =>
    new Promise<void>((resolve) => {
      const check = () =>
        harness.events.some((e) => e.type === 'transfers.batchDone' && e.batchId === batchId) ? resolve() : setTimeout(check, 20)
      check()
    })

  beforeAll(async () => {
    harness = await startHarness()
    s3 = new S3Client({
      endpoint: harness.services.sandbox.endpoints!.s3,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: SANDBOX_ACCESS_KEY_ID, secretAccessKey: SANDBOX_SECRET_ACCESS_KEY },
    })
    dir = mkdtempSync(join(tmpdir(), 'haneul-drop-'))
    mkdirSync(join(dir, 'site', 'css'), { recursive: true })
    writeFileSync(join(dir, 'site', 'index.html'), '<h1>new</h1>')
    writeFileSync(join(dir, 'site', 'css', 'app.css'), 'body{}')
    writeFileSync(join(dir, 'report.pdf'), 'new report')
  })
  afterAll(async () => {
    s3?.destroy()
    await harness?.close()
  })

  it('plans: counts files and bytes, and lists the keys that already exist', async () => {
    await s3.send(new PutObjectCommand({ Bucket: 'haneul-demo-site', Key: 'up/report.pdf', Body: 'old report' }))
    const dropId = await harness.services.transfers.registerDrop([join(dir, 'site'), join(dir, 'report.pdf')])
    const drop = harness.events.find((e) => e.type === 'drop.received' && e.dropId === dropId)
    expect(drop).toMatchObject({
      items: [
        { name: 'site', isDirectory: true, files: 2 },
        { name: 'report.pdf', isDirectory: false, files: 1 },
      ],
    })
    const plan = await call<{ files: number; bytes: number; conflicts: string[] }>('transfers.planUpload', {
      dropId,
      profileId: 'sandbox',
      bucket: 'haneul-demo-site',
      prefix: 'up/',
    })
    expect(plan).toMatchObject({ files: 3, bytes: 12 + 6 + 10, conflicts: ['up/report.pdf'] })
  })

  it('"keep both" skips names that exist in the bucket, and sets Content-Type from the extension', async () => {
    // "report (1).pdf" exists already: keep-both must not overwrite it.
    await s3.send(new PutObjectCommand({ Bucket: 'haneul-demo-site', Key: 'up/report (1).pdf', Body: 'keep me' }))
    const dropId = await harness.services.transfers.registerDrop([join(dir, 'site'), join(dir, 'report.pdf')])
    const { batchId } = await call<{ batchId: string }>('transfers.startUpload', {
      dropId,
      profileId: 'sandbox',
      bucket: 'haneul-demo-site',
      prefix: 'up/',
      onConflict: 'rename',
    })
    await waitForBatch(batchId)
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: 'haneul-demo-site', Prefix: 'up/' }))
    expect(listed.Contents?.map((o) => o.Key).sort()).toEqual([
      'up/report (1).pdf',
      'up/report (2).pdf',
      'up/report.pdf',
      'up/site/css/app.css',
      'up/site/index.html',
    ])
    const kept = await s3.send(new HeadObjectCommand({ Bucket: 'haneul-demo-site', Key: 'up/report (1).pdf' }))
    expect(kept.ContentLength).toBe('keep me'.length)
    const html = await s3.send(new HeadObjectCommand({ Bucket: 'haneul-demo-site', Key: 'up/site/index.html' }))
    expect(html.ContentType).toBe('text/html; charset=utf-8')
    const css = await s3.send(new HeadObjectCommand({ Bucket: 'haneul-demo-site', Key: 'up/site/css/app.css' }))
    expect(css.ContentType).toBe('text/css; charset=utf-8')
  })

  it('"skip" leaves existing keys alone and says how many it skipped', async () => {
    const dropId = await harness.services.transfers.registerDrop([join(dir, 'report.pdf')])
    const started = await call<{ jobs: number; skipped: number }>('transfers.startUpload', {
      dropId,
      profileId: 'sandbox',
      bucket: 'haneul-demo-site',
      prefix: 'up/',
      onConflict: 'skip',
    })
    expect(started).toMatchObject({ jobs: 0, skipped: 1 })
  })

  it('refuses an unknown or expired drop clearly', async () => {
    const result = await harness.services.router.handle(
      'transfers.planUpload',
      { dropId: 'nope', profileId: 'sandbox', bucket: 'haneul-demo-site', prefix: '' },
      context(),
    )
    expect(result).toMatchObject({ ok: false, error: { code: 'not-found', message: expect.stringMatching(/drop the files again/) } })
  })
})

describe('drops that cannot be read completely', () => {
  it('lists unreadable folders as refused and uploads the rest', async () => {
    const harness = await startHarness()
    try {
      const dir = mkdtempSync(join(tmpdir(), 'haneul-drop-'))
      mkdirSync(join(dir, 'album', 'locked'), { recursive: true })
      writeFileSync(join(dir, 'album', 'ok.txt'), 'fine')
      writeFileSync(join(dir, 'album', 'locked', 'secret.txt'), 'no')
      const { chmodSync, symlinkSync } = await import('node:fs')
      symlinkSync(join(dir, 'missing-target'), join(dir, 'album', 'broken-link'))
      chmodSync(join(dir, 'album', 'locked'), 0o000)
      const dropId = await harness.services.transfers.registerDrop([join(dir, 'album')])
      const result = await harness.services.router.handle(
        'transfers.planUpload',
        { dropId, profileId: 'sandbox', bucket: 'haneul-demo-site', prefix: 'album-test/' },
        context(),
      )
      chmodSync(join(dir, 'album', 'locked'), 0o755)
      expect(result.ok).toBe(true)
      const plan = (result as { value: { files: number; refused: Array<{ name: string; reason: string }> } }).value
      expect(plan.files).toBeGreaterThanOrEqual(1)
      expect(plan.refused.map((r) => r.name)).toContain('album/broken-link')
      // Root can read a 000 folder; everyone else gets it refused.
      if (process.getuid?.() !== 0) expect(plan.refused.map((r) => r.name)).toContain('album/locked')
    } finally {
      await harness.close()
    }
  })
})

describe('switching profile during a transfer', () => {
  it('neither cancels nor mixes the old profile’s transfer', async () => {
    const { readFileSync } = await import('node:fs')
    const folder = mkdtempSync(join(tmpdir(), 'haneul-switch-'))
    const home = mkdtempSync(join(tmpdir(), 'haneul-home-'))
    mkdirSync(join(home, '.aws'))
    const harness = await startHarness({ homeDir: home, chooseFolder: () => folder })
    try {
      const keys = `aws_access_key_id = ${SANDBOX_ACCESS_KEY_ID}\naws_secret_access_key = ${SANDBOX_SECRET_ACCESS_KEY}\n`
      writeFileSync(join(home, '.aws', 'credentials'), `[other]\n${keys}`)
      writeFileSync(
        join(home, '.aws', 'config'),
        `[profile other]\nregion = eu-west-1\nendpoint_url = ${harness.services.sandbox.endpoints!.s3}\n`,
      )
      await harness.services.profiles.reload()
      const call = (operation: string, payload: unknown) => harness.services.router.handle(operation, payload, context())
      // Slow enough to still be running when the user switches away.
      harness.services.engine.configure({ maxBandwidthBytesPerSecond: 16 * 1024 })
      expect(
        (await call('transfers.download', { profileId: 'sandbox', bucket: 'haneul-demo-site', keys: ['media/originals/photo-001.svg'] }))
          .ok,
      ).toBe(true)
      await call('profiles.setActive', { profileId: 'aws:other' })
      expect((await call('s3.listBuckets', { profileId: 'aws:other' })).ok).toBe(true)
      const [during] = harness.services.engine.list()
      expect(during).toMatchObject({ profileId: 'sandbox' })
      expect(['queued', 'running']).toContain(during!.state)
      harness.services.engine.configure({ maxBandwidthBytesPerSecond: 0 })
      for (let i = 0; i < 400 && harness.services.engine.list().some((t) => t.state !== 'done'); i++)
        await new Promise((r) => setTimeout(r, 25))
      expect(harness.services.engine.list()).toEqual([
        expect.objectContaining({ state: 'done', profileId: 'sandbox', key: 'media/originals/photo-001.svg' }),
      ])
      expect(readFileSync(join(folder, 'media', 'originals', 'photo-001.svg'), 'utf8')).toContain('<svg')
    } finally {
      await harness.close()
    }
  })
})
