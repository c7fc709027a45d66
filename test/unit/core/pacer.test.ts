/** Pacer: no more than N starts in any window of a second plus the margin, in call order, cancellable. */
import { describe, expect, it } from 'vitest'
import { Pacer, type PacerClock } from '../../../src-main/core/pacer'

function fakeClock(): PacerClock {
  let now = 0
  return {
    now: () => now,
    sleep: async (ms) => {
      now += ms
    },
  }
}

describe('Pacer', () => {
  it('lets 5 start at once, then each next one when the oldest leaves the window', async () => {
    const clock = fakeClock()
    const pacer = new Pacer(5, clock, 50)
    const started: number[] = []
    await Promise.all(Array.from({ length: 12 }, () => pacer.turn().then(() => started.push(clock.now()))))
    expect(started).toEqual([0, 0, 0, 0, 0, 1050, 1050, 1050, 1050, 1050, 2100, 2100])
    // Any window of 1,050 ms holds at most 5 starts.
    for (const t of started) expect(started.filter((s) => s > t - 1050 && s <= t).length).toBeLessThanOrEqual(5)
  })

  it('gives up a turn when its signal aborts, and the next caller is not held up by it', async () => {
    const clock = fakeClock()
    const pacer = new Pacer(1, clock, 0)
    await pacer.turn()
    const controller = new AbortController()
    controller.abort(new Error('cancelled'))
    await expect(pacer.turn(controller.signal)).rejects.toThrow('cancelled')
    await pacer.turn()
    expect(clock.now()).toBe(1000)
  })
})
