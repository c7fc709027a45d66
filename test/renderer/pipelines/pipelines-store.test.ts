/**
 * The Pipelines stores' own logic, with window.haneul replaced by a bridge whose replies the test
 * releases by hand (as the CloudFront store's test does): the badge follows main's pushes and an older
 * answer never overwrites a newer push; a late flow of another pipeline is dropped; an approval
 * answered elsewhere is refused and marked as gone, with the dialog kept open; a filtered history page
 * that comes back empty reads on.
 */
import { beforeEach, describe, expect, it } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import type { AppEvent } from '../../../src-main/api/events'
import type { PendingApproval, PipelineDetails } from '../../../src-main/api/codepipeline'

interface Pending {
  operation: string
  input: Record<string, unknown>
  resolve: (value: unknown) => void
}

const pending: Pending[] = []
const listeners = new Set<(event: AppEvent) => void>()
const held = (operation: string) => (input: Record<string, unknown>) =>
  new Promise((resolve) => pending.push({ operation, input, resolve }))
;(globalThis as unknown as { window: unknown }).window = {
  haneul: {
    codepipeline: Object.fromEntries(
      ['listPipelines', 'pipeline', 'executions', 'timeline', 'stageDurations', 'answerApproval', 'pendingApprovals', 'setTransition'].map(
        (name) => [name, held(name)],
      ),
    ),
    profiles: { list: async () => ({ ok: true, value: { profiles: [], activeId: 'sandbox' } }) },
    cancel: () => {},
    onEvent: (listener: (event: AppEvent) => void) => {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
  },
}

const { usePipelinesStore } = await import('../../../src-renderer/stores/pipelines')
const { useApprovalsStore } = await import('../../../src-renderer/stores/approvals')
const { useProfilesStore } = await import('../../../src-renderer/stores/profiles')

const tick = () => new Promise((r) => setTimeout(r, 1))
async function answer(match: (p: Pending) => boolean, value: unknown): Promise<Pending> {
  for (let i = 0; i < 20 && !pending.some(match); i++) await tick()
  const index = pending.findIndex(match)
  if (index < 0) throw new Error(`no pending call matches; pending: ${JSON.stringify(pending.map((p) => [p.operation, p.input]))}`)
  const [call] = pending.splice(index, 1)
  call!.resolve(value)
  await tick()
  return call!
}
const ok = (value: unknown) => ({ ok: true, value })
const refused = (code: string, message: string) => ({ ok: false, error: { code, message, retryable: false } })
const emit = (event: AppEvent) => listeners.forEach((listener) => listener(event))
const op =
  (name: string, extra: (input: Record<string, unknown>) => boolean = () => true) =>
  (p: Pending) =>
    p.operation === name && extra(p.input)

const approval = (pipeline: string): PendingApproval => ({
  profileId: 'sandbox',
  pipeline,
  stage: 'Approval',
  action: 'ReviewStaging',
  expiresAtMs: Date.now() + 3_600_000,
})
const details = (name: string, extra: Partial<PipelineDetails> = {}): PipelineDetails => ({
  name,
  version: 1,
  pipelineType: 'V2',
  executionMode: 'SUPERSEDED',
  stages: [],
  pendingApprovals: [],
  ...extra,
})
/** Answers the offline-first pair of a flow: no snapshot, then the live answer. */
async function answerFlow(name: string, value: PipelineDetails): Promise<void> {
  await answer(
    op('pipeline', (i) => i.pipeline === name && i.source === 'cache'),
    refused('not-found', 'nothing cached'),
  )
  await answer(
    op('pipeline', (i) => i.pipeline === name && i.source === 'network'),
    ok(value),
  )
}

beforeEach(() => {
  pending.length = 0
  setActivePinia(createPinia())
  useProfilesStore().activeId = 'sandbox'
})

describe('the approvals badge', () => {
  it('counts what main pushes, and an answer older than a push does not overwrite it', async () => {
    const approvals = useApprovalsStore()
    const loading = approvals.load()
    emit({ type: 'codepipeline.approvals', approvals: [approval('site-release'), approval('docs-build')] })
    expect(approvals.count).toBe(2)
    await answer(op('pendingApprovals'), ok({ approvals: [] }))
    await loading
    expect(approvals.count).toBe(2)
    expect(approvals.of('sandbox', 'docs-build')).toHaveLength(1)
    emit({ type: 'codepipeline.approvals', approvals: [] })
    expect(approvals.count).toBe(0)
  })
})

describe('the pipelines store', () => {
  it('drops a late flow of the pipeline opened before', async () => {
    const store = usePipelinesStore()
    const first = store.open('docs-build')
    const second = store.open('site-release')
    await answerFlow('site-release', details('site-release'))
    // The first one's snapshot arrives last, with its pipeline's flow: not shown, and not read on.
    await answer(
      op('pipeline', (i) => i.pipeline === 'docs-build' && i.source === 'cache'),
      ok(details('docs-build', { cachedAtMs: 1 })),
    )
    await Promise.all([first, second])
    expect(pending.filter((p) => p.input.pipeline === 'docs-build')).toEqual([])
    expect(store.openName).toBe('site-release')
    expect(store.details?.name).toBe('site-release')
  })

  it('keeps the approval dialog open when main says the approval is no longer waiting, marked as gone', async () => {
    const store = usePipelinesStore()
    const opened = store.open('site-release')
    await answerFlow('site-release', details('site-release', { pendingApprovals: [approval('site-release')] }))
    await opened
    store.ask({ kind: 'approval', stage: 'Approval', action: 'ReviewStaging' })
    const answering = store.answerApproval(true, 'ship it', () => 'done')
    const call = await answer(
      op('answerApproval'),
      refused('conflict', 'Approval / ReviewStaging is not waiting for an answer any more (it is Failed).'),
    )
    expect(call.input).toMatchObject({
      pipeline: 'site-release',
      stage: 'Approval',
      action: 'ReviewStaging',
      approve: true,
      comment: 'ship it',
    })
    expect(await answering).toBe(false)
    expect(store.dialog).toMatchObject({ busy: false, gone: true, error: expect.stringContaining('not waiting') })
    // The flow is read again, so the page shows where the approval went.
    await answerFlow('site-release', details('site-release'))
    expect(store.details?.pendingApprovals).toEqual([])
  })

  it('says when an answer was recorded, and a refusal of another kind is not called gone', async () => {
    const store = usePipelinesStore()
    const opened = store.open('site-release')
    await answerFlow('site-release', details('site-release'))
    await opened
    store.ask({ kind: 'approval', stage: 'Approval', action: 'ReviewStaging' })
    const denied = store.answerApproval(false, '', () => 'x')
    await answer(op('answerApproval'), refused('access-denied', 'not allowed'))
    await denied
    expect(store.dialog).toMatchObject({ gone: false, error: 'not allowed' })
    await answerFlow('site-release', details('site-release'))
    const done = store.answerApproval(false, 'no', (at) => `rejected at ${at}`)
    await answer(op('answerApproval'), ok({ approvedAtMs: 1234 }))
    expect(await done).toBe(true)
    expect(store.dialog?.done).toBe('rejected at 1234')
  })

  it('reads on when a filtered history page comes back empty, and keeps the token of the last page read', async () => {
    const store = usePipelinesStore()
    const opened = store.open('site-release')
    await answerFlow('site-release', details('site-release'))
    await opened
    store.setFilters({ status: 'Failed', trigger: '' })
    const run = { executionId: '33333333-3333-4333-8333-333333333333', status: 'Failed', revisions: [] }
    const first = await answer(op('executions'), ok({ executions: [], nextToken: 'p2' }))
    expect(first.input).toMatchObject({ status: 'Failed' })
    expect(first.input.nextToken).toBeUndefined()
    const second = await answer(op('executions'), ok({ executions: [run], nextToken: 'p3' }))
    expect(second.input).toMatchObject({ status: 'Failed', nextToken: 'p2' })
    expect(store.executions.map((e) => e.executionId)).toEqual([run.executionId])
    expect(store.historyNextToken).toBe('p3')
    expect(store.historyLoading).toBe(false)
  })
})
