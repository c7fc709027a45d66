/**
 * Cost-engine benchmark (pure, no server): folds N synthetic objects into the streaming aggregator and
 * its ObjectTable, then evaluates a what-if rule and a two-step lifecycle rule over them.
 * `npx tsx test/bench/costs-what-if.ts [--objects=1000000] [--runs=5]`. Prints a markdown table.
 *
 * The scan-vs-ListObjectsV2 and event-loop figures of the benchmark need the app side (the
 * scan service over the sandbox) and are not measured here.
 */
import { ObjectTable } from '../../src-main/costs/object-table'
import { priceBook } from '../../src-main/costs/prices'
import { ScanAggregator } from '../../src-main/costs/scan-aggregator'
import { evaluateLifecycleRules, evaluateWhatIf } from '../../src-main/costs/what-if'

const flags = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]))
const N = Number(flags.get('objects') ?? 1_000_000)
const RUNS = Number(flags.get('runs') ?? 5)
/** --no-table: the aggregator alone, to show its retained state does not grow with N. */
const WITH_TABLE = !flags.has('no-table')
const NOW = Date.UTC(2026, 11, 3)
const DAY = 86_400_000
const CLASSES = ['STANDARD', 'STANDARD', 'STANDARD', 'STANDARD_IA', 'GLACIER_IR', 'INTELLIGENT_TIERING', 'GLACIER', 'DEEP_ARCHIVE']
const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(0)
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

const book = priceBook('ap-northeast-2')
const rssBefore = process.memoryUsage().rss
const table = new ObjectTable(N)
const aggregator = new ScanAggregator({ book, nowMs: NOW, ...(WITH_TABLE ? { table } : {}) })
let t = performance.now()
const cpu0 = process.cpuUsage()
let peakRss = rssBefore
for (let i = 0; i < N; i++) {
  // Keys in listing order: site/<3-digit dir>/<7-digit file>; sizes 1 KiB … ~64 MiB; ages 0 … 999 days.
  const dir = Math.floor((i / N) * 1000)
  aggregator.add({
    key: `site/${String(dir).padStart(3, '0')}/asset-${String(i).padStart(7, '0')}.bin`,
    size: 1024 * (1 + ((i * 2654435761) % 65536)),
    storageClass: CLASSES[i % CLASSES.length]!,
    lastModifiedMs: NOW - (i % 1000) * DAY,
    ...(i % 10 === 0 ? { tags: { tier: 'cold' } } : {}),
  })
  if (i % 100_000 === 0) peakRss = Math.max(peakRss, process.memoryUsage().rss)
}
const foldMs = performance.now() - t
const foldCpu = process.cpuUsage(cpu0)
const foldCpuMs = (foldCpu.user + foldCpu.system) / 1000
peakRss = Math.max(peakRss, process.memoryUsage().rss)
t = performance.now()
const summary = aggregator.summary()
const summaryMs = performance.now() - t

/** Median CPU milliseconds of RUNS runs (CPU rather than wall time: the machine is shared). */
if (!WITH_TABLE) {
  global.gc?.()
  console.log(
    `${N} objects, aggregator only: fold ${foldMs.toFixed(0)} ms, heap after GC ${mib(process.memoryUsage().heapUsed)} MiB, retained ${JSON.stringify(aggregator.retained())}`,
  )
  process.exit(0)
}
const time = (fn: () => unknown) => {
  const ms: number[] = []
  for (let r = 0; r < RUNS; r++) {
    const start = process.cpuUsage()
    fn()
    const used = process.cpuUsage(start)
    ms.push((used.user + used.system) / 1000)
  }
  return median(ms)
}
const whole = time(() => evaluateWhatIf(table, book, { olderThanDays: 90, target: 'GLACIER' }, { nowMs: NOW }))
const prefixed = time(() =>
  evaluateWhatIf(table, book, { prefix: 'site/5', olderThanDays: 30, target: 'STANDARD_IA', largerThanBytes: 1 << 20 }, { nowMs: NOW }),
)
const tagged = time(() =>
  evaluateWhatIf(table, book, { tag: { key: 'tier', value: 'cold' }, olderThanDays: 180, target: 'DEEP_ARCHIVE' }, { nowMs: NOW }),
)
const lifecycle = time(() =>
  evaluateLifecycleRules(
    table,
    book,
    [
      {
        ID: 'tiering',
        Filter: { Prefix: '' },
        Status: 'Enabled',
        Transitions: [
          { Days: 30, StorageClass: 'STANDARD_IA' },
          { Days: 365, StorageClass: 'DEEP_ARCHIVE' },
        ],
      },
    ],
    { nowMs: NOW },
  ),
)
const r = evaluateWhatIf(table, book, { olderThanDays: 90, target: 'GLACIER' }, { nowMs: NOW })

console.log(`| ${N.toLocaleString('en-US')} objects | figure |`)
console.log('|---|---|')
console.log(
  `| fold into aggregator + table | ${foldMs.toFixed(0)} ms wall, ${foldCpuMs.toFixed(0)} ms CPU (${((N / foldCpuMs) * 1000).toFixed(0)} objects per CPU-second) |`,
)
console.log(`| summary (tree, classes, top ${summary.limits.topN}) | ${summaryMs.toFixed(1)} ms |`)
console.log(`| table columns | ${mib(table.byteSize())} MiB |`)
console.log(`| peak RSS (process, incl. Node) | ${mib(peakRss)} MiB (start ${mib(rssBefore)} MiB) |`)
console.log(`| what-if, whole table, → GLACIER after 90 d | ${whole.toFixed(1)} ms CPU (median of ${RUNS}) |`)
console.log(`| what-if, prefix + size, → STANDARD_IA | ${prefixed.toFixed(1)} ms |`)
console.log(`| what-if, tag, → DEEP_ARCHIVE | ${tagged.toFixed(1)} ms |`)
console.log(`| existing lifecycle rule, 2 transitions | ${lifecycle.toFixed(1)} ms |`)
console.log(
  `\nwhole-table rule: ${r.transitioned.objects} transitioned, saving $${r.monthly.savingUsd.toFixed(2)}/month, one-time $${r.oneTime.totalUsd.toFixed(2)}, break-even ${r.breakEvenMonths?.toFixed(2)} months`,
)
