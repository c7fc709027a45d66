/**
 * The contract's site.* operations: the domains of a profile, one domain's stack with its health
 * (discovery.ts), snapshots of both for offline use, and fixes — planned from the live state, kept in
 * memory for a while, applied only when confirmed and only if what they change has not moved since.
 */
import { randomUUID } from 'node:crypto'
import type { FindingCode, FixKind, FixPlan, SiteMap } from '../api/site'
import { NameError, canonicalName, displayName } from '../core/dns/names'
import { HaneulError, toApiError } from '../core/errors'
import type { SnapshotStore } from '../offline/snapshot-store'
import type { CallContext, Handlers, ModuleOf } from '../router'
import { discover, type SiteServices } from './discovery'
import { showPolicy, withDistributionAllowed, withoutPublicStatements } from './policy'
import { siteReads, type SiteClientSource, type SiteOffline } from './reads'

export interface SiteModuleDeps {
  /** The other modules' handlers, read when a call comes (the composition root builds them together). */
  services: () => SiteServices
  clients: SiteClientSource
  offline: SiteOffline
  snapshots: Pick<SnapshotStore, 'get' | 'put'>
  nowMs?: () => number
  log?: (message: string) => void
}

/** Planned fixes wait this long for their confirmation. */
const PLAN_TTL_MS = 15 * 60_000
/** Zones are read for the domain list up to this many record sets each (10 pages of 300). */
const DOMAIN_SCAN_PAGES = 10

type StoredPlan =
  | {
      kind: 'policy'
      fix: FixKind
      profileId: string
      bucket: string
      region?: string
      before?: string
      after?: string
      summary: string
      expiresAtMs: number
    }
  | { kind: 'enable'; fix: FixKind; profileId: string; distributionId: string; etag: string; summary: string; expiresAtMs: number }

export function createSiteModule(deps: SiteModuleDeps): ModuleOf<'site'> {
  const nowMs = deps.nowMs ?? Date.now
  const log = deps.log ?? (() => {})
  const reads = siteReads(deps.clients, deps.offline)
  const plans = new Map<string, StoredPlan>()

  const routeName = (domain: string) => {
    try {
      return canonicalName(domain)
    } catch (error) {
      if (error instanceof NameError)
        throw new HaneulError('bad-request', `"${domain.slice(0, 100)}" is not a domain name: ${error.message}`)
      throw error
    }
  }

  const save = (profileId: string, key: string, value: unknown) =>
    deps.snapshots.put(profileId, `site:${key}`, value).catch((error: unknown) => log(`site snapshot not saved: ${String(error)}`))
  const cached = async <T extends object>(profileId: string, key: string): Promise<(T & { cachedAtMs: number }) | undefined> => {
    const snapshot = await deps.snapshots.get<T>(profileId, `site:${key}`)
    return snapshot && { ...snapshot.value, cachedAtMs: snapshot.savedAtMs }
  }

  /**
   * The live map, saved as the snapshot; or the snapshot when asked, or when the network is gone
   * (an `offline` failure, or parts the other modules could only serve from their own snapshots).
   */
  async function siteMap(profileId: string, domain: string, source: 'network' | 'cache', context: CallContext): Promise<SiteMap> {
    const name = routeName(domain)
    const key = `map\n${name}`
    if (source === 'cache') {
      const snapshot = await cached<SiteMap>(profileId, key)
      if (!snapshot) throw new HaneulError('not-found', `Nothing is cached yet for ${displayName(name).replace(/\.$/, '')}.`)
      return snapshot
    }
    try {
      const { map, fromSnapshots } = await discover(deps.services(), reads, { profileId, domain: name, source, context, nowMs: nowMs() })
      if (!fromSnapshots) {
        void save(profileId, key, map)
        return map
      }
      // Parts came from other modules' snapshots: our own whole picture, with its age, is more honest.
      return (await cached<SiteMap>(profileId, key)) ?? { ...map, cachedAtMs: map.discoveredAtMs }
    } catch (error) {
      if (toApiError(error).code !== 'offline') throw error
      const snapshot = await cached<SiteMap>(profileId, key)
      if (snapshot) return snapshot
      throw new HaneulError('offline', 'Offline, and this site has not been mapped before. It is mapped when the network returns.', true)
    }
  }

  async function planFor(profileId: string, domain: string, code: FindingCode, subject: string, context: CallContext): Promise<FixPlan> {
    const map = await siteMap(profileId, domain, 'network', context)
    if (map.cachedAtMs !== undefined)
      throw new HaneulError('offline', 'A fix is planned from the live state, and the network is gone.', true)
    const finding = map.findings.find((f) => f.code === code && f.subject === subject)
    if (!finding) throw new HaneulError('not-found', `${subject} no longer has that problem (${code}): reload the site map.`)
    if (!finding.fix) throw new HaneulError('unsupported', `Haneul has no safe fix for ${code}; the finding says what to change.`)
    const planId = randomUUID()
    const expiresAtMs = nowMs() + PLAN_TTL_MS
    const bucket = map.bucket
    const distribution = map.distribution
    let stored: StoredPlan
    let before: string
    let after: string
    switch (finding.fix) {
      case 'allow-distribution-in-policy':
      case 'remove-public-statements': {
        if (!bucket || !distribution)
          throw new HaneulError('conflict', 'The site map has no bucket behind a distribution any more: reload it.')
        const current = await reads.bucketPolicy(profileId, bucket.name, bucket.region, context.signal)
        const origin = map.origins.find((o) => o.isDefault)
        const details = (
          await deps.services().cloudfront.distribution({ profileId, distributionId: distribution.id, source: 'network' }, context)
        ).distribution
        const access = details.origins.find((o) => o.id === origin?.id)
        let next: string | undefined
        if (finding.fix === 'allow-distribution-in-policy') {
          if (!access || access.access === 'public')
            throw new HaneulError('conflict', 'The origin no longer uses origin access control or an identity: reload the site map.')
          next = withDistributionAllowed(
            current,
            bucket.name,
            bucket.keyPrefix,
            { kind: access.access, accessId: access.accessId },
            details.arn,
          )
        } else {
          if (current === undefined) throw new HaneulError('conflict', `${bucket.name} has no bucket policy any more: reload the site map.`)
          next = withoutPublicStatements(current)
        }
        before = showPolicy(current)
        after = showPolicy(next)
        const summary =
          finding.fix === 'allow-distribution-in-policy'
            ? `Add a statement to the bucket policy of ${bucket.name} that lets ${distribution.id} read ${bucket.keyPrefix || ''}* through its ${access?.access === 'origin-access-identity' ? 'origin access identity' : 'origin access control'}.`
            : next === undefined
              ? `Delete the bucket policy of ${bucket.name}: its only statements let anyone read the objects.`
              : `Remove the statements of ${bucket.name}'s bucket policy that let anyone read the objects; the others stay.`
        stored = {
          kind: 'policy',
          fix: finding.fix,
          profileId,
          bucket: bucket.name,
          region: bucket.region,
          before: current,
          after: next,
          summary,
          expiresAtMs,
        }
        break
      }
      case 'enable-distribution': {
        if (!distribution) throw new HaneulError('conflict', 'The site map has no distribution any more: reload it.')
        const details = (
          await deps.services().cloudfront.distribution({ profileId, distributionId: distribution.id, source: 'network' }, context)
        ).distribution
        before = `${details.id}: Enabled = ${details.enabled}`
        after = `${details.id}: Enabled = true`
        stored = {
          kind: 'enable',
          fix: finding.fix,
          profileId,
          distributionId: details.id,
          etag: details.etag,
          summary: `Enable ${details.id}. CloudFront deploys the change to its edge locations in a few minutes.`,
          expiresAtMs,
        }
        break
      }
    }
    for (const [id, plan] of plans) if (plan.expiresAtMs <= nowMs()) plans.delete(id)
    plans.set(planId, stored)
    return { planId, fix: finding.fix, code, subject, summary: stored.summary, before, after }
  }

  const handlers: Handlers['site'] = {
    domains: async ({ profileId, source }, context) => {
      if (source === 'cache') {
        const snapshot = await cached<{ domains: []; partialZones: [] }>(profileId, 'domains')
        if (!snapshot) throw new HaneulError('not-found', 'Nothing is cached yet for the sites of this profile.')
        return snapshot
      }
      const { route53 } = deps.services()
      const { zones, cachedAtMs } = await route53.listZones({ profileId, source }, context)
      const domains: Awaited<ReturnType<Handlers['site']['domains']>>['domains'] = []
      const partialZones: string[] = []
      let fromSnapshots = cachedAtMs !== undefined
      for (const zone of zones.filter((z) => !z.privateZone)) {
        const rows = []
        let nextToken: string | undefined
        let pages = 0
        do {
          const page = await route53.listRecords({ profileId, zoneId: zone.id, nextToken, source }, context)
          if (page.cachedAtMs !== undefined) fromSnapshots = true
          rows.push(...page.records)
          nextToken = page.nextToken
        } while (nextToken && ++pages < DOMAIN_SCAN_PAGES)
        if (nextToken) partialZones.push(zone.displayName.replace(/\.$/, ''))
        const byName = new Map<string, 'cloudfront' | 's3-website'>()
        for (const row of rows) {
          if (!['A', 'AAAA', 'CNAME'].includes(row.set.Type)) continue
          const target = (
            row.set.AliasTarget?.DNSName ??
            (row.set.Type === 'CNAME' ? row.set.ResourceRecords?.[0]?.Value : '') ??
            ''
          ).toLowerCase()
          const points =
            row.aliasKind === 'cloudfront' || /\.cloudfront\.net\.?$/.test(target)
              ? 'cloudfront'
              : row.aliasKind === 's3-website' || /\.s3-website[.-]/.test(target)
                ? 's3-website'
                : undefined
          if (points) byName.set(row.set.Name, points)
        }
        // Aliases to another record of the zone (www → apex) lead where that record leads.
        for (const row of rows) {
          if (row.aliasKind !== 'record' || byName.has(row.set.Name)) continue
          const to = byName.get(canonicalName(row.set.AliasTarget?.DNSName ?? '.'))
          if (to) byName.set(row.set.Name, to)
        }
        for (const [name, points] of byName)
          domains.push({ domain: name, displayDomain: displayName(name).replace(/\.$/, ''), zoneId: zone.id, points })
      }
      const value = { domains, partialZones }
      if (!fromSnapshots) void save(profileId, 'domains', value)
      return fromSnapshots ? { ...value, cachedAtMs: cachedAtMs ?? nowMs() } : value
    },
    map: async ({ profileId, domain, source }, context) => siteMap(profileId, domain, source, context),
    planFix: async ({ profileId, domain, code, subject }, context) => planFor(profileId, domain, code, subject, context),
    applyFix: async ({ profileId, planId }, context) => {
      const plan = plans.get(planId)
      if (!plan || plan.profileId !== profileId || plan.expiresAtMs <= nowMs()) {
        plans.delete(planId)
        throw new HaneulError(
          'not-found',
          'That fix plan is gone (applied, expired after 15 minutes, or made before a restart): plan it again.',
        )
      }
      plans.delete(planId)
      if (plan.kind === 'policy') {
        const now = await reads.bucketPolicy(profileId, plan.bucket, plan.region, context.signal)
        if (now !== plan.before) {
          throw new HaneulError(
            'conflict',
            `The bucket policy of ${plan.bucket} changed since the fix was planned; nothing was changed. Plan the fix again.`,
          )
        }
        await reads.putBucketPolicy(profileId, plan.bucket, plan.region, plan.after)
      } else {
        await deps
          .services()
          .cloudfront.setDistributionEnabled({ profileId, distributionId: plan.distributionId, enabled: true, etag: plan.etag }, context)
      }
      return { applied: true as const, summary: plan.summary }
    },
  }
  return { handlers }
}
