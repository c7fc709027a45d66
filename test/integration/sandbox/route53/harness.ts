/** Starts the Route 53 emulator on loopback with a hand-driven clock and a real SDK client for it. */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Route53Client } from '@aws-sdk/client-route-53'
import { CredentialRegistry, SANDBOX_ACCESS_KEY_ID, SANDBOX_SECRET_ACCESS_KEY } from '../../../../src-main/sandbox/credentials'
import { createRoute53Emulator, type Route53EmulatorOptions } from '../../../../src-main/sandbox/route53/index'
import { seedRoute53 } from '../../../../src-main/sandbox/route53/seed'

export interface Route53Harness {
  client: Route53Client
  /** http://127.0.0.1:port */
  endpoint: string
  emulator: ReturnType<typeof createRoute53Emulator>
  clock: { now: number; advance(ms: number): void }
  close(): Promise<void>
}

export async function startRoute53(options: Partial<Route53EmulatorOptions> & { seed?: boolean } = {}): Promise<Route53Harness> {
  const clock = {
    now: Date.UTC(2026, 11, 3, 9, 0, 0),
    advance(ms: number) {
      this.now += ms
    },
  }
  const credentials = new CredentialRegistry(() => clock.now)
  const emulator = createRoute53Emulator({ credentials, nowMs: () => clock.now, requestsPerSecond: Infinity, ...options })
  if (options.seed !== false) seedRoute53(emulator)
  const server: Server = createServer((req, res) => void emulator.handle(req, res))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const client = new Route53Client({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: SANDBOX_ACCESS_KEY_ID, secretAccessKey: SANDBOX_SECRET_ACCESS_KEY },
    // Errors are what these tests look at: the SDK must not retry them away.
    maxAttempts: 1,
  })
  return {
    client,
    endpoint,
    emulator,
    clock,
    async close() {
      client.destroy()
      await new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
    },
  }
}

/** Awaits a call expected to fail and returns its error (fails the test if it succeeds). */
export async function failure(promise: Promise<unknown>): Promise<Error & { name: string; $metadata?: { httpStatusCode?: number } }> {
  try {
    await promise
  } catch (error) {
    return error as Error & { name: string }
  }
  throw new Error('expected the call to fail, and it succeeded')
}
