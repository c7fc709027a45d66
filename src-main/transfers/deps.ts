/**
 * The engine's side effects, as small interfaces handed in through its constructor (s3transfer's osutil
 * habit), with the Node implementations it uses by default.
 */
import { constants, promises as fsp } from 'node:fs'
import { setTimeout as delay } from 'node:timers/promises'
import type { S3Client } from '@aws-sdk/client-s3'

export interface S3ClientSource {
  /** The app passes AwsClients: one cached client (and connection pool) per profile. */
  s3(profileId: string): Promise<S3Client>
}

export interface Clock {
  now(): number
  /** Resolves after ms; rejects when the signal aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>
  /** Calls fn after ms unless the returned function is called first (cheaper than a sleep that is usually cancelled). */
  setTimer(fn: () => void, ms: number): () => void
}

export interface Connectivity {
  isOnline(profileId: string): boolean
  waitUntilOnline(profileId: string, signal: AbortSignal): Promise<void>
  /** Told when a request could not reach the endpoint at all, so a monitor that learns from calls can probe. */
  reportUnreachable?(profileId: string): void
}

/** What the engine needs to know about a file to tell whether it changed. */
export interface FileStats {
  size: number
  mtimeMs: number
  ctimeMs: number
  ino: number
  dev: number
}

/** The subset of fs/promises' FileHandle the engine uses. */
export interface TransferFileHandle {
  read(buffer: Uint8Array, offset: number, length: number, position: number): Promise<{ bytesRead: number }>
  writev(buffers: Uint8Array[], position?: number): Promise<{ bytesWritten: number }>
  write(data: string): Promise<unknown>
  stat(): Promise<FileStats>
  truncate(length: number): Promise<void>
  datasync(): Promise<void>
  sync(): Promise<void>
  close(): Promise<void>
}

export interface TransferFileSystem {
  /**
   * Flags as in fs.open: 'r' read, 'r+' read/write existing, 'w' create/truncate, 'a' append. New files are
   * private to the user (journals) unless `shared`, which leaves it to the umask (downloaded files).
   */
  open(path: string, flags: 'r' | 'r+' | 'w' | 'a', options?: { shared?: boolean }): Promise<TransferFileHandle>
  stat(path: string): Promise<FileStats>
  /** The path with every symbolic link resolved. */
  realpath(path: string): Promise<string>
  readFile(path: string): Promise<Buffer>
  readdir(path: string): Promise<string[]>
  mkdir(path: string): Promise<void>
  rename(from: string, to: string): Promise<void>
  /** Removes a file; missing is fine. */
  rm(path: string): Promise<void>
  /** Makes a rename or create in this folder durable (no-op where folders cannot be fsynced). */
  syncDir(path: string): Promise<void>
}

export const nodeFileSystem: TransferFileSystem = {
  open: (path, flags, options) => fsp.open(path, flags, options?.shared ? 0o666 : 0o600),
  stat: (path) => fsp.stat(path),
  realpath: (path) => fsp.realpath(path),
  readFile: (path) => fsp.readFile(path),
  readdir: (path) => fsp.readdir(path),
  mkdir: async (path) => {
    await fsp.mkdir(path, { recursive: true })
  },
  rename: (from, to) => fsp.rename(from, to),
  rm: (path) => fsp.rm(path, { force: true }),
  syncDir: async (path) => {
    // Windows cannot open a folder for fsync; a rename there is already as durable as it gets.
    if (process.platform === 'win32') return
    const handle = await fsp.open(path, constants.O_RDONLY)
    try {
      await handle.sync()
    } finally {
      await handle.close()
    }
  },
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: async (ms, signal) => {
    await delay(ms, undefined, { signal })
  },
  setTimer: (fn, ms) => {
    const timer = setTimeout(fn, ms)
    return () => clearTimeout(timer)
  },
}
