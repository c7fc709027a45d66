/**
 * Part buffers, reused. Reading each part into a fresh 8 MiB Buffer leaves it to the garbage collector to
 * notice off-heap memory, and RSS climbs with the file (lib-storage's problem); keeping up to `concurrency`
 * idle buffers per size bounds memory at about concurrency × partSize however large the file is.
 */
export class BufferPool {
  private readonly idle = new Map<number, Buffer[]>()

  constructor(private maxIdlePerSize: number) {}

  setMaxIdlePerSize(count: number): void {
    this.maxIdlePerSize = count
    for (const buffers of this.idle.values()) buffers.length = Math.min(buffers.length, count)
  }

  /** A buffer of exactly `capacityBytes`, reused when one is idle. Callers use subarray(0, length). */
  acquire(capacityBytes: number): Buffer {
    return this.idle.get(capacityBytes)?.pop() ?? Buffer.allocUnsafeSlow(capacityBytes)
  }

  /** Takes back what acquire returned (the whole buffer, not a subarray of it). */
  release(buffer: Buffer): void {
    const size = buffer.length
    let buffers = this.idle.get(size)
    if (!buffers) {
      buffers = []
      this.idle.set(size, buffers)
    }
    if (buffers.length < this.maxIdlePerSize) buffers.push(buffer)
  }
}
