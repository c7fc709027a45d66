/**
 * Small app settings that main owns, kept in one JSON file written crash-safely and validated when read,
 * field by field: a field that does not validate falls back to its default and the others are kept, and
 * a damaged file is copied aside before anything overwrites it, so a hand edit gone wrong loses nothing.
 */
import { copyFile } from 'node:fs/promises'
import { z } from 'zod'
import { readJsonFile, writeFileAtomic } from './atomic-file'

/** A price in USD: finite and ≥ 0. */
const UsdPrice = z.number().finite().nonnegative()

export const Settings = z.object({
  activeProfileId: z.string().optional(),
  /** How much disk the offline snapshots may use, in MiB (default 64); the least recently used go first. */
  snapshotMaxMiB: z.number().positive().optional(),
  /** The user accepted storing secrets without an OS keychain (Linux basic_text). */
  acceptWeakSecretStorage: z.boolean().optional(),
  /** Transfer settings the user changed (engine units); absent fields keep the engine's defaults. */
  transfers: z
    .object({ concurrency: z.number().int(), partSizeBytes: z.number().int(), maxBandwidthBytesPerSecond: z.number().int() })
    .partial()
    .optional(),
  /** Negotiated S3 rates (costs/prices.ts PriceOverrides): USD per GB-month by class, per 1,000 transitions, Intelligent-Tiering tiers. */
  priceOverrides: z
    .object({
      storageUsdPerGbMonth: z.record(z.string(), UsdPrice).optional(),
      transitionUsdPer1000: z.record(z.string(), UsdPrice).optional(),
      intelligentTieringTierUsdPerGbMonth: z.record(z.string(), UsdPrice).optional(),
      intelligentTieringMonitoringUsdPer1000Objects: UsdPrice.optional(),
    })
    .strict()
    .optional(),
  /** Show costs converted at this user-set rate (figures stay USD underneath). */
  displayCurrency: z
    .object({
      currency: z.string().regex(/^[A-Z]{3}$/, 'currency must be an ISO 4217 code like KRW'),
      perUsd: z.number().positive().finite(),
    })
    .strict()
    .optional(),
})
export type Settings = z.infer<typeof Settings>

export class SettingsStore {
  private current: Settings = {}
  private writing: Promise<void> = Promise.resolve()

  constructor(
    private readonly path: string,
    private readonly log: (message: string) => void = (message) => console.warn(message),
    private readonly nowMs: () => number = Date.now,
  ) {}

  async load(): Promise<Settings> {
    let raw: unknown
    try {
      raw = await readJsonFile(this.path)
    } catch (error) {
      await this.keepDamaged(`it is not readable JSON (${(error as Error).message})`)
      this.current = {}
      return this.current
    }
    const { settings, dropped } = salvageSettings(raw)
    if (dropped.length) await this.keepDamaged(`${dropped.join('; ')} did not validate and fell back to the default`)
    this.current = settings
    return this.current
  }

  get(): Settings {
    return this.current
  }

  /** Applies a change and persists it; writes are serialized so the last change always wins on disk. */
  update(change: Partial<Settings>): Promise<void> {
    this.current = { ...this.current, ...change }
    const snapshot = JSON.stringify(this.current, null, 2)
    this.writing = this.writing.catch(() => {}).then(() => writeFileAtomic(this.path, snapshot))
    return this.writing
  }

  private async keepDamaged(why: string): Promise<void> {
    const aside = `${this.path}.damaged-${this.nowMs()}`
    try {
      await copyFile(this.path, aside)
      this.log(`Settings: ${why}; the file as it was is kept in ${aside}.`)
    } catch (error) {
      this.log(`Settings: ${why}; the file could not be copied aside (${(error as Error).message}).`)
    }
  }
}

/** The valid fields of a settings document, and a line for each field that was dropped. */
export function salvageSettings(raw: unknown): { settings: Settings; dropped: string[] } {
  if (raw === undefined) return { settings: {}, dropped: [] }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { settings: {}, dropped: ['the whole file (not an object)'] }
  const settings: Record<string, unknown> = {}
  const dropped: string[] = []
  for (const [name, field] of Object.entries(Settings.shape)) {
    const value = (raw as Record<string, unknown>)[name]
    if (value === undefined) continue
    const parsed = (field as z.ZodType).safeParse(value)
    if (parsed.success) settings[name] = parsed.data
    else dropped.push(`"${name}" (${parsed.error.issues[0]?.message ?? 'invalid'})`)
  }
  return { settings: settings as Settings, dropped }
}
