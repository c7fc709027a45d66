/**
 * Listings through the real SDK: paging with and without a delimiter in UTF-8 byte order, a 100,000-key
 * bucket, and keys that other tools get wrong, round-tripped byte for byte.
 */
import {
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type ListObjectsV2CommandOutput,
  type S3ServiceException,
} from '@aws-sdk/client-s3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startS3, type RunningS3 } from '../../../helpers/sandbox-s3-harness'

let s3: RunningS3

beforeAll(async () => {
  s3 = await startS3()
})
afterAll(async () => {
  await s3.close()
})

const byUtf8 = (a: string, b: string) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'))

/** What a delimited listing must return, computed independently of the emulator. */
function expectedListing(keys: string[], prefix: string, delimiter?: string): { keys: string[]; prefixes: string[] } {
  const out = new Set<string>()
  const prefixes = new Set<string>()
  for (const key of keys) {
    if (!key.startsWith(prefix)) continue
    const cut = delimiter ? key.indexOf(delimiter, prefix.length) : -1
    if (cut >= 0) prefixes.add(key.slice(0, cut + (delimiter as string).length))
    else out.add(key)
  }
  return { keys: [...out].sort(byUtf8), prefixes: [...prefixes].sort(byUtf8) }
}

async function listAll(bucket: string, params: { Prefix?: string; Delimiter?: string; MaxKeys?: number }) {
  const keys: string[] = []
  const prefixes: string[] = []
  const order: string[] = []
  let token: string | undefined
  let pages = 0
  do {
    const page: ListObjectsV2CommandOutput = await s3.s3.send(
      new ListObjectsV2Command({ Bucket: bucket, ...params, ContinuationToken: token }),
    )
    pages++
    expect(page.KeyCount).toBe((page.Contents?.length ?? 0) + (page.CommonPrefixes?.length ?? 0))
    expect(page.KeyCount).toBeLessThanOrEqual(params.MaxKeys ?? 1000)
    for (const object of page.Contents ?? []) keys.push(object.Key as string)
    for (const p of page.CommonPrefixes ?? []) prefixes.push(p.Prefix as string)
    // Keys and prefixes of a page interleave in one order.
    order.push(
      ...[...(page.Contents ?? []).map((o) => o.Key as string), ...(page.CommonPrefixes ?? []).map((p) => p.Prefix as string)].sort(byUtf8),
    )
    token = page.IsTruncated ? page.NextContinuationToken : undefined
    if (page.IsTruncated) expect(token).toBeTruthy()
  } while (token)
  return { keys, prefixes, order, pages }
}

describe('ListObjectsV2 paging', () => {
  const bucket = 'paging'
  const keys: string[] = []

  beforeAll(async () => {
    await s3.s3.send(new CreateBucketCommand({ Bucket: bucket }))
    const specials = ['\uFFFD', '😀', '\uE000', 'é', 'e\u0301', '한글', 'Z', 'a', '~', ' ']
    for (let i = 0; i < 5000; i++) {
      const special = specials[(i % 11) % specials.length] as string
      const key = i % 5 === 0 ? `top-${special}-${i}` : `dir-${special}/${i % 3 === 0 ? `sub${i % 7}/` : ''}file-${i}`
      keys.push(key)
    }
    for (const key of keys) await s3.emulator.store.putObject(bucket, key, '')
  })

  it('pages a flat listing in UTF-8 byte order without duplicates or gaps', async () => {
    const { keys: listed, pages } = await listAll(bucket, { MaxKeys: 333 })
    expect(pages).toBe(Math.ceil(5000 / 333))
    expect(listed).toEqual([...keys].sort(byUtf8))
  })

  it('pages a delimited listing with common prefixes', async () => {
    const expected = expectedListing(keys, '', '/')
    const result = await listAll(bucket, { Delimiter: '/', MaxKeys: 7 })
    expect(result.keys).toEqual(expected.keys)
    expect(result.prefixes).toEqual(expected.prefixes)
    expect(result.order).toEqual([...expected.keys, ...expected.prefixes].sort(byUtf8))
  })

  it('pages a delimited listing below a prefix', async () => {
    const prefix = 'dir-😀/'
    const expected = expectedListing(keys, prefix, '/')
    expect(expected.prefixes.length).toBeGreaterThan(0)
    const result = await listAll(bucket, { Prefix: prefix, Delimiter: '/', MaxKeys: 50 })
    expect(result.keys).toEqual(expected.keys)
    expect(result.prefixes).toEqual(expected.prefixes)
  })

  it('orders U+FFFD before an emoji and U+E000 before both, as S3 does by bytes', async () => {
    const { prefixes } = await listAll(bucket, { Delimiter: '/', Prefix: 'dir-' })
    const fffd = prefixes.indexOf('dir-\uFFFD/')
    const emoji = prefixes.indexOf('dir-😀/')
    const privateUse = prefixes.indexOf('dir-\uE000/')
    expect(privateUse).toBeGreaterThanOrEqual(0)
    expect(privateUse).toBeLessThan(fffd)
    expect(fffd).toBeLessThan(emoji)
  })

  it('honours start-after and the v1 marker/NextMarker protocol', async () => {
    const sorted = [...keys].sort(byUtf8)
    const after = sorted[1234] as string
    const page = await s3.s3.send(new ListObjectsV2Command({ Bucket: bucket, StartAfter: after, MaxKeys: 5 }))
    expect(page.Contents?.map((o) => o.Key)).toEqual(sorted.slice(1235, 1240))
    expect(page.StartAfter).toBe(after)

    const expected = expectedListing(keys, '', '/')
    const seen: string[] = []
    let marker: string | undefined
    for (;;) {
      const v1 = await s3.s3.send(new ListObjectsCommand({ Bucket: bucket, Delimiter: '/', MaxKeys: 9, Marker: marker }))
      seen.push(...(v1.Contents ?? []).map((o) => o.Key as string), ...(v1.CommonPrefixes ?? []).map((p) => p.Prefix as string))
      if (!v1.IsTruncated) {
        expect(v1.NextMarker).toBeUndefined()
        break
      }
      expect(v1.NextMarker).toBeTruthy()
      marker = v1.NextMarker
    }
    expect(seen.sort(byUtf8)).toEqual([...expected.keys, ...expected.prefixes].sort(byUtf8))
    const flat = await s3.s3.send(new ListObjectsCommand({ Bucket: bucket, MaxKeys: 3 }))
    expect(flat.IsTruncated).toBe(true)
    expect(flat.NextMarker).toBeUndefined()
    expect(flat.Contents?.[0]?.Owner?.ID).toMatch(/^[0-9a-f]{64}$/)
  })

  it('treats max-keys 0 as an empty page and caps max-keys at 1000', async () => {
    const empty = await s3.s3.send(new ListObjectsV2Command({ Bucket: bucket, MaxKeys: 0 }))
    expect(empty.KeyCount).toBe(0)
    expect(empty.IsTruncated).toBe(false)
    const capped = await s3.s3.send(new ListObjectsV2Command({ Bucket: bucket, MaxKeys: 5000 }))
    expect(capped.KeyCount).toBe(1000)
    expect(capped.MaxKeys).toBe(1000)
    expect(capped.Contents?.[0]?.StorageClass).toBe('STANDARD')
    expect(capped.Contents?.[0]?.Owner).toBeUndefined()
    const owned = await s3.s3.send(new ListObjectsV2Command({ Bucket: bucket, MaxKeys: 1, FetchOwner: true }))
    expect(owned.Contents?.[0]?.Owner?.ID).toMatch(/^[0-9a-f]{64}$/)
  })
})

describe('a 100,000-key bucket', () => {
  const bucket = 'hundred-thousand'

  it('serves a ListObjectsV2 page in milliseconds', async () => {
    await s3.s3.send(new CreateBucketCommand({ Bucket: bucket }))
    const store = s3.emulator.store
    // Inserted in a scrambled order so the index really has to sort.
    for (let i = 0; i < 100_000; i++) {
      const n = (i * 7919) % 100_000
      await store.putObject(bucket, `logs/${String(n % 100).padStart(2, '0')}/entry-${String(n).padStart(6, '0')}.json`, '')
    }
    // The first listing merges the pending inserts; later pages are pure lookups.
    await s3.s3.send(new ListObjectsV2Command({ Bucket: bucket, MaxKeys: 1 }))
    const timings: number[] = []
    let token: string | undefined
    for (let page = 0; page < 5; page++) {
      const started = performance.now()
      const out: ListObjectsV2CommandOutput = await s3.s3.send(
        new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token, StartAfter: 'logs/50/' }),
      )
      timings.push(performance.now() - started)
      expect(out.KeyCount).toBe(1000)
      if (page === 0) expect(out.Contents?.[0]?.Key).toBe('logs/50/entry-000050.json')
      token = out.NextContinuationToken
    }
    const delimited = await s3.s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'logs/', Delimiter: '/' }))
    expect(delimited.CommonPrefixes).toHaveLength(100)
    // Speed is for the benchmark; here it is only reported.
    console.info(`100k-key bucket: ListObjectsV2 page round trips ${timings.map((t) => t.toFixed(1)).join(', ')} ms`)
  }, 60_000)
})

describe('odd keys', () => {
  const bucket = 'odd-keys'
  const korean = '한국어 문서'
  const longKey = `${'k'.repeat(1000)}${'한'.repeat(8)}`
  const keys = [
    korean.normalize('NFC'),
    korean.normalize('NFD'),
    'a+b',
    '100%',
    '100%25',
    'with space',
    'q?x#y',
    '😀/🎉.txt',
    'a//b',
    '/leading',
    'trailing/',
    "!$&'()*,;=:@[]~",
    'tab\there',
    longKey,
  ]

  beforeAll(async () => {
    await s3.s3.send(new CreateBucketCommand({ Bucket: bucket }))
  })

  it('keeps each key exactly through put, list, get, copy and delete', async () => {
    expect(Buffer.byteLength(longKey)).toBe(1024)
    expect(korean.normalize('NFC')).not.toBe(korean.normalize('NFD'))
    for (const key of keys) await s3.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: `body of ${key}` }))

    const listed = await s3.s3.send(new ListObjectsV2Command({ Bucket: bucket }))
    expect(listed.Contents?.map((o) => o.Key)).toEqual([...keys].sort(byUtf8))

    // `copy/` + the 1,024-byte key would be too long, so that one is copied to a short name.
    const copyOf = (key: string) => (key === longKey ? 'copy/long' : `copy/${key}`)
    for (const key of keys) {
      const got = await s3.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))
      expect(await got.Body?.transformToString(), key).toBe(`body of ${key}`)
      await s3.s3.send(new CopyObjectCommand({ Bucket: bucket, Key: copyOf(key), CopySource: `${bucket}/${encodeURIComponent(key)}` }))
      const copy = await s3.s3.send(new GetObjectCommand({ Bucket: bucket, Key: copyOf(key) }))
      expect(await copy.Body?.transformToString(), key).toBe(`body of ${key}`)
      expect(s3.emulator.store.getObjectRecord(bucket, copyOf(key))?.key).toBe(copyOf(key))
    }
    const copies = await s3.s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'copy/' }))
    expect(copies.Contents?.map((o) => o.Key)).toEqual(keys.map(copyOf).sort(byUtf8))

    for (const key of keys) {
      await s3.s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }))
      await s3.s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: copyOf(key) }))
    }
    expect((await s3.s3.send(new ListObjectsV2Command({ Bucket: bucket }))).KeyCount).toBe(0)
  })

  it('URL-encodes keys in listings when asked, the way S3 does', async () => {
    for (const key of ['with space', 'a+b', '100%', '한/x']) await s3.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'x' }))
    const out = await s3.s3.send(new ListObjectsV2Command({ Bucket: bucket, EncodingType: 'url', Delimiter: '/' }))
    expect(out.EncodingType).toBe('url')
    expect(out.Contents?.map((o) => o.Key)).toEqual(['100%25', 'a%2Bb', 'with+space'])
    expect(out.CommonPrefixes?.map((p) => p.Prefix)).toEqual(['%ED%95%9C/'])
  })

  it('rejects a 1,025-byte key', async () => {
    const error = await s3.s3.send(new PutObjectCommand({ Bucket: bucket, Key: `${longKey}x`, Body: 'x' })).then(
      () => undefined,
      (e: unknown) => e as S3ServiceException,
    )
    expect(error?.name).toBe('KeyTooLongError')
    expect(error?.$metadata.httpStatusCode).toBe(400)
    await expect(s3.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: `${longKey}x` }))).rejects.toThrow()
  })
})
