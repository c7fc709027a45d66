/**
 * The exact scan from the seeded S3 Inventory report of the demo site bucket (a CSV report in the log
 * bucket, laid out as S3 writes it), through the router against the sandbox: it says which report and
 * of when, its figures equal the listing's, a versioned scan or a bucket without an inventory lists
 * instead and says why, and `method: 'inventory'` without a usable report is refused with the reason; a
 * damaged data file is named, with what to do. A report read the network cut (between its files, or
 * inside one) is partial and resumes to the figures of an uninterrupted read.
 */
import { createHash } from 'node:crypto'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { gzipSync } from 'node:zlib'
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  PutBucketInventoryConfigurationCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ScanResult } from '../../../src-main/api/costs'
import type { CostsClientSource } from '../../../src-main/costs/handlers'
import { encodeInventoryKey } from '../../../src-main/costs/inventory'
import { SANDBOX_ACCESS_KEY_ID, SANDBOX_SECRET_ACCESS_KEY } from '../../../src-main/sandbox/credentials'
import { INVENTORY_PREFIX, LOG_BUCKET, SITE_BUCKET, SITE_INVENTORY_ID } from '../../../src-main/sandbox/seed'
import { DAY_MS, PROFILE, startCostsWorld, type CostsWorld } from '../../helpers/costs-world'
import { FaultProxy } from '../../helpers/fault-proxy'

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

describe('an inventory read the network cut', () => {
  const SOURCE = 'haneul-costs-inv-source'
  const DESTINATION = 'haneul-costs-inv-dest'
  const ID = 'nightly'
  const base = `reports/${SOURCE}/${ID}`
  const fileA = `${base}/data/a.csv.gz`
  const fileB = `${base}/data/b.csv.gz`
  const CLASSES = ['STANDARD', 'STANDARD_IA', 'GLACIER', 'INTELLIGENT_TIERING']
  /** Rows of a CSV report (the seed's schema); keys carry a hash so the file compresses little and arrives in many chunks. */
  const rows = (from: number, count: number) =>
    Array.from({ length: count }, (_, n) => {
      const i = from + n
      const key = `${['a', 'b', '문서'][i % 3]}/${createHash('sha256').update(String(i)).digest('hex').slice(0, 40)} ${i}.bin`
      const modified = new Date(world.nowMs() - ((i % 400) + 1) * DAY_MS).toISOString()
      return [SOURCE, encodeInventoryKey(key), String(1000 + ((i * 7919) % 500_000)), modified, 'etag', CLASSES[i % 4]!, '']
        .map((field) => `"${field}"`)
        .join(',')
    }).join('\n') + '\n'

  beforeAll(async () => {
    for (const Bucket of [SOURCE, DESTINATION]) await world.raw.send(new CreateBucketCommand({ Bucket }))
    await world.raw.send(
      new PutBucketInventoryConfigurationCommand({
        Bucket: SOURCE,
        Id: ID,
        InventoryConfiguration: {
          Id: ID,
          IsEnabled: true,
          IncludedObjectVersions: 'Current',
          Destination: { S3BucketDestination: { Bucket: `arn:aws:s3:::${DESTINATION}`, Format: 'CSV', Prefix: 'reports' } },
          Schedule: { Frequency: 'Daily' },
          OptionalFields: ['Size', 'LastModifiedDate', 'ETag', 'StorageClass', 'IntelligentTieringAccessTier'],
        },
      }),
    )
    const a = gzipSync(rows(0, 8_000))
    const b = gzipSync(rows(8_000, 700))
    await world.raw.send(new PutObjectCommand({ Bucket: DESTINATION, Key: fileA, Body: a }))
    await world.raw.send(new PutObjectCommand({ Bucket: DESTINATION, Key: fileB, Body: b }))
    const folder = new Date(world.nowMs() - DAY_MS).toISOString().slice(0, 11) + '01-00Z'
    const manifest = {
      sourceBucket: SOURCE,
      destinationBucket: `arn:aws:s3:::${DESTINATION}`,
      version: '2016-11-30',
      creationTimestamp: String(world.nowMs() - DAY_MS),
      fileFormat: 'CSV',
      fileSchema: 'Bucket, Key, Size, LastModifiedDate, ETag, StorageClass, IntelligentTieringAccessTier',
      files: [
        { key: fileA, size: a.length, MD5checksum: createHash('md5').update(a).digest('hex') },
        { key: fileB, size: b.length, MD5checksum: createHash('md5').update(b).digest('hex') },
      ],
    }
    await world.raw.send(
      new PutObjectCommand({ Bucket: DESTINATION, Key: `${base}/${folder}/manifest.json`, Body: JSON.stringify(manifest) }),
    )
  })

  /** A costs module whose S3 requests go through `proxy`. */
  const through = (proxy: FaultProxy) => {
    const proxied = new S3Client({
      endpoint: proxy.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      maxAttempts: 2,
      credentials: { accessKeyId: SANDBOX_ACCESS_KEY_ID, secretAccessKey: SANDBOX_SECRET_ACCESS_KEY },
    })
    const real = world.harness.services.clients
    const clients = {
      client: (profileId: string, service: 's3' | 'cloudwatch', region?: string) =>
        service === 's3' ? Promise.resolve(proxied) : real.client(profileId, service, region),
    } as CostsClientSource
    return { app: world.open({ clients }), proxied }
  }
  const getOf = (req: { method?: string; url?: string }, key: string) =>
    req.method === 'GET' && (req.url ?? '').split('?')[0]!.endsWith(key)
  const sameFigures = (resumed: ScanResult, fresh: ScanResult) => {
    expect(resumed.stopped).toBeUndefined()
    expect(resumed.summary.partial).toBeUndefined()
    expect(resumed.from).toEqual(fresh.from)
    expect(resumed.summary.totals).toEqual(fresh.summary.totals)
    expect(resumed.summary.totals.objects).toBe(8_700)
    // Early-deletion charges depend on the moment each scan read the clock; the rest is the same.
    const classes = (r: ScanResult) =>
      r.summary.classes.map(({ withinMinimum: { earlyDeletionUsd: _usd, ...within }, ...rest }) => ({ ...rest, within }))
    expect(classes(resumed)).toEqual(classes(fresh))
    expect(resumed.summary.tree).toEqual(fresh.summary.tree)
    expect(resumed.summary.largest).toEqual(fresh.summary.largest)
  }

  it('stops between report files when the network goes, and resumes from the next file', async () => {
    // The second file's GET finds the network gone.
    let gets = 0
    const proxy: FaultProxy = await FaultProxy.start({
      targetPort: Number(new URL(world.sandbox.endpoints.s3!).port),
      eligible: (req) => {
        if (getOf(req, fileB) && ++gets === 1) void proxy.setOffline(true)
        return false
      },
    })
    const { app, proxied } = through(proxy)
    try {
      const partial = await app.ok<ScanResult>('scanPrefix', { profileId: PROFILE, bucket: SOURCE, method: 'inventory' })
      expect(partial.from).toMatchObject({ kind: 'inventory', configurationId: ID, destinationBucket: DESTINATION })
      expect(partial.stopped).toMatchObject({ phase: 'objects', resumable: true })
      expect(partial.summary.partial).toMatch(/stopped after 8000 objects/)
      expect(partial.summary.totals.objects).toBe(8_000)
      await proxy.setOffline(false)
      const resumed = await app.ok<ScanResult>('scanPrefix', { profileId: PROFILE, bucket: SOURCE, resumeScanId: partial.scanId })
      expect(resumed.scanId).toBe(partial.scanId)
      sameFigures(resumed, await world.open().ok<ScanResult>('scanPrefix', { profileId: PROFILE, bucket: SOURCE, method: 'inventory' }))
    } finally {
      proxied.destroy()
      await proxy.close()
    }
  })

  it('stops inside a report file when its connection breaks, and resumes without counting an object twice', async () => {
    // A proxy that sends the first GET of the first file only a third of its body, then closes the
    // connection after those bytes (FIN, not RST, so the client reads them all first): the objects in
    // that third are folded in when the read fails.
    let gets = 0
    const target = Number(new URL(world.sandbox.endpoints.s3!).port)
    const server = http.createServer((req, res) => {
      const upstream = http.request(
        { host: '127.0.0.1', port: target, method: req.method, path: req.url, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 500, answer.headers)
          if (!(getOf(req, fileA) && ++gets === 1)) return void answer.pipe(res)
          const chunks: Buffer[] = []
          answer.on('data', (chunk: Buffer) => chunks.push(chunk))
          answer.on('end', () => {
            const body = Buffer.concat(chunks)
            res.write(body.subarray(0, Math.floor(body.length / 3)), () => res.socket?.destroy())
          })
        },
      )
      req.pipe(upstream)
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const proxied = new S3Client({
      endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      region: 'us-east-1',
      forcePathStyle: true,
      maxAttempts: 2,
      credentials: { accessKeyId: SANDBOX_ACCESS_KEY_ID, secretAccessKey: SANDBOX_SECRET_ACCESS_KEY },
    })
    const real = world.harness.services.clients
    const app = world.open({
      clients: {
        client: (profileId: string, service: 's3' | 'cloudwatch', region?: string) =>
          service === 's3' ? Promise.resolve(proxied) : real.client(profileId, service, region),
      } as CostsClientSource,
    })
    try {
      const partial = await app.ok<ScanResult>('scanPrefix', { profileId: PROFILE, bucket: SOURCE, method: 'inventory' })
      expect(gets).toBe(1)
      expect(partial.stopped).toMatchObject({ phase: 'objects', resumable: true })
      expect(partial.summary.totals.objects).toBeGreaterThan(0)
      expect(partial.summary.totals.objects).toBeLessThan(8_000)
      const resumed = await app.ok<ScanResult>('scanPrefix', { profileId: PROFILE, bucket: SOURCE, resumeScanId: partial.scanId })
      expect(gets).toBe(2)
      sameFigures(resumed, await world.open().ok<ScanResult>('scanPrefix', { profileId: PROFILE, bucket: SOURCE, method: 'inventory' }))
    } finally {
      proxied.destroy()
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    }
  })
})
