/**
 * Starts the S3 emulator on a real 127.0.0.1 port and hands out real SDK clients for it, the way the app's
 * sandbox profile reaches it.
 */
import { createHash, createHmac } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3'
import { CredentialRegistry, SANDBOX_ACCESS_KEY_ID, SANDBOX_SECRET_ACCESS_KEY } from '../../src-main/sandbox/credentials'
import { createS3Emulator, type S3Emulator, type S3EmulatorOptions } from '../../src-main/sandbox/s3/index'

export interface RunningS3 {
  emulator: S3Emulator
  endpoint: string
  dataDir: string
  credentials: CredentialRegistry
  /** A client with the sandbox key. */
  s3: S3Client
  client(config?: Partial<S3ClientConfig>): S3Client
  /** Stops the server and the emulator; the data folder stays for reopening. */
  stop(): Promise<void>
  /** stop() and delete the data folder. */
  close(): Promise<void>
}

export const SANDBOX_CREDENTIALS = { accessKeyId: SANDBOX_ACCESS_KEY_ID, secretAccessKey: SANDBOX_SECRET_ACCESS_KEY }

export async function startS3(options: Partial<Omit<S3EmulatorOptions, 'credentials'>> = {}): Promise<RunningS3> {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'haneul-s3-')))
  const credentials = new CredentialRegistry(options.nowMs)
  const emulator = await createS3Emulator({ defaultRegion: 'us-east-1', ...options, dataDir, credentials })
  const server = http.createServer(emulator.handle)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const clients: S3Client[] = []
  const client = (config: Partial<S3ClientConfig> = {}) => {
    const created = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: SANDBOX_CREDENTIALS, ...config })
    clients.push(created)
    return created
  }
  const stop = async () => {
    for (const c of clients) c.destroy()
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => resolve()))
    await emulator.close()
  }
  return {
    emulator,
    endpoint,
    dataDir,
    credentials,
    s3: client(),
    client,
    stop,
    close: async () => {
      await stop()
      await rm(dataDir, { recursive: true, force: true })
    },
  }
}

/** Bytes that are not all alike, so misplaced ranges show up. */
export function patterned(size: number, seed = 1): Buffer {
  const out = Buffer.allocUnsafe(Math.ceil(size / 4) * 4)
  let x = seed >>> 0 || 1
  for (let i = 0; i < out.length; i += 4) {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    out.writeUInt32LE(x >>> 0, i)
  }
  return out.subarray(0, size)
}

/** SHA-256 for @smithy/signature-v4, for tests that sign requests by hand. */
export class Sha256 {
  private readonly hash
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    const key =
      secret === undefined || typeof secret === 'string'
        ? secret
        : ArrayBuffer.isView(secret)
          ? Buffer.from(secret.buffer, secret.byteOffset, secret.byteLength)
          : Buffer.from(secret)
    this.hash = key === undefined ? createHash('sha256') : createHmac('sha256', key)
  }
  update(data: Uint8Array): void {
    this.hash.update(data)
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest())
  }
  reset(): void {}
}
