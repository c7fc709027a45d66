/**
 * Incomplete multipart uploads: their parts are stored (and billed) until the upload is completed or
 * aborted, yet no object listing shows them. Lists them with what they hold and cost, aborts them, and
 * adds the lifecycle rule that aborts them automatically.
 */
import {
  AbortMultipartUploadCommand,
  ListMultipartUploadsCommand,
  ListPartsCommand,
  PutBucketLifecycleConfigurationCommand,
  type S3Client,
  type TransitionDefaultMinimumObjectSize,
} from '@aws-sdk/client-s3'
import { multipartPartsMonthlyUsd, PRICE_TABLE_DATE } from '../costs/prices'
import { forEachLimit } from '../core/pool'
import { ABORT_RULE_ID, bucketRegion, lifecycleOf } from './buckets'
import type { S3Config } from './config'
import { keyFailure } from './errors'

export interface UploadSummary {
  key: string
  uploadId: string
  initiatedMs?: number
  storageClass?: string
  parts: number
  bytes: number
}

/** Parts and bytes of one upload, ListParts paged to the end (at most 10,000 parts). */
async function sumParts(
  client: S3Client,
  bucket: string,
  key: string,
  uploadId: string,
  signal: AbortSignal,
): Promise<{ parts: number; bytes: number }> {
  let parts = 0
  let bytes = 0
  let marker: string | undefined
  do {
    const page = await client.send(new ListPartsCommand({ Bucket: bucket, Key: key, UploadId: uploadId, PartNumberMarker: marker }), {
      abortSignal: signal,
    })
    for (const part of page.Parts ?? []) {
      parts++
      bytes += part.Size ?? 0
    }
    marker = page.IsTruncated ? page.NextPartNumberMarker : undefined
  } while (marker)
  return { parts, bytes }
}

/** Up to config.maxUploadsListed uploads (a bucket with more needs the lifecycle rule, not a list). */
export async function listMultipartUploads(
  client: S3Client,
  config: S3Config,
  bucket: string,
  signal: AbortSignal,
): Promise<{ uploads: UploadSummary[]; truncated: boolean; monthlyCostUsd: number; priceTableDate: string }> {
  const uploads: UploadSummary[] = []
  let keyMarker: string | undefined
  let uploadIdMarker: string | undefined
  let truncated = false
  do {
    const page = await client.send(
      new ListMultipartUploadsCommand({
        Bucket: bucket,
        KeyMarker: keyMarker,
        UploadIdMarker: uploadIdMarker,
        MaxUploads: Math.min(1000, config.maxUploadsListed - uploads.length),
      }),
      { abortSignal: signal },
    )
    for (const upload of page.Uploads ?? []) {
      if (upload.Key === undefined || upload.UploadId === undefined) continue
      uploads.push({
        key: upload.Key,
        uploadId: upload.UploadId,
        initiatedMs: upload.Initiated?.getTime(),
        storageClass: upload.StorageClass,
        parts: 0,
        bytes: 0,
      })
    }
    truncated = Boolean(page.IsTruncated) && uploads.length >= config.maxUploadsListed
    const more = page.IsTruncated && uploads.length < config.maxUploadsListed
    keyMarker = more ? page.NextKeyMarker : undefined
    uploadIdMarker = more ? page.NextUploadIdMarker : undefined
  } while (keyMarker)

  await forEachLimit(uploads, config.listPartsConcurrency, signal, async (upload) => {
    Object.assign(upload, await sumParts(client, bucket, upload.key, upload.uploadId, signal))
  })
  const region = await bucketRegion(client, bucket)
  return { uploads, truncated, monthlyCostUsd: multipartPartsMonthlyUsd(region, uploads), priceTableDate: PRICE_TABLE_DATE }
}

/** How an abort of many uploads reports as it goes (a bulk job's context). */
export interface AbortProgress {
  reportTotal(count: number): void
  reportDone(): void
  reportFailure(failure: { key: string; code: string; message: string }): void
}

/**
 * Aborts each upload, `abortConcurrency` at once (S3 has no batch call for it), reporting each as it
 * ends; one already gone (completed or aborted meanwhile) counts as done.
 */
export async function abortMultipartUploads(
  client: S3Client,
  config: S3Config,
  bucket: string,
  uploads: ReadonlyArray<{ key: string; uploadId: string }>,
  signal: AbortSignal,
  progress?: AbortProgress,
): Promise<{ aborted: number; failures: Array<{ key: string; code: string; message: string }> }> {
  let aborted = 0
  const failures: Array<{ key: string; code: string; message: string }> = []
  progress?.reportTotal(uploads.length)
  await forEachLimit(uploads, config.abortConcurrency, signal, async ({ key, uploadId }) => {
    try {
      await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId }), { abortSignal: signal })
      aborted++
      progress?.reportDone()
    } catch (error) {
      if ((error as { name?: string }).name === 'NoSuchUpload') {
        aborted++
        progress?.reportDone()
      } else {
        const failure = keyFailure(key, error)
        failures.push(failure)
        progress?.reportFailure(failure)
      }
    }
  })
  return { aborted, failures }
}

/**
 * Adds Haneul's AbortIncompleteMultipartUpload rule for the whole bucket, or updates its days. The
 * configuration is replaced as a whole by PUT, so every other rule is read first and written back.
 */
export async function addAbortIncompleteRule(client: S3Client, bucket: string, days: number): Promise<{ rules: number }> {
  const current = await lifecycleOf(client, bucket)
  const rules = [
    ...current.rules.filter((rule) => rule.ID !== ABORT_RULE_ID),
    {
      ID: ABORT_RULE_ID,
      Status: 'Enabled' as const,
      Filter: { Prefix: '' },
      AbortIncompleteMultipartUpload: { DaysAfterInitiation: days },
    },
  ]
  await client.send(
    new PutBucketLifecycleConfigurationCommand({
      Bucket: bucket,
      LifecycleConfiguration: { Rules: rules },
      TransitionDefaultMinimumObjectSize: current.transitionDefaultMinimumObjectSize as TransitionDefaultMinimumObjectSize | undefined,
    }),
  )
  return { rules: rules.length }
}
