/**
 * The publish plan as a table of cases, over real files in a temporary folder and a bucket given as
 * data (its listing entries and what HEAD answers). Expected ETags are computed here from the bytes
 * (md5 of the part md5s + "-N"), independently of the code under test.
 */
import { createHash } from 'node:crypto'
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { crc32 } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEFAULT_RULES, headersFor } from '../../../../src-main/site/publish/header-rules'
import { digestFile, walkFolder } from '../../../../src-main/site/publish/local-folder'
import { buildPublishPlan, partSizeCandidates, type RemoteHead, type RemoteObject } from '../../../../src-main/site/publish/plan'

const MiB = 1024 * 1024
const md5 = (data: Buffer) => createHash('md5').update(data).digest('hex')
const multipartEtag = (data: Buffer, partSize: number) => {
  const parts: Buffer[] = []
  for (let offset = 0; offset < data.length; offset += partSize)
    parts.push(
      createHash('md5')
        .update(data.subarray(offset, offset + partSize))
        .digest(),
    )
  return `${createHash('md5').update(Buffer.concat(parts)).digest('hex')}-${parts.length}`
}
const crcBase64 = (data: Buffer) => {
  const out = Buffer.alloc(4)
  out.writeUInt32BE(crc32(data))
  return out.toString('base64')
}
const bytesOf = (text: string) => Buffer.from(text)
const big = (size: number, seed: number) => {
  const data = Buffer.alloc(size)
  for (let i = 0; i < size; i += 4096) data[i] = (i / 4096 + seed) % 251
  return data
}

const NFC = '한글.html'
const NFD = NFC.normalize('NFD')

interface Case {
  name: string
  local: string
  content: Buffer
  /** Seconds from now; negative is older. */
  mtimeOffsetS?: number
  remote?: Omit<RemoteObject, 'key'>
  heads?: Record<string, RemoteHead>
  expected: { action: string; reason: RegExp; code: string }
}

const root = mkdtempSync(join(tmpdir(), 'haneul-plan-'))
const multipartData = big(20 * MiB + 12_345, 1)
const multipartOdd = big(12 * MiB, 2)
const oddPart = 5 * MiB + 512 * 1024
const crcData = big(11 * MiB, 3)

const cases: Case[] = [
  {
    name: 'new',
    local: 'fresh.html',
    content: bytesOf('<p>new</p>'),
    expected: { action: 'new', reason: /^not in the bucket$/, code: 'not-in-bucket' },
  },
  {
    name: 'changed, other size',
    local: 'grown.html',
    content: bytesOf('<p>longer now</p>'),
    remote: { sizeBytes: 5, etag: md5(bytesOf('short')) },
    expected: { action: 'changed', reason: /size 5 bytes → 17 bytes/, code: 'size' },
  },
  {
    name: 'changed, same size, older mtime (what s3 sync misses)',
    local: 'same-size.css',
    content: bytesOf('body{color:red}'),
    mtimeOffsetS: -86_400 * 30,
    remote: { sizeBytes: 15, etag: md5(bytesOf('body{color:tan}')) },
    expected: { action: 'changed', reason: /same size, content differs \(MD5 ≠ ETag\)/, code: 'md5-differs' },
  },
  {
    name: 'unchanged, newer mtime (a rebuild that rewrote it)',
    local: 'rebuilt.js',
    content: bytesOf('console.log(1)'),
    mtimeOffsetS: 3600,
    remote: { sizeBytes: 14, etag: md5(bytesOf('console.log(1)')) },
    expected: { action: 'unchanged', reason: /same MD5/, code: 'same-md5' },
  },
  {
    name: 'unchanged, multipart ETag with 8 MiB parts (aws CLI)',
    local: 'video.mp4',
    content: multipartData,
    remote: { sizeBytes: multipartData.length, etag: multipartEtag(multipartData, 8 * MiB) },
    expected: { action: 'unchanged', reason: /same multipart ETag \(3 parts of 8 MiB\)/, code: 'same-multipart' },
  },
  {
    name: 'changed, multipart ETag of other bytes',
    local: 'video2.mp4',
    content: multipartData,
    remote: { sizeBytes: multipartData.length, etag: multipartEtag(big(multipartData.length, 9), 8 * MiB) },
    heads: { 'video2.mp4': { contentLength: 8 * MiB } },
    expected: { action: 'changed', reason: /multipart ETag of 3 parts differs/, code: 'multipart-differs' },
  },
  {
    name: 'unchanged, multipart ETag with a part size that is no whole MiB (HEAD partNumber=1)',
    local: 'odd.bin',
    content: multipartOdd,
    remote: { sizeBytes: multipartOdd.length, etag: multipartEtag(multipartOdd, oddPart) },
    heads: { 'odd.bin': { contentLength: oddPart } },
    expected: { action: 'unchanged', reason: /same multipart ETag \(3 parts of 5,767,168 bytes\)/, code: 'same-multipart' },
  },
  {
    name: 'unchanged, multipart object with a full-object CRC32',
    local: 'crc.bin',
    content: crcData,
    remote: { sizeBytes: crcData.length, etag: `${'a'.repeat(32)}-2`, checksumAlgorithm: 'CRC32', checksumType: 'FULL_OBJECT' },
    heads: {
      'crc.bin': { contentLength: crcData.length, checksum: { algorithm: 'CRC32', value: crcBase64(crcData), type: 'FULL_OBJECT' } },
    },
    expected: { action: 'unchanged', reason: /same CRC32/, code: 'same-checksum' },
  },
  {
    name: 'NFC twin',
    local: NFC,
    content: bytesOf('nfc'),
    remote: { sizeBytes: 3, etag: md5(bytesOf('nfc')) },
    expected: { action: 'problem', reason: /one name in two Unicode forms/, code: 'twins' },
  },
  {
    name: 'NFD twin',
    local: NFD,
    content: bytesOf('nfd'),
    expected: { action: 'problem', reason: /one name in two Unicode forms/, code: 'twins' },
  },
  {
    name: 'a control character in the name',
    local: 'tab\there.html',
    content: bytesOf('x'),
    expected: { action: 'problem', reason: /control character/, code: 'control-character' },
  },
  {
    name: 'a key over 1,024 bytes',
    local: `${Array.from({ length: 5 }, (_, i) => `${i}${'d'.repeat(240)}`).join('/')}/page.html`,
    content: bytesOf('deep'),
    expected: { action: 'problem', reason: /would be 1,\d{3} bytes of UTF-8; S3 allows 1,024/, code: 'key-too-long' },
  },
]

let items: Awaited<ReturnType<typeof buildPublishPlan>>
let heads: string[]
const prefix = 'site/'

beforeAll(async () => {
  const remote: RemoteObject[] = []
  const headAnswers = new Map<string, RemoteHead>()
  for (const c of cases) {
    const path = join(root, ...c.local.split('/'))
    mkdirSync(join(path, '..'), { recursive: true })
    writeFileSync(path, c.content)
    if (c.mtimeOffsetS) {
      const when = Date.now() / 1000 + c.mtimeOffsetS
      utimesSync(path, when, when)
    }
    if (c.remote) remote.push({ key: prefix + c.local.normalize('NFC'), ...c.remote })
    for (const [key, head] of Object.entries(c.heads ?? {})) headAnswers.set(prefix + key, head)
  }
  // A name that is not UTF-8 (Linux allows any bytes but "/" and NUL).
  writeFileSync(Buffer.concat([Buffer.from(`${root}/bad-`), Buffer.from([0xff, 0xfe]), Buffer.from('.html')]), 'x')
  remote.push({ key: `${prefix}gone.html`, sizeBytes: 4, etag: md5(bytesOf('gone')) })
  remote.push({ key: `${prefix}folder/`, sizeBytes: 0, etag: md5(Buffer.alloc(0)) })
  heads = []
  const { files, problems } = await walkFolder(root)
  items = await buildPublishPlan(
    { files, problems, remote, keyPrefix: prefix, deletions: true, headersFor: (name) => headersFor(name, DEFAULT_RULES) },
    {
      digest: (file, request) => digestFile(file.path, request, undefined, file.sizeBytes),
      head: async (key, options) => {
        heads.push(`${key}${options.partNumber ? `?partNumber=${options.partNumber}` : ''}${options.checksums ? ' checksums' : ''}`)
        const answer = headAnswers.get(key)
        if (!answer) throw new Error(`unexpected HEAD ${key}`)
        return answer
      },
    },
  )
})
afterAll(() => rmSync(root, { recursive: true, force: true }))

describe('the publish plan', () => {
  it.each(cases)('$name', (c) => {
    const item = items.find((i) => i.name === c.local)
    expect(item, `no plan item for ${c.local}`).toBeDefined()
    expect(item!.action).toBe(c.expected.action)
    expect(item!.reason).toMatch(c.expected.reason)
    expect(item!.reasonCode).toBe(c.expected.code)
    if (c.expected.action !== 'problem') expect(item!.key).toBe(prefix + c.local.normalize('NFC'))
  })

  it('reports a name that is not UTF-8 instead of inventing a key', () => {
    const item = items.find((i) => i.name.startsWith('bad-'))
    expect(item).toMatchObject({ action: 'problem', reason: expect.stringMatching(/not valid UTF-8/) })
    expect(item!.key).toBeUndefined()
  })

  it('deletes what the folder no longer has, never a twin key or a folder marker', () => {
    const deletions = items.filter((i) => i.action === 'delete').map((i) => i.key)
    expect(deletions).toEqual([`${prefix}gone.html`])
  })

  it('sends HEAD only where the listing cannot decide', () => {
    expect(heads.sort()).toEqual([`${prefix}crc.bin checksums`, `${prefix}odd.bin?partNumber=1`, `${prefix}video2.mp4?partNumber=1`])
  })

  it('gives headers by pattern: HTML revalidated, hashed assets immutable, types by extension', () => {
    expect(headersFor('docs/index.html', DEFAULT_RULES)).toEqual({ contentType: 'text/html; charset=utf-8', cacheControl: 'no-cache' })
    expect(headersFor('assets/app.3f9a8b7c.js', DEFAULT_RULES)).toMatchObject({ cacheControl: 'public, max-age=31536000, immutable' })
    expect(headersFor('assets/app.3f9a8b.js', DEFAULT_RULES).cacheControl).toBeUndefined()
    expect(headersFor('a/b/c.txt', [{ pattern: 'a/**/*.txt', contentType: 'text/x-custom' }]).contentType).toBe('text/x-custom')
  })

  it('infers part sizes from the size and the part count', () => {
    expect(partSizeCandidates(20 * MiB + 12_345, 3)).toEqual([8 * MiB, 7 * MiB, 9 * MiB, 10 * MiB])
    expect(partSizeCandidates(12 * MiB, 2).length).toBeGreaterThan(4)
    expect(partSizeCandidates(100 * MiB, 10)).toEqual([10 * MiB, 11 * MiB])
    expect(partSizeCandidates(10 * MiB, 1)).toEqual([])
  })
})
