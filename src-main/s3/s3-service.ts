/** S3 browsing for the storage view: buckets and one page of a prefix at a time. */
import { ListBucketsCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3'
import type { BucketSummary, ObjectPage } from '../api/s3'

export interface S3ClientSource {
  s3(profileId: string): Promise<S3Client>
}

export class S3Service {
  constructor(private readonly clients: S3ClientSource) {}

  async listBuckets(profileId: string, signal?: AbortSignal): Promise<BucketSummary[]> {
    const client = await this.clients.s3(profileId)
    const buckets: BucketSummary[] = []
    let token: string | undefined
    // ListBuckets pages since 2024; older S3-compatible stores ignore the token and return everything.
    do {
      const page = await client.send(new ListBucketsCommand({ MaxBuckets: 1000, ContinuationToken: token }), { abortSignal: signal })
      for (const bucket of page.Buckets ?? []) {
        if (!bucket.Name) continue
        buckets.push({ name: bucket.Name, region: bucket.BucketRegion, createdAtMs: bucket.CreationDate?.getTime() })
      }
      token = page.ContinuationToken
    } while (token)
    return buckets.sort((a, b) => a.name.localeCompare(b.name))
  }

  async listObjects(
    input: { profileId: string; bucket: string; prefix: string; delimiter?: '/'; nextToken?: string; pageSize: number },
    signal?: AbortSignal,
  ): Promise<ObjectPage> {
    const client = await this.clients.s3(input.profileId)
    const page = await client.send(
      new ListObjectsV2Command({
        Bucket: input.bucket,
        Prefix: input.prefix || undefined,
        Delimiter: input.delimiter,
        ContinuationToken: input.nextToken,
        MaxKeys: input.pageSize,
      }),
      { abortSignal: signal },
    )
    return {
      prefixes: (page.CommonPrefixes ?? []).flatMap((p) => (p.Prefix === undefined ? [] : [p.Prefix])),
      objects: (page.Contents ?? []).flatMap((o) =>
        o.Key === undefined
          ? []
          : [
              {
                key: o.Key,
                size: o.Size ?? 0,
                lastModifiedMs: o.LastModified?.getTime(),
                etag: o.ETag,
                storageClass: o.StorageClass ?? 'STANDARD',
              },
            ],
      ),
      nextToken: page.IsTruncated ? page.NextContinuationToken : undefined,
    }
  }
}
