/** Starts an emulator's handler on a loopback port for a test, the way the sandbox's server list does. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface Served {
  endpoint: string
  close(): Promise<void>
}

export async function serve(handle: (req: IncomingMessage, res: ServerResponse) => void | Promise<void>): Promise<Served> {
  const server: Server = createServer((req, res) => {
    Promise.resolve(handle(req, res)).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500)
      res.end(String(error))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}
