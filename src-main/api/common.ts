/** Schemas shared by several services. */
import { z } from 'zod'

/**
 * A lone UTF-16 surrogate (e.g. "\ud800") has no UTF-8 form: the SDK's URI encoder throws on it, and
 * TextEncoder silently turns it into U+FFFD, which names a *different* key. Such text is refused at the
 * boundary, before anything can be addressed with it.
 */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u

export const isWellFormed = (text: string): boolean => !LONE_SURROGATE.test(text)

/** A string that must be well-formed Unicode; the message names the field. */
export const WellFormed = (field: string) =>
  z.string().refine(isWellFormed, `${field} must be well-formed Unicode (it contains a lone UTF-16 surrogate, which has no UTF-8 form)`)

// eslint-disable-next-line no-control-regex
const HEADER_BREAKERS = /[\r\n\u0000]/

/** Header values cannot hold CR, LF or NUL: they would end or split the header. */
export const hasHeaderBreakers = (text: string): boolean => HEADER_BREAKERS.test(text)

/** Names that would be swallowed by (or pollute) a plain object's prototype; refused as record keys. */
export const RESERVED_RECORD_KEYS = new Set(['__proto__', 'constructor', 'prototype'])

/** Bytes of UTF-8 (TextEncoder: this folder also runs in the preload, without Buffer). */
export const utf8Bytes = (text: string): number => new TextEncoder().encode(text).length

export const ProfileId = WellFormed('profileId').min(1, 'profileId must not be empty').max(256, 'profileId must be at most 256 characters')

export const Region = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d{1,2}$/, 'region must look like us-east-1')

/** Epoch milliseconds; dates cross IPC as numbers so nothing depends on structured-clone of Date. */
export const TimestampMs = z.number().int().nonnegative()

export const WithProfile = z.object({ profileId: ProfileId })

/**
 * A record that refuses "__proto__", "constructor" and "prototype" as keys. Zod drops a "__proto__" key
 * from a record's output without a word, so the raw input is checked first. The cast keeps the record's
 * own input type for the renderer (the pipe's first stage accepts anything, the record then checks it).
 */
export function withoutReservedKeys<R extends z.ZodType<Record<string, unknown>>>(what: string, record: R): R {
  return z
    .unknown()
    .superRefine((raw, context) => {
      if (typeof raw !== 'object' || raw === null) return
      for (const key of Object.keys(raw)) {
        if (RESERVED_RECORD_KEYS.has(key)) context.addIssue({ code: 'custom', path: [key], message: `"${key}" cannot be used as ${what}` })
      }
    })
    .pipe(record) as unknown as R
}
