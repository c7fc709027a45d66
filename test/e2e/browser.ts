/**
 * Headless Chromium (Debian's /usr/bin/chromium via playwright-core) showing the BUILT renderer
 * (out/renderer) served with the production CSP, with `window.haneul` bridged to the real router of a
 * test harness. Every call the page makes goes renderer → bridge → router → services → SDK → sandbox.
 */
import { createServer, type Server, type ServerResponse } from 'node:http'
import { existsSync, mkdirSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import type { AddressInfo } from 'node:net'
import { extname, join, normalize, relative } from 'node:path'
import { build } from 'esbuild'
import { chromium, type Browser, type Page } from 'playwright-core'
import { CallRegistry } from '../../src-main/core/calls'
import { contentSecurityPolicy } from '../../src-main/electron/csp'
import { repoRoot, startHarness, type Harness, type HarnessOptions } from '../helpers/app-harness'

export const screenshotDir = join(repoRoot, 'test-results', 'screenshots')
const rendererDir = join(repoRoot, 'out', 'renderer')
const types: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
}

async function serveRenderer(): Promise<Server> {
  if (!existsSync(join(rendererDir, 'index.html'))) throw new Error('out/renderer is missing: run `npm run build` first (npm test does).')
  const csp = contentSecurityPolicy('production')
  const server = createServer((req, res) => void serveFile(req.url, res))
  async function serveFile(url: string | undefined, res: ServerResponse): Promise<void> {
    const path = normalize(join(rendererDir, decodeURIComponent(new URL(url ?? '/', 'http://x').pathname.replace(/^\/$/, '/index.html'))))
    if (relative(rendererDir, path).startsWith('..')) return void res.writeHead(404).end()
    try {
      const body = await readFile(path)
      res.writeHead(200, { 'content-type': types[extname(path)] ?? 'application/octet-stream', 'content-security-policy': csp })
      res.end(body)
    } catch {
      res.writeHead(404).end()
    }
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return server
}

async function bridgeScript(): Promise<string> {
  const result = await build({
    entryPoints: [join(repoRoot, 'test/e2e/bridge-entry.ts')],
    bundle: true,
    format: 'iife',
    write: false,
    platform: 'browser',
    target: 'chrome120',
  })
  return result.outputFiles[0]!.text
}

export interface AppPage {
  page: Page
  harness: Harness
  /** Files a synthetic drop of these names stands for (name → absolute path). */
  dropFiles: Map<string, string>
  /** Console errors and CSP violations the page reported. */
  consoleErrors: string[]
  screenshot(name: string): Promise<string>
  close(): Promise<void>
}

export interface OpenAppOptions extends HarnessOptions {
  locale?: string
  /**
   * Answers some of the page's calls instead of the harness's router (the pipelines benchmark serves
   * `codepipeline.*` from a pipeline with 1,000 runs); undefined leaves the call to the harness.
   */
  invoke?: (operation: string, payload: unknown, context: { senderUrl: string; signal: AbortSignal }) => Promise<unknown> | undefined
}

export async function openApp(options: OpenAppOptions = {}): Promise<AppPage> {
  const server = await serveRenderer()
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  // Events from main go to the page once it exists.
  const target: { page?: Page } = {}
  const harness = await startHarness({
    ...options,
    trustedOrigin: origin,
    onEvent: (event) =>
      void target.page
        ?.evaluate((e) => (globalThis as unknown as { __haneulEmit?: (e: unknown) => void }).__haneulEmit?.(e), event)
        .catch(() => {}),
  })
  const browser: Browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-quic',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: options.locale ?? 'en-US' })
  const calls = new CallRegistry()
  await context.exposeBinding('__haneulInvoke', async (source, operation: string, payload: unknown, requestId: string | undefined) => {
    const { signal, end } = calls.begin('page', requestId ?? undefined)
    try {
      const answered = options.invoke?.(operation, payload, { senderUrl: source.frame.url(), signal })
      if (answered) return await answered
      return await harness.services.router.handle(operation, payload, {
        senderUrl: source.frame.url(),
        signal,
        requestId: requestId ?? undefined,
      })
    } finally {
      end()
    }
  })
  await context.exposeBinding('__haneulCancel', async (_source, requestId: string) => calls.cancel('page', requestId))
  const dropFiles = new Map<string, string>()
  await context.exposeBinding('__haneulDrop', async (_source, names: string[]) => {
    const paths = names.flatMap((name) => (dropFiles.has(name) ? [dropFiles.get(name)!] : []))
    if (paths.length) await harness.services.transfers.registerDrop(paths)
  })
  await context.addInitScript({ content: await bridgeScript() })
  const page = await context.newPage()
  target.page = page
  const consoleErrors: string[] = []
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text())
  })
  page.on('pageerror', (error) => consoleErrors.push(error.message))
  await page.goto(`${origin}/index.html`)
  mkdirSync(screenshotDir, { recursive: true })
  return {
    page,
    harness,
    dropFiles,
    consoleErrors,
    async screenshot(name) {
      const path = join(screenshotDir, `${name}.png`)
      await page.screenshot({ path, fullPage: false })
      return path
    },
    async close() {
      await browser.close()
      await new Promise<void>((resolve) => server.close(() => resolve()))
      await harness.close()
    },
  }
}
