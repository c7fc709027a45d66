/**
 * Transport-agnostic entry to main: (operation, payload, context) → result. ipcMain uses it in the app;
 * the test bridge uses the same router in tests. Order matters: check who is calling, then what they
 * sent, and only then act.
 */
import type { ZodError, ZodType } from 'zod'
import { contract, type Contract, type ServiceName } from './api/index'
import type { OperationSpec, OutputOf, ParsedInputOf, Result } from './api/contract'
import { toApiError } from './core/errors'

export interface CallContext {
  /** URL of the frame that sent the call; checked before anything else. */
  senderUrl: string
  /** Aborted when the renderer cancels or the window goes away. */
  signal: AbortSignal
  /** The id the renderer gave the call (for cancellation); progress events of the call carry it. */
  requestId?: string
}

/** Any contract: services of operations. The app's is `contract` of api/index.ts. */
export type ContractShape = Readonly<Record<string, Readonly<Record<string, OperationSpec>>>>

/** One function per operation of a contract, typed from its schemas. */
export type HandlersOf<C extends ContractShape> = {
  [S in keyof C]: {
    [O in keyof C[S]]: (input: ParsedInputOf<C[S][O]>, context: CallContext) => Promise<OutputOf<C[S][O]>>
  }
}

/** The handlers of the app's contract. */
export type Handlers = HandlersOf<Contract>

/** What each service folder exports: its handlers, and what to release when the app quits. */
export interface ServiceModule<H> {
  handlers: H
  close?(): void | Promise<void>
}

export type ModuleOf<S extends ServiceName> = ServiceModule<Handlers[S]>

export interface Router {
  handle(operation: string, payload: unknown, context: CallContext): Promise<Result<unknown>>
}

export interface RouterOptions<C extends ContractShape = Contract> {
  /** The contract to route; the app's unless a test adds a service. */
  contract?: C
  handlers: HandlersOf<C>
  isTrustedSender: (url: string) => boolean
  /** Where unexpected failures are logged (never payloads: they may hold user data). */
  log?: (message: string) => void
}

type AnyHandler = (input: unknown, context: CallContext) => Promise<unknown>

function describeZodError(error: ZodError): string {
  return error.issues.map((issue) => (issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message)).join('; ')
}

export function createRouter<C extends ContractShape = Contract>(options: RouterOptions<C>): Router {
  const { handlers, isTrustedSender, log } = options
  // Flatten once: 'service.operation' → schema and handler. A missing handler is a programming error.
  const table = new Map<string, { input: ZodType; handler: AnyHandler }>()
  for (const [service, operations] of Object.entries(options.contract ?? contract)) {
    for (const [name, spec] of Object.entries(operations)) {
      const handler = (handlers as unknown as Record<string, Record<string, AnyHandler | undefined>>)[service]?.[name]
      if (!handler) throw new Error(`No handler for ${service}.${name}`)
      table.set(`${service}.${name}`, { input: spec.input, handler })
    }
  }

  return {
    async handle(operation, payload, context) {
      if (!isTrustedSender(context.senderUrl)) {
        return {
          ok: false,
          error: { code: 'forbidden-sender', message: 'Calls are accepted only from the Haneul window.', retryable: false },
        }
      }
      const entry = typeof operation === 'string' ? table.get(operation) : undefined
      if (!entry) {
        return {
          ok: false,
          error: {
            code: 'unknown-operation',
            message: `There is no operation named "${String(operation).slice(0, 100)}".`,
            retryable: false,
          },
        }
      }
      const parsed = entry.input.safeParse(payload)
      if (!parsed.success) {
        return { ok: false, error: { code: 'bad-request', message: `${operation}: ${describeZodError(parsed.error)}`, retryable: false } }
      }
      try {
        return { ok: true, value: await entry.handler(parsed.data, context) }
      } catch (thrown) {
        const error = toApiError(thrown)
        if (error.code === 'internal') log?.(`${operation} failed: ${thrown instanceof Error ? thrown.stack : String(thrown)}`)
        return { ok: false, error }
      }
    },
  }
}

/** Every operation name in the contract; tests use it to prove they covered them all. */
export function operationNames(of: ContractShape = contract): string[] {
  return Object.entries(of).flatMap(([service, operations]) => Object.keys(operations).map((name) => `${service}.${name}`))
}
