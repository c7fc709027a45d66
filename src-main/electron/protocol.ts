/**
 * Serves the built renderer from `app://haneul/` instead of file://, so the page has its own origin
 * (file:// shares one with every file on disk), a real CSP header, and no path outside the renderer folder.
 */
import { net, protocol } from 'electron'
import { join, normalize, relative, isAbsolute } from 'node:path'
import { pathToFileURL } from 'node:url'

export const APP_SCHEME = 'app'
export const APP_ORIGIN = 'app://haneul'

/** Must run before the app is ready. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }])
}

export function serveRenderer(rendererDir: string, csp: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url)
    if (url.host !== 'haneul') return new Response('Not found', { status: 404 })
    let decoded: string
    try {
      decoded = decodeURIComponent(url.pathname === '/' ? '/index.html' : url.pathname)
    } catch {
      return new Response('Bad request', { status: 400 })
    }
    const path = normalize(join(rendererDir, decoded))
    const inside = relative(rendererDir, path)
    if (inside.startsWith('..') || isAbsolute(inside)) return new Response('Not found', { status: 404 })
    const response = await net.fetch(pathToFileURL(path).toString())
    const headers = new Headers(response.headers)
    headers.set('Content-Security-Policy', csp)
    headers.set('X-Content-Type-Options', 'nosniff')
    return new Response(response.body, { status: response.status, headers })
  })
}
