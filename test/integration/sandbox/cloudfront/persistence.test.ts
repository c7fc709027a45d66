/**
 * With a state file the emulated CloudFront keeps its state across restarts, as CloudFront does: an
 * invalidation made before a restart is listed after it and completes on the clock; an update's ETag
 * and a monitoring subscription stay. A damaged file is an error naming it, not a fresh seed.
 */
import {
  CloudFrontClient,
  CreateInvalidationCommand,
  CreateMonitoringSubscriptionCommand,
  GetDistributionConfigCommand,
  GetInvalidationCommand,
  GetMonitoringSubscriptionCommand,
} from '@aws-sdk/client-cloudfront'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { CredentialRegistry, SANDBOX_ACCESS_KEY_ID, SANDBOX_SECRET_ACCESS_KEY } from '../../../../src-main/sandbox/credentials'
import { createCloudFrontEmulator, STAGING_DISTRIBUTION_ID } from '../../../../src-main/sandbox/cloudfront/index'
import { serve, type Served } from '../../../helpers/serve'

let now = Date.parse('2026-12-01T12:00:00Z')
const credentials = new CredentialRegistry(() => now)
const servers: Served[] = []
afterAll(() => Promise.all(servers.map((s) => s.close())))

async function start(stateFile: string) {
  const emulator = createCloudFrontEmulator({ credentials, nowMs: () => now, invalidationDelayMs: 30_000, stateFile })
  const served = await serve(emulator.handle)
  servers.push(served)
  const client = new CloudFrontClient({
    endpoint: served.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: SANDBOX_ACCESS_KEY_ID, secretAccessKey: SANDBOX_SECRET_ACCESS_KEY },
  })
  return { emulator, client }
}

describe('CloudFront emulator state file', () => {
  it('keeps invalidations, ETags and subscriptions across a restart; in-progress ones complete on the clock', async () => {
    const stateFile = join(mkdtempSync(join(tmpdir(), 'haneul-cf-state-')), 'state.json')
    const first = await start(stateFile)
    const made = await first.client.send(
      new CreateInvalidationCommand({
        DistributionId: STAGING_DISTRIBUTION_ID,
        InvalidationBatch: { CallerReference: 'before-restart', Paths: { Quantity: 1, Items: ['/index.html'] } },
      }),
    )
    await first.client.send(
      new CreateMonitoringSubscriptionCommand({
        DistributionId: STAGING_DISTRIBUTION_ID,
        MonitoringSubscription: { RealtimeMetricsSubscriptionConfig: { RealtimeMetricsSubscriptionStatus: 'Enabled' } },
      }),
    )
    const etag = (await first.client.send(new GetDistributionConfigCommand({ Id: STAGING_DISTRIBUTION_ID }))).ETag
    await first.emulator.close()

    const second = await start(stateFile)
    const get = () => second.client.send(new GetInvalidationCommand({ DistributionId: STAGING_DISTRIBUTION_ID, Id: made.Invalidation!.Id }))
    expect((await get()).Invalidation?.Status).toBe('InProgress')
    now += 30_000
    expect((await get()).Invalidation).toMatchObject({ Status: 'Completed', InvalidationBatch: { CallerReference: 'before-restart' } })
    expect((await second.client.send(new GetDistributionConfigCommand({ Id: STAGING_DISTRIBUTION_ID }))).ETag).toBe(etag)
    const subscription = await second.client.send(new GetMonitoringSubscriptionCommand({ DistributionId: STAGING_DISTRIBUTION_ID }))
    expect(subscription.MonitoringSubscription?.RealtimeMetricsSubscriptionConfig?.RealtimeMetricsSubscriptionStatus).toBe('Enabled')
  })

  it('refuses a damaged state file, naming it, instead of seeding over it', () => {
    const stateFile = join(mkdtempSync(join(tmpdir(), 'haneul-cf-state-')), 'state.json')
    writeFileSync(stateFile, '{"version":1,"distributions":[')
    expect(() => createCloudFrontEmulator({ credentials, nowMs: () => now, stateFile })).toThrow(
      new RegExp(`The CloudFront sandbox state ${stateFile.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not valid JSON`),
    )
  })
})
