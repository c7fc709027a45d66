/**
 * CloudFront in Chromium against the sandbox, through the real router: a distribution's details, two
 * objects of the site bucket invalidated from Storage (the preview's encoded paths and cost, then the
 * invalidation followed to Completed), and the statistics tab with both sources. The sandbox's
 * invalidations take 3 s and watches first poll after 0.5 s (test knobs of the harness), so the test
 * waits for the page to say Completed, never for a clock.
 */
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openApp, type AppPage } from './browser'

const DIST = 'E2HANEULDEMO01'
const NFC_KEY = '문서/한글 문서.txt'.normalize('NFC')
const HTML_KEY = '문서/시작하기.html'

describe('CloudFront in Chromium', () => {
  let app: AppPage

  beforeAll(async () => {
    app = await openApp({ locale: 'en-US', sandboxDelays: { invalidationMs: 3000 }, watchInitialDelayMs: 500 })
    await app.page.locator('[data-bucket="haneul-demo-site"]').waitFor()
  })
  afterAll(async () => {
    await app?.close()
  })

  it('lists the distributions and shows one’s origins, behaviours, error pages and certificate', async () => {
    const { page } = app
    await page.locator('nav button[data-section="cloudfront"]').click()
    const row = page.locator(`[data-distribution="${DIST}"]`)
    await row.waitFor()
    expect(await row.textContent()).toContain('haneul-demo.example')
    expect(await page.locator('[data-distribution="E3HANEULSTAGE2"]').textContent()).toContain('Disabled')
    await app.screenshot('cloudfront-distributions')

    await row.locator('a', { hasText: DIST }).click()
    const origin = page.locator('[data-testid="cf-origins"] tbody tr').first()
    await origin.waitFor()
    expect(await origin.textContent()).toContain('S3 bucket')
    expect(await origin.textContent()).toContain('Origin access control (OAC)')
    expect(await page.locator('[data-testid="cf-default-root"]').textContent()).toBe('index.html')
    expect(await page.locator('[data-testid="cf-behaviors"]').textContent()).toContain('/media/*')
    expect(await page.locator('[data-testid="cf-errors"]').textContent()).toContain('/404.html')
    expect(await page.locator('[data-testid="cf-details"]').textContent()).toContain('s3://haneul-demo-logs/cloudfront/')
    await app.screenshot('cloudfront-details')

    // The tabs follow the arrow keys, focus and all (the WAI-ARIA tabs pattern).
    await page.locator('[data-tab="details"]').focus()
    await page.keyboard.press('ArrowRight')
    await page.locator('[data-tab="invalidations"][aria-selected="true"]:focus').waitFor()
    expect(await page.locator('[role="tabpanel"]').getAttribute('id')).toBe('cf-panel-invalidations')
    await page.keyboard.press('ArrowLeft')
    await page.locator('[data-tab="details"][aria-selected="true"]:focus').waitFor()
    await page.locator('[data-testid="cf-origins"]').waitFor()
  })

  it('invalidates two objects chosen in Storage: encoded paths and cost first, then followed to Completed', async () => {
    const { page } = app
    // The S3 origin opens its bucket in Storage.
    await page.locator('[data-open-bucket="haneul-demo-site"]').click()
    await page.locator('[data-folder="문서/"]').click()
    await page.locator(`[data-select="o:${NFC_KEY}"]`).click()
    await page.locator(`[data-select="o:${HTML_KEY}"]`).click()
    // Offered in the actions bar, and in the rows' context menu.
    await page.locator('[data-testid="invalidate"]').waitFor()
    await page.locator(`[data-key="${HTML_KEY}"]`).click({ button: 'right' })
    await page.locator('[data-testid="row-menu"] [data-action="invalidate"]').waitFor()
    await app.screenshot('cloudfront-storage-context-menu')
    await page.locator('[data-testid="row-menu"] [data-action="invalidate"]').click()

    const dialog = page.locator('[data-testid="invalidation-dialog"]')
    await dialog.locator('[data-testid="planned-path"]').nth(1).waitFor()
    expect(await dialog.locator('[data-testid="invalidation-objects"]').textContent()).toContain('2 object(s) and 0 folder(s)')
    const encoded = await dialog.locator('[data-testid="encoded-path"]').allTextContents()
    expect(encoded.sort()).toEqual(
      [
        `/${encodeURIComponent('문서')}/${encodeURIComponent('한글 문서')}.txt`,
        `/${encodeURIComponent('문서')}/${encodeURIComponent('시작하기')}.html`,
      ].sort(),
    )
    expect(encoded.join(' ')).toContain('%20')
    expect(await dialog.locator('[data-testid="invalidation-counts"]').textContent()).toContain('2 path(s)')
    const cost = await dialog.locator('[data-testid="invalidation-cost"]').textContent()
    expect(cost).toMatch(/path\(s\) used this month of the free 1,000; this costs \$0\.00/)
    await app.screenshot('cloudfront-invalidation-preview')

    await dialog.locator('[data-testid="invalidation-send"]').click()
    const sent = dialog.locator('[data-sent]')
    await sent.waitFor()
    await app.screenshot('cloudfront-invalidation-sent')
    const id = await sent.getAttribute('data-sent')
    await dialog.locator(`[data-sent="${id}"][data-status="Completed"]`).waitFor({ timeout: 20_000 })
    const status = page.locator('[data-testid="status-watch"]')
    await page.locator('[data-testid="status-watch"][data-state="done"]').waitFor()
    expect(await status.textContent()).toBe(`Invalidation ${DIST}/${id}: Completed`)
    await app.screenshot('cloudfront-invalidation-completed')
    await dialog.locator('[data-testid="invalidation-close"]').click()

    // The distribution's list has it, Completed.
    await page.locator('nav button[data-section="cloudfront"]').click()
    await page.locator(`[data-distribution="${DIST}"] a`).first().click()
    await page.locator('[data-tab="invalidations"]').click()
    await page.locator(`[data-invalidation="${id}"][data-status="Completed"]`).waitFor()

    // Typed paths: a rule broken is named, and nothing can be sent.
    await page.locator('[data-testid="cf-new-invalidation"]').click()
    await dialog.locator('[data-field="paths"]').fill('/a*b.html\n/blog/새 글.html')
    await dialog.locator('[data-input="/a*b.html"] [role="alert"]').waitFor()
    expect(await dialog.locator('[data-input="/blog/새 글.html"] [data-testid="encoded-path"]').textContent()).toBe(
      `/blog/${encodeURIComponent('새')}%20${encodeURIComponent('글')}.html`,
    )
    expect(await dialog.locator('[data-testid="invalidation-send"]').isDisabled()).toBe(true)
    await app.screenshot('cloudfront-invalidation-typed-problem')
    await dialog.locator('[data-testid="invalidation-close"]').click()
  })

  it('charts CloudWatch metrics with their period, and a tooltip on hover', async () => {
    const { page } = app
    await page.locator('[data-tab="statistics"]').click()
    await page.locator('[data-range="7d"]').click()
    const requests = page.locator(`[data-chart="Requests · ${DIST}"] canvas`)
    await requests.waitFor()
    // 7 days in at most 1,440 points: 10-minute periods, and the sentence says why.
    expect(await page.locator('[data-testid="cf-period"]').getAttribute('data-period-seconds')).toBe('600')
    expect(await page.locator('[data-testid="cf-period"]').textContent()).toMatch(/periods.*1,440 points/)
    // Additional metrics are on for the demo distribution: hit rate and origin latency are charted too.
    await page.locator(`[data-chart="Cache hit rate · ${DIST}"] canvas`).waitFor()
    await page.locator(`[data-chart="Origin latency · ${DIST}"] canvas`).waitFor()
    const box = (await requests.boundingBox())!
    await page.mouse.move(box.x + box.width * 0.6, box.y + box.height * 0.6)
    await page.locator('.app-chart-tip-row').first().waitFor()
    await app.screenshot('cloudfront-cloudwatch')

    // The chart's data as CSV and the chart as PNG, as downloads.
    const chart = page.locator(`[data-chart="Requests · ${DIST}"]`)
    const [csv] = await Promise.all([page.waitForEvent('download'), chart.locator('[data-testid="chart-csv"]').click()])
    expect(csv.suggestedFilename()).toBe(`Requests-${DIST}.csv`)
    const text = readFileSync((await csv.path())!, 'utf8')
    expect(text.startsWith('\ufefftime,Requests\r\n')).toBe(true)
    expect(text.split('\r\n')[1]).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z,\d+$/)
    const [png] = await Promise.all([page.waitForEvent('download'), chart.locator('[data-testid="chart-png"]').click()])
    expect(png.suggestedFilename()).toBe(`Requests-${DIST}.png`)
    expect(readFileSync((await png.path())!).subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
  })

  it('reads the standard logs: hit ratio over time and the top missed paths', async () => {
    const { page } = app
    await page.locator('[data-source="logs"]').click()
    await page.locator('[data-testid="cf-read-logs"]').click()
    const missed = page.locator('[data-testid="cf-top-missed"] tbody tr')
    await missed.first().waitFor({ timeout: 60_000 })
    expect(await missed.count()).toBeGreaterThan(3)
    expect(await page.locator('[data-testid="cf-logs-summary"]').textContent()).toMatch(/[\d,]+ files .* [\d,]+ requests/)
    expect(await page.locator('[data-testid="cf-hit-ratio"]').textContent()).toMatch(/^\d+(\.\d)?%$/)
    expect(await page.locator('[data-testid="cf-edges"] tbody tr').count()).toBeGreaterThan(5)
    await page.locator(`[data-chart="Hits, misses and errors per hour · ${DIST}"] canvas`).waitFor()
    await app.screenshot('cloudfront-logs')
    await page.locator('[data-testid="cf-top-missed"]').scrollIntoViewIfNeeded()
    await app.screenshot('cloudfront-logs-top-missed')
  })

  it('draws in the dark theme and in Korean', async () => {
    const { page } = app
    await page.locator('[data-testid="theme"]').selectOption('dark')
    await page.locator('[data-source="cloudwatch"]').click()
    await page.locator(`[data-chart="Requests · ${DIST}"] canvas`).waitFor()
    await app.screenshot('cloudfront-cloudwatch-dark')
    await page.locator('[data-testid="language"]').selectOption('ko')
    await page.locator(`[data-chart="요청 · ${DIST}"] canvas`).waitFor()
    await page.locator('[data-tab="statistics"]', { hasText: '통계' }).waitFor()
    await app.screenshot('cloudfront-cloudwatch-ko-dark')
    await page.locator('[data-source="logs"]').click()
    await page.locator('[data-testid="cf-top-missed"]').waitFor()
    expect(await page.locator('[data-testid="cf-logs"] h3').first().textContent()).toBe('가장 많이 누락된 경로')
    await app.screenshot('cloudfront-logs-ko-dark')
  })

  it('ran without console errors or CSP violations', () => {
    expect(app.consoleErrors).toEqual([])
  })
})
