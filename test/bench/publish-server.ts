/**
 * The publish benchmark's servers, in their own process: the sandbox's S3 emulator and CloudFront emulator
 * (its two distributions, no invalidation history) on two loopback ports. Invalidations complete after
 * argv[3] ms (default 0: CloudFront then answers Completed at once).
 * Counts what each server received, on the server's side, so every tool is measured the same way: each
 * HTTP request that reached the server (SDK and CLI retries included), by kind and by operation, and the
 * bytes read off the sockets (request lines, headers and bodies).
 * Kinds: S3 "list" (ListObjectsV2), "read" (other GET/HEAD), "write" (PUT/POST/DELETE); CloudFront "read"
 * (distributions, invalidation listings, GetInvalidation before any create: what a plan reads), "create"
 * (CreateInvalidation), "follow-up" (GetInvalidation after a create: following it to Completed).
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
  kinds: Record<string, number>
  operations: Record<string, number>
  sockets: Map<Socket, number>
  closedBytes: number
  /** CloudFront: a CreateInvalidation has been received since the last reset. */
  created: boolean
}

type Classify = (req: http.IncomingMessage, counter: Counter) => { kind: string; operation: string }

const classifyS3: Classify = (req) => {
  const url = new URL(req.url ?? '/', 'http://x')
  if (req.method === 'GET' && url.searchParams.get('list-type') === '2') return { kind: 'list', operation: 'ListObjectsV2' }
  if (req.method === 'GET' || req.method === 'HEAD') return { kind: 'read', operation: `${req.method} object` }
  return {
    kind: 'write',
    operation: `${req.method} ${url.searchParams.has('uploadId') || url.searchParams.has('uploads') ? 'multipart' : 'object'}`,
  }
}

const classifyCloudFront: Classify = (req, counter) => {
  const path = new URL(req.url ?? '/', 'http://x').pathname
  if (/\/invalidation$/.test(path)) {
    if (req.method === 'POST') return ((counter.created = true), { kind: 'create', operation: 'CreateInvalidation' })
    return { kind: 'read', operation: 'ListInvalidations' }
  }
  if (/\/invalidation\/[^/]+$/.test(path)) return { kind: counter.created ? 'follow-up' : 'read', operation: 'GetInvalidation' }
  if (/\/distribution$/.test(path)) return { kind: 'read', operation: 'ListDistributions' }
  return { kind: req.method === 'GET' ? 'read' : 'write', operation: `${req.method} ${path.replace(/^\/[^/]+/, '')}` }
}

function counted(handle: (req: http.IncomingMessage, res: http.ServerResponse) => void | Promise<void>, classify: Classify) {
  const counter: Counter = { kinds: {}, operations: {}, sockets: new Map(), closedBytes: 0, created: false }
  const server = http.createServer((req, res) => {
    const { kind, operation } = classify(req, counter)
    counter.kinds[kind] = (counter.kinds[kind] ?? 0) + 1
    counter.operations[operation] = (counter.operations[operation] ?? 0) + 1
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
    kinds: { ...counter.kinds },
    operations: { ...counter.operations },
    bytesReceived: counter.closedBytes + [...counter.sockets].reduce((n, [socket, start]) => n + socket.bytesRead - start, 0),
  })
  const reset = () => {
    counter.kinds = {}
    counter.operations = {}
    counter.created = false
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
    invalidationDelayMs: Number(process.argv[3] ?? 0),
    distributions: (now, delay) => seedDistributions(now, delay).map((d) => ({ ...d, invalidations: [] })),
  })
  const servers = { s3: counted(s3.handle, classifyS3), cloudfront: counted(cloudfront.handle, classifyCloudFront) }
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
