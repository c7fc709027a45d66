/**
 * The bulk job runner and its worker pool, without S3: progress throttled to a few events a second
 * with the last change always shown, failures capped but counted, cancel and failure states, and the
 * list of jobs kept within bounds.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { AppEvent } from '../../../src-main/api/events'
import { HaneulError } from '../../../src-main/core/errors'
import { JobRunner, type JobContext } from '../../../src-main/jobs/job-runner'
import { forEachLimit } from '../../../src-main/core/pool'

function runner(options: { keepFinished?: number } = {}) {
  const events: AppEvent[] = []
  return { jobs: new JobRunner({ emit: (event) => void events.push(event), ...options }), events }
}

const done = (events: AppEvent[], jobId: string) => events.find((e) => e.type === 'job.done' && e.job.jobId === jobId)

describe('JobRunner', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('throttles progress to one event per 250 ms, trailing the last change, then sends job.done', async () => {
    const { jobs, events } = runner()
    let finish!: () => void
    let context!: JobContext
    const jobId = jobs.start('delete', 'p', 'b', async (c) => {
      context = c
      await new Promise<void>((resolve) => (finish = resolve))
    })
    await vi.advanceTimersByTimeAsync(0)
    context.reportTotal(1000)
    for (let i = 0; i < 500; i++) context.reportDone(1, 10)
    expect(events.filter((e) => e.type === 'job.progress')).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(250)
    const progress = events.filter((e) => e.type === 'job.progress')
    expect(progress).toHaveLength(2)
    expect(progress[1]).toMatchObject({ job: { jobId, total: 1000, done: 500, bytesDone: 5000, state: 'running' } })
    for (let i = 0; i < 500; i++) context.reportDone()
    finish()
    await vi.advanceTimersByTimeAsync(1000)
    // The pending progress event is dropped once the job is done; job.done carries the final numbers.
    expect(events.filter((e) => e.type === 'job.progress')).toHaveLength(2)
    expect(done(events, jobId)).toMatchObject({ job: { state: 'done', total: 1000, done: 1000 } })
  })

  it('caps listed failures at 1,000 but counts them all, and the total never trails what is done', async () => {
    const { jobs, events } = runner()
    const jobId = jobs.start('copy', 'p', 'b', async (c) => {
      for (let i = 0; i < 1500; i++) c.reportFailure({ key: `k${i}`, code: 'access-denied', message: 'no' })
    })
    await vi.advanceTimersByTimeAsync(0)
    const job = (done(events, jobId) as Extract<AppEvent, { type: 'job.done' }>).job
    expect(job).toMatchObject({ state: 'done', failureCount: 1500, done: 1500, total: 1500 })
    expect(job.failures).toHaveLength(1000)
  })

  it('ends cancelled when cancelled, failed with the error otherwise, and lists conflicts', async () => {
    const { jobs, events } = runner()
    const cancelled = jobs.start(
      'delete',
      'p',
      'b',
      (c) => new Promise((_, reject) => c.signal.addEventListener('abort', () => reject(c.signal.reason))),
    )
    const failed = jobs.start('copy', 'p', 'b', async (c) => {
      c.reportConflicts(['a', 'b'])
      throw new HaneulError('conflict', '2 destination keys already exist')
    })
    await vi.advanceTimersByTimeAsync(0)
    expect(jobs.cancel(cancelled)).toBe(true)
    await vi.advanceTimersByTimeAsync(0)
    expect(done(events, cancelled)).toMatchObject({ job: { state: 'cancelled' } })
    expect(done(events, failed)).toMatchObject({
      job: { state: 'failed', conflicts: ['a', 'b'], error: { code: 'conflict', message: '2 destination keys already exist' } },
    })
    expect(jobs.cancel(cancelled)).toBe(false)
    expect(jobs.cancel('no-such-job')).toBe(false)
  })

  it('lists newest first and keeps only the last finished jobs', async () => {
    const { jobs } = runner({ keepFinished: 2 })
    const ids = [1, 2, 3].map(() => jobs.start('delete', 'p', 'b', async () => {}))
    let release!: () => void
    const running = jobs.start('move', 'p', 'b', () => new Promise<void>((resolve) => (release = resolve)))
    await vi.advanceTimersByTimeAsync(0)
    expect(jobs.list().map((j) => j.jobId)).toEqual([running, ids[2], ids[1]])
    release()
    await vi.advanceTimersByTimeAsync(0)
    expect(jobs.list().map((j) => j.jobId)).toEqual([running, ids[2]])
  })
})

describe('forEachLimit', () => {
  it('never runs more than the limit at once, pulling from a stream', async () => {
    let running = 0
    let peak = 0
    async function* items() {
      for (let i = 0; i < 20; i++) yield i
    }
    const seen: number[] = []
    await forEachLimit(items(), 3, new AbortController().signal, async (i) => {
      running++
      peak = Math.max(peak, running)
      await new Promise((resolve) => setTimeout(resolve, 1))
      seen.push(i)
      running--
    })
    expect(peak).toBe(3)
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i))
  })

  it('stops starting items after the first error or an abort, and rethrows it', async () => {
    const started: number[] = []
    await expect(
      forEachLimit([1, 2, 3, 4, 5, 6], 2, new AbortController().signal, async (i) => {
        started.push(i)
        if (i === 2) throw new Error('boom')
        await new Promise((resolve) => setTimeout(resolve, 5))
      }),
    ).rejects.toThrow('boom')
    expect(started).toEqual([1, 2])
    const controller = new AbortController()
    controller.abort()
    await expect(forEachLimit([1], 1, controller.signal, async () => {})).rejects.toMatchObject({ name: 'AbortError' })
  })
})
