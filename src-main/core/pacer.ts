/**
 * At most `perSecond` request starts in any one-second window, waiting for a turn instead of being
 * throttled: Route 53 allows five requests a second per account, and a zone of 10,000 records is 34
 * pages. Waiting its turn is cheaper than a Throttling reply and the SDK's exponential backoff.
 */
export interface PacerClock {
  now(): number
  sleep(ms: number, signal?: AbortSignal): Promise<void>
}

const systemClock: PacerClock = {
  now: Date.now,
  sleep: (ms, signal) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(resolve, ms)
      signal?.addEventListener('abort', () => (clearTimeout(timer), reject(signal.reason as Error)), { once: true })
    }),
}

export class Pacer {
  private readonly starts: number[] = []
  private queue: Promise<void> = Promise.resolve()

  /** `marginMs`: the service counts arrivals, a little after our starts; leave it that much room. */
  constructor(
    private readonly perSecond: number,
    private readonly clock: PacerClock = systemClock,
    private readonly marginMs = 50,
  ) {}

  /** Resolves when a request may start (turns are given in call order). */
  turn(signal?: AbortSignal): Promise<void> {
    const mine = this.queue.then(() => this.wait(signal))
    this.queue = mine.catch(() => {})
    return mine
  }

  private async wait(signal?: AbortSignal): Promise<void> {
    for (;;) {
      signal?.throwIfAborted()
      const now = this.clock.now()
      const windowMs = 1000 + this.marginMs
      while (this.starts.length && this.starts[0]! <= now - windowMs) this.starts.shift()
      if (this.starts.length < this.perSecond) {
        this.starts.push(now)
        return
      }
      await this.clock.sleep(this.starts[0]! + windowMs - now, signal)
    }
  }
}
