/**
 * Draft change sets, one per profile and zone, kept on disk so they survive a crash, a restart and
 * being offline. Every save replaces the file atomically (temp + fsync + rename, core/atomic-file.ts):
 * a kill at any moment leaves the previous draft or the new one. A file that cannot be read is set
 * aside (`.unreadable-<time>`), never silently replaced, and the log says so.
 */
import { createHash } from 'node:crypto'
import { readdir, rename, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { z } from 'zod'
import { type Draft, RecordEdit } from '../api/route53'
import { readJsonFile, writeFileAtomic } from '../core/atomic-file'

const DraftFile = z.object({ profileId: z.string(), zoneId: z.string(), edits: z.array(RecordEdit), updatedAtMs: z.number() })
type DraftFile = z.infer<typeof DraftFile>

export interface DraftStoreOptions {
  dir: string
  nowMs?: () => number
  log?: (message: string) => void
}

export class DraftStore {
  private readonly nowMs: () => number
  /** Saves of one file run one after another, so the last save wins on disk too. */
  private readonly writes = new Map<string, Promise<void>>()

  private prepared?: Promise<void>

  constructor(private readonly options: DraftStoreOptions) {
    this.nowMs = options.nowMs ?? Date.now
  }

  /** Once per store: removes temp files of saves a crash interrupted (the draft they were replacing is whole). */
  private prepare(): Promise<void> {
    this.prepared ??= readdir(this.options.dir).then(
      (names) =>
        Promise.all(
          names.filter((n) => n.startsWith('.') && n.endsWith('.tmp')).map((n) => rm(join(this.options.dir, n), { force: true })),
        ).then(() => {}),
      () => {},
    )
    return this.prepared
  }

  async get(profileId: string, zoneId: string): Promise<Draft | undefined> {
    await this.prepare()
    const path = this.pathOf(profileId, zoneId)
    await this.writes.get(path)
    let raw: unknown
    try {
      raw = await readJsonFile(path)
    } catch (error) {
      await this.setAside(path, (error as Error).message)
      return undefined
    }
    if (raw === undefined) return undefined
    const parsed = DraftFile.safeParse(raw)
    if (!parsed.success || parsed.data.profileId !== profileId || parsed.data.zoneId !== zoneId) {
      await this.setAside(path, parsed.success ? 'it belongs to another zone' : parsed.error.message)
      return undefined
    }
    return { zoneId, edits: parsed.data.edits, updatedAtMs: parsed.data.updatedAtMs }
  }

  async save(profileId: string, zoneId: string, edits: RecordEdit[]): Promise<Draft> {
    const path = this.pathOf(profileId, zoneId)
    // Strictly later than the previous save: a plan made from the old draft is then recognisably old.
    const previous = (await this.get(profileId, zoneId))?.updatedAtMs ?? 0
    const file: DraftFile = { profileId, zoneId, edits, updatedAtMs: Math.max(this.nowMs(), previous + 1) }
    await this.serialize(path, () => (edits.length ? writeFileAtomic(path, JSON.stringify(file)) : rm(path, { force: true })))
    return { zoneId, edits, updatedAtMs: file.updatedAtMs }
  }

  async discard(profileId: string, zoneId: string): Promise<boolean> {
    const path = this.pathOf(profileId, zoneId)
    const had = (await this.get(profileId, zoneId)) !== undefined
    await this.serialize(path, () => rm(path, { force: true }))
    return had
  }

  /** Edits waiting per zone of the profile (for the zone list). */
  async counts(profileId: string): Promise<Map<string, number>> {
    await this.prepare()
    const counts = new Map<string, number>()
    let names: string[]
    try {
      names = await readdir(this.options.dir)
    } catch {
      return counts
    }
    for (const name of names.filter((n) => n.endsWith('.json'))) {
      const raw = await readJsonFile(join(this.options.dir, name)).catch(() => undefined)
      const parsed = DraftFile.safeParse(raw)
      if (parsed.success && parsed.data.profileId === profileId) counts.set(parsed.data.zoneId, parsed.data.edits.length)
    }
    return counts
  }

  private pathOf(profileId: string, zoneId: string): string {
    // Hashed: profile names may hold characters a file name cannot.
    const id = createHash('sha256').update(`${profileId}\n${zoneId}`).digest('hex').slice(0, 32)
    return join(this.options.dir, `${id}.json`)
  }

  private async serialize(path: string, write: () => Promise<void>): Promise<void> {
    const next = (this.writes.get(path) ?? Promise.resolve()).then(write)
    const settled = next.catch(() => {})
    this.writes.set(path, settled)
    try {
      await next
    } finally {
      if (this.writes.get(path) === settled) this.writes.delete(path)
    }
  }

  private async setAside(path: string, reason: string): Promise<void> {
    const aside = `${path}.unreadable-${this.nowMs()}`
    await rename(path, aside).catch(() => {})
    this.options.log?.(`route53: a draft could not be read (${reason}); kept as ${aside}`)
  }
}
