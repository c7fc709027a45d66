import { describe, expect, it } from 'vitest'
import { ConnectivityMonitor, type ProbeResult } from '../../../src-main/offline/connectivity'

/** Timers the test fires by hand, recording the delays asked for. */
function manualTimers() {
  const pending: Array<{ fn: () => void; ms: number; cancelled: boolean }> = []
  return {
    delays: () => pending.filter((t) => !t.cancelled).map((t) => t.ms),
    setTimer(fn: () => void, ms: number) {
      const timer = { fn, ms, cancelled: false }
      pending.push(timer)
      return { cancel: () => (timer.cancelled = true) }
    },
    async fireNext() {
      const timer = pending.find((t) => !t.cancelled)
      if (!timer) throw new Error('no timer')
      timer.cancelled = true
      timer.fn()
      await new Promise((resolve) => setImmediate(resolve))
    },
  }
}

describe('connectivity monitor', () => {
  it('goes offline on a failed call, probes with doubling backoff, and comes back', async () => {
    const timers = manualTimers()
    let reachable = false
    const probes: number[] = []
    const changes: string[] = []
    const monitor = new ConnectivityMonitor({
      probe: async (): Promise<ProbeResult> => {
        probes.push(probes.length)
        return reachable ? 'online' : 'offline'
      },
      onChange: (id, state) => changes.push(`${id}:${state}`),
      setTimer: timers.setTimer,
      initialBackoffMs: 1000,
      maxBackoffMs: 8000,
    })
    monitor.reportOnline('p')
    monitor.reportOffline('p')
    expect(monitor.state('p')).toBe('offline')
    expect(timers.delays()).toEqual([1000])
    const waiting = monitor.waitUntilOnline('p')
    await timers.fireNext()
    expect(timers.delays()).toEqual([2000])
    await timers.fireNext()
    await timers.fireNext()
    await timers.fireNext()
    expect(timers.delays()).toEqual([8000]) // capped
    reachable = true
    await timers.fireNext()
    await waiting
    expect(monitor.state('p')).toBe('online')
    expect(timers.delays()).toEqual([])
    expect(probes.length).toBe(5)
    expect(changes).toEqual(['p:online', 'p:offline', 'p:online'])
  })

  it('shares one probe between concurrent checks and marks signed-out sessions', async () => {
    let calls = 0
    const monitor = new ConnectivityMonitor({
      probe: async () => {
        calls++
        return 'online'
      },
      onChange: () => {},
      setTimer: manualTimers().setTimer,
    })
    const results = await Promise.all([monitor.checkNow('a'), monitor.checkNow('a'), monitor.checkNow('a')])
    expect(results).toEqual(['online', 'online', 'online'])
    expect(calls).toBe(1)
    monitor.reportSignedOut('a')
    expect(monitor.state('a')).toBe('signed-out')
    expect(monitor.state('never-seen')).toBe('unknown')
  })

  it('lets a waiter give up through its AbortSignal', async () => {
    const monitor = new ConnectivityMonitor({ probe: async () => 'offline', onChange: () => {}, setTimer: manualTimers().setTimer })
    monitor.reportOffline('x')
    const controller = new AbortController()
    const waiting = monitor.waitUntilOnline('x', controller.signal)
    controller.abort(new Error('cancelled by user'))
    await expect(waiting).rejects.toThrow('cancelled by user')
  })
})
