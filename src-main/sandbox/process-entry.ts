/**
 * Entry point of the sandbox child process. Main forks it so that a big upload to the sandbox loads this
 * process's event loop, not main's. Protocol (process messages): we send `{ type: 'ready', endpoints }`
 * or `{ type: 'failed', message }`; we stop on `{ type: 'stop' }` or when main goes away.
 */
import type { SandboxDelays } from './registry'
import { startSandbox } from './servers'

interface Port {
  postMessage(message: unknown): void
  on(event: 'message', listener: (message: unknown) => void): void
}

/** Electron's utilityProcess gives `process.parentPort`; Node's fork gives `process.send`. */
function parentPort(): Port {
  const electronPort = (
    process as unknown as { parentPort?: { postMessage(m: unknown): void; on(e: 'message', l: (e: { data: unknown }) => void): void } }
  ).parentPort
  if (electronPort) {
    return {
      postMessage: (m) => electronPort.postMessage(m),
      on: (_e, listener) => electronPort.on('message', (event) => listener(event.data)),
    }
  }
  if (!process.send) throw new Error('The sandbox process must be started by Haneul (no parent channel).')
  return { postMessage: (m) => process.send!(m), on: (_e, listener) => process.on('message', listener) }
}

/**
 * Test-only knobs: HANEUL_SANDBOX_INVALIDATION_DELAY_MS / HANEUL_SANDBOX_DEPLOYMENT_DELAY_MS (whole
 * milliseconds), HANEUL_SANDBOX_PIPELINE_SPEED (a whole factor, 1–1000).
 */
function delaysFromEnv(env: NodeJS.ProcessEnv): SandboxDelays {
  const ms = (value: string | undefined) => (value && /^\d{1,7}$/.test(value) ? Number(value) : undefined)
  const speed =
    env.HANEUL_SANDBOX_PIPELINE_SPEED && /^\d{1,4}$/.test(env.HANEUL_SANDBOX_PIPELINE_SPEED) ? Number(env.HANEUL_SANDBOX_PIPELINE_SPEED) : 0
  return {
    invalidationMs: ms(env.HANEUL_SANDBOX_INVALIDATION_DELAY_MS),
    deploymentMs: ms(env.HANEUL_SANDBOX_DEPLOYMENT_DELAY_MS),
    ...(speed >= 1 && speed <= 1000 && { pipelineSpeed: speed }),
  }
}

async function main(): Promise<void> {
  const [dataDir, assetsDir] = process.argv.slice(2)
  const port = parentPort()
  if (!dataDir || !assetsDir) {
    port.postMessage({ type: 'failed', message: 'usage: process-entry <dataDir> <assetsDir>' })
    process.exit(2)
  }
  try {
    const sandbox = await startSandbox({ dataDir, assetsDir, delays: delaysFromEnv(process.env) })
    let stopping = false
    const stop = async () => {
      if (stopping) return
      stopping = true
      await sandbox.close()
      process.exit(0)
    }
    port.on('message', (message) => {
      if ((message as { type?: string })?.type === 'stop') void stop()
    })
    process.on('disconnect', () => void stop())
    process.on('SIGTERM', () => void stop())
    port.postMessage({ type: 'ready', endpoints: sandbox.endpoints })
  } catch (error) {
    port.postMessage({ type: 'failed', message: error instanceof Error ? error.message : String(error) })
    process.exit(1)
  }
}

void main()
