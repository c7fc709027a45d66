/**
 * Standard logging (legacy, v1) files for a traffic model, as CloudFront delivers them to S3: gzip TSV
 * named `<prefix><DistId>.YYYY-MM-DD-HH.<uniq>.gz`, two header lines, 33 fields, values URL-encoded,
 * rows grouped by edge location (so not in time order), busy hours split over two deliveries, and one
 * file delivered almost a day late under the name of the hour its requests happened.
 */
import { gzipSync } from 'node:zlib'
import { hash32, type EdgeRequest, type TrafficModel } from './traffic'

export const LOG_VERSION_LINE = '#Version: 1.0'
export const LOG_FIELDS_LINE =
  '#Fields: date time x-edge-location sc-bytes c-ip cs-method cs(Host) cs-uri-stem sc-status cs(Referer) cs(User-Agent) cs-uri-query cs(Cookie) x-edge-result-type x-edge-request-id x-host-header cs-protocol cs-bytes time-taken x-forwarded-for ssl-protocol ssl-cipher x-edge-response-result-type cs-protocol-version fle-status fle-encrypted-fields c-port time-to-first-byte x-edge-detailed-result-type sc-content-type sc-content-len sc-range-start sc-range-end'

const HOUR_MS = 3600_000

/** Characters CloudFront percent-encodes in log values besides bytes 0–32 and ≥ 127. */
const ENCODED_ASCII = new Set('<>"#%{}|\\^~[]`\''.split(''))

const NOTHING_TO_ENCODE = /^[!$&(-;=?-Z_a-z]*$/

/** Encodes a value the way CloudFront writes it into a standard log; '' becomes '-'. */
export function encodeLogValue(value: string): string {
  if (value === '') return '-'
  if (NOTHING_TO_ENCODE.test(value)) return value
  let out = ''
  for (const byte of Buffer.from(value, 'utf8')) {
    const char = String.fromCharCode(byte)
    out += byte <= 0x20 || byte >= 0x7f || ENCODED_ASCII.has(char) ? `%${byte.toString(16).toUpperCase().padStart(2, '0')}` : char
  }
  return out
}

const seconds = (ms: number) => (ms / 1000).toFixed(3)

/** Paths, user agents and referers repeat: encode each distinct one once. */
const encodedCache = new Map<string, string>()
function encodeRepeated(value: string): string {
  let encoded = encodedCache.get(value)
  if (encoded === undefined) {
    encoded = encodeLogValue(value)
    if (encodedCache.size < 10_000) encodedCache.set(value, encoded)
  }
  return encoded
}

export function logLine(request: EdgeRequest, domainName: string): string {
  const at = new Date(request.timeMs).toISOString()
  const https = request.protocol === 'https'
  return [
    at.slice(0, 10),
    at.slice(11, 19),
    request.edgeLocation,
    request.scBytes,
    request.clientIp,
    request.method,
    domainName,
    encodeRepeated(request.uriStem),
    request.status === 0 ? '000' : request.status,
    encodeRepeated(request.referer),
    encodeRepeated(request.userAgent),
    encodeLogValue(request.query),
    '-',
    request.resultType,
    request.requestId,
    request.hostHeader,
    request.protocol,
    request.csBytes,
    seconds(request.timeTakenMs),
    '-',
    https ? 'TLSv1.3' : '-',
    https ? 'TLS_AES_128_GCM_SHA256' : '-',
    request.responseResultType,
    request.protocolVersion,
    '-',
    '-',
    request.clientPort,
    seconds(request.timeToFirstByteMs),
    request.detailedResultType,
    request.contentType,
    request.contentLength,
    '-',
    '-',
  ].join('\t')
}

export interface LogFile {
  key: string
  body: Buffer
  /** When CloudFront delivered it (the S3 object's LastModified). */
  deliveredMs: number
  lines: number
}

/** One hour, about a day before the window's end, whose second delivery comes 20 hours late. */
export function lateHourOf(model: TrafficModel): number {
  return model.endMs - 30 * HOUR_MS
}

/** Every log file of the model's window. `prefix` ends with '/' (e.g. 'cloudfront/'). */
export function logFilesFor(model: TrafficModel, prefix: string): LogFile[] {
  const files: LogFile[] = []
  const lateHour = lateHourOf(model)
  for (const hourStart of model.hours()) {
    const requests = model.requestsInHour(hourStart)
    if (requests.length === 0) continue
    // CloudFront consolidates each edge's records: rows come grouped by edge, not in time order.
    const byEdge = new Map<string, EdgeRequest[]>()
    for (const request of requests) {
      const group = byEdge.get(request.edgeLocation)
      if (group) group.push(request)
      else byEdge.set(request.edgeLocation, [request])
    }
    const order = new Map([...byEdge.keys()].map((edge) => [edge, hash32(edge + hourStart)]))
    const edges = [...byEdge.keys()].sort((a, b) => order.get(a)! - order.get(b)!)
    // Busy hours (and the late one) arrive in two deliveries.
    const split = requests.length > 50 || hourStart === lateHour ? Math.ceil(edges.length / 2) : edges.length
    const groups = [edges.slice(0, split), edges.slice(split)].filter((group) => group.length > 0)
    groups.forEach((group, part) => {
      const rows = group.flatMap((edge) => byEdge.get(edge)!)
      const lines = [LOG_VERSION_LINE, LOG_FIELDS_LINE, ...rows.map((r) => logLine(r, model.domainName))]
      const stamp = new Date(hourStart).toISOString()
      const uniq = hash32(`${model.distributionId}/${hourStart}/${part}`).toString(16).padStart(8, '0')
      const late = hourStart === lateHour && part === 1
      files.push({
        key: `${prefix}${model.distributionId}.${stamp.slice(0, 10)}-${stamp.slice(11, 13)}.${uniq}.gz`,
        // Level 1: seeding speed matters more here than a few kilobytes.
        body: gzipSync(lines.join('\n') + '\n', { level: 1 }),
        deliveredMs: hourStart + HOUR_MS + (late ? 20 * HOUR_MS : (10 + part * 20) * 60_000),
        lines: rows.length,
      })
    })
  }
  return files
}
