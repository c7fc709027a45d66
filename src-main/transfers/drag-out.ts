/**
 * Dragging an object out of the window: Chromium downloads a `DownloadURL` to wherever the user drops
 * it. A presigned URL would put the profile's session token in the page, so the page gets a one-time
 * loopback URL instead, and main answers it with a redirect to the presigned one.
 */
import { randomBytes } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

const TOKEN_TTL_MS = 15 * 60_000

export class DragOutServer {
  private server: Promise<Server> | undefined
  private readonly tokens = new Map<string, { url: string; expiresAtMs: number }>()

  constructor(private readonly nowMs: () => number = Date.now) {}

  /** A loopback URL that redirects once to `presignedUrl`. */
  async register(presignedUrl: string, fileName: string): Promise<string> {
    const server = await this.listening()
    const now = this.nowMs()
    for (const [token, entry] of this.tokens) if (entry.expiresAtMs < now) this.tokens.delete(token)
    const token = randomBytes(24).toString('base64url')
    this.tokens.set(token, { url: presignedUrl, expiresAtMs: now + TOKEN_TTL_MS })
    const { port } = server.address() as AddressInfo
    return `http://127.0.0.1:${port}/drag/${token}/${encodeURIComponent(fileName)}`
  }

  async close(): Promise<void> {
    const server = await this.server
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()))
  }

  private listening(): Promise<Server> {
    this.server ??= new Promise((resolve, reject) => {
      const server = createServer((req, res) => {
        const token = /^\/drag\/([\w-]+)\//.exec(req.url ?? '')?.[1]
        const entry = token ? this.tokens.get(token) : undefined
        if (!token || !entry || entry.expiresAtMs < this.nowMs()) return void res.writeHead(404).end()
        this.tokens.delete(token)
        res.writeHead(302, { location: entry.url, 'cache-control': 'no-store' }).end()
      })
      server.once('error', reject)
      server.listen(0, '127.0.0.1', () => {
        server.unref()
        resolve(server)
      })
    })
    return this.server
  }
}
