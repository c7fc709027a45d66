/**
 * The renderer's Content-Security-Policy. Production allows only the app's own files; development adds
 * what Vite's dev server needs (inline styles it injects, its HMR websocket). No 'unsafe-eval' ever.
 */
export function contentSecurityPolicy(mode: 'production' | 'development', devServerOrigin?: string): string {
  const dev = mode === 'development'
  const ws = devServerOrigin ? devServerOrigin.replace(/^http/, 'ws') : ''
  return [
    "default-src 'none'",
    `script-src 'self'${dev && devServerOrigin ? ` ${devServerOrigin}` : ''}`,
    `style-src 'self'${dev ? " 'unsafe-inline'" : ''}`,
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src 'self'${dev && ws ? ` ${ws} ${devServerOrigin}` : ''}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "frame-src 'none'",
    "object-src 'none'",
    "worker-src 'none'",
  ].join('; ')
}
