/** Small pure pieces of the S3 browser: selections without overlaps, key encoding, part sizes, config checks. */
import { describe, expect, it } from 'vitest'
import { MAX_PARTS, partSizeFor, s3Config } from '../../../src-main/s3/config'
import { copySource, encodeKeyPath, normalizeSelection } from '../../../src-main/s3/listing'

const MiB = 1024 * 1024

describe('normalizeSelection', () => {
  it('drops prefixes inside other prefixes, keys under them, and repeats', () => {
    expect(normalizeSelection(['a/1', 'b/2', 'b/2', 'c'], ['a/', 'a/x/', 'b/2/'])).toEqual({ keys: ['b/2', 'c'], prefixes: ['a/', 'b/2/'] })
    expect(normalizeSelection(['x'], [''])).toEqual({ keys: [], prefixes: [''] })
  })
})

describe('key encoding', () => {
  it('escapes everything but unreserved characters and the slashes', () => {
    expect(encodeKeyPath('a+b/100% q?x#y/ /~._-')).toBe('a%2Bb/100%25%20q%3Fx%23y/%20/~._-')
    expect(encodeKeyPath('a//b/')).toBe('a//b/')
    expect(encodeKeyPath("it's (1)*!")).toBe('it%27s%20%281%29%2A%21')
    expect(decodeURIComponent(encodeKeyPath('한글/😀'))).toBe('한글/😀')
    expect(copySource('bkt', 'a b', 'v/1')).toBe('bkt/a%20b?versionId=v%2F1')
  })
})

describe('config', () => {
  it('grows parts so any object fits in 10,000', () => {
    expect(partSizeFor(10 * MiB, 5 * MiB)).toBe(5 * MiB)
    const fiveTiB = 5 * 1024 ** 4
    expect(Math.ceil(fiveTiB / partSizeFor(fiveTiB, 5 * MiB))).toBeLessThanOrEqual(MAX_PARTS)
  })

  it('refuses settings S3 cannot honour', () => {
    expect(() => s3Config({ copyPartSizeBytes: MiB })).toThrow(/between 5 MiB and 5 GiB/)
    expect(() => s3Config({ keyConcurrency: 0 })).toThrow(/positive integer/)
    expect(() => s3Config({ copyObjectMaxBytes: 6 * 1024 ** 3 })).toThrow(/at most 5 GiB/)
    expect(s3Config().copyObjectMaxBytes).toBe(5 * 1024 ** 3)
  })
})
