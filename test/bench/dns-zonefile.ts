/**
 * A quick measurement (not a test) of the DNS libraries on the sandbox's 10,000-set zone:
 * BIND export, parse beside `named-compilezone` on the same file, and the diff of a 10,000-set import
 * against the zone (with the change batch and split plan). `npx tsx test/bench/dns-zonefile.ts`
 *
 * All figures are CPU time (user + system), medians of 7 runs: the machine is shared, and wall time
 * there measures the neighbours. Haneul's are in process after one warm-up; named-compilezone's are of
 * the whole process (startup included) and, to separate startup, of the same process on a 2-record zone.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ResourceRecordSet } from '@aws-sdk/client-route-53'
import { diffZone, planBatches, toChanges } from '../../src-main/route53/diff'
import { parseZoneFile } from '../../src-main/route53/zonefile/parse'
import { writeZoneFile } from '../../src-main/route53/zonefile/write'
import { SCALE_ZONE_ID, SCALE_ZONE_NAME, scaleZoneRecords } from '../../src-main/sandbox/route53/seed'
import { nameServersFor, requiredRecords } from '../../src-main/sandbox/route53/server'

const RUNS = 7

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]!
}

/** Median CPU milliseconds (user + system) of this process: steadier than wall time on a busy machine. */
function time(run: () => unknown, warmUp = true): number {
  if (warmUp) run()
  const samples: number[] = []
  for (let i = 0; i < RUNS; i++) {
    const start = process.cpuUsage()
    run()
    const used = process.cpuUsage(start)
    samples.push((used.user + used.system) / 1000)
  }
  return median(samples)
}

/** Median CPU milliseconds of a child process, from GNU time. */
function childTime(command: string, args: string[]): number {
  const samples: number[] = []
  for (let i = 0; i < RUNS; i++) {
    const out = spawnSync('/usr/bin/time', ['-f', '%U %S', command, ...args], { encoding: 'utf8' })
    const [user, system] = out.stderr.trim().split('\n').pop()!.split(' ').map(Number) as [number, number]
    samples.push((user + system) * 1000)
  }
  return median(samples)
}

const dir = mkdtempSync(join(tmpdir(), 'haneul-dns-bench-'))
try {
  const zone: ResourceRecordSet[] = [
    ...requiredRecords({ name: SCALE_ZONE_NAME, nameServers: nameServersFor(SCALE_ZONE_ID) }),
    ...scaleZoneRecords(),
  ]
  let text = ''
  const exportMs = time(() => (text = writeZoneFile(SCALE_ZONE_NAME, zone)))
  const file = join(dir, 'scale.zone')
  writeFileSync(file, text)
  const tiny = join(dir, 'tiny.zone')
  writeFileSync(tiny, writeZoneFile(SCALE_ZONE_NAME, zone.slice(0, 2)))

  let parsed = parseZoneFile(text, { origin: SCALE_ZONE_NAME })
  const parseMs = time(() => (parsed = parseZoneFile(text, { origin: SCALE_ZONE_NAME })))
  const named = (path: string) =>
    childTime('named-compilezone', ['-q', '-k', 'ignore', '-i', 'none', '-s', 'full', '-o', '/dev/null', SCALE_ZONE_NAME, path])
  const namedMs = named(file)
  const namedStartupMs = named(tiny)

  // The import: the file with 1,000 TTLs changed, 500 values changed and 300 sets missing (replace mode).
  const desired = parsed.recordSets.slice(0, parsed.recordSets.length - 300).map((set, i) => {
    if (i % 10 === 3) return { ...set, TTL: (set.TTL ?? 300) + 60 }
    if (i % 20 === 7 && set.Type === 'A') return { ...set, ResourceRecords: [{ Value: '192.0.2.200' }] }
    return set
  })
  let diff = diffZone(zone, desired, { zoneName: SCALE_ZONE_NAME, mode: 'replace' })
  const diffMs = time(() => (diff = diffZone(zone, desired, { zoneName: SCALE_ZONE_NAME, mode: 'replace' })))
  let plan = planBatches(toChanges(diff))
  const planMs = time(() => (plan = planBatches(toChanges(diff))))
  const identicalMs = time(() => diffZone(zone, parsed.recordSets, { zoneName: SCALE_ZONE_NAME, mode: 'replace' }))

  const rows: [string, string][] = [
    ['record sets in the zone', String(zone.length)],
    ['zone file size', `${(Buffer.byteLength(text) / 1024).toFixed(0)} KiB, ${text.split('\n').length - 1} lines`],
    ['export (writeZoneFile)', `${exportMs.toFixed(1)} ms`],
    ['parse (Haneul, in process)', `${parseMs.toFixed(1)} ms`],
    ['named-compilezone, whole process', `${namedMs.toFixed(1)} ms`],
    ['named-compilezone on a 2-record zone (startup)', `${namedStartupMs.toFixed(1)} ms`],
    [
      'diff of the import (replace mode)',
      `${diffMs.toFixed(1)} ms → ${diff.changes.length} changes (${diff.changes.filter((c) => c.kind === 'update').length} updates, ${diff.changes.filter((c) => c.kind === 'delete').length} deletes)`,
    ],
    ['diff of an identical import', `${identicalMs.toFixed(1)} ms`],
    ['change batch + split plan', `${planMs.toFixed(1)} ms → ${plan.batches.length} batches (${plan.size.resourceRecords} records)`],
  ]
  const width = Math.max(...rows.map(([k]) => k.length))
  console.log(
    `DNS libraries on the ${SCALE_ZONE_NAME} zone (node ${process.version}, CPU ms, medians of ${RUNS}, load ${loadavg()[0]!.toFixed(1)})`,
  )
  for (const [k, v] of rows) console.log(`  ${k.padEnd(width)}  ${v}`)
} finally {
  rmSync(dir, { recursive: true, force: true })
}
