/**
 * Costs in Chromium against the sandbox, through the real router: the demo site bucket opened from its
 * Costs entry in Storage (monthly cost by class from the CloudWatch emulator, the metric's age, the price
 * table's date and the trend), the exact scan (from the bucket's S3 Inventory report, then by listing), drilling into the treemap by click and by keyboard, a
 * what-if rule (and one that matches nothing), and the rule written as a lifecycle rule after its diff,
 * then restored from the same diff. A folder's Costs entry in the rows' menu opens it with its prefix.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openApp, type AppPage } from './browser'

const BUCKET = 'haneul-demo-site'

describe('Costs in Chromium', () => {
  let app: AppPage

  beforeAll(async () => {
    app = await openApp({ locale: 'en-US' })
    await app.page.locator(`[data-bucket="${BUCKET}"]`).waitFor()
  })
  afterAll(async () => {
    await app?.close()
  })

  it('shows the bucket’s monthly cost by class from CloudWatch, with the metric’s age and the table’s date', async () => {
    const { page } = app
    await page.locator(`[data-bucket-costs="${BUCKET}"]`).click()
    await page.locator('[data-testid="costs"]').waitFor()
    expect(await page.locator('nav button[data-section="costs"]').getAttribute('aria-current')).toBe('page')
    const total = page.locator('[data-testid="bucket-total"]')
    await total.waitFor()
    expect(await total.textContent()).toMatch(/^\$[\d.,]+ \/ month$/)
    // The demo site holds six classes; each has its row.
    for (const storageClass of ['STANDARD', 'STANDARD_IA', 'GLACIER', 'GLACIER_IR', 'DEEP_ARCHIVE', 'REDUCED_REDUNDANCY'])
      await page.locator(`[data-testid="bucket-by-class"] tr[data-class="${storageClass}"]`).waitFor()
    expect(await page.locator('[data-testid="metric-age"]').textContent()).toContain('S3 publishes storage metrics once a day')
    expect(await page.locator('[data-testid="price-date"]').first().textContent()).toMatch(/Prices from the .+ table of \d{4}-\d{2}-\d{2}/)
    await page.locator('[data-chart="Monthly cost over the last 30 days"] canvas').waitFor()
    await page.locator('[data-days="90"]').click()
    await page.locator('[data-chart="Monthly cost over the last 90 days"] canvas').waitFor()
    await app.screenshot('costs-bucket-by-class')
  })

  it('scans the bucket exactly and drills into where the money goes, by click and by keyboard', async () => {
    const { page } = app
    await page.locator('[data-testid="scan-start"]').click()
    await page.locator('[data-testid="scan-finished"]').waitFor()
    // The demo site has a daily S3 Inventory: its latest report is read instead of listing, and the page says which, of when, in what format.
    const source = page.locator('[data-testid="scan-source"]')
    expect(await source.getAttribute('data-source')).toBe('inventory')
    expect(await source.textContent()).toMatch(
      /From the S3 Inventory report site-daily in haneul-demo-logs of .+, CSV\): the figures are as of then/,
    )
    const fromInventory = await page.locator('[data-testid="scan-total"]').textContent()
    await app.screenshot('costs-scan-inventory')
    await page.locator('[data-field="scan-method"]').selectOption('listing')
    await page.locator('[data-testid="scan-start"]').click()
    await page.locator('[data-testid="scan-source"][data-source="listing"]').waitFor()
    expect(await page.locator('[data-testid="scan-total"]').textContent()).toBe(fromInventory)
    expect(await page.locator('[data-testid="scan-classes"] tbody tr').count()).toBe(6)
    expect(await page.locator('[data-testid="scan-total"]').textContent()).toMatch(/^\$/)
    expect(await page.locator('[data-testid="classes-in-use"] li').count()).toBe(6)
    expect(await page.locator('[data-testid="largest"] tbody tr').count()).toBeGreaterThan(5)

    const trail = page.locator('[data-testid="drill-trail"] [aria-current="location"]')
    expect(await trail.getAttribute('data-trail')).toBe('')
    const treemap = page.locator('[data-testid="money-map"] [data-chart^="Monthly cost by prefix"] canvas')
    await treemap.waitFor()
    await app.screenshot('costs-treemap-top')
    // The most expensive prefix is the first of the list, and the largest rectangle (top left in a treemap).
    const first = await page.locator('[data-testid="top-prefixes"] [data-drill]').first().getAttribute('data-drill')
    await treemap.scrollIntoViewIfNeeded()
    const box = (await treemap.boundingBox())!
    await page.mouse.click(box.x + 20, box.y + 20)
    await page.locator(`[data-testid="drill-trail"] [aria-current="location"][data-trail="${first}"]`).waitFor()
    await app.screenshot('costs-treemap-drilled')
    // Back up with the trail, then down again from the keyboard.
    await page.locator('[data-testid="drill-trail"] [data-trail=""]').click()
    await page.locator('[data-testid="drill-trail"] [aria-current="location"][data-trail=""]').waitFor()
    await page.locator(`[data-testid="top-prefixes"] [data-drill="${first}"]`).focus()
    await page.keyboard.press('Enter')
    await page.locator(`[data-testid="drill-trail"] [aria-current="location"][data-trail="${first}"]`).waitFor()
  })

  it('evaluates a what-if rule, says when a rule matches nothing, and writes the rule after its lifecycle diff', async () => {
    const { page } = app
    const form = page.locator('[data-testid="rule-form"]')
    await form.locator('[data-field="rule-prefix"]').fill('no-such-prefix/')
    await form.locator('[data-testid="rule-evaluate"]').click()
    await page.locator('[data-testid="rule-matches-nothing"]').waitFor()

    await form.locator('[data-field="rule-prefix"]').fill('')
    await form.locator('[data-field="rule-days"]').fill('30')
    await form.locator('[data-field="rule-target"]').selectOption('GLACIER')
    await form.locator('[data-testid="rule-evaluate"]').click()
    const matched = page.locator('[data-testid="rule-matched"]')
    await matched.waitFor()
    expect(await matched.textContent()).toMatch(/^[\d,]+ matched/)
    // Most demo files are under 128 KB: the default size filter skips them, and the page says so.
    expect(await page.locator('[data-testid="rule-skipped-small"]').textContent()).toMatch(
      /under 128 KB skipped by the default size filter/,
    )
    expect(await page.locator('[data-testid="rule-requests"]').textContent()).toMatch(/Transition requests: [\d,]+ → \$/)
    expect(await page.locator('[data-testid="rule-retrieval"]').first().textContent()).toContain('Glacier Flexible Retrieval')
    expect(await page.locator('[data-testid="existing-rules"]').textContent()).toContain('The bucket has no lifecycle rules.')
    await app.screenshot('costs-what-if')

    await page.locator('[data-testid="rule-apply"]').click()
    const dialog = page.locator('[data-testid="lifecycle-dialog"]')
    const diff = dialog.locator('[data-testid="lifecycle-diff"]')
    await diff.waitFor()
    expect(await diff.locator('[data-kind="added"]').count()).toBeGreaterThan(3)
    expect(await diff.textContent()).toContain('"StorageClass": "GLACIER"')
    await app.screenshot('costs-lifecycle-diff')
    await page.locator('[data-testid="lifecycle-confirm"]').click()
    await page.locator('[data-testid="lifecycle-applied"]').waitFor()
    expect(await page.locator('[data-testid="lifecycle-applied"]').textContent()).toContain('now has 1 lifecycle rule.')
    // The bucket's own rules now include it: the what-if panel shows what it does to the same objects.
    await page.locator('[data-testid="existing-rules"] [data-rule]').first().waitFor()
    await app.screenshot('costs-lifecycle-applied')
    await page.locator('[data-testid="lifecycle-restore"]').click()
    await page.locator('[data-testid="lifecycle-restored"]').waitFor()
    expect(await page.locator('[data-testid="lifecycle-restored"]').textContent()).toContain('has no lifecycle rules again')
    await page.locator('[data-testid="lifecycle-close"]').click()
    await page.locator('[data-testid="existing-rules"]', { hasText: 'The bucket has no lifecycle rules.' }).waitFor()
  })

  it('opens a folder’s costs from the rows’ menu in Storage, with the folder as the prefix', async () => {
    const { page } = app
    await page.locator('nav button[data-section="storage"]').click()
    await page.locator(`[data-bucket="${BUCKET}"]`).click()
    await page.locator('[data-folder="css/"]').click({ button: 'right' })
    await page.locator('[data-testid="row-menu"] [data-action="costs"]').click()
    await page.locator('[data-testid="costs"]').waitFor()
    expect(await page.locator('[data-field="scan-prefix"]').inputValue()).toBe('css/')
    expect(await page.locator('[data-field="costs-bucket"]').inputValue()).toBe(BUCKET)
    await page.locator('[data-testid="bucket-total"]').waitFor()
  })

  it('draws in the dark theme and in Korean, the treemap too', async () => {
    const { page } = app
    await page.locator('[data-testid="theme"]').selectOption('dark')
    await page.locator('[data-testid="language"]').selectOption('ko')
    await page.locator('nav button[data-section="storage"]').click()
    await page.locator(`[data-bucket-costs="${BUCKET}"]`).click()
    await page.locator('[data-field="scan-method"]').selectOption('auto')
    await page.locator('[data-testid="scan-start"]', { hasText: '스캔' }).click()
    await page.locator('[data-testid="scan-source"][data-source="inventory"]', { hasText: 'S3 인벤토리 보고서 site-daily' }).waitFor()
    expect(await page.locator('[data-testid="metric-age"]').textContent()).toContain('S3는 스토리지 지표를 하루에 한 번 게시합니다')
    await app.screenshot('costs-ko-dark')
    const treemap = page.locator('[data-testid="money-map"] [data-chart$="접두사별 월 비용"] canvas')
    await treemap.scrollIntoViewIfNeeded()
    await app.screenshot('costs-ko-dark-treemap')
  })

  it('ran without console errors or CSP violations', () => {
    expect(app.consoleErrors).toEqual([])
  })
})
