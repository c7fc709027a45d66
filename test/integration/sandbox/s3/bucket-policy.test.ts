/**
 * Get/Put/DeleteBucketPolicy on the S3 emulator with the real SDK: the policy comes back byte for byte,
 * survives a restart of the emulator, and S3's refusals (malformed JSON, a resource of another bucket,
 * no policy yet) arrive as the SDK's named errors.
 */
import { CreateBucketCommand, DeleteBucketPolicyCommand, GetBucketPolicyCommand, PutBucketPolicyCommand } from '@aws-sdk/client-s3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startS3, type RunningS3 } from '../../../helpers/sandbox-s3-harness'

let s3: RunningS3
beforeEach(async () => {
  s3 = await startS3()
  await s3.s3.send(new CreateBucketCommand({ Bucket: 'site' }))
})
afterEach(async () => s3.close())

const policy = (resource: string) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Service: 'cloudfront.amazonaws.com' }, Action: 's3:GetObject', Resource: resource }],
  })

describe('bucket policy', () => {
  it('stores a policy and returns it as sent, across a restart, until deleted', async () => {
    const text = policy('arn:aws:s3:::site/*')
    await s3.s3.send(new PutBucketPolicyCommand({ Bucket: 'site', Policy: text }))
    expect((await s3.s3.send(new GetBucketPolicyCommand({ Bucket: 'site' }))).Policy).toBe(text)

    await s3.stop()
    const again = await startS3({ dataDir: s3.dataDir })
    s3 = again
    expect((await s3.s3.send(new GetBucketPolicyCommand({ Bucket: 'site' }))).Policy).toBe(text)

    await s3.s3.send(new DeleteBucketPolicyCommand({ Bucket: 'site' }))
    await expect(s3.s3.send(new GetBucketPolicyCommand({ Bucket: 'site' }))).rejects.toMatchObject({
      name: 'NoSuchBucketPolicy',
      message: 'The bucket policy does not exist',
    })
  })

  it('refuses what S3 refuses, and keeps the policy it had', async () => {
    const text = policy('arn:aws:s3:::site/*')
    await s3.s3.send(new PutBucketPolicyCommand({ Bucket: 'site', Policy: text }))
    await expect(s3.s3.send(new PutBucketPolicyCommand({ Bucket: 'site', Policy: 'not json' }))).rejects.toMatchObject({
      name: 'MalformedPolicy',
    })
    await expect(s3.s3.send(new PutBucketPolicyCommand({ Bucket: 'site', Policy: policy('arn:aws:s3:::other/*') }))).rejects.toMatchObject({
      name: 'MalformedPolicy',
      message: 'Policy has invalid resource',
    })
    await expect(s3.s3.send(new PutBucketPolicyCommand({ Bucket: 'site', Policy: '{"Version":"2012-10-17"}' }))).rejects.toMatchObject({
      message: 'Missing required field Statement',
    })
    await expect(s3.s3.send(new GetBucketPolicyCommand({ Bucket: 'missing' }))).rejects.toMatchObject({ name: 'NoSuchBucket' })
    expect((await s3.s3.send(new GetBucketPolicyCommand({ Bucket: 'site' }))).Policy).toBe(text)
  })
})
