/**
 * Per-job progress as people should see it: bytes that are really confirmed (a part S3 acknowledged and the
 * journal holds, a range fsynced to the temp file), never going backwards, so a retried part is counted
 * once, when it finally lands. Speed is the confirmed bytes over a sliding window; ETA follows from it.
 */
import type { Clock } from './deps'

interface Sample {
  atMs: number
  bytes: number
}

export class ProgressMeter {
  private confirmedBytes = 0
  private samples: Sample[] = []

  constructor(
    private readonly clock: Clock,
    private readonly windowMs = 5_000,
  ) {}

  get bytesDone(): number {
    return this.confirmedBytes
  }

  /** Starts measuring speed afresh (job started or resumed), from what is already confirmed. */
  start(bytesAlreadyDone: number = this.confirmedBytes): void {
    this.confirmedBytes = Math.max(this.confirmedBytes, bytesAlreadyDone)
    this.samples = [{ atMs: this.clock.now(), bytes: this.confirmedBytes }]
  }

  /** Only an explicit restart (source or object changed) may take the count back to zero. */
  restart(): void {
    this.confirmedBytes = 0
    this.start(0)
  }

  confirm(bytes: number): void {
    this.confirmedBytes += bytes
    this.samples.push({ atMs: this.clock.now(), bytes: this.confirmedBytes })
    this.prune(this.clock.now())
  }

  stop(): void {
    this.samples = []
  }

  bytesPerSecond(): number {
    const now = this.clock.now()
    this.prune(now)
    const anchor = this.samples[0]
    if (!anchor) return 0
    const elapsedMs = now - anchor.atMs
    return elapsedMs > 0 ? ((this.confirmedBytes - anchor.bytes) * 1000) / elapsedMs : 0
  }

  /**
   * Keeps as anchor the newest sample older than the window, but never the latest confirmation itself: while a
   * slow part is in flight the speed decays from the last interval instead of dropping to zero.
   */
  private prune(now: number): void {
    while (this.samples.length > 2 && (this.samples[1] as Sample).atMs <= now - this.windowMs) this.samples.shift()
  }

  etaSeconds(bytesTotal: number): number | undefined {
    const speed = this.bytesPerSecond()
    if (speed <= 0) return undefined
    return Math.max(0, (bytesTotal - this.confirmedBytes) / speed)
  }
}
