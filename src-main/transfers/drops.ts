/**
 * Files the user handed to Haneul — dropped on the window or picked in the OS dialog — kept in main under
 * a drop id. The renderer only learns names, counts and sizes; the paths never leave main, and only
 * genuine user gestures (a trusted drop seen by preload, the OS dialog) can register them.
 */
import { randomUUID } from 'node:crypto'
import { lstat, readdir, stat } from 'node:fs/promises'
import { basename, isAbsolute, join } from 'node:path'

export interface DroppedFile {
  path: string
  /** Path below the drop, '/'-separated: a dropped folder keeps its own name as the first segment. */
  relativePath: string
  sizeBytes: number
}

export interface DropSummary {
  name: string
  isDirectory: boolean
  files: number
  bytes: number
}

interface Drop {
  roots: string[]
  registeredAtMs: number
}

/** Unclaimed drops are forgotten after this long. */
const DROP_TTL_MS = 10 * 60_000
/** A drop this big is almost surely a mistake (a home folder); it is cut here and says so. */
export const MAX_DROPPED_FILES = 200_000

/** What walking a drop found: the files, and what could not be read (with the reason, per item). */
export interface DropContents {
  files: DroppedFile[]
  unreadable: Array<{ name: string; reason: string }>
}

async function walk(path: string, relative: string, into: DropContents, top = true): Promise<void> {
  if (into.files.length >= MAX_DROPPED_FILES) return
  try {
    const link = await lstat(path)
    // Below the dropped items, symlinked folders are not followed: a link to a parent would never end.
    if (link.isSymbolicLink() && !top && (await stat(path).catch(() => undefined))?.isDirectory()) return
    const info = link.isSymbolicLink() ? await stat(path) : link
    if (info.isDirectory()) {
      const names = (await readdir(path)).sort()
      for (const name of names) await walk(join(path, name), `${relative}/${name}`, into, false)
    } else if (info.isFile()) {
      into.files.push({ path, relativePath: relative, sizeBytes: info.size })
    }
    // Sockets, devices and the like are skipped: there is nothing to upload.
  } catch (error) {
    // One unreadable folder or broken link does not spoil the drop; it is listed as refused instead.
    into.unreadable.push({ name: relative, reason: `it cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})` })
  }
}

async function contentsOf(roots: string[]): Promise<DropContents> {
  const contents: DropContents = { files: [], unreadable: [] }
  for (const root of roots) await walk(root, basename(root), contents)
  if (contents.files.length >= MAX_DROPPED_FILES) {
    contents.unreadable.push({
      name: '…',
      reason: `the drop has more than ${MAX_DROPPED_FILES.toLocaleString('en-US')} files; the rest were left out`,
    })
  }
  return contents
}

export class DropRegistry {
  private readonly drops = new Map<string, Drop>()

  constructor(private readonly nowMs: () => number = Date.now) {}

  /** Registers paths from a user gesture; returns the id and what the renderer may show. */
  async register(paths: string[]): Promise<{ dropId: string; items: DropSummary[] }> {
    this.expire()
    const roots = [...new Set(paths.filter((p) => typeof p === 'string' && isAbsolute(p)))]
    const items: DropSummary[] = []
    for (const root of roots) {
      const { files } = await contentsOf([root])
      const isDirectory = (await stat(root).catch(() => undefined))?.isDirectory() ?? false
      items.push({ name: basename(root), isDirectory, files: files.length, bytes: files.reduce((n, f) => n + f.sizeBytes, 0) })
    }
    const dropId = randomUUID()
    this.drops.set(dropId, { roots, registeredAtMs: this.nowMs() })
    return { dropId, items }
  }

  /** Every file of a drop, folders walked, in a stable order, and what could not be read. */
  async contents(dropId: string): Promise<DropContents | undefined> {
    const drop = this.drops.get(dropId)
    return drop ? contentsOf(drop.roots) : undefined
  }

  forget(dropId: string): void {
    this.drops.delete(dropId)
  }

  private expire(): void {
    const now = this.nowMs()
    for (const [id, drop] of this.drops) if (now - drop.registeredAtMs > DROP_TTL_MS) this.drops.delete(id)
  }
}
