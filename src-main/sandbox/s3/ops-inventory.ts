/**
 * Bucket inventory configurations (S3 API Reference: PutBucketInventoryConfiguration,
 * GetBucketInventoryConfiguration, ListBucketInventoryConfigurations, DeleteBucketInventoryConfiguration):
 * `?inventory&id=…` on a bucket. A configuration is kept as sent (element order included), so GET returns
 * what PUT stored; its required elements and values are checked as S3 does. The emulator does not write
 * reports on a schedule: the seed (or a test) puts a report's manifest and data files in the destination
 * the way S3 Inventory lays them out.
 */
import { readSmallBody } from './body'
import type { RequestContext } from './context'
import { invalidArgument, malformedXml, S3Error } from './errors'
import { buildOrdered, parseOrdered } from './xml'

type OrderedNode = Record<string, unknown>

/** S3's limit of inventory configurations per bucket, and of configurations per list page. */
const MAX_CONFIGURATIONS = 1000
const LIST_PAGE = 100
const ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/

const FORMATS = ['CSV', 'ORC', 'Parquet']
const FREQUENCIES = ['Daily', 'Weekly']
const VERSIONS = ['All', 'Current']
/** The OptionalFields S3 accepts (InventoryOptionalField in the API reference). */
const OPTIONAL_FIELDS = new Set([
  'Size',
  'LastModifiedDate',
  'StorageClass',
  'ETag',
  'IsMultipartUploaded',
  'ReplicationStatus',
  'EncryptionStatus',
  'ObjectLockRetainUntilDate',
  'ObjectLockMode',
  'ObjectLockLegalHoldStatus',
  'IntelligentTieringAccessTier',
  'BucketKeyStatus',
  'ChecksumAlgorithm',
  'ObjectAccessControlList',
  'ObjectOwner',
  'LifecycleExpirationDate',
])

function children(nodes: OrderedNode[], name: string): OrderedNode[] | undefined {
  const child = nodes.find((node) => name in node)?.[name]
  return Array.isArray(child) ? (child as OrderedNode[]) : undefined
}

function text(nodes: OrderedNode[] | undefined, name: string): string | undefined {
  const child = nodes && children(nodes, name)
  if (!child) return undefined
  const value = child.find((node) => '#text' in node)?.['#text']
  return value === undefined ? '' : String(value)
}

function requireOneOf(value: string | undefined, allowed: string[]): void {
  if (value === undefined || !allowed.includes(value)) throw malformedXml()
}

function requireId(ctx: RequestContext): string {
  const id = ctx.param('id')
  if (id === undefined || id === '') throw invalidArgument('Inventory configuration id is required', 'id')
  return id
}

/** The stored configurations of a bucket (id → its elements as sent). */
const configurationsOf = (ctx: RequestContext) => ctx.bucket().record.inventoryConfigurations ?? {}

export async function putBucketInventory(ctx: RequestContext): Promise<void> {
  const state = ctx.bucket()
  const id = requireId(ctx)
  const nodes = parseOrdered(await readSmallBody(ctx), 'InventoryConfiguration') as OrderedNode[]
  const bodyId = text(nodes, 'Id')
  if (bodyId === undefined) throw malformedXml()
  if (bodyId !== id) throw invalidArgument('The configuration id in the body does not match the id in the request', 'id', id)
  if (!ID_PATTERN.test(id)) throw invalidArgument('Invalid id', 'id', id)
  requireOneOf(text(nodes, 'IsEnabled'), ['true', 'false'])
  requireOneOf(text(nodes, 'IncludedObjectVersions'), VERSIONS)
  requireOneOf(text(children(nodes, 'Schedule') ?? [], 'Frequency'), FREQUENCIES)
  const destination = children(children(nodes, 'Destination') ?? [], 'S3BucketDestination')
  if (!destination) throw malformedXml()
  requireOneOf(text(destination, 'Format'), FORMATS)
  const arn = text(destination, 'Bucket')
  if (!arn?.startsWith('arn:aws:s3:::') || arn.length === 'arn:aws:s3:::'.length)
    throw invalidArgument('Invalid destination bucket ARN', 'Bucket', arn)
  for (const field of children(nodes, 'OptionalFields') ?? []) {
    const name = text([field], 'Field')
    if (name === undefined || !OPTIONAL_FIELDS.has(name)) throw malformedXml()
  }
  const existing = state.record.inventoryConfigurations ?? {}
  if (!(id in existing) && Object.keys(existing).length >= MAX_CONFIGURATIONS)
    throw new S3Error(
      'TooManyConfigurations',
      'You are attempting to create a new configuration but have already reached the 1,000-configuration limit.',
    )
  ctx.store.updateBucket(state, { inventoryConfigurations: { ...existing, [id]: nodes } })
  ctx.sendEmpty(200)
}

export function getBucketInventory(ctx: RequestContext): void {
  const id = requireId(ctx)
  const configuration = configurationsOf(ctx)[id]
  if (!configuration) throw new S3Error('NoSuchConfiguration')
  ctx.sendXml(200, 'InventoryConfiguration', [], {}, buildOrdered(configuration))
}

export function listBucketInventories(ctx: RequestContext): void {
  const token = ctx.param('continuation-token')
  const after = token === undefined ? undefined : Buffer.from(token, 'base64url').toString('utf8')
  if (token !== undefined && after === '')
    throw invalidArgument('The continuation token provided is incorrect', 'continuation-token', token)
  const ids = Object.keys(configurationsOf(ctx))
    .sort()
    .filter((id) => after === undefined || id > after)
  const page = ids.slice(0, LIST_PAGE)
  const truncated = ids.length > page.length
  const configurations = configurationsOf(ctx)
  const inner = page.map((id) => `<InventoryConfiguration>${buildOrdered(configurations[id]!)}</InventoryConfiguration>`).join('')
  ctx.sendXml(
    200,
    'ListInventoryConfigurationsResult',
    [],
    {},
    inner +
      (token !== undefined ? `<ContinuationToken>${token}</ContinuationToken>` : '') +
      `<IsTruncated>${truncated}</IsTruncated>` +
      (truncated ? `<NextContinuationToken>${Buffer.from(page.at(-1)!).toString('base64url')}</NextContinuationToken>` : ''),
  )
}

export function deleteBucketInventory(ctx: RequestContext): void {
  const state = ctx.bucket()
  const id = requireId(ctx)
  const existing = state.record.inventoryConfigurations ?? {}
  if (!(id in existing)) throw new S3Error('NoSuchConfiguration')
  const { [id]: _removed, ...rest } = existing
  ctx.store.updateBucket(state, { inventoryConfigurations: Object.keys(rest).length ? rest : undefined })
  ctx.sendEmpty(204)
}
