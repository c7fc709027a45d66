import { describe, expect, it } from 'vitest'
import { HaneulError } from '../../../src-main/core/errors'
import { contentDispositionHeader, decodeMetadataValue, encodeMetadataValue } from '../../../src-main/s3/header-values'
import { requestProblem } from '../../../src-main/s3/request-guard'

describe('metadata values as headers (RFC 2047)', () => {
  it('leaves printable ASCII alone and encodes everything else as one UTF-8 B encoded-word', () => {
    expect(encodeMetadataValue('plain text, 100%')).toBe('plain text, 100%')
    expect(encodeMetadataValue('김철수')).toBe('=?UTF-8?B?6rmA7LKg7IiY?=')
    expect(encodeMetadataValue('tab\there')).toMatch(/^=\?UTF-8\?B\?/)
    // Text that looks like an encoded-word is encoded too, or S3 would decode it on store.
    expect(decodeMetadataValue(encodeMetadataValue('=?UTF-8?B?6rmA?='))).toBe('=?UTF-8?B?6rmA?=')
  })

  it('decodes B and Q words, joins adjacent words, and keeps what it cannot decode', () => {
    expect(decodeMetadataValue('=?UTF-8?B?6rmA7LKg7IiY?=')).toBe('김철수')
    expect(decodeMetadataValue('=?utf-8?q?caf=C3=A9_au_lait?=')).toBe('café au lait')
    expect(decodeMetadataValue('=?UTF-8?B?6rmA?= =?UTF-8?B?7LKg7IiY?=')).toBe('김철수')
    expect(decodeMetadataValue('by =?UTF-8?B?6rmA7LKg7IiY?= today')).toBe('by 김철수 today')
    expect(decodeMetadataValue('=?x-unknown?B?AAAA?=')).toBe('=?x-unknown?B?AAAA?=')
    expect(decodeMetadataValue('=?UTF-8?B?/w==?=')).toBe('=?UTF-8?B?/w==?=')
    for (const value of ['김철수', 'emoji 😀', 'mixed ascii 한글 text', '=?looks?like?it?=']) {
      expect(decodeMetadataValue(encodeMetadataValue(value))).toBe(value)
    }
  })
})

describe('Content-Disposition (RFC 6266)', () => {
  it('keeps ASCII as it is and writes a non-ASCII file name as filename* with an ASCII fallback', () => {
    expect(contentDispositionHeader('attachment; filename="report.pdf"')).toBe('attachment; filename="report.pdf"')
    expect(contentDispositionHeader('attachment; filename="보고서.pdf"')).toBe(
      `attachment; filename="___.pdf"; filename*=UTF-8''%EB%B3%B4%EA%B3%A0%EC%84%9C.pdf`,
    )
    expect(contentDispositionHeader('inline; filename=카페.txt; size=3')).toBe(
      `inline; filename="__.txt"; filename*=UTF-8''%EC%B9%B4%ED%8E%98.txt; size=3`,
    )
  })

  it('refuses non-ASCII outside the file name', () => {
    expect(() => contentDispositionHeader('첨부; filename="a.txt"')).toThrow(HaneulError)
    expect(() => contentDispositionHeader('attachment 보고서')).toThrow(/only the file name may hold non-ASCII/)
  })
})

describe('the object-request guard', () => {
  it('needs a key for object commands, a bucket when there is one, and well-formed text everywhere', () => {
    expect(requestProblem('AbortMultipartUploadCommand', { Bucket: 'b', Key: '', UploadId: 'x' })).toMatch(/needs an object key/)
    expect(requestProblem('PutObjectTaggingCommand', { Bucket: 'b' })).toMatch(/needs an object key/)
    expect(requestProblem('GetObjectCommand', { Bucket: 'b', Key: 'k' })).toBeUndefined()
    expect(requestProblem('ListObjectsV2Command', { Bucket: 'b', Prefix: '' })).toBeUndefined()
    expect(requestProblem('ListObjectsV2Command', { Bucket: '' })).toMatch(/bucket name is empty/)
    expect(requestProblem('ListObjectsV2Command', { Bucket: 'b', Prefix: 'a\ud800' })).toMatch(/Prefix is not well-formed/)
    expect(requestProblem('HeadObjectCommand', { Bucket: 'b', Key: 'k', VersionId: '\udfff' })).toMatch(/VersionId is not well-formed/)
  })
})
