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

/** What every emulator gets. */
export interface EmulatorContext {
  /** The sandbox's data folder; an emulator keeps its state in `dataDir/<id>` (see `dataDirOf`). */
  dataDir: string
  /** assets/sandbox: the demo story's seed data. */
  assetsDir: string
  /** Who may call: every emulator verifies SigV4 against it; STS adds session credentials to it. */
  credentials: CredentialRegistry
  nowMs: () => number
  /** The sandbox profile's region. */
  region: string
  /** Emulators already started, by service id (CloudWatch reads the S3 store, CloudFront writes logs to it). */
  started: Readonly<Record<string, RunningEmulator>>
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
} satisfies Partial<Record<AwsServiceId, StartEmulator>>

export type EmulatorRegistry = Readonly<Record<string, StartEmulator | undefined>>
