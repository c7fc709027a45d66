/**
 * Walks one domain's stack link by link — records → distribution → origins → bucket ← pipelines, plus the
 * log bucket, the bucket's costs and the last hit ratio — and checks each link on the way. Every read
 * goes through the other modules' handlers (their offline rules, snapshots and error wording included);
 * the few reads no module offers (records by name, the bucket policy, pipeline declarations) go through
 * `SiteReads`. A part that cannot be read is named in `unavailable`, never left blank without a word.
 */
import type { DistributionDetails, DistributionSummary } from '../api/cloudfront'
import type { Finding, FindingCode, SiteMap, SiteOrigin, SitePipeline, SiteRecord } from '../api/site'
import { toApiError } from '../core/errors'
import { canonicalName, displayName, isWithin } from '../core/dns/names'
import type { CallContext, Handlers } from '../router'
import { allowsDistribution, isPublic, parsePolicy, type OriginAccess } from './policy'

/** The other modules' handlers the site map is composed from. */
export interface SiteServices {
  route53: Pick<Handlers['route53'], 'listZones' | 'listRecords'>
  cloudfront: Pick<Handlers['cloudfront'], 'listDistributions' | 'distribution' | 'metrics' | 'setDistributionEnabled'>
  codepipeline: Pick<Handlers['codepipeline'], 'listPipelines' | 'pipeline'>
  costs: Pick<Handlers['costs'], 'bucketCosts'>
  s3: Pick<Handlers['s3'], 'bucketInfo' | 'objectDetails'>
}

/** A record set as Route 53 lists it (the fields the map reads). */
export interface ListedSet {
  Name?: string
  Type?: string
  AliasTarget?: { HostedZoneId?: string; DNSName?: string }
  ResourceRecords?: Array<{ Value?: string }>
}

/** Reads that no module's contract offers, each offline-aware (site/reads.ts). */
export interface SiteReads {
  /** The record sets named exactly `name` in the zone (Route 53 form). */
  recordsNamed(profileId: string, zoneId: string, name: string, signal: AbortSignal): Promise<ListedSet[]>
  /** The bucket policy's text; undefined when the bucket has none. */
  bucketPolicy(profileId: string, bucket: string, region: string | undefined, signal: AbortSignal): Promise<string | undefined>
  /** Every configuration value of every action of the pipeline, by stage and action (never leaves main). */
  actionConfigurations(
    profileId: string,
    pipeline: string,
    signal: AbortSignal,
  ): Promise<Array<{ stage: string; action: string; values: string[] }>>
}

const ADDRESS_TYPES = new Set(['A', 'AAAA', 'CNAME'])
const strip = (name: string) => name.replace(/\.$/, '').toLowerCase()

/** Where a host name leads: a distribution's domain, an S3 website endpoint, or outside AWS's delivery services. */
function pointsOf(host: string): { points: SiteRecord['points']; bucket?: string } {
  const name = strip(host)
  if (name.endsWith('.cloudfront.net')) return { points: 'cloudfront' }
  const website = /^(.+)\.s3-website[.-][a-z0-9-]+\.amazonaws\.com(?:\.cn)?$/.exec(name)
  if (website) return { points: 's3-website', bucket: website[1] }
  return { points: 'outside' }
}

/** A target name in Route 53's form; undefined for one that is not a DNS name (then it is not followed). */
function routeNameOf(name: string): string | undefined {
  try {
    return canonicalName(name)
  } catch {
    return undefined
  }
}

/** Does a distribution alias (possibly `*.example.com`) cover the name? */
function aliasCovers(alias: string, name: string): boolean {
  const a = strip(alias)
  const n = strip(name)
  if (a === n) return true
  return a.startsWith('*.') && n.endsWith(a.slice(1)) && !n.slice(0, n.length - a.length + 1).includes('.')
}

/** The origin path as a key prefix: "/site" → "site/", "" → "". */
export const keyPrefixOf = (originPath: string) => (originPath.replace(/^\/+|\/+$/g, '') ? `${originPath.replace(/^\/+|\/+$/g, '')}/` : '')

export interface DiscoverOptions {
  profileId: string
  domain: string
  source: 'network' | 'cache'
  context: CallContext
  nowMs: number
}

/** The map and whether any part of it came from another module's snapshot (then it is not the live picture). */
export async function discover(
  services: SiteServices,
  reads: SiteReads,
  options: DiscoverOptions,
): Promise<{ map: SiteMap; fromSnapshots: boolean }> {
  const { profileId, source, context } = options
  const { signal } = context
  const name = canonicalName(options.domain)
  let fromSnapshots = false
  const note = <T extends { cachedAtMs?: number }>(value: T): T => {
    if (value.cachedAtMs !== undefined) fromSnapshots = true
    return value
  }
  const findings: Finding[] = []
  const unavailable: SiteMap['unavailable'] = []
  const find = (
    code: FindingCode,
    severity: Finding['severity'],
    link: Finding['link'],
    subject: string,
    message: string,
    params: Record<string, string> = {},
    fix?: Finding['fix'],
  ) => findings.push({ code, severity, link, subject, message, params, ...(fix ? { fix } : {}) })
  const map: SiteMap = {
    domain: name,
    displayDomain: displayName(name).replace(/\.$/, ''),
    records: [],
    origins: [],
    pipelines: [],
    findings,
    unavailable,
    discoveredAtMs: options.nowMs,
  }
  const shown = map.displayDomain

  // ---- records ----
  const { zones } = note(await services.route53.listZones({ profileId, source }, context))
  const zoneIds = new Set(zones.map((zone) => zone.id))
  const holding = zones.filter((zone) => !zone.privateZone && isWithin(name, zone.name)).sort((a, b) => b.name.length - a.name.length)
  const zone = holding[0]
  if (zone) {
    const resolve = async (recordName: string, zoneId: string, via: string | undefined, depth: number): Promise<SiteRecord[]> => {
      const sets = (await reads.recordsNamed(profileId, zoneId, recordName, signal)).filter((set) => ADDRESS_TYPES.has(set.Type ?? ''))
      const out: SiteRecord[] = []
      for (const set of sets) {
        const base = { zoneId: zone.id, zoneName: zone.name, name, displayName: shown, type: set.Type ?? '', ...(via ? { via } : {}) }
        if (set.AliasTarget) {
          const target = set.AliasTarget.DNSName ?? ''
          const pointed = pointsOf(target)
          // An alias to another record of the account (www → apex): follow it, once per hop.
          const targetName = routeNameOf(target)
          if (
            pointed.points === 'outside' &&
            targetName &&
            set.AliasTarget.HostedZoneId &&
            zoneIds.has(set.AliasTarget.HostedZoneId) &&
            depth < 4
          ) {
            const followed = await resolve(targetName, set.AliasTarget.HostedZoneId, strip(target), depth + 1)
            const same = followed.filter((record) => record.type === set.Type)
            if (same.length) {
              out.push(...same)
              continue
            }
            out.push({ ...base, kind: 'alias', target: strip(target), points: 'record' })
            continue
          }
          out.push({ ...base, kind: 'alias', target: strip(target), points: pointed.points })
        } else {
          const values = (set.ResourceRecords ?? []).map((r) => r.Value ?? '')
          const kind = set.Type === 'CNAME' ? 'cname' : 'address'
          const pointed = kind === 'cname' ? pointsOf(values[0] ?? '') : { points: 'outside' as const }
          out.push({ ...base, kind, target: kind === 'cname' ? strip(values[0] ?? '') : values.join(', '), points: pointed.points })
        }
      }
      return out
    }
    map.records = await resolve(name, zone.id, undefined, 0)
  }
  if (map.records.length === 0) {
    find(
      'no-records',
      'error',
      'dns',
      shown,
      zone
        ? `${shown} has no A, AAAA or CNAME record in the hosted zone ${displayName(zone.name)}: nothing sends its visitors anywhere.`
        : `No public hosted zone of this profile holds ${shown}: Route 53 does not answer for it here.`,
      zone ? { zone: displayName(zone.name) } : {},
    )
    return { map, fromSnapshots }
  }
  for (const record of map.records.filter((r) => r.points === 'outside' || r.points === 'record')) {
    find(
      'record-outside-aws',
      'warning',
      'dns',
      `${shown} ${record.type}`,
      `The ${record.type} record of ${shown} points at ${record.target}, which is not a CloudFront distribution or an S3 website: the stack past it is not in this profile.`,
      { target: record.target, type: record.type },
    )
  }

  // ---- distribution ----
  const cloudfrontTarget = map.records.find((r) => r.points === 'cloudfront')
  const websiteTarget = map.records.find((r) => r.points === 's3-website')
  let details: DistributionDetails | undefined
  let summary: DistributionSummary | undefined
  if (cloudfrontTarget) {
    try {
      const { distributions } = note(await services.cloudfront.listDistributions({ profileId, source }, context))
      summary = distributions.find((d) => strip(d.domainName) === cloudfrontTarget.target)
      if (!summary) {
        find(
          'alias-missing-distribution',
          'error',
          'dns',
          `${shown} ${cloudfrontTarget.type}`,
          `The ${cloudfrontTarget.type} record of ${shown} points at ${cloudfrontTarget.target}, but no distribution of this profile has that domain name: visitors get an error from CloudFront.`,
          { target: cloudfrontTarget.target, type: cloudfrontTarget.type },
        )
      } else {
        details = note(await services.cloudfront.distribution({ profileId, distributionId: summary.id, source }, context)).distribution
      }
    } catch (error) {
      unavailable.push({ part: 'distribution', message: toApiError(error).message })
    }
  }

  let bucketName: string | undefined
  let keyPrefix = ''
  let endpoint: 'rest' | 'website' = 'rest'
  let access: OriginAccess | undefined
  if (details) {
    const errorPages = details.customErrorResponses
      .filter((r) => r.responsePagePath)
      .map((r) => ({ errorCode: r.errorCode, path: r.responsePagePath! }))
    map.distribution = {
      id: details.id,
      domainName: details.domainName,
      enabled: details.enabled,
      status: details.status,
      aliases: details.aliases,
      defaultRootObject: details.defaultRootObject,
      errorPages,
      inProgressInvalidations: details.inProgressInvalidations,
      priceClass: details.priceClass,
    }
    if (!details.enabled) {
      find(
        'distribution-disabled',
        'error',
        'distribution',
        details.id,
        `${shown} points at ${details.id}, which is disabled: CloudFront answers its visitors with 403 errors.`,
        { distribution: details.id },
        'enable-distribution',
      )
    }
    if (!details.aliases.some((alias) => aliasCovers(alias, name))) {
      find(
        'name-not-in-aliases',
        'error',
        'distribution',
        details.id,
        `${shown} is not among the alternate domain names of ${details.id}${details.aliases.length ? ` (${details.aliases.join(', ')})` : ''}: CloudFront refuses requests for it (403). Add it as an alias, with a certificate that covers it.`,
        { distribution: details.id, aliases: details.aliases.join(', ') },
      )
    }
    if (details.inProgressInvalidations > 0) {
      find(
        'invalidation-in-progress',
        'info',
        'distribution',
        details.id,
        `${details.inProgressInvalidations} invalidation${details.inProgressInvalidations === 1 ? '' : 's'} of ${details.id} ${details.inProgressInvalidations === 1 ? 'is' : 'are'} still in progress: some edge locations may serve the old files for a little while.`,
        { distribution: details.id, count: String(details.inProgressInvalidations) },
      )
    }

    // ---- origins ----
    const byOrigin = new Map<string, string[]>()
    for (const behavior of details.behaviors)
      byOrigin.set(behavior.targetOriginId, [...(byOrigin.get(behavior.targetOriginId) ?? []), behavior.pathPattern])
    const defaultOriginId = details.behaviors.find((b) => b.pathPattern === '*')?.targetOriginId ?? details.origins[0]?.id
    map.origins = details.origins.map((origin): SiteOrigin => ({
      id: origin.id,
      domainName: origin.domainName,
      kind: origin.kind,
      ...(origin.bucket ? { bucket: origin.bucket } : {}),
      originPath: origin.originPath,
      access: origin.access,
      isDefault: origin.id === defaultOriginId,
      pathPatterns: byOrigin.get(origin.id) ?? [],
    }))
    if (details.origins.length > 1) {
      find(
        'several-origins',
        'info',
        'origin',
        details.id,
        `${details.id} has ${details.origins.length} origins (${details.origins.map((o) => o.id).join(', ')}): the map follows ${defaultOriginId ?? 'the first'}, the default behaviour's; the others serve only their path patterns.`,
        { distribution: details.id, origins: details.origins.map((o) => o.id).join(', '), followed: defaultOriginId ?? '' },
      )
    }
    const followed = details.origins.find((o) => o.id === defaultOriginId)
    if (followed && (followed.kind === 'custom' || !followed.bucket)) {
      find(
        'origin-not-s3',
        'info',
        'origin',
        followed.id,
        `The default origin ${followed.id} (${followed.domainName}) is not an S3 bucket: the files come from a server this profile does not hold.`,
        { origin: followed.id, domainName: followed.domainName },
      )
    } else if (followed) {
      bucketName = followed.bucket
      keyPrefix = keyPrefixOf(followed.originPath)
      endpoint = followed.kind === 's3-website' ? 'website' : 'rest'
      if (followed.access !== 'public') access = { kind: followed.access, accessId: followed.accessId }
    }
  } else if (!cloudfrontTarget && websiteTarget) {
    // A record straight to a website endpoint: no CloudFront in between.
    bucketName = pointsOf(websiteTarget.target).bucket
    endpoint = 'website'
  }

  // ---- bucket ----
  if (bucketName) {
    const bucket: NonNullable<SiteMap['bucket']> = { name: bucketName, exists: true, endpoint, keyPrefix, policy: 'none', public: false }
    map.bucket = bucket
    try {
      bucket.region = (await services.s3.bucketInfo({ profileId, bucket: bucketName }, context)).region
    } catch (error) {
      const problem = toApiError(error)
      if (problem.code === 'not-found') {
        bucket.exists = false
        find(
          'origin-bucket-missing',
          'error',
          'bucket',
          bucketName,
          `The origin's bucket ${bucketName} does not exist (or belongs to another account): every request that misses the cache fails.`,
          { bucket: bucketName },
        )
      } else {
        unavailable.push({ part: 'bucket', message: problem.message })
      }
    }
    if (bucket.exists) {
      await checkBucketPolicy(bucket, details, access, shown)
      await checkObjects(bucketName, details)
      try {
        const costs = note(await services.costs.bucketCosts({ profileId, bucket: bucketName, days: 30, source }, context))
        if (costs.metricsAvailable) {
          map.costs = {
            totalUsd: costs.monthly.totalUsd,
            byClass: costs.monthly.byClass,
            ...(costs.latestDayMs !== undefined ? { latestDayMs: costs.latestDayMs } : {}),
            pricesDate: costs.prices.date,
          }
        } else unavailable.push({ part: 'costs', message: costs.message ?? 'S3 has not published storage metrics for this bucket yet.' })
      } catch (error) {
        unavailable.push({ part: 'costs', message: toApiError(error).message })
      }
    }
  }

  // ---- log bucket, hit ratio ----
  if (details?.logging?.enabled && details.logging.bucket) {
    const log = { name: details.logging.bucket, prefix: details.logging.prefix, exists: true }
    map.logBucket = log
    try {
      await services.s3.bucketInfo({ profileId, bucket: log.name }, context)
    } catch (error) {
      const problem = toApiError(error)
      if (problem.code === 'not-found') {
        log.exists = false
        find(
          'log-bucket-missing',
          'warning',
          'logs',
          log.name,
          `${details.id} writes its standard logs to ${log.name}, which does not exist: CloudFront drops the logs, and the hit statistics from logs stay empty.`,
          { bucket: log.name, distribution: details.id },
        )
      } else unavailable.push({ part: 'logs', message: problem.message })
    }
  }
  if (details) {
    try {
      const metrics = note(
        await services.cloudfront.metrics({ profileId, distributionId: details.id, range: { last: '24h' }, source }, context),
      )
      const points = metrics.series.find((s) => s.metric === 'CacheHitRate')?.points ?? []
      const last = points[points.length - 1]
      if (last) map.hitRatio = { percent: last[1], atMs: last[0], periodSeconds: metrics.periodSeconds }
      else
        unavailable.push({
          part: 'hitRatio',
          message: metrics.additionalMetrics
            ? 'CloudWatch has no cache hit rate for the last 24 hours (no cacheable requests).'
            : `Additional metrics are off for ${details.id}: CloudWatch has no cache hit rate. Turn them on in CloudFront's statistics, or read the standard logs there.`,
        })
    } catch (error) {
      unavailable.push({ part: 'hitRatio', message: toApiError(error).message })
    }
  }

  // ---- pipelines ----
  if (bucketName || details) {
    try {
      map.pipelines = await pipelinesOf(bucketName, details?.id, keyPrefix)
    } catch (error) {
      unavailable.push({ part: 'pipelines', message: toApiError(error).message })
    }
  }
  return { map, fromSnapshots }

  async function checkBucketPolicy(
    bucket: NonNullable<SiteMap['bucket']>,
    distribution: DistributionDetails | undefined,
    originAccess: OriginAccess | undefined,
    domain: string,
  ) {
    let text: string | undefined
    try {
      text = await reads.bucketPolicy(profileId, bucket.name, bucket.region, signal)
    } catch (error) {
      bucket.policy = 'unreadable'
      unavailable.push({ part: 'bucket', message: `The bucket policy of ${bucket.name} could not be read: ${toApiError(error).message}` })
      return
    }
    const policy = text === undefined ? undefined : parsePolicy(text)
    bucket.public = policy ? isPublic(policy) : false
    if (!distribution || !originAccess) {
      bucket.policy = policy ? 'does-not-allow' : 'none'
      return
    }
    const allowed = policy ? allowsDistribution(policy, bucket.name, bucket.keyPrefix, originAccess, distribution.arn) : false
    bucket.policy = allowed ? 'allows-distribution' : policy ? 'does-not-allow' : 'none'
    const how = originAccess.kind === 'origin-access-control' ? 'origin access control' : 'origin access identity'
    if (!allowed) {
      find(
        'origin-access-denied',
        'error',
        'bucket',
        bucket.name,
        `${distribution.id} reaches ${bucket.name} with its ${how}, but ${policy ? 'the bucket policy has no statement that lets it read' : 'the bucket has no policy that lets it read'} ${bucket.keyPrefix ? `${bucket.keyPrefix}*` : 'the objects'}: ${domain} answers 403 Access Denied.`,
        { bucket: bucket.name, distribution: distribution.id, access: originAccess.kind },
        'allow-distribution-in-policy',
      )
    }
    if (bucket.public) {
      find(
        'bucket-public',
        'warning',
        'bucket',
        bucket.name,
        `${bucket.name} lets anyone read its objects, though ${distribution.id} reaches it with its ${how}: visitors can bypass CloudFront (its cache, logs and restrictions) and read the bucket directly.`,
        { bucket: bucket.name, distribution: distribution.id },
        'remove-public-statements',
      )
    }
  }

  async function checkObjects(bucket: string, distribution: DistributionDetails | undefined) {
    if (!distribution) return
    const exists = async (key: string) => {
      try {
        await services.s3.objectDetails({ profileId, bucket, key }, context)
        return true
      } catch (error) {
        if (toApiError(error).code === 'not-found') return false
        throw error
      }
    }
    try {
      if (distribution.defaultRootObject) {
        const key = keyPrefix + distribution.defaultRootObject.replace(/^\/+/, '')
        if (!(await exists(key))) {
          find(
            'default-root-object-missing',
            'error',
            'bucket',
            key,
            `The default root object of ${distribution.id} is ${distribution.defaultRootObject}, but ${bucket} has no ${key}: https://${shown}/ answers with an error.`,
            { bucket, key, distribution: distribution.id },
          )
        }
      }
      for (const page of distribution.customErrorResponses) {
        if (!page.responsePagePath) continue
        const key = keyPrefix + page.responsePagePath.replace(/^\/+/, '')
        if (!(await exists(key))) {
          find(
            'error-page-missing',
            'warning',
            'bucket',
            key,
            `${distribution.id} answers ${page.errorCode} errors with ${page.responsePagePath}, but ${bucket} has no ${key}: visitors get CloudFront's bare error instead of the page.`,
            { bucket, key, errorCode: String(page.errorCode), distribution: distribution.id },
          )
        }
      }
    } catch (error) {
      unavailable.push({ part: 'bucket', message: `The site's pages could not be checked: ${toApiError(error).message}` })
    }
  }

  async function pipelinesOf(
    bucket: string | undefined,
    distributionId: string | undefined,
    servedPrefix: string,
  ): Promise<SitePipeline[]> {
    const { pipelines } = note(await services.codepipeline.listPipelines({ profileId, source }, context))
    const found: SitePipeline[] = []
    for (const listed of pipelines) {
      const pipeline = note(await services.codepipeline.pipeline({ profileId, pipeline: listed.name, source }, context))
      const deploys: SitePipeline['deploys'] = []
      for (const stage of pipeline.stages) {
        for (const action of stage.actions) {
          if (action.category !== 'Deploy' || action.provider !== 'S3' || !bucket || action.configuration.BucketName !== bucket) continue
          const objectKey = (action.configuration.ObjectKey ?? '').replace(/^\/+/, '')
          // Extract=true writes the artifact's files under ObjectKey as a folder; otherwise ObjectKey is one object.
          const prefix =
            action.configuration.Extract === 'false' ? objectKey : objectKey && !objectKey.endsWith('/') ? `${objectKey}/` : objectKey
          deploys.push({ stage: stage.name, action: action.name, bucket, prefix, served: prefix.startsWith(servedPrefix) })
        }
      }
      const invalidates: SitePipeline['invalidates'] = []
      if (distributionId && source === 'network') {
        for (const action of await reads.actionConfigurations(profileId, listed.name, signal)) {
          if (action.values.some((value) => value.includes(distributionId)))
            invalidates.push({ stage: action.stage, action: action.action })
        }
      }
      if (!deploys.length && !invalidates.length) continue
      found.push({
        name: listed.name,
        deploys,
        invalidates,
        stages: pipeline.stages.map((stage) => ({ name: stage.name, ...(stage.status ? { status: stage.status } : {}) })),
        waitingApprovals: pipeline.pendingApprovals.length,
      })
      for (const deploy of deploys.filter((d) => !d.served)) {
        find(
          'pipeline-prefix-not-served',
          'warning',
          'pipeline',
          `${listed.name}/${deploy.stage}/${deploy.action}`,
          `${listed.name} deploys (${deploy.stage} → ${deploy.action}) into ${bucket}/${deploy.prefix || '(the top)'}, but the distribution serves only ${bucket}/${servedPrefix}: what it releases never reaches ${shown}.`,
          { pipeline: listed.name, stage: deploy.stage, action: deploy.action, prefix: deploy.prefix, served: servedPrefix },
        )
      }
      for (const approval of pipeline.pendingApprovals) {
        find(
          'approval-waiting',
          'info',
          'pipeline',
          listed.name,
          `${listed.name} waits for a manual approval (${approval.stage} → ${approval.action}) before it releases further.`,
          { pipeline: listed.name, stage: approval.stage, action: approval.action },
        )
      }
    }
    return found
  }
}
