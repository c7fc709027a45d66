/**
 * The small pieces between the engine and the SDK: request bodies streamed from a part's buffer (so the
 * watchdog sees bytes move and the bandwidth limit can pace them), credential refresh through the client's
 * own provider, and reading exact byte ranges of a file.
 */
import { Readable } from 'node:stream'
import type { S3Client } from '@aws-sdk/client-s3'
import type { MiddlewareStack } from '@aws-sdk/types'
import type { BandwidthLimiter } from './scheduler'
import type { TransferFileHandle } from './deps'

const BODY_CHUNK_BYTES = 256 * 1024

/**
 * A request body over `data` without copying it: subarrays of 256 KiB, each pulled only when the socket has
 * taken the previous one. Being a stream also makes the SDK sign it UNSIGNED-PAYLOAD instead of hashing every
 * part with SHA-256 (the CRC header, which is signed, already protects the bytes) and leaves retries to us: the
 * SDK never retries a streaming body.
 */
export function bufferBody(data: Buffer, onBytes: (bytes: number) => void, bandwidth: BandwidthLimiter, signal: AbortSignal): Readable {
  let offset = 0
  return new Readable({
    read() {
      if (offset >= data.length) {
        this.push(null)
        return
      }
      const chunk = data.subarray(offset, offset + BODY_CHUNK_BYTES)
      offset += chunk.length
      onBytes(chunk.length)
      if (!bandwidth.limited) {
        this.push(chunk)
        return
      }
      // Aborted while waiting: the request is being torn down by the same signal, so just stop quietly (an
      // error here would have no listener, as pipe() does not forward source errors).
      bandwidth.take(chunk.length, signal).then(
        () => this.push(chunk),
        () => this.destroy(),
      )
    },
  })
}

interface RefreshableCredentials {
  (options?: { forceRefresh?: boolean }): Promise<unknown>
}

/** Asks the client's credential provider for fresh credentials (memoized providers honour forceRefresh). */
export async function refreshCredentials(client: S3Client): Promise<void> {
  const provider = client.config.credentials as unknown as RefreshableCredentials
  await provider({ forceRefresh: true })
}

/** Fills `target` from the file at `position`; a file shorter than expected is an error, not a short part. */
export async function readExactly(handle: TransferFileHandle, target: Buffer, position: number): Promise<void> {
  let filled = 0
  while (filled < target.length) {
    const { bytesRead } = await handle.read(target, filled, target.length - filled, position + filled)
    if (bytesRead === 0) throw new Error(`the file ended ${target.length - filled} bytes early at offset ${position + filled}`)
    filled += bytesRead
  }
}

export const unquoteEtag = (etag: string | undefined): string => (etag ?? '').replace(/^(W\/)?"|"$/g, '')

/** S3 error names as the SDK reports them. */
export const errorName = (error: unknown): string =>
  typeof error === 'object' && error !== null && 'name' in error ? String(error.name) : ''

/**
 * The SDK logs "An error was encountered in a non-retryable streaming request." on console for every failed
 * streaming request. Retrying those is this engine's job, so that one line is dropped for the commands the
 * engine streams; everything else still reaches the client's logger.
 */
export function quietStreamingRetryWarning<I extends object, O extends object>(command: { middlewareStack: MiddlewareStack<I, O> }): void {
  command.middlewareStack.add(
    (next, context) => (args) => {
      const logger = context.logger
      context.logger = {
        debug: (...content) => logger?.debug(...content),
        info: (...content) => logger?.info(...content),
        error: (...content) => logger?.error(...content),
        warn: (...content) => {
          if (typeof content[0] === 'string' && content[0].includes('non-retryable streaming request')) return
          logger?.warn(...content)
        },
      }
      return next(args)
    },
    { step: 'initialize', name: 'haneulQuietStreamingRetryWarning' },
  )
}
