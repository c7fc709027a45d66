/**
 * Builds `window.haneul` from a transport. Preload passes an ipcRenderer transport; the Chromium tests
 * pass one that forwards to the router in the test process. Both get the same one-function-per-operation
 * object, so what the tests drive is what the app exposes.
 */
import { contract, type HaneulBridge, type AppEvent } from './index'

export interface BridgeTransport {
  invoke(operation: string, payload: unknown, requestId: string | undefined): Promise<unknown>
  cancel(requestId: string): void
  subscribe(listener: (event: AppEvent) => void): () => void
}

export function buildBridge(transport: BridgeTransport): HaneulBridge {
  const services: Record<string, Record<string, unknown>> = {}
  for (const [service, operations] of Object.entries(contract)) {
    const functions: Record<string, unknown> = {}
    for (const name of Object.keys(operations)) {
      const operation = `${service}.${name}`
      functions[name] = (input: unknown, requestId?: string) => transport.invoke(operation, input, requestId)
    }
    services[service] = Object.freeze(functions)
  }
  return Object.freeze({
    ...services,
    cancel: (requestId: string) => transport.cancel(String(requestId)),
    onEvent: (listener: (event: AppEvent) => void) => transport.subscribe(listener),
  }) as unknown as HaneulBridge
}

/** IPC channel names, shared by preload and main so they cannot disagree. */
export const channels = {
  operation: (operation: string) => `haneul:${operation}`,
  cancel: 'haneul:cancel',
  event: 'haneul:event',
  /** Preload → main only: paths of files the user really dropped (never exposed to the page). */
  drop: 'haneul:drop',
} as const
