/**
 * Route 53's InvalidChangeBatch puts all its problems in one Message, bracketed and comma-separated
 * (`[Tried to create …, RRSet of type …]`); the messages themselves contain commas, so they are split
 * where a new message begins with one of Route 53's message openings.
 */
import { NameError } from '../core/dns/names'
import { ValueError } from '../core/dns/values'
import { HaneulError } from '../core/errors'

const openings = [
  'Tried to',
  'RRSet',
  'Invalid Resource Record',
  'Duplicate Resource Record',
  'The request contains',
  'A HostedZone',
  'Number of records',
  'RDATA character',
  'Exceeded limit',
]

export function invalidChangeBatchMessages(message: string): string[] {
  const inner = message.trim().replace(/^\[/, '').replace(/\]$/, '')
  if (!inner) return []
  const boundary = new RegExp(`, (?=(?:${openings.map((o) => o.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})\\b)`)
  return inner.split(boundary)
}

interface Route53ErrorLike {
  name?: string
  message?: string
}

/** Route 53's refusals as HaneulErrors that say what to do; anything else is returned as it was. */
export function explainRoute53Error(thrown: unknown): unknown {
  if (thrown instanceof HaneulError || typeof thrown !== 'object' || thrown === null) return thrown
  // A name or value that cannot be put in Route 53's form never reaches Route 53.
  if (thrown instanceof NameError || thrown instanceof ValueError) return new HaneulError('bad-request', thrown.message)
  const { name = '', message = '' } = thrown as Route53ErrorLike
  switch (name) {
    case 'InvalidChangeBatch': {
      const messages = invalidChangeBatchMessages(message)
      return new HaneulError(
        'bad-request',
        `Route 53 refused the whole change (nothing was applied): ${messages.join('; ')}. Plan again to see the zone as it is now.`,
      )
    }
    case 'InvalidInput':
      return new HaneulError('bad-request', `Route 53 refused the request: ${message}`)
    case 'NoSuchHostedZone':
      return new HaneulError('not-found', `The hosted zone does not exist any more (${message}). Reload the zone list.`)
    case 'NoSuchHealthCheck':
      return new HaneulError('not-found', `The health check does not exist (${message}). Pick one from the list.`)
    case 'NoSuchChange':
      return new HaneulError('not-found', `Route 53 does not know this change (${message}).`)
    case 'HostedZoneNotEmpty':
      return new HaneulError('conflict', `The zone still has records (${message}). Delete them first.`)
    case 'PriorRequestNotComplete':
      return new HaneulError(
        'throttled',
        'Route 53 is still applying the previous change to this zone; Haneul retried with backoff and it is still busy. Try again in a few seconds.',
        true,
      )
    case 'Throttling':
    case 'ThrottlingException':
      return new HaneulError(
        'throttled',
        'Route 53 allows five requests a second per account; Haneul retried with backoff and was still refused. Try again in a few seconds.',
        true,
      )
  }
  return thrown
}

/** For `.catch(rethrowExplained)`. */
export function rethrowExplained(thrown: unknown): never {
  throw explainRoute53Error(thrown)
}
