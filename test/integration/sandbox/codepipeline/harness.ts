/** The CodePipeline emulator on a loopback port, a real SDK client, and a clock the test moves. */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { CodePipelineClient } from '@aws-sdk/client-codepipeline'
import { CredentialRegistry, SANDBOX_ACCESS_KEY_ID, SANDBOX_SECRET_ACCESS_KEY } from '../../../../src-main/sandbox/credentials'
import { createCodePipelineEmulator, type CodePipelineEmulatorOptions } from '../../../../src-main/sandbox/codepipeline/index'

export const NOW = Date.UTC(2026, 11, 3, 9, 0, 0)

export async function startCodePipeline(options: Pick<CodePipelineEmulatorOptions, 'seed' | 'outcome' | 'speed'> = {}) {
  let now = NOW
  const credentials = new CredentialRegistry(() => now)
  const emulator = createCodePipelineEmulator({ credentials, nowMs: () => now, speed: 1, ...options })
  const server = createServer((req, res) => void emulator.handle(req, res))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const clientFor = (accessKeyId = SANDBOX_ACCESS_KEY_ID, secretAccessKey = SANDBOX_SECRET_ACCESS_KEY) =>
    new CodePipelineClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId, secretAccessKey }, maxAttempts: 1 })
  return {
    client: clientFor(),
    clientFor,
    credentials,
    emulator,
    engine: emulator.engine,
    now: () => now,
    /** Moves the sandbox clock; the engine catches up on the next request. */
    advance(ms: number) {
      now += ms
    },
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
      await emulator.close()
    },
  }
}

/** The error the SDK threw, by name, or 'no error'. */
export async function errorName(promise: Promise<unknown>): Promise<string> {
  try {
    await promise
  } catch (error) {
    return (error as Error).name
  }
  return 'no error'
}
