/**
 * Content-Type and Cache-Control per file pattern. Pure.
 *
 * The pattern dialect is gitignore-like globbing plus one addition the defaults need: a character class
 * may carry a count (`[0-9a-f]{8,}`), so "a content hash of at least 8 hex digits" can be said without a
 * regular expression. Written by hand because no glob library has counted classes (minimatch and picomatch
 * read `{8,}` as brace expansion), and the whole dialect is a dozen lines.
 */
import type { HeaderRule } from '../../api/publish'
import { contentTypeFor } from '../../core/content-types'

export const IMMUTABLE = 'public, max-age=31536000, immutable'
export const NO_CACHE = 'no-cache'

/** The defaults: hashed assets cached for a year and never revalidated; HTML always revalidated. */
export const DEFAULT_RULES: HeaderRule[] = [
  { pattern: '*.[0-9a-f]{8,}.*', cacheControl: IMMUTABLE },
  { pattern: '*.html', cacheControl: NO_CACHE },
]

export class PatternError extends Error {
  override readonly name = 'PatternError'
}

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')

const compiled = new Map<string, RegExp>()

/** A pattern → a RegExp over the whole name (or path). Throws PatternError naming what is wrong. */
export function compilePattern(pattern: string): RegExp {
  const known = compiled.get(pattern)
  if (known) return known
  const regex = translate(pattern)
  if (compiled.size > 1000) compiled.clear()
  compiled.set(pattern, regex)
  return regex
}

function translate(pattern: string): RegExp {
  let out = ''
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!
    if (c === '*') {
      if (pattern[i + 1] === '*') {
        // "**/" matches zero or more folders; a bare "**" anything.
        if (pattern[i + 2] === '/') {
          out += '(?:.*/)?'
          i += 2
        } else {
          out += '.*'
          i += 1
        }
      } else out += '[^/]*'
    } else if (c === '?') out += '[^/]'
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 2)
      if (end === -1) throw new PatternError(`"${pattern}": a "[" has no closing "]"`)
      let body = pattern.slice(i + 1, end)
      const negated = body.startsWith('!') || body.startsWith('^')
      if (negated) body = body.slice(1)
      out += `[${negated ? '^' : ''}${body.replace(/[\\\]^]/g, '\\$&')}]`
      i = end
      const count = /^\{(\d+)(,(\d*))?\}/.exec(pattern.slice(i + 1))
      if (count) {
        const [whole, min, comma, max] = count
        if (max && Number(max) < Number(min)) throw new PatternError(`"${pattern}": in ${whole} the largest count is below the smallest`)
        out += comma ? `{${min},${max ?? ''}}` : `{${min}}`
        i += whole.length
      }
    } else out += escapeRegex(c)
  }
  try {
    return new RegExp(`^${out}$`, 'u')
  } catch (error) {
    throw new PatternError(`"${pattern}": ${(error as Error).message}`)
  }
}

/** Checks every rule's pattern; the first bad one is named. */
export function validateRules(rules: readonly HeaderRule[]): void {
  for (const rule of rules) compilePattern(rule.pattern)
}

export interface FileHeaders {
  contentType?: string
  cacheControl?: string
}

/**
 * Headers for a file at `relativePath` ("docs/app.3f9a8b7c.js"). For each header the first rule that
 * matches and sets it wins; Content-Type falls back to the type of the file's extension.
 */
export function headersFor(relativePath: string, rules: readonly HeaderRule[]): FileHeaders {
  const name = relativePath.slice(relativePath.lastIndexOf('/') + 1)
  let contentType: string | undefined
  let cacheControl: string | undefined
  for (const rule of rules) {
    if (contentType !== undefined && cacheControl !== undefined) break
    const subject = rule.pattern.includes('/') ? relativePath : name
    if (!compilePattern(rule.pattern).test(subject)) continue
    contentType ??= rule.contentType
    cacheControl ??= rule.cacheControl
  }
  contentType ??= contentTypeFor(relativePath)
  return { ...(contentType ? { contentType } : {}), ...(cacheControl ? { cacheControl } : {}) }
}
