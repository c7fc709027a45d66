/**
 * Starts the sandbox's emulated AWS services, each on its own 127.0.0.1 port (a random one), the way
 * each AWS service has its own endpoint. Runs under plain Node: in the app inside the sandbox child
 * process, in tests in-process.
 */
import { createServer, type Server, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { CredentialRegistry } from './credentials'
import { createS3Emulator, type S3Emulator } from './s3/index'
import { createStsEmulator } from './sts'
import { seedSandbox } from './seed'
import {
  SANDBOX_ADMIN_ROLE_ARN,
  SANDBOX_MFA_CODE,
  SANDBOX_MFA_ROLE_ARN,
  SANDBOX_MFA_SERIAL,
  SANDBOX_REGION,
  type SandboxEndpoints,
} from './endpoints'

export interface SandboxOptions {
  /** Persistent state (S3 objects); a fresh folder is seeded. */
  dataDir: string
  /** assets/sandbox: the demo site's files and other seed data. */
  assetsDir: string
  nowMs?: () => number
}

export interface RunningSandbox {
  endpoints: SandboxEndpoints
  credentials: CredentialRegistry
  s3: S3Emulator
  sts: ReturnType<typeof createStsEmulator>
  close(): Promise<void>
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>

function listen(handler: Handler): Promise<Server> {
  const server = createServer((req, res) => {
    Promise.resolve(handler(req, res)).catch((error: unknown) => {
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

export async function startSandbox({ dataDir, assetsDir, nowMs = Date.now }: SandboxOptions): Promise<RunningSandbox> {
  const credentials = new CredentialRegistry(nowMs)
  const s3 = await createS3Emulator({ dataDir: join(dataDir, 's3'), credentials, defaultRegion: SANDBOX_REGION, nowMs })
  await seedSandbox(s3.store, assetsDir, nowMs)
  const sts = createStsEmulator({
    credentials,
    roles: [{ arn: SANDBOX_ADMIN_ROLE_ARN }, { arn: SANDBOX_MFA_ROLE_ARN, mfaSerial: SANDBOX_MFA_SERIAL }],
    mfaCode: SANDBOX_MFA_CODE,
    nowMs,
  })
  const servers = { s3: await listen(s3.handle), sts: await listen(sts.handle) }
  return {
    endpoints: { s3: urlOf(servers.s3), sts: urlOf(servers.sts) },
    credentials,
    s3,
    sts,
    async close() {
      await Promise.all(
        Object.values(servers).map(
          (server) =>
            new Promise<void>((resolve) => {
              server.close(() => resolve())
              server.closeAllConnections()
            }),
        ),
      )
      await s3.close()
    },
  }
}
