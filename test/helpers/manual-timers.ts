/** Timers a test fires by hand, recording the delays asked for (the `setTimer` shape main's pollers take). */
export function manualTimers() {
  const pending: Array<{ fn: () => void; ms: number; cancelled: boolean }> = []
  return {
    delays: () => pending.filter((t) => !t.cancelled).map((t) => t.ms),
    setTimer(fn: () => void, ms: number) {
      const timer = { fn, ms, cancelled: false }
      pending.push(timer)
      return { cancel: () => (timer.cancelled = true) }
    },
    /** Fires the oldest pending timer, then lets the promises it started settle. */
    async fireNext() {
      const timer = pending.find((t) => !t.cancelled)
      if (!timer) throw new Error('no timer pending')
      timer.cancelled = true
      timer.fn()
      await new Promise((resolve) => setImmediate(resolve))
    },
  }
}
