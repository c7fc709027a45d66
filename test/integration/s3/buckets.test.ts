/**
 * Buckets through the router against the sandbox: listing with region and date, creating with S3's
 * naming rules (each rule refused with its own message, before any request), a bucket in another
 * region operated through a us-east-1 client, and deleting empty vs non-empty vs unconfirmed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startWorld, serverObject, type S3World } from '../../helpers/s3-world'

let world: S3World
const profileId = 'aws:main'

beforeAll(async () => {
  world = await startWorld()
})
afterAll(async () => {
  await world?.close()
})

describe('buckets', () => {
  it('lists buckets with region and creation date', async () => {
    const { buckets } = await world.ok<{ buckets: Array<{ name: string; region?: string; createdAtMs?: number }> }>('s3.listBuckets', {
      profileId,
    })
    const site = buckets.find((b) => b.name === 'haneul-demo-site')
    expect(site).toMatchObject({ region: 'us-east-1', createdAtMs: expect.any(Number) })
  })

  it('refuses each broken naming rule with its rule, and creates nothing', async () => {
    const before = world.sandbox.s3.store.bucketNames()
    const cases: Array<[string, RegExp]> = [
      ['ab', /3 to 63 characters/],
      ['a'.repeat(64), /3 to 63 characters/],
      ['Upper-Case', /only lowercase letters, digits/],
      ['under_score', /only lowercase letters, digits/],
      ['-starts-with-hyphen', /begin and end with a letter or digit/],
      ['ends-with-dot.', /begin and end with a letter or digit/],
      ['two..dots', /two adjacent dots/],
      ['192.168.5.4', /IP address/],
      ['xn--punycode', /must not start with xn--/],
      ['sthree-bucket', /must not start with/],
      ['amzn-s3-demo-bucket', /must not start with/],
      ['my-bucket-s3alias', /must not end with/],
      ['my-bucket--ol-s3', /must not end with/],
      ['my.mrap', /must not end with/],
      ['my-bucket--x-s3', /must not end with/],
      ['my-bucket--table-s3', /must not end with/],
    ]
    for (const [bucket, message] of cases) {
      const result = await world.call('s3.createBucket', { profileId, bucket, region: 'us-east-1' })
      expect(result, bucket).toMatchObject({ ok: false, error: { code: 'bad-request', message: expect.stringMatching(message) } })
    }
    const badRegion = await world.call('s3.createBucket', { profileId, bucket: 'fine-name', region: 'mars' })
    expect(badRegion).toMatchObject({
      ok: false,
      error: { code: 'bad-request', message: expect.stringMatching(/region must look like us-east-1/) },
    })
    expect(world.sandbox.s3.store.bucketNames()).toEqual(before)
  })

  it('creates a bucket in us-east-1 and one in another region', async () => {
    expect(await world.ok('s3.createBucket', { profileId, bucket: 'new.bucket-1', region: 'us-east-1' })).toEqual({
      bucket: { name: 'new.bucket-1', region: 'us-east-1' },
    })
    await world.ok('s3.createBucket', { profileId, bucket: 'far-away-bucket', region: 'eu-west-1' })
    expect(world.sandbox.s3.store.bucket('far-away-bucket')?.record.region).toBe('eu-west-1')
    const taken = await world.call('s3.createBucket', { profileId, bucket: 'far-away-bucket', region: 'eu-west-1' })
    expect(taken).toMatchObject({ ok: false, error: { code: 'already-exists' } })
  })

  it('operates on the other-region bucket through the us-east-1 profile', async () => {
    expect(await world.ok('s3.bucketInfo', { profileId, bucket: 'far-away-bucket' })).toEqual({
      region: 'eu-west-1',
      versioning: 'Unversioned',
    })
    await world.ok('s3.createFolder', { profileId, bucket: 'far-away-bucket', prefix: 'docs/' })
    await world.sandbox.s3.store.putObject('far-away-bucket', 'docs/a.txt', 'far away')
    const page = await world.ok<{ objects: Array<{ key: string }> }>('s3.listObjects', {
      profileId,
      bucket: 'far-away-bucket',
      prefix: 'docs/',
    })
    expect(page.objects.map((o) => o.key)).toEqual(['docs/', 'docs/a.txt'])
    const { url } = await world.ok<{ url: string }>('s3.presignGet', {
      profileId,
      bucket: 'far-away-bucket',
      key: 'docs/a.txt',
      expiresInSeconds: 60,
    })
    expect(url).toContain('%2Feu-west-1%2Fs3%2Faws4_request')
    expect(await (await fetch(url)).text()).toBe('far away')
    await world.ok('s3.rename', { profileId, bucket: 'far-away-bucket', key: 'docs/a.txt', newKey: 'docs/b.txt' })
    expect(serverObject(world, 'far-away-bucket', 'docs/b.txt')?.size).toBe(8)
  })

  it('reports versioning and the abort-incomplete-uploads rule', async () => {
    world.sandbox.s3.store.setVersioning('new.bucket-1', 'Enabled')
    await world.ok('s3.addAbortIncompleteRule', { profileId, bucket: 'new.bucket-1', days: 3 })
    expect(await world.ok('s3.bucketInfo', { profileId, bucket: 'new.bucket-1' })).toEqual({
      region: 'us-east-1',
      versioning: 'Enabled',
      abortIncompleteAfterDays: 3,
    })
    const missing = await world.call('s3.bucketInfo', { profileId, bucket: 'no-such-bucket-here' })
    expect(missing).toMatchObject({ ok: false, error: { code: 'not-found' } })
  })

  it('deletes only with the name typed, and only an empty bucket', async () => {
    const wrong = await world.call('s3.deleteBucket', { profileId, bucket: 'far-away-bucket', confirm: 'far-away' })
    expect(wrong).toMatchObject({ ok: false, error: { code: 'bad-request', message: expect.stringMatching(/type its name exactly/) } })
    const full = await world.call('s3.deleteBucket', { profileId, bucket: 'far-away-bucket', confirm: 'far-away-bucket' })
    expect(full).toMatchObject({ ok: false, error: { code: 'conflict', message: expect.stringMatching(/still has 2 objects/) } })
    expect(world.sandbox.s3.store.hasBucket('far-away-bucket')).toBe(true)

    // Only old versions left: S3 refuses, and the message says why.
    await world.sandbox.s3.store.putObject('new.bucket-1', 'gone.txt', 'x')
    world.sandbox.s3.store.deleteCurrent(world.sandbox.s3.store.requireBucket('new.bucket-1'), 'gone.txt')
    const versions = await world.call('s3.deleteBucket', { profileId, bucket: 'new.bucket-1', confirm: 'new.bucket-1' })
    expect(versions).toMatchObject({
      ok: false,
      error: { code: 'conflict', message: expect.stringMatching(/old versions or delete markers/) },
    })

    world.sandbox.s3.store.createBucket('empty-bucket')
    expect(await world.ok('s3.deleteBucket', { profileId, bucket: 'empty-bucket', confirm: 'empty-bucket' })).toEqual({ deleted: true })
    expect(world.sandbox.s3.store.hasBucket('empty-bucket')).toBe(false)
  })
})
