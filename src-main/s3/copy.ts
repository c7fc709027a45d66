/**
 * Copying one object, the way that fits: inside one profile S3 copies server-side (CopyObject up to
 * 5 GiB, UploadPartCopy part by part above); between profiles (another account or store) the bytes are
 * streamed through main, GetObject piped into PutObject, or ranged GETs piped into UploadParts for big
 * objects. Nothing is buffered whole. Metadata, tags, storage class and checksum algorithm go along.
 */
import { Readable } from 'node:stream'
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  PutObjectCommand,
  UploadPartCommand,
  UploadPartCopyCommand,
  type ChecksumAlgorithm,
  type ChecksumType,
  type CompletedPart,
  type HeadObjectCommandOutput,
  type S3Client,
  type ServerSideEncryption,
  type StorageClass,
} from '@aws-sdk/client-s3'
import { forEachLimit } from '../core/pool'
import { partSizeFor, type S3Config } from './config'
import { contentDispositionHeader, decodeMetadata, encodeMetadata } from './header-values'
import { copySource } from './listing'

/** Every checksum algorithm S3 may report, in the order a reply is searched. */
export const CHECKSUM_ALGORITHMS = [
  'CRC64NVME',
  'CRC32',
  'CRC32C',
  'SHA1',
  'SHA256',
  'SHA512',
  'MD5',
  'XXHASH64',
  'XXHASH3',
  'XXHASH128',
] as const

type ChecksumFields = Partial<Record<`Checksum${(typeof CHECKSUM_ALGORITHMS)[number]}`, string>>

/** The checksum a reply carries, if any. */
export function checksumOf(
  output: ChecksumFields & { ChecksumType?: string },
): { algorithm: ChecksumAlgorithm; value: string; type?: string } | undefined {
  for (const algorithm of CHECKSUM_ALGORITHMS) {
    const value = output[`Checksum${algorithm}`]
    if (value) return { algorithm, value, type: output.ChecksumType }
  }
  return undefined
}

/**
 * What S3 keeps with an object besides its bytes and tags; a copy-in-place writes all of it again.
 * Metadata values are plain Unicode here: decoded from S3's replies, encoded again when sent.
 */
export interface ObjectAttributes {
  contentType?: string
  cacheControl?: string
  contentDisposition?: string
  contentEncoding?: string
  contentLanguage?: string
  expires?: Date
  websiteRedirectLocation?: string
  metadata: Record<string, string>
  serverSideEncryption?: ServerSideEncryption
  sseKmsKeyId?: string
  bucketKeyEnabled?: boolean
}

/** The object a copy reads, as far as choosing how to copy it goes. */
export interface SourceObject {
  bucket: string
  key: string
  size: number
  /** Pins the copy to this version of the bytes (If-Match). */
  etag?: string
  storageClass: string
  checksumAlgorithm?: string
  checksumType?: string
}

export interface Destination {
  bucket: string
  key: string
}

type HeadLike = Pick<
  HeadObjectCommandOutput,
  | 'ContentType'
  | 'CacheControl'
  | 'ContentDisposition'
  | 'ContentEncoding'
  | 'ContentLanguage'
  | 'Expires'
  | 'WebsiteRedirectLocation'
  | 'Metadata'
  | 'ServerSideEncryption'
  | 'SSEKMSKeyId'
  | 'BucketKeyEnabled'
>

export function attributesOf(head: HeadLike): ObjectAttributes {
  return {
    contentType: head.ContentType,
    cacheControl: head.CacheControl,
    contentDisposition: head.ContentDisposition,
    contentEncoding: head.ContentEncoding,
    contentLanguage: head.ContentLanguage,
    expires: head.Expires,
    websiteRedirectLocation: head.WebsiteRedirectLocation,
    metadata: decodeMetadata(head.Metadata),
    serverSideEncryption: head.ServerSideEncryption,
    sseKmsKeyId: head.SSEKMSKeyId,
    bucketKeyEnabled: head.BucketKeyEnabled,
  }
}

/** The request fields that write ObjectAttributes. Encryption only within one account: a KMS key id means nothing elsewhere. */
function attributeFields(attributes: ObjectAttributes, withEncryption: boolean) {
  return {
    ContentType: attributes.contentType,
    CacheControl: attributes.cacheControl,
    ContentDisposition: attributes.contentDisposition === undefined ? undefined : contentDispositionHeader(attributes.contentDisposition),
    ContentEncoding: attributes.contentEncoding,
    ContentLanguage: attributes.contentLanguage,
    Expires: attributes.expires,
    WebsiteRedirectLocation: attributes.websiteRedirectLocation,
    Metadata: encodeMetadata(attributes.metadata),
    ...(withEncryption
      ? {
          ServerSideEncryption: attributes.serverSideEncryption,
          SSEKMSKeyId: attributes.sseKmsKeyId,
          BucketKeyEnabled: attributes.bucketKeyEnabled,
        }
      : {}),
  }
}

export async function headObject(
  client: S3Client,
  bucket: string,
  key: string,
  signal?: AbortSignal,
  versionId?: string,
): Promise<HeadObjectCommandOutput> {
  return client.send(new HeadObjectCommand({ Bucket: bucket, Key: key, VersionId: versionId, ChecksumMode: 'ENABLED' }), {
    abortSignal: signal,
  })
}

export function sourceFromHead(bucket: string, key: string, head: HeadObjectCommandOutput): SourceObject {
  const checksum = checksumOf(head)
  return {
    bucket,
    key,
    size: head.ContentLength ?? 0,
    etag: head.ETag,
    storageClass: head.StorageClass ?? 'STANDARD',
    checksumAlgorithm: checksum?.algorithm,
    checksumType: checksum?.type,
  }
}

/** x-amz-tagging for a new object: the source's tags, URL-query encoded. */
async function taggingOf(client: S3Client, source: SourceObject, signal: AbortSignal): Promise<string | undefined> {
  const { TagSet = [] } = await client.send(new GetObjectTaggingCommand({ Bucket: source.bucket, Key: source.key }), {
    abortSignal: signal,
  })
  if (TagSet.length === 0) return undefined
  return new URLSearchParams(TagSet.map((tag): [string, string] => [tag.Key ?? '', tag.Value ?? ''])).toString()
}

/** S3 puts copies in STANDARD unless told otherwise; name the class so it is kept. */
const storageClassField = (storageClass: string) => (storageClass === 'STANDARD' ? undefined : (storageClass as StorageClass))

export interface ServerCopyOptions {
  /** The copy's class; by default the source's. */
  storageClass?: string
  /** Written instead of the source's attributes (MetadataDirective REPLACE); by default S3 copies them. */
  attributes?: ObjectAttributes
  signal: AbortSignal
}

/** Copies within one profile (one account or store): S3 moves the bytes itself. */
export async function copyServerSide(
  client: S3Client,
  config: S3Config,
  source: SourceObject,
  destination: Destination,
  options: ServerCopyOptions,
): Promise<void> {
  const storageClass = options.storageClass ?? source.storageClass
  if (source.size > config.copyObjectMaxBytes) return multipartServerCopy(client, config, source, destination, { ...options, storageClass })
  await client.send(
    new CopyObjectCommand({
      Bucket: destination.bucket,
      Key: destination.key,
      CopySource: copySource(source.bucket, source.key),
      CopySourceIfMatch: source.etag,
      StorageClass: storageClassField(storageClass),
      ChecksumAlgorithm: source.checksumAlgorithm as ChecksumAlgorithm | undefined,
      TaggingDirective: 'COPY',
      ...(options.attributes
        ? { MetadataDirective: 'REPLACE' as const, ...attributeFields(options.attributes, true) }
        : { MetadataDirective: 'COPY' as const }),
    }),
    { abortSignal: options.signal },
  )
}

interface NewUpload {
  client: S3Client
  destination: Destination
  attributes: ObjectAttributes
  withEncryption: boolean
  tagging?: string
  storageClass: string
  checksumAlgorithm?: string
  checksumType?: string
  signal: AbortSignal
}

/**
 * Creates a multipart upload, runs `uploadParts` to fill it, and completes it with the parts in order;
 * aborts it (so no parts linger and cost) when anything fails or the job is cancelled.
 */
async function withMultipartUpload(upload: NewUpload, uploadParts: (uploadId: string) => Promise<CompletedPart[]>): Promise<void> {
  const { client, destination, signal } = upload
  const { UploadId } = await client.send(
    new CreateMultipartUploadCommand({
      Bucket: destination.bucket,
      Key: destination.key,
      ...attributeFields(upload.attributes, upload.withEncryption),
      Tagging: upload.tagging,
      StorageClass: storageClassField(upload.storageClass),
      ChecksumAlgorithm: upload.checksumAlgorithm as ChecksumAlgorithm | undefined,
      ChecksumType: upload.checksumType as ChecksumType | undefined,
    }),
    { abortSignal: signal },
  )
  if (!UploadId) throw new Error('CreateMultipartUpload returned no upload id')
  try {
    const parts = await uploadParts(UploadId)
    await client.send(
      new CompleteMultipartUploadCommand({
        Bucket: destination.bucket,
        Key: destination.key,
        UploadId,
        ChecksumType: upload.checksumType as ChecksumType | undefined,
        MultipartUpload: { Parts: parts.sort((a, b) => (a.PartNumber ?? 0) - (b.PartNumber ?? 0)) },
      }),
      { abortSignal: signal },
    )
  } catch (error) {
    // Without its own signal: a cancelled job must still clean up.
    await client.send(new AbortMultipartUploadCommand({ Bucket: destination.bucket, Key: destination.key, UploadId })).catch(() => {})
    throw error
  }
}

/** A GET body the PUT did not read to the end (it failed early) still holds a socket: let it go. */
function release(body: unknown): void {
  if (body instanceof Readable) body.destroy()
}

/** Byte ranges [start, end] of the parts of an object. */
function partRanges(size: number, partSize: number): Array<{ partNumber: number; start: number; end: number }> {
  const ranges = []
  for (let start = 0, partNumber = 1; start < size; start += partSize, partNumber++)
    ranges.push({ partNumber, start, end: Math.min(size, start + partSize) - 1 })
  return ranges
}

/** A completed part with whichever checksum S3 returned for it (Complete must repeat it). */
function completedPart(partNumber: number, reply: ChecksumFields & { ETag?: string }): CompletedPart {
  const checksum = checksumOf(reply)
  return { PartNumber: partNumber, ETag: reply.ETag, ...(checksum ? { [`Checksum${checksum.algorithm}`]: checksum.value } : {}) }
}

/** Sources over 5 GiB: UploadPartCopy by ranges, into an upload carrying the attributes and tags CopyObject would have copied. */
async function multipartServerCopy(
  client: S3Client,
  config: S3Config,
  source: SourceObject,
  destination: Destination,
  options: ServerCopyOptions & { storageClass: string },
): Promise<void> {
  const { signal } = options
  const attributes = options.attributes ?? attributesOf(await headObject(client, source.bucket, source.key, signal))
  const upload: NewUpload = {
    client,
    destination,
    attributes,
    withEncryption: true,
    tagging: await taggingOf(client, source, signal),
    storageClass: options.storageClass,
    checksumAlgorithm: source.checksumAlgorithm,
    checksumType: source.checksumType,
    signal,
  }
  await withMultipartUpload(upload, async (uploadId) => {
    const parts: CompletedPart[] = []
    await forEachLimit(
      partRanges(source.size, partSizeFor(source.size, config.copyPartSizeBytes)),
      config.partConcurrency,
      signal,
      async ({ partNumber, start, end }) => {
        const { CopyPartResult = {} } = await client.send(
          new UploadPartCopyCommand({
            Bucket: destination.bucket,
            Key: destination.key,
            UploadId: uploadId,
            PartNumber: partNumber,
            CopySource: copySource(source.bucket, source.key),
            CopySourceRange: `bytes=${start}-${end}`,
            CopySourceIfMatch: source.etag,
          }),
          { abortSignal: signal },
        )
        parts.push(completedPart(partNumber, CopyPartResult))
      },
    )
    return parts
  })
}

/**
 * Copies between profiles by streaming the bytes through: GetObject's body goes straight into PutObject
 * (or, for big objects, each ranged GET into one UploadPart). Encryption settings stay behind: the
 * destination's bucket default applies.
 */
export async function copyAcrossProfiles(
  sourceClient: S3Client,
  destinationClient: S3Client,
  config: S3Config,
  source: SourceObject,
  destination: Destination,
  signal: AbortSignal,
): Promise<void> {
  if (source.size > config.streamSinglePutMaxBytes)
    return multipartStreamCopy(sourceClient, destinationClient, config, source, destination, signal)
  const object = await sourceClient.send(new GetObjectCommand({ Bucket: source.bucket, Key: source.key, IfMatch: source.etag }), {
    abortSignal: signal,
  })
  try {
    const tagging = object.TagCount ? await taggingOf(sourceClient, source, signal) : undefined
    await destinationClient.send(
      new PutObjectCommand({
        Bucket: destination.bucket,
        Key: destination.key,
        Body: object.Body,
        ContentLength: object.ContentLength,
        ...attributeFields(attributesOf(object), false),
        Tagging: tagging,
        StorageClass: storageClassField(object.StorageClass ?? source.storageClass),
        ChecksumAlgorithm: (source.checksumAlgorithm ?? 'CRC32') as ChecksumAlgorithm,
      }),
      { abortSignal: signal },
    )
  } finally {
    release(object.Body)
  }
}

async function multipartStreamCopy(
  sourceClient: S3Client,
  destinationClient: S3Client,
  config: S3Config,
  source: SourceObject,
  destination: Destination,
  signal: AbortSignal,
): Promise<void> {
  const head = await headObject(sourceClient, source.bucket, source.key, signal)
  // CRC algorithms combine into a full-object checksum, like a single PUT gets; others stay composite.
  const algorithm = source.checksumAlgorithm ?? 'CRC32'
  const upload: NewUpload = {
    client: destinationClient,
    destination,
    attributes: attributesOf(head),
    withEncryption: false,
    tagging: head.TagCount ? await taggingOf(sourceClient, source, signal) : undefined,
    storageClass: head.StorageClass ?? source.storageClass,
    checksumAlgorithm: algorithm,
    checksumType: algorithm.startsWith('CRC') ? 'FULL_OBJECT' : 'COMPOSITE',
    signal,
  }
  const etag = source.etag ?? head.ETag
  await withMultipartUpload(upload, async (uploadId) => {
    const parts: CompletedPart[] = []
    await forEachLimit(
      partRanges(source.size, partSizeFor(source.size, config.streamPartSizeBytes)),
      config.partConcurrency,
      signal,
      async ({ partNumber, start, end }) => {
        const range = await sourceClient.send(
          new GetObjectCommand({ Bucket: source.bucket, Key: source.key, Range: `bytes=${start}-${end}`, IfMatch: etag }),
          { abortSignal: signal },
        )
        try {
          const reply = await destinationClient.send(
            new UploadPartCommand({
              Bucket: destination.bucket,
              Key: destination.key,
              UploadId: uploadId,
              PartNumber: partNumber,
              Body: range.Body,
              ContentLength: end - start + 1,
              ChecksumAlgorithm: algorithm as ChecksumAlgorithm,
            }),
            { abortSignal: signal },
          )
          parts.push(completedPart(partNumber, reply))
        } finally {
          release(range.Body)
        }
      },
    )
    return parts
  })
}
