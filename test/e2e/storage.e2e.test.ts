/**
 * The storage browser in Chromium against a real S3 server: a folder of 100,000 objects under nested
 * prefixes (time to first rows, to the full listing, renderer memory, and rows in the DOM while
 * scrolling), filtering, object details, and a presigned URL fetched with plain HTTP.
 */
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SANDBOX_ACCESS_KEY_ID, SANDBOX_SECRET_ACCESS_KEY } from '../../src-main/sandbox/credentials'
import { startSandbox, type RunningSandbox } from '../../src-main/sandbox/servers'
import { sandboxAssets } from '../helpers/app-harness'
import { openApp, type AppPage } from './browser'

const BIG = 100_000
const bigPrefix = 'data/2026/11/'

describe('storage browser in Chromium', () => {
  let sandbox: RunningSandbox
  let app: AppPage

  beforeAll(async () => {
    // An in-process server, so the test can seed 100,000 keys directly and check the server's view.
    sandbox = await startSandbox({ dataDir: mkdtempSync(join(tmpdir(), 'haneul-sb-')), assetsDir: sandboxAssets })
    sandbox.s3.store.createBucket('big-bucket', 'us-east-1')
    for (let i = 0; i < BIG; i++) await sandbox.s3.store.putObject('big-bucket', `${bigPrefix}part-${String(i).padStart(6, '0')}.json`, '')
    await sandbox.s3.store.putObject('big-bucket', 'data/README.txt', 'the big folder is data/2026/11/')
    const home = mkdtempSync(join(tmpdir(), 'haneul-home-'))
    mkdirSync(join(home, '.aws'))
    writeFileSync(
      join(home, '.aws', 'credentials'),
      `[default]\naws_access_key_id = ${SANDBOX_ACCESS_KEY_ID}\naws_secret_access_key = ${SANDBOX_SECRET_ACCESS_KEY}\n`,
    )
    writeFileSync(join(home, '.aws', 'config'), `[default]\nregion = us-east-1\nendpoint_url = ${sandbox.endpoints.s3}\n`)
    app = await openApp({ homeDir: home, locale: 'en-US' })
  }, 180_000)
  afterAll(async () => {
    await app?.close()
    await sandbox?.close()
  })

  it('starts on the default profile of ~/.aws and lists its buckets', async () => {
    await app.page.locator('[data-bucket="big-bucket"]').waitFor()
    expect(await app.page.locator('[data-testid="profile-switcher"]').textContent()).toContain('default')
  })

  it('streams a 100,000-object folder: first rows fast, all rows listed, few rows in the DOM', async () => {
    const { page } = app
    await page.locator('[data-testid="address"]').fill(`s3://big-bucket/${bigPrefix}`)
    const started = Date.now()
    await page.locator('[data-testid="address"]').press('Enter')
    await page.locator('[data-key]').first().waitFor()
    const firstRowsMs = Date.now() - started
    await page.locator('[data-testid="listing-status"]', { hasText: '100,000 items' }).waitFor({ timeout: 60_000 })
    const completeMs = Date.now() - started
    const cdp = await page.context().newCDPSession(page)
    await cdp.send('HeapProfiler.collectGarbage')
    const heap = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number }
    const rowsInDom = await page.locator('[role="row"][data-key]').count()
    console.log(
      `100k listing: first rows ${firstRowsMs} ms, complete ${completeMs} ms, renderer heap ${(heap.usedSize / 1048576).toFixed(1)} MiB, rows in DOM ${rowsInDom}`,
    )
    expect(firstRowsMs).toBeLessThan(10_000)
    expect(rowsInDom).toBeGreaterThan(10)
    expect(rowsInDom).toBeLessThan(100)

    // Scroll through the whole list: the DOM keeps a window of rows, and frames stay short.
    const scroll = await page.evaluate(async () => {
      const scroller = document.querySelector('[data-testid="object-scroller"]') as HTMLElement
      let added = 0
      const observer = new MutationObserver((mutations) => mutations.forEach((m) => (added += m.addedNodes.length)))
      observer.observe(scroller, { childList: true, subtree: true })
      const frames: number[] = []
      let last = performance.now()
      const maxRows: number[] = []
      for (let step = 0; step < 120; step++) {
        scroller.scrollTop += scroller.scrollHeight / 120
        await new Promise((resolve) => requestAnimationFrame(resolve))
        const now = performance.now()
        frames.push(now - last)
        last = now
        maxRows.push(scroller.querySelectorAll('[role="row"]').length)
      }
      observer.disconnect()
      frames.sort((a, b) => a - b)
      const lastKey = [...scroller.querySelectorAll('[data-key]')].pop()?.getAttribute('data-key')
      return { p95FrameMs: frames[Math.floor(frames.length * 0.95)]!, maxRowsInDom: Math.max(...maxRows), addedNodes: added, lastKey }
    })
    console.log(
      `100k scroll: p95 frame ${scroll.p95FrameMs.toFixed(1)} ms, at most ${scroll.maxRowsInDom} rows in DOM, ${scroll.addedNodes} nodes added over 120 scroll steps`,
    )
    expect(scroll.maxRowsInDom).toBeLessThan(100)
    expect(scroll.lastKey).toBe(`${bigPrefix}part-099999.json`)
    await app.screenshot('storage-100k-scrolled')
  }, 120_000)

  it('filters by name, sorts by size, and searches deep below a prefix with a bound', async () => {
    const { page } = app
    await page.locator('[data-testid="filter"]').fill('part-09999')
    await page.locator('[data-testid="listing-status"]', { hasText: '10 shown' }).waitFor()
    expect(await page.locator('[data-key]').count()).toBe(10)
    await page.locator('[data-testid="filter"]').fill('')
    await page.locator('[data-testid="address"]').fill('s3://big-bucket/data/')
    await page.locator('[data-testid="address"]').press('Enter')
    await page.locator('[data-folder="data/2026/"]').waitFor()
    await page.locator('[data-testid="search"]').fill('part-00012')
    await page.locator('[data-testid="search"]').press('Enter')
    await page.locator('[data-testid="listing-status"]', { hasText: '10 match(es)' }).waitFor({ timeout: 30_000 })
    const found = await page.locator('[data-key]').evaluateAll((els) => els.map((el) => el.getAttribute('data-key')))
    expect(found).toEqual(Array.from({ length: 10 }, (_, i) => `${bigPrefix}part-00012${i}.json`))
  })

  it('navigates the site bucket, opens details, and copies a working presigned URL', async () => {
    const { page } = app
    await page.locator('[data-testid="address"]').fill('s3://haneul-demo-site/')
    await page.locator('[data-testid="address"]').press('Enter')
    await page.locator('[data-folder="gallery/"]').click()
    await page.locator('[data-key="gallery/photo-001.svg"]').waitFor()
    await page.locator('[data-testid="filter"]').fill('photo-00')
    await page.locator('[data-testid="listing-status"]', { hasText: '9 shown' }).waitFor()
    await app.screenshot('storage-gallery-filtered')
    await page.locator('[data-key="gallery/photo-003.svg"]').click()
    await page.locator('[data-testid="details-key"]', { hasText: 'gallery/photo-003.svg' }).waitFor()
    expect(await page.locator('[data-testid="details-class"]').textContent()).toContain('STANDARD')
    await page.locator('[data-testid="presign"]').click()
    await page.locator('[data-testid="presigned-url"]').waitFor()
    const url = app.harness.clipboard.at(-1)!
    expect(url).toContain('/haneul-demo-site/gallery/photo-003.svg?')
    const response = await fetch(url)
    expect(response.status).toBe(200)
    expect(
      Buffer.from(await response.arrayBuffer()).equals(await sandbox.s3.store.readObject('haneul-demo-site', 'gallery/photo-003.svg')),
    ).toBe(true)
    await app.screenshot('storage-details')
  })

  it('edits tags in the details panel; the server has them', async () => {
    const { page } = app
    await page.locator('[data-testid="details"] button', { hasText: 'Add tag' }).click()
    const inputs = page.locator('[data-testid="details"] form').nth(1).locator('.pair input')
    await inputs.nth(0).fill('team')
    await inputs.nth(1).fill('웹 사이트')
    await page.locator('[data-testid="save-tags"]').click()
    await page.locator('[data-testid="details"] .notice', { hasText: 'Tags saved' }).waitFor()
    expect(sandbox.s3.store.getObjectRecord('haneul-demo-site', 'gallery/photo-003.svg')?.tags).toEqual({ team: '웹 사이트' })
  })

  it('ran without console errors or CSP violations', () => {
    expect(app.consoleErrors).toEqual([])
  })
})
