/**
 * A watch belongs to the profile it was started for: switching the active profile in the window
 * neither stops it nor points it at the new one. Run against the app's real services, the sandbox's
 * emulated STS answering each poll.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { AppEvent } from '../../../src-main/api/events'
import { Watchers } from '../../../src-main/jobs/watchers'
import { startHarness, type Harness } from '../../helpers/app-harness'

let harness: Harness
beforeAll(async () => {
  harness = await startHarness()
  writeFileSync(
    join(harness.homeDir, '.aws', 'credentials'),
    '[other]\naws_access_key_id = AKIAOTHEREXAMPLE0001\naws_secret_access_key = x\n',
  )
  await harness.services.profiles.reload()
})
afterAll(() => harness?.close())

it('keeps polling the sandbox profile while the user switches to another profile, and ends there', async () => {
  const { profiles, clients } = harness.services
  const events: AppEvent[] = []
  const watchers = new Watchers({ emit: (event) => void events.push(event), initialDelayMs: 5, maxDelayMs: 20 })
  const callers: string[] = []
  let polls = 0
  const watchId = watchers.start({
    kind: 'route53.change',
    profileId: 'sandbox',
    subject: 'C2EXAMPLE',
    async check(signal) {
      polls++
      if (polls === 2) await profiles.setActive('aws:other')
      const sts = await clients.client('sandbox', 'sts')
      const { Arn } = await sts.send(new GetCallerIdentityCommand({}), { abortSignal: signal })
      callers.push(Arn ?? '')
      return polls < 4 ? { status: 'PENDING', done: false } : { status: 'INSYNC', done: true }
    },
  })
  while (watchers.list().find((w) => w.watchId === watchId)?.state === 'watching') await new Promise((resolve) => setTimeout(resolve, 5))
  expect(profiles.list().activeId).toBe('aws:other')
  expect(watchers.list()[0]).toMatchObject({ state: 'done', status: 'INSYNC', checks: 4, profileId: 'sandbox' })
  expect(callers).toEqual(Array(4).fill('arn:aws:iam::123456789012:user/sandbox'))
  expect(events.filter((e) => e.type === 'watch.changed').map((e) => e.type === 'watch.changed' && e.watch.status)).toEqual([
    'submitted',
    'PENDING',
    'INSYNC',
  ])
  watchers.close()
})
