/**
 * Manual approvals that reach the user. For each watched profile main polls its pipelines' state (every
 * 30 s; after a passing failure — offline, throttled — on a doubling backoff up to 5 minutes, so it
 * pauses offline and resumes after), and when an approval starts waiting it shows one OS notification
 * (clicking opens the pipeline) and sends `codepipeline.approvals` with everything waiting, for the
 * badge and the countdowns. Which approvals were announced is kept on disk, so a restart never
 * announces one twice. A profile is watched (all its pipelines) from its first pipeline listing, unless
 * the user turned that off.
 */
import { join } from 'node:path'
import { z } from 'zod'
import type { PendingApproval } from '../api/codepipeline'
import type { AppEvent } from '../api/events'
import { readJsonFile, writeFileAtomic } from '../core/atomic-file'
import { toApiError } from '../core/errors'

export type WatchedPipelines = 'all' | string[]

export interface ApprovalWatcherDeps {
  dataDir: string
  /** What waits now in these pipelines of the profile (the module's SDK calls). */
  check(profileId: string, pipelines: WatchedPipelines, signal: AbortSignal): Promise<PendingApproval[]>
  notify(title: string, body: string, route?: string): void
  emit(event: AppEvent): void
  log(message: string): void
  setTimer?: (fn: () => void, ms: number) => { cancel(): void }
  intervalMs?: number
  maxBackoffMs?: number
}

const StateFile = z.object({
  watches: z.record(z.string(), z.union([z.literal('all'), z.array(z.string()), z.literal(false)])),
  announced: z.array(z.string()),
})
type StateFile = z.infer<typeof StateFile>

/** Announced keys kept besides the ones still waiting (so the file stays small). */
const ANNOUNCED_KEPT = 500
/** After a restart, the first poll of the watched profiles. */
const STARTUP_DELAY_MS = 5_000
const TRANSIENT = new Set(['offline', 'interrupted', 'throttled', 'internal'])

const keyOf = (a: PendingApproval) => [a.profileId, a.pipeline, a.stage, a.action, a.executionId ?? '', a.sinceMs ?? ''].join('\n')

const defaultTimer = (fn: () => void, ms: number) => {
  const handle = setTimeout(fn, ms)
  handle.unref?.()
  return { cancel: () => clearTimeout(handle) }
}

interface Loop {
  pipelines: WatchedPipelines
  timer?: { cancel(): void }
  controller?: AbortController
  delayMs: number
}

export class ApprovalWatcher {
  private state: StateFile = { watches: {}, announced: [] }
  private readonly loops = new Map<string, Loop>()
  private readonly waiting = new Map<string, PendingApproval[]>()
  private readonly setTimer: NonNullable<ApprovalWatcherDeps['setTimer']>
  private readonly intervalMs: number
  private readonly maxBackoffMs: number
  private readonly file: string
  private saving: Promise<void> = Promise.resolve()
  private closed = false

  constructor(private readonly deps: ApprovalWatcherDeps) {
    this.setTimer = deps.setTimer ?? defaultTimer
    this.intervalMs = deps.intervalMs ?? 30_000
    this.maxBackoffMs = deps.maxBackoffMs ?? 300_000
    this.file = join(deps.dataDir, 'codepipeline', 'approvals.json')
  }

  /** Reads what was watched and announced before; starts watching those profiles again. */
  async load(): Promise<void> {
    try {
      const parsed = StateFile.safeParse(await readJsonFile(this.file))
      if (parsed.success) this.state = parsed.data
    } catch (error) {
      this.deps.log(`codepipeline: the approvals file could not be read (${(error as Error).message}); starting afresh`)
    }
    // The first look waits a little: the app's start-up (window, sandbox, listings) comes first.
    for (const [profileId, pipelines] of Object.entries(this.state.watches)) {
      if (pipelines !== false) this.startLoop(profileId, pipelines, STARTUP_DELAY_MS)
    }
  }

  /** Watches all of the profile's pipelines unless the user has chosen otherwise. */
  watchByDefault(profileId: string): void {
    if (profileId in this.state.watches) return
    this.set(profileId, 'all', true)
  }

  set(profileId: string, pipelines: WatchedPipelines, enabled: boolean): void {
    this.state.watches[profileId] = enabled ? pipelines : false
    this.save()
    this.stopLoop(profileId)
    if (enabled) this.startLoop(profileId, pipelines, 0)
    else if (this.waiting.delete(profileId)) this.announce()
  }

  /** Everything waiting now, across the watched profiles, soonest to expire first. */
  pending(): PendingApproval[] {
    return [...this.waiting.values()].flat().sort((a, b) => (a.expiresAtMs ?? Infinity) - (b.expiresAtMs ?? Infinity))
  }

  /** A fresh look at one profile now (after the user answered an approval, say). */
  refresh(profileId: string): void {
    const loop = this.loops.get(profileId)
    if (!loop) return
    this.stopLoop(profileId)
    this.startLoop(profileId, loop.pipelines, 0)
  }

  async close(): Promise<void> {
    this.closed = true
    for (const profileId of [...this.loops.keys()]) this.stopLoop(profileId)
    await this.saving
  }

  private startLoop(profileId: string, pipelines: WatchedPipelines, delayMs: number): void {
    if (this.closed) return
    const loop: Loop = { pipelines, delayMs: this.intervalMs }
    this.loops.set(profileId, loop)
    loop.timer = this.setTimer(() => void this.poll(profileId, loop), delayMs)
  }

  private stopLoop(profileId: string): void {
    const loop = this.loops.get(profileId)
    loop?.timer?.cancel()
    loop?.controller?.abort()
    this.loops.delete(profileId)
  }

  private async poll(profileId: string, loop: Loop): Promise<void> {
    loop.controller = new AbortController()
    let next = this.intervalMs
    try {
      const approvals = await this.deps.check(profileId, loop.pipelines, loop.controller.signal)
      if (this.loops.get(profileId) !== loop) return
      loop.delayMs = this.intervalMs
      this.waiting.set(profileId, approvals)
      this.announceNew(approvals)
      this.announce()
    } catch (error) {
      if (this.loops.get(profileId) !== loop) return
      const { code, message } = toApiError(error)
      // Offline or throttled: wait longer each time, and carry on. Anything else is logged and retried rarely.
      loop.delayMs = Math.min(loop.delayMs * 2, this.maxBackoffMs)
      next = TRANSIENT.has(code) ? loop.delayMs : this.maxBackoffMs
      if (!TRANSIENT.has(code)) this.deps.log(`codepipeline: approvals of ${profileId} not checked: ${message}`)
    }
    if (this.loops.get(profileId) === loop && !this.closed) loop.timer = this.setTimer(() => void this.poll(profileId, loop), next)
  }

  private announceNew(approvals: PendingApproval[]): void {
    const announced = new Set(this.state.announced)
    const fresh = approvals.filter((a) => !announced.has(keyOf(a)))
    if (!fresh.length) return
    for (const approval of fresh) {
      this.deps.notify(
        `Approval waiting: ${approval.pipeline}`,
        `${approval.stage} / ${approval.action} waits for your answer${approval.customData ? `: ${approval.customData}` : '.'}`,
        `/pipelines/${encodeURIComponent(approval.pipeline)}`,
      )
    }
    // Keep every key still waiting, and the latest others: enough to never announce one twice.
    const all = [...this.state.announced, ...fresh.map(keyOf)]
    const waitingKeys = new Set(this.pending().map(keyOf))
    this.state.announced = [...all.filter((k) => !waitingKeys.has(k)).slice(-ANNOUNCED_KEPT), ...all.filter((k) => waitingKeys.has(k))]
    this.save()
  }

  private announce(): void {
    this.deps.emit({ type: 'codepipeline.approvals', approvals: this.pending() })
  }

  private save(): void {
    const snapshot = JSON.stringify(this.state)
    this.saving = this.saving
      .then(() => writeFileAtomic(this.file, snapshot))
      .catch((error: unknown) => this.deps.log(`codepipeline: the approvals file was not saved: ${String(error)}`))
  }
}
