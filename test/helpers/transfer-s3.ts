/**
 * A real S3 emulator on loopback for transfer tests, with SDK clients built the way the app builds them
 * (keep-alive agent, path style), and scratch folders that are removed afterwards.
 */
import { createHash, randomFillSync } from 'node:crypto'
import { createReadStream } from 'node:fs'
import http from 'node:http'
import { mkdir, mkdtemp, open, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { AddressInfo } from 'node:net'
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3'
import { NodeHttpHandler } from '@smithy/node-http-handler'
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@aws-sdk/types'
import { CredentialRegistry, SANDBOX_ACCESS_KEY_ID, SANDBOX_SECRET_ACCESS_KEY } from '../../src-main/sandbox/credentials'
import { createS3Emulator, type LoggedRequest, type S3Emulator } from '../../src-main/sandbox/s3/index'
import { TransferEngine, type TransferConfig, type TransferEngineDeps, type TransferSnapshot } from '../../src-main/transfers/index'

export const BUCKET = 'transfer-test'

export interface TestS3 {
  emulator: S3Emulator
  credentials: CredentialRegistry
  endpoint: string
  port: number
  /** A scratch folder for files, journals and the emulator's data. */
  dir: string
  client(options?: { endpoint?: string; credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider }): S3Client
  /**
   * Holds the requests `shouldHold` picks before they reach the emulator, until the returned release is
   * called: lets a test change the server's state between two requests of a job at a point it chooses.
   */
  holdRequests(shouldHold: (req: http.IncomingMessage) => boolean): () => void
  close(): Promise<void>
}

export async function startTestS3(): Promise<TestS3> {
  const dir = await mkdtemp(path.join(tmpdir(), 'haneul-transfer-'))
  const credentials = new CredentialRegistry()
  const emulator = await createS3Emulator({ dataDir: path.join(dir, 's3'), credentials, defaultRegion: 'us-east-1' })
  const holds: Array<{ shouldHold: (req: http.IncomingMessage) => boolean; released: Promise<void> }> = []
  const server = http.createServer((req, res) => {
    const hold = holds.find((h) => h.shouldHold(req))
    if (hold) void hold.released.then(() => emulator.handle(req, res))
    else emulator.handle(req, res)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  const endpoint = `http://127.0.0.1:${port}`
  const clients: S3Client[] = []
  const client: TestS3['client'] = (options = {}) => {
    const made = new S3Client({
      endpoint: options.endpoint ?? endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: options.credentials ?? { accessKeyId: SANDBOX_ACCESS_KEY_ID, secretAccessKey: SANDBOX_SECRET_ACCESS_KEY },
      requestHandler: new NodeHttpHandler({ httpAgent: new http.Agent({ keepAlive: true, maxSockets: 64 }) }),
    })
    clients.push(made)
    return made
  }
  await client().send(new CreateBucketCommand({ Bucket: BUCKET }))
  return {
    emulator,
    credentials,
    endpoint,
    port,
    dir,
    client,
    holdRequests: (shouldHold) => {
      let release!: () => void
      const hold = { shouldHold, released: new Promise<void>((resolve) => (release = resolve)) }
      holds.push(hold)
      return () => {
        holds.splice(holds.indexOf(hold), 1)
        release()
      }
    },
    close: async () => {
      for (const made of clients) made.destroy()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
      await emulator.close()
      await rm(dir, { recursive: true, force: true })
    },
  }
}

/** Writes `sizeBytes` of random data in 4 MiB chunks (no whole-file buffer) and returns its sha256. */
export async function writeRandomFile(filePath: string, sizeBytes: number): Promise<string> {
  await mkdir(path.dirname(filePath), { recursive: true })
  const hash = createHash('sha256')
  const handle = await open(filePath, 'w')
  try {
    const chunk = Buffer.allocUnsafe(4 * 1024 * 1024)
    for (let written = 0; written < sizeBytes;) {
      const piece = chunk.subarray(0, Math.min(chunk.length, sizeBytes - written))
      randomFillSync(piece)
      hash.update(piece)
      await handle.write(piece, 0, piece.length, written)
      written += piece.length
    }
  } finally {
    await handle.close()
  }
  return hash.digest('hex')
}

export async function sha256File(filePath: string): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(filePath)) hash.update(chunk as Buffer)
  return hash.digest('hex')
}

/** An engine on the test server; every profile id maps to the one client. */
export function testEngine(s3: TestS3, config: Partial<TransferConfig> = {}, extra: Partial<TransferEngineDeps> = {}): TransferEngine {
  const client = s3.client()
  return new TransferEngine({ clients: { s3: async () => client }, journalDir: path.join(s3.dir, 'journal'), config, ...extra })
}

/** Resolves with the job's final snapshot (done, failed or cancelled). */
export function finished(engine: TransferEngine, jobId: string): Promise<TransferSnapshot> {
  return new Promise((resolve) => {
    const current = engine.list().find((s) => s.jobId === jobId)
    if (current && ['done', 'failed', 'cancelled'].includes(current.state)) return resolve(current)
    const unsubscribe = engine.subscribe({
      onDone: (snapshot) => {
        if (snapshot.jobId !== jobId) return
        unsubscribe()
        resolve(snapshot)
      },
    })
  })
}

/** The emulator's request log as compact "Operation#part:status" strings. */
export function requestSequence(s3: TestS3, filter: (entry: LoggedRequest) => boolean = () => true): string[] {
  return s3.emulator.requestLog.filter(filter).map((r) => `${r.operation}${r.partNumber ? `#${r.partNumber}` : ''}:${r.status}`)
}
