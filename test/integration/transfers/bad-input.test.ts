/**
 * Uploads and downloads that used to lose files or plan silently: NFC/NFD twins in one drop, keys over
 * 1,024 bytes, a missing bucket, keys listed twice for download, and names too long for the disk.
 */
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SANDBOX_ACCESS_KEY_ID, SANDBOX_SECRET_ACCESS_KEY } from '../../../src-main/sandbox/credentials'
import { startHarness, type Harness } from '../../helpers/app-harness'

const site = 'haneul-demo-site'
const nfc = '카페.txt'.normalize('NFC')
const nfd = '카페.txt'.normalize('NFD')

describe('transfers: bad input loses nothing', () => {
  let harness: Harness
  let s3: S3Client
  let downloads: string
  const call = async <T>(operation: string, payload: unknown): Promise<T> => {
    const result = await harness.services.router.handle(operation, payload, {
      senderUrl: 'app://haneul/index.html',
      signal: new AbortController().signal,
    })
    if (!result.ok) throw new Error(`${operation}: ${result.error.code} ${result.error.message}`)
    return result.value as T
  }
  const refusal = async (operation: string, payload: unknown) => {
    const result = await harness.services.router.handle(operation, payload, {
      senderUrl: 'app://haneul/index.html',
      signal: new AbortController().signal,
    })
    return result.ok ? undefined : result.error
  }
  const waitForBatch = (batchId: string) =>
    new Promise<void>((resolve) => {
      const check = () =>
        harness.events.some((e) => e.type === 'transfers.batchDone' && e.batchId === batchId) ? resolve() : setTimeout(check, 20)
      check()
    })
  const body = async (Key: string) => (await s3.send(new GetObjectCommand({ Bucket: site, Key }))).Body!.transformToString()
  const keysUnder = async (Prefix: string) =>
    ((await s3.send(new ListObjectsV2Command({ Bucket: site, Prefix }))).Contents ?? []).map((o) => o.Key!).sort()

  /** A folder `twins/` holding 카페.txt twice, NFC and NFD, with different contents. */
  function twinFolder(): string {
    const dir = mkdtempSync(join(tmpdir(), 'haneul-twins-'))
    mkdirSync(join(dir, 'twins'))
    writeFileSync(join(dir, 'twins', nfc), 'composed')
    writeFileSync(join(dir, 'twins', nfd), 'decomposed')
    // The file system kept both (Linux compares bytes).
    expect(readdirSync(join(dir, 'twins')).length).toBe(2)
    return join(dir, 'twins')
  }

  beforeAll(async () => {
    downloads = mkdtempSync(join(tmpdir(), 'haneul-bad-downloads-'))
    harness = await startHarness({ chooseFolder: () => downloads })
    s3 = new S3Client({
      endpoint: harness.services.sandbox.endpoints!.s3,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: SANDBOX_ACCESS_KEY_ID, secretAccessKey: SANDBOX_SECRET_ACCESS_KEY },
    })
  })
  afterAll(async () => {
    s3?.destroy()
    await harness?.close()
  })

  it('plans NFC/NFD twins of one drop as a conflict, and "keep both" uploads both under distinct keys, saying which', async () => {
    const dropId = await harness.services.transfers.registerDrop([twinFolder()])
    const plan = await call<{ files: number; conflicts: string[]; conflictCount: number; twins: Array<{ name: string; key: string }> }>(
      'transfers.planUpload',
      { dropId, profileId: 'sandbox', bucket: site, prefix: 'keep/' },
    )
    expect(plan.files).toBe(2)
    expect(plan.conflicts).toEqual([`keep/twins/${nfc}`])
    expect(plan.conflictCount).toBe(1)
    expect(plan.twins).toHaveLength(1)
    expect(plan.twins[0]!.key).toBe(`keep/twins/${nfc}`)

    const started = await call<{ batchId: string; jobs: number; renamed: Array<{ name: string; key: string }> }>('transfers.startUpload', {
      dropId,
      profileId: 'sandbox',
      bucket: site,
      prefix: 'keep/',
      onConflict: 'rename',
    })
    expect(started.jobs).toBe(2)
    expect(started.renamed).toHaveLength(1)
    const renamedKey = `keep/twins/${'카페 (1).txt'.normalize('NFC')}`
    expect(started.renamed[0]!.key).toBe(renamedKey)
    await waitForBatch(started.batchId)
    expect(await keysUnder('keep/twins/')).toEqual([`keep/twins/${nfc}`, renamedKey].sort())
    // Both contents arrived; which twin got the plain key is the drop's order, and the reply says which.
    const contents = [await body(`keep/twins/${nfc}`), await body(renamedKey)].sort()
    expect(contents).toEqual(['composed', 'decomposed'])
    const renamedName = started.renamed[0]!.name
    expect(await body(renamedKey)).toBe(renamedName.normalize('NFC') === renamedName ? 'composed' : 'decomposed')
  })

  it('with "skip" uploads one twin and counts the other as skipped; with "overwrite" still keeps both', async () => {
    const skipDrop = await harness.services.transfers.registerDrop([twinFolder()])
    const skipped = await call<{ batchId: string; jobs: number; skipped: number }>('transfers.startUpload', {
      dropId: skipDrop,
      profileId: 'sandbox',
      bucket: site,
      prefix: 'skip/',
      onConflict: 'skip',
    })
    expect(skipped).toMatchObject({ jobs: 1, skipped: 1 })
    await waitForBatch(skipped.batchId)
    expect(await keysUnder('skip/twins/')).toEqual([`skip/twins/${nfc}`])

    const overwriteDrop = await harness.services.transfers.registerDrop([twinFolder()])
    const overwritten = await call<{ batchId: string; jobs: number; renamed: unknown[] }>('transfers.startUpload', {
      dropId: overwriteDrop,
      profileId: 'sandbox',
      bucket: site,
      prefix: 'over/',
      onConflict: 'overwrite',
    })
    expect(overwritten.jobs).toBe(2)
    expect(overwritten.renamed).toHaveLength(1)
    await waitForBatch(overwritten.batchId)
    expect(await keysUnder('over/twins/')).toHaveLength(2)
  })

  it('lists a file whose key would exceed 1,024 bytes as refused when uploading, with the reason', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'haneul-long-'))
    const folder = join(dir, 'long')
    mkdirSync(folder)
    writeFileSync(join(folder, 'ok.txt'), 'ok')
    writeFileSync(join(folder, `${'가'.repeat(80)}.txt`), 'fits on disk, not in a key under this prefix')
    const dropId = await harness.services.transfers.registerDrop([folder])
    const prefix = `${'p'.repeat(800)}/`
    const started = await call<{ batchId: string; jobs: number; refused: Array<{ name: string; reason: string }> }>(
      'transfers.startUpload',
      {
        dropId,
        profileId: 'sandbox',
        bucket: site,
        prefix,
        onConflict: 'overwrite',
      },
    )
    expect(started.jobs).toBe(1)
    expect(started.refused).toEqual([{ name: `long/${'가'.repeat(80)}.txt`, reason: expect.stringContaining('S3 allows 1,024') }])
    await waitForBatch(started.batchId)
  })

  it('says the bucket is missing before planning an upload into it', async () => {
    const dropId = await harness.services.transfers.registerDrop([twinFolder()])
    const error = await refusal('transfers.planUpload', { dropId, profileId: 'sandbox', bucket: 'no-such-bucket-here', prefix: '' })
    expect(error).toMatchObject({ code: 'not-found', message: expect.stringContaining('"no-such-bucket-here" does not exist') })
  })

  it('downloads a key listed many times once, and refuses a key whose name is too long for the disk', async () => {
    await s3.send(new PutObjectCommand({ Bucket: site, Key: 'dup/one.txt', Body: 'one' }))
    const longName = `dup/${'n'.repeat(300)}.txt`
    await s3.send(new PutObjectCommand({ Bucket: site, Key: longName, Body: 'long' }))
    const keys = [...Array.from({ length: 2_000 }, () => 'dup/one.txt'), longName]
    const result = await call<{ batchId: string; jobs: number; renamed: number; refused: Array<{ key: string; reason: string }> }>(
      'transfers.download',
      { profileId: 'sandbox', bucket: site, sourcePrefix: 'dup/', keys },
    )
    expect(result.jobs).toBe(1)
    expect(result.renamed).toBe(0)
    expect(result.refused).toEqual([{ key: longName, reason: expect.stringContaining('longer than 255 bytes') }])
    await waitForBatch(result.batchId)
    expect(readdirSync(downloads)).toEqual(['one.txt'])
  })
})
