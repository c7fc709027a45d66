/**
 * CloudFront standard-log lines → records. Legacy (v1) lines are tab-separated with the field order
 * given by the file's `#Fields:` header (older files have fewer fields; without a header the 33-field
 * order of today is assumed); standard logging v2 JSON lines (`{...}`, one object a line) are read by
 * their keys. Values are URL-decoded; a `-` is empty. A line that cannot be read is counted, never fatal.
 */
import { ownCopy } from './own-string'

/** The 33 legacy fields in the order CloudFront writes them today (standard-logs-reference.md). */
export const LEGACY_FIELDS = [
  'date',
  'time',
  'x-edge-location',
  'sc-bytes',
  'c-ip',
  'cs-method',
  'cs(Host)',
  'cs-uri-stem',
  'sc-status',
  'cs(Referer)',
  'cs(User-Agent)',
  'cs-uri-query',
  'cs(Cookie)',
  'x-edge-result-type',
  'x-edge-request-id',
  'x-host-header',
  'cs-protocol',
  'cs-bytes',
  'time-taken',
  'x-forwarded-for',
  'ssl-protocol',
  'ssl-cipher',
  'x-edge-response-result-type',
  'cs-protocol-version',
  'fle-status',
  'fle-encrypted-fields',
  'c-port',
  'time-to-first-byte',
  'x-edge-detailed-result-type',
  'sc-content-type',
  'sc-content-len',
  'sc-range-start',
  'sc-range-end',
] as const

/** One request, with the fields the statistics use. Strings are decoded; '' where the log had `-`. */
export interface LogRecord {
  timeMs: number
  edgeLocation: string
  scBytes: number
  clientIp: string
  method: string
  /** Decoded path, e.g. `/문서/한글 문서.txt`. */
  uriStem: string
  query: string
  /** 0 for `000` (the viewer hung up before the response). */
  status: number
  hostHeader: string
  userAgent: string
  referer: string
  protocol: string
  /** x-edge-result-type: after the last byte. '' in files older than the field. */
  resultType: string
  /** x-edge-response-result-type: before the response was returned. Falls back to resultType in files older than the field. */
  responseResultType: string
  detailedResultType: string
  timeTakenMs: number
  contentType: string
}

/**
 * Decodes %XX sequences, each run of them as UTF-8 bytes (so `%EB%AC%B8` is 문); a `%` not followed by
 * two hex digits stays as written. `-` is empty.
 */
export function decodeLogValue(value: string | undefined): string {
  if (value === undefined || value === '-') return ''
  if (!value.includes('%')) return value
  return value.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => Buffer.from(run.replace(/%/g, ''), 'hex').toString('utf8'))
}

/**
 * decodeLogValue for values that repeat (user agents, paths, referers): each distinct encoded value is
 * decoded once. Bounded: emptied when it reaches DECODED_CAPACITY entries; keys and values are own
 * copies (see own-string.ts).
 */
const DECODED_CAPACITY = 4096
const decoded = new Map<string, string>()
function decodeRepeated(value: string | undefined): string {
  if (value === undefined || value === '-') return ''
  if (!value.includes('%')) return value
  let text = decoded.get(value)
  if (text === undefined) {
    text = ownCopy(decodeLogValue(value))
    if (decoded.size >= DECODED_CAPACITY) decoded.clear()
    decoded.set(ownCopy(value), text)
  }
  return text
}

export type LogFormat = 'legacy' | 'v2-json'

/** Field positions the parser reads, resolved once per `#Fields` header. */
interface Layout {
  count: number
  at: Record<string, number>
}

function layoutOf(fields: readonly string[]): Layout {
  const at: Record<string, number> = {}
  fields.forEach((name, index) => (at[name] = index))
  return { count: fields.length, at }
}

const DEFAULT_LAYOUT = layoutOf(LEGACY_FIELDS)
const REQUIRED = ['date', 'time', 'cs-uri-stem', 'sc-status'] as const

const DATE = /^\d{4}-\d{2}-\d{2}$/
const TIME = /^\d{2}:\d{2}:\d{2}$/

export interface ParseCounts {
  /** Every line seen, header lines and blank lines included. */
  lines: number
  records: number
  malformed: number
}

/**
 * A stateful line parser for one file: header lines change how the following lines are read, as in
 * the W3C extended format CloudFront's legacy logs follow.
 */
export class LogLineParser {
  readonly counts: ParseCounts = { lines: 0, records: 0, malformed: 0 }
  /** The first few malformed lines, to show what was wrong. */
  readonly malformedSamples: string[] = []
  format: LogFormat | undefined
  private layout: Layout = DEFAULT_LAYOUT

  /** Reads one line (without its newline). Returns the record, or undefined for headers, blanks and bad lines. */
  line(text: string): LogRecord | undefined {
    this.counts.lines++
    if (text.endsWith('\r')) text = text.slice(0, -1)
    if (text === '') return undefined
    if (text.startsWith('#')) {
      if (text.startsWith('#Fields:')) this.layout = layoutOf(text.slice('#Fields:'.length).trim().split(/\s+/))
      return undefined
    }
    const record = text.startsWith('{') ? this.jsonRecord(text) : this.tsvRecord(text)
    if (record) this.counts.records++
    else this.malformedLine(text)
    return record
  }

  private malformedLine(text: string): void {
    this.counts.malformed++
    if (this.malformedSamples.length < 5) this.malformedSamples.push(text.length > 300 ? `${text.slice(0, 300)}…` : text)
  }

  private tsvRecord(text: string): LogRecord | undefined {
    const values = text.split('\t')
    const { at, count } = this.layout
    if (values.length !== count) return undefined
    this.format ??= 'legacy'
    return build((name) => {
      const index = at[name]
      return index === undefined ? undefined : values[index]
    })
  }

  private jsonRecord(text: string): LogRecord | undefined {
    let object: unknown
    try {
      object = JSON.parse(text)
    } catch {
      return undefined
    }
    if (!object || typeof object !== 'object' || Array.isArray(object)) return undefined
    const fields = object as Record<string, unknown>
    const get = (name: string): string | undefined => {
      const value = fields[name]
      return value === undefined || value === null ? undefined : String(value)
    }
    // v2 can log `timestamp` (epoch seconds) instead of date and time.
    if (get('date') === undefined && get('timestamp') !== undefined) {
      const iso = new Date(Number(get('timestamp')) * 1000).toISOString()
      fields.date = iso.slice(0, 10)
      fields.time = iso.slice(11, 19)
    }
    const record = build(get)
    if (record) this.format ??= 'v2-json'
    return record
  }
}

function build(get: (name: string) => string | undefined): LogRecord | undefined {
  for (const name of REQUIRED) if (get(name) === undefined) return undefined
  const date = get('date')!
  const time = get('time')!
  if (!DATE.test(date) || !TIME.test(time)) return undefined
  const timeMs = Date.parse(`${date}T${time}Z`)
  const statusText = get('sc-status')!
  const status = statusText === '000' ? 0 : Number(statusText)
  const bytesText = get('sc-bytes') ?? '0'
  const scBytes = bytesText === '-' ? 0 : Number(bytesText)
  if (!Number.isFinite(timeMs) || !Number.isInteger(status) || status < 0 || status > 999 || !Number.isFinite(scBytes) || scBytes < 0)
    return undefined
  const resultType = decodeRepeated(get('x-edge-result-type'))
  const taken = Number(get('time-taken'))
  return {
    timeMs,
    edgeLocation: decodeRepeated(get('x-edge-location')),
    scBytes,
    clientIp: decodeRepeated(get('c-ip')),
    method: decodeRepeated(get('cs-method')),
    uriStem: decodeRepeated(get('cs-uri-stem')),
    query: decodeRepeated(get('cs-uri-query')),
    status,
    hostHeader: decodeRepeated(get('x-host-header')),
    userAgent: decodeRepeated(get('cs(User-Agent)')),
    referer: decodeRepeated(get('cs(Referer)')),
    protocol: decodeRepeated(get('cs-protocol')),
    resultType,
    responseResultType: get('x-edge-response-result-type') === undefined ? resultType : decodeRepeated(get('x-edge-response-result-type')),
    detailedResultType: decodeRepeated(get('x-edge-detailed-result-type')) || resultType,
    timeTakenMs: Number.isFinite(taken) ? Math.round(taken * 1000) : 0,
    contentType: decodeRepeated(get('sc-content-type')),
  }
}
