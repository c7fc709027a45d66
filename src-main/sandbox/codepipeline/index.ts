/**
 * The sandbox's CodePipeline: an AWS JSON 1.1 front (operations.ts) over a discrete-event engine
 * (engine.ts) on the sandbox's clock, seeded with the demo story's pipelines (seed.ts). With a
 * `stateFile`, the engine's records are saved after every change and picked up again at the next start.
 */
import { existsSync, readFileSync, renameSync } from 'node:fs'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { writeFileAtomic } from '../../core/atomic-file'
import type { CredentialRegistry } from '../credentials'
import { EmulatedError } from '../framework/emulated-error'
import { jsonService } from '../framework/json-service'
import { PipelineEngine, type EngineOptions, type EngineSnapshot, type Outcome, type OutcomeContext } from './engine'
import { codePipelineOperations, iamActionOf } from './operations'
import { seedPipelines, type SeedReport } from './seed'

/** Automated actions of `site-release` add up to ≈ 6 minutes; at 3× a release runs in about two. */
export const SANDBOX_PIPELINE_SPEED = 3

export interface CodePipelineEmulatorOptions {
  credentials: CredentialRegistry
  nowMs: () => number
  /** Automated actions run this many times faster than their nominal durations. Default 3. */
  speed?: number
  /** 'demo' (default) adds the demo pipelines with 30 days of history; 'empty' adds nothing. */
  seed?: 'demo' | 'empty'
  /** Seeds ids, tokens and durations. */
  randomSeed?: number
  /** Test hook: decides automated actions' outcomes (default: Build fails for a share of commits). */
  outcome?: (context: OutcomeContext) => Outcome
  region?: string
  /**
   * Where the engine's state is kept (e.g. `<sandbox data>/codepipeline.json`). Missing: seeded; present:
   * continued; unreadable: moved aside to `<file>.unreadable-<time>` and seeded afresh. Default: memory only.
   */
  stateFile?: string
}

export interface CodePipelineEmulator {
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>
  /** The ground truth, for tests and for adding pipelines. */
  engine: PipelineEngine
  /** What the demo seed produced, and how long it took (ms); undefined when continued from a state file. */
  seedReport?: SeedReport & { durationMs: number }
  /** Resolves when the latest change is on disk. */
  flush(): Promise<void>
  close(): Promise<void>
}

const MUTATIONS = new Set([
  'StartPipelineExecution',
  'StopPipelineExecution',
  'RetryStageExecution',
  'RollbackStage',
  'PutApprovalResult',
  'DisableStageTransition',
  'EnableStageTransition',
])

function loadSnapshot(stateFile: string | undefined, nowMs: number): EngineSnapshot | undefined {
  if (!stateFile || !existsSync(stateFile)) return undefined
  try {
    const snapshot = JSON.parse(readFileSync(stateFile, 'utf8')) as EngineSnapshot
    if (snapshot.format !== 1 || !Array.isArray(snapshot.pipelines)) throw new Error('unknown format')
    return snapshot
  } catch {
    // Keep what cannot be read for a person to look at; the sandbox starts from the seed.
    renameSync(stateFile, `${stateFile}.unreadable-${nowMs}`)
    return undefined
  }
}

export function createCodePipelineEmulator(options: CodePipelineEmulatorOptions): CodePipelineEmulator {
  const speed = options.speed ?? SANDBOX_PIPELINE_SPEED
  const now = options.nowMs()
  const engineOptions: EngineOptions = {
    nowMs: options.nowMs,
    speed,
    seed: options.randomSeed ?? 20261203,
    outcome: options.outcome,
    region: options.region,
  }
  const snapshot = loadSnapshot(options.stateFile, now)
  const seeded = !snapshot && (options.seed ?? 'demo') === 'demo'
  const engine = snapshot
    ? PipelineEngine.restore(engineOptions, snapshot)
    : new PipelineEngine({ ...engineOptions, startAtMs: seeded ? now - 31 * 24 * 3600_000 : now })
  let seedReport: CodePipelineEmulator['seedReport']
  if (seeded) {
    const started = performance.now()
    const report = seedPipelines(engine, now, speed)
    seedReport = { ...report, durationMs: performance.now() - started }
  }

  // Saves run one at a time; changes made meanwhile are saved by the next one.
  let saving: Promise<void> = Promise.resolve()
  let dirty = false
  let saveError: unknown
  const save = () => {
    if (!options.stateFile || dirty) return
    dirty = true
    const file = options.stateFile
    saving = saving.then(async () => {
      dirty = false
      await writeFileAtomic(file, JSON.stringify(engine.snapshot())).catch((error: unknown) => {
        saveError = error
      })
    })
  }
  if (!snapshot) save()

  const operations = Object.fromEntries(
    Object.entries(codePipelineOperations(engine)).map(([name, operation]) => [
      name,
      (input: Record<string, unknown>, caller: Parameters<typeof operation>[1]) => {
        const action = iamActionOf(name)
        const denied = (caller.deniedActions ?? []).some(
          (pattern) => pattern === '*' || pattern === action || (pattern.endsWith('*') && action.startsWith(pattern.slice(0, -1))),
        )
        if (denied) {
          throw new EmulatedError('AccessDeniedException', `User: ${caller.arn} is not authorized to perform: ${action} on resource: *`)
        }
        const output = operation(input, caller)
        if (MUTATIONS.has(name)) save()
        return output
      },
    ]),
  )
  const handle = jsonService({ targetPrefix: 'CodePipeline_20150709', version: '1.1', operations, credentials: options.credentials })
  /** Waits for the saves under way; rejects once with the last save's error, if one failed. */
  const flush = async () => {
    await saving
    const error = saveError
    saveError = undefined
    if (error) throw error instanceof Error ? error : new Error(String(error))
  }
  return {
    handle,
    engine,
    seedReport,
    flush,
    async close() {
      await flush()
    },
  }
}
