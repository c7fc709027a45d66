import { setMaxListeners } from 'node:events'

/**
 * Cancellation across the process boundary: the renderer names a call with a request id, and a later
 * `cancel(requestId)` aborts that call's AbortSignal in main. Ids are scoped per sender so one window
 * cannot cancel another's work.
 */
export class CallRegistry {
  private readonly controllers = new Map<string, AbortController>()

  /** Returns the signal for a new call, and the function to run when it settles. */
  begin(senderId: string | number, requestId: string | undefined): { signal: AbortSignal; end: () => void } {
    const controller = new AbortController()
    // A cancellable call may run many requests on this signal at once (bulk aborts, ListParts…).
    setMaxListeners(0, controller.signal)
    if (requestId === undefined) return { signal: controller.signal, end: () => {} }
    const key = `${senderId}:${requestId}`
    this.controllers.get(key)?.abort()
    this.controllers.set(key, controller)
    return {
      signal: controller.signal,
      end: () => {
        if (this.controllers.get(key) === controller) this.controllers.delete(key)
      },
    }
  }

  cancel(senderId: string | number, requestId: string): void {
    this.controllers.get(`${senderId}:${requestId}`)?.abort()
  }

  /** Aborts every call of a sender, e.g. when its window closes or reloads. */
  cancelAll(senderId: string | number): void {
    const prefix = `${senderId}:`
    for (const [key, controller] of this.controllers) {
      if (key.startsWith(prefix)) {
        controller.abort()
        this.controllers.delete(key)
      }
    }
  }

  get size(): number {
    return this.controllers.size
  }
}
