/**
 * Watches: polling with doubling backoff up to a cap, an event per status change, ending on done,
 * on a failure polling cannot fix, or on cancel; passing errors (offline) only delay the next poll.
 */
import { describe, expect, it } from 'vitest'
import type { AppEvent } from '../../../src-main/api/events'
import type { WatchSnapshot } from '../../../src-main/api/jobs'
import { HaneulError } from '../../../src-main/core/errors'
import { Watchers, type WatchCheck } from '../../../src-main/jobs/watchers'
import { manualTimers } from '../../helpers/manual-timers'

function setup(answers: Array<WatchCheck | Error>) {
  const timers = manualTimers()
  const events: WatchSnapshot[] = []
  const signals: AbortSignal[] = []
  const watchers = new Watchers({
    emit: (event: AppEvent) => void (event.type === 'watch.changed' && events.push(event.watch)),
    setTimer: timers.setTimer,
    initialDelayMs: 1_000,
    maxDelayMs: 4_000,
  })
  const watchId = watchers.start({
    kind: 'cloudfront.invalidation',
    profileId: 'aws:work',
    subject: 'I2J0EXAMPLE',
    async check(signal) {
      signals.push(signal)
      const answer = answers.shift()
      if (!answer) throw new Error('polled more often than the test expected')
      if (answer instanceof Error) throw answer
      return answer
    },
  })
  return { timers, events, signals, watchers, watchId }
}

describe('watchers', () => {
  it('polls with doubling backoff up to the cap and ends when the check says done', async () => {
    const inProgress = { status: 'InProgress', done: false }
    const { timers, events, watchers, watchId } = setup([
      inProgress,
      inProgress,
      inProgress,
      inProgress,
      { status: 'Completed', done: true },
    ])
    expect(timers.delays()).toEqual([1_000])
    const delays: number[] = []
    for (let i = 0; i < 5; i++) {
      delays.push(...timers.delays())
      await timers.fireNext()
    }
    expect(delays).toEqual([1_000, 2_000, 4_000, 4_000, 4_000])
    expect(timers.delays()).toEqual([])
    // One event when submitted, one per change of status, one at the end.
    expect(events.map((e) => `${e.state}:${e.status}`)).toEqual(['watching:submitted', 'watching:InProgress', 'done:Completed'])
    expect(watchers.list()).toEqual([
      expect.objectContaining({ watchId, state: 'done', status: 'Completed', checks: 5, profileId: 'aws:work' }),
    ])
  })

  it('keeps polling through passing errors (offline), and fails on one polling cannot fix', async () => {
    const { timers, events } = setup([
      new HaneulError('offline', 'The endpoint cannot be reached.', true),
      { status: 'PENDING', done: false },
      new HaneulError('access-denied', 'Not allowed to read the change.'),
    ])
    await timers.fireNext()
    expect(events.at(-1)).toMatchObject({ state: 'watching', lastError: 'The endpoint cannot be reached.' })
    await timers.fireNext()
    expect(events.at(-1)).toMatchObject({ state: 'watching', status: 'PENDING' })
    expect(events.at(-1)?.lastError).toBeUndefined()
    await timers.fireNext()
    expect(events.at(-1)).toMatchObject({ state: 'failed', error: 'Not allowed to read the change.' })
    expect(timers.delays()).toEqual([])
  })

  it('reports a watched thing that ended badly as failed', async () => {
    const { timers, events } = setup([{ status: 'Failed', done: true, failure: 'Stage Build failed: exit code 2' }])
    await timers.fireNext()
    expect(events.at(-1)).toMatchObject({ state: 'failed', status: 'Failed', error: 'Stage Build failed: exit code 2' })
  })

  it('cancels: no more polls, the running check is aborted, and a second cancel says false', async () => {
    const { timers, events, signals, watchers, watchId } = setup([{ status: 'InProgress', done: false }])
    await timers.fireNext()
    expect(watchers.cancel(watchId)).toBe(true)
    expect(timers.delays()).toEqual([])
    expect(signals[0]?.aborted).toBe(true)
    expect(events.at(-1)).toMatchObject({ state: 'cancelled' })
    expect(watchers.cancel(watchId)).toBe(false)
    expect(watchers.cancel('unknown')).toBe(false)
  })
})
