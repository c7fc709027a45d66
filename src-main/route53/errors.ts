/**
 * Route 53's InvalidChangeBatch puts all its problems in one Message, bracketed and comma-separated
 * (`[Tried to create …, RRSet of type …]`); the messages themselves contain commas, so they are split
 * where a new message begins with one of Route 53's message openings.
 */
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
