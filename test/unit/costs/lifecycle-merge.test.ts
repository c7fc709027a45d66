/** Merging a rule into a bucket's lifecycle configuration keeps every existing rule exactly, and the diff restores the old one. */
import { PutBucketLifecycleConfigurationCommand, S3Client, type LifecycleRule } from '@aws-sdk/client-s3'
import { HttpResponse, type HttpRequest } from '@smithy/protocol-http'
import { Readable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import {
  LifecycleMergeError,
  mergeLifecycleRule,
  restoreFromDiff,
  type LifecycleConfiguration,
} from '../../../src-main/costs/lifecycle-merge'
import { whatIfLifecycleRule } from '../../../src-main/costs/what-if'

/** A configuration as GetBucketLifecycleConfiguration returns it, with unusual key orders and every action kind. */
function existing(): LifecycleConfiguration {
  return {
    Rules: [
      {
        Status: 'Enabled',
        ID: 'logs',
        Filter: { And: { Tags: [{ Key: 'a', Value: '1' }], Prefix: 'logs/', ObjectSizeGreaterThan: 1024 } },
        Transitions: [
          { StorageClass: 'STANDARD_IA', Days: 30 },
          { Days: 365, StorageClass: 'DEEP_ARCHIVE' },
        ],
        Expiration: { Days: 3650 },
      },
      {
        ID: 'dated',
        Prefix: 'legacy/',
        Status: 'Disabled',
        Expiration: { Date: new Date('2030-01-01T00:00:00.000Z') },
        Transitions: [{ Date: new Date('2027-01-01T00:00:00.000Z'), StorageClass: 'GLACIER' }],
      },
      {
        ID: 'versions',
        Filter: { Prefix: '' },
        Status: 'Enabled',
        NoncurrentVersionTransitions: [{ NoncurrentDays: 30, StorageClass: 'GLACIER_IR', NewerNoncurrentVersions: 2 }],
        NoncurrentVersionExpiration: { NewerNoncurrentVersions: 3, NoncurrentDays: 90 },
        AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
        Expiration: { ExpiredObjectDeleteMarker: true },
      },
    ],
    TransitionDefaultMinimumObjectSize: 'all_storage_classes_128K',
  }
}

const newRule = whatIfLifecycleRule('haneul-to-glacier', { prefix: 'img/', olderThanDays: 90, target: 'GLACIER' })

/** The XML body the real SDK serializer would PUT (the transport only records it). */
async function putBody(config: LifecycleConfiguration): Promise<string> {
  let body = ''
  const client = new S3Client({
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    requestHandler: {
      handle: async (request: HttpRequest) => {
        body = String(request.body)
        return { response: new HttpResponse({ statusCode: 200, headers: {}, body: Readable.from([]) }) }
      },
    },
  })
  await client.send(new PutBucketLifecycleConfigurationCommand({ Bucket: 'b', LifecycleConfiguration: { Rules: config.Rules ?? [] } }))
  return body
}

describe('lifecycle merge', () => {
  it('keeps every existing rule deep-equal, in the same key order, Dates as Dates, and appends the new one', () => {
    const before = existing()
    const snapshot = JSON.stringify(before)
    const { merged } = mergeLifecycleRule(before, newRule)
    expect(merged.Rules).toHaveLength(4)
    existing().Rules!.forEach((rule, i) => {
      expect(merged.Rules![i]).toStrictEqual(rule)
      expect(JSON.stringify(merged.Rules![i])).toBe(JSON.stringify(rule))
    })
    expect((merged.Rules![1]!.Expiration!.Date as Date).getTime()).toBe(Date.UTC(2030, 0, 1))
    expect(merged.Rules![3]).toStrictEqual(newRule)
    expect(merged.TransitionDefaultMinimumObjectSize).toBe('all_storage_classes_128K')
    // The caller's configuration is untouched, and the merged one shares nothing with it.
    expect(JSON.stringify(before)).toBe(snapshot)
    merged.Rules![0]!.Status = 'Disabled'
    expect(before.Rules![0]!.Status).toBe('Enabled')
  })

  it('puts the existing rules byte for byte in the request body', async () => {
    const beforeBody = await putBody(existing())
    const afterBody = await putBody(mergeLifecycleRule(existing(), newRule).merged)
    const end = '</LifecycleConfiguration>'
    expect(beforeBody).toContain('<ID>logs</ID>')
    expect(afterBody.startsWith(beforeBody.slice(0, beforeBody.lastIndexOf(end)))).toBe(true)
    expect(afterBody.slice(beforeBody.lastIndexOf(end))).toMatch(
      /^<Rule>.*<ID>haneul-to-glacier<\/ID>.*<\/Rule><\/LifecycleConfiguration>$/,
    )
  })

  it('refuses a duplicate ID and loses nothing', () => {
    const before = existing()
    const snapshot = JSON.stringify(before)
    expect(() => mergeLifecycleRule(before, { ...newRule, ID: 'versions' })).toThrow(LifecycleMergeError)
    expect(() => mergeLifecycleRule(before, { ...newRule, ID: 'versions' })).toThrow(
      'a lifecycle rule with ID "versions" already exists: choose another ID',
    )
    expect(JSON.stringify(before)).toBe(snapshot)
  })

  it('refuses a rule S3 would refuse', () => {
    const noId = { ...newRule } as LifecycleRule
    delete noId.ID
    expect(() => mergeLifecycleRule(existing(), noId)).toThrow(/needs an ID/)
    expect(() => mergeLifecycleRule(existing(), { ID: 'x', Filter: { Prefix: '' }, Status: 'Enabled' })).toThrow(/no action/)
    expect(() =>
      mergeLifecycleRule(existing(), { ID: 'x', Filter: { Prefix: '' }, Prefix: 'a', Status: 'Enabled', Expiration: { Days: 1 } }),
    ).toThrow(/exactly one of Filter or Prefix/)
    const full = {
      Rules: Array.from({ length: 1000 }, (_, i) => ({
        ID: `r${i}`,
        Filter: { Prefix: `${i}/` },
        Status: 'Enabled',
        Expiration: { Days: 1 },
      })),
    }
    expect(() => mergeLifecycleRule(full as LifecycleConfiguration, newRule)).toThrow(/already has 1000 lifecycle rules/)
  })

  it('shows a diff that adds only the new rule, and restores the old configuration from it', () => {
    const { diff } = mergeLifecycleRule(existing(), newRule)
    expect(diff.added).toEqual([{ index: 3, rule: newRule }])
    expect(diff.lines.filter((l) => l.kind === 'removed')).toEqual([])
    const added = diff.lines.filter((l) => l.kind === 'added').map((l) => l.text)
    expect(added[0]).toBe('    },')
    expect(added.join('\n')).toContain('"ID": "haneul-to-glacier"')
    // Every line of the old configuration's JSON is still there, in order.
    const kept = diff.lines.filter((l) => l.kind !== 'added').map((l) => l.text)
    expect(kept).toEqual(JSON.stringify(existing(), null, 2).split('\n'))
    const restored = restoreFromDiff(diff)
    expect(restored).toStrictEqual(existing())
    expect(JSON.stringify(restored)).toBe(JSON.stringify(existing()))
  })

  it('starts a configuration for a bucket that has none', () => {
    const { merged, diff } = mergeLifecycleRule(undefined, newRule)
    expect(merged).toStrictEqual({ Rules: [newRule] })
    expect(restoreFromDiff(diff)).toStrictEqual({ Rules: [] })
  })
})
