/**
 * `npm run bench -- pipelines` (not a test): a pipeline with 1,000 executions of 10 actions each.
 *
 * 1. The data path, through the real router and codepipeline module with the real SDK against the
 *    CodePipeline emulator on loopback: the first history page, a pipeline's flow, one execution's
 *    timeline, the stage-duration trend (medians of 7, wall time).
 * 2. The window, in headless Chromium (the built renderer, as the e2e tests run it; its codepipeline.*
 *    calls answered by the same module): time from opening History to its first rows on screen, and
 *    from choosing a run to its Gantt chart drawn (the canvas present, then two animation frames);
 *    then all 40 pages loaded and the table scrolled top to bottom, one step a frame: frame times and
 *    the page's JS heap and DOM nodes (Chrome DevTools Protocol Performance.getMetrics).
 * 3. The approval watcher over 20 watched pipelines: its requests per poll, counted at the emulator,
 *    as a rate at its 30 s interval, beside CodePipeline's request quotas.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { availableParallelism, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { CodePipelineClient } from '@aws-sdk/client-codepipeline'
import { codepipelineApi } from '../../src-main/api/codepipeline'
import { createCodePipelineModule } from '../../src-main/codepipeline/handlers'
import { ConnectivityMonitor } from '../../src-main/offline/connectivity'
import { OfflineFirst } from '../../src-main/offline/offline-first'
import { SnapshotStore } from '../../src-main/offline/snapshot-store'
import { createRouter, type Router } from '../../src-main/router'
import { createCodePipelineEmulator, type CodePipelineEmulator } from '../../src-main/sandbox/codepipeline/index'
import type { ActionDeclaration, PipelineDeclaration } from '../../src-main/sandbox/codepipeline/model'
import { CredentialRegistry, SANDBOX_ACCESS_KEY_ID, SANDBOX_SECRET_ACCESS_KEY } from '../../src-main/sandbox/credentials'
import { openApp } from '../e2e/browser'

const RUNS = 7
const EXECUTIONS = 1000
const WATCHED = 20
const WATCH_INTERVAL_S = 30
const PIPELINE = 'bench-release'
const MINUTE = 60_000

/** What the page's own code sees (this file is type-checked for Node, without the DOM's types). */
interface PageGlobals {
  requestAnimationFrame(callback: (timeMs: number) => void): void
  document: { querySelector(selector: string): { scrollTop: number; clientHeight: number; scrollHeight: number } | null }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!
const percentile = (values: number[], p: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * p))]!

const act = (name: string, category: ActionDeclaration['actionTypeId']['category'], provider: string, runOrder = 1): ActionDeclaration => ({
  name,
  actionTypeId: { category, owner: 'AWS', provider, version: '1' },
  runOrder,
  configuration: provider === 'S3' && category === 'Source' ? { S3Bucket: 'bench', S3ObjectKey: 'site.zip' } : {},
})

/** Five stages, ten actions, no approval (so a run finishes on its own). */
function declaration(name: string): PipelineDeclaration {
  return {
    name,
    roleArn: 'arn:aws:iam::123456789012:role/bench',
    artifactStore: { type: 'S3', location: 'bench-artifacts' },
    version: 1,
    pipelineType: 'V2',
    executionMode: 'QUEUED',
    stages: [
      { name: 'Source', actions: [act('Source', 'Source', 'S3')] },
      { name: 'Build', actions: [act('Build', 'Build', 'CodeBuild'), act('UnitTests', 'Test', 'CodeBuild')] },
      { name: 'Staging', actions: [act('DeployToStaging', 'Deploy', 'S3'), act('SmokeTest', 'Invoke', 'Lambda', 2)] },
      {
        name: 'Production',
        actions: [
          act('DeployToSite', 'Deploy', 'S3'),
          act('InvalidateCache', 'Invoke', 'Lambda', 2),
          act('Announce', 'Invoke', 'Lambda', 3),
        ],
      },
      { name: 'Verify', actions: [act('CheckLinks', 'Invoke', 'Lambda'), act('CheckHeaders', 'Invoke', 'Lambda')] },
    ],
  }
}

interface World {
  emulator: CodePipelineEmulator
  server: Server
  router: Router
  /** Requests the emulator received, by operation. */
  requests: Map<string, number>
  /** The watcher's pending timer, fired by hand. */
  fireWatcher: () => boolean
  close(): Promise<void>
}

/** An emulator with the given pipelines (and their history), the codepipeline module and a router over them. */
async function world(dir: string, pipelines: string[], executions: number): Promise<World> {
  const credentials = new CredentialRegistry(Date.now)
  let clockMs = Date.now() - 40 * 24 * 60 * MINUTE
  const emulator = createCodePipelineEmulator({
    credentials,
    nowMs: () => clockMs,
    seed: 'empty',
    speed: 1,
    outcome: () => ({ status: 'Succeeded' }),
  })
  const { engine } = emulator
  const revision = { revisionId: 'v1', message: 'site.zip', author: 'bench', createdMs: clockMs }
  for (const name of pipelines) engine.addPipeline(declaration(name), { Source: [revision] })
  for (let i = 0; i < executions; i++) {
    engine.start(pipelines[0]!, { trigger: { triggerType: i % 5 === 0 ? 'StartPipelineExecution' : 'Webhook' } })
    engine.runUntil(engine.nowMs + 30 * MINUTE)
  }
  clockMs = Date.now()
  engine.runUntil(clockMs)
  const requests = new Map<string, number>()
  const server = createServer((req: IncomingMessage, res) => {
    const target =
      String(req.headers['x-amz-target'] ?? '')
        .split('.')
        .pop() ?? ''
    requests.set(target, (requests.get(target) ?? 0) + 1)
    clockMs = Date.now()
    void emulator.handle(req, res)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const client = new CodePipelineClient({
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    region: 'us-east-1',
    credentials: { accessKeyId: SANDBOX_ACCESS_KEY_ID, secretAccessKey: SANDBOX_SECRET_ACCESS_KEY },
  })
  const snapshots = await SnapshotStore.open({ dir: join(dir, `snapshots-${pipelines.length}`), maxBytes: 64 << 20 })
  let timer: (() => void) | undefined
  const module = await createCodePipelineModule({
    clients: { client: async () => client },
    offline: new OfflineFirst(snapshots, new ConnectivityMonitor({ probe: async () => 'online', onChange: () => {} }), 'codepipeline'),
    dataDir: join(dir, `data-${pipelines.length}`),
    notify: () => {},
    emit: () => {},
    log: () => {},
    setTimer: (fn) => {
      timer = fn
      return { cancel: () => (timer = undefined) }
    },
  })
  const router = createRouter({
    contract: { codepipeline: codepipelineApi },
    handlers: { codepipeline: module.handlers },
    isTrustedSender: () => true,
  })
  return {
    emulator,
    server,
    router,
    requests,
    fireWatcher: () => {
      const fn = timer
      timer = undefined
      fn?.()
      return fn !== undefined
    },
    async close() {
      await module.close?.()
      await snapshots.flush()
      client.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

async function call<T>(router: Router, operation: string, payload: object): Promise<T> {
  const result = await router.handle(`codepipeline.${operation}`, payload, {
    senderUrl: 'app://haneul/',
    signal: new AbortController().signal,
  })
  if (!result.ok) throw new Error(`${operation}: ${result.error.message}`)
  return result.value as T
}

async function timed(run: () => Promise<unknown>): Promise<number> {
  await run()
  const samples: number[] = []
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now()
    await run()
    samples.push(performance.now() - start)
  }
  return median(samples)
}

interface WindowFigures {
  historyFirstRowsMs: number
  timelineDrawnMs: number
  rows: number
  drawnRows: number
  frames: number
  frameP50Ms: number
  frameP95Ms: number
  frameMaxMs: number
  longFrames: number
  heapBeforeMiB: number
  heapAfterMiB: number
  nodes: number
}

/** The renderer in headless Chromium, its codepipeline.* calls answered by the benchmark's router. */
async function inChromium(router: Router, executionId: string): Promise<WindowFigures> {
  const app = await openApp({
    locale: 'en-US',
    invoke: (operation, payload, context) =>
      operation.startsWith('codepipeline.') ? router.handle(operation, payload, context) : undefined,
  })
  try {
    const { page } = app
    await page.locator('[data-bucket="haneul-demo-site"]').waitFor({ timeout: 60_000 })
    await page.locator('nav button[data-section="pipelines"]').click()
    await page.locator(`[data-pipeline="${PIPELINE}"] a`).click()
    await page.locator('[data-testid="pipeline-flow"]').waitFor()
    const afterFrames = () =>
      page.evaluate(() => {
        const g = globalThis as unknown as PageGlobals
        return new Promise<void>((r) => g.requestAnimationFrame(() => g.requestAnimationFrame(() => r())))
      })

    let start = performance.now()
    await page.locator('[data-tab="history"]').click()
    await page.locator('[data-testid="pipeline-history"] tbody tr').first().waitFor()
    await afterFrames()
    const historyFirstRowsMs = performance.now() - start

    start = performance.now()
    await page.locator(`[data-execution="${executionId}"]`).click()
    await page.locator(`[data-timeline="${executionId}"] canvas`).waitFor()
    await afterFrames()
    const timelineDrawnMs = performance.now() - start
    await app.screenshot('bench-pipelines-timeline')

    const cdp = await page.context().newCDPSession(page)
    await cdp.send('Performance.enable')
    const metric = async (name: string) =>
      ((await cdp.send('Performance.getMetrics')) as { metrics: Array<{ name: string; value: number }> }).metrics.find(
        (m) => m.name === name,
      )?.value ?? 0
    const heapBeforeMiB = (await metric('JSHeapUsedSize')) / 2 ** 20

    // Every page of the history (40 of 25); the table says how many rows it holds (only those in view are drawn).
    const table = page.locator('[data-testid="pipeline-history"]')
    const held = async () => Number(await table.getAttribute('data-rows'))
    while (await page.locator('[data-testid="history-more"]').count()) {
      const before = await held()
      await page.locator('[data-testid="history-more"]').click()
      await page.locator(`[data-testid="pipeline-history"]:not([data-rows="${before}"])`).waitFor()
    }
    const rowCount = await held()
    const drawnRows = await page.locator('[data-testid="pipeline-history"] tbody tr[data-execution]').count()

    // Scroll the table top to bottom, 60 px a frame, timing each frame.
    const frames = await page.evaluate(async () => {
      const g = globalThis as unknown as PageGlobals
      const requestAnimationFrame = g.requestAnimationFrame.bind(g)
      const box = g.document.querySelector('[data-testid="history-scroll"]')!
      box.scrollTop = 0
      const deltas: number[] = []
      let last = await new Promise<number>((r) => requestAnimationFrame(r))
      while (box.scrollTop + box.clientHeight < box.scrollHeight - 1) {
        box.scrollTop += 60
        const now = await new Promise<number>((r) => requestAnimationFrame(r))
        deltas.push(now - last)
        last = now
      }
      return deltas
    })
    const heapAfterMiB = (await metric('JSHeapUsedSize')) / 2 ** 20
    const nodes = await metric('Nodes')
    return {
      historyFirstRowsMs,
      timelineDrawnMs,
      rows: rowCount,
      drawnRows,
      frames: frames.length,
      frameP50Ms: percentile(frames, 0.5),
      frameP95Ms: percentile(frames, 0.95),
      frameMaxMs: Math.max(...frames),
      longFrames: frames.filter((d) => d > 50).length,
      heapBeforeMiB,
      heapAfterMiB,
      nodes,
    }
  } finally {
    await app.close()
  }
}

export async function runPipelinesBench(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'haneul-pipelines-bench-'))
  try {
    // 1. The data path.
    const big = await world(dir, [PIPELINE], EXECUTIONS)
    const profileId = 'sandbox'
    const page = await call<{ executions: Array<{ executionId: string }> }>(big.router, 'executions', { profileId, pipeline: PIPELINE })
    let all = page.executions.length
    let token = (page as { nextToken?: string }).nextToken
    while (token) {
      const next = await call<{ executions: unknown[]; nextToken?: string }>(big.router, 'executions', {
        profileId,
        pipeline: PIPELINE,
        nextToken: token,
      })
      all += next.executions.length
      token = next.nextToken
    }
    const middle = page.executions[12]!.executionId
    const firstPageMs = await timed(() => call(big.router, 'executions', { profileId, pipeline: PIPELINE }))
    const flowMs = await timed(() => call(big.router, 'pipeline', { profileId, pipeline: PIPELINE }))
    const timeline = await call<{ timeline?: { stages: Array<{ actions: unknown[] }> } }>(big.router, 'timeline', {
      profileId,
      pipeline: PIPELINE,
      executionId: middle,
    })
    const timelineActions = timeline.timeline?.stages.reduce((n, s) => n + s.actions.length, 0) ?? 0
    const timelineMs = await timed(() => call(big.router, 'timeline', { profileId, pipeline: PIPELINE, executionId: middle }))
    const trendMs = await timed(() => call(big.router, 'stageDurations', { profileId, pipeline: PIPELINE, runs: 20 }))

    // 2. The window.
    let window: WindowFigures | string
    try {
      window = await inChromium(big.router, middle)
    } catch (error) {
      window = `not measured: ${(error as Error).message.split('\n')[0]}`
    }
    await big.close()

    // 3. The watcher over 20 pipelines (with no history: what a poll costs does not depend on it).
    const names = Array.from({ length: WATCHED }, (_, i) => `watched-${String(i + 1).padStart(2, '0')}`)
    const watched = await world(dir, names, 0)
    await call(watched.router, 'watchApprovals', { profileId, pipelines: 'all', enabled: true })
    const polls = 3
    for (let i = 0; i < polls; i++) {
      // The watcher's next poll is due: run it, and wait until it has asked for everything.
      const before = [...watched.requests.values()].reduce((a, b) => a + b, 0)
      if (!watched.fireWatcher()) throw new Error('the watcher had no poll scheduled')
      for (let wait = 0; wait < 200; wait++) {
        const now = [...watched.requests.values()].reduce((a, b) => a + b, 0)
        if (now - before >= 1 + 2 * WATCHED) break
        await new Promise((r) => setTimeout(r, 10))
      }
      await new Promise((r) => setTimeout(r, 20))
    }
    const perPoll = (op: string) => (watched.requests.get(op) ?? 0) / polls
    const totalPerPoll = [...watched.requests.values()].reduce((a, b) => a + b, 0) / polls
    await watched.close()

    const rows: Array<[string, string]> = [
      ['history of the pipeline', `${all} executions × 10 actions`],
      ['first history page (router → module → SDK → emulator)', `${firstPageMs.toFixed(1)} ms`],
      ['a pipeline’s flow (GetPipeline, GetPipelineState, history page, Source runs)', `${flowMs.toFixed(1)} ms`],
      [`one execution’s timeline (${timelineActions} action runs)`, `${timelineMs.toFixed(1)} ms`],
      ['stage-duration trend, last 20 runs', `${trendMs.toFixed(1)} ms`],
    ]
    if (typeof window === 'string') rows.push(['window (headless Chromium)', window])
    else {
      rows.push(
        ['window: History opened → first rows on screen', `${window.historyFirstRowsMs.toFixed(0)} ms`],
        ['window: run chosen → Gantt chart drawn', `${window.timelineDrawnMs.toFixed(0)} ms`],
        [
          `window: scrolling ${window.rows} rows (${window.drawnRows} in the page), ${window.frames} frames`,
          `p50 ${window.frameP50Ms.toFixed(1)} ms, p95 ${window.frameP95Ms.toFixed(1)} ms, max ${window.frameMaxMs.toFixed(1)} ms, ${window.longFrames} over 50 ms`,
        ],
        [
          'window: JS heap (timeline shown → all rows, after scrolling)',
          `${window.heapBeforeMiB.toFixed(1)} → ${window.heapAfterMiB.toFixed(1)} MiB, ${window.nodes} DOM nodes`,
        ],
      )
    }
    rows.push(
      [
        `watcher, ${WATCHED} pipelines: requests per poll`,
        `${totalPerPoll} (ListPipelines ${perPoll('ListPipelines')}, GetPipeline ${perPoll('GetPipeline')}, GetPipelineState ${perPoll('GetPipelineState')})`,
      ],
      [
        `watcher at its ${WATCH_INTERVAL_S} s interval`,
        `${(totalPerPoll / WATCH_INTERVAL_S).toFixed(2)} requests/s in all, GetPipelineState ${(perPoll('GetPipelineState') / WATCH_INTERVAL_S).toFixed(2)}/s`,
      ],
    )
    const width = Math.max(...rows.map(([k]) => k.length))
    console.log(
      `\nPipelines benchmark (${new Date().toISOString()}, medians of ${RUNS} where timed in Node; load average ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')} on ${availableParallelism()} cores: wall and frame times include the neighbours)\n`,
    )
    for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`)
    console.log(
      '\nCodePipeline throttles each account per Region and operation (ThrottlingException); the watcher backs off on it (approvals.ts).',
    )
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
