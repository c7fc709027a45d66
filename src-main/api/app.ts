/** App-level operations: facts about the installation, and the guarded way out to the OS browser. */
import { z } from 'zod'
import { operation } from './contract'

export const appApi = {
  /** Version, platform, OS locale and the sandbox's state, for the shell and the About box. */
  info: operation({
    input: z.object({}).strict(),
    output: z.object({
      version: z.string(),
      platform: z.string(),
      osLocale: z.string(),
      sandbox: z.object({
        state: z.enum(['starting', 'running', 'stopped', 'failed']),
        message: z.string().optional(),
      }),
      /** Reachability of every profile seen so far, per endpoint; changes arrive as connectivity.changed events. */
      connectivity: z.record(
        z.string(),
        z.object({
          state: z.enum(['online', 'partly-offline', 'offline', 'signed-out', 'unknown']),
          endpoints: z.array(
            z.object({
              service: z.string(),
              label: z.string().optional(),
              url: z.string().optional(),
              state: z.enum(['online', 'offline', 'unknown']),
            }),
          ),
        }),
      ),
    }),
  }),
  /**
   * Storage classes with what they cost and the rules that make changing class expensive (minimum
   * storage duration, minimum billable size, archive retrieval), from the dated price table shipped
   * with Haneul.
   */
  storageClasses: operation({
    input: z.object({ region: z.string().max(32) }).strict(),
    output: z.object({
      priceTableDate: z.string(),
      region: z.string(),
      classes: z.array(
        z.object({
          storageClass: z.string(),
          usdPerGbMonth: z.number(),
          minStorageDays: z.number().int(),
          minBillableBytes: z.number().int(),
          /** GLACIER and DEEP_ARCHIVE: objects must be restored before they can be read or copied. */
          archived: z.boolean(),
        }),
      ),
    }),
  }),
  /** Puts text on the OS clipboard (the page itself is denied clipboard permission). */
  copyText: operation({
    input: z.object({ text: z.string().max(64 * 1024, 'text must be at most 64 KiB') }).strict(),
    output: z.object({ copied: z.literal(true) }),
  }),
  /** Opens a URL in the OS browser if it is on the allow-list (AWS console and docs). */
  openExternal: operation({
    input: z.object({ url: z.string().max(2048, 'url must be at most 2048 characters') }).strict(),
    output: z.object({ opened: z.literal(true) }),
  }),
}
