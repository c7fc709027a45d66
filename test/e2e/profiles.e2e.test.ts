/**
 * Profiles in Chromium: switch between the sandbox and a second profile, stop the sandbox's servers,
 * switch back and forth and see the cached data with its age; a never-listed profile says it is offline
 * with nothing cached; a Haneul profile is added through the manager dialog.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SANDBOX_ACCESS_KEY_ID, SANDBOX_SECRET_ACCESS_KEY } from '../../src-main/sandbox/credentials'
import { openApp, type AppPage } from './browser'

describe('profiles and offline switching in Chromium', () => {
  let app: AppPage

  beforeAll(async () => {
    app = await openApp({ locale: 'en-US' })
    const { homeDir, services } = app.harness
    const s3 = services.sandbox.endpoints!.s3
    const keys = `aws_access_key_id = ${SANDBOX_ACCESS_KEY_ID}\naws_secret_access_key = ${SANDBOX_SECRET_ACCESS_KEY}\n`
    writeFileSync(join(homeDir, '.aws', 'credentials'), `[work]\n${keys}[fresh]\n${keys}`)
    writeFileSync(
      join(homeDir, '.aws', 'config'),
      `[profile work]\nregion = ap-northeast-2\nendpoint_url = ${s3}\n[profile fresh]\nregion = eu-west-1\nendpoint_url = ${s3}\n[profile broken]\nrole_arn = arn:aws:iam::1:role/x\n`,
    )
    await services.profiles.reload()
    // Reloading ~/.aws keeps the user on the profile they were using.
    expect(services.profiles.list().activeId).toBe('sandbox')
  })
  afterAll(async () => {
    await app?.close()
  })

  async function switchTo(profileId: string): Promise<void> {
    await app.page.locator('[data-testid="profile-switcher"]').click()
    await app.page.locator(`li[data-profile="${profileId}"]`).click()
    await app.page.locator('[data-testid="profile-switcher"][aria-expanded="false"]').waitFor()
  }

  it('lists every profile with kind, region and problems in the switcher', async () => {
    const { page } = app
    await page.locator('[data-bucket="haneul-demo-site"]').waitFor()
    await page.locator('[data-testid="profile-switcher"]').click()
    const rows = await page
      .locator('li[data-profile]')
      .evaluateAll((els) => els.map((el) => [el.getAttribute('data-profile'), el.textContent?.replace(/\s+/g, ' ').trim()]))
    expect(rows.map((r) => r[0])).toEqual(['sandbox', 'aws:broken', 'aws:fresh', 'aws:work'])
    expect(rows[1]![1]).toMatch(/Assume role.*Cannot be used: role_arn needs a source_profile/)
    expect(rows[3]![1]).toMatch(/work.*Access keys.*ap-northeast-2/)
    await app.screenshot('profiles-switcher')
    await page.keyboard.press('Escape')
  })

  it('switches to the second profile and browses it while online', async () => {
    const { page } = app
    await switchTo('aws:work')
    await page.locator('[data-bucket="haneul-demo-site"]').click()
    await page.locator('[data-folder="blog/"]').waitFor()
    await page.locator('[data-testid="connectivity"]', { hasText: 'Online' }).waitFor()
    await switchTo('sandbox')
    await page.locator('[data-bucket="haneul-demo-logs"]').waitFor()
    await app.harness.services.snapshots.flush()
  })

  it('with the servers stopped, switching shows each profile’s cached data and its age', async () => {
    const { page } = app
    await app.harness.services.sandbox.stop()
    await switchTo('aws:work')
    await page.locator('[data-bucket="haneul-demo-site"]').waitFor()
    const note = page.locator('[data-testid="cache-note"].stale')
    await note.waitFor()
    expect(await note.textContent()).toMatch(/Offline: showing what was saved (now|\d+ seconds? ago)/)
    await page.locator('[data-testid="connectivity"]', { hasText: 'Offline' }).waitFor()
    await page.locator('[data-bucket="haneul-demo-site"]').click()
    await page.locator('[data-folder="blog/"]').waitFor()
    await page.locator('[data-testid="cache-note"].stale').waitFor()
    await app.screenshot('profiles-offline-cached-folder')
    await switchTo('sandbox')
    await page.locator('[data-bucket="haneul-demo-logs"]').waitFor()
    await page.locator('[data-testid="cache-note"].stale').waitFor()
    await page.locator('footer[role="status"]', { hasText: 'Sandbox stopped' }).waitFor()
    await app.screenshot('profiles-offline-cached-sandbox')
  })

  it('a profile never listed says offline with nothing cached', async () => {
    const { page } = app
    await switchTo('aws:fresh')
    await page.locator('[data-testid="offline-empty"]').waitFor()
    expect(await page.locator('[data-testid="offline-empty"]').textContent()).toMatch(/nothing is cached yet/)
    await app.screenshot('profiles-offline-nothing-cached')
  })

  it('adds a Haneul profile through the manager; the secret never comes back to the page', async () => {
    const { page } = app
    await page.locator('[data-testid="profile-switcher"]').click()
    await page.locator('[data-testid="manage-profiles"]').click()
    await page.locator('[data-testid="add-profile"]').click()
    const form = page.locator('[data-testid="profile-form"]')
    await form.locator('[data-field="name"]').fill('MinIO lab')
    await form.locator('[data-field="accessKeyId"]').fill('AKIAE2EEXAMPLE000001')
    await form.locator('[data-field="secret"]').fill('e2e-secret-never-shown')
    await form.locator('[data-field="endpoint"]').fill('http://127.0.0.1:9000')
    // Every other service of the list has its own endpoint field.
    await form.locator('[data-testid="other-endpoints"] summary').click()
    await form.locator('[data-field="endpoint-cloudfront"]').fill('http://127.0.0.1:4566')
    await page.locator('[data-testid="save-profile"]').click()
    await page.locator('[data-testid="profiles-table"]', { hasText: 'MinIO lab' }).waitFor()
    expect(await page.locator('[data-testid="profiles-table"]').textContent()).toContain('AKIA…0001')
    await app.screenshot('profiles-manager')
    // Editing shows the CloudFront endpoint main stored, and the others empty.
    await page.locator('[data-testid="profiles-table"] tr', { hasText: 'MinIO lab' }).getByRole('button', { name: 'Edit' }).click()
    await form.locator('[data-testid="other-endpoints"] summary').click()
    expect(await form.locator('[data-field="endpoint-cloudfront"]').inputValue()).toBe('http://127.0.0.1:4566')
    expect(await form.locator('[data-field="endpoint-route53"]').inputValue()).toBe('')
    await app.screenshot('profiles-other-endpoints')
    await form.getByRole('button', { name: 'Cancel' }).click()
    const html = await page.content()
    expect(html).not.toContain('e2e-secret-never-shown')
    expect(await form.count()).toBe(0)
  })

  it('ran without console errors or CSP violations', () => {
    expect(app.consoleErrors).toEqual([])
  })
})
