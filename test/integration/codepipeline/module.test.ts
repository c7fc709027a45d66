/**
 * The codepipeline.* operations through the router against the CodePipeline emulator (real SDK client,
 * a clock the test moves, the approval watcher's timers fired by hand): pipelines with their stages and
 * waiting approvals, a pipeline's flow with the commit in each stage, history pages, a timeline equal to
 * the engine's own records, answering an approval with a fresh token, refusals in words, and one
 * notification per waiting approval — also across a restart.
 */
import { GetPipelineStateCommand } from '@aws-sdk/client-codepipeline'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { codepipelineApi, type ExecutionSummary, type PipelineDetails, type PipelineSummary } from '../../../src-main/api/codepipeline'
import type { AppEvent } from '../../../src-main/api/events'
import { createCodePipelineModule } from '../../../src-main/codepipeline/handlers'
import { ConnectivityMonitor } from '../../../src-main/offline/connectivity'
import { OfflineFirst } from '../../../src-main/offline/offline-first'
import { SnapshotStore } from '../../../src-main/offline/snapshot-store'
import { createRouter } from '../../../src-main/router'
import { DOCS_PIPELINE, SITE_PIPELINE } from '../../../src-main/sandbox/codepipeline/seed'
import { manualTimers } from '../../helpers/manual-timers'
import { startCodePipeline } from '../sandbox/codepipeline/harness'

const profileId = 'sandbox'
const MINUTE = 60_000
let sandbox: Awaited<ReturnType<typeof startCodePipeline>>
let dataDir: string
let events: AppEvent[]
let notifications: Array<{ title: string; body: string; route?: string }>
let timers: ReturnType<typeof manualTimers>
let closers: Array<() => Promise<void> | void>

type Reply<T> = { ok: true; value: T } | { ok: false; error: { code: string; message: string } }

async function app() {
  const snapshots = await SnapshotStore.open({ dir: join(dataDir, 'snapshots'), maxBytes: 16 << 20 })
  const module = await createCodePipelineModule({
    clients: { client: async () => sandbox.client },
    offline: new OfflineFirst(snapshots, new ConnectivityMonitor({ probe: async () => 'online', onChange: () => {} }), 'codepipeline'),
    dataDir,
    notify: (title, body, route) => notifications.push({ title, body, route }),
    emit: (event) => events.push(event),
    log: () => {},
    setTimer: timers.setTimer,
  })
  closers.push(
    () => module.close?.(),
    () => snapshots.flush(),
  )
  const router = createRouter({
    contract: { codepipeline: codepipelineApi },
    handlers: { codepipeline: module.handlers },
    isTrustedSender: () => true,
  })
  return async <T = unknown>(operation: string, payload: unknown) =>
    (await router.handle(`codepipeline.${operation}`, payload, {
      senderUrl: 'app://haneul/',
      signal: new AbortController().signal,
    })) as Reply<T>
}

async function ok<T>(reply: Promise<Reply<T>>): Promise<T> {
  const result = await reply
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`)
  return result.value
}

/** Fires the approval watcher's pending poll and waits until its requests are answered. */
async function poll(): Promise<void> {
  const before = events.length
  await timers.fireNext()
  await vi.waitFor(() => expect(events.length).toBeGreaterThan(before))
}

beforeEach(async () => {
  sandbox = await startCodePipeline()
  dataDir = await mkdtemp(join(tmpdir(), 'haneul-codepipeline-'))
  events = []
  notifications = []
  timers = manualTimers()
  closers = []
})
afterEach(async () => {
  for (const close of closers.reverse()) await close()
  await sandbox.close()
  await rm(dataDir, { recursive: true, force: true })
})

describe('pipelines, flow and history', () => {
  it('lists the pipelines with each stage’s latest status and the approval waiting', async () => {
    const call = await app()
    const { pipelines } = await ok(call<{ pipelines: PipelineSummary[] }>('listPipelines', { profileId }))
    const site = pipelines.find((p) => p.name === SITE_PIPELINE)!
    expect(site).toMatchObject({ pipelineType: 'V2', executionMode: 'SUPERSEDED', waitingApprovals: 1 })
    expect(site.stages.map((s) => s.name)).toEqual(['Source', 'Build', 'Staging', 'Approval', 'Production'])
    expect(site.stages.find((s) => s.name === 'Approval')?.status).toBe('InProgress')
    expect(pipelines.find((p) => p.name === DOCS_PIPELINE)).toMatchObject({ pipelineType: 'V1', waitingApprovals: 0 })
  })

  it('shows a pipeline as a flow: actions, transitions, the commit in each stage, the approval without its token', async () => {
    const call = await app()
    const details = await ok(call<PipelineDetails>('pipeline', { profileId, pipeline: SITE_PIPELINE }))
    expect(details).toMatchObject({ pipelineType: 'V2', executionMode: 'SUPERSEDED' })
    const approval = details.stages.find((s) => s.name === 'Approval')!
    expect(approval.actions[0]).toMatchObject({ category: 'Approval', provider: 'Manual', status: 'InProgress' })
    expect(approval.revisions?.[0]).toMatchObject({ actionName: expect.any(String), revisionId: expect.stringMatching(/^[0-9a-f]{7,40}$/) })
    expect(approval.revisions?.[0]?.message).toBeTruthy()
    expect(details.pendingApprovals).toEqual([
      expect.objectContaining({ pipeline: SITE_PIPELINE, stage: 'Approval', action: 'ReviewStaging', expiresAtMs: expect.any(Number) }),
    ])
    const { expiresAtMs, sinceMs } = details.pendingApprovals[0]!
    expect(expiresAtMs! - sinceMs!).toBe(7 * 24 * 60 * MINUTE)
    expect(JSON.stringify(details)).not.toMatch(/"token"/)
    // The state CodePipeline reports, stage by stage.
    const state = await sandbox.client.send(new GetPipelineStateCommand({ name: SITE_PIPELINE }))
    expect(details.stages.map((s) => s.status)).toEqual(state.stageStates!.map((s) => s.latestExecution?.status))
  })

  it('pages the history newest first and filters it by status', async () => {
    const call = await app()
    const first = await ok(
      call<{ executions: ExecutionSummary[]; nextToken?: string }>('executions', { profileId, pipeline: SITE_PIPELINE }),
    )
    expect(first.executions).toHaveLength(25)
    expect(first.nextToken).toBeTruthy()
    const starts = first.executions.map((e) => e.startMs!)
    expect([...starts].sort((a, b) => b - a)).toEqual(starts)
    const second = await ok(
      call<{ executions: ExecutionSummary[] }>('executions', { profileId, pipeline: SITE_PIPELINE, nextToken: first.nextToken }),
    )
    expect(second.executions[0]!.startMs).toBeLessThanOrEqual(starts.at(-1)!)
    const failed = await ok(
      call<{ executions: ExecutionSummary[] }>('executions', { profileId, pipeline: SITE_PIPELINE, status: 'Failed' }),
    )
    expect(failed.executions.every((e) => e.status === 'Failed')).toBe(true)
  })

  it('draws an execution’s timeline from ListActionExecutions equal to the engine’s records', async () => {
    const call = await app()
    const { executions } = await ok(
      call<{ executions: ExecutionSummary[] }>('executions', { profileId, pipeline: SITE_PIPELINE, status: 'Succeeded' }),
    )
    const executionId = executions[0]!.executionId
    const { timeline } = await ok(
      call<{
        timeline: {
          stages: Array<{ stageName: string; actions: Array<{ actionName: string; startMs: number; endMs?: number; status: string }> }>
        }
      }>('timeline', { profileId, pipeline: SITE_PIPELINE, executionId }),
    )
    expect(timeline.stages.map((s) => s.stageName)).toEqual(['Source', 'Build', 'Staging', 'Approval', 'Production'])
    const truth = sandbox.engine.pipeline(SITE_PIPELINE).actionRuns.filter((r) => r.pipelineExecutionId === executionId)
    const runs = timeline.stages.flatMap((s) => s.actions)
    expect(runs).toHaveLength(truth.length)
    for (const run of truth) {
      expect(runs).toContainEqual(
        expect.objectContaining({ actionName: run.actionName, startMs: run.startMs, endMs: run.lastUpdateMs, status: run.status }),
      )
    }
  })
})

describe('approvals', () => {
  it('answers an approval with a fresh token, and says so when it is no longer waiting', async () => {
    const call = await app()
    sandbox.advance(MINUTE)
    const answered = await ok(
      call<{ approvedAtMs?: number }>('answerApproval', {
        profileId,
        pipeline: SITE_PIPELINE,
        stage: 'Approval',
        action: 'ReviewStaging',
        approve: true,
        comment: '스테이징 확인, 배포해요',
      }),
    )
    expect(answered.approvedAtMs).toBe(sandbox.now())
    const again = await call('answerApproval', {
      profileId,
      pipeline: SITE_PIPELINE,
      stage: 'Approval',
      action: 'ReviewStaging',
      approve: false,
      comment: 'late',
    })
    expect(again).toMatchObject({
      ok: false,
      error: { code: 'conflict', message: expect.stringMatching(/not waiting for an answer any more/) },
    })
    sandbox.advance(10 * MINUTE)
    const details = await ok(call<PipelineDetails>('pipeline', { profileId, pipeline: SITE_PIPELINE }))
    expect(details.stages.find((s) => s.name === 'Production')?.status).toBe('Succeeded')
    expect(details.pendingApprovals).toEqual([])
  })

  it('refuses what CodePipeline refuses, in words, changing nothing', async () => {
    const call = await app()
    const { executions } = await ok(
      call<{ executions: ExecutionSummary[] }>('executions', { profileId, pipeline: SITE_PIPELINE, status: 'Succeeded' }),
    )
    const retry = await call('retryStage', {
      profileId,
      pipeline: SITE_PIPELINE,
      stage: 'Build',
      executionId: executions[0]!.executionId,
      mode: 'FAILED_ACTIONS',
    })
    expect(retry).toMatchObject({ ok: false, error: { code: 'conflict' } })
    const missing = await call('pipeline', { profileId, pipeline: 'no-such-pipeline' })
    expect(missing).toMatchObject({ ok: false, error: { code: 'not-found', message: expect.stringMatching(/does not exist any more/) } })
    const reason = await call('setTransition', {
      profileId,
      pipeline: SITE_PIPELINE,
      stage: 'Production',
      enabled: false,
      reason: 'freeze; for good',
    })
    expect(reason).toMatchObject({ ok: false, error: { code: 'bad-request', message: expect.stringMatching(/reason may contain only/) } })
    await ok(
      call('setTransition', {
        profileId,
        pipeline: SITE_PIPELINE,
        stage: 'Production',
        enabled: false,
        reason: 'Release freeze (holiday)',
      }),
    )
    const details = await ok(call<PipelineDetails>('pipeline', { profileId, pipeline: SITE_PIPELINE }))
    expect(details.stages.find((s) => s.name === 'Production')?.inboundTransition).toMatchObject({
      enabled: false,
      disabledReason: 'Release freeze (holiday)',
    })
  })

  it('notifies once per waiting approval, opens the pipeline on click, and not again after a restart', async () => {
    let call = await app()
    await ok(call('listPipelines', { profileId })) // watching starts with the first listing
    await poll()
    expect(notifications).toEqual([
      {
        title: `Approval waiting: ${SITE_PIPELINE}`,
        body: expect.stringMatching(/^Approval \/ ReviewStaging waits/),
        route: `/pipelines/${SITE_PIPELINE}`,
      },
    ])
    expect(events.at(-1)).toMatchObject({
      type: 'codepipeline.approvals',
      approvals: [expect.objectContaining({ pipeline: SITE_PIPELINE })],
    })
    await poll()
    expect(notifications).toHaveLength(1)

    // "Restart": close the module, open a new one on the same data folder.
    for (const close of closers.splice(0).reverse()) await close()
    call = await app()
    // The first look after a restart waits for the app's start-up.
    expect(timers.delays()).toEqual([5_000])
    await poll()
    expect(notifications).toHaveLength(1)
    expect((await ok(call<{ approvals: unknown[] }>('pendingApprovals', {}))).approvals).toHaveLength(1)

    // A new run reaching Approval is a new approval: one more notification.
    await ok(
      call('answerApproval', {
        profileId,
        pipeline: SITE_PIPELINE,
        stage: 'Approval',
        action: 'ReviewStaging',
        approve: false,
        comment: 'not this one',
      }),
    )
    await ok(call('start', { profileId, pipeline: SITE_PIPELINE }))
    sandbox.advance(60 * MINUTE)
    await poll()
    expect(notifications).toHaveLength(2)
  })

  it('stops watching a profile when asked', async () => {
    const call = await app()
    await ok(call('watchApprovals', { profileId, pipelines: 'all', enabled: false }))
    expect(timers.delays()).toEqual([])
    expect((await ok(call<{ approvals: unknown[] }>('pendingApprovals', {}))).approvals).toEqual([])
  })
})
