/**
 * One object at a time, through the router, asserting the sandbox server's own state afterwards:
 * details (checksum, system and user metadata, tags, restore state), metadata edits that change only
 * what was asked (a multipart object too), tags and their limits, storage class changes, Glacier
 * restores through their states, presigned URLs fetched with plain fetch(), folders, the bounded
 * search and version paging.
 */
import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SANDBOX_ACCESS_KEY_ID, SANDBOX_SECRET_ACCESS_KEY } from '../../../src-main/sandbox/credentials'
import { startWorld, serverObject, type S3World } from '../../helpers/s3-world'

let world: S3World
let raw: S3Client
const profileId = 'aws:main'
const bucket = 'objects-bucket'

/** The emulator's record of the latest version, with every header it keeps. */
const stored = (key: string, inBucket = bucket) => world.sandbox.s3.store.requireBucket(inBucket).objects.get(key)?.[0]

beforeAll(async () => {
  world = await startWorld()
  world.sandbox.s3.store.createBucket(bucket)
  raw = new S3Client({
    endpoint: world.sandbox.endpoints.s3,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: SANDBOX_ACCESS_KEY_ID, secretAccessKey: SANDBOX_SECRET_ACCESS_KEY },
  })
  await raw.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: 'meta/doc.txt',
      Body: 'hello, metadata',
      ContentType: 'text/plain; charset=utf-8',
      CacheControl: 'max-age=60',
      ContentLanguage: 'ko',
      WebsiteRedirectLocation: '/elsewhere.html',
      Metadata: { owner: 'kim' },
      Tagging: 'team=web&stage=prod',
      StorageClass: 'STANDARD_IA',
      ChecksumAlgorithm: 'CRC32',
    }),
  )
  // A multipart object: two parts, with a composite CRC32C checksum.
  const part1 = Buffer.alloc(5 * 1024 * 1024, 'a')
  const part2 = Buffer.from('tail of the multipart object')
  const { UploadId } = await raw.send(
    new CreateMultipartUploadCommand({
      Bucket: bucket,
      Key: 'meta/big.bin',
      ContentType: 'application/x-test',
      Metadata: { kind: 'multipart' },
      Tagging: 'size=big',
      ChecksumAlgorithm: 'CRC32C',
    }),
  )
  const parts = []
  for (const [index, body] of [part1, part2].entries()) {
    const reply = await raw.send(
      new UploadPartCommand({
        Bucket: bucket,
        Key: 'meta/big.bin',
        UploadId,
        PartNumber: index + 1,
        Body: body,
        ChecksumAlgorithm: 'CRC32C',
      }),
    )
    parts.push({ PartNumber: index + 1, ETag: reply.ETag, ChecksumCRC32C: reply.ChecksumCRC32C })
  }
  await raw.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: 'meta/big.bin', UploadId, MultipartUpload: { Parts: parts } }))
})
afterAll(async () => {
  raw?.destroy()
  await world?.close()
})

describe('object details', () => {
  it('shows size, ETag, class, checksum, system and user metadata and tags', async () => {
    const details = await world.ok('s3.objectDetails', { profileId, bucket, key: 'meta/doc.txt' })
    expect(details).toMatchObject({
      key: 'meta/doc.txt',
      size: 15,
      etag: `"${stored('meta/doc.txt')?.etag}"`,
      storageClass: 'STANDARD_IA',
      checksum: { algorithm: 'CRC32', value: stored('meta/doc.txt')?.checksum?.value, type: 'FULL_OBJECT' },
      system: {
        contentType: 'text/plain; charset=utf-8',
        cacheControl: 'max-age=60',
        contentLanguage: 'ko',
        serverSideEncryption: 'AES256',
        websiteRedirectLocation: '/elsewhere.html',
      },
      metadata: { owner: 'kim' },
      tags: { team: 'web', stage: 'prod' },
      archived: false,
    })
    const big = await world.ok('s3.objectDetails', { profileId, bucket, key: 'meta/big.bin' })
    expect(big).toMatchObject({
      partsCount: 2,
      checksum: { algorithm: 'CRC32C', type: 'COMPOSITE' },
      metadata: { kind: 'multipart' },
      tags: { size: 'big' },
    })
  })

  it('says a missing key is not found', async () => {
    expect(await world.call('s3.objectDetails', { profileId, bucket, key: 'meta/missing.txt' })).toMatchObject({
      ok: false,
      error: { code: 'not-found' },
    })
  })
})

describe('updateMetadata', () => {
  it('changes only what was asked: tags, class, checksum algorithm, redirect and data stay', async () => {
    const before = stored('meta/doc.txt')!
    const details = await world.ok<{ system: Record<string, string>; metadata: Record<string, string> }>('s3.updateMetadata', {
      profileId,
      bucket,
      key: 'meta/doc.txt',
      system: { cacheControl: 'no-cache', contentDisposition: 'attachment; filename="doc.txt"', contentLanguage: '' },
      metadata: { owner: 'lee', reviewed: 'yes' },
    })
    const after = stored('meta/doc.txt')!
    expect(after.headers).toEqual({
      contentType: 'text/plain; charset=utf-8',
      cacheControl: 'no-cache',
      contentDisposition: 'attachment; filename="doc.txt"',
      websiteRedirectLocation: '/elsewhere.html',
    })
    expect(after.metadata).toEqual({ owner: 'lee', reviewed: 'yes' })
    expect(after.tags).toEqual(before.tags)
    expect(after.storageClass).toBe('STANDARD_IA')
    expect(after.checksum).toEqual(before.checksum)
    expect((await world.sandbox.s3.store.readObject(bucket, 'meta/doc.txt')).toString()).toBe('hello, metadata')
    expect(details.system.cacheControl).toBe('no-cache')
    expect(details.metadata).toEqual({ owner: 'lee', reviewed: 'yes' })
  })

  it('keeps a multipart object’s data, tags and checksum algorithm', async () => {
    const before = stored('meta/big.bin')!
    await world.ok('s3.updateMetadata', {
      profileId,
      bucket,
      key: 'meta/big.bin',
      system: { contentType: 'application/octet-stream' },
      metadata: { kind: 'edited' },
    })
    const after = stored('meta/big.bin')!
    expect(after.headers.contentType).toBe('application/octet-stream')
    expect(after.metadata).toEqual({ kind: 'edited' })
    expect(after.tags).toEqual({ size: 'big' })
    expect(after.size).toBe(before.size)
    expect(after.checksum?.algorithm).toBe('CRC32C')
    const bytes = await world.sandbox.s3.store.readObject(bucket, 'meta/big.bin')
    expect(bytes.subarray(-28).toString()).toBe('tail of the multipart object')
    expect(bytes.length).toBe(5 * 1024 * 1024 + 28)
  })

  it('refuses bad metadata before touching the object', async () => {
    const before = stored('meta/doc.txt')
    const badName = await world.call('s3.updateMetadata', {
      profileId,
      bucket,
      key: 'meta/doc.txt',
      system: {},
      metadata: { 'bad name': 'x' },
    })
    // zod reports a bad record key as "Invalid key in record", without the contract's own message (see report).
    expect(badName).toMatchObject({ ok: false, error: { code: 'bad-request', message: expect.stringMatching(/metadata\.bad name/) } })
    const tooBig = await world.call('s3.updateMetadata', {
      profileId,
      bucket,
      key: 'meta/doc.txt',
      system: {},
      metadata: { a: 'x'.repeat(1500), b: 'y'.repeat(1500) },
    })
    expect(tooBig).toMatchObject({ ok: false, error: { code: 'bad-request', message: expect.stringMatching(/at most 2 KB/) } })
    const badDate = await world.call('s3.updateMetadata', {
      profileId,
      bucket,
      key: 'meta/doc.txt',
      system: { expires: 'next tuesday' },
      metadata: {},
    })
    expect(badDate).toMatchObject({ ok: false, error: { code: 'bad-request', message: expect.stringMatching(/Expires must be a date/) } })
    expect(stored('meta/doc.txt')).toBe(before)
  })
})

describe('tags', () => {
  it('replaces the tag set and returns what S3 holds', async () => {
    const reply = await world.ok('s3.putTags', { profileId, bucket, key: 'meta/doc.txt', tags: { team: 'data', 'cost-center': '42' } })
    expect(reply).toEqual({ tags: { team: 'data', 'cost-center': '42' } })
    expect(stored('meta/doc.txt')?.tags).toEqual({ team: 'data', 'cost-center': '42' })
  })

  it('refuses more than 10 tags, long keys and values, and characters S3 forbids', async () => {
    const before = stored('meta/doc.txt')?.tags
    const eleven = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`k${i}`, 'v']))
    expect(await world.call('s3.putTags', { profileId, bucket, key: 'meta/doc.txt', tags: eleven })).toMatchObject({
      ok: false,
      error: { code: 'bad-request', message: expect.stringMatching(/at most 10 tags/) },
    })
    expect(await world.call('s3.putTags', { profileId, bucket, key: 'meta/doc.txt', tags: { ['k'.repeat(129)]: 'v' } })).toMatchObject({
      ok: false,
      error: { code: 'bad-request', message: expect.stringMatching(/tags\.kkkk/) },
    })
    expect(await world.call('s3.putTags', { profileId, bucket, key: 'meta/doc.txt', tags: { k: 'v'.repeat(257) } })).toMatchObject({
      ok: false,
      error: { message: expect.stringMatching(/at most 256 characters/) },
    })
    expect(await world.call('s3.putTags', { profileId, bucket, key: 'meta/doc.txt', tags: { k: '<script>' } })).toMatchObject({
      ok: false,
      error: { code: 'bad-request', message: expect.stringMatching(/S3 refused the request: InvalidTag/) },
    })
    expect(stored('meta/doc.txt')?.tags).toEqual(before)
  })
})

describe('storage class and restore', () => {
  it('changes STANDARD to STANDARD_IA, keeping everything else', async () => {
    await world.sandbox.s3.store.putObject(bucket, 'class/a.txt', 'class change', {
      contentType: 'text/plain',
      metadata: { m: '1' },
      tags: { t: '1' },
    })
    const details = await world.ok('s3.changeStorageClass', { profileId, bucket, key: 'class/a.txt', storageClass: 'STANDARD_IA' })
    expect(details).toMatchObject({ storageClass: 'STANDARD_IA', metadata: { m: '1' }, tags: { t: '1' } })
    expect(stored('class/a.txt')).toMatchObject({
      storageClass: 'STANDARD_IA',
      metadata: { m: '1' },
      tags: { t: '1' },
      headers: { contentType: 'text/plain' },
    })
    expect((await world.sandbox.s3.store.readObject(bucket, 'class/a.txt')).toString()).toBe('class change')
  })

  it('refuses to move a GLACIER object until it is restored, then restores it through its states', async () => {
    const site = 'haneul-demo-site'
    const key = 'archive/releases/site-v1.13.0.zip'
    expect(stored(key, site)?.storageClass).toBe('GLACIER')
    const refused = await world.call('s3.changeStorageClass', { profileId, bucket: site, key, storageClass: 'STANDARD' })
    expect(refused).toMatchObject({
      ok: false,
      error: { code: 'conflict', message: expect.stringMatching(/archived in GLACIER .* Restore it first/) },
    })
    expect(await world.ok('s3.objectDetails', { profileId, bucket: site, key })).toMatchObject({ archived: true, restore: undefined })

    expect(await world.ok('s3.restoreObject', { profileId, bucket: site, key, days: 2, tier: 'Expedited' })).toEqual({ status: 'started' })
    expect(stored(key, site)?.restore?.tier).toBe('Expedited')
    expect(await world.ok('s3.restoreObject', { profileId, bucket: site, key, days: 2, tier: 'Expedited' })).toEqual({
      status: 'in-progress',
    })
    expect(await world.ok('s3.objectDetails', { profileId, bucket: site, key })).toMatchObject({
      archived: true,
      restore: { ongoing: true },
    })
    expect(await world.call('s3.changeStorageClass', { profileId, bucket: site, key, storageClass: 'STANDARD' })).toMatchObject({
      ok: false,
      error: { code: 'conflict' },
    })

    world.clock.offsetMs += 3_000 // past the sandbox's 2 s Expedited restore
    const restored = await world.ok<{ archived: boolean; restore?: { ongoing: boolean; expiresAtMs?: number } }>('s3.objectDetails', {
      profileId,
      bucket: site,
      key,
    })
    expect(restored).toMatchObject({ archived: false, restore: { ongoing: false, expiresAtMs: stored(key, site)?.restore?.expiresAtMs } })
    expect(await world.ok('s3.restoreObject', { profileId, bucket: site, key, days: 5, tier: 'Standard' })).toEqual({
      status: 'already-restored',
    })

    await world.ok('s3.changeStorageClass', { profileId, bucket: site, key, storageClass: 'STANDARD' })
    expect(stored(key, site)?.storageClass).toBe('STANDARD')
  })

  it('explains restores that cannot be', async () => {
    const notArchived = await world.call('s3.restoreObject', { profileId, bucket, key: 'class/a.txt', days: 1, tier: 'Bulk' })
    expect(notArchived).toMatchObject({ ok: false, error: { code: 'bad-request', message: expect.stringMatching(/needs no restore/) } })
    const deep = await world.call('s3.restoreObject', {
      profileId,
      bucket: 'haneul-demo-site',
      key: 'archive/releases/site-v1.1.0.zip',
      days: 1,
      tier: 'Expedited',
    })
    expect(deep).toMatchObject({
      ok: false,
      error: { code: 'bad-request', message: expect.stringMatching(/Expedited retrieval is not supported for the DEEP_ARCHIVE/) },
    })
    expect(await world.call('s3.restoreObject', { profileId, bucket, key: 'class/a.txt', days: 400, tier: 'Bulk' })).toMatchObject({
      ok: false,
      error: { message: expect.stringMatching(/at most 365 days/) },
    })
  })
})

describe('presigned URLs', () => {
  it('gives a URL that plain fetch() can read, and copies it to the clipboard', async () => {
    const { url, expiresAtMs } = await world.ok<{ url: string; expiresAtMs: number }>('s3.presignGet', {
      profileId,
      bucket,
      key: 'meta/doc.txt',
      expiresInSeconds: 300,
      copyToClipboard: true,
    })
    expect(expiresAtMs).toBeGreaterThan(Date.now() + 290_000)
    expect(world.harness.clipboard.at(-1)).toBe(url)
    const response = await fetch(url)
    expect(response.status).toBe(200)
    expect(await response.text()).toBe('hello, metadata')
  })

  it('signs odd keys and older versions', async () => {
    const versioned = 'presign-versions'
    world.sandbox.s3.store.createBucket(versioned)
    world.sandbox.s3.store.setVersioning(versioned, 'Enabled')
    const key = '폴더/q?x#y 100%+😀.txt'
    const first = await world.sandbox.s3.store.putObject(versioned, key, 'first')
    await world.sandbox.s3.store.putObject(versioned, key, 'second')
    const latest = await world.ok<{ url: string }>('s3.presignGet', { profileId, bucket: versioned, key, expiresInSeconds: 60 })
    expect(await (await fetch(latest.url)).text()).toBe('second')
    const older = await world.ok<{ url: string }>('s3.presignGet', {
      profileId,
      bucket: versioned,
      key,
      versionId: first.versionId,
      expiresInSeconds: 60,
    })
    expect(await (await fetch(older.url)).text()).toBe('first')
  })

  it('is refused by the server once expired', async () => {
    const { url } = await world.ok<{ url: string }>('s3.presignGet', { profileId, bucket, key: 'meta/doc.txt', expiresInSeconds: 60 })
    world.clock.offsetMs += 120_000
    try {
      const response = await fetch(url)
      expect(response.status).toBe(403)
      expect(await response.text()).toMatch(/Request has expired/)
    } finally {
      world.clock.offsetMs -= 120_000
    }
    expect(await world.call('s3.presignGet', { profileId, bucket, key: 'meta/doc.txt', expiresInSeconds: 604_801 })).toMatchObject({
      ok: false,
      error: { message: expect.stringMatching(/at most 7 days/) },
    })
  })
})

describe('folders', () => {
  it('creates the zero-byte marker once', async () => {
    expect(await world.ok('s3.createFolder', { profileId, bucket, prefix: 'new folder/' })).toEqual({ created: true })
    expect(serverObject(world, bucket, 'new folder/')).toMatchObject({ size: 0 })
    expect(await world.call('s3.createFolder', { profileId, bucket, prefix: 'new folder/' })).toMatchObject({
      ok: false,
      error: { code: 'already-exists' },
    })
    expect(await world.call('s3.createFolder', { profileId, bucket, prefix: 'no-slash' })).toMatchObject({
      ok: false,
      error: { code: 'bad-request', message: expect.stringMatching(/end with "\/"/) },
    })
  })
})

describe('search', () => {
  beforeAll(async () => {
    world.sandbox.s3.store.createBucket('search-bucket')
    for (let i = 0; i < 2500; i++)
      await world.sandbox.s3.store.putObject('search-bucket', `logs/${String(i % 10)}/app-${String(i).padStart(4, '0')}.log`, '')
    await world.sandbox.s3.store.putObject('search-bucket', 'docs/한글.txt'.normalize('NFC'), '')
    await world.sandbox.s3.store.putObject('search-bucket', 'docs/한글.txt'.normalize('NFD'), '')
  })

  it('finds matches under a prefix and says when it saw everything', async () => {
    const all = await world.ok<{ objects: Array<{ key: string }>; scanned: number; stoppedAt?: string }>('s3.searchObjects', {
      profileId,
      bucket: 'search-bucket',
      prefix: 'logs/',
      query: 'APP-012',
    })
    expect(all.objects.map((o) => o.key).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `logs/${i}/app-012${i}.log`).sort())
    expect(all.scanned).toBe(2500)
    expect(all.stoppedAt).toBeUndefined()
  })

  it('stops at maxResults and at maxScanned, and says which', async () => {
    const byResults = await world.ok<{ objects: unknown[]; scanned: number; stoppedAt?: string }>('s3.searchObjects', {
      profileId,
      bucket: 'search-bucket',
      query: '.log',
      maxResults: 5,
    })
    // The two docs/ keys come first in S3's order, then five logs match.
    expect(byResults).toMatchObject({ stoppedAt: 'max-results', scanned: 7 })
    expect(byResults.objects).toHaveLength(5)
    const byScan = await world.ok<{ objects: unknown[]; scanned: number; stoppedAt?: string }>('s3.searchObjects', {
      profileId,
      bucket: 'search-bucket',
      query: 'app-2',
      maxScanned: 1200,
    })
    expect(byScan).toMatchObject({ stoppedAt: 'max-scanned', scanned: 1200 })
  })

  it('matches Korean in either normal form and returns both exact keys', async () => {
    const found = await world.ok<{ objects: Array<{ key: string }> }>('s3.searchObjects', {
      profileId,
      bucket: 'search-bucket',
      prefix: 'docs/',
      query: '한글'.normalize('NFD'),
    })
    expect(found.objects.map((o) => o.key).sort()).toEqual(['docs/한글.txt'.normalize('NFC'), 'docs/한글.txt'.normalize('NFD')].sort())
  })
})

describe('versions', () => {
  it('pages versions and delete markers one request per call, newest first per key', async () => {
    const versioned = 'versions-bucket'
    const store = world.sandbox.s3.store
    store.createBucket(versioned)
    store.setVersioning(versioned, 'Enabled')
    for (let i = 1; i <= 4; i++) await store.putObject(versioned, 'v.txt', `v${i}`)
    store.deleteCurrent(store.requireBucket(versioned), 'v.txt')
    await store.putObject(versioned, 'w.txt', 'w1')
    await store.putObject(versioned, 'w.txt', 'w2')

    const seen: Array<{ key: string; versionId: string; isLatest: boolean; deleteMarker: boolean }> = []
    let next: { keyMarker: string; versionIdMarker?: string } | undefined
    let calls = 0
    do {
      world.sandbox.s3.clearRequestLog()
      const page = await world.ok<{ versions: typeof seen; next?: typeof next }>('s3.listVersions', {
        profileId,
        bucket: versioned,
        pageSize: 3,
        ...next,
      })
      expect(world.sandbox.s3.requestLog.filter((r) => r.operation === 'ListObjectVersions')).toHaveLength(1)
      expect(page.versions.length).toBeLessThanOrEqual(3)
      seen.push(...page.versions)
      next = page.next
      calls++
    } while (next)
    expect(calls).toBe(3)
    const serverOrder = [...store.requireBucket(versioned).objects.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .flatMap(([, versions]) => versions.map((v) => v.versionId))
    expect(seen.map((v) => v.versionId)).toEqual(serverOrder)
    expect(seen[0]).toMatchObject({ key: 'v.txt', isLatest: true, deleteMarker: true })
    expect(seen.filter((v) => v.deleteMarker)).toHaveLength(1)
    expect(seen.filter((v) => v.isLatest).map((v) => v.key)).toEqual(['v.txt', 'w.txt'])
  })
})
