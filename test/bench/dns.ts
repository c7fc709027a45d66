/**
 * `npm run bench -- dns` (not a test): the sandbox's 10,000-set zone through Haneul.
 *
 * 1. Listing through the real router and route53 module against the Route 53 emulator on loopback:
 *    time to the first page of rows and to the whole zone, once with the emulator's rate limit off (what
 *    Haneul itself costs) and once at Route 53's documented 5 requests a second per account (what a user
 *    waits for on AWS: 34 pages of at most 300 sets, 5 at once and then 5 a second, take about 6.3 s).
 * 2. The DNS libraries: BIND export, parse beside `named-compilezone` on the same file, the diff of a
 *    10,000-set import against the zone, the change batch and split plan. CPU time (user + system),
 *    medians of 7: the machine is shared, and wall time there measures the neighbours. named's are of the
 *    whole process (startup included) and, to separate startup, of the same process on a 2-record zone.
 * 3. Peak RSS of this process.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { Route53Client, type ResourceRecordSet } from '@aws-sdk/client-route-53'
import { route53Api } from '../../src-main/api/route53'
import { Watchers } from '../../src-main/jobs/watchers'
import { ConnectivityMonitor } from '../../src-main/offline/connectivity'
import { OfflineFirst } from '../../src-main/offline/offline-first'
import { SnapshotStore } from '../../src-main/offline/snapshot-store'
import { diffZone, planBatches, toChanges } from '../../src-main/route53/diff'
import { createRoute53Module } from '../../src-main/route53/handlers'
import { parseZoneFile } from '../../src-main/route53/zonefile/parse'
import { writeZoneFile } from '../../src-main/route53/zonefile/write'
import { createRouter } from '../../src-main/router'
import { CredentialRegistry, SANDBOX_ACCESS_KEY_ID, SANDBOX_SECRET_ACCESS_KEY } from '../../src-main/sandbox/credentials'
import { createRoute53Emulator } from '../../src-main/sandbox/route53/index'
import { SCALE_ZONE_ID, SCALE_ZONE_NAME, scaleZoneRecords, seedRoute53 } from '../../src-main/sandbox/route53/seed'
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

/** Lists the scale zone page by page through the router; milliseconds to the first page and to the end. */
async function listThroughRouter(requestsPerSecond: number, dataDir: string): Promise<{ firstMs: number; allMs: number; sets: number }> {
  const credentials = new CredentialRegistry(Date.now)
  const emulator = createRoute53Emulator({ credentials, nowMs: Date.now, requestsPerSecond })
  seedRoute53(emulator)
  const server = createServer((req, res) => void emulator.handle(req, res))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const client = new Route53Client({
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    region: 'us-east-1',
    credentials: { accessKeyId: SANDBOX_ACCESS_KEY_ID, secretAccessKey: SANDBOX_SECRET_ACCESS_KEY },
  })
  const snapshots = await SnapshotStore.open({ dir: join(dataDir, `snapshots-${requestsPerSecond}`), maxBytes: 64 << 20 })
  const watchers = new Watchers({ emit: () => {} })
  const module = createRoute53Module({
    clients: { client: async () => client },
    offline: new OfflineFirst(snapshots, new ConnectivityMonitor({ probe: async () => 'online', onChange: () => {} }), 'route53'),
    watchers,
    dataDir,
    log: () => {},
    requestsPerSecond,
  })
  const router = createRouter({ contract: { route53: route53Api }, handlers: { route53: module.handlers }, isTrustedSender: () => true })
  const call = async (payload: object) => {
    const result = await router.handle('route53.listRecords', payload, { senderUrl: 'app://haneul/', signal: new AbortController().signal })
    if (!result.ok) throw new Error(result.error.message)
    return result.value as { records: unknown[]; nextToken?: string }
  }
  try {
    const start = performance.now()
    let page = await call({ profileId: 'sandbox', zoneId: SCALE_ZONE_ID })
    const firstMs = performance.now() - start
    let sets = page.records.length
    while (page.nextToken) {
      page = await call({ profileId: 'sandbox', zoneId: SCALE_ZONE_ID, nextToken: page.nextToken })
      sets += page.records.length
    }
    return { firstMs, allMs: performance.now() - start, sets }
  } finally {
    watchers.close()
    await snapshots.flush()
    client.destroy()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  }
}

export async function runDnsBench(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'haneul-dns-bench-'))
  try {
    const unlimited = await listThroughRouter(Infinity, dir)
    const paced = await listThroughRouter(5, dir)
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
      ['router: first page of rows (no rate limit)', `${unlimited.firstMs.toFixed(0)} ms wall (target < 300 ms)`],
      ['router: whole zone (no rate limit)', `${unlimited.allMs.toFixed(0)} ms wall, ${unlimited.sets} sets (target < 5 s)`],
      ['router: first page at Route 53’s 5 req/s', `${paced.firstMs.toFixed(0)} ms wall`],
      [
        'router: whole zone at Route 53’s 5 req/s',
        `${paced.allMs.toFixed(0)} ms wall, ${paced.sets} sets (Route 53’s limit: 5 at once, then 5 a second: ≈ 6.3 s for 34 pages)`,
      ],
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
      ['peak RSS of this process', `${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`],
    ]
    const width = Math.max(...rows.map(([k]) => k.length))
    console.log(
      `DNS on the ${SCALE_ZONE_NAME} zone (node ${process.version}; libraries in CPU ms, medians of ${RUNS}; load ${loadavg()[0]!.toFixed(1)})`,
    )
    for (const [k, v] of rows) console.log(`  ${k.padEnd(width)}  ${v}`)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
