/**
 * Drag and drop from the OS in Chromium: two files and a folder dropped on a folder of the listing
 * upload with the folder's structure kept, the transfers panel shows progress (speed, ETA) until done,
 * the objects appear, and the server holds exactly the bytes that were dropped.
 */
import { createHash, randomBytes } from 'node:crypto'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SANDBOX_ACCESS_KEY_ID, SANDBOX_SECRET_ACCESS_KEY } from '../../src-main/sandbox/credentials'
import { openApp, type AppPage } from './browser'

const MiB = 1024 * 1024
const files: Record<string, Buffer> = {
  'big-video.bin': randomBytes(40 * MiB),
  '보고서 final+1.txt': Buffer.from('분기 보고서\n'),
  'photos/a.jpg': randomBytes(3 * MiB),
  'photos/nested/🎉.png': randomBytes(200 * 1024),
}
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex')

describe('drag-and-drop uploads in Chromium', () => {
  let app: AppPage

  beforeAll(async () => {
    app = await openApp({ locale: 'en-US' })
    const dir = mkdtempSync(join(tmpdir(), 'haneul-drop-'))
    for (const [name, data] of Object.entries(files)) {
      mkdirSync(join(dir, name, '..'), { recursive: true })
      writeFileSync(join(dir, name), data)
    }
    // What the synthetic drop's File names stand for (preload would ask webUtils.getPathForFile).
    app.dropFiles.set('big-video.bin', join(dir, 'big-video.bin'))
    app.dropFiles.set('보고서 final+1.txt', join(dir, '보고서 final+1.txt'))
    app.dropFiles.set('photos', join(dir, 'photos'))
    // Slow the engine down so the panel can be seen mid-way.
    app.harness.services.engine.configure({ maxBandwidthBytesPerSecond: 16 * MiB })
  })
  afterAll(async () => {
    await app?.close()
  })

  it('uploads two files and a folder dropped on a folder, keeping the structure', async () => {
    const { page } = app
    await page.locator('[data-bucket="haneul-demo-site"]').click()
    await page.locator('[data-folder="downloads/"]').click()
    await page.locator('[data-key="downloads/100% done.txt"]').waitFor()
    const started = Date.now()
    await page.evaluate(() => {
      const transfer = new DataTransfer()
      for (const name of ['big-video.bin', '보고서 final+1.txt', 'photos']) transfer.items.add(new File(['x'], name))
      const zone = document.querySelector('[data-testid="drop-zone"]')!
      zone.dispatchEvent(new DragEvent('dragover', { dataTransfer: transfer, bubbles: true, cancelable: true }))
      zone.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }))
    })
    await page.locator('[data-testid="transfers"] [data-state="running"]').first().waitFor()
    await page.locator('[data-testid="totals"]').waitFor()
    await new Promise((resolve) => setTimeout(resolve, 800))
    await app.screenshot('transfers-midway')
    const midway = await page
      .locator('[data-testid="total-progress"]')
      .evaluate((el) => (el as HTMLProgressElement).value / (el as HTMLProgressElement).max)
    expect(midway).toBeGreaterThan(0)
    expect(midway).toBeLessThan(1)

    await page.locator('[data-testid="transfers"]', { hasText: 'All transfers finished.' }).waitFor({ timeout: 60_000 })
    const states = await page
      .locator('[data-testid="transfers"] [data-transfer]')
      .evaluateAll((els) => els.map((el) => [el.getAttribute('data-transfer'), el.getAttribute('data-state')]))
    expect(Object.fromEntries(states)).toEqual({
      'downloads/big-video.bin': 'done',
      'downloads/보고서 final+1.txt': 'done',
      'downloads/photos/a.jpg': 'done',
      'downloads/photos/nested/🎉.png': 'done',
    })
    // The listing refreshes itself when the batch is done.
    await page.locator('[data-key="downloads/big-video.bin"]').waitFor()
    await page.locator('[data-folder="downloads/photos/"]').waitFor()
    await app.screenshot('transfers-done')
    console.log(
      `drop upload of ${Object.keys(files).length} files (${(Object.values(files).reduce((n, f) => n + f.length, 0) / MiB).toFixed(1)} MiB at 16 MiB/s) done in ${Date.now() - started} ms`,
    )

    // Progress came often, and never went backwards.
    const updates = app.harness.events.flatMap((e) =>
      e.type === 'transfers.updated'
        ? e.transfers
            .filter((t) => t.key === 'downloads/big-video.bin')
            .map((t) => ({ at: t.updatedAtMs, done: t.bytesDone, state: t.state }))
        : [],
    )
    const running = updates.filter((u) => u.state === 'running')
    const seconds = (running.at(-1)!.at - running[0]!.at) / 1000
    expect(running.length / seconds).toBeGreaterThanOrEqual(4)
    for (let i = 1; i < updates.length; i++) expect(updates[i]!.done).toBeGreaterThanOrEqual(updates[i - 1]!.done)
    expect(app.harness.notifications.at(-1)).toMatch(/transfers finished.*4 done/)
  }, 90_000)

  it('stored exactly the dropped bytes', async () => {
    const s3 = new S3Client({
      endpoint: app.harness.services.sandbox.endpoints!.s3,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: SANDBOX_ACCESS_KEY_ID, secretAccessKey: SANDBOX_SECRET_ACCESS_KEY },
    })
    for (const [name, data] of Object.entries(files)) {
      const object = await s3.send(new GetObjectCommand({ Bucket: 'haneul-demo-site', Key: `downloads/${name}` }))
      expect(sha256(Buffer.from(await object.Body!.transformToByteArray())), name).toBe(sha256(data))
    }
    s3.destroy()
  })

  it('ran without console errors or CSP violations', () => {
    expect(app.consoleErrors).toEqual([])
  })
})

describe('transfer settings in Chromium', () => {
  let app: AppPage
  beforeAll(async () => {
    app = await openApp({ locale: 'en-US' })
  })
  afterAll(async () => {
    await app?.close()
  })

  it('opens from the status bar, validates, and applies to the engine', async () => {
    const { page } = app
    await page.locator('[data-testid="status-transfers"]').click()
    await page.locator('[data-testid="transfer-settings"]').click()
    const form = page.locator('[data-testid="transfers"] form.settings')
    await form.locator('input').nth(0).fill('4')
    await form.locator('input').nth(1).fill('3')
    await form.locator('button[type="submit"]').click()
    await form.locator('.error', { hasText: 'at least 5 MiB' }).waitFor()
    await form.locator('input').nth(1).fill('16')
    await form.locator('input').nth(2).fill('2.5')
    await form.locator('button[type="submit"]').click()
    await form.waitFor({ state: 'detached' })
    expect(app.harness.services.engine.settings).toMatchObject({
      concurrency: 4,
      partSizeBytes: 16 * MiB,
      maxBandwidthBytesPerSecond: 2.5 * MiB,
    })
  })
})
