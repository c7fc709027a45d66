/**
 * DNS names the way Route 53 speaks them. Route 53 stores names lowercase with a trailing dot and
 * returns every byte other than a–z, 0–9, '-' and '_' as a three-digit octal escape (`*` → `\052`,
 * a dot inside a label → `\056`); IDNs travel as punycode. Haneul keeps names in that "wire" form
 * everywhere, so two spellings of one name (`WWW.Example.com`, `www.example.com.`) are one key.
 *
 * A label is held as a string of byte values (each char code 0–255), so escapes round-trip exactly.
 */
import { domainToASCII, domainToUnicode } from 'node:url'

export class NameError extends Error {}

const plain = /^[a-z0-9_-]$/

/** Splits a Route 53 name (octal escapes) into byte-string labels, without the empty root label. */
export function route53Labels(name: string): string[] {
  const labels: string[] = []
  let label = ''
  for (let i = 0; i < name.length; i++) {
    const ch = name[i]!
    if (ch === '\\') {
      const digits = name.slice(i + 1, i + 4)
      if (/^[0-7]{3}$/.test(digits)) {
        const byte = parseInt(digits, 8)
        if (byte > 255) throw new NameError(`Invalid escape \\${digits} in ${name}: octal escapes go up to \\377.`)
        label += String.fromCharCode(byte)
        i += 3
      } else if (i + 1 < name.length) {
        // A backslash before any other character means that character itself (as in zone files).
        label += name[++i]!
      } else {
        throw new NameError(`The name ${name} ends with a lone backslash.`)
      }
    } else if (ch === '.') {
      if (label === '') {
        if (i === name.length - 1 && labels.length === 0 && name === '.') return []
        throw new NameError(`The name ${name} has an empty label.`)
      }
      labels.push(label)
      label = ''
    } else {
      label += utf8Bytes(ch)
    }
  }
  if (label !== '') labels.push(label)
  return labels
}

/** A character as its UTF-8 bytes (one char code per byte). */
function utf8Bytes(ch: string): string {
  if (ch.charCodeAt(0) < 0x80) return ch
  return String.fromCharCode(...Buffer.from(ch, 'utf8'))
}

/** Labels back to a Route 53 name: lowercase ASCII letters, octal escapes, trailing dot. */
export function route53Name(labels: string[]): string {
  if (labels.length === 0) return '.'
  return labels.map((label) => escapeLabel(label)).join('.') + '.'
}

/** The same for a name inside a record's value, whose case Route 53 keeps as given. */
export function route53ValueName(labels: string[]): string {
  if (labels.length === 0) return '.'
  return labels.map((label) => escapeLabel(label, true)).join('.') + '.'
}

function escapeLabel(label: string, keepCase = false): string {
  let out = ''
  for (const ch of keepCase ? label : label.toLowerCase()) {
    out += plain.test(ch.toLowerCase()) ? ch : '\\' + ch.charCodeAt(0).toString(8).padStart(3, '0')
  }
  return out
}

/** Route 53 rejects names longer than 255 bytes (wire length) and labels longer than 63. */
export function checkNameLength(labels: string[], shown: string): void {
  for (const label of labels) {
    if (label.length > 63) throw new NameError(`The label ${escapeLabel(label)} in ${shown} is longer than 63 bytes.`)
  }
  const wireLength = labels.reduce((sum, l) => sum + l.length + 1, 1)
  if (wireLength > 255) throw new NameError(`The name ${shown} is longer than 255 bytes.`)
}

/**
 * What a person typed or a file said → the Route 53 form: trailing dot added, case folded, Unicode
 * labels converted to punycode (UTS #46, as browsers do), escapes kept.
 */
const alreadyCanonical = /^(?:[a-z0-9_-]|\\[0-7]{3})+(?:\.(?:[a-z0-9_-]|\\[0-7]{3})+)*\.$/

export function canonicalName(input: string): string {
  // The common case (a name as Route 53 returned it) needs no work beyond the length checks.
  if (input.length <= 253 && alreadyCanonical.test(input) && !/[a-z0-9_\\-]{64}/.test(input.replace(/\\[0-7]{3}/g, 'x'))) return input
  const trimmed = input.trim()
  if (trimmed === '') throw new NameError('The name is empty.')
  if (trimmed === '.') return '.'
  const parts = splitUnescapedDots(trimmed)
  const labels = parts.map((part) => {
    if (!/[\u0080-\uffff]/.test(part)) return part
    const ascii = domainToASCII(part)
    if (!ascii || ascii.includes('.')) throw new NameError(`The label ${part} is not a valid internationalized name.`)
    return ascii
  })
  const decoded = route53Labels(labels.join('.') + '.')
  checkNameLength(decoded, trimmed)
  return route53Name(decoded)
}

/**
 * A name as Route 53's API takes it, without Haneul's help: escapes decoded, raw non-ASCII kept as its
 * UTF-8 bytes (Route 53 does not convert IDNs — it stores and returns those bytes as octal escapes),
 * ASCII case folded, trailing dot added. The emulator uses this; Haneul's own code sends punycode.
 */
export function wireName(input: string): string {
  if (input === '' || input === '.') {
    if (input === '') throw new NameError('The name is empty.')
    return '.'
  }
  const labels = route53Labels(input.endsWith('.') ? input : input + '.')
  checkNameLength(labels, input)
  return route53Name(labels)
}

/** Splits on dots that are not escaped (`\.` and `\056` stay inside their label). */
function splitUnescapedDots(name: string): string[] {
  const parts: string[] = []
  let current = ''
  for (let i = 0; i < name.length; i++) {
    const ch = name[i]!
    if (ch === '\\' && i + 1 < name.length) {
      current += ch + name[i + 1]!
      i++
    } else if (ch === '.') {
      parts.push(current)
      current = ''
    } else current += ch
  }
  if (current !== '') parts.push(current)
  return parts
}

/** For people: punycode labels shown in Unicode, `\052` as `*`; other escapes stay visible. */
export function displayName(name: string): string {
  const labels = route53Labels(name)
  if (labels.length === 0) return '.'
  return (
    labels
      .map((label) => {
        if (label === '*') return '*'
        if (label.startsWith('xn--')) {
          const unicode = domainToUnicode(label)
          if (unicode && unicode !== label) return unicode
        }
        return escapeLabel(label)
      })
      .join('.') + '.'
  )
}

/**
 * Route 53's listing order key: labels reversed and joined with dots, with the trailing dot, compared
 * byte by byte (`com.example.www.`). The trailing dot is why `a-b` sorts before `a`.
 */
export function orderKey(name: string): string {
  const labels = route53Labels(name)
  return labels.length === 0 ? '.' : [...labels].reverse().join('.').toLowerCase() + '.'
}

export function compareNames(a: string, b: string): number {
  const ka = orderKey(a)
  const kb = orderKey(b)
  return ka < kb ? -1 : ka > kb ? 1 : 0
}

/** True when `name` is `zone` or below it (both in Route 53 form). */
export function isWithin(name: string, zone: string): boolean {
  const n = route53Labels(name).map((l) => l.toLowerCase())
  const z = route53Labels(zone).map((l) => l.toLowerCase())
  if (z.length > n.length) return false
  return z.every((label, i) => n[n.length - z.length + i] === label)
}

/** The name relative to `origin` ('@' for the origin itself), or the absolute name when outside it. */
export function relativeName(name: string, origin: string): string {
  if (name === origin) return '@'
  if (!isWithin(name, origin)) return name
  return name.slice(0, name.length - origin.length - 1)
}
