/**
 * The shape every service contract is written in. Runtime schemas (zod) validate what crosses the
 * boundary; the TypeScript types the renderer sees are inferred from the same schemas, so the two cannot
 * drift. The renderer imports this folder with `import type` only.
 */
import type { z } from 'zod'

/** Error codes the renderer may switch on. Messages are for people; codes are for code. */
export const errorCodes = [
  'bad-request', // the payload broke a schema rule; the message names the rule
  'unknown-operation',
  'forbidden-sender', // the call did not come from the app's own page
  'not-found',
  'already-exists',
  'access-denied',
  'credentials-missing',
  'credentials-expired',
  'credentials-invalid',
  'offline', // the endpoint could not be reached
  'interrupted', // a connection broke mid-request; trying again usually works
  'throttled',
  'conflict',
  'cancelled',
  'unsupported',
  'internal',
] as const
export type ErrorCode = (typeof errorCodes)[number]

/** How an error crosses the process boundary: plain data, never a thrown Error (Electron drops all but the message). */
export interface ApiError {
  code: ErrorCode
  message: string
  retryable: boolean
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: ApiError }

export interface OperationSpec<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  /** Validated in main before any handler runs. */
  input: I
  /** Documents the reply; tests validate real replies against it. */
  output: O
  /** Long operations take a request id so the renderer can cancel them. */
  cancellable?: boolean
}

/** Declares one operation; exists only to keep the input/output generics inferred. */
export function operation<I extends z.ZodType, O extends z.ZodType>(spec: OperationSpec<I, O>): OperationSpec<I, O> {
  return spec
}

export type ServiceSpec = Record<string, OperationSpec>

/** What the renderer passes (before schema defaults apply). */
export type InputOf<S> = S extends OperationSpec<infer I, z.ZodType> ? z.input<I> : never
/** What a handler receives (after validation and defaults). */
export type ParsedInputOf<S> = S extends OperationSpec<infer I, z.ZodType> ? z.output<I> : never
export type OutputOf<S> = S extends OperationSpec<z.ZodType, infer O> ? z.output<O> : never
