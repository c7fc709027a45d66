/**
 * Object keys and bucket names: S3's ordering, naming rules and the URL encodings it uses.
 */

/**
 * Orders keys by their UTF-8 bytes, as S3 lists them. UTF-8 byte order is code point order; JS compares
 * UTF-16 code units, which agrees except that surrogates (code points ≥ U+10000) sort below U+E000–U+FFFF.
 */
export function compareKeys(a: string, b: string): number {
  if (a === b) return 0
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i)
    const y = b.charCodeAt(i)
    if (x !== y) {
      if (x >= 0xd800 && y >= 0xd800) return codeUnitRank(x) - codeUnitRank(y)
      return x - y
    }
  }
  return a.length - b.length
}

/** Moves surrogates above U+E000–U+FFFF; only called for units ≥ U+D800. */
function codeUnitRank(unit: number): number {
  return unit >= 0xe000 ? unit - 0x800 : unit + 0x2000
}

/** Percent-decodes a URI component per RFC 3986: `+` stays a plus. Throws InvalidURI-worthy errors as null. */
export function percentDecode(text: string): string | null {
  if (!text.includes('%')) return text
  try {
    return decodeURIComponent(text)
  } catch {
    return null
  }
}

/** RFC 3986 encoding with only unreserved characters kept, as SigV4 canonical URIs and queries use. */
export function uriEncode(text: string, keepSlash = false): string {
  let out = encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
  if (keepSlash) out = out.replace(/%2F/g, '/')
  return out
}

/** What S3 returns for `encoding-type=url`: form-style (space as `+`), with `/` left as is. */
export function listingEncode(text: string): string {
  return uriEncode(text, true).replace(/%20/g, '+')
}

export function utf8Length(text: string): number {
  return Buffer.byteLength(text, 'utf8')
}

/** General purpose bucket naming rules; returns why the name is invalid, or null. */
export function bucketNameProblem(name: string): string | null {
  if (name.length < 3 || name.length > 63) return 'Bucket name must be between 3 (min) and 63 (max) characters long'
  if (!/^[a-z0-9.-]+$/.test(name)) return 'Bucket name can consist only of lowercase letters, numbers, periods (.), and hyphens (-)'
  if (!/^[a-z0-9].*[a-z0-9]$/.test(name)) return 'Bucket name must begin and end with a letter or number'
  if (name.includes('..')) return 'Bucket name must not contain two adjacent periods'
  if (/^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name)) return 'Bucket name must not be formatted as an IP address'
  for (const prefix of ['xn--', 'sthree-', 'amzn-s3-demo-']) {
    if (name.startsWith(prefix)) return `Bucket name must not start with the prefix ${prefix}`
  }
  for (const suffix of ['-s3alias', '--ol-s3', '.mrap', '--x-s3', '--table-s3']) {
    if (name.endsWith(suffix)) return `Bucket name must not end with the suffix ${suffix}`
  }
  return null
}
