/**
 * One queue of request tasks for all jobs, so the number of requests in flight never exceeds
 * `concurrency` however many jobs there are, plus the shared bandwidth limit.
 *
 * Fairness: a free slot goes to the job with the fewest requests in flight, the oldest such job on a tie.
 * A 50 GB upload therefore keeps at least one request going while 20,000 small files stream through the
 * other slots, and takes all slots back when they are done. Picking is O(concurrency): only that many jobs
 * can have requests in flight, so the first job found with none ends the scan.
 */
import type { Clock } from './deps'

interface Waiter {
  start(): void
}

interface JobQueue {
  inFlight: number
  waiting: Waiter[]
}

export class RequestScheduler {
  private running = 0
  /** Insertion order is the tie-break: the job that has waited longest comes first. */
  private readonly jobs = new Map<string, JobQueue>()

  constructor(private concurrency: number) {}

  setConcurrency(concurrency: number): void {
    this.concurrency = concurrency
    this.pump()
  }

  get inFlight(): number {
    return this.running
  }

  /** Runs task once a slot is free; a signal aborted while waiting rejects without running it. */
  run<T>(jobId: string, task: () => Promise<T>, signal: AbortSignal): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (signal.aborted) return reject(signal.reason)
      let queue = this.jobs.get(jobId)
      if (!queue) {
        queue = { inFlight: 0, waiting: [] }
        this.jobs.set(jobId, queue)
      }
      const jobQueue = queue
      const onAbort = () => {
        const index = jobQueue.waiting.indexOf(waiter)
        if (index >= 0) {
          jobQueue.waiting.splice(index, 1)
          this.forgetIfIdle(jobId, jobQueue)
          reject(signal.reason)
        }
      }
      const waiter: Waiter = {
        start: () => {
          signal.removeEventListener('abort', onAbort)
          this.running++
          jobQueue.inFlight++
          task()
            .then(resolve, reject)
            .finally(() => {
              this.running--
              jobQueue.inFlight--
              this.forgetIfIdle(jobId, jobQueue)
              this.pump()
            })
        },
      }
      signal.addEventListener('abort', onAbort, { once: true })
      jobQueue.waiting.push(waiter)
      this.pump()
    })
  }

  private forgetIfIdle(jobId: string, queue: JobQueue): void {
    if (queue.inFlight === 0 && queue.waiting.length === 0 && this.jobs.get(jobId) === queue) this.jobs.delete(jobId)
  }

  private pump(): void {
    while (this.running < this.concurrency) {
      let chosen: JobQueue | undefined
      for (const queue of this.jobs.values()) {
        if (queue.waiting.length === 0) continue
        if (!chosen || queue.inFlight < chosen.inFlight) chosen = queue
        if (chosen.inFlight === 0) break
      }
      const waiter = chosen?.waiting.shift()
      if (!waiter) return
      waiter.start()
    }
  }
}

/**
 * Bandwidth limit as a token bucket in its "virtual scheduling" form (GCRA): each taker reserves its bytes
 * on a shared timeline and sleeps until its slot, allowing a burst of `burstMs` worth of bytes.
 */
export class BandwidthLimiter {
  private timelineMs = 0

  constructor(
    private readonly clock: Clock,
    private bytesPerSecond: number,
    private readonly burstMs = 100,
  ) {}

  setRate(bytesPerSecond: number): void {
    this.bytesPerSecond = bytesPerSecond
    this.timelineMs = 0
  }

  get limited(): boolean {
    return this.bytesPerSecond > 0
  }

  async take(bytes: number, signal: AbortSignal): Promise<void> {
    if (this.bytesPerSecond <= 0 || bytes <= 0) return
    const now = this.clock.now()
    const costMs = (bytes / this.bytesPerSecond) * 1000
    this.timelineMs = Math.max(this.timelineMs, now) + costMs
    const waitMs = this.timelineMs - now - this.burstMs - costMs
    if (waitMs <= 0) return
    try {
      await this.clock.sleep(waitMs, signal)
    } catch (error) {
      // Give the reservation back so an aborted request does not slow everyone else down.
      this.timelineMs -= costMs
      throw error
    }
  }
}
