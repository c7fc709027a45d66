/**
 * The site store against a stand-in for main's bridge (the store is under test, not main): the map's
 * snapshot shows first and the live map replaces it; a late map for a domain no longer open is dropped;
 * offline, the snapshot stays with its age instead of an error; a fix is planned, applied, and the map
 * read again; a plan that arrives after the dialog was closed does not reopen it.
 */
import { beforeEach, describe, expect, it } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import type { AppEvent } from '../../../src-main/api/events'
import type { Finding, SiteMap } from '../../../src-main/api/site'

type Reply = { ok: true; value: unknown } | { ok: false; error: { code: string; message: string; retryable: boolean } }
const calls: Array<{ operation: string; input: Record<string, unknown> }> = []
let handlers: Record<string, (input: Record<string, unknown>) => Promise<Reply> | Reply> = {}
const ok = (value: unknown): Reply => ({ ok: true, value })
const fail = (code: string, message: string): Reply => ({ ok: false, error: { code, message, retryable: code === 'offline' } })
const operation = (name: string) => async (input: Record<string, unknown>) => {
  calls.push({ operation: name, input })
  const handler = handlers[name]
  return handler ? handler(input) : fail('not-found', `no stand-in for ${name}`)
}
;(globalThis as unknown as { window: unknown }).window = {
  haneul: {
    site: Object.fromEntries(['domains', 'map', 'planFix', 'applyFix'].map((n) => [n, operation(n)])),
    profiles: { list: async () => ok({ profiles: [], activeId: 'p' }) },
    app: { info: async () => ok({}) },
    cancel: () => {},
    onEvent: (_listener: (event: AppEvent) => void) => () => {},
  },
}

const { useSiteStore } = await import('../../../src-renderer/stores/site')
const { useProfilesStore } = await import('../../../src-renderer/stores/profiles')

const finding: Finding = {
  code: 'distribution-disabled',
  severity: 'error',
  link: 'distribution',
  subject: 'E1',
  message: 'E1 is disabled',
  params: {},
  fix: 'enable-distribution',
}
const mapOf = (domain: string, extra: Partial<SiteMap> = {}): SiteMap => ({
  domain: `${domain}.`,
  displayDomain: domain,
  records: [],
  origins: [],
  pipelines: [],
  findings: [],
  unavailable: [],
  discoveredAtMs: 1,
  ...extra,
})
/** A reply the test releases by hand. */
function held() {
  let release!: (reply: Reply) => void
  const promise = new Promise<Reply>((resolve) => (release = resolve))
  return { promise, release }
}
const settle = () => new Promise((resolve) => setTimeout(resolve, 1))

describe('site store', () => {
  beforeEach(() => {
    setActivePinia(createPinia())
    useProfilesStore().activeId = 'p'
    calls.length = 0
    handlers = {}
  })

  it('shows the snapshot first, then the live map', async () => {
    const live = held()
    handlers.map = ({ source }) => (source === 'cache' ? ok(mapOf('a.example', { cachedAtMs: 5 })) : live.promise)
    const site = useSiteStore()
    const opening = site.open('a.example')
    await settle()
    expect(site.map?.cachedAtMs).toBe(5)
    live.release(ok(mapOf('a.example', { findings: [finding] })))
    await opening
    expect(site.map?.cachedAtMs).toBeUndefined()
    expect(site.map?.findings).toEqual([finding])
    expect(site.mapLoading).toBe(false)
  })

  it('drops a late map for a domain no longer open', async () => {
    const slow = held()
    handlers.map = ({ domain, source }) =>
      source === 'cache' ? fail('not-found', 'none') : domain === 'a.example' ? slow.promise : ok(mapOf(String(domain)))
    const site = useSiteStore()
    const first = site.open('a.example')
    await site.open('b.example')
    slow.release(ok(mapOf('a.example')))
    await first
    expect(site.domain).toBe('b.example')
    expect(site.map?.displayDomain).toBe('b.example')
  })

  it('offline with a snapshot on screen: keeps it, no error', async () => {
    handlers.map = ({ source }) => (source === 'cache' ? ok(mapOf('a.example', { cachedAtMs: 5 })) : fail('offline', 'gone'))
    const site = useSiteStore()
    await site.open('a.example')
    expect(site.map?.cachedAtMs).toBe(5)
    expect(site.mapError).toBeUndefined()
    handlers.map = () => fail('offline', 'gone')
    await useSiteStore().open('c.example')
    expect(site.mapError?.code).toBe('offline')
  })

  it('plans a fix, applies it with confirm, and maps the site again', async () => {
    handlers.map = ({ source }) => (source === 'cache' ? fail('not-found', 'none') : ok(mapOf('a.example', { findings: [finding] })))
    handlers.planFix = () =>
      ok({
        planId: 'id-1',
        fix: 'enable-distribution',
        code: finding.code,
        subject: 'E1',
        summary: 'Enable E1.',
        before: 'false',
        after: 'true',
      })
    handlers.applyFix = () => ok({ applied: true, summary: 'Enable E1.' })
    const site = useSiteStore()
    await site.open('a.example')
    await site.planFix(finding)
    expect(site.fix?.plan?.planId).toBe('id-1')
    expect(calls.find((c) => c.operation === 'planFix')?.input).toEqual({
      profileId: 'p',
      domain: 'a.example',
      code: finding.code,
      subject: 'E1',
    })
    handlers.map = () => ok(mapOf('a.example'))
    await site.applyFix()
    await settle()
    expect(calls.find((c) => c.operation === 'applyFix')?.input).toEqual({ profileId: 'p', planId: 'id-1', confirm: true })
    expect(site.fix?.applied).toBe('Enable E1.')
    expect(site.map?.findings).toEqual([])
  })

  it('a plan arriving after the dialog was closed does not reopen it', async () => {
    const slow = held()
    handlers.map = () => ok(mapOf('a.example', { findings: [finding] }))
    handlers.planFix = () => slow.promise
    const site = useSiteStore()
    await site.open('a.example')
    const planning = site.planFix(finding)
    site.closeFix()
    slow.release(ok({ planId: 'late', fix: 'enable-distribution', code: finding.code, subject: 'E1', summary: '', before: '', after: '' }))
    await planning
    expect(site.fix).toBeUndefined()
  })
})
