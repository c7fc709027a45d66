/**
 * Name handling (trailing dot, case, IDN ↔ punycode, octal escapes, Route 53's order), Route 53's
 * InvalidChangeBatch message list, and the zone-file parser's errors (line and column) and comments.
 */
import { describe, expect, it } from 'vitest'
import { invalidChangeBatchMessages } from '../../../src-main/route53/errors'
import { NameError, canonicalName, compareNames, displayName, isWithin, relativeName } from '../../../src-main/route53/names'
import {
  formatCharacterStrings,
  parseCharacterStrings,
  splitIntoCharacterStrings,
  joinCharacterStrings,
} from '../../../src-main/route53/values'
import { ZoneFileError, parseZoneFile } from '../../../src-main/route53/zonefile/parse'
import { writeZoneFile } from '../../../src-main/route53/zonefile/write'

describe('names', () => {
  it('adds the trailing dot, folds case, keeps one spelling per name', () => {
    expect(canonicalName('WWW.Example.com')).toBe('www.example.com.')
    expect(canonicalName('www.example.com.')).toBe('www.example.com.')
    expect(canonicalName('*.example.com')).toBe('\\052.example.com.')
    expect(canonicalName('\\052.example.com')).toBe('\\052.example.com.')
    expect(canonicalName('a\\.b.example.com')).toBe('a\\056b.example.com.')
    expect(canonicalName('_sip._tcp.example.com')).toBe('_sip._tcp.example.com.')
  })

  it('turns IDNs into punycode and shows them in Unicode', () => {
    expect(canonicalName('하늘.example')).toBe('xn--wh1bz27d.example.')
    expect(canonicalName('Bücher.example')).toBe('xn--bcher-kva.example.')
    expect(displayName('xn--wh1bz27d.example.')).toBe('하늘.example.')
    expect(displayName('\\052.example.com.')).toBe('*.example.com.')
    expect(displayName('a\\056b.example.com.')).toBe('a\\056b.example.com.')
  })

  it('refuses names Route 53 refuses, saying why', () => {
    expect(() => canonicalName('a..example.com')).toThrow(NameError)
    expect(() => canonicalName(`${'x'.repeat(64)}.example.com`)).toThrow(/longer than 63 bytes/)
    expect(() => canonicalName(Array.from({ length: 130 }, () => 'ab').join('.'))).toThrow(/longer than 255 bytes/)
  })

  it('orders names the way Route 53 lists them (labels reversed, trailing dot, bytes)', () => {
    const names = [
      'b.example.com.',
      'a.example.com.',
      'example.com.',
      'a-b.example.com.',
      'x.a.example.com.',
      '_x.example.com.',
      'example.org.',
    ]
    expect([...names].sort(compareNames)).toEqual([
      'example.com.',
      '_x.example.com.',
      'a-b.example.com.',
      'a.example.com.',
      'x.a.example.com.',
      'b.example.com.',
      'example.org.',
    ])
  })

  it('knows which names lie in a zone and writes them relative to it', () => {
    expect(isWithin('www.example.com.', 'example.com.')).toBe(true)
    expect(isWithin('example.com.', 'example.com.')).toBe(true)
    expect(isWithin('badexample.com.', 'example.com.')).toBe(false)
    expect(relativeName('www.example.com.', 'example.com.')).toBe('www')
    expect(relativeName('example.com.', 'example.com.')).toBe('@')
  })
})

describe('TXT character-strings', () => {
  it('splits long text into ≤ 255-byte strings without cutting a UTF-8 character', () => {
    const text = '가'.repeat(200) // 600 bytes
    const parts = splitIntoCharacterStrings(text)
    expect(parts.every((p) => p.length <= 255)).toBe(true)
    expect(joinCharacterStrings(parts)).toBe(text)
    expect(parseCharacterStrings(formatCharacterStrings(parts))).toEqual(parts)
  })

  it('escapes quotes and backslashes, and other bytes as octal', () => {
    expect(formatCharacterStrings(['say "hi"', 'a\\b', '\t'])).toBe('"say \\"hi\\"" "a\\\\b" "\\011"')
    expect(parseCharacterStrings('"ex\\344mple" bare')).toEqual(['ex\u00e4mple', 'bare'])
  })
})

describe('InvalidChangeBatch messages', () => {
  it("splits Route 53's bracketed list, whose messages contain commas themselves", () => {
    const message =
      "[Tried to delete resource record set [name='a.example.', type='A', set-identifier='x'] but it was not found, RRSet with DNS name b.example., type A, SetIdentifier y cannot be created as a non-weighted set exists with the same name and type., Number of records limit of 1000 exceeded.]"
    expect(invalidChangeBatchMessages(message)).toEqual([
      "Tried to delete resource record set [name='a.example.', type='A', set-identifier='x'] but it was not found",
      'RRSet with DNS name b.example., type A, SetIdentifier y cannot be created as a non-weighted set exists with the same name and type.',
      'Number of records limit of 1000 exceeded.',
    ])
  })
})

describe('zone-file errors name the line and column, and nothing is returned', () => {
  const problems = (text: string) => {
    try {
      parseZoneFile(text, { origin: 'example.com.' })
    } catch (error) {
      expect(error).toBeInstanceOf(ZoneFileError)
      return (error as ZoneFileError).problems.map((p) => `${p.line}:${p.column} ${p.message}`)
    }
    throw new Error('expected a ZoneFileError')
  }

  it('reports every broken line', () => {
    const text = ['$TTL 300', 'www A 192.0.2.300', 'ok A 192.0.2.1', 'bad  AA 192.0.2.1', 'txt TXT "never closed', 'mx MX ten mail'].join(
      '\n',
    )
    expect(problems(text)).toEqual([
      "2:7 '192.0.2.300' is not an IPv4 address",
      expect.stringMatching(/^4:6 unknown record type 'AA'/),
      '5:9 unterminated quoted string',
      "6:7 'ten' should be a number",
    ])
  })

  it('unclosed parentheses, missing TTL, long strings, other classes, $INCLUDE', () => {
    expect(problems('$TTL 60\n@ SOA ns1 host ( 1 2 3 4\n5\n')).toEqual(["2:16 '(' is never closed"])
    expect(problems('www A 192.0.2.1')).toEqual(['1:5 no TTL: give one on the record or a $TTL line before it'])
    expect(problems(`$TTL 60\nt TXT "${'x'.repeat(256)}"`)[0]).toMatch(/^2:7 a string is 256 bytes; each string holds at most 255/)
    expect(problems('$TTL 60\nwww CH A 192.0.2.1')).toEqual(['2:5 class CH is not supported: Route 53 serves class IN only'])
    expect(problems('$INCLUDE other.zone')[0]).toMatch(/^1:1 \$INCLUDE is not supported/)
    expect(problems('$TTL 60\nwww A 192.0.2.1 ; haneul-routing set-identifier=x colour=red')).toEqual([
      expect.stringMatching(/^2:17 unknown key 'colour' in a haneul comment/),
    ])
  })

  it('relative names need an origin', () => {
    expect(() => parseZoneFile('$TTL 60\nwww A 192.0.2.1')).toThrow(/line 2, column 1: the relative name 'www' needs a \$ORIGIN/)
  })
})

describe('zone-file specifics', () => {
  it('reads Unicode owners as punycode, decimal escapes as octal, several strings in one TXT', () => {
    const parsed = parseZoneFile('$ORIGIN example.com.\n$TTL 60\n하늘 A 192.0.2.1\nt TXT "caf\\195\\169" "two"\n', {})
    expect(parsed.recordSets.map((s) => [s.Name, s.ResourceRecords?.[0]?.Value])).toEqual([
      ['xn--wh1bz27d.example.com.', '192.0.2.1'],
      ['t.example.com.', '"caf\\303\\251" "two"'],
    ])
  })

  it('a relative $ORIGIN is relative to the origin in force', () => {
    const parsed = parseZoneFile('$ORIGIN example.com.\n$TTL 60\n$ORIGIN lab\nhost A 192.0.2.1\n@ TXT "lab"\n')
    expect(parsed.recordSets.map((s) => s.Name)).toEqual(['host.lab.example.com.', 'lab.example.com.'])
    expect(parsed.origin).toBe('lab.example.com.')
  })

  it('warns like named when one set has records with different TTLs, keeping the first', () => {
    const parsed = parseZoneFile('$ORIGIN example.com.\nw 60 A 192.0.2.1\nw 300 A 192.0.2.2\n')
    expect(parsed.recordSets).toEqual([
      { Name: 'w.example.com.', Type: 'A', TTL: 60, ResourceRecords: [{ Value: '192.0.2.1' }, { Value: '192.0.2.2' }] },
    ])
    expect(parsed.warnings[0]).toMatchObject({ line: 3, message: expect.stringMatching(/keeps 60/) })
  })

  it('writes and reads back aliases and every routing field through comments', () => {
    const sets = [
      {
        Name: 'example.com.',
        Type: 'A' as const,
        AliasTarget: { HostedZoneId: 'Z2FDTNDATAQYW2', DNSName: 'd1.cloudfront.net.', EvaluateTargetHealth: false },
      },
      {
        Name: 'a.example.com.',
        Type: 'A' as const,
        SetIdentifier: 'eu west',
        Region: 'eu-west-1' as const,
        AliasTarget: { HostedZoneId: 'ZOWN', DNSName: 'b.example.com.', EvaluateTargetHealth: true },
      },
      {
        Name: 'b.example.com.',
        Type: 'A' as const,
        TTL: 60,
        SetIdentifier: 'g',
        GeoLocation: { CountryCode: 'US', SubdivisionCode: 'CA' },
        HealthCheckId: 'hc',
        ResourceRecords: [{ Value: '192.0.2.1' }],
      },
      {
        Name: 'c.example.com.',
        Type: 'A' as const,
        TTL: 60,
        SetIdentifier: 'p',
        GeoProximityLocation: { Coordinates: { Latitude: '37.56', Longitude: '126.97' }, Bias: -10 },
        ResourceRecords: [{ Value: '192.0.2.2' }],
      },
      {
        Name: 'd.example.com.',
        Type: 'A' as const,
        TTL: 60,
        SetIdentifier: 'c',
        CidrRoutingConfig: { CollectionId: 'col', LocationName: 'office' },
        ResourceRecords: [{ Value: '192.0.2.3' }],
      },
      {
        Name: 'e.example.com.',
        Type: 'A' as const,
        TTL: 60,
        SetIdentifier: 'm',
        MultiValueAnswer: true,
        ResourceRecords: [{ Value: '192.0.2.4' }],
      },
    ]
    const text = writeZoneFile('example.com.', sets)
    expect(text).toContain('; haneul-alias a A ZOWN b.example.com. evaluate-target-health set-identifier="eu west" region=eu-west-1')
    expect(parseZoneFile(text).recordSets).toEqual(sets)
  })
})
