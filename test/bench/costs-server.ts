/**
 * The costs benchmark's S3 server: the sandbox emulator in its own process, seeded with one bucket of
 * `<prefix>/…` objects per count given. Seeding goes through the store (the emulator's seeding hook)
 * rather than a million PUTs: one 1 MiB blob is written, and every object is a byte range of it (the
 * store's segments, as copies and multipart objects are), so listings, HEADs and GETs are real; only the
 * ETags are the blob's. Prints {"port":N,"seedMs":M} once listening; SIGTERM closes it.
 * `node --import tsx test/bench/costs-server.ts <dataDir> <bucket> <prefix>=<count>…`
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { CredentialRegistry } from '../../src-main/sandbox/credentials'
import { createS3Emulator } from '../../src-main/sandbox/s3/index'
import type { StorageClass } from '../../src-main/sandbox/s3/model'

const DAY_MS = 86_400_000
const CLASSES: StorageClass[] = [
  'STANDARD',
  'STANDARD',
  'STANDARD',
  'STANDARD_IA',
  'GLACIER_IR',
  'INTELLIGENT_TIERING',
  'GLACIER',
  'DEEP_ARCHIVE',
]

async function main(): Promise<void> {
  const [dataDir, bucket, ...sets] = process.argv.slice(2)
  if (!dataDir || !bucket || sets.length === 0) throw new Error('usage: costs-server.ts <dataDir> <bucket> <prefix>=<count>…')
  const emulator = await createS3Emulator({ dataDir, credentials: new CredentialRegistry(), defaultRegion: 'us-east-1' })
  const { store } = emulator
  const started = performance.now()
  store.createBucket(bucket)
  const blob = await store.putObject(bucket, 'blob', Buffer.alloc(1 << 20, 7))
  const state = store.requireBucket(bucket)
  const [segment] = state.objects.get('blob')![0]!.segments
  const now = Date.now()
  for (const set of sets) {
    const [prefix = '', count = 0] = [set.slice(0, set.lastIndexOf('=')), Number(set.slice(set.lastIndexOf('=') + 1))]
    for (let i = 0; i < count; i++) {
      // Keys in listing order (zero-padded), 1,000 folders; sizes 1 KiB … 1 MiB; ages 0 … 999 days.
      const size = 1024 * (1 + ((i * 2654435761) % 1024))
      store.writeVersion(state, {
        key: `${prefix}${String(Math.floor((i / count) * 1000)).padStart(3, '0')}/asset-${String(i).padStart(7, '0')}.bin`,
        deleteMarker: false,
        lastModifiedMs: Math.floor((now - (i % 1000) * DAY_MS) / 1000) * 1000,
        size,
        etag: blob.etag,
        storageClass: CLASSES[i % CLASSES.length]!,
        headers: { contentType: 'application/octet-stream' },
        metadata: {},
        tags: {},
        segments: [{ ...segment!, length: size }],
      })
    }
  }
  const seedMs = performance.now() - started
  const server = http.createServer(emulator.handle)
  server.keepAliveTimeout = 60_000
  server.listen(0, '127.0.0.1', () =>
    process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port, seedMs: Math.round(seedMs) })}\n`),
  )
  process.on('SIGTERM', () => {
    server.close()
    server.closeAllConnections()
    void emulator.close().finally(() => process.exit(0))
  })
}

void main()
