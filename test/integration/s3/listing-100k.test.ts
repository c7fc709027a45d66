/**
 * A bucket of 100,000 keys under nested prefixes, listed through the router page by page (ListObjectsV2,
 * 1,000 a page, each page snapshotted for offline use): the first page comes quickly and the whole
 * listing streams to the end without gaps or repeats. Prints time to first page and to complete.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ObjectPage } from '../../../src-main/api/s3'
import { startWorld, type S3World } from '../../helpers/s3-world'

let world: S3World
const profileId = 'aws:main'
const bucket = 'hundred-thousand'
const N = 100_000

/** data/p0…p9/q0…q9/r0…r9/file-00000…: 1,000 folders of 100 keys. */
const keyOf = (i: number) =>
  `data/p${i % 10}/q${Math.floor(i / 10) % 10}/r${Math.floor(i / 100) % 10}/file-${String(i).padStart(6, '0')}.bin`

beforeAll(async () => {
  world = await startWorld()
  world.sandbox.s3.store.createBucket(bucket)
  for (let i = 0; i < N; i++) await world.sandbox.s3.store.putObject(bucket, keyOf(i), '')
}, 120_000)
afterAll(async () => {
  await world?.close()
})

describe('100,000 keys', () => {
  it('lists the first page quickly and the whole bucket page by page', async () => {
    const started = performance.now()
    let firstPageMs = 0
    let pages = 0
    let previous = ''
    let count = 0
    let nextToken: string | undefined
    do {
      const page = await world.ok<ObjectPage>('s3.listObjects', { profileId, bucket, nextToken })
      if (pages === 0) firstPageMs = performance.now() - started
      pages++
      for (const object of page.objects) {
        // Strictly increasing: nothing repeated, nothing out of order.
        expect(object.key > previous).toBe(true)
        previous = object.key
        count++
      }
      nextToken = page.nextToken
    } while (nextToken)
    const completeMs = performance.now() - started

    const folderStarted = performance.now()
    const root = await world.ok<ObjectPage>('s3.listObjects', { profileId, bucket, prefix: 'data/', delimiter: '/' })
    const folderMs = performance.now() - folderStarted

    console.log(
      `\n100,000 keys via the router: first page (1,000 keys) ${firstPageMs.toFixed(0)} ms; ` +
        `complete (${pages} pages) ${(completeMs / 1000).toFixed(2)} s; one folder level ${folderMs.toFixed(0)} ms`,
    )
    expect(count).toBe(N)
    expect(pages).toBe(N / 1000)
    expect(root.prefixes).toEqual(Array.from({ length: 10 }, (_, i) => `data/p${i}/`))
    expect(firstPageMs).toBeLessThan(3_000)
    expect(completeMs).toBeLessThan(60_000)
  }, 90_000)
})
