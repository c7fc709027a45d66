/**
 * The benchmark's S3 server: the sandbox emulator alone in its own process, so the time it spends is not
 * counted as the client's. Prints {"port":N} once listening; SIGTERM closes it.
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { CredentialRegistry } from '../../src-main/sandbox/credentials'
import { createS3Emulator } from '../../src-main/sandbox/s3/index'

async function main(): Promise<void> {
  const dataDir = process.argv[2]
  if (!dataDir) throw new Error('usage: s3-server.ts <dataDir>')
  const emulator = await createS3Emulator({ dataDir, credentials: new CredentialRegistry(), defaultRegion: 'us-east-1' })
  const server = http.createServer(emulator.handle)
  server.keepAliveTimeout = 60_000
  server.listen(0, '127.0.0.1', () => process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`))
  process.on('SIGTERM', () => {
    server.close()
    server.closeAllConnections()
    void emulator.close().finally(() => process.exit(0))
  })
}

void main()
