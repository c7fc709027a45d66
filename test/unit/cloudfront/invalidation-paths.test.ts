/**
 * Invalidation path encoding as a table. Every expected path is worked out by hand from the rules
 * (UTF-8 bytes of the code points, RFC 1738's unsafe set), never by calling the code under test:
 *   문 U+BB38 → EB AC B8, 서 U+C11C → EC 84 9C, 한 (NFC) U+D55C → ED 95 9C,
 *   한 (NFD) U+1112 U+1161 U+11AB → E1 84 92 · E1 85 A1 · E1 86 AB, 😀 U+1F600 → F0 9F 98 80.
 */
import { describe, expect, it } from 'vitest'
import { encodeTypedPath, keyToPath, planPaths, prefixToPath } from '../../../src-main/cloudfront/invalidation-paths'

const NFC_HAN = '\uD55C'
const NFD_HAN = '\u1112\u1161\u11AB'

interface Row {
  name: string
  input: string
  path?: string
  wildcard?: boolean
  problem?: RegExp
  warning?: RegExp
}

const typed: Row[] = [
  { name: 'plain ASCII stays as is', input: '/index.html', path: '/index.html' },
  { name: 'Korean (NFC) as UTF-8 bytes', input: '/문서/시작.html', path: '/%EB%AC%B8%EC%84%9C/%EC%8B%9C%EC%9E%91.html' },
  { name: 'Korean NFC syllable', input: `/${NFC_HAN}.html`, path: '/%ED%95%9C.html' },
  { name: 'Korean NFD jamo, byte-exact, never normalized', input: `/${NFD_HAN}.html`, path: '/%E1%84%92%E1%85%A1%E1%86%AB.html' },
  { name: 'space is %20', input: '/a b.html', path: '/a%20b.html' },
  { name: '+ is safe in RFC 1738: kept', input: '/a+b.html', path: '/a+b.html' },
  { name: 'a lone % is %25', input: '/100%.html', path: '/100%25.html' },
  { name: 'already encoded %XX kept', input: '/a%20b.html', path: '/a%20b.html' },
  { name: 'already encoded hex upper-cased', input: '/a%2fb', path: '/a%2Fb' },
  { name: '% with one hex digit is %25', input: '/a%2', path: '/a%252' },
  { name: '~ is %7E with a warning', input: '/~user/index.html', path: '/%7Euser/index.html', warning: /%7E/ },
  { name: '* last is a wildcard', input: '/img/*', path: '/img/*', wildcard: true },
  { name: '* alone after /', input: '/*', path: '/*', wildcard: true },
  { name: '* in the middle is refused, naming the rule', input: '/img/*.png', problem: /only as the last character/ },
  { name: 'query string kept (cache key)', input: '/img.jpg?v=2&w=100', path: '/img.jpg?v=2&w=100' },
  { name: 'query string with a wildcard', input: '/img.jpg*', path: '/img.jpg*', wildcard: true },
  { name: 'space inside a query string', input: '/search?q=a b', path: '/search?q=a%20b' },
  { name: 'emoji as four bytes', input: '/😀.png', path: '/%F0%9F%98%80.png' },
  { name: '# and " are unsafe', input: '/a#b"c', path: '/a%23b%22c' },
  { name: 'braces, pipe, caret, brackets, backquote, backslash', input: '/{|}^[]`\\', path: '/%7B%7C%7D%5E%5B%5D%60%5C' },
  { name: '< > are unsafe', input: '/<b>', path: '/%3Cb%3E' },
  { name: 'reserved ; : @ = & $ , kept', input: "/a;b:c@d=e&f$g,h!i'j(k)", path: "/a;b:c@d=e&f$g,h!i'j(k)" },
  { name: 'a line break is refused', input: '/a\nb', problem: /control characters/ },
  { name: 'a tab is refused', input: '/a\tb', problem: /control characters/ },
  { name: 'DEL is refused', input: '/a\u007fb', problem: /control characters/ },
  { name: 'empty is refused', input: '', problem: /must not be empty/ },
  { name: 'missing leading slash is added with a warning', input: 'index.html', path: '/index.html', warning: /leading "\/" was added/ },
  { name: 'missing slash before Korean', input: '문서', path: '/%EB%AC%B8%EC%84%9C', warning: /leading/ },
  { name: 'exactly 4,000 characters', input: `/${'a'.repeat(3999)}`, path: `/${'a'.repeat(3999)}` },
  { name: '4,001 characters refused', input: `/${'a'.repeat(4000)}`, problem: /at most 4,000 characters once encoded; this one is 4,001/ },
  { name: 'over-long once encoded (1,334 × 한 = 12,007)', input: `/${NFC_HAN.repeat(1334)}`, problem: /this one is 12,007/ },
  { name: 'lone surrogate refused', input: '/a\uD800b', problem: /well-formed Unicode/ },
]

const keys: Array<Row & { originPath: string }> = [
  { name: 'key with no origin path', originPath: '', input: 'index.html', path: '/index.html' },
  { name: 'origin path "/site" removed', originPath: '/site', input: 'site/a.html', path: '/a.html' },
  { name: 'origin path with a trailing slash', originPath: '/site/', input: 'site/docs/a.html', path: '/docs/a.html' },
  { name: 'key outside the origin path', originPath: '/site', input: 'other/a.html', problem: /Not served by this distribution/ },
  { name: 'key sharing a prefix but not the folder', originPath: '/site', input: 'sitemap.xml', problem: /Not served/ },
  { name: 'key % is literal: %25', originPath: '', input: '100%.txt', path: '/100%25.txt' },
  { name: 'key "%20" is literal, not a space', originPath: '', input: 'a%20b', path: '/a%2520b' },
  { name: 'key ? is literal: %3F', originPath: '', input: 'a?b.html', path: '/a%3Fb.html' },
  { name: 'key with a space', originPath: '', input: '문서/a b.html', path: '/%EB%AC%B8%EC%84%9C/a%20b.html' },
  { name: 'key in NFD stays NFD', originPath: '', input: `${NFD_HAN}.txt`, path: '/%E1%84%92%E1%85%A1%E1%86%AB.txt' },
  { name: 'key in NFC differs from its NFD twin', originPath: '', input: `${NFC_HAN}.txt`, path: '/%ED%95%9C.txt' },
  { name: 'key + kept', originPath: '', input: 'c++.html', path: '/c++.html' },
  { name: 'key tab encoded (keys may hold controls)', originPath: '', input: 'a\tb', path: '/a%09b' },
  { name: 'key ~ encoded with a warning', originPath: '', input: '~tmp.txt', path: '/%7Etmp.txt', warning: /%7E/ },
  {
    name: 'key * widens to a wildcard with a warning',
    originPath: '',
    input: 'a*b.txt',
    path: '/a*',
    wildcard: true,
    warning: /cannot invalidate literally/,
  },
  { name: 'key starting with / keeps it', originPath: '', input: '/a', path: '//a' },
  { name: 'empty key refused', originPath: '', input: '', problem: /must not be empty/ },
]

const folders: Array<Row & { originPath: string }> = [
  { name: 'folder → <path>*', originPath: '', input: 'docs/', path: '/docs/*', wildcard: true },
  { name: 'whole bucket', originPath: '', input: '', path: '/*', wildcard: true },
  { name: 'folder under the origin path', originPath: '/site', input: 'site/docs/', path: '/docs/*', wildcard: true },
  { name: 'the origin path itself', originPath: '/site', input: 'site/', path: '/*', wildcard: true },
  { name: 'folder outside the origin path', originPath: '/site', input: 'logs/', problem: /Not served/ },
  { name: 'Korean folder', originPath: '', input: '문서/', path: '/%EB%AC%B8%EC%84%9C/*', wildcard: true },
]

function check(row: Row, actual: { path?: string; wildcard: boolean; problem?: string; warning?: string }) {
  if (row.problem) {
    expect(actual.path).toBeUndefined()
    expect(actual.problem).toMatch(row.problem)
    return
  }
  expect(actual.problem).toBeUndefined()
  expect(actual.path).toBe(row.path)
  expect(actual.wildcard).toBe(row.wildcard ?? false)
  if (row.warning) expect(actual.warning).toMatch(row.warning)
  else expect(actual.warning).toBeUndefined()
}

describe('typed invalidation paths', () => {
  it.each(typed)('$name', (row) => check(row, encodeTypedPath(row.input)))
})

describe('object keys → paths through the origin path', () => {
  it.each(keys)('$name', (row) => check(row, keyToPath(row.input, row.originPath)))
})

describe('folders → wildcard paths', () => {
  it.each(folders)('$name', (row) => check(row, prefixToPath(row.input, row.originPath)))
})

describe('planPaths', () => {
  it('sends a path once however it was written, and marks the repeats', () => {
    const { paths, distinct } = planPaths({
      paths: ['/a b.html', '/a%20b.html', 'a b.html'],
      objects: { bucket: 'site', keys: ['a b.html', 'c.html'], prefixes: ['docs/'], originPath: '' },
    })
    expect(distinct).toEqual(['/a%20b.html', '/c.html', '/docs/*'])
    expect(paths.map((p) => p.path)).toEqual(['/a%20b.html', '/a%20b.html', '/a%20b.html', '/a%20b.html', '/c.html', '/docs/*'])
    expect(paths.filter((p) => p.warning?.includes('Same path as an earlier one'))).toHaveLength(3)
  })

  it('says when the bucket is not an origin of the distribution', () => {
    const { paths, distinct } = planPaths({
      paths: [],
      objects: { bucket: 'elsewhere', keys: ['a.html'], prefixes: [], originPath: undefined },
    })
    expect(distinct).toEqual([])
    expect(paths[0]!.problem).toMatch(/no origin of it is the bucket "elsewhere"/)
  })

  it('keeps NFC and NFD twins apart', () => {
    const { distinct } = planPaths({
      paths: [],
      objects: { bucket: 'b', keys: [`${NFC_HAN}`, `${NFD_HAN}`], prefixes: [], originPath: '' },
    })
    expect(distinct).toEqual(['/%ED%95%9C', '/%E1%84%92%E1%85%A1%E1%86%AB'])
  })
})
