/**
 * Routes: one per section and per object of interest, so any view can link to any other (a
 * distribution's origin opens its bucket, a DNS alias its distribution). Views load lazily.
 *
 * A storage folder is `/storage/:bucket/:prefix`, the prefix one parameter holding S3's exact prefix
 * (slashes encoded): S3 prefixes may hold `//`, `%`, `+`, spaces or NFD Korean, and a repeatable
 * `:prefix*` parameter (one non-empty segment each) could not say `a//b/`.
 */
import { createRouter, type RouteComponent, type RouteLocationRaw, type Router } from 'vue-router'
import type { SectionId } from '../sections'
import { createAppHistory, type AppHistory } from './history'

declare module 'vue-router' {
  interface RouteMeta {
    /** The navigation entry this route belongs to. */
    section: SectionId
  }
}

/** The views, each loaded when its route is first opened. */
export interface Views {
  storage: () => Promise<RouteComponent>
  cloudfront: () => Promise<RouteComponent>
  costs: () => Promise<RouteComponent>
  dns: () => Promise<RouteComponent>
  site: () => Promise<RouteComponent>
  pipelines: () => Promise<RouteComponent>
}
const lazyViews: Views = {
  storage: () => import('../views/StorageView.vue'),
  cloudfront: () => import('../views/CloudFrontView.vue'),
  costs: () => import('../views/CostsView.vue'),
  dns: () => import('../views/DnsView.vue'),
  site: () => import('../views/SiteView.vue'),
  pipelines: () => import('../views/PipelinesView.vue'),
}

export type AppRouter = Router & { appHistory: AppHistory }

export function createAppRouter(history: AppHistory = createAppHistory(), views: Views = lazyViews): AppRouter {
  const StorageView = views.storage
  const CloudFrontView = views.cloudfront
  const CostsView = views.costs
  const DnsView = views.dns
  const SiteView = views.site
  const PipelinesView = views.pipelines
  const router = createRouter({
    history,
    routes: [
      { path: '/', redirect: '/storage' },
      { path: '/storage', name: 'buckets', component: StorageView, meta: { section: 'storage' } },
      { path: '/storage/:bucket/:prefix(.*)?', name: 'folder', component: StorageView, meta: { section: 'storage' } },
      { path: '/costs', name: 'costs', component: CostsView, meta: { section: 'costs' } },
      { path: '/cloudfront/:id?', name: 'cloudfront', component: CloudFrontView, meta: { section: 'cloudfront' } },
      { path: '/dns/:zoneId?', name: 'dns', component: DnsView, meta: { section: 'dns' } },
      { path: '/pipelines/:name?', name: 'pipelines', component: PipelinesView, meta: { section: 'pipelines' } },
      { path: '/site/:domain?', name: 'site', component: SiteView, meta: { section: 'site' } },
      { path: '/:unknown(.*)', redirect: '/storage' },
    ],
  })
  return Object.assign(router, { appHistory: history })
}

/** A distribution's page, or the list of distributions. */
export function distributionLocation(id?: string): RouteLocationRaw {
  return { name: 'cloudfront', params: { id: id || null } }
}

/** Costs of a bucket (and a prefix of it), or the bucket picker: `/costs?bucket=…&prefix=…`. */
export function costsLocation(bucket?: string, prefix = ''): RouteLocationRaw {
  return { name: 'costs', query: bucket ? { bucket, ...(prefix ? { prefix } : {}) } : {} }
}

/** Where a storage place lives: the bucket list, or a folder ('' is the bucket's top). */
export function storageLocation(bucket?: string, prefix = ''): RouteLocationRaw {
  return bucket ? { name: 'folder', params: { bucket, prefix: prefix || null } } : { name: 'buckets' }
}

/** The storage place a route names; undefined for a route of another section. */
export function storagePlace(route: { name?: unknown; params: Record<string, unknown> }): { bucket?: string; prefix: string } | undefined {
  if (route.name === 'buckets') return { prefix: '' }
  if (route.name !== 'folder') return undefined
  const { bucket, prefix } = route.params
  return { bucket: String(bucket), prefix: typeof prefix === 'string' ? prefix : '' }
}

/** The parent of a storage place: the folder above, the bucket's top, then the bucket list. */
export function parentPlace(bucket: string | undefined, prefix: string): { bucket?: string; prefix: string } | undefined {
  if (!bucket) return undefined
  if (!prefix) return { prefix: '' }
  const parts = prefix.slice(0, -1).split('/')
  parts.pop()
  return { bucket, prefix: parts.length ? `${parts.join('/')}/` : '' }
}
