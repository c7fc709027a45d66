/**
 * The publish benchmark's servers, in their own process: the sandbox's S3 emulator and CloudFront emulator
 * (its two distributions, no invalidation history, invalidations complete at once) on two loopback ports.
 * Counts what each server received — requests by method, and bytes read off the sockets (request lines,
 * headers and bodies) — so every tool is measured on the server's side, the same way.
 * Prints {"s3":port,"cloudfront":port}; reads commands on stdin: "reset" (counters, and the distributions'
 * invalidations, so each tool starts with the month's 1,000 free paths) and "stats"; each answers one JSON line.
 */
import http from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { createInterface } from 'node:readline'
import { CredentialRegistry } from '../../src-main/sandbox/credentials'
import { createCloudFrontEmulator, seedDistributions } from '../../src-main/sandbox/cloudfront/index'
import { createS3Emulator } from '../../src-main/sandbox/s3/index'

interface Counter {
  requests: Record<string, number>
  sockets: Map<Socket, number>
  closedBytes: number
}

function counted(handle: (req: http.IncomingMessage, res: http.ServerResponse) => void | Promise<void>) {
  const counter: Counter = { requests: {}, sockets: new Map(), closedBytes: 0 }
  const server = http.createServer((req, res) => {
    const kind =
      `${req.method} ${req.url?.includes('list-type=2') ? 'list' : req.url?.includes('/invalidation') ? 'invalidation' : ''}`.trim()
    counter.requests[kind] = (counter.requests[kind] ?? 0) + 1
    void handle(req, res)
  })
  server.keepAliveTimeout = 60_000
  server.on('connection', (socket) => {
    counter.sockets.set(socket, 0)
    socket.on('close', () => {
      const start = counter.sockets.get(socket)
      if (start !== undefined) counter.closedBytes += socket.bytesRead - start
      counter.sockets.delete(socket)
    })
  })
  const stats = () => ({
    requests: { ...counter.requests },
    bytesReceived: counter.closedBytes + [...counter.sockets].reduce((n, [socket, start]) => n + socket.bytesRead - start, 0),
  })
  const reset = () => {
    counter.requests = {}
    counter.closedBytes = 0
    for (const socket of counter.sockets.keys()) counter.sockets.set(socket, socket.bytesRead)
  }
  return { server, stats, reset }
}

async function main(): Promise<void> {
  const dataDir = process.argv[2]
  if (!dataDir) throw new Error('usage: publish-server.ts <dataDir>')
  const credentials = new CredentialRegistry()
  const s3 = await createS3Emulator({ dataDir, credentials, defaultRegion: 'us-east-1' })
  const cloudfront = createCloudFrontEmulator({
    credentials,
    invalidationDelayMs: 0,
    distributions: (now, delay) => seedDistributions(now, delay).map((d) => ({ ...d, invalidations: [] })),
  })
  const servers = { s3: counted(s3.handle), cloudfront: counted(cloudfront.handle) }
  const listen = (server: http.Server) =>
    new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)))
  const ports = { s3: await listen(servers.s3.server), cloudfront: await listen(servers.cloudfront.server) }
  process.stdout.write(`${JSON.stringify(ports)}\n`)
  for await (const line of createInterface({ input: process.stdin })) {
    if (line === 'reset') {
      // Every tool starts from the same month: no invalidations yet, all 1,000 free paths left.
      for (const distribution of cloudfront.state.distributions) distribution.invalidations = []
      servers.s3.reset()
      servers.cloudfront.reset()
      process.stdout.write('{"ok":true}\n')
    } else if (line === 'stats') {
      process.stdout.write(`${JSON.stringify({ s3: servers.s3.stats(), cloudfront: servers.cloudfront.stats() })}\n`)
    }
  }
  for (const { server } of Object.values(servers)) {
    server.close()
    server.closeAllConnections()
  }
  await s3.close()
}

void main()
