import { setMaxListeners } from 'node:events'
import { describe, expect, it } from 'vitest'
import { systemClock, type Clock } from '../../../src-main/transfers/deps'
import { BandwidthLimiter, RequestScheduler } from '../../../src-main/transfers/scheduler'

/** A task that records when it runs and finishes when told to. */
function gate() {
  let open!: () => void
  const opened = new Promise<void>((resolve) => (open = resolve))
  return { open, opened }
}

const tick = () => new Promise((resolve) => setImmediate(resolve))

describe('RequestScheduler', () => {
  it('never runs more than `concurrency` tasks at once, across jobs', async () => {
    const scheduler = new RequestScheduler(3)
    let running = 0
    let peak = 0
    const signal = new AbortController().signal
    setMaxListeners(0, signal)
    const tasks = Array.from({ length: 30 }, (_, i) =>
      scheduler.run(
        `job-${i % 4}`,
        async () => {
          running++
          peak = Math.max(peak, running)
          await tick()
          running--
          return i
        },
        signal,
      ),
    )
    expect(await Promise.all(tasks)).toEqual(Array.from({ length: 30 }, (_, i) => i))
    expect(peak).toBe(3)
    expect(scheduler.inFlight).toBe(0)
  })

  it('gives a free slot to the job with the fewest requests in flight, so a big job cannot starve small ones', async () => {
    const scheduler = new RequestScheduler(4)
    const signal = new AbortController().signal
    const started: string[] = []
    const gates = new Map<string, ReturnType<typeof gate>>()
    const run = (job: string, name: string) => {
      const g = gate()
      gates.set(name, g)
      return scheduler.run(
        job,
        async () => {
          started.push(name)
          await g.opened
        },
        signal,
      )
    }
    // The big job queues 10 parts first, then 3 small files arrive.
    const big = Array.from({ length: 10 }, (_, i) => run('big', `big-${i}`))
    const small = ['a', 'b', 'c'].map((name) => run(`small-${name}`, name))
    await tick()
    // Before the small files arrived the big job filled every slot.
    expect(started).toEqual(['big-0', 'big-1', 'big-2', 'big-3'])
    gates.get('big-0')?.open()
    gates.get('big-1')?.open()
    await tick()
    await tick()
    // Freed slots go to the small jobs (0 in flight) ahead of the big one (still 2 in flight).
    expect(started.slice(4)).toEqual(['a', 'b'])
    gates.get('a')?.open()
    await tick()
    await tick()
    expect(started.slice(6)).toEqual(['c'])
    for (const g of gates.values()) g.open()
    // Let every queued task start and finish.
    for (let i = 0; i < 20; i++) {
      for (const g of gates.values()) g.open()
      await tick()
    }
    await Promise.all([...big, ...small])
    expect(started).toHaveLength(13)
  })

  it('drops a waiting task whose signal aborts, without running it', async () => {
    const scheduler = new RequestScheduler(1)
    const hold = gate()
    const first = scheduler.run('a', () => hold.opened, new AbortController().signal)
    const controller = new AbortController()
    let ran = false
    const second = scheduler.run(
      'b',
      async () => {
        ran = true
      },
      controller.signal,
    )
    controller.abort(new Error('paused'))
    await expect(second).rejects.toThrow('paused')
    hold.open()
    await first
    await tick()
    expect(ran).toBe(false)
  })
})

describe('BandwidthLimiter', () => {
  it('holds throughput to the configured rate', async () => {
    const limiter = new BandwidthLimiter(systemClock, 2 * 1024 * 1024, 50)
    const signal = new AbortController().signal
    const started = Date.now()
    // 1 MiB in 64 KiB chunks at 2 MiB/s takes about 0.5 s (minus the 50 ms burst).
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        for (let i = 0; i < 4; i++) await limiter.take(64 * 1024, signal)
      }),
    )
    const elapsed = Date.now() - started
    expect(elapsed).toBeGreaterThanOrEqual(380)
    expect(elapsed).toBeLessThan(1_500)
  })

  it('costs nothing when unlimited, and gives back an aborted reservation', async () => {
    const waits: number[] = []
    const abortable = new AbortController()
    const clock: Clock = {
      now: () => 0,
      sleep: (ms, signal) => {
        waits.push(ms)
        if (signal !== abortable.signal) return Promise.resolve()
        return new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason)))
      },
      setTimer: () => () => {},
    }
    await new BandwidthLimiter(clock, 0).take(10 ** 12, abortable.signal)
    expect(waits).toEqual([])
    const limiter = new BandwidthLimiter(clock, 1000, 0)
    await limiter.take(1000, new AbortController().signal) // the first second's worth goes at once
    const waiting = limiter.take(1000, abortable.signal)
    abortable.abort(new Error('stop'))
    await expect(waiting).rejects.toThrow('stop')
    // Had the aborted 1000 bytes stayed reserved, this one would wait 2000 ms instead of 1000.
    await limiter.take(1000, new AbortController().signal)
    expect(waits).toEqual([1000, 1000])
  })
})
