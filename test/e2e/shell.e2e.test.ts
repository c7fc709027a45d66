/**
 * The shell in real headless Chromium: the built renderer under the production CSP, bridged to the real
 * router, listing the sandbox through the real SDK. Saves screenshots to test-results/screenshots.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openApp, type AppPage } from './browser'

describe('app shell in Chromium', () => {
  let app: AppPage

  beforeAll(async () => {
    app = await openApp({ locale: 'en-US' })
  })
  afterAll(async () => {
    await app?.close()
  })

  it('starts on the sandbox profile and lists its buckets', async () => {
    const { page } = app
    await page.locator('[data-bucket="haneul-demo-site"]').waitFor()
    await expect(page.locator('[data-testid="profile-switcher"]').textContent()).resolves.toContain('Sandbox')
    const buckets = await page.locator('[data-bucket]').evaluateAll((els) => els.map((el) => el.getAttribute('data-bucket')))
    expect(buckets).toEqual(['haneul-demo-logs', 'haneul-demo-site'])
    await expect(page.locator('footer[role="status"]').textContent()).resolves.toContain('Sandbox running')
  })

  it('switches to Korean and lists the site bucket through the contract', async () => {
    const { page } = app
    await page.locator('[data-testid="language"]').selectOption('ko')
    await page.locator('nav button[data-section="storage"]', { hasText: '스토리지' }).waitFor()
    await page.locator('[data-bucket="haneul-demo-site"]').click()
    await page.locator('[data-folder="blog/"]').waitFor()
    await page.locator('[data-testid="listing-status"]', { hasText: '항목 12개' }).waitFor()
    const folders = await page.locator('[data-folder]').evaluateAll((els) => els.map((el) => el.getAttribute('data-folder')))
    expect(folders).toEqual(expect.arrayContaining(['archive/', 'blog/', 'css/', 'gallery/', 'media/', '문서/']))
    const keys = await page.locator('[data-key]').evaluateAll((els) => els.map((el) => el.getAttribute('data-key')))
    expect(keys).toEqual(expect.arrayContaining(['404.html', 'index.html', 'robots.txt']))
    await expect(page.locator('[role="columnheader"][data-sort="name"]').textContent()).resolves.toContain('이름')
    await app.screenshot('shell-ko-site-bucket')
  })

  it('shows NFC and NFD Korean keys as two distinct objects, exactly as stored', async () => {
    const { page } = app
    await page.locator('[data-folder="문서/"]').click()
    await page.locator('[data-key]').first().waitFor()
    const keys = await page.locator('[data-key]').evaluateAll((els) => els.map((el) => el.getAttribute('data-key')))
    expect(keys).toContain('문서/한글 문서.txt'.normalize('NFC'))
    expect(keys).toContain(`문서/${'한글 문서'.normalize('NFD')}.txt`)
    expect(keys).toContain('문서/시작하기.html')
    await app.screenshot('shell-ko-korean-folder')
  })

  it('walks back and forward across sections and folders with Alt+arrows', async () => {
    const { page } = app
    const addressIs = (value: string) =>
      page.waitForFunction((v) => (document.querySelector('[data-testid="address"]') as HTMLInputElement | null)?.value === v, value)
    // From the bucket list (the test before ends inside a folder).
    await page.locator('nav button[data-section="storage"]').click()
    await page.locator('[data-bucket="haneul-demo-site"]').click()
    await page.locator('[data-folder="blog/"]').click()
    await addressIs('s3://haneul-demo-site/blog/')
    await page.keyboard.press('Alt+3')
    await page.locator('[data-testid="cloudfront"]').waitFor()
    await page.keyboard.press('Alt+ArrowLeft')
    await addressIs('s3://haneul-demo-site/blog/')
    await page.locator('[data-testid="listing-status"]').waitFor()
    await page.keyboard.press('Alt+ArrowLeft')
    await page.locator('[data-folder="blog/"]').waitFor()
    expect(await page.locator('[data-testid="address"]').inputValue()).toBe('s3://haneul-demo-site/')
    await page.keyboard.press('Alt+ArrowRight')
    await addressIs('s3://haneul-demo-site/blog/')
    // Backspace goes up, as in a file manager.
    await page.locator('[data-testid="object-scroller"]').focus()
    await page.keyboard.press('Backspace')
    await page.locator('[data-folder="blog/"]').waitFor()
    await page.keyboard.press('Backspace')
    await page.locator('[data-bucket="haneul-demo-site"]').waitFor()
  })

  it('switches theme to dark, and back to following the OS', async () => {
    const { page } = app
    await page.locator('[data-testid="theme"]').selectOption('dark')
    await expect(page.evaluate(() => document.documentElement.dataset.theme)).resolves.toBe('dark')
    const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor)
    expect(background).toBe('rgb(15, 21, 32)')
    await app.screenshot('shell-ko-dark')
    // 'System' follows the OS, live.
    await page.locator('[data-testid="theme"]').selectOption('system')
    await page.emulateMedia({ colorScheme: 'light' })
    await page.waitForFunction(() => document.documentElement.dataset.theme === 'light')
    await page.emulateMedia({ colorScheme: 'dark' })
    await page.waitForFunction(() => document.documentElement.dataset.theme === 'dark')
  })

  it('ran without console errors or CSP violations', () => {
    expect(app.consoleErrors).toEqual([])
  })
})
