/**
 * Publishing a folder in Chromium against the sandbox, through the real router: the dialog opened from
 * Storage's actions bar on the demo site's bucket (fronted by the demo distribution), a dry run of a new
 * folder (its plan with reasons, the NFC/NFD twins as problems, the invalidation it would send with its
 * cost), the publish to a completed invalidation, then the same folder changed (one edit of the same size
 * with an older mtime) published again: exactly that page and its folder path invalidated. The sandbox's
 * invalidations take 3 s; the page is waited on, never a clock.
 */
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, dirname, join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openApp, type AppPage } from './browser'

const NFC = '안내.html'
const NFD = NFC.normalize('NFD')
const run = `e2e-${Date.now().toString(36)}`

describe('Publishing a folder in Chromium', () => {
  let app: AppPage
  const folder = mkdtempSync(join(tmpdir(), 'haneul-publish-e2e-'))
  const site = join(folder, run)
  const write = (name: string, content: string, mtimeOffsetS = -3600) => {
    const path = join(site, ...name.split('/'))
    mkdirSync(dirname(path), { recursive: true })
    writeFileSync(path, content)
    const when = Date.now() / 1000 + mtimeOffsetS
    utimesSync(path, when, when)
  }

  beforeAll(async () => {
    write('index.html', '<h1>Home v1</h1>')
    write('docs/index.html', '<h1>Docs</h1>')
    write('assets/app.3f9a8b7c.js', 'console.log("app")')
    write('a page.html', '<p>a page</p>')
    write(`docs/${NFC}`, 'nfc')
    write(`docs/${NFD}`, 'nfd')
    // The dialog's folder chooser picks the folder holding the run's folder: keys land under "<run>/".
    app = await openApp({ locale: 'en-US', sandboxDelays: { invalidationMs: 3000 }, chooseFiles: () => [folder] })
    await app.page.locator('[data-bucket="haneul-demo-site"]').waitFor()
  })
  afterAll(async () => {
    await app?.close()
    rmSync(folder, { recursive: true, force: true })
  })

  async function openDialog() {
    const { page } = app
    // From the bucket list, open the bucket; inside it already, its actions bar is there.
    if (!(await page.locator('[data-testid="publish-open"]').count()))
      await page.locator('[data-bucket="haneul-demo-site"]').first().click()
    await page.locator('[data-testid="publish-open"]').click()
    const dialog = page.locator('[data-testid="publish-dialog"]')
    await dialog.locator('[data-testid="publish-target"]').waitFor()
    return dialog
  }

  it('shows a dry run: the plan with reasons, the twins as problems, and the invalidation with its cost', async () => {
    const { page } = app
    const dialog = await openDialog()
    expect(await dialog.locator('[data-testid="publish-target"]').textContent()).toContain('E2HANEULDEMO01')
    await dialog.locator('[data-testid="publish-choose-folder"]').click()
    expect(await dialog.locator('[data-testid="publish-folder"]').textContent()).toBe(basename(folder))
    // The default rules, open for editing.
    await dialog.locator('[data-testid="publish-rules"] summary').click()
    expect(
      await dialog
        .locator('[data-testid="publish-rule"] [data-field="pattern"]')
        .evaluateAll((inputs) => inputs.map((i) => (i as HTMLInputElement).value)),
    ).toEqual(['*.[0-9a-f]{8,}.*', '*.html'])
    await dialog.locator('[data-testid="publish-dry-run"]').click()
    await dialog.locator('[data-testid="publish-plan"]').waitFor()
    expect(await dialog.locator('[data-testid="publish-summary"]').textContent()).toMatch(
      /^4 new, 0 changed, 0 unchanged, 0 to delete, 2 with problems/,
    )
    const problem = dialog.locator(`[data-testid="publish-item"][data-action="problem"][data-name="${run}/docs/${NFC}"]`)
    expect(await problem.textContent()).toContain('one name in two Unicode forms')
    expect(await dialog.locator(`[data-testid="publish-item"][data-name="${run}/assets/app.3f9a8b7c.js"]`).textContent()).toContain(
      'immutable',
    )
    const paths = await dialog.locator('[data-testid="publish-path"]').allTextContents()
    expect(paths.sort()).toEqual(
      [
        `/${run}/`,
        `/${run}/a%20page.html`,
        `/${run}/assets/app.3f9a8b7c.js`,
        `/${run}/docs/`,
        `/${run}/docs/index.html`,
        `/${run}/index.html`,
      ].sort(),
    )
    expect(await dialog.locator('[data-testid="publish-cost"]').textContent()).toMatch(
      /used this month of the free 1,000; this costs \$0\.00/,
    )
    await app.screenshot('publish-dry-run')
    await dialog.locator('[data-filter="problem"]').click()
    await app.screenshot('publish-dry-run-problems')

    await dialog.locator('[data-testid="publish-confirm"]').click()
    await dialog.locator('[data-testid="publish-progress"][data-state="completed"]').waitFor({ timeout: 30_000 })
    expect(await dialog.locator('[data-testid="publish-invalidation-status"]').getAttribute('data-status')).toBe('Completed')
    expect(await dialog.locator('[data-testid="publish-done"]').textContent()).toBe(
      'Published 4 file(s) to haneul-demo-site; the invalidation completed.',
    )
    await app.screenshot('publish-completed')
    await dialog.locator('[data-testid="publish-close"]').click()
    await page.locator('[data-testid="publish-dialog"]').waitFor({ state: 'detached' })
  })

  it('publishes a changed folder: only the edited page, and its path and folder path invalidated, to Completed', async () => {
    const { page } = app
    // Same size, older mtime: what a size-and-time sync would skip.
    write('index.html', '<h1>Home v2</h1>', -7200)
    write('a page.html', '<p>a page</p>', 3600)
    const dialog = await openDialog()
    await dialog.locator('[data-testid="publish-choose-folder"]').click()
    await dialog.locator('[data-testid="publish-dry-run"]').click()
    await dialog.locator('[data-testid="publish-plan"]').waitFor()
    expect(await dialog.locator('[data-testid="publish-summary"]').textContent()).toMatch(
      /^0 new, 1 changed, 3 unchanged, 0 to delete, 2 with problems/,
    )
    expect(await dialog.locator(`[data-testid="publish-item"][data-name="${run}/index.html"]`).textContent()).toContain(
      'same size, content differs',
    )
    expect((await dialog.locator('[data-testid="publish-path"]').allTextContents()).sort()).toEqual([`/${run}/`, `/${run}/index.html`])
    await dialog.locator('[data-filter="all"]').click()
    await app.screenshot('publish-changed-plan')

    await dialog.locator('[data-testid="publish-confirm"]').click()
    await dialog.locator('[data-testid="publish-progress"][data-state="completed"]').waitFor({ timeout: 30_000 })
    expect(await dialog.locator('[data-testid="publish-progress"]').textContent()).toContain('1 of 1 uploaded')
    await app.screenshot('publish-changed-completed')
    await dialog.locator('[data-testid="publish-close"]').click()
    await page.locator('[data-testid="publish-dialog"]').waitFor({ state: 'detached' })
  })

  it('draws in the dark theme and in Korean', async () => {
    const { page } = app
    await page.locator('[data-testid="theme"]').selectOption('dark')
    await page.locator('[data-testid="language"]').selectOption('ko')
    const dialog = await openDialog()
    await dialog.locator('[data-testid="publish-choose-folder"]').click()
    await dialog.locator('[data-testid="publish-rules"] summary').click()
    await dialog.locator('[data-testid="publish-dry-run"]').click()
    await dialog.locator('[data-testid="publish-plan"]').waitFor()
    expect(await dialog.locator('[data-testid="publish-summary"]').textContent()).toMatch(/^새 파일 0, 변경 0, 그대로 4/)
    await app.screenshot('publish-ko-dark')
    await dialog.locator('[data-testid="publish-close"]').click()
  })

  it('ran without console errors or CSP violations', () => {
    expect(app.consoleErrors).toEqual([])
  })
})
