/**
 * The DNS screen's pure logic: record identity, names relative to the zone, the draft as a list of
 * edits (one per record set, the original `before` kept however often the set is edited again), the
 * table's view of the zone with the draft laid over it, and the filters. No API calls here.
 */
import type { RecordEdit, RecordRow, RecordSet } from '../../src-main/api/route53'

/** A record set's identity in Route 53: name, type and set identifier. */
export function keyOf(set: Pick<RecordSet, 'Name' | 'Type' | 'SetIdentifier'>): string {
  return `${set.Name}\n${set.Type}\n${set.SetIdentifier ?? ''}`
}

/** The set an edit is about: the new one for a create or an update (its key may have moved), else the old one. */
export const editedSet = (edit: RecordEdit): RecordSet => (edit.kind === 'delete' ? edit.before : edit.after)
/** The key the edit started from: the set as listed (for a create, its own). */
export const originKey = (edit: RecordEdit): string => keyOf(edit.kind === 'create' ? edit.after : edit.before)

const fields = [
  'Name',
  'Type',
  'SetIdentifier',
  'Weight',
  'Region',
  'GeoLocation',
  'Failover',
  'MultiValueAnswer',
  'TTL',
  'ResourceRecords',
  'AliasTarget',
  'HealthCheckId',
  'CidrRoutingConfig',
] as const

/** A listed set cut down to the fields the contract's strict RecordSet allows (Route 53 lists a few more). */
export function editable(set: RecordRow['set'] | RecordSet): RecordSet {
  const out: Record<string, unknown> = {}
  // JSON, not structuredClone: the set may be a reactive proxy, which structuredClone refuses.
  for (const field of fields) if (set[field] !== undefined) out[field] = JSON.parse(JSON.stringify(set[field]))
  return out as RecordSet
}

/** Adds an edit to the draft, folded into the edit already there for the same set. */
export function applyEdit(edits: readonly RecordEdit[], edit: RecordEdit): RecordEdit[] {
  const origin = originKey(edit)
  const index = edits.findIndex((existing) => keyOf(editedSet(existing)) === origin && existing.kind !== 'delete')
  const existing = index >= 0 ? edits[index] : undefined
  const rest = edits.filter((_, i) => i !== index)
  if (!existing) return [...rest, edit]
  // Editing what the draft already changes: the draft keeps the set as Route 53 had it.
  if (existing.kind === 'create') {
    if (edit.kind === 'delete') return rest
    return [...rest, { kind: 'create', after: editedSet(edit) }]
  }
  if (existing.kind === 'update') {
    if (edit.kind === 'delete') return [...rest, { kind: 'delete', before: existing.before }]
    return [...rest, { kind: 'update', before: existing.before, after: editedSet(edit) }]
  }
  return [...rest, edit]
}

/** Takes the draft's edit of this set (by the key it has in the table) out again. */
export function withoutEdit(edits: readonly RecordEdit[], key: string): RecordEdit[] {
  return edits.filter((edit) => keyOf(editedSet(edit)) !== key && !(edit.kind === 'delete' && keyOf(edit.before) === key))
}

export type Staged = 'created' | 'updated' | 'deleted'

/** A row of the table: a listed set, or one the draft adds, marked with what the draft does to it. */
export interface TableRow {
  key: string
  row: RecordRow
  staged?: Staged
  /** For an updated row: the set as Route 53 has it. */
  original?: RecordSet
}

/**
 * The zone as the table shows it: every listed set, the draft's version in place of the one it updates,
 * deletions marked, and the sets the draft creates after the listing.
 */
export function overlay(rows: readonly RecordRow[], edits: readonly RecordEdit[], zoneName: string): TableRow[] {
  const byOrigin = new Map<string, RecordEdit>()
  for (const edit of edits) if (edit.kind !== 'create') byOrigin.set(keyOf(edit.before), edit)
  const out: TableRow[] = rows.map((row) => {
    const key = keyOf(row.set)
    const edit = byOrigin.get(key)
    if (!edit) return { key, row }
    if (edit.kind === 'delete') return { key, row, staged: 'deleted' }
    const after = edit.kind === 'update' ? edit.after : row.set
    return { key: keyOf(after), row: draftRow(after, zoneName, row), staged: 'updated', original: editable(row.set) }
  })
  for (const edit of edits) {
    if (edit.kind === 'create') out.push({ key: keyOf(edit.after), row: draftRow(edit.after, zoneName), staged: 'created' })
  }
  return out
}

/** A drafted set as a table row (the listing's row supplies what main worked out, when there was one). */
export function draftRow(set: RecordSet, zoneName: string, listed?: RecordRow): RecordRow {
  return {
    set,
    displayName: listed && listed.set.Name === set.Name ? listed.displayName : readableName(set.Name),
    routing: routingOf(set),
    ...(set.AliasTarget ? { aliasKind: listed?.aliasKind ?? guessAliasKind(set, zoneName) } : {}),
  }
}

export function routingOf(set: RecordSet): RecordRow['routing'] {
  if (set.Weight !== undefined) return 'weighted'
  if (set.Region) return 'latency'
  if (set.Failover) return 'failover'
  if (set.GeoLocation) return 'geolocation'
  if (set.MultiValueAnswer !== undefined) return 'multivalue'
  if (set.CidrRoutingConfig) return 'cidr'
  return 'simple'
}

function guessAliasKind(set: RecordSet, zoneName: string): RecordRow['aliasKind'] {
  const target = set.AliasTarget!.DNSName.toLowerCase()
  if (target.endsWith('.cloudfront.net.') || target.endsWith('.cloudfront.net')) return 'cloudfront'
  if (/(^|\.)s3-website[.-]/.test(target)) return 's3-website'
  if (target === zoneName || target.endsWith(`.${zoneName}`)) return 'record'
  return 'other'
}

/** Route 53's `\052` back to `*` for reading (main's displayName does punycode; drafts are shown as typed). */
export const readableName = (name: string): string =>
  name.replace(/\\(\d{3})/g, (_, code: string) => String.fromCharCode(parseInt(code, 8)))

/**
 * A name as typed in the form, made absolute in the zone: '@' or '' is the apex, a name ending in a dot
 * is taken as it is, anything else is relative unless it already ends with the zone's name.
 */
export function qualify(typed: string, zoneName: string): string {
  const name = typed.trim()
  const zone = zoneName.endsWith('.') ? zoneName : `${zoneName}.`
  if (name === '' || name === '@') return zone
  if (name.endsWith('.')) return name
  const bare = zone.slice(0, -1)
  if (name.toLowerCase() === bare.toLowerCase() || name.toLowerCase().endsWith(`.${bare.toLowerCase()}`)) return `${name}.`
  return `${name}.${zone}`
}

/** A name shown relative to its zone in the form ('@' for the apex). */
export function relativeName(name: string, zoneName: string): string {
  const zone = zoneName.endsWith('.') ? zoneName : `${zoneName}.`
  const full = name.endsWith('.') ? name : `${name}.`
  if (full.toLowerCase() === zone.toLowerCase()) return '@'
  if (full.toLowerCase().endsWith(`.${zone.toLowerCase()}`)) return full.slice(0, -zone.length - 1)
  return full
}

/** What the value column shows: the values, or where an alias points. */
export function valueText(set: RecordSet): string {
  if (set.AliasTarget) return `→ ${readableName(set.AliasTarget.DNSName)}`
  return (set.ResourceRecords ?? []).map((r) => r.Value).join('  ·  ')
}

/** What the routing column shows beside the policy: the weight, region, failover role or location. */
export function routingDetail(set: RecordSet): string {
  if (set.Weight !== undefined) return String(set.Weight)
  if (set.Region) return set.Region
  if (set.Failover) return set.Failover
  if (set.GeoLocation) {
    const g = set.GeoLocation
    return [g.ContinentCode, g.CountryCode, g.SubdivisionCode].filter(Boolean).join('-') || '*'
  }
  return ''
}

export interface Filters {
  name: string
  type: string
  value: string
}

/** Name and value filters match anywhere, case-insensitively; the type filter is one type or all. */
export function matches(row: TableRow, filters: Filters): boolean {
  const name = filters.name.trim().toLowerCase()
  const value = filters.value.trim().toLowerCase()
  if (filters.type && row.row.set.Type !== filters.type) return false
  if (name && !row.row.displayName.toLowerCase().includes(name) && !row.row.set.Name.toLowerCase().includes(name)) return false
  if (value && !valueText(row.row.set).toLowerCase().includes(value)) return false
  return true
}

/** Values of two versions of a set, compared as sets (reordering is not a change): kept, added, removed. */
export function valueDiff(
  before: RecordSet | undefined,
  after: RecordSet | undefined,
): { kept: string[]; added: string[]; removed: string[] } {
  const old = (before?.ResourceRecords ?? []).map((r) => r.Value)
  const now = (after?.ResourceRecords ?? []).map((r) => r.Value)
  const oldSet = new Set(old)
  const nowSet = new Set(now)
  return {
    kept: now.filter((v) => oldSet.has(v)),
    added: now.filter((v) => !oldSet.has(v)),
    removed: old.filter((v) => !nowSet.has(v)),
  }
}

/** Routing fields in words, for the diff ("weight 80", "failover PRIMARY, health check …"). */
export function routingText(set: RecordSet | undefined): string {
  if (!set) return ''
  const parts: string[] = []
  if (set.SetIdentifier) parts.push(`id ${set.SetIdentifier}`)
  if (set.Weight !== undefined) parts.push(`weight ${set.Weight}`)
  if (set.Region) parts.push(`region ${set.Region}`)
  if (set.Failover) parts.push(`failover ${set.Failover}`)
  if (set.GeoLocation) parts.push(`location ${routingDetail(set)}`)
  if (set.MultiValueAnswer !== undefined) parts.push(`multivalue ${set.MultiValueAnswer}`)
  if (set.HealthCheckId) parts.push(`health check ${set.HealthCheckId}`)
  return parts.join(', ')
}

/** Every staged edit counts once: what the "Review changes (n)" button says. */
export const editCount = (edits: readonly RecordEdit[]): number => edits.length

export type ChangedField = 'ttl' | 'values' | 'alias' | 'routing'

/**
 * What an update changes, worked out here from the draft alone (for the offline preview; the review's
 * diff comes from main, against the zone as it is now). Values are compared as sets.
 */
export function changedFields(before: RecordSet, after: RecordSet): ChangedField[] {
  const fields: ChangedField[] = []
  if (before.TTL !== after.TTL) fields.push('ttl')
  const values = valueDiff(before, after)
  if (values.added.length || values.removed.length) fields.push('values')
  if (JSON.stringify(before.AliasTarget ?? null) !== JSON.stringify(after.AliasTarget ?? null)) fields.push('alias')
  if (routingText(before) !== routingText(after)) fields.push('routing')
  return fields
}
