/**
 * "Latest request wins", shared by the stores: each request takes a ticket of its kind, and its reply
 * is shown only while that ticket is still the newest of its kind — so a late reply for another
 * profile, item or filter is dropped instead of mixing into what is shown.
 */
import { isCode } from '../api'
import { toError, type ListingError } from './storage'

export interface LatestRequest {
  /** A ticket for one kind of request; `current()` is false once a newer request of that kind started. */
  ticket(kind: string): () => boolean
  /** Makes every ticket taken so far stale (a different profile: no reply of the old one is shown). */
  dropAll(): void
}

export function useLatestRequest(): LatestRequest {
  const tickets: Record<string, number> = {}
  function ticket(kind: string): () => boolean {
    const mine = (tickets[kind] = (tickets[kind] ?? 0) + 1)
    return () => tickets[kind] === mine
  }
  function dropAll(): void {
    for (const kind of Object.keys(tickets)) ticket(kind)
  }
  return { ticket, dropAll }
}

/**
 * Loads something offline-first: its snapshot at once (when `load('cache')` answers), then the live
 * answer, each shown only while `current()` holds. Offline with a snapshot shown is not an error: the
 * snapshot stays with its age; offline with none is `'offline-empty'`.
 */
export async function offlineFirst<T extends { cachedAtMs?: number }>(
  current: () => boolean,
  load: (source: 'cache' | 'network') => Promise<T>,
  show: (value: T) => void,
  fail: (error: ListingError | 'offline-empty') => void,
): Promise<void> {
  const cached = await load('cache').catch(() => undefined)
  if (!current()) return
  if (cached) show(cached)
  try {
    const live = await load('network')
    if (current()) show(live)
  } catch (error) {
    if (!current()) return
    if (isCode(error, 'offline')) {
      if (!cached) fail('offline-empty')
    } else fail(toError(error))
  }
}
