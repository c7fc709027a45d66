/**
 * The lib-storage baseline: `Upload` with its defaults (queueSize 4, partSize 5 MiB) on an S3Client with its
 * defaults. lib-storage has no download; its rows for downloads are plain GetObjects streamed to files. A
 * folder of files (up or down) runs 4 at a time (Upload's own queueSize), since Upload takes one file.
 */
import { createReadStream, createWriteStream } from 'node:fs'
import { mkdir, readdir } from 'node:fs/promises'
import path from 'node:path'
import type { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3'
import { Upload } from '@aws-sdk/lib-storage'
import type { BenchJob } from './bench-job'

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2] ?? '{}') as BenchJob
  const client = new S3Client({ endpoint: job.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: job.credentials })
  const upload = (key: string, filePath: string) =>
    new Upload({ client, params: { Bucket: job.bucket, Key: key, Body: createReadStream(filePath) } }).done()
  const download = async (key: string, filePath: string) => {
    const out = await client.send(new GetObjectCommand({ Bucket: job.bucket, Key: key }))
    await pipeline(out.Body as Readable, createWriteStream(filePath))
  }
  if (job.mode === 'upload-file') {
    await upload(job.key, job.localPath)
  } else if (job.mode === 'download-file') {
    await download(job.key, job.localPath)
  } else if (job.mode === 'download-prefix') {
    const keys: string[] = []
    let token: string | undefined
    do {
      const page = await client.send(new ListObjectsV2Command({ Bucket: job.bucket, Prefix: job.key, ContinuationToken: token }))
      keys.push(...(page.Contents ?? []).map((object) => object.Key as string))
      token = page.NextContinuationToken
    } while (token)
    await mkdir(job.localPath, { recursive: true })
    await fourAtATime(keys, (key) => download(key, path.join(job.localPath, key.slice(job.key.length))))
  } else {
    const names = await readdir(job.localPath)
    await fourAtATime(names, (name) => upload(`${job.key}${name}`, path.join(job.localPath, name)))
  }
  client.destroy()
}

async function fourAtATime<T>(items: T[], work: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next < items.length) await work(items[next++] as T)
    }),
  )
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
