/**
 * What the storage table shows, derived from a listing: folder and object rows, filtered by name and
 * sorted. Pure functions, so they are tested without a browser and stay cheap on 100,000 rows.
 */
import type { ObjectSummary } from '../../src-main/api/s3'

export type SortKey = 'name' | 'size' | 'modified' | 'class'
export interface Sort {
  key: SortKey
  descending: boolean
}

export type Row =
  { kind: 'folder'; id: string; name: string; prefix: string } | { kind: 'object'; id: string; name: string; object: ObjectSummary }

/** Name shown for a key or prefix below the open folder; exact characters, never decoded or normalized. */
export function leafOf(keyOrPrefix: string, parent: string): string {
  return keyOrPrefix.startsWith(parent) ? keyOrPrefix.slice(parent.length) : keyOrPrefix
}

/**
 * S3's listing order: UTF-8 byte order, which is code point order. JavaScript's `<` compares UTF-16
 * units and puts an emoji (a surrogate pair) before U+E000–U+FFFF, where S3 puts it after.
 */
export function compareKeys(a: string, b: string): number {
  const length = Math.min(a.length, b.length)
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i)
    const y = b.charCodeAt(i)
    if (x === y) continue
    // Only where one side is a surrogate does UTF-16 order differ from code point order.
    const xs = x >= 0xd800 && x <= 0xdfff
    const ys = y >= 0xd800 && y <= 0xdfff
    if (xs !== ys) return xs ? 1 : -1
    return x < y ? -1 : 1
  }
  return a.length - b.length
}

/** Index of the first item of a sorted list for which `after` holds (it holds for every later one). */
export function firstAfter<T>(items: readonly T[], after: (item: T) => boolean): number {
  let low = 0
  let high = items.length
  while (low < high) {
    const middle = (low + high) >>> 1
    if (after(items[middle]!)) high = middle
    else low = middle + 1
  }
  return low
}

/** Filter text matches names whatever their Unicode form: typing 한글 finds NFC and NFD keys alike. */
export function nameMatcher(filter: string): (name: string) => boolean {
  const needle = filter.trim().normalize('NFC').toLocaleLowerCase()
  if (!needle) return () => true
  return (name) => name.normalize('NFC').toLocaleLowerCase().includes(needle)
}

const byClass = (row: Row) => (row.kind === 'object' ? row.object.storageClass : '')
const bySize = (row: Row) => (row.kind === 'object' ? row.object.size : -1)
const byModified = (row: Row) => (row.kind === 'object' ? (row.object.lastModifiedMs ?? 0) : -1)

export const folderRow = (prefix: string, parent: string): Row => ({
  kind: 'folder',
  id: `p:${prefix}`,
  name: leafOf(prefix, parent),
  prefix,
})
export const objectRow = (object: ObjectSummary, parent: string): Row => ({
  kind: 'object',
  id: `o:${object.key}`,
  name: leafOf(object.key, parent),
  object,
})

/**
 * Folder rows then object rows, filtered and sorted. With no filter and S3's own order (by name) the
 * rows are only concatenated, so streaming 100,000 rows never rebuilds them page after page.
 */
export function arrangeRows(folders: Row[], objects: Row[], filter: string, sort: Sort): Row[] {
  // A new array each time (a cheap pointer copy): the lists grow in place, and views compare by identity.
  if (!filter.trim() && sort.key === 'name' && !sort.descending) return folders.concat(objects)
  const matches = nameMatcher(filter)
  const folderRows = folders.filter((row) => matches(row.name))
  const objectRows = objects.filter((row) => matches(row.name))
  // S3 already lists by name (UTF-8 byte order); only other orders need a sort.
  if (sort.key !== 'name') {
    const value = sort.key === 'size' ? bySize : sort.key === 'modified' ? byModified : byClass
    objectRows.sort((a, b) => {
      const x = value(a)
      const y = value(b)
      return x < y ? -1 : x > y ? 1 : 0
    })
  }
  if (sort.descending) {
    folderRows.reverse()
    objectRows.reverse()
  }
  // Folders stay on top, as in every file browser.
  return folderRows.concat(objectRows)
}

export function buildRows(folders: string[], objects: ObjectSummary[], parent: string, filter: string, sort: Sort): Row[] {
  return arrangeRows(
    folders.map((prefix) => folderRow(prefix, parent)),
    objects.map((object) => objectRow(object, parent)),
    filter,
    sort,
  )
}

/** `s3://bucket/prefix/` → parts; also accepts `bucket/prefix` and the console's `arn:aws:s3:::bucket`. */
export function parseAddress(address: string): { bucket: string; prefix: string } | undefined {
  let rest = address.trim()
  if (rest.startsWith('arn:aws:s3:::')) rest = rest.slice('arn:aws:s3:::'.length)
  else if (rest.startsWith('s3://')) rest = rest.slice('s3://'.length)
  const slash = rest.indexOf('/')
  const bucket = slash < 0 ? rest : rest.slice(0, slash)
  if (!bucket) return undefined
  let prefix = slash < 0 ? '' : rest.slice(slash + 1)
  // An address names a folder: "a/b" means the folder "a/b/".
  if (prefix && !prefix.endsWith('/')) prefix += '/'
  return { bucket, prefix }
}

export const formatAddress = (bucket: string, prefix: string) => `s3://${bucket}/${prefix}`
