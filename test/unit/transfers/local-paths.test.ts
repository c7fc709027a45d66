import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { destinationFor, mapKeyToSegments, windowsSafeSegment } from '../../../src-main/transfers/local-paths'

describe('mapKeyToSegments', () => {
  it.each([
    ['../evil', 'linux'],
    ['a/../../b', 'linux'],
    ['/abs', 'linux'],
    ['a/..', 'linux'],
    ['..\\evil', 'win32'],
    ['a\\..\\..\\b', 'win32'],
    ['\\abs', 'win32'],
    ['C:\\x', 'win32'],
    ['c:/x', 'win32'],
    ['a//b', 'linux'],
    ['./a', 'linux'],
  ] as const)('refuses %s on %s', (key, platform) => {
    expect(mapKeyToSegments(key, platform).ok).toBe(false)
  })

  it('keeps names byte for byte on POSIX, including Korean NFC/NFD and emoji', () => {
    const nfc = '한글.txt'.normalize('NFC')
    const nfd = '한글.txt'.normalize('NFD')
    expect(nfc).not.toBe(nfd)
    expect(mapKeyToSegments(`사진/${nfc}`, 'linux')).toEqual({ ok: true, relativeSegments: ['사진', nfc] })
    expect(mapKeyToSegments(nfd, 'linux')).toEqual({ ok: true, relativeSegments: [nfd] })
    expect(mapKeyToSegments('🎉/party 🎂.png', 'linux')).toEqual({ ok: true, relativeSegments: ['🎉', 'party 🎂.png'] })
    // Legal on Linux, where backslash and colon are ordinary characters.
    expect(mapKeyToSegments('C:\\x', 'linux')).toEqual({ ok: true, relativeSegments: ['C:\\x'] })
  })

  it('maps what Windows cannot store', () => {
    expect(mapKeyToSegments('docs/CON.txt', 'win32')).toEqual({ ok: true, relativeSegments: ['docs', 'CON_.txt'] })
    expect(windowsSafeSegment('con')).toBe('con_')
    expect(windowsSafeSegment('LPT1.log')).toBe('LPT1_.log')
    expect(windowsSafeSegment('console.txt')).toBe('console.txt')
    expect(windowsSafeSegment('a<b>c:d"e|f?g*h')).toBe('a_b_c_d_e_f_g_h')
    expect(windowsSafeSegment('trailing. ')).toBe('trailing__')
    expect(windowsSafeSegment('한글 🎉.txt')).toBe('한글 🎉.txt')
  })
})

describe('destinationFor', () => {
  it('resolves inside the folder and nowhere else', () => {
    const root = path.resolve('/tmp/dest')
    expect(destinationFor(root, ['a', 'b.txt'])).toBe(path.join(root, 'a', 'b.txt'))
    expect(destinationFor(root, ['..', 'x'])).toBeUndefined()
    expect(destinationFor(root, ['/etc/passwd'])).toBeUndefined()
  })
})
