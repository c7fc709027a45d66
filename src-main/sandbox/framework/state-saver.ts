/**
 * Saves an emulator's state to one file after every change, so the sandbox keeps it across restarts:
 * coalesced (at most one write in flight, then one more if something changed meanwhile; one request's
 * several mutations make one write), each write crash-safe (temp + fsync + rename).
 */
import { writeFileAtomic } from '../../core/atomic-file'

/** Returns `changed()` to call after each mutation and `flush()` to await the last save. */
export function stateSaver(path: string, serialize: () => string, onError: (error: Error) => void) {
  let writing: Promise<void> | undefined
  let dirty = false
  const run = async () => {
    while (dirty) {
      dirty = false
      try {
        await writeFileAtomic(path, serialize())
      } catch (error) {
        onError(error as Error)
      }
    }
    writing = undefined
  }
  return {
    changed(): void {
      dirty = true
      writing ??= new Promise<void>((resolve) => setImmediate(resolve)).then(run)
    },
    async flush(): Promise<void> {
      while (writing) await writing
    },
  }
}
