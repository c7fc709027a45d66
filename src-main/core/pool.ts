/** Bounded concurrency, fed from a list or a stream (a prefix listing still in progress): bulk S3 jobs and transfer parts. */

/**
 * Runs `work` on each item with at most `limit` running at once. Workers pull the next item only when
 * they are free, so a listing is read no faster than the work consumes it. The first error (or an abort
 * of `signal`) stops new items from starting; running ones finish, then it is rethrown.
 */
export async function forEachLimit<T>(
  items: Iterable<T> | AsyncIterable<T>,
  limit: number,
  signal: AbortSignal,
  work: (item: T) => Promise<void>,
): Promise<void> {
  const iterator = Symbol.asyncIterator in items ? items[Symbol.asyncIterator]() : items[Symbol.iterator]()
  let failure: { error: unknown } | undefined
  const worker = async () => {
    while (!failure) {
      try {
        signal.throwIfAborted()
        const next = await iterator.next()
        if (next.done || failure) return
        await work(next.value)
      } catch (error) {
        failure ??= { error }
      }
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, limit) }, worker))
  if (failure) {
    await iterator.return?.()
    throw failure.error
  }
}
