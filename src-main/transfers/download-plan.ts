/**
 * Where every key of one download batch lands — keys picked one by one and keys listed under a folder
 * alike — checked against the whole batch, not one listing at a time:
 * - nothing lands outside the chosen folder (the key mapping refuses `..`, absolute paths, drive letters);
 * - a key never lands on a file another key of the batch needs as a folder, or on a folder of other keys
 *   (refused, with the reason);
 * - a file already on disk, or already planned at the same path (NFC/NFD twins on macOS, case on Windows),
 *   is kept: the newcomer lands beside it as "name (n).ext" and counts as renamed;
 * - a key listed twice is downloaded once.
 */
import path from 'node:path'
import { destinationFor, mapKeyToSegments, nameFolder } from './local-paths'

export interface PlannedDownload {
  key: string
  destinationPath: string
  /** The size the listing reported, if any. */
  sizeBytes?: number
}

export interface DownloadPlanOptions {
  /** The folder the user chose; every destination is inside it. */
  withinDir: string
  /** Whose file-name rules apply. */
  platform: NodeJS.Platform
  /** The path, or a numbered one that is neither on disk nor `planned`. */
  freeLocalPath: (destination: string, planned: (p: string) => boolean) => Promise<string>
}

export class DownloadPlan {
  readonly refused: Array<{ key: string; reason: string }> = []
  renamed = 0
  private readonly downloads: PlannedDownload[] = []
  private taken = 0
  private readonly keys = new Set<string>()
  /** Planned files by folded path, with the key that lands there. */
  private readonly files = new Map<string, string>()
  /** Folders that planned files need, folded. */
  private readonly folders = new Set<string>()
  private readonly fold: (p: string) => string

  constructor(private readonly options: DownloadPlanOptions) {
    this.fold = nameFolder(options.platform)
  }

  /** Plans `key` at the "/"-separated `relative` path under `dir` (withinDir or a folder inside it). */
  async add(key: string, dir: string, relative: string, sizeBytes?: number): Promise<void> {
    if (this.keys.has(key)) return
    this.keys.add(key)
    const mapping = mapKeyToSegments(relative, this.options.platform)
    const destination = mapping.ok ? destinationFor(dir, mapping.relativeSegments) : undefined
    if (!mapping.ok || !destination) {
      this.refused.push({ key, reason: mapping.ok ? 'it would land outside the chosen folder' : mapping.reason })
      return
    }
    const fold = this.fold
    const ancestors = ancestorsWithin(this.options.withinDir, destination).map(fold)
    const clash = this.folders.has(fold(destination)) ? 'a folder of other keys' : ancestors.map((a) => this.files.get(a)).find(Boolean)
    if (clash) {
      this.refused.push({ key, reason: `it would land on the same path as ${clash}` })
      return
    }
    for (const folder of ancestors) this.folders.add(folder)
    const free = await this.options.freeLocalPath(destination, (p) => this.files.has(fold(p)))
    if (free !== destination) this.renamed++
    this.files.set(fold(free), key)
    this.downloads.push({ key, destinationPath: free, sizeBytes })
  }

  /** The downloads planned since the last call (so jobs can start while a long listing goes on). */
  take(): PlannedDownload[] {
    const fresh = this.downloads.slice(this.taken)
    this.taken = this.downloads.length
    return fresh
  }
}

/** The folders between root and a file inside it, e.g. root/a and root/a/b for root/a/b/c.txt. */
function ancestorsWithin(root: string, file: string): string[] {
  const folders: string[] = []
  for (let folder = path.dirname(file); folder.length > path.resolve(root).length; folder = path.dirname(folder)) folders.push(folder)
  return folders
}
