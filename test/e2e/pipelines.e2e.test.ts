/**
 * Pipelines in Chromium against the sandbox, through the real router: the list with the approval the
 * demo story has waiting (one OS notification, the badge), the flow with the commit in each stage, that
 * approval answered elsewhere while its dialog is open (refused, and said so), then a fresh run that reaches Approval (a second notification and the badge again),
 * approved with a comment in the dialog, Production running to the end, and the run's timeline with
 * every action. The sandbox runs pipelines 50× faster and the approval watcher looks every 300 ms
 * (test knobs of the harness), so the test waits for the page to say things, never for a clock.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openApp, type AppPage } from './browser'

const PIPELINE = 'site-release'
const ACTIONS = [
  'Source/Source',
  'Build/Build',
  'Staging/DeployToStaging',
  'Approval/ReviewStaging',
  'Production/DeployToSite',
  'Production/InvalidateCache',
]

describe('Pipelines in Chromium', () => {
  let app: AppPage
  const approvalNotices = () => app.harness.notifications.filter((n) => n.startsWith(`Approval waiting: ${PIPELINE}`))

  beforeAll(async () => {
    app = await openApp({ locale: 'en-US', sandboxDelays: { pipelineSpeed: 50 }, approvalPollMs: 300 })
    await app.page.locator('[data-bucket="haneul-demo-site"]').waitFor()
  })
  afterAll(async () => {
    await app?.close()
  })

  it('lists the pipelines with each stage’s status and the approval waiting: one notification, and the badge', async () => {
    const { page } = app
    await page.locator('nav button[data-section="pipelines"]').click()
    const row = page.locator(`[data-pipeline="${PIPELINE}"]`)
    await row.waitFor()
    expect(await row.locator('[data-testid="pipeline-waiting"]').textContent()).toContain('1 approval waiting')
    expect(await row.locator('[data-stage="Approval"] [data-status]').getAttribute('data-status')).toBe('InProgress')
    expect(await page.locator('[data-pipeline="docs-build"]').textContent()).toContain('V1')
    // The list starts the watcher: the approval is announced once, and the nav entry counts it.
    await page.locator('[data-testid="approvals-badge"]').waitFor()
    expect(await page.locator('[data-testid="approvals-badge"]').textContent()).toBe('1')
    await expect.poll(() => approvalNotices().length, { timeout: 15_000 }).toBe(1)
    expect(approvalNotices()[0]).toContain('Approval / ReviewStaging waits for your answer')
    await app.screenshot('pipelines-list')
  })

  it('shows the flow: every stage with its status, the commit it carries and its actions', async () => {
    const { page } = app
    await page.locator(`[data-pipeline="${PIPELINE}"] a`).click()
    const flow = page.locator('[data-testid="pipeline-flow"]')
    await flow.waitFor()
    const stages = await flow.locator('li.stage').evaluateAll((els) => els.map((el) => el.getAttribute('data-stage')))
    expect(stages).toEqual(['Source', 'Build', 'Staging', 'Approval', 'Production'])
    const approval = flow.locator('[data-stage="Approval"]')
    expect(await approval.getAttribute('data-status')).toBe('InProgress')
    // The run waiting at Approval carries the demo story's last commit, with its author.
    expect(await approval.locator('[data-testid="commit-message"]').textContent()).toBe('Add the pipelines timeline post')
    expect(await approval.locator('[data-testid="commit-author"]').textContent()).toContain('Kim Ha-neul')
    expect(await approval.locator('[data-testid="commit-id"]').textContent()).toMatch(/^[0-9a-f]{7}$/)
    for (const stage of ['Source', 'Build', 'Staging']) {
      expect(await flow.locator(`[data-stage="${stage}"] [data-testid="commit-id"]`).count()).toBeGreaterThan(0)
    }
    // Durations of the latest runs come from their timelines.
    await flow.locator('[data-stage="Build"] [data-action="Build"]', { hasText: 'took' }).waitFor()
    await page.locator('[data-testid="cp-waiting"] [data-testid="approval-countdown"]').waitFor()
    expect(await page.locator('[data-testid="cp-waiting"]').textContent()).toMatch(/Expires in \d+ d \d+ h/)
    await app.screenshot('pipelines-flow')
  })

  it('an approval answered elsewhere meanwhile is refused in the dialog, which says so; nothing changes', async () => {
    const { page } = app
    await page.locator('[data-stage="Approval"] [data-testid="approval-open"]').click()
    const dialog = page.locator('[data-testid="approval-dialog"]')
    await dialog.locator('[data-testid="approval-custom-data"]').waitFor()
    expect(await dialog.locator('[data-testid="approval-custom-data"]').textContent()).toContain('Check the staging site')
    // Someone else rejects it (another window, the console) while this dialog is open.
    const elsewhere = (await app.harness.services.router.handle(
      'codepipeline.answerApproval',
      {
        profileId: 'sandbox',
        pipeline: PIPELINE,
        stage: 'Approval',
        action: 'ReviewStaging',
        approve: false,
        comment: 'Staging shows the old footer',
      },
      { senderUrl: page.url(), signal: new AbortController().signal },
    )) as { ok: boolean }
    expect(elsewhere.ok).toBe(true)
    await dialog.locator('[data-field="comment"]').fill('Looks good')
    await dialog.locator('[data-testid="approval-approve"]').click()
    const refusal = dialog.locator('[data-testid="approval-error"]')
    await refusal.waitFor()
    expect(await refusal.textContent()).toContain('is not waiting for an answer any more')
    expect(await refusal.textContent()).toContain('Nothing was changed')
    await app.screenshot('pipelines-approval-refused')
    await page.keyboard.press('Escape')
    await dialog.waitFor({ state: 'detached' })
    // It stays rejected: the stage failed, and nothing waits any more.
    const flow = page.locator('[data-testid="pipeline-flow"]')
    await flow.locator('[data-stage="Approval"][data-status="Failed"]').waitFor()
    await page.locator('[data-testid="approvals-badge"]').waitFor({ state: 'detached' })
    expect(approvalNotices()).toHaveLength(1)
  })

  it('starts a run that reaches Approval: a new notification and the badge; approved, Production runs; the timeline has every action', async () => {
    const { page } = app
    await page.locator('[data-testid="cp-start"]').click()
    await page.locator('[data-testid="pipeline-start-dialog"] [data-testid="pipeline-dialog-send"]').click()
    await page.locator('[data-testid="pipeline-start-dialog"]').waitFor({ state: 'detached' })

    // The flow follows the run; the watcher announces the approval once and the badge counts it.
    const flow = page.locator('[data-testid="pipeline-flow"]')
    await flow.locator('[data-stage="Approval"][data-status="InProgress"]').waitFor({ timeout: 30_000 })
    await page.locator('[data-testid="approvals-badge"]').waitFor({ timeout: 15_000 })
    expect(await page.locator('[data-testid="approvals-badge"]').textContent()).toBe('1')
    await expect.poll(() => approvalNotices().length, { timeout: 15_000 }).toBe(2)
    const runId = (await flow.locator('[data-stage="Approval"] .mono').first().textContent())!.replace('Run ', '')

    await flow.locator('[data-stage="Approval"] [data-testid="approval-open"]').click()
    const dialog = page.locator('[data-testid="approval-dialog"]')
    await dialog.locator('[data-testid="approval-countdown"]').waitFor()
    await dialog.locator('[data-field="comment"]').fill('Staging looks right: ship it')
    await app.screenshot('pipelines-approval-dialog')
    await dialog.locator('[data-testid="approval-approve"]').click()
    expect(await dialog.locator('[data-testid="approval-done"]').textContent()).toMatch(/^Approved at /)
    await dialog.locator('[data-testid="approval-close"]').click()
    await page.locator('[data-testid="approvals-badge"]').waitFor({ state: 'detached' })

    // Production runs to the end in the same run.
    const production = flow.locator('[data-stage="Production"][data-status="Succeeded"]')
    await production.waitFor({ timeout: 30_000 })
    expect(await production.locator('.mono').first().textContent()).toBe(`Run ${runId}`)
    expect(await production.locator('[data-action="InvalidateCache"]').getAttribute('data-status')).toBe('Succeeded')
    expect(approvalNotices()).toHaveLength(2)

    // History: the run on top, its timeline with every action of every stage.
    await page.locator('[data-tab="history"]').click()
    const top = page.locator('[data-testid="pipeline-history"] tbody tr').first()
    await top.waitFor()
    expect(await top.getAttribute('data-execution')).toMatch(new RegExp(`^${runId}`))
    await top.focus()
    await page.keyboard.press('Enter')
    const chart = page.locator('[data-testid="pipeline-timeline"] [data-timeline] canvas')
    await chart.waitFor()
    const rows = page.locator('[data-testid="timeline-actions"] tbody tr')
    expect(await rows.evaluateAll((els) => els.map((el) => el.getAttribute('data-timeline-action')))).toEqual(ACTIONS)
    expect(await rows.evaluateAll((els) => els.map((el) => el.getAttribute('data-status')))).toEqual(ACTIONS.map(() => 'Succeeded'))
    await page.locator('[data-trend="stages"] canvas').waitFor()
    // Hovering a bar shows its details.
    const box = (await chart.boundingBox())!
    for (let y = 0.2; y < 0.9 && !(await page.locator('.app-chart-tip-line').count()); y += 0.05) {
      await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * y)
    }
    await app.screenshot('pipelines-timeline')
    expect(app.consoleErrors).toEqual([])
  })

  it('disables a transition with a reason (required), shows it, and enables it again', async () => {
    const { page } = app
    await page.locator('[data-tab="flow"]').click()
    const transition = page.locator('[data-transition="Production"]')
    await transition.locator('[data-testid="transition-disable"]').click()
    const dialog = page.locator('[data-testid="pipeline-disable-dialog"]')
    expect(await dialog.textContent()).toContain('! @ ( ) . * ? - only')
    expect(await dialog.locator('[data-testid="pipeline-dialog-send"]').isDisabled()).toBe(true)
    // CodePipeline's pattern for a reason refuses a comma; main says which characters it takes.
    await dialog.locator('[data-field="reason"]').fill('Freeze, release week')
    await dialog.locator('[data-testid="pipeline-dialog-send"]').click()
    expect(await dialog.locator('[data-testid="pipeline-dialog-error"]').textContent()).toContain('may contain only letters')
    await dialog.locator('[data-field="reason"]').fill('Release freeze (week 49)')
    await dialog.locator('[data-testid="pipeline-dialog-send"]').click()
    await dialog.waitFor({ state: 'detached' })
    await page.locator('[data-transition="Production"][data-enabled="false"]').waitFor()
    expect(await transition.locator('[data-testid="transition-reason"]').textContent()).toContain('Release freeze (week 49)')
    await app.screenshot('pipelines-transition-disabled')
    await transition.locator('[data-testid="transition-enable"]').click()
    await page.locator('[data-transition="Production"][data-enabled="true"]').waitFor()
  })

  it('reads in Korean and in the dark theme: the timeline, then the flow', async () => {
    const { page } = app
    await page.locator('[data-testid="theme"]').selectOption('dark')
    await page.locator('[data-testid="language"]').selectOption('ko')
    await page.locator('[data-tab="history"]', { hasText: '실행 기록' }).click()
    await page.locator('[data-testid="pipeline-timeline"] [data-timeline] canvas').waitFor()
    expect(await page.locator('[data-testid="pipeline-timeline"] figcaption').first().textContent()).toContain('타임라인')
    await app.screenshot('pipelines-timeline-ko-dark')
    await page.locator('[data-tab="flow"]').click()
    const flow = page.locator('[data-testid="pipeline-flow"]')
    await flow.waitFor()
    expect(await flow.locator('[data-stage="Production"] [data-status="Succeeded"]').first().textContent()).toBe('성공')
    await app.screenshot('pipelines-flow-ko-dark')
    expect(app.consoleErrors).toEqual([])
  })
})
