/**
 * Small app settings that main owns (the active profile, for now), kept in one JSON file written
 * crash-safely and validated when read: a damaged file falls back to defaults instead of stopping the app.
 */
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

  constructor(private readonly path: string) {}

  async load(): Promise<Settings> {
    try {
      const parsed = Settings.safeParse(await readJsonFile(this.path))
      this.current = parsed.success ? parsed.data : {}
    } catch {
      this.current = {}
    }
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
}
