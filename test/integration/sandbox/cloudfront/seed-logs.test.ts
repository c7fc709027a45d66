/**
 * The seed's CloudFront standard logs as the app will read them, through the S3 emulator and the real
 * S3 client: 30 days of hourly legacy files with CloudFront's names, header lines and 33 fields, values
 * encoded as CloudFront encodes them, rows out of time order and one file delivered late.
 */
import { gunzipSync } from 'node:zlib'
import { GetObjectCommand, paginateListObjectsV2, type _Object } from '@aws-sdk/client-s3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LOG_FIELDS_LINE } from '../../../../src-main/sandbox/cloudfront/log-files'
import { DEMO_DISTRIBUTION_ID, LOG_BUCKET, seedSandbox } from '../../../../src-main/sandbox/seed'
import { startS3, type RunningS3 } from '../../../helpers/sandbox-s3-harness'

const seededAt = Date.parse('2026-12-01T12:34:56Z')
let s3: RunningS3
const objects: _Object[] = []
const texts = new Map<string, string>()

beforeAll(async () => {
  s3 = await startS3({ nowMs: () => seededAt })
  await seedSandbox(s3.emulator.store, 'assets/sandbox', () => seededAt)
  for await (const page of paginateListObjectsV2({ client: s3.s3 }, { Bucket: LOG_BUCKET, Prefix: 'cloudfront/' }))
    objects.push(...(page.Contents ?? []))
  for (const object of objects) {
    const reply = await s3.s3.send(new GetObjectCommand({ Bucket: LOG_BUCKET, Key: object.Key }))
    texts.set(object.Key!, gunzipSync(await reply.Body!.transformToByteArray()).toString('utf8'))
  }
}, 120_000)
afterAll(() => s3.close())

const nameHour = (key: string) => {
  const match = /\.(\d{4}-\d{2}-\d{2})-(\d{2})\.[0-9a-f]{8}\.gz$/.exec(key)!
  return Date.parse(`${match[1]}T${match[2]}:00:00Z`)
}
const rowsOf = (text: string) => text.split('\n').filter((line) => line && !line.startsWith('#'))

describe('seeded CloudFront standard logs', () => {
  it('cover the 30 days before seeding, one or more files an hour, named as CloudFront names them', () => {
    for (const object of objects)
      expect(object.Key).toMatch(new RegExp(`^cloudfront/${DEMO_DISTRIBUTION_ID}\\.\\d{4}-\\d{2}-\\d{2}-\\d{2}\\.[0-9a-f]{8}\\.gz$`))
    const hours = new Set(objects.map((o) => nameHour(o.Key!)))
    expect(hours.size).toBe(30 * 24)
    expect(Math.min(...hours)).toBe(Date.parse('2026-11-01T12:00:00Z'))
    expect(Math.max(...hours)).toBe(Date.parse('2026-12-01T11:00:00Z'))
    expect(objects.length).toBeGreaterThan(hours.size)
  })

  it('start with the two header lines and have 33 tab-separated fields a row, each row in the hour of its file', () => {
    for (const [key, text] of texts) {
      const lines = text.split('\n')
      expect(lines[0]).toBe('#Version: 1.0')
      expect(lines[1]).toBe(LOG_FIELDS_LINE)
      expect(lines[1]!.split(' ')).toHaveLength(34)
      const wrong = rowsOf(text).filter((row) => {
        const fields = row.split('\t')
        const offsetMs = Date.parse(`${fields[0]}T${fields[1]}Z`) - nameHour(key)
        return fields.length !== 33 || !(offsetMs >= 0 && offsetMs < 3600_000)
      })
      expect(wrong, key).toEqual([])
    }
  })

  it('encode Korean, space, % and ~-class characters the way CloudFront does, and no raw whitespace', () => {
    const stems = new Set([...texts.values()].flatMap((t) => rowsOf(t).map((r) => r.split('\t')[7]!)))
    expect(stems).toContain('/%EB%AC%B8%EC%84%9C/%ED%95%9C%EA%B8%80%20%EB%AC%B8%EC%84%9C.txt')
    expect(stems).toContain(
      '/%EB%AC%B8%EC%84%9C/%E1%84%92%E1%85%A1%E1%86%AB%E1%84%80%E1%85%B3%E1%86%AF%20%E1%84%86%E1%85%AE%E1%86%AB%E1%84%89%E1%85%A5.txt',
    )
    expect(stems).toContain('/downloads/100%25%20done.txt')
    expect(stems).toContain('/images/%F0%9F%8E%89%20launch.svg')
    expect(stems).toContain('/downloads/report+final%20(1).txt')
    for (const stem of stems) expect(stem).toMatch(/^[!-~]+$/)
    const agents = new Set([...texts.values()].flatMap((t) => rowsOf(t).map((r) => r.split('\t')[10]!)))
    expect([...agents].some((a) => a.startsWith('Mozilla/5.0%20('))).toBe(true)
  })

  it('have rows out of time order and one file delivered the next day under its hour’s name', () => {
    const unordered = [...texts.values()].filter((text) => {
      const times = rowsOf(text).map((r) => r.slice(0, 19))
      return times.some((t, i) => i > 0 && t < times[i - 1]!)
    })
    expect(unordered.length).toBeGreaterThan(100)
    const late = objects.filter((o) => o.LastModified!.getTime() - nameHour(o.Key!) > 12 * 3600_000)
    expect(late).toHaveLength(1)
    expect(late[0]!.LastModified!.getTime()).toBeLessThanOrEqual(seededAt)
  })
})
