/**
 * The costs store's own logic, with window.haneul replaced by a bridge whose replies the test releases
 * by hand: the rule the composer sends, the tree node a drill-down shows, a late reply for another bucket
 * dropped, offline figures from the snapshot, progress events of another scan ignored.
 */
import { beforeEach, describe, expect, it } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import type { AppEvent } from '../../../src-main/api/events'
import type { PrefixCostNodeShape } from '../../../src-main/api/costs'

interface Pending {
  operation: string
  input: Record<string, unknown>
  requestId?: string
  resolve: (value: unknown) => void
}

const pending: Pending[] = []
const listeners = new Set<(event: AppEvent) => void>()
const held = (operation: string) => (input: Record<string, unknown>, requestId?: string) =>
  new Promise((resolve) => pending.push({ operation, input, requestId, resolve }))
;(globalThis as unknown as { window: unknown }).window = {
  haneul: {
    costs: Object.fromEntries(
      ['bucketCosts', 'scanPrefix', 'whatIf', 'planLifecycle', 'applyLifecycle', 'restoreLifecycle', 'prices'].map((name) => [
        name,
        held(name),
      ]),
    ),
    s3: { listBuckets: async () => ({ ok: true, value: { buckets: [{ name: 'a' }, { name: 'b' }] } }) },
    profiles: { list: async () => ({ ok: true, value: { profiles: [], activeId: 'sandbox' } }) },
    cancel: () => {},
    onEvent: (listener: (event: AppEvent) => void) => {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
  },
}

const { nodeAt, ruleInput, suggestedRuleId, useCostsStore } = await import('../../../src-renderer/stores/costs')

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
const refused = (code: string, message: string) => ({ ok: false, error: { code, message, retryable: code === 'offline' } })
const emit = (event: AppEvent) => listeners.forEach((listener) => listener(event))
const prices = {
  date: '2026-12-03',
  sourceUrl: 'https://aws.amazon.com/s3/pricing/',
  region: 'us-east-1',
  pricedAs: 'us-east-1',
  overridden: [],
}
const costsOf = (bucket: string, totalUsd: number, cachedAtMs?: number) => ({
  bucket,
  region: 'us-east-1',
  metricsAvailable: true,
  monthly: { totalUsd, byClass: [], lines: [], unpriced: [], monitoring: { known: true } },
  series: [],
  prices,
  ...(cachedAtMs ? { cachedAtMs } : {}),
})
const node = (prefix: string, children: PrefixCostNodeShape[] = []) => ({
  prefix,
  objects: 1,
  bytes: 1,
  monthlyUsd: 1,
  truncated: false,
  children,
})

beforeEach(() => {
  pending.length = 0
  setActivePinia(createPinia())
})

describe('the rule and the tree', () => {
  it('sends only the fields the composer filled, sizes in bytes', () => {
    const draft = { prefix: '', olderThanDays: 30, largerThanMiB: undefined, tagKey: '', tagValue: '', target: 'GLACIER' as const }
    expect(ruleInput(draft)).toEqual({ olderThanDays: 30, target: 'GLACIER' })
    expect(ruleInput({ ...draft, prefix: 'media/', largerThanMiB: 1.5, tagKey: 'tier', tagValue: 'cold' })).toEqual({
      prefix: 'media/',
      olderThanDays: 30,
      largerThanBytes: 1_572_864,
      tag: { key: 'tier', value: 'cold' },
      target: 'GLACIER',
    })
    expect(suggestedRuleId({ ...draft, target: 'DEEP_ARCHIVE' as never }, Date.UTC(2026, 11, 3))).toBe('haneul-deep-archive-30d-2026-12-03')
  })

  it('finds the node of a prefix, or the deepest one above it', () => {
    const tree = node('', [node('a/', [node('a/b/')]), node('c/')])
    expect(nodeAt(tree, 'a/b/').prefix).toBe('a/b/')
    expect(nodeAt(tree, 'a/b/c/').prefix).toBe('a/b/')
    expect(nodeAt(tree, 'z/').prefix).toBe('')
  })
})

describe('the costs store', () => {
  it('drops a late reply for the bucket it left, and falls back to the snapshot offline', async () => {
    const costs = useCostsStore()
    void costs.open('a')
    void costs.open('b')
    await answer((p) => p.operation === 'bucketCosts' && p.input.bucket === 'b', ok(costsOf('b', 2)))
    await answer((p) => p.operation === 'bucketCosts' && p.input.bucket === 'a', ok(costsOf('a', 1)))
    expect(costs.bucketCosts?.bucket).toBe('b')

    void costs.setDays(90)
    await answer((p) => p.operation === 'bucketCosts' && p.input.days === 90 && !p.input.source, refused('offline', 'The network is gone.'))
    await answer((p) => p.operation === 'bucketCosts' && p.input.source === 'cache', ok(costsOf('b', 3, 1000)))
    expect(costs.bucketCosts?.cachedAtMs).toBe(1000)
    expect(costs.bucketError).toBeUndefined()
  })

  it('shows the progress of its own scan only, then drills to the scanned prefix and aims the rule there', async () => {
    const costs = useCostsStore()
    void costs.open('a', 'media/')
    await answer((p) => p.operation === 'scanPrefix' && p.input.source === 'cache', refused('not-found', 'not scanned'))
    const running = costs.runScan()
    const call = pending.find((p) => p.operation === 'scanPrefix' && p.input.source !== 'cache')!
    expect(call.input).toMatchObject({ bucket: 'a', prefix: 'media/', method: 'auto' })
    emit({ type: 'costs.scanProgress', requestId: 'another', objects: 5, bytes: 5 })
    emit({ type: 'costs.scanProgress', requestId: call.requestId!, objects: 1000, bytes: 2048 })
    expect(costs.scanProgress).toEqual({ objects: 1000, bytes: 2048 })
    const summary = { totals: { objects: 1000, bytes: 2048, monthlyUsd: 1 }, tree: node('media/', [node('media/x/')]) }
    await answer((p) => p === call, ok({ scanId: 'id', bucket: 'a', versions: false, from: { kind: 'listing' }, summary }))
    await running
    expect(costs.scanRunning).toBe(false)
    expect(costs.drillNode?.prefix).toBe('media/')
    costs.drillTo('media/x/')
    expect(costs.drillTrail.map((n) => n.prefix)).toEqual(['media/', 'media/x/'])
    expect(costs.draft.prefix).toBe('media/')
  })
})
