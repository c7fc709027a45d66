/**
 * The emulated CloudFront's state: distributions (config as the XML tree CloudFront stores, ETag,
 * deployment), their invalidations and monitoring subscriptions. In memory; seeded at start.
 * Status changes (InProgress → Deployed, InProgress → Completed) are computed from the injected clock,
 * so tests move time instead of waiting.
 */
import { randomBytes } from 'node:crypto'
import { SANDBOX_ACCOUNT_ID } from '../credentials'
import { EmulatedError } from '../framework/emulated-error'
import { asList } from '../framework/xml'

/** An XML element as fast-xml-parser gives it and the builder takes it: children by name, string leaves. */
export type XmlTree = Record<string, unknown>

export interface InvalidationState {
  id: string
  callerReference: string
  /** As sent, in order. */
  paths: string[]
  createdMs: number
  completesAtMs: number
}

export interface DistributionState {
  id: string
  domainName: string
  /** The `DistributionConfig` element's children. */
  config: XmlTree
  etag: string
  lastModifiedMs: number
  deployedAtMs: number
  /** Newest first, as ListInvalidations returns them. */
  invalidations: InvalidationState[]
  subscription?: { status: 'Enabled' | 'Disabled'; createdMs: number }
}

/** CloudFront's limits on invalidations in progress, per distribution (cloudfront-limits.md). */
export const MAX_PATHS_IN_PROGRESS = 3000
export const MAX_WILDCARD_PATHS_IN_PROGRESS = 15
export const MAX_PATH_LENGTH = 4000

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'

/** Ids like CloudFront's: a letter and 13 upper-case letters and digits (E2QWRUHAPOMQZL). */
export function newId(first: string): string {
  return first + Array.from(randomBytes(13), (b) => ID_ALPHABET[b % ID_ALPHABET.length]).join('')
}

export const distributionArn = (id: string) => `arn:aws:cloudfront::${SANDBOX_ACCOUNT_ID}:distribution/${id}`

export const isWildcard = (path: string) => path.endsWith('*')

export class CloudFrontState {
  readonly distributions: DistributionState[] = []

  constructor(
    private readonly nowMs: () => number,
    readonly deployDelayMs: number,
    readonly invalidationDelayMs: number,
  ) {}

  find(id: string): DistributionState {
    const found = this.distributions.find((d) => d.id === id)
    if (!found) throw new EmulatedError('NoSuchDistribution', 'The specified distribution does not exist.', 404)
    return found
  }

  status(distribution: DistributionState): 'InProgress' | 'Deployed' {
    return this.nowMs() < distribution.deployedAtMs ? 'InProgress' : 'Deployed'
  }

  invalidationStatus(invalidation: InvalidationState): 'InProgress' | 'Completed' {
    return this.nowMs() < invalidation.completesAtMs ? 'InProgress' : 'Completed'
  }

  inProgress(distribution: DistributionState): InvalidationState[] {
    return distribution.invalidations.filter((i) => this.invalidationStatus(i) === 'InProgress')
  }

  /** Applies a validated config: a new ETag, and a deployment that takes deployDelayMs. */
  update(distribution: DistributionState, config: XmlTree): void {
    const now = this.nowMs()
    distribution.config = config
    distribution.etag = newId('E')
    distribution.lastModifiedMs = now
    distribution.deployedAtMs = now + this.deployDelayMs
  }

  /** When CloudFront started serving the additional metrics, if they are on. */
  monitoringSince(distributionId: string): number | undefined {
    const subscription = this.distributions.find((d) => d.id === distributionId)?.subscription
    return subscription?.status === 'Enabled' ? subscription.createdMs : undefined
  }
}

/** The aliases of a config, lower-cased (CNAMEs are case-insensitive). */
export function aliasesOf(config: XmlTree): string[] {
  const aliases = config.Aliases as XmlTree | undefined
  return asList((aliases?.Items as XmlTree | undefined)?.CNAME as string | string[] | undefined).map((a) => String(a).toLowerCase())
}
