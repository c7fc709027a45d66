/**
 * Versioning, DeleteObjects, tagging, lifecycle configuration and the Glacier restore lifecycle (with an
 * injected clock), through the real SDK.
 */
import {
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteBucketLifecycleCommand,
  DeleteBucketTaggingCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  DeleteObjectTaggingCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketTaggingCommand,
  GetBucketVersioningCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  PutBucketLifecycleConfigurationCommand,
  PutBucketTaggingCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  PutObjectTaggingCommand,
  RestoreObjectCommand,
  S3ServiceException,
  type ListObjectVersionsCommandOutput,
  type Tag,
} from '@aws-sdk/client-s3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SANDBOX_CREDENTIALS, startS3, type RunningS3 } from '../../../helpers/sandbox-s3-harness'

let now = Date.now()
let s3: RunningS3

beforeAll(async () => {
  s3 = await startS3({ nowMs: () => now, restoreDelayMs: { Expedited: 1_000, Standard: 5_000, Bulk: 20_000 } })
})
afterAll(async () => {
  await s3.close()
})

async function failure(promise: Promise<unknown>): Promise<S3ServiceException> {
  try {
    await promise
  } catch (error) {
    if (error instanceof S3ServiceException) return error
    throw error
  }
  throw new Error('expected the call to fail')
}

describe('versioning', () => {
  const bucket = 'versioned'
  beforeAll(async () => {
    await s3.s3.send(new CreateBucketCommand({ Bucket: bucket }))
  })

  it('keeps versions, hides objects behind delete markers and brings them back', async () => {
    expect((await s3.s3.send(new GetBucketVersioningCommand({ Bucket: bucket }))).Status).toBeUndefined()
    await s3.s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }))
    expect((await s3.s3.send(new GetBucketVersioningCommand({ Bucket: bucket }))).Status).toBe('Enabled')

    const v1 = await s3.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'doc', Body: 'one' }))
    const v2 = await s3.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'doc', Body: 'two' }))
    expect(v1.VersionId).toMatch(/^[A-Za-z0-9._]{32}$/)
    expect(v2.VersionId).not.toBe(v1.VersionId)
    const old = await s3.s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'doc', VersionId: v1.VersionId }))
    expect(await old.Body?.transformToString()).toBe('one')
    expect(old.VersionId).toBe(v1.VersionId)

    const deleted = await s3.s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'doc' }))
    expect(deleted.DeleteMarker).toBe(true)
    const markerId = deleted.VersionId as string
    const hidden = await failure(s3.s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'doc' })))
    expect(hidden.name).toBe('NoSuchKey')
    expect(hidden.$response?.headers['x-amz-delete-marker']).toBe('true')
    const byMarker = await failure(s3.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'doc', VersionId: markerId })))
    expect(byMarker.$metadata.httpStatusCode).toBe(405)
    expect((await s3.s3.send(new ListObjectsV2Command({ Bucket: bucket }))).KeyCount).toBe(0)

    const versions = await s3.s3.send(new ListObjectVersionsCommand({ Bucket: bucket }))
    expect(versions.DeleteMarkers?.map((m) => [m.Key, m.VersionId, m.IsLatest])).toEqual([['doc', markerId, true]])
    expect(versions.Versions?.map((v) => [v.VersionId, v.IsLatest])).toEqual([
      [v2.VersionId, false],
      [v1.VersionId, false],
    ])

    const undeleted = await s3.s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'doc', VersionId: markerId }))
    expect(undeleted.DeleteMarker).toBe(true)
    expect(undeleted.VersionId).toBe(markerId)
    expect(await (await s3.s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'doc' }))).Body?.transformToString()).toBe('two')

    const missing = await failure(s3.s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'doc', VersionId: 'A'.repeat(32) })))
    expect(missing.name).toBe('NoSuchVersion')
    const malformed = await failure(s3.s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'doc', VersionId: 'bad id' })))
    expect(malformed.name).toBe('InvalidArgument')
  })

  it('pages ListObjectVersions across keys and versions', async () => {
    const expected: Array<[string, string]> = []
    for (const key of ['p/a', 'p/b', 'p/c']) {
      const ids: string[] = []
      for (let n = 0; n < 3; n++)
        ids.push((await s3.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: `${key}${n}` }))).VersionId as string)
      ids.push((await s3.s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }))).VersionId as string)
      expected.push(...ids.reverse().map((id): [string, string] => [key, id]))
    }
    const seen: Array<[string, string]> = []
    let keyMarker: string | undefined
    let versionIdMarker: string | undefined
    let pages = 0
    for (;;) {
      const page: ListObjectVersionsCommandOutput = await s3.s3.send(
        new ListObjectVersionsCommand({ Bucket: bucket, Prefix: 'p/', MaxKeys: 5, KeyMarker: keyMarker, VersionIdMarker: versionIdMarker }),
      )
      pages++
      const entries = [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])]
      expect(entries.length).toBeLessThanOrEqual(5)
      // The SDK splits versions and markers; put them back in the document's order (newest first per key).
      const ordered = expected.filter(([key, id]) => entries.some((e) => e.Key === key && e.VersionId === id))
      seen.push(...ordered)
      if (!page.IsTruncated) break
      keyMarker = page.NextKeyMarker
      versionIdMarker = page.NextVersionIdMarker
      expect(keyMarker).toBeTruthy()
    }
    expect(pages).toBe(3)
    expect(seen).toEqual(expected)

    const delimited = await s3.s3.send(new ListObjectVersionsCommand({ Bucket: bucket, Delimiter: '/' }))
    expect(delimited.CommonPrefixes?.map((p) => p.Prefix)).toEqual(['p/'])
  })

  it('writes null versions while suspended and lists unversioned objects as version null', async () => {
    const suspended = 'suspended-bucket'
    await s3.s3.send(new CreateBucketCommand({ Bucket: suspended }))
    await s3.s3.send(new PutObjectCommand({ Bucket: suspended, Key: 'k', Body: 'before versioning' }))
    const listed = await s3.s3.send(new ListObjectVersionsCommand({ Bucket: suspended }))
    expect(listed.Versions?.map((v) => [v.VersionId, v.IsLatest])).toEqual([['null', true]])

    await s3.s3.send(new PutBucketVersioningCommand({ Bucket: suspended, VersioningConfiguration: { Status: 'Enabled' } }))
    const versioned = await s3.s3.send(new PutObjectCommand({ Bucket: suspended, Key: 'k', Body: 'versioned' }))
    await s3.s3.send(new PutBucketVersioningCommand({ Bucket: suspended, VersioningConfiguration: { Status: 'Suspended' } }))
    await s3.s3.send(new PutObjectCommand({ Bucket: suspended, Key: 'k', Body: 'suspended 1' }))
    await s3.s3.send(new PutObjectCommand({ Bucket: suspended, Key: 'k', Body: 'suspended 2' }))
    const after = await s3.s3.send(new ListObjectVersionsCommand({ Bucket: suspended }))
    // The null version was replaced twice; the versioned one survives underneath.
    expect(after.Versions?.map((v) => v.VersionId)).toEqual(['null', versioned.VersionId])
    const head = await s3.s3.send(new HeadObjectCommand({ Bucket: suspended, Key: 'k' }))
    expect(head.VersionId).toBe('null')
    expect(
      await (await s3.s3.send(new GetObjectCommand({ Bucket: suspended, Key: 'k', VersionId: 'null' }))).Body?.transformToString(),
    ).toBe('suspended 2')
  })
})

describe('DeleteObjects', () => {
  it('deletes 1,000 keys in one request and refuses 1,001', async () => {
    const bucket = 'bulk-delete'
    await s3.s3.send(new CreateBucketCommand({ Bucket: bucket }))
    const keys = Array.from({ length: 1000 }, (_, i) => `k/${String(i).padStart(4, '0')} é`)
    for (const key of keys) await s3.emulator.store.putObject(bucket, key, '')
    const out = await s3.s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys.map((Key) => ({ Key })) } }))
    expect(out.Deleted).toHaveLength(1000)
    expect(new Set(out.Deleted?.map((d) => d.Key))).toEqual(new Set(keys))
    expect(out.Errors ?? []).toHaveLength(0)
    expect((await s3.s3.send(new ListObjectsV2Command({ Bucket: bucket }))).KeyCount).toBe(0)

    const tooMany = await failure(
      s3.s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: [...keys, 'one-more'].map((Key) => ({ Key })) } })),
    )
    expect(tooMany.name).toBe('MalformedXML')
  })

  it('reports per-key errors, delete markers and quiet mode', async () => {
    const bucket = 'delete-errors'
    await s3.s3.send(new CreateBucketCommand({ Bucket: bucket }))
    await s3.s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }))
    const put = await s3.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'a', Body: 'x' }))
    const out = await s3.s3.send(
      new DeleteObjectsCommand({
        Bucket: bucket,
        Delete: {
          Objects: [
            { Key: 'a' },
            { Key: 'never-existed' },
            { Key: 'a', VersionId: put.VersionId },
            { Key: 'b', VersionId: 'not a version' },
          ],
        },
      }),
    )
    const deleted = out.Deleted ?? []
    expect(deleted).toHaveLength(3)
    expect(deleted[0]?.DeleteMarker).toBe(true)
    expect(deleted[0]?.DeleteMarkerVersionId).toMatch(/^[A-Za-z0-9._]{32}$/)
    expect(deleted[1]?.Key).toBe('never-existed')
    expect(deleted[2]).toMatchObject({ Key: 'a', VersionId: put.VersionId })
    expect(out.Errors?.map((e) => [e.Key, e.Code])).toEqual([['b', 'NoSuchVersion']])

    const quiet = await s3.s3.send(
      new DeleteObjectsCommand({ Bucket: bucket, Delete: { Quiet: true, Objects: [{ Key: 'q1' }, { Key: 'q2' }] } }),
    )
    expect(quiet.Deleted ?? []).toHaveLength(0)

    s3.credentials.add({
      accessKeyId: 'AKIANODELETE00000001',
      secretAccessKey: 'no-delete-secret',
      arn: 'arn:aws:iam::123456789012:user/reader',
      deniedActions: ['s3:DeleteObject'],
    })
    const reader = s3.client({ credentials: { accessKeyId: 'AKIANODELETE00000001', secretAccessKey: 'no-delete-secret' } })
    const denied = await reader.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: [{ Key: 'a' }, { Key: 'c' }] } }))
    expect(denied.Errors?.map((e) => [e.Key, e.Code])).toEqual([
      ['a', 'AccessDenied'],
      ['c', 'AccessDenied'],
    ])
  })
})

describe('tagging and lifecycle', () => {
  const bucket = 'tagged'
  beforeAll(async () => {
    await s3.s3.send(new CreateBucketCommand({ Bucket: bucket }))
    await s3.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'obj', Body: 'x' }))
  })
  const tags = (n: number): Tag[] => Array.from({ length: n }, (_, i) => ({ Key: `key${i}`, Value: `value ${i}` }))
  const putTags = (TagSet: Tag[]) => s3.s3.send(new PutObjectTaggingCommand({ Bucket: bucket, Key: 'obj', Tagging: { TagSet } }))

  it('stores object tags within S3 limits', async () => {
    await putTags(tags(10))
    const got = await s3.s3.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: 'obj' }))
    expect(got.TagSet).toEqual(tags(10))
    expect((await failure(putTags(tags(11)))).name).toBe('BadRequest')
    expect((await failure(putTags([{ Key: 'k'.repeat(129), Value: 'v' }]))).name).toBe('InvalidTag')
    expect((await failure(putTags([{ Key: 'k', Value: 'v'.repeat(257) }]))).name).toBe('InvalidTag')
    expect(
      (
        await failure(
          putTags([
            { Key: 'same', Value: '1' },
            { Key: 'same', Value: '2' },
          ]),
        )
      ).name,
    ).toBe('InvalidTag')
    expect((await failure(putTags([{ Key: 'aws:reserved', Value: '1' }]))).name).toBe('InvalidTag')
    await putTags([{ Key: 'k'.repeat(128), Value: 'v'.repeat(256) }])
    expect((await s3.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'obj' }))).TagCount).toBe(1)
    await s3.s3.send(new DeleteObjectTaggingCommand({ Bucket: bucket, Key: 'obj' }))
    expect((await s3.s3.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: 'obj' }))).TagSet).toEqual([])
    const header = await failure(
      s3.s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: 'x',
          Body: 'x',
          Tagging: tags(11)
            .map((t) => `${t.Key}=${t.Value}`)
            .join('&'),
        }),
      ),
    )
    expect(header.name).toBe('BadRequest')
  })

  it('stores bucket tags', async () => {
    expect((await failure(s3.s3.send(new GetBucketTaggingCommand({ Bucket: bucket })))).name).toBe('NoSuchTagSet')
    await s3.s3.send(new PutBucketTaggingCommand({ Bucket: bucket, Tagging: { TagSet: [{ Key: 'team', Value: 'web' }] } }))
    expect((await s3.s3.send(new GetBucketTaggingCommand({ Bucket: bucket }))).TagSet).toEqual([{ Key: 'team', Value: 'web' }])
    await s3.s3.send(new DeleteBucketTaggingCommand({ Bucket: bucket }))
    expect((await failure(s3.s3.send(new GetBucketTaggingCommand({ Bucket: bucket })))).name).toBe('NoSuchTagSet')
  })

  it('returns lifecycle rules as stored', async () => {
    expect((await failure(s3.s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: bucket })))).name).toBe(
      'NoSuchLifecycleConfiguration',
    )
    const rules = [
      {
        ID: 'abort-uploads',
        Status: 'Enabled' as const,
        Filter: { Prefix: '' },
        AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
      },
      {
        ID: 'archive-logs',
        Status: 'Enabled' as const,
        Filter: { And: { Prefix: 'logs/', Tags: [{ Key: 'archive', Value: 'yes' }] } },
        Transitions: [{ Days: 30, StorageClass: 'GLACIER' as const }],
        Expiration: { Days: 365 },
        NoncurrentVersionExpiration: { NoncurrentDays: 10 },
      },
      { ID: 'off', Status: 'Disabled' as const, Filter: { Prefix: 'tmp/' }, Expiration: { Days: 1 } },
    ]
    await s3.s3.send(new PutBucketLifecycleConfigurationCommand({ Bucket: bucket, LifecycleConfiguration: { Rules: rules } }))
    const got = await s3.s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: bucket }))
    expect(got.Rules).toEqual(rules)
    const duplicate = await failure(
      s3.s3.send(
        new PutBucketLifecycleConfigurationCommand({
          Bucket: bucket,
          LifecycleConfiguration: { Rules: [rules[2] as (typeof rules)[2], rules[2] as (typeof rules)[2]] },
        }),
      ),
    )
    expect(duplicate.name).toBe('InvalidArgument')
    await s3.s3.send(new DeleteBucketLifecycleCommand({ Bucket: bucket }))
    expect((await failure(s3.s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: bucket })))).name).toBe(
      'NoSuchLifecycleConfiguration',
    )
  })

  it('keeps the transition size default a PUT sets, answers the default otherwise, and refuses other values', async () => {
    const Rules = [
      { ID: 'ia', Status: 'Enabled' as const, Filter: { Prefix: 'a/' }, Transitions: [{ Days: 30, StorageClass: 'STANDARD_IA' as const }] },
    ]
    const put = (value?: string) =>
      s3.s3.send(
        new PutBucketLifecycleConfigurationCommand({
          Bucket: bucket,
          LifecycleConfiguration: { Rules },
          ...(value ? { TransitionDefaultMinimumObjectSize: value as 'varies_by_storage_class' } : {}),
        }),
      )
    const sizeDefault = async () =>
      (await s3.s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: bucket }))).TransitionDefaultMinimumObjectSize
    expect((await put('varies_by_storage_class')).TransitionDefaultMinimumObjectSize).toBe('varies_by_storage_class')
    expect(await sizeDefault()).toBe('varies_by_storage_class')
    await put()
    expect(await sizeDefault()).toBe('all_storage_classes_128K')
    expect((await failure(put('all_of_them'))).name).toBe('InvalidArgument')
    expect(await sizeDefault()).toBe('all_storage_classes_128K')
    await s3.s3.send(new DeleteBucketLifecycleCommand({ Bucket: bucket }))
  })
})

describe('archive storage classes', () => {
  const bucket = 'archive'
  const DAY = 24 * 3600 * 1000

  it('restores a GLACIER object on the emulator clock and lets it expire', async () => {
    await s3.s3.send(new CreateBucketCommand({ Bucket: bucket }))
    await s3.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'frozen', Body: 'cold data', StorageClass: 'GLACIER' }))
    const head = await s3.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'frozen' }))
    expect(head.StorageClass).toBe('GLACIER')
    expect(head.Restore).toBeUndefined()
    const locked = await failure(s3.s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'frozen' })))
    expect(locked.name).toBe('InvalidObjectState')
    expect(locked.$metadata.httpStatusCode).toBe(403)
    expect(
      (await failure(s3.s3.send(new CopyObjectCommand({ Bucket: bucket, Key: 'thawed-copy', CopySource: `${bucket}/frozen` })))).name,
    ).toBe('InvalidObjectState')

    const started = await s3.s3.send(
      new RestoreObjectCommand({ Bucket: bucket, Key: 'frozen', RestoreRequest: { Days: 2, GlacierJobParameters: { Tier: 'Standard' } } }),
    )
    expect(started.$metadata.httpStatusCode).toBe(202)
    expect((await s3.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'frozen' }))).Restore).toBe('ongoing-request="true"')
    const again = await failure(s3.s3.send(new RestoreObjectCommand({ Bucket: bucket, Key: 'frozen', RestoreRequest: { Days: 2 } })))
    expect(again.name).toBe('RestoreAlreadyInProgress')
    expect(again.$metadata.httpStatusCode).toBe(409)

    now += 5_001
    const restored = await s3.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'frozen' }))
    expect(restored.Restore).toMatch(/^ongoing-request="false", expiry-date="\w{3}, \d{2} \w{3} \d{4} 00:00:00 GMT"$/)
    const expiry = Date.parse(/expiry-date="([^"]+)"/.exec(restored.Restore as string)?.[1] as string)
    expect(expiry).toBeGreaterThanOrEqual(now + 2 * DAY - 5_001)
    expect(expiry).toBeLessThanOrEqual(now + 3 * DAY)
    expect(await (await s3.s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'frozen' }))).Body?.transformToString()).toBe('cold data')
    const extended = await s3.s3.send(new RestoreObjectCommand({ Bucket: bucket, Key: 'frozen', RestoreRequest: { Days: 5 } }))
    expect(extended.$metadata.httpStatusCode).toBe(200)

    // Days later the restored copy is gone again; the SDK corrects its clock from the server's Date.
    now += 7 * DAY
    const skewed = s3.client({ credentials: SANDBOX_CREDENTIALS })
    expect((await skewed.send(new HeadObjectCommand({ Bucket: bucket, Key: 'frozen' }))).Restore).toBeUndefined()
    expect((await failure(skewed.send(new GetObjectCommand({ Bucket: bucket, Key: 'frozen' })))).name).toBe('InvalidObjectState')
  })

  it('refuses to restore objects that are not archived', async () => {
    await s3.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'warm', Body: 'x', StorageClass: 'STANDARD_IA' }))
    const error = await failure(s3.s3.send(new RestoreObjectCommand({ Bucket: bucket, Key: 'warm', RestoreRequest: { Days: 1 } })))
    expect(error.name).toBe('InvalidObjectState')
    const deep = await s3.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'deep', Body: 'x', StorageClass: 'DEEP_ARCHIVE' }))
    expect(deep.ETag).toBeTruthy()
    const bulk = await s3.s3.send(
      new RestoreObjectCommand({ Bucket: bucket, Key: 'deep', RestoreRequest: { Days: 1, GlacierJobParameters: { Tier: 'Bulk' } } }),
    )
    expect(bulk.$metadata.httpStatusCode).toBe(202)
    expect(s3.emulator.store.bucketStats(bucket).byStorageClass.DEEP_ARCHIVE).toEqual({ bytes: 1, objects: 1 })
  })
})
