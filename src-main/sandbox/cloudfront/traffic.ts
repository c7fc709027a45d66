/**
 * The sandbox's one model of viewer traffic through a distribution. The seed's standard-log files and
 * the CloudWatch `AWS/CloudFront` metrics are both computed from it, so the two views of the sandbox
 * agree the way they do on AWS (Requests summed over a day = log lines of that day).
 *
 * Deterministic: every hour is generated from its own seed (distribution id + hour), so any hour can be
 * regenerated on its own and every machine sees the same traffic.
 */

const HOUR_MS = 3600_000
const DAY_MS = 24 * HOUR_MS

export type ResultType = 'Hit' | 'RefreshHit' | 'Miss' | 'LimitExceeded' | 'CapacityExceeded' | 'Error' | 'Redirect'

/** One viewer request as CloudFront logs it (decoded values; the log writer encodes them). */
export interface EdgeRequest {
  /** Whole seconds. */
  timeMs: number
  edgeLocation: string
  scBytes: number
  clientIp: string
  method: 'GET' | 'HEAD'
  /** The path as the viewer asked for it, decoded (e.g. `/문서/한글 문서.txt`). */
  uriStem: string
  /** Decoded query string without `?`, or '' for none. */
  query: string
  /** 0 when the viewer hung up before a response (logged as `000`). */
  status: number
  referer: string
  userAgent: string
  resultType: ResultType
  responseResultType: ResultType
  detailedResultType: string
  requestId: string
  hostHeader: string
  protocol: 'http' | 'https'
  csBytes: number
  timeTakenMs: number
  timeToFirstByteMs: number
  protocolVersion: string
  clientPort: number
  contentType: string
  contentLength: number
}

export interface TrafficModelOptions {
  distributionId: string
  /** `dxxxxxxxx.cloudfront.net`, logged as cs(Host). */
  domainName: string
  /** What viewers send as Host (the aliases, sometimes the cloudfront.net name). */
  hostHeaders: string[]
  /** Exclusive end of the modelled window; rounded down to a whole hour. */
  endMs: number
  days: number
  /** Mean requests per hour at the daily peak. Default 60. */
  peakRequestsPerHour?: number
}

/** mulberry32: a small seeded generator. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** FNV-1a, to turn names into seeds. */
export function hash32(text: string): number {
  let h = 0x811c9dc5
  for (const byte of Buffer.from(text, 'utf8')) {
    h ^= byte
    h = Math.imul(h, 0x01000193)
  }
  return h >>> 0
}

interface PathSpec {
  path: string
  weight: number
  bytes: number
  contentType: string
  /** Paths the site does not have: CloudFront answers with the custom 404 page. */
  missing?: boolean
}

const typeByExtension: Record<string, string> = {
  html: 'text/html',
  css: 'text/css',
  svg: 'image/svg+xml',
  txt: 'text/plain',
  ico: 'image/x-icon',
}

function pathSpecs(): PathSpec[] {
  const specs: Array<Omit<PathSpec, 'bytes' | 'contentType'> & { contentType?: string }> = [
    { path: '/', weight: 18, contentType: 'text/html' },
    { path: '/index.html', weight: 6 },
    { path: '/css/site.css', weight: 14 },
    { path: '/css/print.css', weight: 2 },
    { path: '/images/logo.svg', weight: 12 },
    { path: '/docs/getting-started.html', weight: 5 },
    { path: '/문서/시작하기.html', weight: 5 },
    { path: '/문서/한글 문서.txt', weight: 2 },
    // The same file name in NFD (as the seed has it too): another S3 key, and other bytes in the log.
    { path: `/문서/${'한글 문서'.normalize('NFD')}.txt`, weight: 0.5 },
    { path: '/images/🎉 launch.svg', weight: 3 },
    { path: '/downloads/100% done.txt', weight: 1 },
    { path: '/downloads/report+final (1).txt', weight: 1 },
    { path: '/robots.txt', weight: 2 },
    { path: '/favicon.ico', weight: 3, missing: true },
    { path: '/old-page.html', weight: 2, missing: true },
  ]
  const topics = ['caching', 'dns', 'pipelines', 'storage-classes', 'invalidations', 'multipart', 'logs', 'costs']
  for (const [index, topic] of topics.entries()) specs.push({ path: `/blog/2026/11/${topic}-${index + 1}/index.html`, weight: 1.5 })
  for (let n = 1; n <= 20; n++) specs.push({ path: `/gallery/photo-${String(n).padStart(3, '0')}.svg`, weight: 1 })
  return specs.map((spec) => {
    const extension = /\.(\w+)$/.exec(spec.path)?.[1] ?? 'html'
    const missing = spec.missing === true
    return {
      ...spec,
      contentType: missing ? 'text/html' : (spec.contentType ?? typeByExtension[extension] ?? 'application/octet-stream'),
      // The 404 page for missing paths; otherwise a stable size per path.
      bytes: missing ? 1_024 : 400 + (hash32(spec.path) % 24_000),
    }
  })
}

/** About twenty edge locations, weighted towards Korea and Japan where the site's readers are. */
const EDGES: Array<[string, number]> = [
  ['ICN54-C1', 14],
  ['ICN57-P1', 10],
  ['ICN80-C2', 6],
  ['NRT57-P2', 7],
  ['NRT12-C3', 4],
  ['KIX56-P1', 3],
  ['HKG62-C2', 2],
  ['TPE52-C1', 2],
  ['SIN2-P3', 2],
  ['SYD62-P1', 1],
  ['BOM78-P2', 1],
  ['FRA56-P1', 2],
  ['LHR61-C2', 2],
  ['CDG52-P1', 1],
  ['AMS58-C1', 1],
  ['IAD89-C2', 3],
  ['JFK50-P3', 2],
  ['SFO5-C3', 2],
  ['LAX50-C1', 2],
  ['SEA19-C1', 1],
  ['GRU3-P1', 1],
]

const USER_AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 NAVER(inapp; search; 1000; 12.8.0)',
  'Mozilla/5.0 (Linux; Android 15; SM-S928N) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/27.0 Chrome/125.0.0.0 Mobile Safari/537.36',
  'curl/8.11.0',
]

function pickWeighted<T>(items: ReadonlyArray<readonly [T, number]>, total: number, u: number): T {
  let at = u * total
  for (const [item, weight] of items) {
    at -= weight
    if (at < 0) return item
  }
  return items[items.length - 1]![0]
}

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'

/** 54 characters of the x-edge-request-id alphabet plus '==', five characters per random number. */
function requestIdFrom(rand: () => number): string {
  let id = ''
  while (id.length < 54) {
    let bits = Math.floor(rand() * 2 ** 30)
    for (let i = 0; i < 5 && id.length < 54; i++, bits >>>= 6) id += ID_ALPHABET[bits & 63]
  }
  return id + '=='
}

export class TrafficModel {
  readonly distributionId: string
  readonly domainName: string
  readonly startMs: number
  readonly endMs: number
  /** Start (00:00 UTC) of the day when a deploy added cache-busting query strings: the hit ratio drops. */
  readonly cacheBustingDayMs: number
  private readonly hostHeaders: string[]
  private readonly peak: number
  private readonly paths = pathSpecs().map((p) => [p, p.weight] as const)
  private readonly pathTotal: number
  private readonly edgeTotal = EDGES.reduce((sum, [, w]) => sum + w, 0)

  constructor(options: TrafficModelOptions) {
    this.distributionId = options.distributionId
    this.domainName = options.domainName
    this.hostHeaders = options.hostHeaders
    this.endMs = Math.floor(options.endMs / HOUR_MS) * HOUR_MS
    this.startMs = this.endMs - options.days * DAY_MS
    this.peak = options.peakRequestsPerHour ?? 60
    this.pathTotal = this.paths.reduce((sum, [, weight]) => sum + weight, 0)
    this.cacheBustingDayMs = Math.floor(this.startMs / DAY_MS) * DAY_MS + Math.max(1, options.days - 12) * DAY_MS
  }

  /** Start of every modelled hour, oldest first. */
  hours(): number[] {
    const hours: number[] = []
    for (let at = this.startMs; at < this.endMs; at += HOUR_MS) hours.push(at)
    return hours
  }

  /** The requests of the hour starting at `hourStartMs`, in time order. */
  requestsInHour(hourStartMs: number): EdgeRequest[] {
    if (hourStartMs < this.startMs || hourStartMs >= this.endMs || hourStartMs % HOUR_MS !== 0) return []
    const rand = seededRandom(hash32(`${this.distributionId}/${hourStartMs}`))
    const utcHour = new Date(hourStartMs).getUTCHours()
    // Readers in Korea (UTC+9): busiest around 21:00 KST = 12:00 UTC, quietest before dawn.
    const daily = 0.5 + 0.5 * Math.cos((2 * Math.PI * (utcHour - 12)) / 24)
    const weekday = new Date(hourStartMs + 9 * HOUR_MS).getUTCDay()
    const weekly = weekday === 0 || weekday === 6 ? 0.75 : 1
    const count = Math.round((0.15 + 0.85 * daily) * weekly * this.peak * (0.85 + 0.3 * rand()))
    const busting = hourStartMs >= this.cacheBustingDayMs && hourStartMs < this.cacheBustingDayMs + DAY_MS

    const offsets = Array.from({ length: count }, () => Math.floor(rand() * 3600)).sort((a, b) => a - b)
    return offsets.map((offsetS, index) => this.request(hourStartMs + offsetS * 1000, index, rand, busting))
  }

  private request(timeMs: number, index: number, rand: () => number, busting: boolean): EdgeRequest {
    const spec = pickWeighted(this.paths, this.pathTotal, rand())
    const edgeLocation = pickWeighted(EDGES, this.edgeTotal, rand())
    const userAgent = USER_AGENTS[Math.floor(rand() * USER_AGENTS.length)]!
    const protocol: 'http' | 'https' = rand() < 0.03 ? 'http' : 'https'
    const method: 'GET' | 'HEAD' = rand() < 0.02 ? 'HEAD' : 'GET'
    const ipv6 = rand() < 0.15
    const clientIp = ipv6
      ? `2001:db8:${Math.floor(rand() * 0xffff).toString(16)}::${Math.floor(rand() * 0xffff).toString(16)}`
      : `${['192.0.2', '198.51.100', '203.0.113'][Math.floor(rand() * 3)]}.${1 + Math.floor(rand() * 254)}`
    const requestId = requestIdFrom(rand)
    const hostHeader = this.hostHeaders[Math.floor(rand() * this.hostHeaders.length)] ?? this.domainName
    const referer = rand() < 0.4 ? `https://${hostHeader}/` : ''
    const u = rand()
    const edgeWorkMs = 1 + Math.floor(rand() * 8)
    const originMs = 40 + Math.floor(rand() * 260)
    const headerBytes = 320 + Math.floor(rand() * 80)
    const query = busting && !spec.missing && rand() < 0.7 ? `v=${Math.floor(rand() * 1e9).toString(36)}` : ''

    let resultType: ResultType
    let responseResultType: ResultType
    let detailedResultType: string
    let status = 200
    let bodyBytes = method === 'HEAD' ? 0 : spec.bytes
    let ttfbMs = edgeWorkMs
    let contentType = spec.contentType

    if (protocol === 'http') {
      // ViewerProtocolPolicy redirect-to-https.
      resultType = responseResultType = 'Redirect'
      detailedResultType = 'Redirect'
      status = 301
      bodyBytes = 183
      contentType = 'text/html'
    } else if (spec.missing) {
      resultType = responseResultType = 'Error'
      detailedResultType = 'Error'
      status = 404
      ttfbMs = edgeWorkMs + originMs
    } else if (u < 0.003) {
      resultType = responseResultType = 'CapacityExceeded'
      detailedResultType = 'CapacityExceeded'
      status = 503
      bodyBytes = 915
      contentType = 'text/html'
    } else if (u < 0.006) {
      resultType = responseResultType = 'Error'
      detailedResultType = 'OriginConnectError'
      status = 502
      bodyBytes = 507
      ttfbMs = edgeWorkMs + originMs * 3
      contentType = 'text/html'
    } else {
      // A cache-busting query string is part of the cache key: almost every such request misses.
      const hit = query ? rand() < 0.08 : u < 0.8
      const refresh = !hit && !query && u < 0.85
      responseResultType = hit ? 'Hit' : refresh ? 'RefreshHit' : 'Miss'
      if (!hit) ttfbMs = edgeWorkMs + originMs
      if (refresh) status = rand() < 0.5 ? 304 : 200
      if (status === 304) bodyBytes = 0
      resultType = responseResultType
      detailedResultType = responseResultType
      // The viewer went away before the last byte: the final result type becomes Error.
      if (bodyBytes > 2_000 && rand() < 0.012) {
        resultType = 'Error'
        detailedResultType = 'ClientCommError'
        bodyBytes = Math.floor(bodyBytes * rand())
      }
    }
    const timeTakenMs = ttfbMs + (bodyBytes > 0 ? Math.floor(rand() * 20) : 0)
    return {
      timeMs,
      edgeLocation,
      scBytes: headerBytes + bodyBytes,
      clientIp,
      method,
      uriStem: spec.path,
      query,
      status,
      referer,
      userAgent,
      resultType,
      responseResultType,
      detailedResultType,
      requestId,
      hostHeader,
      protocol,
      csBytes: 180 + Math.floor(rand() * 300),
      timeTakenMs,
      timeToFirstByteMs: ttfbMs,
      protocolVersion: protocol === 'http' ? 'HTTP/1.1' : rand() < 0.7 ? 'HTTP/2.0' : 'HTTP/3.0',
      clientPort: 1024 + ((index * 7919 + Math.floor(rand() * 60000)) % 64000),
      contentType,
      contentLength: spec.missing ? 1_024 : method === 'HEAD' || status === 304 ? 0 : spec.bytes,
    }
  }
}
