/**
 * Site in Chromium against the sandbox, through the real router: the stack of haneul-demo.example with
 * every box, boxes opening their own views (mouse and keyboard), one problem injected with a raw SDK
 * call (the bucket policy stops allowing the distribution) shown on its box and in the findings, fixed
 * through the plan-and-confirm dialog, then Korean and dark, and the map from its snapshot offline.
 */
import { PutBucketPolicyCommand, S3Client } from '@aws-sdk/client-s3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SANDBOX_ACCESS_KEY_ID, SANDBOX_SECRET_ACCESS_KEY } from '../../src-main/sandbox/credentials'
import { demoSitePolicy } from '../../src-main/sandbox/seed'
import { openApp, type AppPage } from './browser'

const DIST = 'E2HANEULDEMO01'
const SITE = 'haneul-demo-site'

describe('Site in Chromium', () => {
  let app: AppPage
  let s3: S3Client

  beforeAll(async () => {
    // The seeded invalidation stays in progress for the whole file (the knob's largest value, ~2.8 h).
    app = await openApp({ locale: 'en-US', sandboxDelays: { invalidationMs: 9_999_999 } })
    const endpoints = app.harness.services.sandbox.endpoints!
    s3 = new S3Client({
      endpoint: endpoints.s3,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: SANDBOX_ACCESS_KEY_ID, secretAccessKey: SANDBOX_SECRET_ACCESS_KEY },
    })
    await app.page.locator('[data-bucket="haneul-demo-site"]').waitFor()
  })
  afterAll(async () => {
    s3?.destroy()
    await app?.close()
  })

  const box = (name: string) => app.page.locator(`[data-testid="site-stack"] [data-box="${name}"]`)

  it('draws the stack of haneul-demo.example with every box', async () => {
    const { page } = app
    await page.locator('nav button[data-section="site"]').click()
    await page.locator('[data-site="haneul-demo.example"]').click()
    await box('costs').locator('[data-class="STANDARD"]').waitFor()
    expect(await box('records').textContent()).toContain('haneul-demo.example')
    expect(await box('records').locator('li').count()).toBe(2)
    expect(await box('distribution').textContent()).toContain(DIST)
    expect(await box('distribution').textContent()).toContain('1 invalidation(s) in progress')
    expect(await box('origins').textContent()).toContain(`${SITE}.s3.us-east-1.amazonaws.com`)
    expect(await box('origins').textContent()).toContain('OAC')
    expect(await box('bucket').textContent()).toContain(SITE)
    expect(await box('bucket').textContent()).toContain('policy allows CloudFront')
    expect(await box('bucket').getAttribute('data-state')).toBe('ok')
    expect(
      await box('pipelines')
        .locator('[data-pipeline]')
        .evaluateAll((els) => els.map((el) => el.getAttribute('data-pipeline'))),
    ).toEqual(['docs-build', 'site-release'])
    expect(await box('pipelines').textContent()).toContain('1 approval(s) waiting')
    expect(await box('logs').textContent()).toContain('s3://haneul-demo-logs/cloudfront/')
    expect(await box('hit-ratio').textContent()).toMatch(/\d+(\.\d)?%/)
    expect(await box('costs').textContent()).toContain('per month')
    const findings = page.locator('[data-testid="site-findings"] [data-finding]')
    expect(await findings.evaluateAll((els) => els.map((el) => el.getAttribute('data-finding')).sort())).toEqual([
      'approval-waiting',
      'invalidation-in-progress',
    ])
    // One picture of the whole page: every box and the findings below them.
    await page.setViewportSize({ width: 1280, height: 1500 })
    await app.screenshot('site-map')
    await page.setViewportSize({ width: 1280, height: 800 })
  })

  it('opens each box’s own view, by mouse and by keyboard', async () => {
    const { page } = app
    await box('bucket').click()
    await page.waitForFunction(
      () => (document.querySelector('[data-testid="address"]') as HTMLInputElement | null)?.value === 's3://haneul-demo-site/',
    )
    await page.keyboard.press('Alt+ArrowLeft')
    await box('distribution').waitFor()
    await box('distribution').click()
    await page.locator('[data-testid="cf-default-root"]').waitFor()
    expect(await page.locator('[data-testid="cf-default-root"]').textContent()).toBe('index.html')
    await page.keyboard.press('Alt+ArrowLeft')
    await box('records').focus()
    await page.keyboard.press('Enter')
    await page.locator('nav button[data-section="dns"][aria-current="page"]').waitFor()
    await page.keyboard.press('Alt+ArrowLeft')
    await box('pipelines').waitFor()
  })

  it('shows an injected problem on its box and in the findings, and fixes it after a confirmation', async () => {
    const { page } = app
    await s3.send(new PutBucketPolicyCommand({ Bucket: SITE, Policy: demoSitePolicy().replace(DIST, 'E9SOMEOTHER001') }))
    await page.locator('[data-testid="site-refresh"]').click()
    const finding = page.locator('[data-finding="origin-access-denied"]')
    await finding.waitFor()
    expect(await finding.getAttribute('data-subject')).toBe(SITE)
    expect(await finding.textContent()).toContain('Bucket policy does not allow CloudFront')
    expect(await box('bucket').getAttribute('data-state')).toBe('error')
    expect(await page.locator('[data-testid="site-summary"]').textContent()).toContain('1 error(s)')
    expect(await box('bucket').textContent()).toContain('policy does not allow CloudFront')
    await app.screenshot('site-problem')
    await finding.scrollIntoViewIfNeeded()
    await app.screenshot('site-problem-finding')

    await finding.locator('[data-fix="allow-distribution-in-policy"]').click()
    const dialog = page.locator('[data-testid="site-fix-dialog"]')
    await dialog.locator('[data-testid="fix-after"]').waitFor()
    expect(await dialog.locator('[data-testid="fix-before"]').textContent()).toContain('E9SOMEOTHER001')
    expect(await dialog.locator('[data-testid="fix-after"]').textContent()).toContain(`distribution/${DIST}`)
    await app.screenshot('site-fix-plan')
    await dialog.locator('[data-testid="fix-apply"]').click()
    await dialog.locator('[data-testid="fix-applied"]').waitFor()
    await dialog.locator('button', { hasText: 'Close' }).click()
    await page.waitForFunction(() => !document.querySelector('[data-finding="origin-access-denied"]'))
    expect(await box('bucket').getAttribute('data-state')).toBe('ok')
  })

  it('draws in Korean and in the dark theme', async () => {
    const { page } = app
    await page.locator('[data-testid="language"]').selectOption('ko')
    await page.locator('[data-testid="theme"]').selectOption('dark')
    await page.locator('[data-testid="site-findings"] h3', { hasText: '상태' }).waitFor()
    expect(await box('bucket').textContent()).toContain('정책이 CloudFront를 허용')
    expect(await page.locator('[data-finding="approval-waiting"]').textContent()).toContain('승인 대기')
    expect(await page.locator('[data-finding="invalidation-in-progress"]').textContent()).toContain('무효화 진행 중')
    await app.screenshot('site-map-ko-dark')
    await page.locator('[data-testid="theme"]').selectOption('light')
    await page.locator('[data-testid="language"]').selectOption('en')
  })

  it('opens the publish dialog from the site, on its bucket through the default origin and its distribution', async () => {
    const { page } = app
    await page.locator('[data-testid="site-publish"]').click()
    const target = page.locator('[data-testid="publish-dialog"] [data-testid="publish-target"]')
    await target.waitFor()
    expect(await target.textContent()).toContain('haneul-demo-site')
    expect(await target.textContent()).toContain(DIST)
    await page.keyboard.press('Escape')
    await page.locator('[data-testid="publish-dialog"]').waitFor({ state: 'detached' })
  })

  it('offline, shows the map from its snapshot with its age', async () => {
    const { page } = app
    await app.harness.services.snapshots.flush()
    await app.harness.services.sandbox.stop()
    await page.locator('[data-testid="site-refresh"]').click()
    const note = page.locator('[data-testid="site-cache-note"]')
    await note.waitFor()
    expect(await note.textContent()).toContain('Offline: showing the map saved')
    expect(await box('distribution').textContent()).toContain(DIST)
    await app.screenshot('site-offline')
  })

  it('ran without console errors or CSP violations', () => {
    expect(app.consoleErrors).toEqual([])
  })
})
