/**
 * The contract's s3.* operations, wired to the S3 services. Listings go through OfflineFirst so they are
 * snapshotted and served offline; every other call goes through OfflineFirst.network so it still
 * reports its outcome to connectivity. S3's own refusals are explained before they cross.
 */
import type { S3Client } from '@aws-sdk/client-s3'
import type { JobRunner } from '../jobs/job-runner'
import type { OfflineFirst } from '../offline/offline-first'
import type { Handlers, ModuleOf } from '../router'
import * as buckets from './buckets'
import * as bulk from './bulk'
import { s3Config, type S3Config } from './config'
import { rethrowExplained } from './errors'
import * as uploads from './multipart-uploads'
import * as objects from './objects'
import { presignGet } from './presign'
import { S3Service, type S3ClientSource } from './s3-service'
import { searchObjects } from './search'

export interface S3HandlerDeps {
  clients: S3ClientSource
  offline: OfflineFirst
  /** Runs copy, move and delete jobs. */
  jobs: JobRunner
  /** Puts text on the OS clipboard (presigned URLs). */
  writeClipboard: (text: string) => Promise<void>
  log: (message: string) => void
  config?: Partial<S3Config>
}

export function createS3Handlers({ clients, offline, jobs, writeClipboard, config: overrides }: S3HandlerDeps): Handlers['s3'] {
  const s3 = new S3Service(clients)
  const config = s3Config(overrides)
  /** A network call of the profile, with its S3 client; S3's refusals explained. */
  const call = <T>(profileId: string, work: (client: S3Client) => Promise<T>): Promise<T> =>
    offline.network(profileId, async () => work(await clients.s3(profileId)).catch(rethrowExplained))
  const bulkDeps: bulk.BulkDeps = { clients, config, jobs, network: (profileId, work) => offline.network(profileId, work) }

  return {
    listBuckets: async ({ profileId, source }, { signal }) =>
      offline.listing(profileId, 'buckets', source, async () => ({
        buckets: await s3.listBuckets(profileId, signal).catch(rethrowExplained),
      })),
    listObjects: async ({ source, ...input }, { signal }) =>
      offline.listing(
        input.profileId,
        `objects\n${input.bucket}\n${input.prefix}\n${input.delimiter ?? ''}\n${input.nextToken ?? ''}\n${input.pageSize}`,
        source,
        () => s3.listObjects(input, signal).catch(rethrowExplained),
      ),
    createBucket: async ({ profileId, bucket, region }) => call(profileId, (client) => buckets.createBucket(client, bucket, region)),
    deleteBucket: async ({ profileId, bucket, confirm }) => call(profileId, (client) => buckets.deleteBucket(client, bucket, confirm)),
    bucketInfo: async ({ profileId, bucket }) => call(profileId, (client) => buckets.bucketInfo(client, bucket)),
    searchObjects: async ({ profileId, ...input }, { signal }) => call(profileId, (client) => searchObjects(client, input, signal)),
    listVersions: async ({ profileId, ...input }, { signal }) => call(profileId, (client) => objects.listVersions(client, input, signal)),
    objectDetails: async ({ profileId, ...ref }) => call(profileId, (client) => objects.objectDetails(client, ref)),
    updateMetadata: async ({ profileId, bucket, key, system, metadata }, { signal }) =>
      call(profileId, (client) => objects.updateMetadata(client, config, { bucket, key }, system, metadata, signal)),
    putTags: async ({ profileId, tags, ...ref }) => call(profileId, (client) => objects.putTags(client, ref, tags)),
    changeStorageClass: async ({ profileId, bucket, key, storageClass }, { signal }) =>
      call(profileId, (client) => objects.changeStorageClass(client, config, { bucket, key }, storageClass, signal)),
    restoreObject: async ({ profileId, days, tier, ...ref }) => call(profileId, (client) => objects.restoreObject(client, ref, days, tier)),
    presignGet: async ({ profileId, copyToClipboard, ...input }) => {
      const presigned = await call(profileId, (client) => presignGet(client, input))
      if (copyToClipboard) await writeClipboard(presigned.url)
      // A session token in the URL is a credential: the page sees the URL with it blanked out.
      const redacted = presigned.url.replace(/([?&]X-Amz-Security-Token=)[^&]*/, '$1…')
      return { ...presigned, url: redacted, redacted: redacted !== presigned.url }
    },
    createFolder: async ({ profileId, bucket, prefix }) => call(profileId, (client) => objects.createFolder(client, bucket, prefix)),
    copy: async (input) => bulk.startCopy(bulkDeps, input, false),
    move: async (input) => bulk.startCopy(bulkDeps, input, true),
    rename: async ({ profileId, ...input }, { signal }) => call(profileId, (client) => bulk.rename(client, config, input, signal)),
    delete: async (input) => bulk.startDelete(bulkDeps, input),
    countPrefix: async ({ profileId, bucket, prefixes }, { signal }) =>
      call(profileId, (client) => bulk.countPrefixes(client, bucket, prefixes, signal)),
    listMultipartUploads: async ({ profileId, bucket }, { signal }) =>
      call(profileId, (client) => uploads.listMultipartUploads(client, config, bucket, signal)),
    // Thousands of aborts run as a job, so the jobs panel shows their progress; the reply still has the outcome.
    abortMultipartUploads: async ({ profileId, bucket, uploads: list }, { signal }) =>
      call(profileId, (client) =>
        jobs.startAndWait('abort-uploads', profileId, bucket, signal, (context) =>
          uploads.abortMultipartUploads(client, config, bucket, list, context.signal, context),
        ),
      ),
    addAbortIncompleteRule: async ({ profileId, bucket, days }) =>
      call(profileId, (client) => uploads.addAbortIncompleteRule(client, bucket, days)),
  }
}

/** The S3 module: its handlers (S3 holds nothing that needs closing; bulk jobs belong to jobs/). */
export function createS3Module(deps: S3HandlerDeps): ModuleOf<'s3'> {
  return { handlers: createS3Handlers(deps) }
}
