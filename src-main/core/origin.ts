/**
 * Scheme + host of a URL. Not `URL.origin`: for non-special schemes such as our `app://haneul`, WHATWG
 * URL gives the opaque origin "null", which would make every app:// URL look alike (or like none).
 */
export function originOf(url: string): string | undefined {
  try {
    const parsed = new URL(url)
    return parsed.host ? `${parsed.protocol}//${parsed.host}` : undefined
  } catch {
    return undefined
  }
}

/** A predicate for "this URL belongs to the page at `origin`". */
export function sameOrigin(origin: string): (url: string) => boolean {
  const expected = originOf(origin)
  return (url) => expected !== undefined && originOf(url) === expected
}
