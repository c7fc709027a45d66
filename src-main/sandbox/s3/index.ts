/**
 * The sandbox's S3: a path-style S3 server emulator for the real AWS SDK clients, persisted in a folder.
 * The caller owns the http.Server; this module answers requests and exposes the store for seeding and tests.
 */
import type http from 'node:http'
import type { CredentialRegistry } from '../credentials'
import type { EmulatorEnv } from './context'
import { S3Server, type LoggedRequest } from './server'
import { S3Store } from './store'

export interface S3EmulatorOptions {
  /** Everything is persisted here; reopening the same folder restores all state. */
  dataDir: string
  credentials: CredentialRegistry
  /** The region of buckets created without a LocationConstraint, e.g. 'us-east-1'. */
  defaultRegion: string
  /** Clock for restore timing, presign expiry, request skew and LastModified. Default Date.now. */
  nowMs?: () => number
  /** How long a Glacier/Deep Archive restore takes per tier. Default 2 s / 10 s / 30 s. */
  restoreDelayMs?: { Expedited: number; Standard: number; Bulk: number }
}

export interface S3Emulator {
  /** Node http request handler; the caller owns the http.Server. */
  handle(req: http.IncomingMessage, res: http.ServerResponse): void
  /** For seeding and for tests to inspect the server's view. */
  store: S3Store
  /** Every request received, in order (bounded ring, newest 10,000). */
  requestLog: ReadonlyArray<LoggedRequest>
  clearRequestLog(): void
  /** Resolves once every request received so far has been answered (or dropped) and logged. */
  whenIdle(): Promise<void>
  /** Test hooks for faults only a server can produce. */
  faults: { completeMultipartUploadErrorIn200: number }
  /** Flushes metadata and releases files. */
  close(): Promise<void>
}

export async function createS3Emulator(options: S3EmulatorOptions): Promise<S3Emulator> {
  const nowMs = options.nowMs ?? Date.now
  const store = await S3Store.open(options.dataDir, options.defaultRegion, nowMs)
  const env: EmulatorEnv = {
    store,
    credentials: options.credentials,
    defaultRegion: options.defaultRegion,
    nowMs,
    restoreDelayMs: options.restoreDelayMs ?? { Expedited: 2_000, Standard: 10_000, Bulk: 30_000 },
    faults: { completeMultipartUploadErrorIn200: 0 },
  }
  const server = new S3Server(env)
  return {
    handle: server.handle,
    store,
    requestLog: server.requestLog,
    clearRequestLog: () => {
      server.requestLog.length = 0
    },
    faults: env.faults,
    whenIdle: () => server.whenIdle(),
    close: () => store.close(),
  }
}

export type { LoggedRequest, OperationName } from './server'
export type { S3Store, ObjectInfo, PutObjectOptions, UploadInfo, UploadedPartInfo, BucketStats } from './store'
export type { StorageClass, ChecksumAlgorithm, ChecksumType, StoredChecksum, PartInfo, RestoreState } from './model'
