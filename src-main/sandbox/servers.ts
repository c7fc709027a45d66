/**
 * Starts the sandbox's emulated AWS services, each on its own 127.0.0.1 port (a random one), the way
 * each AWS service has its own endpoint. Which emulators exist is the registry's business
 * (registry.ts); they start in the order of the service list. Runs under plain Node: in the app inside
 * the sandbox child process, in tests in-process.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { awsServices, type AwsServiceSpec } from '../api/services'
import { CredentialRegistry } from './credentials'
import { SANDBOX_REGION, type SandboxEndpoints } from './endpoints'
import { emulators, type EmulatorRegistry, type RunningEmulator, type SandboxDelays } from './registry'
import type { S3Emulator } from './s3/index'
import type { createStsEmulator } from './sts/index'

export interface SandboxOptions {
  /** Persistent state (S3 objects); a fresh folder is seeded. */
  dataDir: string
  /** assets/sandbox: the demo site's files and other seed data. */
  assetsDir: string
  nowMs?: () => number
  /** How long simulated AWS work takes (defaults: the emulators' own, e.g. 20 s for an invalidation). */
  delays?: SandboxDelays
  /** The emulators to start and the list that orders them; the app's unless a test adds a service. */
  registry?: EmulatorRegistry
  services?: readonly AwsServiceSpec[]
}

export interface RunningSandbox {
  endpoints: SandboxEndpoints
  credentials: CredentialRegistry
  /** Every started emulator by service id, with its test hooks. */
  emulators: Readonly<Record<string, RunningEmulator>>
  s3: S3Emulator
  sts: ReturnType<typeof createStsEmulator>
  close(): Promise<void>
}

function listen(emulator: RunningEmulator): Promise<Server> {
  const server = createServer((req, res) => {
    Promise.resolve(emulator.handle(req, res)).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500)
      res.end(String(error))
    })
  })
  // Loopback only: the sandbox must never be reachable from the network.
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve(server))
  })
}

const urlOf = (server: Server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}`

const stop = (server: Server) =>
  new Promise<void>((resolve) => {
    server.close(() => resolve())
    server.closeAllConnections()
  })

export async function startSandbox(options: SandboxOptions): Promise<RunningSandbox> {
  const { dataDir, assetsDir, nowMs = Date.now, delays = {}, registry = emulators as EmulatorRegistry, services = awsServices } = options
  const credentials = new CredentialRegistry(nowMs)
  const started: Record<string, RunningEmulator> = {}
  const servers: Array<{ id: string; server: Server }> = []
  const close = async () => {
    await Promise.all(servers.map(({ server }) => stop(server)))
    // Reverse order: an emulator may use the ones started before it until it is closed.
    for (const emulator of Object.values(started).reverse()) await emulator.close?.()
  }
  try {
    for (const { id } of services) {
      const start = registry[id]
      if (!start) continue
      const context = { dataDir, assetsDir, credentials, nowMs, delays, region: SANDBOX_REGION, started }
      const emulator = await start(context)
      started[id] = emulator
      servers.push({ id, server: await listen(emulator) })
    }
  } catch (error) {
    await close()
    throw error
  }
  return {
    endpoints: Object.fromEntries(servers.map(({ id, server }) => [id, urlOf(server)])) as SandboxEndpoints,
    credentials,
    emulators: started,
    s3: started.s3 as S3Emulator,
    sts: started.sts as ReturnType<typeof createStsEmulator>,
    close,
  }
}
