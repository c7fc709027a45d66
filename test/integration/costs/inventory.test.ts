/**
 * The exact scan from the seeded S3 Inventory report of the demo site bucket (a CSV report in the log
 * bucket, laid out as S3 writes it), through the router against the sandbox: it says which report and
 * of when, its figures equal the listing's, a versioned scan or a bucket without an inventory lists
 * instead and says why, and `method: 'inventory'` without a usable report is refused with the reason; a
 * damaged data file is named, with what to do.
 */
import { DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3'
import { gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ScanResult } from '../../../src-main/api/costs'
import { INVENTORY_PREFIX, LOG_BUCKET, SITE_BUCKET, SITE_INVENTORY_ID } from '../../../src-main/sandbox/seed'
import { PROFILE, startCostsWorld, type CostsWorld } from '../../helpers/costs-world'

let world: CostsWorld

beforeAll(async () => {
  world = await startCostsWorld()
}, 120_000)
afterAll(async () => {
  await world?.close()
})

describe('scan from S3 Inventory', () => {
  it('reads the latest report instead of listing, says which and of when, and finds what the listing finds', async () => {
    const app = world.open()
    const fromInventory = await app.ok<ScanResult>('scanPrefix', { profileId: PROFILE, bucket: SITE_BUCKET })
    expect(fromInventory.from).toMatchObject({
      kind: 'inventory',
      configurationId: SITE_INVENTORY_ID,
      destinationBucket: LOG_BUCKET,
    })
    if (fromInventory.from?.kind !== 'inventory') throw new Error('not from the inventory')
    expect(fromInventory.from.manifestKey).toMatch(
      new RegExp(`^${INVENTORY_PREFIX}/${SITE_BUCKET}/${SITE_INVENTORY_ID}/\\d{4}-\\d{2}-\\d{2}T01-00Z/manifest.json$`),
    )
    expect(fromInventory.from.reportMs % 86_400_000).toBe(3_600_000)
    expect(fromInventory.from.reportMs).toBeLessThanOrEqual(world.nowMs())

    const listed = await app.ok<ScanResult>('scanPrefix', { profileId: PROFILE, bucket: SITE_BUCKET, method: 'listing' })
    expect(listed.from).toEqual({ kind: 'listing' })
    expect(fromInventory.summary.totals).toEqual(listed.summary.totals)
    expect(fromInventory.summary.classes).toEqual(listed.summary.classes)
    expect(fromInventory.summary.tree).toEqual(listed.summary.tree)
    expect(fromInventory.summary.largest.map((o) => o.size)).toEqual(listed.summary.largest.map((o) => o.size))
    // Korean NFC and NFD twins, '+', '%' and double spaces survive the report's URL-encoding: the same keys under their prefixes.
    for (const prefix of ['문서/', 'downloads/', 'images/']) {
      const [inventory, listing] = await Promise.all(
        (['auto', 'listing'] as const).map((method) =>
          app.ok<ScanResult>('scanPrefix', { profileId: PROFILE, bucket: SITE_BUCKET, prefix, method }),
        ),
      )
      expect(inventory!.from?.kind).toBe('inventory')
      expect(new Set(inventory!.summary.largest.map((o) => o.key))).toEqual(new Set(listing!.summary.largest.map((o) => o.key)))
      expect(inventory!.summary.totals.objects).toBeGreaterThanOrEqual(1)
    }

    // A prefix under the report's coverage is read from it too, and what-if works on its objects.
    const media = await app.ok<ScanResult>('scanPrefix', { profileId: PROFILE, bucket: SITE_BUCKET, prefix: 'media/' })
    expect(media.from?.kind).toBe('inventory')
    expect(media.summary.totals.objects).toBe(90)
    const whatIf = await app.ok<{ result: { matched: { objects: number } } }>('whatIf', {
      scanId: media.scanId,
      rule: { olderThanDays: 30, target: 'GLACIER_IR' },
    })
    expect(whatIf.result.matched.objects).toBe(90)
  })

  it('lists instead, and says why, when no report can answer', async () => {
    const app = world.open()
    const versions = await app.ok<ScanResult>('scanPrefix', { profileId: PROFILE, bucket: SITE_BUCKET, versions: true })
    expect(versions.from).toEqual({ kind: 'listing', inventoryNote: `inventory ${SITE_INVENTORY_ID} lists current versions only` })
    const logs = await app.ok<ScanResult>('scanPrefix', { profileId: PROFILE, bucket: LOG_BUCKET, prefix: 'cloudfront/' })
    expect(logs.from).toEqual({ kind: 'listing', inventoryNote: 'the bucket has no inventory configuration' })
    const refused = await app.call('scanPrefix', { profileId: PROFILE, bucket: LOG_BUCKET, method: 'inventory' })
    expect(refused).toEqual({
      ok: false,
      error: expect.objectContaining({
        code: 'not-found',
        message: 'No inventory report can be used: the bucket has no inventory configuration.',
      }),
    })
  })

  it('a damaged CSV file is named, with what to do, and the listing still answers', async () => {
    const base = `${INVENTORY_PREFIX}/${SITE_BUCKET}/${SITE_INVENTORY_ID}`
    const later = new Date(world.nowMs() + 86_400_000).toISOString().slice(0, 16).replace(':', '-') + 'Z'
    const app = world.open()
    // Not gzip at all; then gzip of a record whose quote never closes.
    for (const [n, body] of [Buffer.from('plain text, not gzip'), gzipSync('"haneul-demo-site","a.txt","12\n')].entries()) {
      const dataKey = `${base}/data/damaged-${n}.csv.gz`
      const manifestKey = `${base}/${later}/manifest.json`
      const manifest = JSON.stringify({
        sourceBucket: SITE_BUCKET,
        destinationBucket: `arn:aws:s3:::${LOG_BUCKET}`,
        version: '2016-11-30',
        creationTimestamp: String(world.nowMs()),
        fileFormat: 'CSV',
        fileSchema: 'Bucket, Key, Size, LastModifiedDate, ETag, StorageClass',
        files: [{ key: dataKey, size: body.length, MD5checksum: '0' }],
      })
      await world.raw.send(new PutObjectCommand({ Bucket: LOG_BUCKET, Key: dataKey, Body: body }))
      await world.raw.send(new PutObjectCommand({ Bucket: LOG_BUCKET, Key: manifestKey, Body: manifest }))
      try {
        const refused = await app.call('scanPrefix', { profileId: PROFILE, bucket: SITE_BUCKET })
        expect(refused).toEqual({
          ok: false,
          error: expect.objectContaining({
            code: 'unsupported',
            message: expect.stringMatching(
              new RegExp(
                `^The inventory report ${manifestKey} could not be read: ${dataKey} is not a valid gzipped CSV file \\(.+\\)\\. ` +
                  'Scan with "List every object" instead, or wait for the next report\\.$',
              ),
            ),
          }),
        })
        const listed = await app.ok<ScanResult>('scanPrefix', { profileId: PROFILE, bucket: SITE_BUCKET, method: 'listing' })
        expect(listed.summary.totals.objects).toBeGreaterThan(0)
      } finally {
        for (const Key of [manifestKey, dataKey]) await world.raw.send(new DeleteObjectCommand({ Bucket: LOG_BUCKET, Key }))
      }
    }
  })
})
