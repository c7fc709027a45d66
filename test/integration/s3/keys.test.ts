/**
 * Keys exactly as S3 stores them: each odd key goes through listObjects, objectDetails, rename, copy
 * (within the profile and streamed across profiles) and delete via the router, and the server must see
 * byte-for-byte the same key at every step. Prints the results as a small markdown table. Then bad
 * input: each gives a clear message and changes nothing else.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { JobSnapshot } from '../../../src-main/api/jobs'
import { startWorld, serverObject, type S3World } from '../../helpers/s3-world'

let world: S3World
const profileId = 'aws:main'
const bucket = 'odd-keys'
const copies = 'odd-keys-copies'
const across = 'odd-keys-across'

const hangul = '한글/문서 파일.txt'
const longKey = `long/${'가'.repeat(339)}${'x'.repeat(1024 - 5 - 339 * 3)}`
const oddKeys: Array<[label: string, key: string]> = [
  ['Korean NFC', hangul.normalize('NFC')],
  ['Korean NFD', hangul.normalize('NFD')],
  ['plus', 'a+b'],
  ['percent', '100%'],
  ['space', 'with space'],
  ['? and #', 'q?x#y'],
  ['emoji', '😀/🎉.txt'],
  ['double slash', 'a//b'],
  ['trailing slash', 'trailing/'],
  ['1,024 bytes', longKey],
]
/** The renamed key keeps the oddness: "~" in front (the 1,024-byte key swaps its first character). */
const renamed = (key: string) => (Buffer.byteLength(key) < 1024 ? `~${key}` : `~${key.slice(1)}`)

const sameBytes = (a: string | undefined, b: string) => a !== undefined && Buffer.from(a, 'utf8').equals(Buffer.from(b, 'utf8'))
const serverKeys = (inBucket: string) =>
  [...world.sandbox.s3.store.requireBucket(inBucket).objects.entries()].filter(([, v]) => !v[0]?.deleteMarker).map(([key]) => key)

beforeAll(async () => {
  world = await startWorld()
  for (const name of [bucket, copies, across]) world.sandbox.s3.store.createBucket(name)
  for (const [label, key] of oddKeys) await world.sandbox.s3.store.putObject(bucket, key, `body of ${label}`)
})
afterAll(async () => {
  await world?.close()
})

describe('odd keys round-trip byte for byte', () => {
  const results = new Map<string, Record<string, string>>()
  const mark = (label: string, step: string, ok: boolean) => {
    results.set(label, { ...results.get(label), [step]: ok ? 'ok' : 'FAILED' })
    return ok
  }

  it('the long key is exactly 1,024 bytes and the two Korean keys differ', () => {
    expect(Buffer.byteLength(longKey)).toBe(1024)
    expect(hangul.normalize('NFC')).not.toBe(hangul.normalize('NFD'))
    expect(serverKeys(bucket)).toHaveLength(oddKeys.length)
  })

  it('listObjects returns each key as stored, flat and by folder', async () => {
    const page = await world.ok<{ objects: Array<{ key: string }> }>('s3.listObjects', { profileId, bucket })
    for (const [label, key] of oddKeys)
      expect(
        mark(
          label,
          'list',
          page.objects.some((o) => sameBytes(o.key, key)),
        ),
        label,
      ).toBe(true)
    expect(page.objects).toHaveLength(oddKeys.length)
    const root = await world.ok<{ prefixes: string[] }>('s3.listObjects', { profileId, bucket, delimiter: '/' })
    expect(root.prefixes).toEqual(expect.arrayContaining(['a/', 'trailing/', '😀/', '한글/'.normalize('NFC'), '한글/'.normalize('NFD')]))
    const doubled = await world.ok<{ prefixes: string[] }>('s3.listObjects', { profileId, bucket, prefix: 'a/', delimiter: '/' })
    expect(doubled.prefixes).toEqual(['a//'])
    const marker = await world.ok<{ objects: Array<{ key: string }> }>('s3.listObjects', {
      profileId,
      bucket,
      prefix: 'trailing/',
      delimiter: '/',
    })
    expect(marker.objects.map((o) => o.key)).toEqual(['trailing/'])
  })

  it('objectDetails addresses the exact key', async () => {
    for (const [label, key] of oddKeys) {
      const details = await world.ok<{ key: string; size: number }>('s3.objectDetails', { profileId, bucket, key })
      expect(mark(label, 'details', sameBytes(details.key, key) && details.size === Buffer.byteLength(`body of ${label}`)), label).toBe(
        true,
      )
    }
  })

  it('rename moves exactly that key to exactly the new one', async () => {
    for (const [label, key] of oddKeys) {
      await world.ok('s3.rename', { profileId, bucket, key, newKey: renamed(key) })
      const ok =
        serverObject(world, bucket, key) === undefined &&
        (await world.sandbox.s3.store.readObject(bucket, renamed(key))).toString() === `body of ${label}`
      expect(mark(label, 'rename', ok), label).toBe(true)
    }
    // The NFD rename did not touch the NFC key, nor the other way round.
    expect(serverKeys(bucket).sort()).toEqual(oddKeys.map(([, key]) => renamed(key)).sort())
  })

  it('copy within the profile and across profiles lands on the same keys', async () => {
    const keys = oddKeys.map(([, key]) => renamed(key))
    const job = async (destination: { profileId: string; bucket: string }) => {
      const { jobId } = await world.ok<{ jobId: string }>('s3.copy', {
        profileId,
        bucket,
        keys,
        destination: { ...destination, prefix: '' },
      })
      return world.job(jobId)
    }
    expect(await job({ profileId, bucket: copies })).toMatchObject<Partial<JobSnapshot>>({
      state: 'done',
      done: keys.length,
      failureCount: 0,
    })
    expect(await job({ profileId: 'aws:other', bucket: across })).toMatchObject<Partial<JobSnapshot>>({
      state: 'done',
      done: keys.length,
      failureCount: 0,
    })
    for (const [label, key] of oddKeys) {
      const name = renamed(key)
      mark(
        label,
        'copy',
        serverKeys(copies).some((k) => sameBytes(k, name)) &&
          (await world.sandbox.s3.store.readObject(copies, name)).toString() === `body of ${label}`,
      )
      mark(
        label,
        'copy across',
        serverKeys(across).some((k) => sameBytes(k, name)) &&
          (await world.sandbox.s3.store.readObject(across, name)).toString() === `body of ${label}`,
      )
    }
    expect(serverKeys(copies).sort()).toEqual([...keys].sort())
    expect(serverKeys(across).sort()).toEqual([...keys].sort())
  })

  it('delete removes exactly those keys', async () => {
    await world.sandbox.s3.store.putObject(copies, 'bystander.txt', 'stays')
    const keys = oddKeys.map(([, key]) => renamed(key))
    const { jobId } = await world.ok<{ jobId: string }>('s3.delete', { profileId, bucket: copies, keys })
    expect(await world.job(jobId)).toMatchObject({ state: 'done', done: keys.length, failureCount: 0 })
    for (const [label, key] of oddKeys) mark(label, 'delete', serverObject(world, copies, renamed(key)) === undefined)
    expect(serverKeys(copies)).toEqual(['bystander.txt'])
  })

  afterAll(() => {
    const steps = ['list', 'details', 'rename', 'copy', 'copy across', 'delete']
    const shown = (key: string) =>
      key.length > 40 ? `${key.slice(0, 12)}…(${Buffer.byteLength(key)} bytes)` : JSON.stringify(key).slice(1, -1)
    const rows = oddKeys.map(
      ([label, key]) =>
        `| ${label} | \`${shown(key)}\` | ${Buffer.byteLength(key)} | ${steps.map((step) => results.get(label)?.[step] ?? '–').join(' | ')} |`,
    )
    console.log(
      ['', `| case | key | bytes | ${steps.join(' | ')} |`, `|---|---|---|${steps.map(() => '---').join('|')}|`, ...rows].join('\n'),
    )
  })
})

describe('bad input: a clear message, nothing else changed', () => {
  const tooLong = 'k'.repeat(1025)

  it('refuses keys over 1,024 bytes before any request', async () => {
    world.sandbox.s3.clearRequestLog()
    for (const [operation, payload] of [
      ['s3.objectDetails', { key: tooLong }],
      ['s3.rename', { key: 'a', newKey: tooLong }],
      ['s3.createFolder', { prefix: `${tooLong}/` }],
      ['s3.delete', { keys: [tooLong] }],
      ['s3.presignGet', { key: `${'가'.repeat(341)}xx`, expiresInSeconds: 60 }],
    ] as const) {
      const result = await world.call(operation, { profileId, bucket, ...payload })
      expect(result, operation).toMatchObject({
        ok: false,
        error: { code: 'bad-request', message: expect.stringMatching(/at most 1024 bytes/) },
      })
    }
    expect(world.sandbox.s3.requestLog).toEqual([])
  })

  it('deleting a missing key succeeds, as in S3, and touches nothing else', async () => {
    const before = serverKeys(bucket).sort()
    const { jobId } = await world.ok<{ jobId: string }>('s3.delete', { profileId, bucket, keys: ['not-here.txt'] })
    expect(await world.job(jobId)).toMatchObject({ state: 'done', done: 1, failureCount: 0 })
    expect(serverKeys(bucket).sort()).toEqual(before)
  })

  it('a permission error names what was refused and changes nothing', async () => {
    const key = renamed(oddKeys[2]![1])
    const tags = serverObject(world, bucket, key)?.tags
    const denied = await world.call('s3.putTags', { profileId: 'aws:limited', bucket, key, tags: { a: 'b' } })
    expect(denied).toMatchObject({
      ok: false,
      error: { code: 'access-denied', message: expect.stringMatching(/Access denied.*IAM policy does not allow this action/) },
    })
    expect(serverObject(world, bucket, key)?.tags).toEqual(tags)
    const uploads = await world.call('s3.listMultipartUploads', { profileId: 'aws:limited', bucket })
    expect(uploads).toMatchObject({ ok: false, error: { code: 'access-denied' } })
  })

  it('an unknown bucket is not found', async () => {
    expect(await world.call('s3.listObjects', { profileId, bucket: 'no-such-bucket-anywhere' })).toMatchObject({
      ok: false,
      error: { code: 'not-found', message: expect.stringMatching(/bucket does not exist/) },
    })
  })
})
