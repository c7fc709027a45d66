/**
 * Main's side of the sandbox: starts the child process, waits for its endpoints, reports its state and
 * stops it with the app. How the child is spawned is handed in (Electron's utilityProcess in the app,
 * Node's fork in tests), so this runs under plain Node.
 */
import { fork } from 'node:child_process'
import type { SandboxEndpoints } from './endpoints'

export type SandboxState = 'starting' | 'running' | 'stopped' | 'failed'

/** The little a host needs from a child process. */
export interface SandboxWorker {
  onMessage(listener: (message: unknown) => void): void
  onExit(listener: (code: number | null) => void): void
  send(message: unknown): void
  kill(): void
}

export type SpawnSandboxWorker = (args: string[]) => SandboxWorker

/** Forks the sandbox entry with Node (tests, CLI tools). */
export function forkWithNode(entryPath: string, execArgv: string[] = [], env: NodeJS.ProcessEnv = process.env): SpawnSandboxWorker {
  return (args) => {
    const child = fork(entryPath, args, { execArgv, env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
    return {
      onMessage: (listener) => child.on('message', listener),
      onExit: (listener) => child.on('exit', (code) => listener(code)),
      send: (message) => {
        if (child.connected) child.send(message as object)
      },
      kill: () => child.kill(),
    }
  }
}

export class SandboxHost {
  private worker: SandboxWorker | undefined
  private currentState: SandboxState = 'stopped'
  private currentMessage: string | undefined
  private currentEndpoints: SandboxEndpoints | undefined
  private ready: Promise<SandboxEndpoints> | undefined
  private readonly listeners = new Set<(state: SandboxState, message?: string) => void>()

  constructor(
    private readonly spawn: SpawnSandboxWorker,
    private readonly dataDir: string,
    private readonly assetsDir: string,
    private readonly readyTimeoutMs = 30_000,
  ) {}

  get state(): SandboxState {
    return this.currentState
  }

  get message(): string | undefined {
    return this.currentMessage
  }

  /** The endpoints once running; undefined while starting, stopped or failed. */
  get endpoints(): SandboxEndpoints | undefined {
    return this.currentEndpoints
  }

  /** The endpoints, waiting while the sandbox starts; rejects when it is stopped or failed. */
  whenReady(): Promise<SandboxEndpoints> {
    if (this.currentEndpoints) return Promise.resolve(this.currentEndpoints)
    if (this.ready && this.currentState === 'starting') return this.ready
    return Promise.reject(new Error(this.currentMessage ?? `the sandbox is ${this.currentState}`))
  }

  onChange(listener: (state: SandboxState, message?: string) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** Starts the child once; later calls return the same promise. */
  start(): Promise<SandboxEndpoints> {
    if (this.ready) return this.ready
    this.setState('starting')
    const worker = this.spawn([this.dataDir, this.assetsDir])
    this.worker = worker
    this.ready = new Promise<SandboxEndpoints>((resolve, reject) => {
      const timer = setTimeout(() => fail(`The sandbox did not start within ${this.readyTimeoutMs / 1000} s.`), this.readyTimeoutMs)
      const fail = (message: string) => {
        clearTimeout(timer)
        this.currentEndpoints = undefined
        this.setState('failed', message)
        reject(new Error(message))
      }
      worker.onMessage((message) => {
        const m = message as { type?: string; endpoints?: SandboxEndpoints; message?: string }
        if (m.type === 'ready' && m.endpoints) {
          clearTimeout(timer)
          this.currentEndpoints = m.endpoints
          this.setState('running')
          resolve(m.endpoints)
        } else if (m.type === 'failed') {
          fail(`The sandbox failed to start: ${m.message ?? 'unknown error'}`)
        }
      })
      worker.onExit((code) => {
        clearTimeout(timer)
        const wasRunning = this.currentState === 'running' || this.currentState === 'starting'
        this.currentEndpoints = undefined
        this.worker = undefined
        this.ready = undefined
        if (this.currentState === 'starting') reject(new Error(`The sandbox exited during start (code ${code}).`))
        if (wasRunning)
          this.setState(code === 0 ? 'stopped' : 'failed', code === 0 ? undefined : `The sandbox stopped unexpectedly (code ${code}).`)
      })
    })
    return this.ready
  }

  /** Asks the child to stop and waits for it; kills it if it does not go within a few seconds. */
  async stop(): Promise<void> {
    const worker = this.worker
    if (!worker) return
    this.setState('stopped')
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        worker.kill()
        resolve()
      }, 5_000)
      worker.onExit(() => {
        clearTimeout(timer)
        resolve()
      })
      worker.send({ type: 'stop' })
    })
  }

  private setState(state: SandboxState, message?: string): void {
    this.currentState = state
    this.currentMessage = message
    for (const listener of this.listeners) listener(state, message)
  }
}
