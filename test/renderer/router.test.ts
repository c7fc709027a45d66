/**
 * The window's routes and history: storage places survive the round trip through a route exactly
 * (odd S3 prefixes included), back and forward walk every section, and a profile switch can start a
 * fresh history. Views are stubs here; what is tested is the routing, not the screens.
 */
import { describe, expect, it } from 'vitest'
import { createAppRouter, parentPlace, storageLocation, storagePlace } from '../../src-renderer/router'

const stub = { render: () => null }
const newRouter = async () => {
  const router = createAppRouter(undefined, {
    storage: async () => stub,
    cloudfront: async () => stub,
    costs: async () => stub,
    dns: async () => stub,
    site: async () => stub,
    pipelines: async () => stub,
  })
  await router.push('/')
  return router
}

describe('routes', () => {
  it('starts on the bucket list', async () => {
    const router = await newRouter()
    expect(router.currentRoute.value.name).toBe('buckets')
    expect(router.currentRoute.value.meta.section).toBe('storage')
    expect(router.appHistory.canGoBack.value).toBe(false)
  })

  it('carries any S3 prefix exactly, through a route and back', async () => {
    const router = await newRouter()
    const nfd = '한글'.normalize('NFD')
    for (const prefix of ['', 'downloads/', 'a//b/', '100% done+x/ 공백 /', `${nfd}/`, 'e/😀?#&=/', '/']) {
      const resolved = router.resolve(storageLocation('haneul-demo-site', prefix))
      const again = router.resolve(resolved.fullPath)
      expect(storagePlace(again)).toEqual({ bucket: 'haneul-demo-site', prefix })
    }
    expect(storagePlace(router.resolve(storageLocation()))).toEqual({ prefix: '' })
  })

  it('has a route per section and per object of interest', async () => {
    const router = await newRouter()
    const cases: Array<[string, string, Record<string, string>]> = [
      ['/costs', 'costs', {}],
      ['/cloudfront/E2QWRUHAPOMQZL', 'cloudfront', { id: 'E2QWRUHAPOMQZL' }],
      ['/dns/Z0123456789', 'dns', { zoneId: 'Z0123456789' }],
      ['/pipelines/site-release', 'pipelines', { name: 'site-release' }],
      ['/site/haneul-demo.example', 'site', { domain: 'haneul-demo.example' }],
      ['/pipelines', 'pipelines', {}],
    ]
    for (const [path, section, params] of cases) {
      const route = router.resolve(path)
      expect(route.meta.section).toBe(section)
      expect(Object.fromEntries(Object.entries(route.params).filter(([, v]) => v !== ''))).toEqual(params)
    }
    await router.push('/nowhere')
    expect(router.currentRoute.value.name).toBe('buckets')
  })

  it('goes back and forward across sections and folders, and says when it can', async () => {
    const router = await newRouter()
    await router.push(storageLocation('b', 'x/'))
    await router.push('/cloudfront/E1')
    await router.push(storageLocation('b', 'x/y/'))
    expect(router.appHistory.canGoForward.value).toBe(false)
    router.back()
    await new Promise((r) => setTimeout(r, 0))
    expect(router.currentRoute.value.fullPath).toBe('/cloudfront/E1')
    router.back()
    await new Promise((r) => setTimeout(r, 0))
    expect(storagePlace(router.currentRoute.value)).toEqual({ bucket: 'b', prefix: 'x/' })
    expect(router.appHistory.canGoForward.value).toBe(true)
    router.forward()
    await new Promise((r) => setTimeout(r, 0))
    expect(router.currentRoute.value.fullPath).toBe('/cloudfront/E1')
    // A new place drops what was ahead.
    await router.push('/costs')
    expect(router.appHistory.canGoForward.value).toBe(false)
    expect(router.appHistory.canGoBack.value).toBe(true)
  })

  it('forgets every other entry when asked (a profile switch)', async () => {
    const router = await newRouter()
    await router.push(storageLocation('b', 'x/'))
    await router.push('/dns')
    router.appHistory.forget()
    expect(router.appHistory.canGoBack.value).toBe(false)
    router.back()
    await new Promise((r) => setTimeout(r, 0))
    expect(router.currentRoute.value.fullPath).toBe('/dns')
  })

  it('knows the place above a folder', () => {
    expect(parentPlace('b', 'a/b/')).toEqual({ bucket: 'b', prefix: 'a/' })
    expect(parentPlace('b', 'a//')).toEqual({ bucket: 'b', prefix: 'a/' })
    expect(parentPlace('b', 'a/')).toEqual({ bucket: 'b', prefix: '' })
    expect(parentPlace('b', '')).toEqual({ prefix: '' })
    expect(parentPlace(undefined, '')).toBeUndefined()
  })
})
