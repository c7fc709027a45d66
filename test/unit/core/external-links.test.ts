import { describe, expect, it } from 'vitest'
import { isAllowedExternalUrl } from '../../../src-main/core/external-links'
import { sameOrigin } from '../../../src-main/core/origin'

describe('external link allow-list', () => {
  it('allows AWS console and documentation over https', () => {
    for (const url of [
      'https://console.aws.amazon.com/s3/home',
      'https://us-east-1.console.aws.amazon.com/cloudfront/v4/home',
      'https://docs.aws.amazon.com/AmazonS3/latest/API/Welcome.html',
    ]) {
      expect(isAllowedExternalUrl(url), url).toBe(true)
    }
  })

  it('refuses everything else, including look-alikes and other schemes', () => {
    for (const url of [
      'http://console.aws.amazon.com/',
      'https://console.aws.amazon.com.evil.example/',
      'https://evilconsole.aws.amazon.com.example/',
      'https://user:pass@docs.aws.amazon.com/',
      'https://docs.aws.amazon.com:8443/',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'https://example.com/',
      'not a url',
    ]) {
      expect(isAllowedExternalUrl(url), url).toBe(false)
    }
  })
})

describe('sameOrigin (the router trusts only the app page)', () => {
  it('recognises app://haneul pages, which URL.origin reports as "null"', () => {
    const isApp = sameOrigin('app://haneul')
    expect(new URL('app://haneul/index.html').origin).toBe('null')
    expect(isApp('app://haneul/index.html')).toBe(true)
    expect(isApp('app://haneul/')).toBe(true)
    expect(isApp('app://other/index.html')).toBe(false)
    expect(isApp('file:///index.html')).toBe(false)
    expect(isApp('null')).toBe(false)
    expect(isApp('')).toBe(false)
  })

  it('compares port too for the dev server', () => {
    const isDev = sameOrigin('http://localhost:5173')
    expect(isDev('http://localhost:5173/index.html')).toBe(true)
    expect(isDev('http://localhost:5174/index.html')).toBe(false)
  })
})
