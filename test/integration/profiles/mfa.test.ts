/**
 * Assume-role with MFA against the sandbox's emulated STS, through the real SDK credential chain
 * (fromIni → AssumeRole with SerialNumber/TokenCode): 50 parallel S3 calls on a cold profile cause exactly
 * one MFA prompt and one AssumeRole call, and all 50 succeed with the role's temporary credentials.
 */
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AppEvent } from '../../../src-main/api/events'
import { SANDBOX_ACCESS_KEY_ID, SANDBOX_SECRET_ACCESS_KEY } from '../../../src-main/sandbox/credentials'
import { SANDBOX_MFA_CODE, SANDBOX_MFA_ROLE_ARN, SANDBOX_MFA_SERIAL } from '../../../src-main/sandbox/endpoints'
import { startSandbox, type RunningSandbox } from '../../../src-main/sandbox/servers'
import { sandboxAssets, startHarness, type Harness } from '../../helpers/app-harness'

describe('assume-role with MFA', () => {
  let sandbox: RunningSandbox
  let harness: Harness
  const prompts: Extract<AppEvent, { type: 'mfa.requested' }>[] = []
  let answer: (event: Extract<AppEvent, { type: 'mfa.requested' }>) => void = () => {}

  beforeAll(async () => {
    // In-process sandbox, so the test can count what its STS received.
    sandbox = await startSandbox({ dataDir: mkdtempSync(join(tmpdir(), 'haneul-sb-')), assetsDir: sandboxAssets })
    const home = mkdtempSync(join(tmpdir(), 'haneul-home-'))
    mkdirSync(join(home, '.aws'))
    writeFileSync(
      join(home, '.aws', 'credentials'),
      `[base]\naws_access_key_id = ${SANDBOX_ACCESS_KEY_ID}\naws_secret_access_key = ${SANDBOX_SECRET_ACCESS_KEY}\n`,
    )
    writeFileSync(
      join(home, '.aws', 'config'),
      [
        '[profile mfa-admin]',
        `role_arn = ${SANDBOX_MFA_ROLE_ARN}`,
        'source_profile = base',
        `mfa_serial = ${SANDBOX_MFA_SERIAL}`,
        'region = us-east-1',
        'services = sandbox',
        '[services sandbox]',
        's3 =',
        `  endpoint_url = ${sandbox.endpoints.s3}`,
        'sts =',
        `  endpoint_url = ${sandbox.endpoints.sts}`,
      ].join('\n'),
    )
    harness = await startHarness({
      homeDir: home,
      onEvent: (event) => {
        if (event.type === 'mfa.requested') {
          prompts.push(event)
          answer(event)
        }
      },
    })
  })
  afterAll(async () => {
    await harness?.close()
    await sandbox?.close()
  })

  const context = () => ({ senderUrl: 'app://haneul/index.html', signal: new AbortController().signal })

  it('discovers the profile as assume-role needing MFA', () => {
    const profile = harness.services.profiles.list().profiles.find((p) => p.id === 'aws:mfa-admin')
    expect(profile).toMatchObject({ kind: 'assume-role', needsMfa: true, endpoint: sandbox.endpoints.s3 })
    expect(profile?.problem).toBeUndefined()
  })

  it('asks once and assumes the role once for 50 parallel requests', async () => {
    answer = (event) => {
      // The renderer answers a little later, as a person would.
      setTimeout(
        () => void harness.services.router.handle('profiles.submitMfa', { promptId: event.promptId, code: SANDBOX_MFA_CODE }, context()),
        50,
      )
    }
    const before = sandbox.sts.calls.AssumeRole ?? 0
    const results = await Promise.all(
      Array.from({ length: 50 }, () => harness.services.router.handle('s3.listBuckets', { profileId: 'aws:mfa-admin' }, context())),
    )
    expect(results.filter((r) => !r.ok)).toEqual([])
    expect(
      results.every((r) => r.ok && (r.value as { buckets: { name: string }[] }).buckets.some((b) => b.name === 'haneul-demo-site')),
    ).toBe(true)
    expect(prompts.length).toBe(1)
    expect(prompts[0]).toMatchObject({ profileId: 'aws:mfa-admin', profileName: 'mfa-admin', serial: SANDBOX_MFA_SERIAL })
    expect((sandbox.sts.calls.AssumeRole ?? 0) - before).toBe(1)
    // The role's session is reused afterwards: no new prompt, no new AssumeRole.
    await harness.services.router.handle('s3.listObjects', { profileId: 'aws:mfa-admin', bucket: 'haneul-demo-site' }, context())
    expect(prompts.length).toBe(1)
    expect((sandbox.sts.calls.AssumeRole ?? 0) - before).toBe(1)
  })

  it('a window that opens while a prompt waits can fetch it (pendingMfa) and answer it', async () => {
    harness.services.forgetCredentials('aws:mfa-admin')
    answer = () => {}
    const listing = harness.services.router.handle('s3.listBuckets', { profileId: 'aws:mfa-admin' }, context())
    let pending: { prompts: Array<{ promptId: string; profileId: string }> } = { prompts: [] }
    for (let i = 0; i < 100 && pending.prompts.length === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10))
      const result = await harness.services.router.handle('profiles.pendingMfa', {}, context())
      if (result.ok) pending = result.value as typeof pending
    }
    expect(pending.prompts).toEqual([expect.objectContaining({ profileId: 'aws:mfa-admin' })])
    await harness.services.router.handle(
      'profiles.submitMfa',
      { promptId: pending.prompts[0]!.promptId, code: SANDBOX_MFA_CODE },
      context(),
    )
    expect((await listing).ok).toBe(true)
    const after = await harness.services.router.handle('profiles.pendingMfa', {}, context())
    expect(after).toEqual({ ok: true, value: { prompts: [] } })
  })

  it('a wrong code fails with AWS’s reason, and cancelling says cancelled', async () => {
    harness.services.forgetCredentials('aws:mfa-admin')
    answer = (event) => void harness.services.router.handle('profiles.submitMfa', { promptId: event.promptId, code: '000000' }, context())
    const wrong = await harness.services.router.handle('s3.listBuckets', { profileId: 'aws:mfa-admin' }, context())
    expect(wrong).toMatchObject({
      ok: false,
      error: { code: 'access-denied', message: expect.stringMatching(/invalid MFA one time pass code/) },
    })
    answer = (event) => void harness.services.router.handle('profiles.cancelMfa', { promptId: event.promptId }, context())
    const cancelled = await harness.services.router.handle('s3.listBuckets', { profileId: 'aws:mfa-admin' }, context())
    expect(cancelled).toMatchObject({ ok: false, error: { code: 'cancelled' } })
  })
})
