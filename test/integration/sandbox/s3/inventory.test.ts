/**
 * The S3 emulator's bucket inventory configurations through the real SDK: PUT/GET round trip as sent,
 * S3's refusals (id mismatch, missing elements, unknown format or field, a bad destination ARN), 404
 * NoSuchConfiguration, paging of the list (100 a page), delete.
 */
import {
  CreateBucketCommand,
  DeleteBucketInventoryConfigurationCommand,
  GetBucketInventoryConfigurationCommand,
  ListBucketInventoryConfigurationsCommand,
  PutBucketInventoryConfigurationCommand,
  type InventoryConfiguration,
} from '@aws-sdk/client-s3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startS3, type RunningS3 } from '../../../helpers/sandbox-s3-harness'

let s3: RunningS3
const bucket = 'inventory-source'

const configuration = (id: string, overrides: Partial<InventoryConfiguration> = {}): InventoryConfiguration => ({
  Id: id,
  IsEnabled: true,
  IncludedObjectVersions: 'Current',
  Destination: { S3BucketDestination: { Bucket: 'arn:aws:s3:::inventory-reports', Format: 'CSV', Prefix: 'reports' } },
  Filter: { Prefix: 'media/' },
  OptionalFields: ['Size', 'LastModifiedDate', 'StorageClass', 'IntelligentTieringAccessTier'],
  Schedule: { Frequency: 'Daily' },
  ...overrides,
})

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected the request to fail')
    },
    (error: { name: string; message: string; $metadata: { httpStatusCode?: number } }) => error,
  )

beforeAll(async () => {
  s3 = await startS3()
  await s3.s3.send(new CreateBucketCommand({ Bucket: bucket }))
})
afterAll(async () => {
  await s3?.close()
})

describe('bucket inventory configurations', () => {
  it('returns a configuration exactly as it was put', async () => {
    const sent = configuration('daily-media')
    await s3.s3.send(new PutBucketInventoryConfigurationCommand({ Bucket: bucket, Id: 'daily-media', InventoryConfiguration: sent }))
    const got = await s3.s3.send(new GetBucketInventoryConfigurationCommand({ Bucket: bucket, Id: 'daily-media' }))
    expect(got.InventoryConfiguration).toEqual(sent)
    // A second PUT with the same id replaces it.
    const weekly = configuration('daily-media', { Schedule: { Frequency: 'Weekly' }, IsEnabled: false })
    await s3.s3.send(new PutBucketInventoryConfigurationCommand({ Bucket: bucket, Id: 'daily-media', InventoryConfiguration: weekly }))
    const again = await s3.s3.send(new GetBucketInventoryConfigurationCommand({ Bucket: bucket, Id: 'daily-media' }))
    expect(again.InventoryConfiguration).toEqual(weekly)
  })

  it('refuses what S3 refuses, and keeps nothing of it', async () => {
    const put = (id: string, config: InventoryConfiguration) =>
      failure(s3.s3.send(new PutBucketInventoryConfigurationCommand({ Bucket: bucket, Id: id, InventoryConfiguration: config })))
    const mismatch = await put('one', configuration('two'))
    expect([mismatch.name, mismatch.$metadata.httpStatusCode]).toEqual(['InvalidArgument', 400])
    const format = await put(
      'x',
      configuration('x', { Destination: { S3BucketDestination: { Bucket: 'arn:aws:s3:::r', Format: 'JSON' as 'CSV' } } }),
    )
    expect(format.name).toBe('MalformedXML')
    const field = await put('y', configuration('y', { OptionalFields: ['Size', 'Colour' as 'Size'] }))
    expect(field.name).toBe('MalformedXML')
    const arn = await put('z', configuration('z', { Destination: { S3BucketDestination: { Bucket: 'inventory-reports', Format: 'CSV' } } }))
    expect(arn.name).toBe('InvalidArgument')
    const noSchedule = await put('w', { ...configuration('w'), Schedule: undefined })
    expect(noSchedule.name).toBe('MalformedXML')
    for (const id of ['one', 'two', 'x', 'y', 'z', 'w']) {
      const missing = await failure(s3.s3.send(new GetBucketInventoryConfigurationCommand({ Bucket: bucket, Id: id })))
      expect([missing.name, missing.$metadata.httpStatusCode, missing.message]).toEqual([
        'NoSuchConfiguration',
        404,
        'The specified configuration does not exist.',
      ])
    }
  })

  it('lists 100 configurations a page, in id order, with a continuation token', async () => {
    const other = 'inventory-many'
    await s3.s3.send(new CreateBucketCommand({ Bucket: other }))
    const ids = Array.from({ length: 150 }, (_, i) => `cfg-${String(i).padStart(3, '0')}`)
    for (const id of [...ids].reverse())
      await s3.s3.send(new PutBucketInventoryConfigurationCommand({ Bucket: other, Id: id, InventoryConfiguration: configuration(id) }))
    const first = await s3.s3.send(new ListBucketInventoryConfigurationsCommand({ Bucket: other }))
    expect(first.IsTruncated).toBe(true)
    expect(first.InventoryConfigurationList?.map((c) => c.Id)).toEqual(ids.slice(0, 100))
    const second = await s3.s3.send(
      new ListBucketInventoryConfigurationsCommand({ Bucket: other, ContinuationToken: first.NextContinuationToken }),
    )
    expect(second.IsTruncated).toBe(false)
    expect(second.NextContinuationToken).toBeUndefined()
    expect(second.ContinuationToken).toBe(first.NextContinuationToken)
    expect(second.InventoryConfigurationList?.map((c) => c.Id)).toEqual(ids.slice(100))
    expect(second.InventoryConfigurationList?.[0]).toEqual(configuration(ids[100]!))
  })

  it('deletes a configuration; deleting it again is NoSuchConfiguration', async () => {
    await s3.s3.send(
      new PutBucketInventoryConfigurationCommand({ Bucket: bucket, Id: 'gone', InventoryConfiguration: configuration('gone') }),
    )
    await s3.s3.send(new DeleteBucketInventoryConfigurationCommand({ Bucket: bucket, Id: 'gone' }))
    const listed = await s3.s3.send(new ListBucketInventoryConfigurationsCommand({ Bucket: bucket }))
    expect(listed.InventoryConfigurationList?.map((c) => c.Id)).toEqual(['daily-media'])
    const again = await failure(s3.s3.send(new DeleteBucketInventoryConfigurationCommand({ Bucket: bucket, Id: 'gone' })))
    expect(again.name).toBe('NoSuchConfiguration')
  })
})
