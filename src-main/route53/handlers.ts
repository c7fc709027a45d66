/**
 * The contract's route53.* operations. Listings go through OfflineFirst (snapshots, served offline);
 * drafts live on disk and need no network; planning re-reads the records a draft touches; submitting
 * re-plans and refuses unless the plan is the one the user saw, then watches each change to INSYNC.
 */
import {
  ChangeResourceRecordSetsCommand,
  GetChangeCommand,
  ListHealthChecksCommand,
  TestDNSAnswerCommand,
  type RRType,
  type Route53Client,
} from '@aws-sdk/client-route-53'
import { join } from 'node:path'
import type { ChangePlan, RecordEdit, RecordRow } from '../api/route53'
import { aliasKind } from '../core/dns/alias-targets'
import { canonicalName, displayName } from '../core/dns/names'
import { routingPolicy, type RecordSet } from '../core/dns/records'
import { HaneulError } from '../core/errors'
import { Pacer } from '../core/pacer'
import type { Watchers } from '../jobs/watchers'
import type { OfflineFirst } from '../offline/offline-first'
import type { ModuleOf } from '../router'
import { planChanges, touchedIdentities, type Plan } from './change-plan'
import { diffZone } from './diff'
import { DraftStore } from './drafts'
import { rethrowExplained } from './errors'
import { checkRecordSet } from './record-check'
import { allRecords, currentSets, listZones, recordPage, zoneOf, type ZoneBase } from './zone-reads'
import { parseZoneFile, ZoneFileError } from './zonefile/parse'
import { writeZoneFile } from './zonefile/write'

export interface Route53ClientSource {
  client(profileId: string, service: 'route53'): Promise<Route53Client>
}

export interface Route53ModuleDeps {
  clients: Route53ClientSource
  offline: OfflineFirst
  watchers: Watchers
  /** Drafts live in `<dataDir>/route53/drafts`. */
  dataDir: string
  log: (message: string) => void
  nowMs?: () => number
  /** Route 53 allows 5 requests a second per account; requests wait their turn (Infinity: no pacing, for tests). */
  requestsPerSecond?: number
  /** This machine's DNS resolver for a profile's names, to compare with TestDNSAnswer (none for the sandbox: its names are not public). */
  resolverFor?: (profileId: string) => ((name: string, type: string) => Promise<string[]>) | undefined
}

/** One pacer per client (a client per profile), added once however many modules use it. */
const pacedClients = new WeakSet<Route53Client>()

function paced(client: Route53Client, requestsPerSecond: number): Route53Client {
  if (requestsPerSecond === Infinity || pacedClients.has(client)) return client
  pacedClients.add(client)
  const pacer = new Pacer(requestsPerSecond)
  // finalizeRequest at low priority runs after the retry middleware: every attempt waits its turn.
  client.middlewareStack.add((next) => async (args) => (await pacer.turn(), next(args)), {
    step: 'finalizeRequest',
    priority: 'low',
    name: 'haneulRoute53Pacer',
  })
  return client
}

export function createRoute53Module(deps: Route53ModuleDeps): ModuleOf<'route53'> {
  const { clients, offline, watchers } = deps
  const nowMs = deps.nowMs ?? Date.now
  const drafts = new DraftStore({ dir: join(deps.dataDir, 'route53', 'drafts'), nowMs, log: deps.log })
  /** Zone ids of each profile's last zone listing: an alias to one of them links to a record. */
  const zoneIds = new Map<string, Set<string>>()
  /** A network call of the profile with its Route 53 client; refusals (and names that cannot be sent) explained. */
  const call = <T>(profileId: string, work: (client: Route53Client) => Promise<T>): Promise<T> =>
    offline.network(profileId, async () => {
      const client = paced(await clients.client(profileId, 'route53'), deps.requestsPerSecond ?? 5)
      try {
        return await work(client)
      } catch (error) {
        return rethrowExplained(error)
      }
    })

  const row = (profileId: string, set: RecordSet): RecordRow => ({
    set: set as RecordRow['set'],
    displayName: displayName(set.Name ?? '.'),
    routing: routingPolicy(set),
    ...(set.AliasTarget ? { aliasKind: aliasKind(set.AliasTarget, zoneIds.get(profileId) ?? new Set()) } : {}),
  })
  const withDraftCount = async (profileId: string, zone: ZoneBase) => ({
    ...zone,
    draftEdits: (await drafts.get(profileId, zone.id))?.edits.length ?? 0,
  })

  async function plan(profileId: string, zoneId: string): Promise<Plan> {
    return call(profileId, async (client) => {
      const zone = await zoneOf(client, zoneId)
      const edits = (await drafts.get(profileId, zoneId))?.edits ?? []
      const current = edits.length ? await currentSets(client, zoneId, touchedIdentities(edits)) : new Map<string, RecordSet>()
      return planChanges({ zoneId, zoneName: zone.name, existing: zone.recordCount, edits, current })
    })
  }

  return {
    handlers: {
      listZones: async ({ profileId, source }, { signal }) => {
        const listed = await offline.listing(profileId, 'zones', source, async () => ({
          zones: await call(profileId, (client) => listZones(client, signal)),
        }))
        zoneIds.set(profileId, new Set(listed.zones.map((z) => z.id)))
        const counts = await drafts.counts(profileId)
        return { ...listed, zones: listed.zones.map((zone) => ({ ...zone, draftEdits: counts.get(zone.id) ?? 0 })) }
      },

      listRecords: async ({ profileId, zoneId, nextToken, source }, { signal }) => {
        const listed = await offline.listing(profileId, `records\n${zoneId}\n${nextToken ?? ''}`, source, () =>
          call(profileId, async (client) => {
            const zone = nextToken ? undefined : await zoneOf(client, zoneId)
            const page = await recordPage(client, zoneId, nextToken, signal)
            return { ...(zone ? { zone } : {}), sets: page.sets, ...(page.nextToken ? { nextToken: page.nextToken } : {}) }
          }),
        )
        return {
          ...(listed.zone ? { zone: await withDraftCount(profileId, listed.zone) } : {}),
          records: listed.sets.map((set) => row(profileId, set)),
          ...(listed.nextToken ? { nextToken: listed.nextToken } : {}),
          ...(listed.cachedAtMs !== undefined ? { cachedAtMs: listed.cachedAtMs } : {}),
        }
      },

      checkRecord: async ({ zoneName, set }) => {
        const checked = checkRecordSet(zoneName, set)
        return { problems: checked.problems, ...(checked.set ? { set: checked.set as RecordRow['set'] } : {}) }
      },

      draft: async ({ profileId, zoneId }) => {
        const draft = await drafts.get(profileId, zoneId)
        return draft ? { draft } : {}
      },

      saveDraft: async ({ profileId, zoneId, zoneName, edits }) => {
        const problems = edits.flatMap((edit, index) => editProblems(zoneName, edit).map((p) => `edit ${index + 1}, ${p}`))
        if (problems.length)
          throw new HaneulError(
            'bad-request',
            `The draft was not saved: ${problems.slice(0, 5).join('; ')}${problems.length > 5 ? ` and ${problems.length - 5} more` : ''}.`,
          )
        return { draft: await drafts.save(profileId, zoneId, edits) }
      },

      discardDraft: async ({ profileId, zoneId }) => ({ discarded: await drafts.discard(profileId, zoneId) }),

      planDraft: async ({ profileId, zoneId }) => (await plan(profileId, zoneId)).plan,

      submitDraft: async ({ profileId, zoneId, planId, confirmCount, split }) => {
        const { plan: now, batches } = await plan(profileId, zoneId)
        if (now.planId !== planId)
          throw new HaneulError(
            'conflict',
            'The zone or the draft changed since you reviewed the change. Nothing was sent; review the new diff.',
          )
        refuseUnconfirmed(now, confirmCount, split)
        const sent: Array<{ changeId: string; status: string; watchId: string }> = []
        for (const [index, changes] of batches.entries()) {
          const info = await call(profileId, (client) =>
            client.send(
              new ChangeResourceRecordSetsCommand({
                HostedZoneId: zoneId,
                ChangeBatch: {
                  Comment: batches.length > 1 ? `Haneul, batch ${index + 1} of ${batches.length}` : 'Haneul',
                  Changes: changes,
                },
              }),
            ),
          ).catch((error: unknown) => {
            if (!sent.length) throw error
            const message = error instanceof Error ? error.message : String(error)
            throw new HaneulError(
              'conflict',
              `Batch ${index + 1} of ${batches.length} was refused (${message}); batches 1–${index} were applied (${sent.map((s) => s.changeId).join(', ')}). The draft is kept: plan again to see what is left.`,
            )
          })
          const changeId = (info.ChangeInfo?.Id ?? '').replace(/^\/change\//, '')
          const watchId = watchers.start({
            kind: 'route53.change',
            profileId,
            subject: changeId,
            check: async (signal) => {
              const out = await call(profileId, (client) => client.send(new GetChangeCommand({ Id: changeId }), { abortSignal: signal }))
              const status = out.ChangeInfo?.Status ?? 'PENDING'
              return { status, done: status === 'INSYNC' }
            },
          })
          sent.push({ changeId, status: info.ChangeInfo?.Status ?? 'PENDING', watchId })
        }
        await drafts.discard(profileId, zoneId)
        return { changes: sent }
      },

      importZoneFile: async ({ profileId, zoneId, text, mode }) =>
        call(profileId, async (client) => {
          const zone = await zoneOf(client, zoneId)
          let parsed
          try {
            parsed = parseZoneFile(text, { origin: zone.name })
          } catch (error) {
            if (!(error instanceof ZoneFileError)) throw error
            const shown = error.problems.slice(0, 10).map((p) => `line ${p.line}, column ${p.column}: ${p.message}`)
            const more = error.problems.length > 10 ? ` (and ${error.problems.length - 10} more)` : ''
            throw new HaneulError('bad-request', `The zone file was not imported, nothing changed: ${shown.join('; ')}${more}.`)
          }
          if (parsed.origin !== zone.name) {
            throw new HaneulError(
              'bad-request',
              `The file is for ${displayName(parsed.origin)}, not ${zone.displayName}. Nothing was imported.`,
            )
          }
          const diff = diffZone(await allRecords(client, zoneId), parsed.recordSets, { zoneName: zone.name, mode })
          const edits: RecordEdit[] = diff.changes.map((change) =>
            change.kind === 'create'
              ? { kind: 'create', after: change.after as RecordRow['set'] }
              : change.kind === 'delete'
                ? { kind: 'delete', before: change.before as RecordRow['set'] }
                : { kind: 'update', before: change.before as RecordRow['set'], after: change.after as RecordRow['set'] },
          )
          const warnings = parsed.warnings.map((w) => `line ${w.line}, column ${w.column}: ${w.message}`)
          if (diff.ignored.length) warnings.push(`The file's apex SOA and NS records were left alone: they belong to the hosted zone.`)
          return { draft: await drafts.save(profileId, zoneId, edits), records: parsed.recordSets.length, warnings }
        }),

      exportZoneFile: async ({ profileId, zoneId }) =>
        call(profileId, async (client) => {
          const zone = await zoneOf(client, zoneId)
          const sets = await allRecords(client, zoneId)
          const header = [`${zone.displayName} exported by Haneul from Route 53 zone ${zone.id} at ${new Date(nowMs()).toISOString()}`]
          const fileName = `${zone.displayName.replace(/\.$/, '') || 'root'}.zone`.replace(/[\\/:*?"<>|]/g, '_')
          return { fileName, text: writeZoneFile(zone.name, sets, { header }), records: sets.length }
        }),

      testAnswer: async ({ profileId, zoneId, name, type }) => {
        let recordName = name
        const out = await call(profileId, (client) => {
          recordName = canonicalName(name)
          return client.send(new TestDNSAnswerCommand({ HostedZoneId: zoneId, RecordName: recordName, RecordType: type as RRType }))
        })
        // Only a public zone's names can be looked up from here (a private zone answers inside its VPCs only).
        const resolve = deps.resolverFor?.(profileId)
        const isPublic = resolve && !(await call(profileId, (client) => zoneOf(client, zoneId))).privateZone
        const resolver = resolve && isPublic ? await lookUp(resolve, recordName, type) : undefined
        return {
          nameserver: out.Nameserver ?? '',
          recordName: out.RecordName ?? recordName,
          recordType: out.RecordType ?? type,
          responseCode: out.ResponseCode ?? '',
          protocol: out.Protocol ?? '',
          answers: out.RecordData ?? [],
          ...(resolver ? { resolver } : {}),
        }
      },

      listHealthChecks: async ({ profileId }) =>
        call(profileId, async (client) => {
          const healthChecks: Array<{ id: string; type: string; target: string }> = []
          let marker: string | undefined
          do {
            const page = await client.send(new ListHealthChecksCommand({ Marker: marker }))
            for (const check of page.HealthChecks ?? []) {
              const config = check.HealthCheckConfig
              const host = config?.FullyQualifiedDomainName ?? config?.IPAddress ?? ''
              const target = host ? `${host}${config?.Port ? `:${config.Port}` : ''}${config?.ResourcePath ?? ''}` : ''
              healthChecks.push({ id: check.Id ?? '', type: config?.Type ?? '', target })
            }
            marker = page.IsTruncated ? page.NextMarker : undefined
          } while (marker)
          return { healthChecks }
        }),
    },
  }
}

/** Every rule a new set breaks; for the set an edit replaces or deletes (Route 53's own), only that its name reads. */
function editProblems(zoneName: string, edit: RecordEdit): string[] {
  const problems: string[] = []
  if (edit.kind !== 'create') {
    try {
      canonicalName(edit.before.Name)
    } catch (error) {
      problems.push(`${edit.before.Name} ${edit.before.Type} Name: ${(error as Error).message}`)
    }
  }
  if (edit.kind !== 'delete') {
    const set = edit.after
    problems.push(...checkRecordSet(zoneName, set).problems.map((p) => `${set.Name} ${set.Type} ${p.field}: ${p.message}`))
  }
  return problems
}

/** The resolver's answer, or why there is none (NXDOMAIN, no answer, unreachable), within 3 s. */
async function lookUp(resolve: (name: string, type: string) => Promise<string[]>, name: string, type: string) {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error('no answer within 3 s'), { code: 'ETIMEOUT' })), 3_000)
  })
  try {
    return { answers: await Promise.race([resolve(name.replace(/\\052/g, '*'), type), timeout]) }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    const problem =
      code === 'ENOTFOUND'
        ? 'the name does not exist for this machine’s resolver (NXDOMAIN): the zone may not be delegated to Route 53'
        : code === 'ENODATA'
          ? 'the resolver has the name but no record of this type'
          : code === 'ETIMEOUT' || code === 'ECONNREFUSED' || code === 'ESERVFAIL'
            ? `this machine’s resolver could not be asked (${code}); offline or behind a VPN?`
            : `the lookup failed: ${(error as Error).message}`
    return { problem }
  } finally {
    clearTimeout(timer)
  }
}

function refuseUnconfirmed(plan: ChangePlan, confirmCount: number | undefined, split: boolean): void {
  if (plan.changes.length === 0)
    throw new HaneulError('bad-request', 'The draft changes nothing in the zone as it is now; there is nothing to submit.')
  if (plan.batches === 0) throw new HaneulError('bad-request', plan.splitReason ?? 'The change cannot be sent within Route 53’s limits.')
  if (plan.confirmCount !== undefined && confirmCount !== plan.confirmCount)
    throw new HaneulError('bad-request', `${plan.guardReason ?? 'This change needs confirmation.'} Nothing was sent.`)
  if (plan.batches > 1 && !split)
    throw new HaneulError('bad-request', `${plan.splitReason} Nothing was sent; submit again accepting the split.`)
}
