import { describe, expect, it } from 'vitest'
import { ProgressMeter } from '../../src-main/transfers/progress'

describe('ProgressMeter', () => {
  it('reports confirmed bytes, speed over a sliding window, and ETA', () => {
    let now = 0
    const meter = new ProgressMeter({ now: () => now, sleep: async () => {}, setTimer: () => () => {} }, 5_000)
    meter.start()
    for (let second = 1; second <= 10; second++) {
      now = second * 1000
      meter.confirm(second <= 5 ? 1_000 : 4_000)
    }
    expect(meter.bytesDone).toBe(25_000)
    // The last 5 s carried 4,000 B/s, whatever the first 5 s did.
    expect(meter.bytesPerSecond()).toBeCloseTo(4_000, 5)
    expect(meter.etaSeconds(45_000)).toBeCloseTo(5, 5)
  })

  it('keeps a speed while a slow part is in flight, and never counts backwards until an explicit restart', () => {
    let now = 0
    const meter = new ProgressMeter({ now: () => now, sleep: async () => {}, setTimer: () => () => {} }, 1_000)
    meter.start(500)
    now = 400
    meter.confirm(400)
    now = 3_000
    expect(meter.bytesPerSecond()).toBeGreaterThan(0)
    meter.start(100) // a resume reporting less than what is already confirmed does not lower it
    expect(meter.bytesDone).toBe(900)
    meter.restart()
    expect(meter.bytesDone).toBe(0)
    expect(meter.etaSeconds(100)).toBeUndefined()
  })
})
