/**
 * An HTTP proxy between the SDK and the S3 emulator that misbehaves on purpose, at configurable rates:
 * resets connections mid-body, stalls sockets (stops forwarding without closing), answers 503 SlowDown, goes
 * "offline" (refuses connections), and can strip every checksum from responses to play an S3-compatible store
 * without flexible checksums. A seeded random source makes a run repeatable.
 */
import http from 'node:http'
import type { AddressInfo, Socket } from 'node:net'

export interface FaultRates {
  /** Probability per eligible request of a TCP reset partway through the body (request body for PUTs, response body for GETs). */
  reset?: number
  /** Probability of forwarding part of the body and then going silent. */
  stall?: number
  /** Probability of answering 503 SlowDown instead of forwarding. */
  slowDown?: number
}

export interface FaultProxyOptions {
  targetPort: number
  rates?: FaultRates
  seed?: number
  /** Which requests may get a fault; default: object bodies (PUT with a body, GET of an object). */
  eligible?(req: http.IncomingMessage): boolean
  /** Removes x-amz-checksum-* headers and <Checksum…> elements from every response. */
  stripChecksums?: boolean
}

export interface FaultCounts {
  requests: number
  reset: number
  stall: number
  slowDown: number
  refused: number
}

const defaultEligible = (req: http.IncomingMessage) =>
  (req.method === 'PUT' && Number(req.headers['content-length'] ?? 0) > 0) ||
  (req.method === 'GET' && /^\/[^/?]+\/[^?]/.test(req.url ?? ''))

/** mulberry32: tiny, seedable, good enough to pick faults. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export class FaultProxy {
  readonly counts: FaultCounts = { requests: 0, reset: 0, stall: 0, slowDown: 0, refused: 0 }
  private rates: FaultRates
  private readonly random: () => number
  private readonly sockets = new Set<Socket>()
  private readonly server: http.Server
  private port = 0
  private offline = false
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 128 })

  private constructor(private readonly options: FaultProxyOptions) {
    this.rates = options.rates ?? {}
    this.random = seededRandom(options.seed ?? 1)
    this.server = http.createServer((req, res) => this.handle(req, res))
    this.server.on('connection', (socket) => {
      if (this.offline) {
        this.counts.refused++
        socket.destroy()
        return
      }
      this.sockets.add(socket)
      socket.on('close', () => this.sockets.delete(socket))
    })
  }

  static async start(options: FaultProxyOptions): Promise<FaultProxy> {
    const proxy = new FaultProxy(options)
    await proxy.listen(0)
    return proxy
  }

  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`
  }

  setRates(rates: FaultRates): void {
    this.rates = rates
  }

  /** Offline: the listening socket closes (new connections are refused) and open ones are reset. */
  async setOffline(offline: boolean): Promise<void> {
    if (offline === this.offline) return
    this.offline = offline
    if (offline) {
      for (const socket of this.sockets) socket.resetAndDestroy()
      await new Promise<void>((resolve) => this.server.close(() => resolve()))
    } else {
      await this.listen(this.port)
    }
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy()
    this.agent.destroy()
    if (this.server.listening) await new Promise<void>((resolve) => this.server.close(() => resolve()))
  }

  private async listen(port: number): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(port, '127.0.0.1', resolve))
    this.port = (this.server.address() as AddressInfo).port
  }

  private pickFault(req: http.IncomingMessage): 'reset' | 'stall' | 'slowDown' | undefined {
    if (!(this.options.eligible ?? defaultEligible)(req)) return undefined
    const roll = this.random()
    const { reset = 0, stall = 0, slowDown = 0 } = this.rates
    if (roll < slowDown) return 'slowDown'
    if (roll < slowDown + reset) return 'reset'
    if (roll < slowDown + reset + stall) return 'stall'
    return undefined
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    this.counts.requests++
    const fault = this.pickFault(req)
    if (fault === 'slowDown') {
      this.counts.slowDown++
      req.resume()
      req.on('end', () => {
        const body =
          '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>'
        res.writeHead(503, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body), connection: 'close' })
        res.end(body)
      })
      return
    }
    const upstream = http.request({
      host: '127.0.0.1',
      port: this.options.targetPort,
      method: req.method,
      path: req.url,
      headers: req.headers,
      agent: this.agent,
    })
    upstream.on('error', () => res.destroy())
    const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined
    const faultInRequest = fault !== undefined && hasBody
    if (faultInRequest)
      this.interruptBody(req, upstream, Number(req.headers['content-length'] ?? 0), fault, req.socket, () => upstream.destroy())
    else req.pipe(upstream)
    upstream.on('response', (upstreamRes) => {
      const headers = { ...upstreamRes.headers }
      if (this.options.stripChecksums) {
        for (const name of Object.keys(headers)) if (name.startsWith('x-amz-checksum')) delete headers[name]
      }
      const xml = this.options.stripChecksums && String(headers['content-type'] ?? '').includes('xml')
      if (xml) {
        const chunks: Buffer[] = []
        upstreamRes.on('data', (chunk: Buffer) => chunks.push(chunk))
        upstreamRes.on('end', () => {
          const body = Buffer.concat(chunks)
            .toString('utf8')
            .replace(/<(Checksum[A-Za-z0-9]*)>[^<]*<\/\1>/g, '')
          headers['content-length'] = String(Buffer.byteLength(body))
          res.writeHead(upstreamRes.statusCode ?? 500, headers)
          res.end(body)
        })
        return
      }
      res.writeHead(upstreamRes.statusCode ?? 500, headers)
      if (fault !== undefined && !faultInRequest) {
        this.interruptBody(upstreamRes, res, Number(upstreamRes.headers['content-length'] ?? 0), fault, req.socket, () =>
          upstreamRes.destroy(),
        )
      } else {
        upstreamRes.pipe(res)
      }
    })
  }

  /** Forwards a random part of a body, then resets the client's connection or goes silent on it. */
  private interruptBody(
    source: http.IncomingMessage,
    sink: NodeJS.WritableStream,
    lengthBytes: number,
    fault: 'reset' | 'stall',
    clientSocket: Socket,
    dropUpstream: () => void,
  ): void {
    this.counts[fault]++
    // Whatever the client does next (abort, retry on a new socket), the upstream half must not linger.
    clientSocket.once('close', dropUpstream)
    const cutoff = Math.floor(this.random() * Math.max(1, lengthBytes))
    let forwarded = 0
    const onData = (chunk: Buffer) => {
      const room = cutoff - forwarded
      if (room > 0) sink.write(chunk.subarray(0, room))
      forwarded += chunk.length
      if (forwarded < cutoff) return
      source.off('data', onData)
      if (fault === 'reset') {
        dropUpstream()
        clientSocket.resetAndDestroy()
      } else {
        // A stalled socket: nothing more is read or written, and nothing is closed either.
        source.pause()
      }
    }
    source.on('data', onData)
  }
}
