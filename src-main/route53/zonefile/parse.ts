/**
 * A BIND (RFC 1035 master file) zone-file parser that yields Route 53 record sets.
 *
 * Syntax: `$ORIGIN`, `$TTL` (with units: 1h30m, 2d, 1w), `@`, names relative to the origin,
 * an omitted owner (a line starting with blanks repeats the previous one), TTL and class in either
 * order, class IN optional, parentheses across lines, `;` comments, quoted strings with `\"`, `\\`
 * and `\DDD` (decimal) escapes, several strings in one TXT. Raw Unicode labels become punycode.
 * Types: A AAAA CAA CNAME DS HTTPS MX NAPTR NS PTR SOA SPF SRV SSHFP SVCB TLSA TXT.
 *
 * Route 53 features a zone file cannot say travel in comments that named ignores and this parser
 * reads back (written by ./write.ts):
 *   `; haneul-alias <owner> <type> <hosted-zone-id> <dns-name> [evaluate-target-health] [routing…]`
 *   `<record> ; haneul-routing set-identifier=<id> weight=<n> …` (see ROUTING_KEYS)
 *
 * Every problem is reported with its line and column; a file with any error yields no records.
 */
import type { ResourceRecordSet } from '@aws-sdk/client-route-53'
import { domainToASCII } from 'node:url'
import { canonicalName, route53Name, route53ValueName } from '../names'
import { recordKey } from '../records'
import { formatCharacterStrings } from '../values'

export interface ZoneFileProblem {
  line: number
  column: number
  message: string
}

export class ZoneFileError extends Error {
  constructor(readonly problems: ZoneFileProblem[]) {
    super(problems.map((p) => `line ${p.line}, column ${p.column}: ${p.message}`).join('\n'))
  }
}

export interface ParsedZoneFile {
  /** The origin in force at the end of the file (Route 53 form). */
  origin: string
  /** Record sets in file order of their first record, names and values in Route 53 form. */
  recordSets: ResourceRecordSet[]
  /** What named would also only warn about (e.g. a set's records with different TTLs). */
  warnings: ZoneFileProblem[]
}

interface Token {
  text: string
  quoted: boolean
  line: number
  column: number
  /** Directly after the previous token, with no blank between (`alpn="h2"`). */
  glued?: boolean
}

interface LogicalLine {
  tokens: Token[]
  /** The line began with blanks: the owner is the previous record's. */
  ownerOmitted: boolean
  /** `haneul-…` comments found on the line. */
  comments: Token[]
  line: number
}

class Problems {
  list: ZoneFileProblem[] = []
  add(at: { line: number; column: number }, message: string): void {
    this.list.push({ line: at.line, column: at.column, message })
  }
}

class LineError extends Error {
  constructor(
    readonly at: { line: number; column: number },
    message: string,
  ) {
    super(message)
  }
}

const plainRun = /[^\s;()"\\]+/y

/** Splits the text into logical lines (parentheses join physical lines), keeping positions. */
function tokenize(text: string, problems: Problems): LogicalLine[] {
  const lines: LogicalLine[] = []
  let line = 1
  let column = 1
  let i = 0
  let depth = 0
  let openAt = { line: 1, column: 1 }
  let current: LogicalLine | undefined
  let lastEnd = -1
  const startLine = (ownerOmitted: boolean) => (current = { tokens: [], ownerOmitted, comments: [], line })
  const endLine = () => {
    if (current && (current.tokens.length || current.comments.length)) lines.push(current)
    current = undefined
  }
  const advance = () => {
    if (text[i] === '\n') {
      line++
      column = 1
    } else column++
    i++
  }
  while (i < text.length) {
    const ch = text[i]!
    if (column === 1 && depth === 0) startLine(ch === ' ' || ch === '\t')
    if (ch === '\n') {
      if (depth === 0) endLine()
      advance()
      continue
    }
    if (ch === ' ' || ch === '\t' || ch === '\r') {
      advance()
      continue
    }
    const at = { line, column }
    if (ch === ';') {
      let comment = ''
      while (i < text.length && text[i] !== '\n') {
        comment += text[i]
        advance()
      }
      const body = comment.slice(1).trim()
      if (/^haneul-(alias|routing)\b/.test(body)) current!.comments.push({ text: body, quoted: false, ...at })
      continue
    }
    if (ch === '(') {
      if (depth === 0) openAt = at
      depth++
      advance()
      continue
    }
    if (ch === ')') {
      if (depth === 0) problems.add(at, "')' without a matching '('")
      else depth--
      advance()
      continue
    }
    if (ch === '"') {
      const start = i
      advance()
      let raw = ''
      let closed = false
      while (i < text.length) {
        const c = text[i]!
        if (c === '\\' && i + 1 < text.length) {
          raw += c + text[i + 1]!
          advance()
          advance()
          continue
        }
        if (c === '"') {
          closed = true
          advance()
          break
        }
        if (c === '\n' && depth === 0) break
        raw += c
        advance()
      }
      if (!closed) problems.add(at, 'unterminated quoted string')
      current!.tokens.push({ text: raw, quoted: true, ...at, glued: lastEnd === start })
      lastEnd = i
      continue
    }
    let word = ''
    const start = i
    for (;;) {
      // Runs of plain characters at once (no newline can be among them); escapes one by one.
      plainRun.lastIndex = i
      const run = plainRun.exec(text)
      if (run) {
        word += run[0]
        i += run[0].length
        column += run[0].length
      }
      if (text[i] === '\\' && i + 1 < text.length) {
        word += text[i]! + text[i + 1]!
        advance()
        advance()
        continue
      }
      break
    }
    current!.tokens.push({ text: word, quoted: false, ...at, glued: lastEnd === start })
    lastEnd = i
  }
  if (depth > 0) problems.add(openAt, "'(' is never closed")
  endLine()
  return lines
}

/** Decodes BIND escapes (`\DDD` decimal, `\X` literal) into a byte-string; raw UTF-8 becomes bytes. */
function bindBytes(raw: string, at: { line: number; column: number }): string {
  let out = ''
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i]!
    if (ch === '\\') {
      const digits = raw.slice(i + 1, i + 4)
      if (/^\d{3}$/.test(digits)) {
        const byte = Number(digits)
        if (byte > 255) throw new LineError(at, `escape \\${digits} is above \\255`)
        out += String.fromCharCode(byte)
        i += 3
      } else {
        out += raw[++i] ?? ''
      }
    } else out += ch.charCodeAt(0) < 0x80 ? ch : String.fromCharCode(...Buffer.from(ch, 'utf8'))
  }
  return out
}

/** A domain name in BIND syntax → labels (byte-strings), relative names completed with the origin. */
function bindLabels(token: Token, origin: string[] | undefined): string[] {
  const raw = token.text
  if (raw === '.') return []
  if (raw === '@') {
    if (!origin) throw new LineError(token, "'@' used before any $ORIGIN")
    return origin
  }
  const labels: string[] = []
  let label = ''
  let absolute = false
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i]!
    if (ch === '\\') {
      label += raw[i]! + (raw[i + 1] ?? '')
      i++
      if (/^\d{2}$/.test(raw.slice(i + 1, i + 3)) && /\d/.test(raw[i]!)) {
        label += raw.slice(i + 1, i + 3)
        i += 2
      }
      continue
    }
    if (ch === '.') {
      if (label === '') throw new LineError(token, `empty label in the name '${raw}'`)
      labels.push(label)
      label = ''
      if (i === raw.length - 1) absolute = true
      continue
    }
    label += ch
  }
  if (label !== '') labels.push(label)
  const decoded = labels.map((l) => {
    if (/[\u0080-\uffff]/.test(l)) {
      const ascii = domainToASCII(l)
      if (!ascii) throw new LineError(token, `'${l}' is not a valid internationalized label`)
      return ascii
    }
    return bindBytes(l, token)
  })
  for (const l of decoded) if (l.length > 63) throw new LineError(token, `the label '${l}' is longer than 63 bytes`)
  if (absolute) return decoded
  if (!origin) throw new LineError(token, `the relative name '${raw}' needs a $ORIGIN`)
  return [...decoded, ...origin]
}

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 }

/** A TTL: seconds, or BIND's unit form (1h30m, 2D, 1w). */
export function parseTtl(text: string): number | undefined {
  if (/^\d+$/.test(text)) return Number(text)
  if (!/^(\d+[smhdw])+$/i.test(text)) return undefined
  let total = 0
  for (const [, n, unit] of text.toLowerCase().matchAll(/(\d+)([smhdw])/g)) total += Number(n) * UNITS[unit!]!
  return total
}

type FieldKind = 'int' | 'ttl' | 'name' | 'word' | 'string' | 'strings' | 'hex' | 'rest' | 'ipv4' | 'ipv6'

const SCHEMAS: Record<string, FieldKind[]> = {
  A: ['ipv4'],
  AAAA: ['ipv6'],
  CNAME: ['name'],
  NS: ['name'],
  PTR: ['name'],
  MX: ['int', 'name'],
  SRV: ['int', 'int', 'int', 'name'],
  SOA: ['name', 'name', 'int', 'ttl', 'ttl', 'ttl', 'ttl'],
  TXT: ['strings'],
  SPF: ['strings'],
  CAA: ['int', 'word', 'string'],
  DS: ['int', 'int', 'int', 'hex'],
  SSHFP: ['int', 'int', 'hex'],
  TLSA: ['int', 'int', 'int', 'hex'],
  NAPTR: ['int', 'int', 'string', 'string', 'string', 'name'],
  SVCB: ['int', 'name', 'rest'],
  HTTPS: ['int', 'name', 'rest'],
}

/** Rdata tokens → the Route 53 value (names absolute, strings quoted with octal escapes). */
function rdataValue(type: string, tokens: Token[], origin: string[] | undefined, typeToken: Token): string {
  const schema = SCHEMAS[type]!
  const parts: string[] = []
  let i = 0
  for (const kind of schema) {
    const token = tokens[i]
    if (kind === 'strings') {
      if (!token) throw new LineError(typeToken, `${type} needs at least one string`)
      parts.push(formatCharacterStrings(tokens.slice(i).map((t) => checkString(bindBytes(t.text, t), t))))
      i = tokens.length
      break
    }
    if (kind === 'hex' || kind === 'rest') {
      const rest = tokens.slice(i)
      if (kind === 'hex') {
        const hex = rest.map((t) => t.text).join('')
        if (!/^[0-9a-fA-F]+$/.test(hex)) throw new LineError(token ?? typeToken, `${type} needs hexadecimal data here`)
        parts.push(hex)
      } else {
        let joined = ''
        rest.forEach((t, k) => (joined += (k > 0 && !t.glued ? ' ' : '') + (t.quoted ? `"${t.text}"` : t.text)))
        if (joined) parts.push(joined)
      }
      i = tokens.length
      break
    }
    if (!token) throw new LineError(tokens[tokens.length - 1] ?? typeToken, `${type} needs ${schema.length} fields, found ${tokens.length}`)
    i++
    switch (kind) {
      case 'int':
        if (!/^\d+$/.test(token.text)) throw new LineError(token, `'${token.text}' should be a number`)
        parts.push(String(Number(token.text)))
        break
      case 'ttl': {
        const seconds = parseTtl(token.text)
        if (seconds === undefined) throw new LineError(token, `'${token.text}' should be a time (seconds or 1h30m)`)
        parts.push(String(seconds))
        break
      }
      case 'ipv4':
        if (!/^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/.test(token.text)) {
          throw new LineError(token, `'${token.text}' is not an IPv4 address`)
        }
        parts.push(token.text)
        break
      case 'ipv6':
        if (!token.text.includes(':') || !/^[0-9a-fA-F:.]+$/.test(token.text))
          throw new LineError(token, `'${token.text}' is not an IPv6 address`)
        parts.push(token.text)
        break
      case 'name':
        if (token.quoted) throw new LineError(token, 'a domain name here, not a quoted string')
        parts.push(route53ValueName(bindLabels(token, origin)))
        break
      case 'word':
        parts.push(token.text)
        break
      case 'string':
        parts.push(formatCharacterStrings([checkString(bindBytes(token.text, token), token)]))
        break
    }
  }
  if (i < tokens.length) throw new LineError(tokens[i]!, `unexpected '${tokens[i]!.text}': ${type} has ${schema.length} fields`)
  return parts.join(' ')
}

function checkString(bytes: string, at: Token): string {
  if (bytes.length > 255)
    throw new LineError(at, `a string is ${bytes.length} bytes; each string holds at most 255 (split it into several quoted strings)`)
  return bytes
}

export const ROUTING_KEYS = [
  'set-identifier',
  'weight',
  'region',
  'failover',
  'geo-continent',
  'geo-country',
  'geo-subdivision',
  'multivalue',
  'health-check',
  'cidr-collection',
  'cidr-location',
  'geoproximity-region',
  'geoproximity-local-zone-group',
  'geoproximity-latitude',
  'geoproximity-longitude',
  'geoproximity-bias',
] as const

/** `key=value key="quoted value"` → fields of a record set. */
function routingFields(words: string[], at: Token): Partial<ResourceRecordSet> {
  const out: Partial<ResourceRecordSet> = {}
  for (const word of words) {
    const match = /^([a-z-]+)=(.*)$/.exec(word)
    if (!match) throw new LineError(at, `'${word}' in a haneul comment should be key=value`)
    const key = match[1]!
    const value = match[2]!.replace(/^"(.*)"$/, '$1').replace(/\\(.)/g, '$1')
    const int = () => {
      if (!/^-?\d+$/.test(value)) throw new LineError(at, `${key} should be a number, not '${value}'`)
      return Number(value)
    }
    switch (key as (typeof ROUTING_KEYS)[number]) {
      case 'set-identifier':
        out.SetIdentifier = value
        break
      case 'weight':
        out.Weight = int()
        break
      case 'region':
        out.Region = value as ResourceRecordSet['Region']
        break
      case 'failover':
        out.Failover = value as ResourceRecordSet['Failover']
        break
      case 'geo-continent':
        out.GeoLocation = { ...out.GeoLocation, ContinentCode: value }
        break
      case 'geo-country':
        out.GeoLocation = { ...out.GeoLocation, CountryCode: value }
        break
      case 'geo-subdivision':
        out.GeoLocation = { ...out.GeoLocation, SubdivisionCode: value }
        break
      case 'multivalue':
        out.MultiValueAnswer = value === 'true'
        break
      case 'health-check':
        out.HealthCheckId = value
        break
      case 'cidr-collection':
        out.CidrRoutingConfig = { ...out.CidrRoutingConfig, CollectionId: value } as ResourceRecordSet['CidrRoutingConfig']
        break
      case 'cidr-location':
        out.CidrRoutingConfig = { ...out.CidrRoutingConfig, LocationName: value } as ResourceRecordSet['CidrRoutingConfig']
        break
      case 'geoproximity-region':
        out.GeoProximityLocation = { ...out.GeoProximityLocation, AWSRegion: value }
        break
      case 'geoproximity-local-zone-group':
        out.GeoProximityLocation = { ...out.GeoProximityLocation, LocalZoneGroup: value }
        break
      case 'geoproximity-latitude':
        out.GeoProximityLocation = {
          ...out.GeoProximityLocation,
          Coordinates: { ...out.GeoProximityLocation?.Coordinates, Latitude: value } as { Latitude: string; Longitude: string },
        }
        break
      case 'geoproximity-longitude':
        out.GeoProximityLocation = {
          ...out.GeoProximityLocation,
          Coordinates: { ...out.GeoProximityLocation?.Coordinates, Longitude: value } as { Latitude: string; Longitude: string },
        }
        break
      case 'geoproximity-bias':
        out.GeoProximityLocation = { ...out.GeoProximityLocation, Bias: int() }
        break
      default:
        throw new LineError(at, `unknown key '${key}' in a haneul comment (known: ${ROUTING_KEYS.join(', ')})`)
    }
  }
  return out
}

/** Splits a comment body into words, keeping "quoted values" together. */
function commentWords(text: string): string[] {
  return [...text.matchAll(/(?:[^\s"]+="(?:[^"\\]|\\.)*"|[^\s]+)/g)].map((m) => m[0])
}

export interface ParseOptions {
  /** The zone's name, used as the initial origin (as `named-compilezone <origin> <file>` does). */
  origin?: string
}

export function parseZoneFile(text: string, options: ParseOptions = {}): ParsedZoneFile {
  const problems = new Problems()
  const warnings = new Problems()
  const lines = tokenize(text, problems)
  let origin: string[] | undefined = options.origin ? labelsOf(options.origin) : undefined
  let defaultTtl: number | undefined
  let lastTtl: number | undefined
  let lastOwner: string[] | undefined
  const sets = new Map<string, { set: ResourceRecordSet; line: number }>()
  const order: string[] = []

  const addSet = (set: ResourceRecordSet, at: Token, value?: string) => {
    const key = recordKey(set)
    const existing = sets.get(key)
    if (!existing) {
      sets.set(key, { set: { ...set, ResourceRecords: value !== undefined ? [{ Value: value }] : undefined }, line: at.line })
      order.push(key)
      return
    }
    if (value === undefined || existing.set.AliasTarget) {
      throw new LineError(
        at,
        `${set.Name} ${set.Type} is already defined on line ${existing.line}${set.SetIdentifier ? ` with set-identifier ${set.SetIdentifier}` : ''}`,
      )
    }
    if (existing.set.TTL !== set.TTL) {
      warnings.add(
        at,
        `TTL ${set.TTL} differs from the TTL ${existing.set.TTL} of ${set.Name} ${set.Type} on line ${existing.line}; the set keeps ${existing.set.TTL}`,
      )
    }
    const records = existing.set.ResourceRecords!
    if (!records.some((r) => r.Value === value)) records.push({ Value: value })
  }

  for (const logical of lines) {
    try {
      for (const comment of logical.comments.filter((c) => c.text.startsWith('haneul-alias'))) {
        const words = commentWords(comment.text).slice(1)
        if (words.length < 4)
          throw new LineError(comment, 'haneul-alias needs: owner type hosted-zone-id dns-name [evaluate-target-health] [routing…]')
        const [owner, type, zoneId, dnsName, ...rest] = words as [string, string, string, string, ...string[]]
        const evaluate = rest[0] === 'evaluate-target-health'
        const routing = routingFields(evaluate ? rest.slice(1) : rest, comment)
        const ownerToken = { ...comment, text: owner }
        const set: ResourceRecordSet = {
          Name: route53Name(bindLabels(ownerToken, origin)),
          Type: type.toUpperCase() as ResourceRecordSet['Type'],
          ...routing,
          AliasTarget: {
            HostedZoneId: zoneId,
            DNSName: route53ValueName(bindLabels({ ...comment, text: dnsName }, origin)).toLowerCase(),
            EvaluateTargetHealth: evaluate,
          },
        }
        if (!SCHEMAS[set.Type!]) throw new LineError(comment, `unknown record type '${type}'`)
        addSet(set, comment)
      }
      const tokens = logical.tokens
      if (tokens.length === 0) continue
      const first = tokens[0]!
      if (!first.quoted && first.text.startsWith('$')) {
        const directive = first.text.toUpperCase()
        if (directive === '$ORIGIN') {
          if (tokens.length !== 2) throw new LineError(first, '$ORIGIN takes one domain name')
          // A relative $ORIGIN is relative to the origin in force (bindLabels says so when there is none).
          origin = bindLabels(tokens[1]!, origin)
        } else if (directive === '$TTL') {
          const ttl = tokens[1] ? parseTtl(tokens[1].text) : undefined
          if (ttl === undefined || tokens.length !== 2) throw new LineError(tokens[1] ?? first, '$TTL takes one time (seconds or 1h30m)')
          defaultTtl = ttl
        } else if (directive === '$INCLUDE' || directive === '$GENERATE') {
          throw new LineError(first, `${directive} is not supported: import a single file with the records written out`)
        } else throw new LineError(first, `unknown directive ${first.text}`)
        continue
      }
      let index = 0
      let owner: string[]
      if (logical.ownerOmitted) {
        if (!lastOwner) throw new LineError(first, 'the first record needs an owner name (the line starts with blanks)')
        owner = lastOwner
      } else {
        owner = bindLabels(first, origin)
        index = 1
      }
      let ttl: number | undefined
      let sawClass = false
      for (let k = 0; k < 2; k++) {
        const token = tokens[index]
        if (!token || token.quoted) break
        const asTtl = parseTtl(token.text)
        if (ttl === undefined && asTtl !== undefined) {
          ttl = asTtl
          index++
        } else if (!sawClass && /^(IN|CH|HS|CS)$/i.test(token.text)) {
          if (token.text.toUpperCase() !== 'IN')
            throw new LineError(token, `class ${token.text} is not supported: Route 53 serves class IN only`)
          sawClass = true
          index++
        }
      }
      const typeToken = tokens[index]
      if (!typeToken) throw new LineError(tokens[tokens.length - 1]!, 'a record type is missing')
      const type = typeToken.text.toUpperCase()
      if (typeToken.quoted || !SCHEMAS[type]) {
        throw new LineError(typeToken, `unknown record type '${typeToken.text}' (supported: ${Object.keys(SCHEMAS).sort().join(', ')})`)
      }
      const value = rdataValue(type, tokens.slice(index + 1), origin, typeToken)
      if (ttl === undefined) {
        ttl = defaultTtl ?? lastTtl
        if (ttl === undefined && type === 'SOA') ttl = Number(value.split(' ')[6])
        if (ttl === undefined) throw new LineError(typeToken, 'no TTL: give one on the record or a $TTL line before it')
      }
      lastTtl = ttl
      lastOwner = owner
      const routingComment = logical.comments.find((c) => c.text.startsWith('haneul-routing'))
      const routing = routingComment ? routingFields(commentWords(routingComment.text).slice(1), routingComment) : {}
      addSet({ Name: route53Name(owner), Type: type as ResourceRecordSet['Type'], ...routing, TTL: ttl }, typeToken, value)
    } catch (error) {
      if (!(error instanceof LineError)) throw error
      problems.add(error.at, error.message)
    }
  }
  if (problems.list.length) throw new ZoneFileError(problems.list.sort((a, b) => a.line - b.line || a.column - b.column))
  return {
    origin: origin ? route53Name(origin) : '.',
    recordSets: order.map((key) => sets.get(key)!.set),
    warnings: warnings.list,
  }
}

function labelsOf(name: string): string[] {
  const canonical = canonicalName(name)
  return canonical === '.' ? [] : bindLabelsFromRoute53(canonical)
}

function bindLabelsFromRoute53(name: string): string[] {
  // Route 53 form uses octal escapes; decode them to bytes.
  const labels: string[] = []
  for (const part of name.slice(0, -1).split(/(?<!\\)\./)) {
    labels.push(part.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8))))
  }
  return labels
}
