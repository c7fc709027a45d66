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

async function walk(path: string, relative: string, into: DroppedFile[], top = true): Promise<void> {
  const link = await lstat(path)
  // Below the dropped items, symlinked folders are not followed: a link to a parent would never end.
  if (link.isSymbolicLink() && !top && (await stat(path).catch(() => undefined))?.isDirectory()) return
  const info = link.isSymbolicLink() ? await stat(path) : link
  if (info.isDirectory()) {
    const names = (await readdir(path)).sort()
    for (const name of names) await walk(join(path, name), `${relative}/${name}`, into, false)
  } else if (info.isFile()) {
    into.push({ path, relativePath: relative, sizeBytes: info.size })
  }
  // Sockets, devices and the like are skipped: there is nothing to upload.
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
      const files: DroppedFile[] = []
      const isDirectory = (await stat(root)).isDirectory()
      await walk(root, basename(root), files)
      items.push({ name: basename(root), isDirectory, files: files.length, bytes: files.reduce((n, f) => n + f.sizeBytes, 0) })
    }
    const dropId = randomUUID()
    this.drops.set(dropId, { roots, registeredAtMs: this.nowMs() })
    return { dropId, items }
  }

  /** Every file of a drop, folders walked, in a stable order. */
  async files(dropId: string): Promise<DroppedFile[] | undefined> {
    const drop = this.drops.get(dropId)
    if (!drop) return undefined
    const files: DroppedFile[] = []
    for (const root of drop.roots) await walk(root, basename(root), files)
    return files
  }

  forget(dropId: string): void {
    this.drops.delete(dropId)
  }

  private expire(): void {
    const now = this.nowMs()
    for (const [id, drop] of this.drops) if (now - drop.registeredAtMs > DROP_TTL_MS) this.drops.delete(id)
  }
}
