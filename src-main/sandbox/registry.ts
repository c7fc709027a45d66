/**
 * The sandbox's emulators, one entry per service of the list (api/services.ts) that has one. Each entry
 * is a start function over a shared context; `servers.ts` starts them in the order of the service list
 * (S3 first, so later emulators can read its store) and gives each its own loopback port.
 *
 * Adding an emulator: write `sandbox/<id>/index.ts` exporting `create<Name>Emulator(options)` and add
 * one line here.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { join } from 'node:path'
import type { AwsServiceId } from '../api/services'
import type { CredentialRegistry } from './credentials'
import { SANDBOX_ADMIN_ROLE_ARN, SANDBOX_MFA_CODE, SANDBOX_MFA_ROLE_ARN, SANDBOX_MFA_SERIAL } from './endpoints'
import { createS3Emulator, type S3Emulator } from './s3/index'
import { seedSandbox } from './seed'
import { createStsEmulator } from './sts/index'
import { createRoute53Emulator } from './route53/index'
import { createCodePipelineEmulator } from './codepipeline/index'
import { createCloudFrontEmulator, type CloudFrontEmulator } from './cloudfront/index'
import { createCloudWatchEmulator, sandboxMetricSources } from './cloudwatch/index'

/** What every emulator gets. */
export interface EmulatorContext {
  /** The sandbox's data folder; an emulator keeps its state in `dataDir/<id>` (see `dataDirOf`). */
  dataDir: string
  /** assets/sandbox: the demo story's seed data. */
  assetsDir: string
  /** Who may call: every emulator verifies SigV4 against it; STS adds session credentials to it. */
  credentials: CredentialRegistry
  nowMs: () => number
  /** How long simulated AWS work takes; unset means each emulator's default. */
  delays: SandboxDelays
  /** The sandbox profile's region. */
  region: string
  /** Emulators already started, by service id (CloudWatch reads the S3 store, CloudFront writes logs to it). */
  started: Readonly<Record<string, RunningEmulator>>
}

/**
 * Durations of simulated AWS work. The app uses the emulators' defaults; the Chromium tests shorten
 * them (through the sandbox process's environment, see process-entry.ts) so an invalidation completes
 * in a second and the test waits for the page to say so, not for a clock.
 */
export interface SandboxDelays {
  invalidationMs?: number
  deploymentMs?: number
  /** How many times faster than nominal pipeline actions run (CodePipeline's default, 3, when unset). */
  pipelineSpeed?: number
}

/** The emulator factory shape: a request handler, an optional close, and whatever test hooks it has. */
export interface RunningEmulator {
  handle(req: IncomingMessage, res: ServerResponse): void | Promise<void>
  close?(): Promise<void>
}

export type StartEmulator = (context: EmulatorContext) => Promise<RunningEmulator>

export const dataDirOf = (context: EmulatorContext, id: string) => join(context.dataDir, id)

/** The S3 emulator of a started sandbox, for emulators that read or seed its store. */
export function s3Of(context: EmulatorContext): S3Emulator {
  const s3 = context.started.s3 as S3Emulator | undefined
  if (!s3) throw new Error('The S3 emulator must start before this one (it comes first in the service list).')
  return s3
}

export const emulators = {
  s3: async (context) => {
    const s3 = await createS3Emulator({
      dataDir: dataDirOf(context, 's3'),
      credentials: context.credentials,
      defaultRegion: context.region,
      nowMs: context.nowMs,
    })
    await seedSandbox(s3.store, context.assetsDir, context.nowMs)
    return s3
  },
  sts: async (context) =>
    createStsEmulator({
      credentials: context.credentials,
      roles: [{ arn: SANDBOX_ADMIN_ROLE_ARN }, { arn: SANDBOX_MFA_ROLE_ARN, mfaSerial: SANDBOX_MFA_SERIAL }],
      mfaCode: SANDBOX_MFA_CODE,
      nowMs: context.nowMs,
    }),
  cloudfront: async (context) =>
    createCloudFrontEmulator({
      credentials: context.credentials,
      nowMs: context.nowMs,
      invalidationDelayMs: context.delays.invalidationMs,
      deployDelayMs: context.delays.deploymentMs,
      stateFile: join(dataDirOf(context, 'cloudfront'), 'state.json'),
    }),
  route53: async (context) =>
    createRoute53Emulator({
      credentials: context.credentials,
      nowMs: context.nowMs,
      seed: true,
      stateFile: join(dataDirOf(context, 'route53'), 'state.json'),
    }),
  codepipeline: async (context) =>
    createCodePipelineEmulator({
      credentials: context.credentials,
      nowMs: context.nowMs,
      region: context.region,
      speed: context.delays.pipelineSpeed,
      stateFile: join(dataDirOf(context, 'codepipeline'), 'state.json'),
    }),
  // Metrics of the S3 store's real contents and of the CloudFront traffic model (the same one the seeded logs come from).
  cloudwatch: async (context) =>
    createCloudWatchEmulator({
      credentials: context.credentials,
      nowMs: context.nowMs,
      sources: sandboxMetricSources({
        s3Store: s3Of(context).store,
        monitoringSince: (context.started.cloudfront as CloudFrontEmulator).monitoringSince,
      }),
    }),
} satisfies Partial<Record<AwsServiceId, StartEmulator>>

export type EmulatorRegistry = Readonly<Record<string, StartEmulator | undefined>>
