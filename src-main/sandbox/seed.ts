/**
 * Seeds a fresh sandbox with the demo story: the `haneul-demo.example` site bucket and its CloudFront
 * log bucket. Deterministic (a fixed pseudo-random sequence), so screenshots and tests see the same data.
 * Runs only when the store has no buckets, so a user's changes to the sandbox survive restarts.
 */
import { createHash, randomUUID } from 'node:crypto'
import { readdir, readFile } from 'node:fs/promises'
import { join, relative, sep } from 'node:path'
import { gzipSync } from 'node:zlib'
import { contentTypeFor } from '../core/content-types'
import { logFilesFor } from './cloudfront/log-files'
import { seededRandom, TrafficModel } from './cloudfront/traffic'
import { SANDBOX_ACCOUNT_ID } from './credentials'
import type { S3Store } from './s3/index'
import { parseOrdered } from './s3/xml'

export const SITE_BUCKET = 'haneul-demo-site'
export const LOG_BUCKET = 'haneul-demo-logs'
export const DEMO_DISTRIBUTION_ID = 'E2HANEULDEMO01'
/**
 * A distribution's `dxxxxxxxxxxxxx.cloudfront.net` name: `d` + 13 characters from its id (sha256, base 36),
 * the derivation the Route 53 seed uses for the apex alias, so the zone points at this distribution.
 */
export function distributionDomain(distributionId: string): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789'
  const digest = createHash('sha256').update(distributionId).digest()
  return `d${Array.from(digest.subarray(0, 13), (b) => alphabet[b % 36]).join('')}.cloudfront.net`
}
export const DEMO_DISTRIBUTION_DOMAIN = distributionDomain(DEMO_DISTRIBUTION_ID)
export const DEMO_ALIASES = ['haneul-demo.example', 'www.haneul-demo.example']
/** Where the demo distribution's standard logs go, in LOG_BUCKET. */
export const DEMO_LOG_PREFIX = 'cloudfront/'

/** The site bucket's policy: only the demo distribution, through its origin access control, reads objects (AWS's OAC example). */
export function demoSitePolicy(): string {
  return JSON.stringify(
    {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'AllowCloudFrontServicePrincipalReadOnly',
          Effect: 'Allow',
          Principal: { Service: 'cloudfront.amazonaws.com' },
          Action: 's3:GetObject',
          Resource: `arn:aws:s3:::${SITE_BUCKET}/*`,
          Condition: {
            StringEquals: { 'AWS:SourceArn': `arn:aws:cloudfront::${SANDBOX_ACCOUNT_ID}:distribution/${DEMO_DISTRIBUTION_ID}` },
          },
        },
      ],
    },
    null,
    2,
  )
}
export const DEMO_TRAFFIC_DAYS = 30

/** The demo distribution's traffic: the 30 days before `seededAtMs` (the hour it was seeded in). */
export function demoTrafficModel(seededAtMs: number): TrafficModel {
  return new TrafficModel({
    distributionId: DEMO_DISTRIBUTION_ID,
    domainName: DEMO_DISTRIBUTION_DOMAIN,
    // The apex is asked for most; a few requests use the cloudfront.net name.
    hostHeaders: [...DEMO_ALIASES, DEMO_ALIASES[0]!, DEMO_DISTRIBUTION_DOMAIN],
    endMs: seededAtMs,
    days: DEMO_TRAFFIC_DAYS,
  })
}

/**
 * The traffic model of an already seeded sandbox: its window ends at the hour the log bucket was made,
 * so metrics served after a restart still agree with the log files written at seeding.
 */
export function seededTrafficModel(store: S3Store): TrafficModel | undefined {
  const createdMs = store.bucket(LOG_BUCKET)?.record.createdMs
  return createdMs === undefined ? undefined : demoTrafficModel(createdMs)
}

const typeOf = (key: string) => contentTypeFor(key) ?? 'application/octet-stream'

async function walk(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true })
  const files = await Promise.all(
    entries.map((entry) => (entry.isDirectory() ? walk(join(folder, entry.name)) : Promise.resolve([join(folder, entry.name)]))),
  )
  return files.flat()
}

export async function seedSandbox(store: S3Store, assetsDir: string, nowMs: () => number = Date.now): Promise<boolean> {
  if (store.bucketNames().length > 0) return false
  const now = nowMs()
  const day = 24 * 3600 * 1000
  const rand = seededRandom(20261201)
  store.createBucket(SITE_BUCKET, 'us-east-1')
  store.createBucket(LOG_BUCKET, 'us-east-1')
  store.updateBucket(store.requireBucket(SITE_BUCKET), { policy: demoSitePolicy() })

  // Hand-written site files. Keys are NFC whatever the checkout's file system did to the names.
  const siteDir = join(assetsDir, 'site')
  for (const file of await walk(siteDir)) {
    const key = relative(siteDir, file).split(sep).join('/').normalize('NFC')
    await store.putObject(SITE_BUCKET, key, await readFile(file), {
      contentType: typeOf(key),
      cacheControl: key.endsWith('.html') ? 'max-age=300' : 'max-age=86400',
      lastModified: new Date(now - 2 * day),
    })
  }

  // Blog: 12 months × 8 posts under nested prefixes.
  const topics = ['caching', 'dns', 'pipelines', 'storage-classes', 'invalidations', 'multipart', 'logs', 'costs']
  for (let month = 1; month <= 12; month++) {
    const mm = String(month).padStart(2, '0')
    for (const [index, topic] of topics.entries()) {
      const key = `blog/2026/${mm}/${topic}-${index + 1}/index.html`
      const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${topic} (${mm}/2026)</title><link rel="stylesheet" href="/css/site.css"></head><body><main><h1>${topic}</h1><p>${'Notes on running a static site. '.repeat(20 + Math.floor(rand() * 80))}</p></main></body></html>`
      await store.putObject(SITE_BUCKET, key, html, { contentType: typeOf(key), lastModified: new Date(now - (13 - month) * 28 * day) })
    }
  }

  // Gallery: generated SVGs, with their "original" masters kept in STANDARD_IA.
  for (let n = 1; n <= 90; n++) {
    const hue = Math.floor(rand() * 360)
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 320 200"><rect width="320" height="200" fill="hsl(${hue} 70% 55%)"/><circle cx="${40 + Math.floor(rand() * 240)}" cy="${40 + Math.floor(rand() * 120)}" r="${10 + Math.floor(rand() * 40)}" fill="white" opacity="0.8"/></svg>`
    const name = `photo-${String(n).padStart(3, '0')}.svg`
    await store.putObject(SITE_BUCKET, `gallery/${name}`, svg, { contentType: 'image/svg+xml', lastModified: new Date(now - n * day) })
    await store.putObject(SITE_BUCKET, `media/originals/${name}`, svg.repeat(40), {
      contentType: 'image/svg+xml',
      storageClass: 'STANDARD_IA',
      lastModified: new Date(now - (60 + n) * day),
    })
  }

  // Old releases: archived in Glacier classes, one in the legacy Reduced Redundancy class.
  for (let n = 1; n <= 24; n++) {
    const version = `v1.${n}.0`
    const body = Buffer.alloc(16 * 1024 + n * 512, `release ${version}\n`)
    await store.putObject(SITE_BUCKET, `archive/releases/site-${version}.zip`, body, {
      contentType: 'application/zip',
      storageClass: n <= 12 ? 'DEEP_ARCHIVE' : n <= 20 ? 'GLACIER' : 'GLACIER_IR',
      lastModified: new Date(now - (400 - n * 10) * day),
    })
  }
  await store.putObject(SITE_BUCKET, 'archive/legacy/thumbnails.tar', Buffer.alloc(48 * 1024, 'thumbs'), {
    storageClass: 'REDUCED_REDUNDANCY',
    lastModified: new Date(now - 900 * day),
  })

  // Keys that trip up other tools: Korean in both normal forms, emoji, '+', '%', spaces.
  const hangul = '한글 문서'
  const odd: Array<[string, string]> = [
    [`문서/${hangul.normalize('NFC')}.txt`, 'NFC form of the name'],
    [`문서/${hangul.normalize('NFD')}.txt`, 'NFD form of the name: a different S3 key that looks the same'],
    ['images/🎉 launch.svg', '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><text y="8">🎉</text></svg>'],
    ['downloads/report+final (1).txt', 'plus and parentheses'],
    ['downloads/100% done.txt', 'percent sign'],
    ['downloads/spaces  twice.txt', 'two spaces'],
  ]
  for (const [key, body] of odd)
    await store.putObject(SITE_BUCKET, key, body, { contentType: typeOf(key), lastModified: new Date(now - 3 * day) })

  await seedInventoryReport(store, now)

  // CloudFront standard logs: 30 days of the demo distribution's traffic, from the model the
  // sandbox's CloudWatch metrics come from too.
  // Written a few at a time: each is its own blob file, and the start-up time is mostly these opens.
  const files = logFilesFor(demoTrafficModel(now), DEMO_LOG_PREFIX)
  for (let at = 0; at < files.length; at += 8) {
    await Promise.all(
      files
        .slice(at, at + 8)
        .map((file) =>
          store.putObject(LOG_BUCKET, file.key, file.body, { contentType: 'application/gzip', lastModified: new Date(file.deliveredMs) }),
        ),
    )
  }
  return true
}

/** The site bucket's daily S3 Inventory (CSV, into the log bucket) and its report of today 01:00 UTC. */
export const SITE_INVENTORY_ID = 'site-daily'
export const INVENTORY_PREFIX = 'inventory'
/** Inventory CSV keys are URL-encoded as HTML forms are (a space is `+`), as costs/inventory.ts decodes them. */
const encodeInventoryKey = (key: string): string => encodeURIComponent(key).replace(/%20/g, '+')
const INVENTORY_SCHEMA = ['Bucket', 'Key', 'Size', 'LastModifiedDate', 'ETag', 'StorageClass', 'IntelligentTieringAccessTier']

/**
 * The configuration as PutBucketInventoryConfiguration stores it, and the report S3 would have written:
 * `inventory/haneul-demo-site/site-daily/<date>T01-00Z/manifest.json` (+ manifest.checksum) naming one
 * gzipped CSV data file of every current object, laid out as the S3 User Guide's "Inventory manifest".
 */
async function seedInventoryReport(store: S3Store, now: number): Promise<void> {
  const state = store.requireBucket(SITE_BUCKET)
  const configuration = `<InventoryConfiguration><Destination><S3BucketDestination><Bucket>arn:aws:s3:::${LOG_BUCKET}</Bucket><Format>CSV</Format><Prefix>${INVENTORY_PREFIX}</Prefix></S3BucketDestination></Destination><IsEnabled>true</IsEnabled><Id>${SITE_INVENTORY_ID}</Id><IncludedObjectVersions>Current</IncludedObjectVersions><OptionalFields>${INVENTORY_SCHEMA.slice(
    2,
  )
    .map((field) => `<Field>${field}</Field>`)
    .join('')}</OptionalFields><Schedule><Frequency>Daily</Frequency></Schedule></InventoryConfiguration>`
  store.updateBucket(state, {
    inventoryConfigurations: { [SITE_INVENTORY_ID]: parseOrdered(Buffer.from(configuration), 'InventoryConfiguration') },
  })

  // Today's report at 01:00 UTC (yesterday's before then), of the objects older than it.
  const dayMs = 86_400_000
  let reportMs = Math.floor(now / dayMs) * dayMs + 3_600_000
  if (reportMs > now) reportMs -= dayMs
  const quote = (value: string) => `"${value.replace(/"/g, '""')}"`
  const rows: string[] = []
  for (const [key, versions] of state.objects) {
    const current = versions[0]
    if (!current || current.deleteMarker || current.lastModifiedMs > reportMs) continue
    rows.push(
      [
        SITE_BUCKET,
        encodeInventoryKey(key),
        String(current.size),
        new Date(current.lastModifiedMs).toISOString(),
        current.etag,
        current.storageClass,
        '',
      ]
        .map(quote)
        .join(','),
    )
  }
  const base = `${INVENTORY_PREFIX}/${SITE_BUCKET}/${SITE_INVENTORY_ID}`
  const data = gzipSync(rows.join('\n') + '\n')
  const dataKey = `${base}/data/${randomUUID()}.csv.gz`
  const written = { lastModified: new Date(reportMs + 20 * 60_000) }
  await store.putObject(LOG_BUCKET, dataKey, data, { contentType: 'application/gzip', ...written })
  const folder = new Date(reportMs).toISOString().slice(0, 16).replace(':', '-') + 'Z'
  const manifest = JSON.stringify({
    sourceBucket: SITE_BUCKET,
    destinationBucket: `arn:aws:s3:::${LOG_BUCKET}`,
    version: '2016-11-30',
    creationTimestamp: String(reportMs),
    fileFormat: 'CSV',
    fileSchema: INVENTORY_SCHEMA.join(', '),
    files: [{ key: dataKey, size: data.length, MD5checksum: createHash('md5').update(data).digest('hex') }],
  })
  await store.putObject(LOG_BUCKET, `${base}/${folder}/manifest.json`, manifest, { contentType: 'application/json', ...written })
  await store.putObject(LOG_BUCKET, `${base}/${folder}/manifest.checksum`, createHash('md5').update(manifest).digest('hex'), written)
}
