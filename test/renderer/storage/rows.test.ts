import { describe, expect, it } from 'vitest'
import { buildRows, compareKeys, firstAfter, nameMatcher, parseAddress } from '../../../src-renderer/stores/rows'

const object = (key: string, size = 1, storageClass = 'STANDARD', lastModifiedMs = 0) => ({ key, size, storageClass, lastModifiedMs })

describe('storage rows', () => {
  it('shows names below the folder exactly as stored, folders first', () => {
    const rows = buildRows(['p/a//', 'p/b/'], [object('p/100% done.txt'), object('p/a+b (1).txt')], 'p/', '', {
      key: 'name',
      descending: false,
    })
    expect(rows.map((r) => [r.kind, r.name])).toEqual([
      ['folder', 'a//'],
      ['folder', 'b/'],
      ['object', '100% done.txt'],
      ['object', 'a+b (1).txt'],
    ])
  })

  it('filters across Unicode forms and case, sorts by size, class and date, and reverses', () => {
    const nfd = '한글'.normalize('NFD')
    const objects = [
      object(`x/${nfd}.txt`, 30, 'GLACIER', 3),
      object('x/한글 NFC.txt', 10, 'STANDARD', 1),
      object('x/other.TXT', 20, 'STANDARD_IA', 2),
    ]
    expect(buildRows([], objects, 'x/', '한글', { key: 'name', descending: false }).map((r) => r.name)).toEqual([
      `${nfd}.txt`,
      '한글 NFC.txt',
    ])
    expect(buildRows([], objects, 'x/', 'txt', { key: 'size', descending: false }).map((r) => r.name)).toEqual([
      '한글 NFC.txt',
      'other.TXT',
      `${nfd}.txt`,
    ])
    expect(buildRows([], objects, 'x/', '', { key: 'modified', descending: true }).map((r) => r.name)).toEqual([
      `${nfd}.txt`,
      'other.TXT',
      '한글 NFC.txt',
    ])
    expect(buildRows([], objects, 'x/', '', { key: 'class', descending: false }).map((r) => r.name)).toEqual([
      `${nfd}.txt`,
      '한글 NFC.txt',
      'other.TXT',
    ])
    expect(nameMatcher('  ')('anything')).toBe(true)
  })

  it('parses addresses the way people paste them', () => {
    expect(parseAddress('s3://bucket/a/b/')).toEqual({ bucket: 'bucket', prefix: 'a/b/' })
    expect(parseAddress('s3://bucket/a/b')).toEqual({ bucket: 'bucket', prefix: 'a/b/' })
    expect(parseAddress('bucket')).toEqual({ bucket: 'bucket', prefix: '' })
    expect(parseAddress('arn:aws:s3:::bucket')).toEqual({ bucket: 'bucket', prefix: '' })
    expect(parseAddress('s3://bucket/문서/a+b%//')).toEqual({ bucket: 'bucket', prefix: '문서/a+b%//' })
    expect(parseAddress('s3://')).toBeUndefined()
  })

  it('orders keys as S3 lists them (UTF-8 bytes), not as JavaScript compares UTF-16', () => {
    const keys = ['b', '\uffee', '😀', 'a', 'ab', '한', '']
    const bytes = (k: string) => Buffer.from(k, 'utf8')
    const byS3 = [...keys].sort((x, y) => Buffer.compare(bytes(x), bytes(y)))
    expect([...keys].sort(compareKeys)).toEqual(byS3)
    expect(byS3.indexOf('😀')).toBeGreaterThan(byS3.indexOf('\uffee'))
    expect(compareKeys('x', 'x')).toBe(0)
  })

  it('finds the first item of a sorted list past a point', () => {
    const list = ['a', 'b', 'c', 'd']
    expect(firstAfter(list, (k) => k > 'b')).toBe(2)
    expect(firstAfter(list, (k) => k > 'z')).toBe(4)
    expect(firstAfter(list, () => true)).toBe(0)
    expect(firstAfter([], () => true)).toBe(0)
  })
})
