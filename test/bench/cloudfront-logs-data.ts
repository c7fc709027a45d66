/**
 * Deterministic CloudFront standard-log files for the log benchmark: legacy (v1) gzip TSV, the 33
 * fields, one file per hour of FILE_LINES lines. Paths are a Zipf-like head of 300 pages (the ones that
 * make the top lists; some Korean and with spaces, URL-encoded as CloudFront writes them) and a long tail
 * of ~30 % one-off asset paths from a space of ten million, so the path tables overflow their capacity
 * as a real busy site's do. Result types in realistic shares, incomplete downloads, 000 statuses.
 */
import { existsSync } from 'node:fs'
import { rename, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { promisify } from 'node:util'
import { gzip } from 'node:zlib'
import { encodeLogValue, LOG_FIELDS_LINE, LOG_VERSION_LINE } from '../../src-main/sandbox/cloudfront/log-files'
import { seededRandom } from '../../src-main/sandbox/cloudfront/traffic'

export const FILE_LINES = 20_000
export const DISTRIBUTION_ID = 'E1BENCHLOGS001'
export const FIRST_HOUR_MS = Date.parse('2026-10-01T00:00:00Z')
const HOUR_MS = 3600_000
const gzipAsync = promisify(gzip)

const EDGES = [
  'ICN54-C1',
  'ICN57-P1',
  'NRT57-P2',
  'KIX56-P1',
  'HKG62-C2',
  'SIN2-P3',
  'FRA56-P1',
  'LHR61-C2',
  'IAD89-C2',
  'SFO5-C3',
  'GRU3-P1',
  'SYD62-P1',
]
const AGENTS = [
  'Mozilla/5.0%20(Windows%20NT%2010.0;%20Win64;%20x64)%20AppleWebKit/537.36%20(KHTML,%20like%20Gecko)%20Chrome/142.0.0.0%20Safari/537.36',
  'Mozilla/5.0%20(iPhone;%20CPU%20iPhone%20OS%2018_1%20like%20Mac%20OS%20X)%20AppleWebKit/605.1.15%20(KHTML,%20like%20Gecko)%20Mobile/15E148',
  'curl/8.11.0',
]
const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'

/** The 300 head pages, already encoded as a log writes them, with cumulative Zipf weights. */
function headPaths(): { paths: string[]; cumulative: number[] } {
  const paths: string[] = []
  for (let rank = 1; rank <= 300; rank++) {
    const name =
      rank % 37 === 0
        ? `/문서/안내 ${rank}.html`
        : rank % 23 === 0
          ? `/downloads/report ${rank}.pdf`
          : `/page/${String(rank).padStart(3, '0')}.html`
    paths.push(encodeLogValue(name))
  }
  const weights = paths.map((_, i) => 1 / (i + 1))
  const sum = weights.reduce((a, b) => a + b, 0)
  let running = 0
  return { paths, cumulative: weights.map((w) => (running += w / sum)) }
}

const HEAD = headPaths()

function pickHead(u: number): string {
  let lo = 0
  let hi = HEAD.cumulative.length - 1
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (HEAD.cumulative[mid]! < u) lo = mid + 1
    else hi = mid
  }
  return HEAD.paths[lo]!
}

/** The text of file `index` (its hour is FIRST_HOUR_MS + index hours). */
export function logFileText(index: number): string {
  const rand = seededRandom(0x5eed0000 + index)
  const hourMs = FIRST_HOUR_MS + index * HOUR_MS
  const date = new Date(hourMs).toISOString().slice(0, 10)
  const hh = new Date(hourMs).toISOString().slice(11, 13)
  const lines = [LOG_VERSION_LINE, LOG_FIELDS_LINE]
  for (let i = 0; i < FILE_LINES; i++) {
    const second = Math.floor(rand() * 3600)
    const time = `${hh}:${String(Math.floor(second / 60)).padStart(2, '0')}:${String(second % 60).padStart(2, '0')}`
    const tail = rand() < 0.3
    const uri = tail ? `/assets/t/${Math.floor(rand() * 10_000_000)}.js` : pickHead(rand())
    const u = rand()
    let response =
      u < 0.7
        ? 'Hit'
        : u < 0.88
          ? 'Miss'
          : u < 0.92
            ? 'RefreshHit'
            : u < 0.95
              ? 'Error'
              : u < 0.955
                ? 'LimitExceeded'
                : u < 0.96
                  ? 'CapacityExceeded'
                  : 'Redirect'
    if (tail && response === 'Hit' && rand() < 0.6) response = 'Miss'
    let result = response
    let status =
      response === 'Error' ? (rand() < 0.7 ? 404 : 502) : response === 'Redirect' ? 301 : response.endsWith('Exceeded') ? 503 : 200
    if ((response === 'Hit' || response === 'Miss') && rand() < 0.01) {
      result = 'Error' // the viewer went away before the last byte
      if (rand() < 0.2) status = 0
    }
    let id = ''
    while (id.length < 54) {
      let bits = Math.floor(rand() * 2 ** 30)
      for (let k = 0; k < 5 && id.length < 54; k++, bits >>>= 6) id += ID_ALPHABET[bits & 63]
    }
    const bytes = 300 + Math.floor(rand() * 40_000)
    const https = rand() > 0.03
    lines.push(
      [
        date,
        time,
        EDGES[Math.floor(rand() * EDGES.length)],
        bytes,
        `198.51.100.${1 + Math.floor(rand() * 254)}`,
        'GET',
        'd111111abcdef8.cloudfront.net',
        uri,
        status === 0 ? '000' : status,
        '-',
        AGENTS[Math.floor(rand() * AGENTS.length)],
        '-',
        '-',
        result,
        `${id}==`,
        'bench.example',
        https ? 'https' : 'http',
        200 + Math.floor(rand() * 300),
        (rand() * 0.3).toFixed(3),
        '-',
        https ? 'TLSv1.3' : '-',
        https ? 'TLS_AES_128_GCM_SHA256' : '-',
        response,
        'HTTP/2.0',
        '-',
        '-',
        1024 + Math.floor(rand() * 60000),
        (rand() * 0.2).toFixed(3),
        result,
        'text/html',
        bytes - 300,
        '-',
        '-',
      ].join('\t'),
    )
  }
  return lines.join('\n') + '\n'
}

export function logFileName(index: number): string {
  const stamp = new Date(FIRST_HOUR_MS + index * HOUR_MS).toISOString()
  return `${DISTRIBUTION_ID}.${stamp.slice(0, 10)}-${stamp.slice(11, 13)}.${index.toString(16).padStart(8, '0')}.gz`
}

// `node --import tsx cloudfront-logs-data.ts <folder> <first> <step> <count>`: writes files first,
// first + step, … below count (the benchmark runs one such process per core).
if (process.argv[1] && import.meta.url.endsWith(path.basename(process.argv[1]))) {
  const [folder, first, step, count] = process.argv.slice(2)
  void (async () => {
    for (let index = Number(first); index < Number(count); index += Number(step)) {
      const file = path.join(folder!, logFileName(index))
      if (existsSync(file)) continue
      await writeFile(`${file}.tmp`, await gzipAsync(logFileText(index)))
      await rename(`${file}.tmp`, file)
    }
  })()
}
