/**
 * Record values in Route 53's presentation form, and the checks Route 53 applies to them.
 *
 * TXT and SPF values are one or more character-strings, each quoted, ≤ 255 bytes, `\"` and `\\`
 * escaped and other special bytes as `\ooo` octal; a whole value is ≤ 4,000 characters.
 */
import { isIPv4, isIPv6 } from 'node:net'
import { recordTypes } from '../../api/route53'

export class ValueError extends Error {
  constructor(
    /** Route 53's problem code, e.g. 'CharacterStringTooLong'. */
    readonly problem: string,
    /** Route 53's short explanation, e.g. 'Value is too long'. */
    readonly explanation: string,
  ) {
    super(`${problem} (${explanation})`)
  }
}

export const MAX_CHARACTER_STRING_BYTES = 255
export const MAX_TXT_VALUE_CHARS = 4000

/** Parses `"a" "b\"c"` (or one bare word) into its strings as byte-strings (one char code per byte). */
export function parseCharacterStrings(value: string): string[] {
  const strings: string[] = []
  let i = 0
  const skipSpace = () => {
    while (i < value.length && (value[i] === ' ' || value[i] === '\t')) i++
  }
  skipSpace()
  while (i < value.length) {
    let text = ''
    if (value[i] === '"') {
      i++
      let closed = false
      while (i < value.length) {
        const ch = value[i]!
        if (ch === '"') {
          closed = true
          i++
          break
        }
        if (ch === '\\') {
          const digits = value.slice(i + 1, i + 4)
          if (/^[0-7]{3}$/.test(digits)) {
            text += String.fromCharCode(parseInt(digits, 8) & 0xff)
            i += 4
            continue
          }
          if (i + 1 >= value.length) throw new ValueError('InvalidCharacterString', 'Value should be enclosed in quotation marks')
          text += value[i + 1]!
          i += 2
          continue
        }
        text += bytesOf(ch)
        i++
      }
      if (!closed) throw new ValueError('InvalidCharacterString', 'Value should be enclosed in quotation marks')
    } else {
      while (i < value.length && value[i] !== ' ' && value[i] !== '\t') {
        if (value[i] === '"') throw new ValueError('InvalidCharacterString', 'Value should be enclosed in quotation marks')
        text += bytesOf(value[i]!)
        i++
      }
    }
    if (text.length > MAX_CHARACTER_STRING_BYTES) throw new ValueError('CharacterStringTooLong', 'Value is too long')
    strings.push(text)
    skipSpace()
  }
  if (strings.length === 0) throw new ValueError('InvalidCharacterString', 'Value should be enclosed in quotation marks')
  return strings
}

function bytesOf(ch: string): string {
  return ch.charCodeAt(0) < 0x80 ? ch : String.fromCharCode(...Buffer.from(ch, 'utf8'))
}

/** Byte-strings → Route 53's quoted form (the form ListResourceRecordSets returns). */
export function formatCharacterStrings(strings: string[]): string {
  return strings
    .map((s) => {
      let out = '"'
      for (const ch of s) {
        const code = ch.charCodeAt(0)
        if (ch === '"' || ch === '\\') out += '\\' + ch
        else if (code < 0x20 || code > 0x7e) out += '\\' + code.toString(8).padStart(3, '0')
        else out += ch
      }
      return out + '"'
    })
    .join(' ')
}

/** Text of any length (Unicode) → character-strings of ≤ 255 bytes, never splitting a UTF-8 sequence. */
export function splitIntoCharacterStrings(text: string): string[] {
  const bytes = Buffer.from(text, 'utf8')
  const parts: string[] = []
  let start = 0
  while (start < bytes.length || parts.length === 0) {
    let end = Math.min(start + MAX_CHARACTER_STRING_BYTES, bytes.length)
    while (end < bytes.length && end > start && (bytes[end]! & 0xc0) === 0x80) end--
    parts.push(String.fromCharCode(...bytes.subarray(start, end)))
    start = end
    if (start >= bytes.length) break
  }
  return parts
}

/** Byte-strings (as parsed) → the Unicode text they spell, for display. */
export function joinCharacterStrings(strings: string[]): string {
  return Buffer.from(strings.join(''), 'latin1').toString('utf8')
}

const hostname = /^(\*\.)?([a-zA-Z0-9_\\-]([a-zA-Z0-9_\\-]{0,62})\.?)*[a-zA-Z0-9_\\-]*\.?$|^\.$|^@$/

function checkHost(value: string, problem: string): void {
  if (!value || /\s/.test(value) || !hostname.test(value)) throw new ValueError(problem, 'Value is not a valid domain name')
}

function int(text: string | undefined, max: number): boolean {
  return text !== undefined && /^\d+$/.test(text) && Number(text) <= max
}

/**
 * Checks one value of a record of `type` as Route 53 does before accepting a change; throws a
 * ValueError carrying Route 53's problem code and explanation.
 */
export function checkValue(type: string, value: string): void {
  const fields = value.trim().split(/\s+/)
  switch (type) {
    case 'A':
      if (!isIPv4(value)) throw new ValueError('ARRDATAIllegalIPv4Address', 'Value is not a valid IPv4 address')
      return
    case 'AAAA':
      if (!isIPv6(value)) throw new ValueError('AAAARRDATAIllegalIPv6Address', 'Value is not a valid IPv6 address')
      return
    case 'CNAME':
    case 'NS':
    case 'PTR':
      checkHost(value, `${type}RRDATAIllegalDomainName`)
      return
    case 'MX':
      if (fields.length !== 2) throw new ValueError('MXRRDATANotTwoFields', 'Value should contain priority and domain name')
      if (!int(fields[0], 65535)) throw new ValueError('MXRRDATAIllegalPriority', 'Priority should be an integer between 0 and 65535')
      checkHost(fields[1]!, 'MXRRDATAIllegalDomainName')
      return
    case 'SRV':
      if (fields.length !== 4) throw new ValueError('SRVRRDATANotFourFields', 'Value should contain priority, weight, port and target')
      if (!fields.slice(0, 3).every((f) => int(f, 65535))) {
        throw new ValueError('SRVRRDATAIllegalNumber', 'Priority, weight and port should be integers between 0 and 65535')
      }
      checkHost(fields[3]!, 'SRVRRDATAIllegalDomainName')
      return
    case 'CAA': {
      const match = /^(\d+)\s+([a-zA-Z0-9]+)\s+(".*")$/.exec(value.trim())
      if (!match || !int(match[1], 255)) throw new ValueError('CAARRDATAIllegalFormat', 'Value should be flags, tag and a quoted value')
      parseCharacterStrings(match[3]!)
      return
    }
    case 'TXT':
    case 'SPF':
      if (value.length > MAX_TXT_VALUE_CHARS) throw new ValueError('TXTRDATATooLong', 'Value is too long')
      parseCharacterStrings(value)
      return
    case 'SOA':
      if (fields.length !== 7 || !fields.slice(2).every((f) => int(f, 4294967295))) {
        throw new ValueError('SOARRDATANotSevenFields', 'Value should contain mname, rname, serial, refresh, retry, expire and minimum')
      }
      return
    case 'DS':
      if (
        fields.length < 4 ||
        !int(fields[0], 65535) ||
        !int(fields[1], 255) ||
        !int(fields[2], 255) ||
        !/^[0-9a-fA-F]+$/.test(fields.slice(3).join(''))
      ) {
        throw new ValueError('DSRRDATAIllegalFormat', 'Value should be key tag, algorithm, digest type and a hex digest')
      }
      return
    case 'SSHFP':
      if (fields.length !== 3 || !int(fields[0], 255) || !int(fields[1], 255) || !/^[0-9a-fA-F]+$/.test(fields[2]!)) {
        throw new ValueError('SSHFPRRDATAIllegalFormat', 'Value should be algorithm, fingerprint type and a hex fingerprint')
      }
      return
    case 'TLSA':
      if (fields.length < 4 || !fields.slice(0, 3).every((f) => int(f, 255)) || !/^[0-9a-fA-F]+$/.test(fields.slice(3).join(''))) {
        throw new ValueError('TLSARRDATAIllegalFormat', 'Value should be usage, selector, matching type and hex data')
      }
      return
    case 'NAPTR':
      if (!/^\d+\s+\d+\s+"[^"]*"\s+"[^"]*"\s+"[^"]*"\s+\S+$/.test(value.trim())) {
        throw new ValueError('NAPTRRDATAIllegalFormat', 'Value should be order, preference, flags, service, regexp and replacement')
      }
      return
    case 'HTTPS':
    case 'SVCB':
      if (fields.length < 2 || !int(fields[0], 65535))
        throw new ValueError(`${type}RRDATAIllegalFormat`, 'Value should be priority, target and parameters')
      return
    default:
      throw new ValueError('UnsupportedType', `Type ${type} is not supported`)
  }
}

/** The record types Route 53 takes: the contract's list. */
export const RECORD_TYPES = recordTypes
export type RecordType = (typeof RECORD_TYPES)[number]

export function isRecordType(type: string): type is RecordType {
  return (RECORD_TYPES as readonly string[]).includes(type)
}
