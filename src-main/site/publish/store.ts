/**
 * What a publish keeps on disk (`<dataDir>/publish/`): each site's header rules (`rules.json`) and each
 * publish under way (`publishes/<id>.json`: its uploads with their transfer job ids and which are done, its
 * deletions, its invalidation). Written with temp + fsync + rename, so a crash leaves the old or the new
 * file; a file that cannot be read is set aside and named in the log, never overwritten.
 */
import { mkdir, readdir, rename, rm } from 'node:fs/promises'
import { join } from 'node:path'
import type { HeaderRule, PublishState } from '../../api/publish'
import { readJsonFile, writeFileAtomic } from '../../core/atomic-file'

export interface StoredUpload {
  key: string
  filePath: string
  sizeBytes: number
  contentType?: string
  cacheControl?: string
  jobId?: string
  done: boolean
}

export interface StoredPublish {
  version: 1
  publishId: string
  profileId: string
  bucket: string
  originPath: string
  distributionId?: string
  folderPath: string
  folderName: string
  startedAtMs: number
  state: PublishState
  uploads: StoredUpload[]
  deletes: Array<{ key: string; done: boolean }>
  invalidationPaths: string[]
  /** Set before createInvalidation is sent: after a crash, the invalidation is looked for before sending again. */
  invalidationRequested?: boolean
  invalidation?: { ids: string[]; status: string }
  message?: string
}

export const siteKey = (profileId: string, bucket: string, originPath: string) => `${profileId}\n${bucket}\n${originPath}`

export class PublishStore {
  private writes = new Map<string, Promise<void>>()
  constructor(
    private readonly dir: string,
    private readonly log: (message: string) => void = () => {},
  ) {}

  private get publishesDir() {
    return join(this.dir, 'publishes')
  }

  async readRules(key: string): Promise<HeaderRule[] | undefined> {
    const all = await this.readAllRules()
    return all[key]
  }

  async saveRules(key: string, rules: HeaderRule[]): Promise<void> {
    const all = await this.readAllRules()
    all[key] = rules
    await this.write(join(this.dir, 'rules.json'), JSON.stringify(all))
  }

  private async readAllRules(): Promise<Record<string, HeaderRule[]>> {
    const file = join(this.dir, 'rules.json')
    try {
      const value = (await readJsonFile(file)) as Record<string, HeaderRule[]> | undefined
      return value && typeof value === 'object' ? Object.assign(Object.create(null), value) : Object.create(null)
    } catch (error) {
      await this.setAside(file, error)
      return Object.create(null)
    }
  }

  async loadPublishes(): Promise<StoredPublish[]> {
    await mkdir(this.publishesDir, { recursive: true })
    const out: StoredPublish[] = []
    for (const name of await readdir(this.publishesDir)) {
      if (!name.endsWith('.json')) continue
      const file = join(this.publishesDir, name)
      try {
        const value = (await readJsonFile(file)) as StoredPublish | undefined
        if (value?.version === 1 && Array.isArray(value.uploads)) out.push(value)
      } catch (error) {
        await this.setAside(file, error)
      }
    }
    return out.sort((a, b) => a.startedAtMs - b.startedAtMs)
  }

  savePublish(publish: StoredPublish): Promise<void> {
    return this.write(join(this.publishesDir, `${publish.publishId}.json`), JSON.stringify(publish))
  }

  async removePublish(publishId: string): Promise<void> {
    const file = join(this.publishesDir, `${publishId}.json`)
    await this.writes.get(file)
    await rm(file, { force: true })
  }

  async flush(): Promise<void> {
    await Promise.all(this.writes.values())
  }

  /** One write per file at a time, the latest content last. */
  private write(file: string, content: string): Promise<void> {
    const previous = this.writes.get(file) ?? Promise.resolve()
    const next = previous.catch(() => {}).then(() => writeFileAtomic(file, content))
    this.writes.set(file, next)
    void next
      .finally(() => {
        if (this.writes.get(file) === next) this.writes.delete(file)
      })
      .catch(() => {})
    return next
  }

  private async setAside(file: string, error: unknown): Promise<void> {
    const aside = `${file}.unreadable-${Date.now()}`
    await rename(file, aside).catch(() => {})
    this.log(`publish: ${file} could not be read (${String(error)}); kept as ${aside}`)
  }
}
