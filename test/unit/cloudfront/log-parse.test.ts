/**
 * The log line parser on the sample file of the CloudFront developer guide (standard-logs-reference.md,
 * "example log file for a distribution"), on an older file with fewer fields, on malformed lines and on
 * standard logging v2 JSON lines.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { decodeLogValue, LogLineParser, type LogRecord } from '../../../src-main/cloudfront/logs/index'

const sample = readFileSync(new URL('./fixtures/developer-guide-sample.log', import.meta.url), 'utf8')

function parseAll(text: string): { records: LogRecord[]; parser: LogLineParser } {
  const parser = new LogLineParser()
  const records: LogRecord[] = []
  for (const line of text.split('\n')) {
    const record = parser.line(line)
    if (record) records.push(record)
  }
  return { records, parser }
}

describe('CloudFront log line parser', () => {
  it('reads the developer guide’s sample lines by the #Fields header', () => {
    const { records, parser } = parseAll(sample)
    expect(parser.counts).toEqual({ lines: 9, records: 6, malformed: 0 })
    expect(parser.format).toBe('legacy')
    expect(records[0]).toEqual({
      timeMs: Date.parse('2019-12-04T21:02:31Z'),
      edgeLocation: 'LAX1',
      scBytes: 392,
      clientIp: '192.0.2.100',
      method: 'GET',
      uriStem: '/index.html',
      query: '',
      status: 200,
      hostHeader: 'd111111abcdef8.cloudfront.net',
      userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/78.0.3904.108 Safari/537.36',
      referer: '',
      protocol: 'https',
      resultType: 'Hit',
      responseResultType: 'Hit',
      detailedResultType: 'Hit',
      timeTakenMs: 1,
      contentType: 'text/html',
    })
    expect(records[3]).toMatchObject({
      uriStem: '/favicon.ico',
      status: 502,
      referer: 'http://www.example.com/',
      hostHeader: 'www.example.com',
      resultType: 'Error',
      responseResultType: 'Error',
      detailedResultType: 'OriginDnsError',
      timeTakenMs: 102,
      edgeLocation: 'SEA19-C1',
    })
    expect(records[5]!.userAgent).toBe('curl/7.55.1')
  })

  it('maps fields by the header, so an older file with 26 fields in the same names reads too', () => {
    const header =
      '#Fields: date time x-edge-location sc-bytes c-ip cs-method cs(Host) cs-uri-stem sc-status cs(Referer) cs(User-Agent) cs-uri-query cs(Cookie) x-edge-result-type x-edge-request-id x-host-header cs-protocol cs-bytes time-taken x-forwarded-for ssl-protocol ssl-cipher x-edge-response-result-type cs-protocol-version fle-status fle-encrypted-fields'
    const line =
      '2014-05-23\t01:13:12\tLAX1\t2390282\t192.0.2.202\tGET\td111111abcdef8.cloudfront.net\t/soundtrack/happy.mp3\t304\twww.unknownsingers.com\tMozilla/4.0%20(compatible;%20MSIE%207.0;%20Windows%20NT%205.1)\ta=b&c=d\tzip=50158\tHit\txGN7KWpVEmB9Dp7ctcVFQC4E-nrcOcEKS3QyAez--06dV7TEXAMPLE==\td111111abcdef8.cloudfront.net\thttp\t-\t0.002\t-\t-\t-\tHit\tHTTP/1.1\t-\t-'
    const { records, parser } = parseAll(`#Version: 1.0\n${header}\n${line}\n`)
    expect(parser.counts.malformed).toBe(0)
    expect(records[0]).toMatchObject({
      uriStem: '/soundtrack/happy.mp3',
      status: 304,
      scBytes: 2390282,
      query: 'a=b&c=d',
      detailedResultType: 'Hit',
      contentType: '',
    })
    // A header in another order is followed too.
    const swapped = parseAll('#Fields: sc-status cs-uri-stem time date x-edge-result-type\n404\t/a%20b\t10:00:00\t2026-01-02\tError\n')
    expect(swapped.records[0]).toMatchObject({
      status: 404,
      uriStem: '/a b',
      timeMs: Date.parse('2026-01-02T10:00:00Z'),
      responseResultType: 'Error',
    })
  })

  it('counts malformed lines and goes on', () => {
    const lines = sample.split('\n')
    const broken = [
      ...lines.slice(0, 3),
      'this is not a log line',
      lines[3]!.split('\t').slice(0, 20).join('\t'),
      lines[4]!.replace('2019-12-04', '2019/12/04'),
      lines[5]!.replace('\t900\t', '\tlots\t'),
      lines[6]!.replace('\t502\t', '\tfive-oh-two\t'),
      '{"date": "2026-01-01", "broken json"',
      ...lines.slice(7),
    ].join('\n')
    const { records, parser } = parseAll(broken)
    expect(parser.counts.records).toBe(2)
    expect(parser.counts.malformed).toBe(6)
    expect(parser.malformedSamples[0]).toBe('this is not a log line')
    expect(records.map((r) => r.timeMs)).toEqual([Date.parse('2019-12-04T21:02:31Z'), Date.parse('2019-12-13T22:37:02Z')])
  })

  it('detects standard logging v2 JSON lines and reads them by key', () => {
    const line = JSON.stringify({
      timestamp: 1764590400,
      DistributionId: 'E2HANEULDEMO01',
      'x-edge-location': 'ICN54-C1',
      'sc-bytes': 1234,
      'cs-uri-stem': '/%EB%AC%B8%EC%84%9C/%ED%95%9C%EA%B8%80%20%EB%AC%B8%EC%84%9C.txt',
      'sc-status': 200,
      'x-edge-result-type': 'Miss',
      'x-edge-response-result-type': 'Miss',
    })
    const { records, parser } = parseAll(`${line}\n`)
    expect(parser.format).toBe('v2-json')
    expect(records[0]).toMatchObject({
      timeMs: 1764590400_000,
      uriStem: '/문서/한글 문서.txt',
      scBytes: 1234,
      status: 200,
      responseResultType: 'Miss',
      edgeLocation: 'ICN54-C1',
    })
  })

  it('URL-decodes runs of %XX as UTF-8 and leaves broken escapes as written', () => {
    expect(decodeLogValue('/downloads/100%25%20done.txt')).toBe('/downloads/100% done.txt')
    expect(decodeLogValue('/images/%F0%9F%8E%89%20launch.svg')).toBe('/images/🎉 launch.svg')
    expect(decodeLogValue('/report+final%20(1).txt')).toBe('/report+final (1).txt')
    expect(decodeLogValue('/bad%ZZ%2')).toBe('/bad%ZZ%2')
    expect(decodeLogValue('-')).toBe('')
    expect(decodeLogValue('%E1%84%92%E1%85%A1')).toBe('\u1112\u1161')
  })
})
