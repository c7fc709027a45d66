/**
 * The sandbox's CodePipeline: an AWS JSON 1.1 front (operations.ts) over a discrete-event engine
 * (engine.ts) on the sandbox's clock, seeded with the demo story's pipelines (seed.ts). State is in
 * memory: the seed is a pure function of the clock, so every start gives the same story.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { CredentialRegistry } from '../credentials'
import { EmulatedError } from '../framework/emulated-error'
import { jsonService } from '../framework/json-service'
import { PipelineEngine, type Outcome, type OutcomeContext } from './engine'
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
}

export interface CodePipelineEmulator {
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>
  /** The ground truth, for tests and for adding pipelines. */
  engine: PipelineEngine
  /** What the demo seed produced, and how long it took (ms). */
  seedReport?: SeedReport & { durationMs: number }
  close(): Promise<void>
}

export function createCodePipelineEmulator(options: CodePipelineEmulatorOptions): CodePipelineEmulator {
  const speed = options.speed ?? SANDBOX_PIPELINE_SPEED
  const seeded = (options.seed ?? 'demo') === 'demo'
  const now = options.nowMs()
  const engine = new PipelineEngine({
    nowMs: options.nowMs,
    speed,
    seed: options.randomSeed ?? 20261203,
    outcome: options.outcome,
    region: options.region,
    startAtMs: seeded ? now - 31 * 24 * 3600_000 : now,
  })
  let seedReport: CodePipelineEmulator['seedReport']
  if (seeded) {
    const started = performance.now()
    const report = seedPipelines(engine, now, speed)
    seedReport = { ...report, durationMs: performance.now() - started }
  }
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
        return operation(input, caller)
      },
    ]),
  )
  const handle = jsonService({ targetPrefix: 'CodePipeline_20150709', version: '1.1', operations, credentials: options.credentials })
  return { handle, engine, seedReport, close: () => Promise.resolve() }
}
