/**
 * A transfer in a child process, for kill -9 tests: `node --import tsx test/helpers/transfer-child.ts <json>`
 * with { mode, endpoint, journalDir, bucket, key, path, config }. Prints one JSON line per progress event;
 * the parent kills it whenever it likes.
 */
import http from 'node:http'
import { S3Client } from '@aws-sdk/client-s3'
import { NodeHttpHandler } from '@smithy/node-http-handler'
import { SANDBOX_ACCESS_KEY_ID, SANDBOX_SECRET_ACCESS_KEY } from '../../src-main/sandbox/credentials'
import { TransferEngine, type TransferConfig } from '../../src-main/transfers/index'

interface ChildArgs {
  mode: 'upload' | 'download'
  endpoint: string
  journalDir: string
  bucket: string
  key: string
  path: string
  config?: Partial<TransferConfig>
}

const args = JSON.parse(process.argv[2] ?? '{}') as ChildArgs
const client = new S3Client({
  endpoint: args.endpoint,
  region: 'us-east-1',
  forcePathStyle: true,
  credentials: { accessKeyId: SANDBOX_ACCESS_KEY_ID, secretAccessKey: SANDBOX_SECRET_ACCESS_KEY },
  requestHandler: new NodeHttpHandler({ httpAgent: new http.Agent({ keepAlive: true, maxSockets: 64 }) }),
})
const engine = new TransferEngine({ clients: { s3: async () => client }, journalDir: args.journalDir, config: args.config })
engine.subscribe({
  onProgress: (s) =>
    process.stdout.write(
      `${JSON.stringify({ state: s.state, partsDone: s.partsDone, partsTotal: s.partsTotal, bytesDone: s.bytesDone })}\n`,
    ),
  onDone: (s) => {
    process.stdout.write(`${JSON.stringify({ state: s.state, error: s.error })}\n`)
    process.exit(s.state === 'done' ? 0 : 1)
  },
})
if (args.mode === 'upload') engine.upload({ profileId: 'child', bucket: args.bucket, key: args.key, filePath: args.path })
else engine.download({ profileId: 'child', bucket: args.bucket, key: args.key, destinationPath: args.path })
