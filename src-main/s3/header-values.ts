/**
 * Text that travels in S3 request headers. HTTP header values are ASCII; S3 decodes RFC 2047
 * encoded-words in user metadata values before it stores them and returns non-ASCII values encoded
 * (`=?UTF-8?B?…?=`). So Haneul keeps metadata as plain Unicode in memory, encodes it when writing and
 * decodes what S3 returns for display. A non-ASCII Content-Disposition file name is written as RFC 6266
 * `filename*=UTF-8''…` with an ASCII fallback.
 */
import { HaneulError } from '../core/errors'

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/

/**
 * The header form of a metadata value. ASCII text goes as it is, except text that itself looks like an
 * encoded-word ("=?"): S3 would decode that, so it is encoded too and comes back exactly as typed.
 */
export function encodeMetadataValue(value: string): string {
  if (PRINTABLE_ASCII.test(value) && !value.includes('=?')) return value
  return `=?UTF-8?B?${Buffer.from(value, 'utf8').toString('base64')}?=`
}

const ENCODED_WORD = /=\?([^?\s]+)\?([BbQq])\?([^?\s]*)\?=/g

function decodeWord(charset: string, encoding: string, text: string): string | undefined {
  const bytes =
    encoding.toUpperCase() === 'B'
      ? Buffer.from(text, 'base64')
      : Buffer.from(
          text.replace(/_/g, ' ').replace(/=([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))),
          'latin1',
        )
  try {
    return new TextDecoder(charset.split('*')[0]!.toLowerCase(), { fatal: true }).decode(bytes)
  } catch {
    return undefined
  }
}

/** A metadata value as S3 returned it, decoded for people (encoded-words of any charset TextDecoder knows). */
export function decodeMetadataValue(value: string): string {
  if (!value.includes('=?')) return value
  // Whitespace between two adjacent encoded-words is not part of the text (RFC 2047 §6.2).
  const joined = value.replace(/(\?=)\s+(?==\?)/g, '$1')
  return joined.replace(
    ENCODED_WORD,
    (word, charset: string, encoding: string, text: string) => decodeWord(charset, encoding, text) ?? word,
  )
}

export const encodeMetadata = (metadata: Record<string, string>): Record<string, string> =>
  Object.fromEntries(Object.entries(metadata).map(([name, value]) => [name, encodeMetadataValue(value)]))

export const decodeMetadata = (metadata: Record<string, string> | undefined): Record<string, string> =>
  Object.fromEntries(Object.entries(metadata ?? {}).map(([name, value]) => [name, decodeMetadataValue(value)]))

/** RFC 5987 ext-value characters (attr-char); everything else is percent-encoded. */
const attrEncode = (text: string) =>
  Array.from(Buffer.from(text, 'utf8'))
    .map((byte) => {
      const c = String.fromCharCode(byte)
      return /[A-Za-z0-9!#$&+.^_`|~-]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`
    })
    .join('')

/**
 * Content-Disposition as a header: unchanged when ASCII; a non-ASCII `filename` becomes an ASCII
 * fallback plus `filename*=UTF-8''…` (RFC 6266 §4.3). Non-ASCII anywhere else cannot be sent.
 */
export function contentDispositionHeader(value: string): string {
  if (PRINTABLE_ASCII.test(value)) return value
  const match = /^(.*?)(;\s*)filename\s*=\s*("((?:[^"\\]|\\.)*)"|[^;]*)(.*)$/i.exec(value)
  const rest = match?.[5] ?? ''
  if (!match || !PRINTABLE_ASCII.test(match[1]!) || !PRINTABLE_ASCII.test(rest)) {
    throw new HaneulError(
      'bad-request',
      'contentDisposition: only the file name may hold non-ASCII characters, e.g. attachment; filename="보고서.pdf".',
    )
  }
  const name = match[4] !== undefined ? match[4].replace(/\\(.)/g, '$1') : match[3]!.trim()
  const fallback = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_')
  const withoutOldStar = rest.replace(/;\s*filename\*\s*=[^;]*/i, '')
  return `${match[1]}; filename="${fallback}"; filename*=UTF-8''${attrEncode(name)}${withoutOldStar}`
}
