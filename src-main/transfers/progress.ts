/**
 * Per-job progress as people should see it. Two counts: confirmed bytes (a part S3 acknowledged and the
 * journal holds, a range fsynced to the temp file), and bytes on their way (handed to the socket, or
 * received, for a part not yet confirmed). What is shown is confirmed + on the way, but never less than
 * what was shown before: when a part's attempt fails its bytes leave the count, and the shown figure holds
 * until the retry passes it, so retried bytes are never counted twice and the bar never goes backwards.
 * Speed is the shown bytes over a sliding window; ETA follows from it.
 */
import type { Clock } from './deps'

interface Sample {
  atMs: number
  bytes: number
}

export class ProgressMeter {
  private confirmedBytes = 0
  private inFlightBytes = 0
  private shownBytes = 0
  private samples: Sample[] = []

  constructor(
    private readonly clock: Clock,
    private readonly windowMs = 5_000,
  ) {}

  /** Confirmed bytes: what a resume can count on. */
  get bytesConfirmed(): number {
    return this.confirmedBytes
  }

  /** What the panel shows: monotonic, confirmed plus on the way. */
  get bytesDone(): number {
    this.shownBytes = Math.max(this.shownBytes, this.confirmedBytes + this.inFlightBytes)
    return this.shownBytes
  }

  /**
   * Counts one request's body bytes while they move. `end()` takes them out again whether the attempt
   * succeeded (then `confirm` adds the part) or failed (then a retry sends them anew).
   */
  track(): { moved(bytes: number): void; end(): void } {
    let moved = 0
    return {
      moved: (bytes) => {
        moved += bytes
        this.inFlightBytes += bytes
        this.sample()
      },
      end: () => {
        this.inFlightBytes -= moved
        moved = 0
      },
    }
  }

  /** Starts measuring speed afresh (job started or resumed), from what is already confirmed. */
  start(bytesAlreadyDone: number = this.confirmedBytes): void {
    this.confirmedBytes = Math.max(this.confirmedBytes, bytesAlreadyDone)
    this.samples = [{ atMs: this.clock.now(), bytes: this.bytesDone }]
  }

  /** Only an explicit restart (source or object changed) may take the count back to zero. */
  restart(): void {
    this.confirmedBytes = 0
    this.inFlightBytes = 0
    this.shownBytes = 0
    this.start(0)
  }

  confirm(bytes: number): void {
    this.confirmedBytes += bytes
    this.sample()
  }

  /** Records the shown count for the speed window, at most every 100 ms (body chunks come fast). */
  private sample(): void {
    const now = this.clock.now()
    const last = this.samples[this.samples.length - 1]
    // The first sample anchors the speed window; later ones may be updated in place.
    if (last && this.samples.length > 1 && now - last.atMs < 100) last.bytes = this.bytesDone
    else this.samples.push({ atMs: now, bytes: this.bytesDone })
    this.prune(now)
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
    return elapsedMs > 0 ? ((this.bytesDone - anchor.bytes) * 1000) / elapsedMs : 0
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
    return Math.max(0, (bytesTotal - this.bytesDone) / speed)
  }
}
