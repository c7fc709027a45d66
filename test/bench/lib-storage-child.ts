/**
 * The lib-storage baseline: `Upload` with its defaults (queueSize 4, partSize 5 MiB) on an S3Client with its
 * defaults. lib-storage has no download; its row for downloads is a plain GetObject streamed to a file. A
 * folder of files runs 4 Uploads at a time (its own queueSize), since Upload takes one file.
 */
import { createReadStream, createWriteStream } from 'node:fs'
import { readdir } from 'node:fs/promises'
import path from 'node:path'
import type { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3'
import { Upload } from '@aws-sdk/lib-storage'
import type { BenchJob } from './bench-job'

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2] ?? '{}') as BenchJob
  const client = new S3Client({ endpoint: job.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: job.credentials })
  const upload = (key: string, filePath: string) =>
    new Upload({ client, params: { Bucket: job.bucket, Key: key, Body: createReadStream(filePath) } }).done()
  if (job.mode === 'upload-file') {
    await upload(job.key, job.localPath)
  } else if (job.mode === 'download-file') {
    const out = await client.send(new GetObjectCommand({ Bucket: job.bucket, Key: job.key }))
    await pipeline(out.Body as Readable, createWriteStream(job.localPath))
  } else {
    const names = await readdir(job.localPath)
    let next = 0
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (next < names.length) {
          const name = names[next++] as string
          await upload(`${job.key}${name}`, path.join(job.localPath, name))
        }
      }),
    )
  }
  client.destroy()
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
