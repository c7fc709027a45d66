/**
 * The renderer's view of main: `api.s3.listBuckets({ profileId })` resolves with the output or throws
 * an ApiCallError carrying the contract's error code. Long calls take an AbortSignal; aborting sends
 * `cancel(requestId)` to main, which aborts the work there.
 */
import type { ApiError, AppEvent, ErrorCode, HaneulBridge, Result } from '../src-main/api/index'

export class ApiCallError extends Error {
  readonly code: ErrorCode
  readonly retryable: boolean
  constructor(error: ApiError) {
    super(error.message)
    this.name = 'ApiCallError'
    this.code = error.code
    this.retryable = error.retryable
  }
}

export interface CallOptions {
  signal?: AbortSignal
  /** Told the request id of a cancellable call, so its progress events can be told apart. */
  onRequestId?: (requestId: string) => void
}

type Bridge = HaneulBridge
type Services = Omit<Bridge, 'cancel' | 'onEvent'>
type Unwrapped<F> = F extends (input: infer I, requestId?: string) => Promise<Result<infer O>>
  ? (input: I, options?: CallOptions) => Promise<O>
  : never
export type Api = { [S in keyof Services]: { [O in keyof Services[S]]: Unwrapped<Services[S][O]> } }

let sequence = 0

function call<O>(invoke: (requestId?: string) => Promise<Result<O>>, options?: CallOptions): Promise<O> {
  const signal = options?.signal
  if (!signal) return invoke().then(unwrap)
  if (signal.aborted) return Promise.reject(new ApiCallError({ code: 'cancelled', message: 'Cancelled.', retryable: false }))
  const requestId = `r${++sequence}-${Date.now().toString(36)}`
  options?.onRequestId?.(requestId)
  return new Promise<O>((resolve, reject) => {
    const onAbort = () => {
      window.haneul.cancel(requestId)
      reject(new ApiCallError({ code: 'cancelled', message: 'Cancelled.', retryable: false }))
    }
    signal.addEventListener('abort', onAbort, { once: true })
    invoke(requestId)
      .then(unwrap)
      .then(resolve, reject)
      .finally(() => signal.removeEventListener('abort', onAbort))
  })
}

function unwrap<O>(result: Result<O>): O {
  if (result.ok) return result.value
  throw new ApiCallError(result.error)
}

function buildApi(bridge: Bridge): Api {
  const api: Record<string, Record<string, unknown>> = {}
  for (const [service, operations] of Object.entries(bridge)) {
    if (typeof operations !== 'object' || operations === null) continue
    api[service] = {}
    for (const [name, fn] of Object.entries(
      operations as Record<string, (input: unknown, requestId?: string) => Promise<Result<unknown>>>,
    )) {
      api[service][name] = (input: unknown, options?: CallOptions) => call((requestId) => fn(input, requestId), options)
    }
  }
  return api as unknown as Api
}

export const api: Api = buildApi(window.haneul)

/** The sentence a user sees for a caught error: main's message (it says what to do), else the error's own. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/** True when main refused the call with this contract error code. */
export const isCode = (error: unknown, code: ErrorCode): boolean => error instanceof ApiCallError && error.code === code

export type AppEventType = AppEvent['type']
export type AppEventOf<T extends AppEventType> = Extract<AppEvent, { type: T }>

/**
 * Listens to some kinds of main's events, typed by kind; returns the function that stops listening.
 * Components and stores use `useAppEvent` (composables/events.ts), which stops by itself.
 */
export function onAppEvent<T extends AppEventType>(types: readonly T[], listener: (event: AppEventOf<T>) => void): () => void {
  const wanted = new Set<AppEventType>(types)
  return window.haneul.onEvent((event) => {
    if (wanted.has(event.type)) listener(event as AppEventOf<T>)
  })
}
