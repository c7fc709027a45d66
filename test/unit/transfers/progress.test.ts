import { describe, expect, it } from 'vitest'
import { ProgressMeter } from '../../../src-main/transfers/progress'

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

describe('ProgressMeter with bytes on their way', () => {
  const clock = (at: { now: number }) => ({ now: () => at.now, sleep: async () => {}, setTimer: () => () => {} })

  it('shows bytes as they are sent, before the part is confirmed', () => {
    const at = { now: 0 }
    const meter = new ProgressMeter(clock(at))
    meter.start()
    const body = meter.track()
    for (let i = 1; i <= 4; i++) {
      at.now = i * 250
      body.moved(256 * 1024)
    }
    expect(meter.bytesDone).toBe(1024 * 1024)
    expect(meter.bytesConfirmed).toBe(0)
    expect(meter.bytesPerSecond()).toBeGreaterThan(0)
    body.end()
    meter.confirm(1024 * 1024)
    expect(meter.bytesDone).toBe(1024 * 1024)
    expect(meter.bytesConfirmed).toBe(1024 * 1024)
  })

  it('never goes backwards when an attempt fails, and does not count the retried bytes twice', () => {
    const at = { now: 0 }
    const meter = new ProgressMeter(clock(at))
    meter.start()
    const shown: number[] = []
    const first = meter.track()
    first.moved(600)
    shown.push(meter.bytesDone)
    first.end() // the socket was reset: those 600 bytes will be sent again
    shown.push(meter.bytesDone)
    const retry = meter.track()
    retry.moved(400)
    shown.push(meter.bytesDone) // still 600: the retry has not passed what was shown
    retry.moved(600)
    shown.push(meter.bytesDone)
    retry.end()
    meter.confirm(1000)
    shown.push(meter.bytesDone)
    expect(shown).toEqual([600, 600, 600, 1000, 1000])
  })
})
