/**
 * Where an S3 key lands when a prefix is downloaded into a folder. Keys are untrusted input: one named
 * `../../.bashrc` must not write outside the folder. Names are kept byte for byte otherwise (Korean in NFC and
 * NFD stay two different files, emoji stay), except where Windows cannot hold them.
 */
import path from 'node:path'

export type KeyMapping = { ok: true; relativeSegments: string[] } | { ok: false; reason: string }

// CON, PRN, AUX, NUL, COM1–9, LPT1–9 (and the superscript-digit forms) are devices on Windows, with any extension.
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$/i
// Characters Windows refuses in a file name, and the control characters.
// eslint-disable-next-line no-control-regex
const WINDOWS_INVALID = /[<>:"|?*\u0000-\u001f]/g

/** The longest file or folder name file systems take (bytes of UTF-8 on Linux and macOS, UTF-16 units on Windows). */
export const MAX_NAME_LENGTH = 255

/** Maps a key (with the prefix already removed) to path segments under the destination folder, or refuses it. */
export function mapKeyToSegments(relativeKey: string, platform: NodeJS.Platform): KeyMapping {
  const windows = platform === 'win32'
  if (relativeKey.length === 0) return { ok: false, reason: 'the key is the prefix itself' }
  if (relativeKey.includes('\u0000')) return { ok: false, reason: 'the key contains a NUL character' }
  if (relativeKey.startsWith('/') || (windows && relativeKey.startsWith('\\'))) {
    return { ok: false, reason: 'the key is an absolute path' }
  }
  if (/^[A-Za-z]:/.test(relativeKey) && windows) return { ok: false, reason: 'the key starts with a drive letter' }
  const segments = relativeKey.split(windows ? /[\\/]/ : '/')
  if (segments.some((segment) => segment === '..')) return { ok: false, reason: 'the key climbs out of the folder with ".."' }
  // Empty and "." segments (a//b, a/./b) name no folder; S3 keeps them distinct, a file system cannot.
  if (segments.some((segment) => segment === '' || segment === '.')) {
    return { ok: false, reason: 'the key has an empty or "." path segment, which no file system can hold' }
  }
  // File systems cap one name at 255 bytes (ext4, APFS) or 255 UTF-16 units (NTFS); longer fails as ENAMETOOLONG.
  const tooLong = segments.find((segment) => (windows ? segment.length : Buffer.byteLength(segment)) > MAX_NAME_LENGTH)
  if (tooLong !== undefined) {
    return {
      ok: false,
      reason: `a name in the key is longer than ${MAX_NAME_LENGTH} ${windows ? 'characters' : 'bytes'}, the most a file name can be`,
    }
  }
  return { ok: true, relativeSegments: windows ? segments.map(windowsSafeSegment) : segments }
}

/** Renames what Windows cannot store: reserved device names get a trailing "_", bad characters become "_". */
export function windowsSafeSegment(segment: string): string {
  let safe = segment.replace(WINDOWS_INVALID, '_')
  // Windows silently drops trailing dots and spaces, which would merge "a." into "a".
  safe = safe.replace(/[. ]+$/, (tail) => '_'.repeat(tail.length))
  const reserved = WINDOWS_RESERVED.exec(safe)
  if (reserved) safe = `${reserved[1]}_${reserved[2] ?? ''}`
  return safe
}

/** "photo.jpg" → "photo (n).jpg": where a download goes when a file of that name is already there. */
export function numberedPath(filePath: string, n: number): string {
  const dir = path.dirname(filePath)
  const base = path.basename(filePath)
  const dot = base.lastIndexOf('.')
  return path.join(dir, dot > 0 ? `${base.slice(0, dot)} (${n})${base.slice(dot)}` : `${base} (${n})`)
}

/**
 * How a file system compares names: macOS (APFS/HFS+) ignores case and Unicode normal form, so NFC and
 * NFD keys land on one file there; Windows ignores case only.
 */
export function nameFolder(platform: NodeJS.Platform): (p: string) => string {
  if (platform === 'darwin') return (p) => p.normalize('NFC').toLowerCase()
  if (platform === 'win32') return (p) => p.toLowerCase()
  return (p) => p
}

/**
 * Joins the mapped segments under the folder and checks once more, on the resolved path, that the result is
 * inside it (belt and braces against anything the segment rules missed).
 */
export function destinationFor(destinationDir: string, segments: readonly string[]): string | undefined {
  const root = path.resolve(destinationDir)
  const target = path.resolve(root, ...segments)
  return target.startsWith(root + path.sep) ? target : undefined
}
