/**
 * One test per defect of "bad input never reaches S3 as something else": empty keys on every object
 * operation, ill-formed Unicode, S3's 4xx answers, prototype names, and the request guard below the
 * contract (what a bulk job or transfer would send is checked too).
 */
import {
  AbortMultipartUploadCommand,
  CreateBucketCommand,
  DeleteObjectCommand,
  GetBucketTaggingCommand,
  GetObjectCommand,
  HeadBucketCommand,
  PutBucketTaggingCommand,
  PutObjectCommand,
  PutObjectTaggingCommand,
} from '@aws-sdk/client-s3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { contract } from '../../../src-main/api/index'
import { toApiError } from '../../../src-main/core/errors'
import { presignGet } from '../../../src-main/s3/presign'
import { sampleInputs } from '../../helpers/contract-samples'
import { serverObject, startWorld, type S3World } from '../../helpers/s3-world'

const site = 'haneul-demo-site'
const EMPTY = 'bad-input-empty'

describe('bad input never reaches S3 as something else', () => {
  let world: S3World
  beforeAll(async () => {
    world = await startWorld()
    const client = await world.harness.services.clients.s3('aws:main')
    await client.send(new CreateBucketCommand({ Bucket: EMPTY }))
    await client.send(new PutBucketTaggingCommand({ Bucket: EMPTY, Tagging: { TagSet: [{ Key: 'team', Value: 'web' }] } }))
  })
  afterAll(async () => {
    await world?.close()
  })

  /** Every operation whose input names objects: a `key`, `newKey`, `keys` or `uploads[].key` field. */
  function objectOperations(): Array<{ operation: string; input: Record<string, unknown>; field: string }> {
    const samples = sampleInputs('aws:main', world.sandbox.endpoints.s3!, 1)
    return Object.entries(contract).flatMap(([service, operations]) =>
      Object.keys(operations).flatMap((name) => {
        const operation = `${service}.${name}`
        const sample = samples[operation]![0] as Record<string, unknown>
        const onEmpty = { ...sample, bucket: EMPTY }
        const cases: Array<{ operation: string; input: Record<string, unknown>; field: string }> = []
        if ('key' in sample) cases.push({ operation, input: { ...onEmpty, key: '' }, field: 'key' })
        if ('newKey' in sample) cases.push({ operation, input: { ...onEmpty, key: 'a.txt', newKey: '' }, field: 'newKey' })
        if ('keys' in sample) cases.push({ operation, input: { ...onEmpty, keys: [''] }, field: 'keys.0' })
        if ('uploads' in sample)
          cases.push({ operation, input: { ...onEmpty, uploads: [{ key: '', uploadId: 'x' }] }, field: 'uploads.0.key' })
        return cases
      }),
    )
  }

  it('refuses an empty key on every object operation, naming the field, and the empty bucket survives', async () => {
    const cases = objectOperations()
    // Today: objectDetails, updateMetadata, putTags, changeStorageClass, restoreObject, presignGet, rename
    // (key, newKey), copy, move, delete, abortMultipartUploads, download, dragOut.
    expect(cases.length).toBeGreaterThanOrEqual(14)
    const before = world.sandbox.s3.requestLog.length
    for (const { operation, input, field } of cases) {
      const result = await world.call(operation, input)
      expect(result.ok, operation).toBe(false)
      if (result.ok) continue
      expect(result.error.code, operation).toBe('bad-request')
      expect(result.error.message, operation).toContain(`${field}: key must not be empty`)
    }
    // Refused before anything was sent.
    expect(world.sandbox.s3.requestLog.slice(before)).toEqual([])
    const client = await world.harness.services.clients.s3('aws:main')
    await expect(client.send(new HeadBucketCommand({ Bucket: EMPTY }))).resolves.toBeTruthy()
    const { TagSet } = await client.send(new GetBucketTaggingCommand({ Bucket: EMPTY }))
    expect(TagSet).toEqual([{ Key: 'team', Value: 'web' }])
  })

  it('guards the request builders too: a keyless object command is never sent', async () => {
    const client = await world.harness.services.clients.s3('aws:main')
    const before = world.sandbox.s3.requestLog.length
    const refused = async (send: Promise<unknown>) => {
      const error = await send.then(
        () => undefined,
        (e: unknown) => e,
      )
      expect(toApiError(error)).toMatchObject({ code: 'bad-request' })
      return toApiError(error).message
    }
    expect(await refused(client.send(new AbortMultipartUploadCommand({ Bucket: EMPTY, Key: '', UploadId: 'x' })))).toContain(
      'AbortMultipartUpload needs an object key',
    )
    await refused(client.send(new PutObjectTaggingCommand({ Bucket: EMPTY, Key: '', Tagging: { TagSet: [{ Key: 'a', Value: 'b' }] } })))
    await refused(client.send(new GetObjectCommand({ Bucket: EMPTY, Key: '' })))
    // The presigner runs the client's middleware: no signed bucket listing.
    await refused(presignGet(client, { bucket: EMPTY, key: '', expiresInSeconds: 60 }))
    expect(world.sandbox.s3.requestLog.slice(before)).toEqual([])
    await expect(client.send(new HeadBucketCommand({ Bucket: EMPTY }))).resolves.toBeTruthy()
  })

  it('refuses a lone surrogate and leaves its U+FFFD twin alone', async () => {
    const client = await world.harness.services.clients.s3('aws:main')
    await client.send(new PutObjectCommand({ Bucket: site, Key: 'twin-\ufffd.txt', Body: 'the twin' }))
    for (const [operation, input] of [
      ['s3.delete', { profileId: 'aws:main', bucket: site, keys: ['twin-\ud800.txt'] }],
      ['s3.objectDetails', { profileId: 'aws:main', bucket: site, key: 'twin-\ud800.txt' }],
      ['s3.listObjects', { profileId: 'aws:main', bucket: site, prefix: 'twin-\udfff' }],
      ['s3.listVersions', { profileId: 'aws:main', bucket: site, keyMarker: '\ud800' }],
      ['s3.objectDetails', { profileId: 'aws:main', bucket: site, key: 'index.html', versionId: '\udc00' }],
      ['s3.bucketInfo', { profileId: 'aws:main', bucket: 'bucket-\ud800' }],
      ['transfers.dragOut', { profileId: 'aws:main', bucket: site, key: '\ud83d.txt' }],
    ] as const) {
      const result = await world.call(operation, input)
      expect(result.ok, operation).toBe(false)
      if (!result.ok) {
        expect(result.error.code, operation).toBe('bad-request')
        expect(result.error.message, operation).toContain('must be well-formed Unicode')
      }
    }
    // Below the contract, the guard says the same instead of the SDK's "URI malformed".
    const error = await client.send(new DeleteObjectCommand({ Bucket: site, Key: 'twin-\ud800.txt' })).catch((e: unknown) => e)
    expect(toApiError(error)).toMatchObject({ code: 'bad-request' })
    expect(toApiError(error).message).toContain('Key is not well-formed Unicode')
    expect(serverObject(world, site, 'twin-\ufffd.txt')).toBeDefined()
  })

  it("maps S3's refusals of page tokens and version ids to bad-request or not-found, with advice", async () => {
    for (const nextToken of ['garbage', 'AAAA', '한글'.normalize('NFD')]) {
      const result = await world.call('s3.listObjects', { profileId: 'aws:main', bucket: site, nextToken })
      expect(result).toMatchObject({ ok: false, error: { code: 'bad-request' } })
      if (!result.ok) expect(result.error.message).toContain('Reload the folder')
    }
    const empty = await world.call('s3.listObjects', { profileId: 'aws:main', bucket: site, nextToken: '' })
    expect(empty).toMatchObject({
      ok: false,
      error: { code: 'bad-request', message: expect.stringContaining('nextToken must not be empty') },
    })
    for (const versionId of ['not-a-version', 'A'.repeat(32)]) {
      const result = await world.call('s3.objectDetails', { profileId: 'aws:main', bucket: site, key: 'index.html', versionId })
      expect(result.ok).toBe(false)
      if (!result.ok) expect(['bad-request', 'not-found']).toContain(result.error.code)
    }
  })

  it('refuses __proto__ and constructor as metadata names and tag keys instead of dropping them', async () => {
    const metadata = JSON.parse('{"__proto__": "x", "author": "kim"}') as Record<string, string>
    const tags = JSON.parse('{"constructor": "x"}') as Record<string, string>
    const meta = await world.call('s3.updateMetadata', { profileId: 'aws:main', bucket: site, key: 'robots.txt', system: {}, metadata })
    expect(meta).toMatchObject({
      ok: false,
      error: { code: 'bad-request', message: expect.stringContaining('"__proto__" cannot be used') },
    })
    const tagged = await world.call('s3.putTags', { profileId: 'aws:main', bucket: site, key: 'robots.txt', tags })
    expect(tagged).toMatchObject({
      ok: false,
      error: { code: 'bad-request', message: expect.stringContaining('"constructor" cannot be used') },
    })
  })

  it('refuses CR, LF and NUL in header values naming the field, and non-ASCII where headers cannot carry it', async () => {
    const base = { profileId: 'aws:main', bucket: site, key: 'robots.txt' }
    const cases = [
      [
        { system: { contentType: 'text/plain\r\nx-evil: 1' }, metadata: {} },
        'system.contentType: contentType must not contain line breaks',
      ],
      [{ system: { contentEncoding: 'gzip\u0000' }, metadata: {} }, 'system.contentEncoding: contentEncoding must not contain line breaks'],
      [{ system: {}, metadata: { note: 'a\nb' } }, 'metadata.note: metadata value must not contain line breaks'],
      [{ system: { cacheControl: '최대' }, metadata: {} }, 'system.cacheControl: cacheControl may contain only printable ASCII'],
    ] as const
    for (const [input, message] of cases) {
      const result = await world.call('s3.updateMetadata', { ...base, ...input })
      expect(result).toMatchObject({ ok: false, error: { code: 'bad-request', message: expect.stringContaining(message) } })
    }
  })

  it('refuses a session token with a line break or non-ASCII for a Haneul profile', async () => {
    const profile = {
      name: 'token test',
      region: 'us-east-1',
      accessKeyId: 'AKIAEXAMPLE000000001',
      secret: 'secret-secret',
      acceptWeakStorage: true,
    }
    for (const sessionToken of ['abc\r\ndef', 'abc def', '토큰']) {
      const result = await world.call('profiles.add', { ...profile, sessionToken })
      expect(result).toMatchObject({
        ok: false,
        error: { code: 'bad-request', message: expect.stringContaining('session token must be printable ASCII') },
      })
    }
  })

  it('says which prices an unknown region gets, and refuses a bandwidth too small to work', async () => {
    const prices = await world.ok<{ region: string; fallbackNote?: string }>('app.storageClasses', { region: 'xx-nowhere-9' })
    expect(prices.region).toBe('us-east-1')
    expect(prices.fallbackNote).toContain('no prices for "xx-nowhere-9"')
    const known = await world.ok<{ fallbackNote?: string }>('app.storageClasses', { region: 'eu-west-1' })
    expect(known.fallbackNote).toBeUndefined()
    for (const maxBandwidthMiBps of [1e-9, 0.05]) {
      const result = await world.call('transfers.updateSettings', { concurrency: 8, partSizeMiB: 8, maxBandwidthMiBps })
      expect(result).toMatchObject({ ok: false, error: { code: 'bad-request', message: expect.stringContaining('at least 0.1 MiB/s') } })
    }
    await world.ok('transfers.updateSettings', { concurrency: 8, partSizeMiB: 8, maxBandwidthMiBps: 0 })
  })

  it('drags out a key with control characters under a file name without them', async () => {
    const { downloadUrl } = await world.ok<{ downloadUrl: string }>('transfers.dragOut', {
      profileId: 'aws:main',
      bucket: site,
      key: 'odd/a\u0001b\u007fc:d.txt',
    })
    const [, name] = /^application\/octet-stream:([^:]*):http/.exec(downloadUrl) ?? []
    expect(name).toBe('a_b_c_d.txt')
  })

  it('aborts many uploads in parallel and copies many keys without a MaxListenersExceededWarning', async () => {
    const client = await world.harness.services.clients.s3('aws:main')
    const warnings: string[] = []
    const onWarning = (warning: Error) => void warnings.push(warning.name)
    process.on('warning', onWarning)
    try {
      const keys = Array.from({ length: 40 }, (_, i) => `many/k${i}.txt`)
      await Promise.all(keys.map((Key) => client.send(new PutObjectCommand({ Bucket: site, Key, Body: Key }))))
      const { jobId } = await world.ok<{ jobId: string }>('s3.copy', {
        profileId: 'aws:main',
        bucket: site,
        keys,
        destination: { profileId: 'aws:main', bucket: site, prefix: 'many-copy/' },
        onConflict: 'overwrite',
      })
      expect((await world.job(jobId)).state).toBe('done')
      const uploads = Array.from({ length: 300 }, (_, i) => ({ key: `many/k${i % 40}.txt`, uploadId: `missing-${i}` }))
      const aborted = await world.ok<{ aborted: number; failures: unknown[] }>('s3.abortMultipartUploads', {
        profileId: 'aws:main',
        bucket: site,
        uploads,
      })
      // Uploads already gone count as aborted.
      expect(aborted).toEqual({ aborted: 300, failures: [] })
      // They ran as a job: the jobs panel saw them counted as they went.
      const done = world.harness.events.find((e) => e.type === 'job.done' && e.job.kind === 'abort-uploads')
      expect(done?.type === 'job.done' && done.job).toMatchObject({ state: 'done', total: 300, done: 300, failureCount: 0 })
      // Let the process emit any warning it queued.
      await new Promise((resolve) => setImmediate(resolve))
      expect(warnings).not.toContain('MaxListenersExceededWarning')
    } finally {
      process.off('warning', onWarning)
    }
  })
})
