/**
 * The Route 53 sandbox's state survives a restart: seeded once, changes kept, nothing re-seeded over
 * them; a state file that cannot be read is an error naming it, and the file is left as it was.
 */
import { ChangeResourceRecordSetsCommand, ListResourceRecordSetsCommand } from '@aws-sdk/client-route-53'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { CredentialRegistry } from '../../../../src-main/sandbox/credentials'
import { createRoute53Emulator } from '../../../../src-main/sandbox/route53/index'
import { DEMO_ZONE_ID } from '../../../../src-main/sandbox/route53/seed'
import { startRoute53 } from './harness'

const dir = mkdtempSync(join(tmpdir(), 'haneul-route53-state-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('Route 53 sandbox state file', () => {
  it('keeps changes across a restart and seeds only a fresh state', async () => {
    const stateFile = join(dir, 'route53.json')
    const seeded = createRoute53Emulator({ credentials: new CredentialRegistry(), stateFile, seed: true })
    expect(seeded.state.zones.size).toBe(3)
    await seeded.close()

    const a = await startRoute53({ seed: false, stateFile })
    const mx2 = [...a.emulator.state.zones.get(DEMO_ZONE_ID)!.records.values()].find((s) => s.Name === 'mx2.haneul-demo.example.')!
    await a.client.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: DEMO_ZONE_ID,
        ChangeBatch: {
          Changes: [
            {
              Action: 'CREATE',
              ResourceRecordSet: { Name: 'kept.haneul-demo.example.', Type: 'A', TTL: 60, ResourceRecords: [{ Value: '192.0.2.77' }] },
            },
            { Action: 'DELETE', ResourceRecordSet: mx2 },
          ],
        },
      }),
    )
    await a.emulator.close()
    await a.close()

    const b = createRoute53Emulator({ credentials: new CredentialRegistry(), stateFile, seed: true })
    const records = [...b.state.zones.get(DEMO_ZONE_ID)!.records.values()]
    expect(records.find((s) => s.Name === 'kept.haneul-demo.example.')?.ResourceRecords).toEqual([{ Value: '192.0.2.77' }])
    expect(records.find((s) => s.Name === 'mx2.haneul-demo.example.')).toBeUndefined()
    expect(b.state.zones.size).toBe(3)
    await b.close()
  })

  it('lists the reloaded zone in order through the SDK', async () => {
    const h = await startRoute53({ seed: false, stateFile: join(dir, 'route53.json') })
    const page = await h.client.send(
      new ListResourceRecordSetsCommand({ HostedZoneId: DEMO_ZONE_ID, StartRecordName: 'kept.haneul-demo.example.', MaxItems: 1 }),
    )
    expect(page.ResourceRecordSets?.[0]?.Name).toBe('kept.haneul-demo.example.')
    await h.close()
  })

  it('refuses a damaged state file, naming it, and leaves it alone', () => {
    const broken = join(dir, 'broken.json')
    writeFileSync(broken, '{"version":1,"zones":[')
    expect(() => createRoute53Emulator({ credentials: new CredentialRegistry(), stateFile: broken, seed: true })).toThrow(
      new RegExp(`${broken.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not valid JSON`),
    )
    expect(readFileSync(broken, 'utf8')).toBe('{"version":1,"zones":[')
  })
})
