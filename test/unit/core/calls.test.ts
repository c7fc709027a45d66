import { describe, expect, it } from 'vitest'
import { CallRegistry } from '../../../src-main/core/calls'

describe('CallRegistry (cancellation across IPC)', () => {
  it('aborts the named call of the same sender only', () => {
    const calls = new CallRegistry()
    const mine = calls.begin(1, 'r1')
    const other = calls.begin(2, 'r1')
    calls.cancel(2, 'nope')
    calls.cancel(1, 'r1')
    expect(mine.signal.aborted).toBe(true)
    expect(other.signal.aborted).toBe(false)
  })

  it('forgets settled calls, and cancelAll aborts every call of a sender', () => {
    const calls = new CallRegistry()
    const a = calls.begin(1, 'a')
    const b = calls.begin(1, 'b')
    a.end()
    expect(calls.size).toBe(1)
    calls.cancelAll(1)
    expect(b.signal.aborted).toBe(true)
    expect(a.signal.aborted).toBe(false)
    expect(calls.size).toBe(0)
  })

  it('calls without a request id are not cancellable and not tracked', () => {
    const calls = new CallRegistry()
    calls.begin(1, undefined)
    expect(calls.size).toBe(0)
  })
})
