/**
 * The DNS section in Chromium against the sandbox's Route 53 (real router, real SDK, the emulator in its
 * child process): the demo zone's records, two edits and one new record gathered in the draft, the
 * review's diff, submit, the change followed to INSYNC, and the table showing what Route 53 now holds;
 * keyboard use; Test answer; a BIND import with a syntax error naming its line and column.
 */
import { ChangeResourceRecordSetsCommand, Route53Client } from '@aws-sdk/client-route-53'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SANDBOX_ACCESS_KEY_ID, SANDBOX_SECRET_ACCESS_KEY } from '../../src-main/sandbox/credentials'
import { openApp, type AppPage } from './browser'

const zone = 'haneul-demo.example.'
const record = (name: string, type: string, id = '') => `[data-record="${name}${name ? '.' : ''}${zone}|${type}|${id}"]`

describe('DNS in Chromium', () => {
  let app: AppPage

  beforeAll(async () => {
    app = await openApp({ locale: 'en-US' })
    // Below the test's own timeout, so a wait that fails says which element it waited for.
    app.page.setDefaultTimeout(15_000)
    await app.page.locator('nav button[data-section="dns"]').click()
    await app.page.locator(`[data-zone="${zone}"]`).click()
    await app.page.locator(record('mx1', 'A')).waitFor()
  })
  afterAll(async () => {
    if (app?.consoleErrors.length) console.log(app.consoleErrors)
    await app?.close()
  })

  const row = (selector: string) => app.page.locator(selector)
  const cell = (selector: string, col: string) => app.page.locator(`${selector} [data-col="${col}"]`)

  it('lists the zone with routing policies and alias targets, and filters', async () => {
    const { page } = app
    await page.locator('[data-testid="records-status"]', { hasText: /^\s*\d+ records/ }).waitFor()
    expect(await page.locator(`[data-zone="${zone}"]`).textContent()).toMatch(/Public · \d+ records/)
    expect(await cell(record('api', 'A', 'api-blue'), 'routing').innerText()).toMatch(/Weighted\s+80/)
    // www is an alias to the apex: its link opens that record in this zone.
    await page.locator('[data-testid="filter-name"]').fill('www')
    const www = row(record('www', 'A'))
    await expect(www.locator('[data-testid="alias-link"]').getAttribute('href')).resolves.toContain('/dns/Z0HANEULDEMO0001?record=')
    // Following it focuses the apex record.
    await www.locator('[data-testid="alias-link"]').click()
    await page.locator('[data-testid="filter-name"]').fill('')
    await page.locator(`${record('', 'A')}.focused`).waitFor()
    await expect(row(record('', 'A')).textContent()).resolves.toContain('cloudfront.net')
    // The IDN label shows in Unicode.
    await page.locator('[data-testid="filter-name"]').fill('xn--')
    await expect(page.locator('[data-record^="xn--wh1bz27d."]').textContent()).resolves.toContain('하늘')
    await page.locator('[data-testid="filter-name"]').fill('')
    await app.screenshot('dns-records')

    await page.locator('[data-testid="filter-type"]').selectOption('MX')
    await page.locator('[data-testid="filter-value"]').fill('mx2')
    await page.waitForFunction(() => document.querySelectorAll('[data-record]').length === 1)
    await page.locator('[data-testid="filter-type"]').selectOption('')
    await page.locator('[data-testid="filter-value"]').fill('')
    await page.locator('[data-testid="filter-name"]').fill('_sip')
    await page.waitForFunction(() =>
      [...document.querySelectorAll('[data-record]')].every((el) => el.getAttribute('data-record')!.includes('_sip')),
    )
    await page.locator('[data-testid="filter-name"]').fill('')
  })

  it('streams a 10,000-record zone into the table, keeping few rows in the DOM', async () => {
    const { page } = app
    const started = Date.now()
    await page.locator('[data-zone="haneul-scale.example."]').click()
    await page.locator('[data-record]').first().waitFor()
    const firstRowsMs = Date.now() - started
    await page.locator('[data-testid="records-status"]', { hasText: '10,000 records, 10,000 shown' }).waitFor({ timeout: 60_000 })
    const completeMs = Date.now() - started
    const rowsInDom = await page.locator('[data-record]').count()
    console.log(`10k zone: first rows ${firstRowsMs} ms, complete ${completeMs} ms, rows in DOM ${rowsInDom}`)
    expect(rowsInDom).toBeGreaterThan(10)
    expect(rowsInDom).toBeLessThan(100)
    await page.locator('[data-testid="record-scroller"]').focus()
    await page.keyboard.press('End')
    await page.locator('[data-record][aria-rowindex="10000"].focused').waitFor()
    await page.locator(`[data-zone="${zone}"]`).click()
    await row(record('mx1', 'A')).waitFor()
  }, 90_000)

  it('checks the form against Route 53’s rules as the user types, at the field', async () => {
    const { page } = app
    await page.locator('[data-testid="add-record"]').click()
    const form = page.locator('[data-testid="record-form"]')
    await form.locator('[data-field="name"]').fill('new-e2e')
    await form.locator('[data-field="values"]').fill('192.0.2.300')
    await form.locator('[data-problem="values"]').waitFor()
    expect(await form.locator('[data-problem="values"]').textContent()).toMatch(/192\.0\.2\.300/)
    await app.screenshot('dns-form-problem')
    // Saving with a problem stages nothing.
    await page.locator('[data-testid="record-save"]').click()
    await expect(form.isVisible()).resolves.toBe(true)
    await form.locator('[data-field="values"]').fill('192.0.2.200')
    await page.locator('[data-testid="record-save"]').click()
    await row(record('new-e2e', 'A')).waitFor()
    expect(await row(record('new-e2e', 'A')).getAttribute('data-staged')).toBe('created')
  })

  it('stages two edits (a TTL, a weight) in the draft', async () => {
    const { page } = app
    await row(record('mx1', 'A')).locator('[data-testid="edit-record"]').click()
    await page.locator('[data-testid="record-form"] [data-field="ttl"]').fill('600')
    await page.locator('[data-testid="record-save"]').click()
    await page.waitForFunction((sel) => document.querySelector(sel)?.getAttribute('data-staged') === 'updated', record('mx1', 'A'))
    expect(await cell(record('mx1', 'A'), 'ttl').textContent()).toBe('600')

    await row(record('api', 'A', 'api-blue'))
      .locator('[data-testid="edit-record"]')
      .click()
    await page.locator('[data-testid="record-form"] [data-field="weight"]').fill('70')
    await page.locator('[data-testid="record-save"]').click()
    await page.waitForFunction(
      (sel) => document.querySelector(sel)?.getAttribute('data-staged') === 'updated',
      record('api', 'A', 'api-blue'),
    )
    await expect(page.locator('[data-testid="review-changes"]').textContent()).resolves.toContain('(3)')
    // The zone list's badge counts the draft main saved.
    await page.locator(`[data-zone="${zone}"] [data-testid="draft-badge"]`, { hasText: '3 edit' }).waitFor()
  })

  it('moves by keyboard: Enter edits, Esc closes, Delete stages a delete and Delete again takes it back', async () => {
    const { page } = app
    await page.locator('[data-testid="record-scroller"]').focus()
    await page.keyboard.press('Home')
    await page.keyboard.press('Enter')
    await page.locator('[data-testid="record-form"]').waitFor()
    await page.keyboard.press('Escape')
    await page.locator('[data-testid="record-form"]').waitFor({ state: 'detached' })
    await page.locator('[data-testid="filter-name"]').fill('mx2')
    await page.locator('[data-testid="record-scroller"]').focus()
    await page.keyboard.press('Home')
    await page.keyboard.press('Delete')
    await page.waitForFunction((sel) => document.querySelector(sel)?.getAttribute('data-staged') === 'deleted', record('mx2', 'A'))
    await page.keyboard.press('Delete')
    await page.waitForFunction((sel) => !document.querySelector(sel)?.hasAttribute('data-staged'), record('mx2', 'A'))
    await page.locator('[data-testid="filter-name"]').fill('')
    await expect(page.locator('[data-testid="review-changes"]').textContent()).resolves.toContain('(3)')
  })

  it('reviews the diff, submits, follows the change to INSYNC, and the table shows Route 53’s records', async () => {
    const { page } = app
    await page.locator('[data-testid="review-changes"]').click()
    const review = page.locator('[data-testid="review"]')
    await review.locator('[data-change]').nth(2).waitFor()
    expect(await review.locator('[data-change]').evaluateAll((els) => els.map((el) => el.getAttribute('data-change')).sort())).toEqual([
      `create:new-e2e.${zone}|A`,
      `update:api.${zone}|A`,
      `update:mx1.${zone}|A`,
    ])
    // Only what changed is marked: mx1's TTL, api's routing (the weight).
    const mx1 = review.locator(`[data-change="update:mx1.${zone}|A"]`)
    expect(await mx1.locator('dt.changed').evaluateAll((els) => els.map((el) => el.getAttribute('data-field')))).toEqual(['ttl'])
    expect(await mx1.locator('del').allTextContents()).toEqual(['3600'])
    expect(await mx1.locator('ins').allTextContents()).toEqual(['600'])
    const api = review.locator(`[data-change="update:api.${zone}|A"]`)
    expect(await api.locator('dt.changed').evaluateAll((els) => els.map((el) => el.getAttribute('data-field')))).toEqual(['routing'])
    expect(await api.locator('del').textContent()).toContain('weight 80')
    expect(await api.locator('ins').textContent()).toContain('weight 70')
    await app.screenshot('dns-review-diff')

    await page.locator('[data-testid="submit"]').click()
    await page.locator('[data-testid="sent-changes"] li').first().waitFor()
    await app.screenshot('dns-pending')
    await page.locator('[data-testid="sent-changes"] li[data-status="INSYNC"]').waitFor({ timeout: 30_000 })
    await page.locator('[data-testid="status-dns"]', { hasText: 'INSYNC' }).waitFor()
    await app.screenshot('dns-insync')
    await page.locator('[data-testid="review-done"]').click()

    // The table reloads from Route 53 after INSYNC: the new values, nothing staged any more.
    await page.waitForFunction(
      (sel) => document.querySelector(sel)?.textContent?.trim() === '600',
      `${record('mx1', 'A')} [data-col="ttl"]`,
    )
    expect(await page.locator('[data-staged]').count()).toBe(0)
    expect(await cell(record('api', 'A', 'api-blue'), 'routing').innerText()).toMatch(/Weighted\s+70/)
    await page.locator('[data-testid="filter-name"]').fill('new-e2e')
    await row(record('new-e2e', 'A')).waitFor()
    expect(await row(record('new-e2e', 'A')).getAttribute('data-staged')).toBeNull()
    expect(await cell(record('new-e2e', 'A'), 'value').textContent()).toContain('192.0.2.200')
    await app.screenshot('dns-after-submit')
    await page.locator('[data-testid="filter-name"]').fill('')
    await expect(page.locator('[data-testid="review-changes"]').textContent()).resolves.toContain('(0)')
  })

  it('when the zone changes at Route 53 after the review, submit sends nothing and shows the new diff', async () => {
    const { page } = app
    await page.locator('[data-testid="filter-name"]').fill('mx2')
    await row(record('mx2', 'A')).locator('[data-testid="edit-record"]').click()
    await page.locator('[data-testid="record-form"] [data-field="ttl"]').fill('120')
    await page.locator('[data-testid="record-save"]').click()
    await page.locator('[data-testid="review-changes"]:not([disabled])', { hasText: '(1)' }).click()
    const review = page.locator('[data-testid="review"]')
    await review.locator(`[data-change="update:mx2.${zone}|A"]`).waitFor()

    // Someone else changes mx2 meanwhile (the console, the CLI): straight to the sandbox's Route 53.
    const client = new Route53Client({
      endpoint: app.harness.services.sandbox.endpoints!.route53,
      region: 'us-east-1',
      credentials: { accessKeyId: SANDBOX_ACCESS_KEY_ID, secretAccessKey: SANDBOX_SECRET_ACCESS_KEY },
    })
    await client.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: 'Z0HANEULDEMO0001',
        ChangeBatch: {
          Changes: [
            {
              Action: 'UPSERT',
              ResourceRecordSet: { Name: `mx2.${zone}`, Type: 'A', TTL: 999, ResourceRecords: [{ Value: '192.0.2.27' }] },
            },
          ],
        },
      }),
    )
    client.destroy()

    await page.locator('[data-testid="submit"]').click()
    await page.locator('[data-testid="plan-note"]').waitFor()
    expect(await page.locator('[data-testid="plan-note"]').textContent()).toContain('Nothing was sent')
    await review.locator('[data-testid="stale"]', { hasText: `mx2.${zone}` }).waitFor()
    // The new diff is against mx2 as it is now: TTL 999 → 120, and the value that came meanwhile.
    const mx2 = review.locator(`[data-change="update:mx2.${zone}|A"]`)
    expect(await mx2.locator('dt.changed').first().textContent()).toBe('TTL')
    expect(await mx2.locator('del').first().textContent()).toBe('999')
    await app.screenshot('dns-conflict-replanned')
    await page.keyboard.press('Escape')
    await page.locator('[data-testid="discard-draft"]').click()
    await page.locator('[data-testid="review-changes"]', { hasText: '(0)' }).waitFor()
    await page.locator('[data-testid="filter-name"]').fill('')
  })

  it('tests the answer Route 53 gives for a record', async () => {
    const { page } = app
    await row(record('mx1', 'A')).locator('[data-testid="answer"]').click()
    await page.locator('[data-testid="answer-values"]', { hasText: '192.0.2.25' }).waitFor()
    expect(await page.locator('[data-testid="answer-code"]').textContent()).toBe('NOERROR')
    await page.keyboard.press('Escape')
    await page.locator('[data-testid="answer-dialog"]').waitFor({ state: 'detached' })
  })

  it('refuses a BIND file with a syntax error, naming line and column, and changes nothing', async () => {
    const { page } = app
    await page.locator('[data-testid="import-zone"]').click()
    await page.locator('[data-testid="import-text"]').fill(`$ORIGIN ${zone}\n$TTL 300\nbroken 300 IN A not-an-ip\nok 300 IN A 192.0.2.7\n`)
    await page.locator('[data-testid="import-submit"]').click()
    const error = page.locator('[data-testid="import-error"]')
    await error.waitFor()
    expect(await error.textContent()).toMatch(/line 3, column \d+/)
    await app.screenshot('dns-import-error')
    await page.keyboard.press('Escape')
    await expect(page.locator('[data-testid="review-changes"]').textContent()).resolves.toContain('(0)')

    // A good file lands in the draft and opens the review with its diff.
    await page.locator('[data-testid="import-zone"]').click()
    await page.locator('[data-testid="import-text"]').fill(`$ORIGIN ${zone}\nimported 300 IN TXT "from a zone file"\n`)
    await page.locator('[data-testid="import-submit"]').click()
    await page.locator(`[data-testid="review"] [data-change="create:imported.${zone}|TXT"]`).waitFor()
    await page.keyboard.press('Escape')
    await row(record('imported', 'TXT')).waitFor()
    await page.locator('[data-testid="discard-draft"]').click()
    await row(record('imported', 'TXT')).waitFor({ state: 'detached' })
  })

  it('adds an alias to a record of the zone, picked from a list, and a latency set, checked before staging', async () => {
    const { page } = app
    await page.locator('[data-testid="add-record"]').click()
    const form = page.locator('[data-testid="record-form"]')
    await form.locator('[data-field="name"]').fill('alias-e2e')
    await form.locator('[data-field="mode-alias"]').check()
    await form.locator('[data-field="alias-kind-record"]').check()
    await form.locator('[data-field="alias-record"]').waitFor()
    // Without a target, Route 53's alias rule is named at the alias field.
    await form.locator('[data-problem="alias"]').waitFor()
    await form.locator('[data-field="alias-record"]').selectOption(`mx1.${zone}`)
    await form.locator('[data-problem="alias"]').waitFor({ state: 'detached' })
    await page.locator('[data-testid="record-save"]').click()
    const alias = row(record('alias-e2e', 'A'))
    await alias.waitFor()
    expect(await alias.getAttribute('data-staged')).toBe('created')
    expect(await alias.locator('[data-testid="alias-link"]').textContent()).toContain(`mx1.${zone}`)

    await page.locator('[data-testid="add-record"]').click()
    await form.locator('[data-field="name"]').fill('app')
    await form.locator('[data-field="values"]').fill('192.0.2.33')
    await form.locator('[data-field="policy"]').selectOption('latency')
    await form.locator('[data-field="set-identifier"]').fill('app-us-west-2')
    await form.locator('[data-field="region"]').selectOption('us-west-2')
    await page.locator('[data-testid="record-save"]').click()
    await row(record('app', 'A', 'app-us-west-2')).waitFor()
    expect(await cell(record('app', 'A', 'app-us-west-2'), 'routing').innerText()).toMatch(/Latency\s+us-west-2/)
    await page.locator('[data-testid="discard-draft"]').click()
    await page.locator('[data-testid="review-changes"]', { hasText: '(0)' }).waitFor()
  })

  it('replace lists every deletion and asks for the count typed; export downloads the zone file', async () => {
    const { page } = app
    await page.locator('[data-testid="import-zone"]').click()
    await page.locator('[data-testid="import-text"]').fill(`$ORIGIN ${zone}\nmx1 600 IN A 192.0.2.25\n`)
    await page.locator('[data-testid="mode-replace"]').check()
    await page.locator('[data-testid="import-submit"]').click()
    const review = page.locator('[data-testid="review"]')
    await review.locator('[data-testid="guard"]').waitFor()
    const deletions = await review.locator('[data-change^="delete:"]').count()
    // Every set but mx1 and the apex SOA and NS goes, each one listed.
    expect(deletions).toBeGreaterThan(30)
    expect(await review.locator(`[data-change^="delete:${zone}|NS"], [data-change^="delete:${zone}|SOA"]`).count()).toBe(0)
    expect(await review.locator(`[data-change^="delete:mx1.${zone}|A"]`).count()).toBe(0)
    await app.screenshot('dns-replace-guard')
    await page.locator('[data-testid="guard-input"]').fill(String(deletions - 1))
    expect(await page.locator('[data-testid="submit"]').isDisabled()).toBe(true)
    await page.locator('[data-testid="guard-input"]').fill(String(deletions))
    expect(await page.locator('[data-testid="submit"]').isDisabled()).toBe(false)
    await page.keyboard.press('Escape')
    await page.locator('[data-testid="discard-draft"]').click()
    await page.locator('[data-testid="review-changes"]', { hasText: '(0)' }).waitFor()

    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-testid="export-zone"]').click()])
    expect(download.suggestedFilename()).toBe('haneul-demo.example.zone')
    const text = await new Response((await download.createReadStream()) as unknown as ReadableStream).text()
    expect(text).toContain(`$ORIGIN ${zone}`)
    expect(text).toMatch(/^mx1 600 IN A 192\.0\.2\.25$/m)
    expect(text).toContain('; haneul-alias www A Z0HANEULDEMO0001')
  })

  it('looks right in dark and in Korean', async () => {
    const { page } = app
    await page.locator('[data-testid="theme"]').selectOption('dark')
    await page.locator('[data-testid="add-record"]').click()
    await page.locator('[data-testid="record-form"] [data-field="policy"]').selectOption('failover')
    await app.screenshot('dns-dark-form')
    await page.keyboard.press('Escape')
    await app.screenshot('dns-dark')
    await page.locator('[data-testid="language"]').selectOption('ko')
    await page.locator('[data-testid="review-changes"]', { hasText: '변경 검토' }).waitFor()
    await app.screenshot('dns-ko-dark')
    await page.locator('[data-testid="theme"]').selectOption('light')
    await app.screenshot('dns-ko')
    expect(app.consoleErrors).toEqual([])
  })

  it('offline: shows the zone from its snapshot with its age, keeps drafting, and says why it cannot submit', async () => {
    const { page } = app
    await page.locator('[data-testid="language"]').selectOption('en')
    await app.harness.services.snapshots.flush()
    await app.harness.services.sandbox.stop()
    await page.locator('nav button[data-section="storage"]').click()
    await page.locator('nav button[data-section="dns"]').click()
    await page.locator(`[data-zone="${zone}"]`).click()
    const note = page.locator('[data-testid="cache-note"].stale')
    await note.waitFor()
    expect(await note.textContent()).toMatch(/Offline: showing what was saved (now|\d+ (seconds?|minutes?) ago)/)
    await row(record('mx1', 'A')).waitFor()
    expect(await cell(record('mx1', 'A'), 'ttl').textContent()).toBe('600')

    await row(record('mx1', 'A')).locator('[data-testid="edit-record"]').click()
    await page.locator('[data-testid="record-form"] [data-field="ttl"]').fill('900')
    await page.locator('[data-testid="record-save"]').click()
    await page.waitForFunction((sel) => document.querySelector(sel)?.getAttribute('data-staged') === 'updated', record('mx1', 'A'))
    await page.locator('[data-testid="offline-draft"]').waitFor()
    await page.locator('[data-testid="review-changes"]:not([disabled])').click()
    await page.locator('[data-testid="submit-blocked"]').waitFor()
    // Without the network there is no diff against the zone; the draft itself is shown.
    await page.locator('[data-testid="draft-preview"]', { hasText: 'TTL' }).waitFor()
    expect(await page.locator('[data-testid="submit"]').isDisabled()).toBe(true)
    await app.screenshot('dns-offline-review')
    await page.keyboard.press('Escape')
    await page.locator('[data-testid="discard-draft"]').click()
    await page.waitForFunction((sel) => !document.querySelector(sel)?.hasAttribute('data-staged'), record('mx1', 'A'))
  })
})
