/**
 * Seeds a fresh sandbox with the demo story: the `haneul-demo.example` site bucket and its CloudFront
 * log bucket. Deterministic (a fixed pseudo-random sequence), so screenshots and tests see the same data.
 * Runs only when the store has no buckets, so a user's changes to the sandbox survive restarts.
 */
import { readdir, readFile } from 'node:fs/promises'
import { join, relative, sep } from 'node:path'
import { gzipSync } from 'node:zlib'
import { contentTypeFor } from '../core/content-types'
import type { S3Store } from './s3/index'

export const SITE_BUCKET = 'haneul-demo-site'
export const LOG_BUCKET = 'haneul-demo-logs'
export const DEMO_DISTRIBUTION_ID = 'E2HANEULDEMO01'

const typeOf = (key: string) => contentTypeFor(key) ?? 'application/octet-stream'

/** A small seeded generator (mulberry32): the same sandbox on every machine. */
function random(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

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
  const rand = random(20261201)
  store.createBucket(SITE_BUCKET, 'us-east-1')
  store.createBucket(LOG_BUCKET, 'us-east-1')

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

  // CloudFront standard logs for the last 24 hours, one gzipped file per hour.
  const paths = [
    '/',
    '/index.html',
    '/css/site.css',
    '/images/logo.svg',
    '/blog/2026/11/caching-1/index.html',
    '/gallery/photo-001.svg',
    '/missing.html',
    '/docs/getting-started.html',
  ]
  const edges = ['ICN54-C1', 'NRT57-P2', 'SFO5-C3', 'FRA56-P1', 'IAD89-C2']
  const results = ['Hit', 'Hit', 'Hit', 'RefreshHit', 'Miss', 'Miss', 'Hit', 'Error']
  for (let hour = 24; hour >= 1; hour--) {
    const start = new Date(now - hour * 3600 * 1000)
    const stamp = start.toISOString()
    const lines = [
      '#Version: 1.0',
      '#Fields: date time x-edge-location sc-bytes c-ip cs-method cs(Host) cs-uri-stem sc-status cs(Referer) cs(User-Agent) cs-uri-query cs(Cookie) x-edge-result-type x-edge-request-id x-host-header cs-protocol cs-bytes time-taken x-forwarded-for ssl-protocol ssl-cipher x-edge-response-result-type cs-protocol-version fle-status fle-encrypted-fields c-port time-to-first-byte x-edge-detailed-result-type sc-content-type sc-content-len sc-range-start sc-range-end',
    ]
    const count = 40 + Math.floor(rand() * 60)
    for (let i = 0; i < count; i++) {
      const at = new Date(start.getTime() + Math.floor(rand() * 3600 * 1000)).toISOString()
      const path = paths[Math.floor(rand() * paths.length)]!
      const result = path === '/missing.html' ? 'Error' : results[Math.floor(rand() * results.length)]!
      const status = result === 'Error' ? 404 : 200
      const bytes = 300 + Math.floor(rand() * 20000)
      const taken = (result === 'Hit' ? 0.001 + rand() * 0.01 : 0.05 + rand() * 0.3).toFixed(3)
      lines.push(
        [
          at.slice(0, 10),
          at.slice(11, 19),
          edges[Math.floor(rand() * edges.length)],
          bytes,
          `203.0.113.${Math.floor(rand() * 254) + 1}`,
          'GET',
          'd1haneuldemo.cloudfront.net',
          path,
          status,
          '-',
          'Mozilla/5.0',
          '-',
          '-',
          result,
          `req${i}${hour}`,
          'haneul-demo.example',
          'https',
          180,
          taken,
          '-',
          'TLSv1.3',
          'TLS_AES_128_GCM_SHA256',
          result,
          'HTTP/2.0',
          '-',
          '-',
          443,
          taken,
          result,
          'text/html',
          bytes,
          '-',
          '-',
        ].join('\t'),
      )
    }
    const name = `cloudfront/${DEMO_DISTRIBUTION_ID}.${stamp.slice(0, 10)}-${stamp.slice(11, 13)}.${((hour * 2654435761) >>> 0).toString(16).padStart(8, '0')}.gz`
    await store.putObject(LOG_BUCKET, name, gzipSync(lines.join('\n') + '\n'), {
      contentType: 'application/gzip',
      lastModified: new Date(start.getTime() + 3600 * 1000),
    })
  }
  return true
}
