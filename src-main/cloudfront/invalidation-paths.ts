/**
 * Invalidation paths as CloudFront requires them (Invalidation.md, AWS-FACTS.md §A3). Pure: no AWS.
 *
 * The rules, and the choices made where the guide leaves room:
 * - Non-ASCII and RFC 1738 "unsafe" characters (space < > " # % { } | \ ^ ~ [ ] `) and control characters
 *   are percent-encoded as UTF-8 bytes, upper-case hex; a space is %20. Nothing else is encoded: CloudFront
 *   matches the encoded form, and encoding a safe character makes the invalidation miss.
 * - `*` is never encoded (%2A fails silently) and is allowed only as the last character (a wildcard).
 * - Typed paths are URLs: a missing leading "/" is added, with a warning; `?` starts the query string and is
 *   kept (with query strings in the cache key they are part of what is invalidated); `%XX` (two hex digits)
 *   is taken as already encoded and kept, a lone `%` becomes %25; control characters (a pasted line break)
 *   are refused, since no URL a viewer sends holds them raw.
 * - Object keys are names, not URLs: every character is literal, so `%` is %25, `?` is %3F, and control
 *   characters are encoded. Korean in NFC or NFD is encoded byte for byte as S3 has it, never normalized.
 *   A key holding `*` cannot be invalidated exactly (the `*` cannot be escaped): it becomes a wildcard
 *   ending at its first `*`, with a warning that it covers more.
 * - `~` is sent as %7E, with a warning: CloudFront refuses it raw and reports disagree on whether %7E matches.
 * - At most 4,000 characters once encoded.
 */
import { invalidationLimits } from '../api/cloudfront'

export interface EncodedPath {
  /** What CloudFront gets; absent when there is a problem. */
  path?: string
  wildcard: boolean
  /** The rule that was broken; such a path cannot be sent. */
  problem?: string
  warning?: string
}

/** RFC 1738 §2.2 unsafe characters (besides space and controls). */
const UNSAFE = new Set(['<', '>', '"', '#', '%', '{', '}', '|', '\\', '^', '~', '[', ']', '`'])

const isControl = (code: number) => code < 0x20 || code === 0x7f
const hexPair = /^[0-9A-Fa-f]{2}$/

function percentEncode(character: string): string {
  return [...Buffer.from(character, 'utf8')].map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`).join('')
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/
const hasLoneSurrogate = (text: string) => LONE_SURROGATE.test(text)

const TILDE_WARNING =
  'A "~" is sent as %7E: CloudFront refuses it raw, and reports disagree on whether %7E matches the cached URL. Check the result, or invalidate the folder with a wildcard.'

function finish(path: string, warnings: string[]): EncodedPath {
  const wildcard = path.endsWith('*')
  if (path.length > invalidationLimits.pathCharacters) {
    return {
      wildcard,
      problem: `A path must be at most 4,000 characters once encoded; this one is ${path.length.toLocaleString('en-US')}.`,
    }
  }
  return { path, wildcard, ...(warnings.length ? { warning: warnings.join(' ') } : {}) }
}

/** A path typed by a person ("/문서/a b.html", "index.html", "/img/*"). */
export function encodeTypedPath(typed: string): EncodedPath {
  if (typed.length === 0) return { wildcard: false, problem: 'A path must not be empty.' }
  if (hasLoneSurrogate(typed)) return { wildcard: false, problem: 'The path is not well-formed Unicode, so it cannot be encoded.' }
  const warnings: string[] = []
  let text = typed
  if (!text.startsWith('/')) {
    text = `/${text}`
    warnings.push('A leading "/" was added: CloudFront paths start with "/".')
  }
  let out = ''
  const characters = [...text]
  for (let i = 0; i < characters.length; i++) {
    const character = characters[i]!
    const code = character.codePointAt(0)!
    if (isControl(code)) {
      return {
        wildcard: false,
        problem: 'A path must not contain control characters (a line break, a tab): put one path on each line.',
      }
    }
    if (character === '*') {
      if (i !== characters.length - 1) {
        return {
          wildcard: false,
          problem: 'A "*" is allowed only as the last character of a path (it is a wildcard and cannot be escaped).',
        }
      }
      out += '*'
    } else if (character === '%' && hexPair.test(characters.slice(i + 1, i + 3).join(''))) {
      // Already encoded (copied from a log or an address bar): kept, with its hex upper-cased.
      out += `%${characters
        .slice(i + 1, i + 3)
        .join('')
        .toUpperCase()}`
      i += 2
    } else if (code > 0x7e || character === ' ' || UNSAFE.has(character)) {
      out += percentEncode(character)
      if (character === '~' && !warnings.includes(TILDE_WARNING)) warnings.push(TILDE_WARNING)
    } else {
      out += character
    }
  }
  return finish(out, warnings)
}

/** Where an origin serves its bucket from: "/site" → keys under "site/". */
function keyPrefixOf(originPath: string): string {
  const trimmed = originPath.replace(/^\/+/, '').replace(/\/+$/, '')
  return trimmed ? `${trimmed}/` : ''
}

/** The part of the URL path for a literal name: everything unsafe, reserved-in-path (`?`) or non-ASCII encoded. */
function encodeLiteral(name: string): string {
  let out = ''
  for (const character of name) {
    const code = character.codePointAt(0)!
    out +=
      isControl(code) || code > 0x7e || character === ' ' || character === '?' || UNSAFE.has(character)
        ? percentEncode(character)
        : character
  }
  return out
}

function notServed(what: string, originPath: string): EncodedPath {
  return {
    wildcard: false,
    problem: `Not served by this distribution: its origin path is "${originPath}", so only keys under "${keyPrefixOf(originPath)}" have URLs, and this ${what} is not under it.`,
  }
}

/**
 * An object key of the origin's bucket → the path viewers request. `originPath` "/site" and key
 * "site/a.html" → "/a.html".
 */
export function keyToPath(key: string, originPath: string): EncodedPath {
  if (key.length === 0) return { wildcard: false, problem: 'An object key must not be empty.' }
  if (hasLoneSurrogate(key)) return { wildcard: false, problem: 'The key is not well-formed Unicode, so it cannot be encoded.' }
  const prefix = keyPrefixOf(originPath)
  if (!key.startsWith(prefix) || key.length === prefix.length) return notServed('key', originPath)
  const rest = key.slice(prefix.length)
  const star = rest.indexOf('*')
  if (star === -1) return finish(`/${encodeLiteral(rest)}`, hasTilde(rest) ? [TILDE_WARNING] : [])
  const widened = rest.slice(0, star)
  return finish(`/${encodeLiteral(widened)}*`, [
    `The key holds "*", which CloudFront cannot invalidate literally: sent as a wildcard for everything starting with "${widened}".`,
    ...(hasTilde(widened) ? [TILDE_WARNING] : []),
  ])
}

const hasTilde = (text: string) => text.includes('~')

/** A folder (S3 prefix, "" for the whole bucket) → "<path>*". */
export function prefixToPath(prefix: string, originPath: string): EncodedPath {
  if (hasLoneSurrogate(prefix)) return { wildcard: false, problem: 'The folder is not well-formed Unicode, so it cannot be encoded.' }
  const originPrefix = keyPrefixOf(originPath)
  // The origin's own folder (or a folder above it) maps to the whole distribution.
  if (originPrefix.startsWith(prefix)) return finish('/*', [])
  if (!prefix.startsWith(originPrefix)) return notServed('folder', originPath)
  const rest = prefix.slice(originPrefix.length)
  const star = rest.indexOf('*')
  const literal = star === -1 ? rest : rest.slice(0, star)
  const warnings = [
    ...(star === -1
      ? []
      : [`The folder name holds "*", which CloudFront cannot invalidate literally: sent as a wildcard from "${literal}".`]),
    ...(hasTilde(literal) ? [TILDE_WARNING] : []),
  ]
  return finish(`/${encodeLiteral(literal)}*`, warnings)
}

export interface PlannedPath extends EncodedPath {
  /** What was typed, or the key / folder it came from. */
  input: string
}

export interface PathRequest {
  /** Typed paths. */
  paths: readonly string[]
  /** Objects and folders of a bucket, with the origin path of the origin that serves that bucket (undefined: none does). */
  objects?: { bucket: string; keys: readonly string[]; prefixes: readonly string[]; originPath: string | undefined }
}

/** Every input encoded, duplicates (after encoding) kept once and marked; `distinct` is what would be sent. */
export function planPaths(request: PathRequest): { paths: PlannedPath[]; distinct: string[] } {
  const planned: PlannedPath[] = request.paths.map((input) => ({ input, ...encodeTypedPath(input) }))
  const { objects } = request
  if (objects) {
    const notAnOrigin = (input: string): PlannedPath => ({
      input,
      wildcard: false,
      problem: `Not served by this distribution: no origin of it is the bucket "${objects.bucket}".`,
    })
    for (const key of objects.keys)
      planned.push(objects.originPath === undefined ? notAnOrigin(key) : { input: key, ...keyToPath(key, objects.originPath) })
    for (const prefix of objects.prefixes)
      planned.push(objects.originPath === undefined ? notAnOrigin(prefix) : { input: prefix, ...prefixToPath(prefix, objects.originPath) })
  }
  const seen = new Set<string>()
  const distinct: string[] = []
  for (const entry of planned) {
    if (entry.path === undefined) continue
    if (seen.has(entry.path)) {
      entry.warning = [entry.warning, 'Same path as an earlier one: sent once.'].filter(Boolean).join(' ')
      continue
    }
    seen.add(entry.path)
    distinct.push(entry.path)
  }
  return { paths: planned, distinct }
}
