/**
 * Storage operations through the UI in Chromium: new folder, rename (and the overwrite question when
 * the target exists), copy to another folder, and delete with the typed confirmation for folders. The
 * listing after each step shows what S3 now holds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openApp, type AppPage } from './browser'

describe('storage operations in Chromium', () => {
  let app: AppPage
  const keys = () => app.page.locator('[data-key]').evaluateAll((els) => els.map((el) => el.getAttribute('data-key')))

  beforeAll(async () => {
    app = await openApp({ locale: 'en-US' })
    await app.page.locator('[data-bucket="haneul-demo-site"]').click()
    await app.page.locator('[data-folder="downloads/"]').click()
    await app.page.locator('[data-key="downloads/100% done.txt"]').waitFor()
  })
  afterAll(async () => {
    await app?.close()
  })

  it('creates a folder', async () => {
    const { page } = app
    await page.locator('button', { hasText: 'New folder' }).click()
    await page.locator('[data-testid="text-dialog"] [data-field="value"]').fill('보관함 2026')
    await page.locator('[data-testid="text-dialog-submit"]').click()
    await page.locator('[data-folder="downloads/보관함 2026/"]').waitFor()
  })

  it('renames, asking before it overwrites an existing key', async () => {
    const { page } = app
    await page.locator('[data-select="o:downloads/spaces  twice.txt"]').click()
    await page.locator('[data-testid="rename"]').click()
    await page.locator('[data-testid="text-dialog"] [data-field="value"]').fill('downloads/100% done.txt')
    await page.locator('[data-testid="text-dialog-submit"]').click()
    await page.locator('[data-testid="typed-confirm"]', { hasText: '"downloads/100% done.txt" already exists' }).waitFor()
    await app.screenshot('ops-rename-overwrite')
    await page.locator('[data-testid="typed-confirm"] button', { hasText: 'Cancel' }).click()
    expect(await keys()).toContain('downloads/spaces  twice.txt')

    // Still selected: rename it to a free name instead.
    await page.locator('[data-testid="rename"]').click()
    await page.locator('[data-testid="text-dialog"] [data-field="value"]').fill('downloads/two spaces.txt')
    await page.locator('[data-testid="text-dialog-submit"]').click()
    await page.locator('[data-key="downloads/two spaces.txt"]').waitFor()
    expect(await keys()).not.toContain('downloads/spaces  twice.txt')
  })

  it('copies a selection into a folder', async () => {
    const { page } = app
    await page.locator('[data-select="o:downloads/100% done.txt"]').click()
    await page.locator('[data-select="o:downloads/two spaces.txt"]').click()
    await page.locator('[data-testid="copy"]').click()
    await page.locator('[data-testid="copy-move"] [data-field="prefix"]').fill('downloads/보관함 2026/')
    await page.locator('[data-testid="copy-move-submit"]').click()
    await page.locator('[data-testid="jobs"] [data-state="done"]').waitFor()
    await page.locator('[data-folder="downloads/보관함 2026/"]').click()
    await page.locator('[data-key="downloads/보관함 2026/100% done.txt"]').waitFor()
    expect(await keys()).toEqual(['downloads/보관함 2026/100% done.txt', 'downloads/보관함 2026/two spaces.txt'])
  })

  it('deletes a folder only after the user types the number of objects', async () => {
    const { page } = app
    await page.locator('[data-testid="address"]').fill('s3://haneul-demo-site/downloads/')
    await page.locator('[data-testid="address"]').press('Enter')
    // Select only once the folder's listing has finished: a reload clears the selection, as it should.
    await page.locator('[data-testid="listing-status"]', { hasText: '4 items' }).waitFor()
    await page.locator('[data-select="p:downloads/보관함 2026/"]').click()
    await page.locator('[data-select="p:downloads/보관함 2026/"]:checked').waitFor()
    await page.locator('[data-testid="delete"]').click()
    const dialog = page.locator('[data-testid="typed-confirm"]')
    await dialog.waitFor()
    // The folder holds its marker and the two copies.
    expect(await dialog.textContent()).toContain('Delete 3 object(s)?')
    expect(await dialog.locator('[data-testid="confirm"]').isDisabled()).toBe(true)
    await dialog.locator('[data-field="confirm"]').fill('3')
    await app.screenshot('ops-delete-typed-confirm')
    await dialog.locator('[data-testid="confirm"]').click()
    await page.waitForFunction(() => !document.querySelector('[data-folder="downloads/보관함 2026/"]'))
    // The folder also vanishes while the listing reloads after the job; read the keys once it has settled.
    await page.locator('[data-testid="listing-status"]', { hasText: '3 items' }).waitFor()
    expect(await keys()).toContain('downloads/100% done.txt')
  })

  it('ran without console errors or CSP violations', () => {
    expect(app.consoleErrors).toEqual([])
  })
})
