/**
 * Rename, copy, move and delete through the router against the sandbox, asserting the server's state
 * and what it received: conflicts (fail / skip / overwrite), copies across buckets and across two
 * profiles (two credentials, so bytes stream through main), DeleteObjects batching of 1,000 keys,
 * delete markers in a versioned bucket, per-key permission errors, and cancelling a job midway.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { JobSnapshot } from '../../../src-main/api/jobs'
import { startWorld, serverObject, type S3World } from '../../helpers/s3-world'

let world: S3World
const profileId = 'aws:main'
const bucket = 'bulk-bucket'
const other = 'bulk-target'

const put = (key: string, body: string, inBucket = bucket, opts = {}) => world.sandbox.s3.store.putObject(inBucket, key, body, opts)
const read = async (key: string, inBucket = bucket) => (await world.sandbox.s3.store.readObject(inBucket, key)).toString()
const keysOf = (inBucket: string, prefix = '') =>
  [...world.sandbox.s3.store.requireBucket(inBucket).objects.entries()]
    .filter(([key, versions]) => key.startsWith(prefix) && !versions[0]?.deleteMarker)
    .map(([key]) => key)
    .sort()

async function runJob(operation: string, payload: Record<string, unknown>): Promise<JobSnapshot> {
  const { jobId } = await world.ok<{ jobId: string }>(operation, { profileId, bucket, ...payload })
  return world.job(jobId)
}

beforeAll(async () => {
  world = await startWorld()
  world.sandbox.s3.store.createBucket(bucket)
  world.sandbox.s3.store.createBucket(other)
})
afterAll(async () => {
  await world?.close()
})

describe('rename', () => {
  it('renames a key, keeping metadata, tags and class', async () => {
    await put('r/a.txt', 'alpha', bucket, { contentType: 'text/plain', metadata: { m: '1' }, tags: { t: '1' }, storageClass: 'ONEZONE_IA' })
    expect(await world.ok('s3.rename', { profileId, bucket, key: 'r/a.txt', newKey: 'r/b.txt' })).toEqual({ key: 'r/b.txt' })
    expect(serverObject(world, bucket, 'r/a.txt')).toBeUndefined()
    expect(serverObject(world, bucket, 'r/b.txt')).toMatchObject({
      contentType: 'text/plain',
      metadata: { m: '1' },
      tags: { t: '1' },
      storageClass: 'ONEZONE_IA',
    })
    expect(await read('r/b.txt')).toBe('alpha')
  })

  it('asks before renaming onto an existing key, changing nothing; overwrites when confirmed', async () => {
    await put('r/c.txt', 'charlie')
    const refused = await world.call('s3.rename', { profileId, bucket, key: 'r/b.txt', newKey: 'r/c.txt' })
    expect(refused).toMatchObject({ ok: false, error: { code: 'conflict', message: '"r/c.txt" already exists; confirm to overwrite it.' } })
    expect(await read('r/b.txt')).toBe('alpha')
    expect(await read('r/c.txt')).toBe('charlie')
    await world.ok('s3.rename', { profileId, bucket, key: 'r/b.txt', newKey: 'r/c.txt', overwrite: true })
    expect(await read('r/c.txt')).toBe('alpha')
    expect(serverObject(world, bucket, 'r/b.txt')).toBeUndefined()
  })

  it('says when the key is missing, the same, or archived', async () => {
    expect(await world.call('s3.rename', { profileId, bucket, key: 'r/nope.txt', newKey: 'r/x.txt' })).toMatchObject({
      ok: false,
      error: { code: 'not-found', message: expect.stringMatching(/"r\/nope.txt" does not exist/) },
    })
    expect(await world.call('s3.rename', { profileId, bucket, key: 'r/c.txt', newKey: 'r/c.txt' })).toMatchObject({
      ok: false,
      error: { code: 'bad-request' },
    })
    await put('r/cold.bin', 'frozen', bucket, { storageClass: 'DEEP_ARCHIVE' })
    expect(await world.call('s3.rename', { profileId, bucket, key: 'r/cold.bin', newKey: 'r/warm.bin' })).toMatchObject({
      ok: false,
      error: { code: 'conflict', message: expect.stringMatching(/archived in DEEP_ARCHIVE .* Restore it first/) },
    })
    expect(serverObject(world, bucket, 'r/cold.bin')).toBeDefined()
  })
})

describe('copy and move', () => {
  beforeAll(async () => {
    for (const key of ['src/one.txt', 'src/two.txt', 'src/deep/three.txt', 'src/deep/deeper/four.txt'])
      await put(key, `body of ${key}`, bucket, { metadata: { origin: key.length.toString() }, tags: { k: 'v' } })
  })

  it('copies keys and prefixes within a bucket, keeping their path below sourcePrefix', async () => {
    const job = await runJob('s3.copy', {
      sourcePrefix: 'src/',
      keys: ['src/one.txt'],
      prefixes: ['src/deep/'],
      destination: { profileId, bucket, prefix: 'copied/' },
    })
    expect(job).toMatchObject({ kind: 'copy', state: 'done', total: 3, done: 3, failureCount: 0 })
    expect(keysOf(bucket, 'copied/')).toEqual(['copied/deep/deeper/four.txt', 'copied/deep/three.txt', 'copied/one.txt'])
    expect(serverObject(world, bucket, 'copied/deep/three.txt')).toMatchObject({ metadata: { origin: '18' }, tags: { k: 'v' } })
    expect(keysOf(bucket, 'src/')).toHaveLength(4)
  })

  it('copies across buckets', async () => {
    const job = await runJob('s3.copy', {
      sourcePrefix: 'src/',
      prefixes: ['src/'],
      destination: { profileId, bucket: other, prefix: 'in/' },
    })
    expect(job).toMatchObject({ state: 'done', done: 4, bytesDone: expect.any(Number) })
    expect(keysOf(other, 'in/')).toEqual(['in/deep/deeper/four.txt', 'in/deep/three.txt', 'in/one.txt', 'in/two.txt'])
    expect(await read('in/two.txt', other)).toBe('body of src/two.txt')
  })

  it("with onConflict 'fail' lists the conflicts and changes nothing", async () => {
    await put('in/one.txt', 'changed at the destination', other)
    world.sandbox.s3.clearRequestLog()
    const job = await runJob('s3.copy', {
      sourcePrefix: 'src/',
      prefixes: ['src/'],
      destination: { profileId, bucket: other, prefix: 'in/' },
    })
    expect(job).toMatchObject({
      state: 'failed',
      conflicts: ['in/deep/deeper/four.txt', 'in/deep/three.txt', 'in/one.txt', 'in/two.txt'],
      error: { code: 'conflict', message: expect.stringMatching(/4 destination keys already exist.*nothing was copied/) },
    })
    expect(world.sandbox.s3.requestLog.filter((r) => ['CopyObject', 'PutObject', 'DeleteObject'].includes(r.operation))).toEqual([])
    expect(await read('in/one.txt', other)).toBe('changed at the destination')
  })

  it("with 'skip' leaves existing keys and copies the rest; with 'overwrite' replaces them", async () => {
    await world.sandbox.s3.store.putObject(other, 'in/two.txt', 'keep me')
    world.sandbox.s3.store.deleteVersion(world.sandbox.s3.store.requireBucket(other), 'in/deep/three.txt', 'null')
    const skip = await runJob('s3.copy', {
      sourcePrefix: 'src/',
      prefixes: ['src/'],
      destination: { profileId, bucket: other, prefix: 'in/' },
      onConflict: 'skip',
    })
    expect(skip).toMatchObject({ state: 'done', done: 4, failureCount: 0 })
    expect(await read('in/two.txt', other)).toBe('keep me')
    expect(await read('in/deep/three.txt', other)).toBe('body of src/deep/three.txt')
    const overwrite = await runJob('s3.copy', {
      sourcePrefix: 'src/',
      keys: ['src/two.txt'],
      destination: { profileId, bucket: other, prefix: 'in/' },
      onConflict: 'overwrite',
    })
    expect(overwrite).toMatchObject({ state: 'done', done: 1 })
    expect(await read('in/two.txt', other)).toBe('body of src/two.txt')
  })

  it('copies across two profiles by streaming, with metadata, tags and class', async () => {
    await put('cross/data.bin', 'x'.repeat(100_000), bucket, {
      contentType: 'application/x-data',
      metadata: { from: 'main' },
      tags: { cross: 'yes' },
      storageClass: 'STANDARD_IA',
    })
    world.sandbox.s3.clearRequestLog()
    const job = await runJob('s3.copy', {
      sourcePrefix: 'cross/',
      keys: ['cross/data.bin'],
      destination: { profileId: 'aws:other', bucket: other, prefix: 'from-main/' },
    })
    expect(job).toMatchObject({ state: 'done', done: 1, bytesDone: 100_000 })
    expect(serverObject(world, other, 'from-main/data.bin')).toMatchObject({
      size: 100_000,
      contentType: 'application/x-data',
      metadata: { from: 'main' },
      tags: { cross: 'yes' },
      storageClass: 'STANDARD_IA',
    })
    const operations = world.sandbox.s3.requestLog.map((r) => r.operation)
    expect(operations).toContain('GetObject')
    expect(operations).toContain('PutObject')
    expect(operations).not.toContain('CopyObject')
  })

  it('refuses a copy of a folder into itself, and keys outside sourcePrefix', async () => {
    expect(
      await world.call('s3.copy', {
        profileId,
        bucket,
        sourcePrefix: 'src/',
        prefixes: ['src/'],
        destination: { profileId, bucket, prefix: 'src/backup/' },
      }),
    ).toMatchObject({ ok: false, error: { code: 'bad-request', message: expect.stringMatching(/cannot be copied into itself/) } })
    expect(
      await world.call('s3.copy', {
        profileId,
        bucket,
        sourcePrefix: 'src/',
        keys: ['elsewhere.txt'],
        destination: { profileId, bucket: other, prefix: '' },
      }),
    ).toMatchObject({ ok: false, error: { code: 'bad-request', message: expect.stringMatching(/not under the source folder/) } })
  })

  it('reports an archived source as a per-key failure and copies the rest', async () => {
    await put('mixed/frozen.zip', 'ice', bucket, { storageClass: 'GLACIER' })
    await put('mixed/fine.txt', 'fine')
    const job = await runJob('s3.copy', {
      sourcePrefix: 'mixed/',
      prefixes: ['mixed/'],
      destination: { profileId, bucket: other, prefix: 'mixed/' },
    })
    expect(job).toMatchObject({
      state: 'done',
      done: 2,
      failureCount: 1,
      failures: [{ key: 'mixed/frozen.zip', code: 'conflict', message: expect.stringMatching(/Restore it first/) }],
    })
    expect(keysOf(other, 'mixed/')).toEqual(['mixed/fine.txt'])
  })

  it('moves a prefix: copies, then deletes each source', async () => {
    const job = await runJob('s3.move', {
      sourcePrefix: 'src/deep/',
      prefixes: ['src/deep/'],
      destination: { profileId, bucket, prefix: 'moved/' },
    })
    expect(job).toMatchObject({ kind: 'move', state: 'done', done: 2 })
    expect(keysOf(bucket, 'src/deep/')).toEqual([])
    expect(keysOf(bucket, 'moved/')).toEqual(['moved/deeper/four.txt', 'moved/three.txt'])
    expect(await read('moved/three.txt')).toBe('body of src/deep/three.txt')
  })

  it('moves across profiles', async () => {
    const job = await runJob('s3.move', {
      sourcePrefix: '',
      keys: ['src/one.txt'],
      destination: { profileId: 'aws:other', bucket: other, prefix: 'moved-across/' },
    })
    expect(job).toMatchObject({ state: 'done', done: 1 })
    expect(serverObject(world, bucket, 'src/one.txt')).toBeUndefined()
    expect(await read('moved-across/src/one.txt', other)).toBe('body of src/one.txt')
  })

  it('keeps the copy and the source when the source cannot be deleted', async () => {
    await put('perm/keep.txt', 'still here')
    const { jobId } = await world.ok<{ jobId: string }>('s3.move', {
      profileId: 'aws:limited',
      bucket,
      sourcePrefix: 'perm/',
      keys: ['perm/keep.txt'],
      destination: { profileId: 'aws:limited', bucket: other, prefix: 'perm/' },
    })
    const job = await world.job(jobId)
    expect(job).toMatchObject({
      state: 'done',
      failureCount: 1,
      failures: [
        {
          key: 'perm/keep.txt',
          code: 'access-denied',
          message: expect.stringMatching(/Copied to "perm\/keep.txt", but the original could not be deleted: Access denied/),
        },
      ],
    })
    expect(await read('perm/keep.txt')).toBe('still here')
    expect(await read('perm/keep.txt', other)).toBe('still here')
  })
})

describe('delete', () => {
  it('deletes keys; a missing key is a success, as in S3', async () => {
    await put('d/a.txt', 'a')
    await put('d/b.txt', 'b')
    const job = await runJob('s3.delete', { keys: ['d/a.txt', 'd/b.txt', 'd/never-existed.txt'] })
    expect(job).toMatchObject({ kind: 'delete', state: 'done', total: 3, done: 3, failureCount: 0 })
    expect(job.deleteMarkers).toBeUndefined()
    expect(keysOf(bucket, 'd/')).toEqual([])
  })

  it('deletes a prefix of 2,500 keys in ceil(n/1000) DeleteObjects calls', async () => {
    for (let i = 0; i < 2500; i++) await put(`many/${String(i).padStart(4, '0')}.txt`, '')
    const { objects } = await world.ok<{ objects: number }>('s3.countPrefix', { profileId, bucket, prefixes: ['many/'] })
    expect(objects).toBe(2500)
    world.sandbox.s3.clearRequestLog()
    const job = await runJob('s3.delete', { prefixes: ['many/'], confirmCount: 2500 })
    expect(job).toMatchObject({ state: 'done', total: 2500, done: 2500, failureCount: 0 })
    expect(world.sandbox.s3.requestLog.filter((r) => r.operation === 'DeleteObjects')).toHaveLength(3)
    expect(keysOf(bucket, 'many/')).toEqual([])
  })

  it('needs the count typed for prefixes and for more than 100 keys, and refuses a stale count', async () => {
    await put('guarded/1.txt', '1')
    await put('guarded/2.txt', '2')
    expect(await world.call('s3.delete', { profileId, bucket, prefixes: ['guarded/'] })).toMatchObject({
      ok: false,
      error: { code: 'bad-request', message: expect.stringMatching(/type the number to confirm/) },
    })
    const keys = Array.from({ length: 101 }, (_, i) => `guarded/${i}.txt`)
    expect(await world.call('s3.delete', { profileId, bucket, keys, confirmCount: 100 })).toMatchObject({
      ok: false,
      error: { code: 'bad-request', message: expect.stringMatching(/type the number 101/) },
    })
    const stale = await runJob('s3.delete', { prefixes: ['guarded/'], confirmCount: 1 })
    expect(stale).toMatchObject({
      state: 'failed',
      error: { code: 'conflict', message: expect.stringMatching(/now holds 2 objects, not the 1 confirmed; nothing was deleted/) },
    })
    expect(keysOf(bucket, 'guarded/')).toEqual(['guarded/1.txt', 'guarded/2.txt'])
  })

  it('in a versioned bucket leaves delete markers and says so; the versions remain', async () => {
    const versioned = 'bulk-versioned'
    world.sandbox.s3.store.createBucket(versioned)
    world.sandbox.s3.store.setVersioning(versioned, 'Enabled')
    await put('v/a.txt', 'a1', versioned)
    await put('v/a.txt', 'a2', versioned)
    await put('v/b.txt', 'b1', versioned)
    const { jobId } = await world.ok<{ jobId: string }>('s3.delete', { profileId, bucket: versioned, prefixes: ['v/'], confirmCount: 2 })
    const job = await world.job(jobId)
    expect(job).toMatchObject({ state: 'done', done: 2, deleteMarkers: true })
    const state = world.sandbox.s3.store.requireBucket(versioned)
    expect(state.objects.get('v/a.txt')?.map((v) => v.deleteMarker)).toEqual([true, false, false])
    expect(state.objects.get('v/b.txt')?.map((v) => v.deleteMarker)).toEqual([true, false])
  })

  it('reports a permission error per key, finishes the job, and deletes nothing it may not', async () => {
    // The sandbox denies by action, not by key: every key of this credential fails, each reported on its own.
    await put('p/1.txt', '1')
    await put('p/2.txt', '2')
    const { jobId } = await world.ok<{ jobId: string }>('s3.delete', { profileId: 'aws:limited', bucket, keys: ['p/1.txt', 'p/2.txt'] })
    const job = await world.job(jobId)
    expect(job).toMatchObject({ state: 'done', done: 2, failureCount: 2 })
    expect(job.failures).toEqual([
      { key: 'p/1.txt', code: 'access-denied', message: expect.stringMatching(/Access denied/) },
      { key: 'p/2.txt', code: 'access-denied', message: expect.stringMatching(/Access denied/) },
    ])
    expect(keysOf(bucket, 'p/')).toEqual(['p/1.txt', 'p/2.txt'])
  })

  it('can be cancelled midway: finished batches stay deleted, the rest stay', async () => {
    const n = 20_000
    for (let i = 0; i < n; i++) await put(`cancel/${String(i).padStart(5, '0')}`, '')
    const { jobId } = await world.ok<{ jobId: string }>('s3.delete', { profileId, bucket, prefixes: ['cancel/'], confirmCount: n })
    // Cancel as soon as the first batch is done.
    for (;;) {
      const { jobs } = await world.ok<{ jobs: JobSnapshot[] }>('jobs.list', {})
      const job = jobs.find((j) => j.jobId === jobId)
      if (job && job.done > 0) break
      await new Promise((resolve) => setTimeout(resolve, 2))
    }
    expect(await world.ok('jobs.cancel', { jobId })).toEqual({ cancelled: true })
    const job = await world.job(jobId)
    expect(job.state).toBe('cancelled')
    const left = keysOf(bucket, 'cancel/').length
    expect(left).toBeGreaterThan(0)
    // Batches in flight when the cancel came may have been carried out by the server without being counted.
    expect(n - left).toBeGreaterThanOrEqual(job.done)
    expect(job.done).toBeLessThan(n)
    expect(await world.ok('jobs.cancel', { jobId })).toEqual({ cancelled: false })
    const progress = world.harness.events.filter((e) => e.type === 'job.progress' && e.job.jobId === jobId)
    expect(progress.length).toBeGreaterThan(0)
  })
})
