/**
 * Service and bucket operations: ListBuckets, bucket CRUD, location, versioning, lifecycle, tagging and policy.
 */
import { randomBytes } from 'node:crypto'
import { readSmallBody } from './body'
import { ownerElement, requireParamInt, type RequestContext } from './context'
import { S3Error, malformedXml } from './errors'
import { validateTags } from './headers'
import { bucketNameProblem } from './keys'
import { buildOrdered, childList, childNode, childText, isoTime, parseOrdered, parseXmlBody, xmlDocument, type XmlChild } from './xml'

export function listBuckets(ctx: RequestContext): void {
  const maxBuckets = requireParamInt(
    ctx,
    'max-buckets',
    1,
    10_000,
    Number.MAX_SAFE_INTEGER,
    'Argument max-buckets must be an integer between 1 and 10000',
  )
  const prefix = ctx.param('prefix')
  const region = ctx.param('bucket-region')
  const token = ctx.param('continuation-token')
  const after = token === undefined ? undefined : Buffer.from(token, 'base64url').toString('utf8')
  const buckets = ctx.store
    .allBuckets()
    .filter(({ record }) => (prefix === undefined || record.name.startsWith(prefix)) && (region === undefined || record.region === region))
    .filter(({ record }) => after === undefined || record.name > after)
  const page = buckets.slice(0, maxBuckets)
  const last = page[page.length - 1]
  const next = buckets.length > page.length && last ? Buffer.from(last.record.name).toString('base64url') : undefined
  ctx.sendXml(200, 'ListAllMyBucketsResult', [
    [
      'Buckets',
      page.map(({ record }): XmlChild => [
        'Bucket',
        [
          ['Name', record.name],
          ['CreationDate', isoTime(record.createdMs)],
          ['BucketRegion', record.region],
        ],
      ]),
    ],
    ownerElement(),
    ['ContinuationToken', next],
    ['Prefix', prefix],
  ])
}

const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d+$/

export async function createBucket(ctx: RequestContext): Promise<void> {
  const name = ctx.bucketName as string
  if (bucketNameProblem(name)) throw new S3Error('InvalidBucketName', undefined, { BucketName: name })
  const body = await readSmallBody(ctx)
  let region = ctx.env.defaultRegion
  if (body.length > 0) {
    const constraint = childText(parseXmlBody(body, 'CreateBucketConfiguration'), 'LocationConstraint')
    if (constraint !== undefined && constraint !== '') {
      // us-east-1 is the default and, as in S3, may not be named explicitly.
      const resolved = constraint === 'EU' ? 'eu-west-1' : constraint
      if (resolved === 'us-east-1' || !REGION_PATTERN.test(resolved)) {
        throw new S3Error('InvalidLocationConstraint', undefined, { LocationConstraint: constraint })
      }
      region = resolved
    }
  }
  ctx.store.createBucket(name, region)
  ctx.sendEmpty(200, { Location: `/${name}` })
}

export function deleteBucket(ctx: RequestContext): void {
  ctx.store.deleteBucket(ctx.bucketName as string)
  ctx.sendEmpty(204)
}

export function headBucket(ctx: RequestContext): void {
  const { record } = ctx.bucket()
  ctx.sendEmpty(200, { 'x-amz-bucket-region': record.region, 'x-amz-access-point-alias': 'false' })
}

export function getBucketLocation(ctx: RequestContext): void {
  const { record } = ctx.bucket()
  // S3 reports us-east-1 as an empty constraint.
  ctx.sendBody(200, xmlDocument('LocationConstraint', record.region === 'us-east-1' ? '' : record.region))
}

export function getBucketVersioning(ctx: RequestContext): void {
  const { record } = ctx.bucket()
  ctx.sendXml(200, 'VersioningConfiguration', [['Status', record.versioning === 'Unversioned' ? undefined : record.versioning]])
}

export async function putBucketVersioning(ctx: RequestContext): Promise<void> {
  const state = ctx.bucket()
  const status = childText(parseXmlBody(await readSmallBody(ctx), 'VersioningConfiguration'), 'Status')
  if (status !== undefined) {
    if (status !== 'Enabled' && status !== 'Suspended') throw malformedXml()
    ctx.store.updateBucket(state, { versioning: status })
  }
  ctx.sendEmpty(200)
}

const LIFECYCLE_ACTIONS = [
  'Expiration',
  'Transition',
  'NoncurrentVersionExpiration',
  'NoncurrentVersionTransition',
  'AbortIncompleteMultipartUpload',
]
const TRANSITION_HEADER_NAME = 'x-amz-transition-default-minimum-object-size'
const TRANSITION_DEFAULTS = ['all_storage_classes_128K', 'varies_by_storage_class']
const transitionHeader = (value = 'all_storage_classes_128K') => ({ [TRANSITION_HEADER_NAME]: value })

type OrderedNode = Record<string, unknown>

/** The text of a child in fast-xml-parser's preserveOrder form: [{ Name: [{ '#text': 'value' }] }, ...]. */
function orderedText(children: OrderedNode[], name: string): string | undefined {
  const child = children.find((node) => name in node)?.[name]
  if (!Array.isArray(child)) return undefined
  const text = (child as OrderedNode[]).find((node) => '#text' in node)?.['#text']
  return text === undefined ? '' : String(text)
}

export async function putBucketLifecycle(ctx: RequestContext): Promise<void> {
  const state = ctx.bucket()
  const transitionDefault = ctx.header(TRANSITION_HEADER_NAME)
  if (transitionDefault !== undefined && !TRANSITION_DEFAULTS.includes(transitionDefault))
    throw new S3Error('InvalidArgument', `Invalid value for ${TRANSITION_HEADER_NAME}: ${transitionDefault}`)
  const nodes = parseOrdered(await readSmallBody(ctx, { requireIntegrity: true }), 'LifecycleConfiguration') as OrderedNode[]
  const rules: OrderedNode[] = []
  const ids = new Set<string>()
  for (const node of nodes) {
    const children = node['Rule']
    if (!Array.isArray(children)) throw malformedXml()
    const ruleChildren = children as OrderedNode[]
    const status = orderedText(ruleChildren, 'Status')
    if (status !== 'Enabled' && status !== 'Disabled') throw malformedXml()
    if (!ruleChildren.some((child) => LIFECYCLE_ACTIONS.some((action) => action in child))) {
      throw new S3Error('InvalidRequest', 'At least one action needs to be specified in a rule')
    }
    let id = orderedText(ruleChildren, 'ID')
    if (id === undefined) {
      // S3 names rules that arrive without an ID.
      id = randomBytes(24).toString('base64url')
      ruleChildren.unshift({ ID: [{ '#text': id }] })
    }
    if (id.length > 255) throw new S3Error('InvalidArgument', 'ID length should not exceed allowed limit of 255')
    if (ids.has(id))
      throw new S3Error('InvalidArgument', 'Rule ID must be unique. Found same ID for more than one rule', {
        ArgumentName: 'ID',
        ArgumentValue: id,
      })
    ids.add(id)
    rules.push({ Rule: ruleChildren })
  }
  if (rules.length === 0 || rules.length > 1000) throw malformedXml()
  ctx.store.updateBucket(state, { lifecycleRules: rules, transitionDefaultMinimumObjectSize: transitionDefault })
  ctx.sendEmpty(200, transitionHeader(transitionDefault))
}

export function getBucketLifecycle(ctx: RequestContext): void {
  const { record } = ctx.bucket()
  if (!record.lifecycleRules) throw new S3Error('NoSuchLifecycleConfiguration', undefined, { BucketName: record.name })
  ctx.sendXml(
    200,
    'LifecycleConfiguration',
    [],
    transitionHeader(record.transitionDefaultMinimumObjectSize),
    buildOrdered(record.lifecycleRules),
  )
}

export function deleteBucketLifecycle(ctx: RequestContext): void {
  const state = ctx.bucket()
  ctx.store.updateBucket(state, { lifecycleRules: undefined, transitionDefaultMinimumObjectSize: undefined })
  ctx.sendEmpty(204)
}

/** <Tagging><TagSet><Tag><Key/><Value/></Tag>...</TagSet></Tagging> as key/value pairs. */
export function parseTagging(body: Buffer): Array<[string, string]> {
  const tagSet = childNode(parseXmlBody(body, 'Tagging'), 'TagSet')
  if (tagSet === undefined) throw malformedXml()
  return childList(tagSet, 'Tag').map((tag) => {
    const key = childText(tag, 'Key')
    if (key === undefined) throw malformedXml()
    return [key, childText(tag, 'Value') ?? '']
  })
}

export function tagSetElement(tags: Record<string, string>): XmlChild {
  return [
    'TagSet',
    Object.entries(tags).map(([key, value]): XmlChild => [
      'Tag',
      [
        ['Key', key],
        ['Value', value],
      ],
    ]),
  ]
}

export async function putBucketTagging(ctx: RequestContext): Promise<void> {
  const state = ctx.bucket()
  const tags = validateTags(parseTagging(await readSmallBody(ctx)), 50, 'bucket')
  ctx.store.updateBucket(state, { tags })
  ctx.sendEmpty(204)
}

export function getBucketTagging(ctx: RequestContext): void {
  const { record } = ctx.bucket()
  if (!record.tags || Object.keys(record.tags).length === 0) throw new S3Error('NoSuchTagSet', undefined, { BucketName: record.name })
  ctx.sendXml(200, 'Tagging', [tagSetElement(record.tags)])
}

export function deleteBucketTagging(ctx: RequestContext): void {
  const state = ctx.bucket()
  ctx.store.updateBucket(state, { tags: undefined })
  ctx.sendEmpty(204)
}

/** S3's bucket policy size limit (Amazon S3 user guide, "Bucket policies"). */
const POLICY_MAX_BYTES = 20 * 1024

/** The checks S3 makes before storing a policy, with S3's MalformedPolicy messages. */
function policyProblem(text: string, bucket: string): string | undefined {
  if (Buffer.byteLength(text) > POLICY_MAX_BYTES) return 'Policy exceeds the maximum allowed document size.'
  let document: unknown
  try {
    document = JSON.parse(text)
  } catch {
    return "Policies must be valid JSON and the first byte must be '{'"
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document) || !text.trimStart().startsWith('{')) {
    return "Policies must be valid JSON and the first byte must be '{'"
  }
  const raw = (document as { Statement?: unknown }).Statement
  if (raw === undefined) return 'Missing required field Statement'
  const statements = Array.isArray(raw) ? raw : [raw]
  if (statements.length === 0) return 'Missing required field Statement'
  for (const statement of statements as Array<Record<string, unknown>>) {
    if (typeof statement !== 'object' || statement === null) return 'Statement is not an object'
    if (statement.Effect !== 'Allow' && statement.Effect !== 'Deny') return 'Invalid effect: ' + String(statement.Effect)
    if (statement.Principal === undefined && statement.NotPrincipal === undefined) return 'Missing required field Principal'
    if (statement.Action === undefined && statement.NotAction === undefined) return 'Missing required field Action'
    const resources = statement.Resource ?? statement.NotResource
    if (resources === undefined) return 'Missing required field Resource'
    for (const resource of Array.isArray(resources) ? resources : [resources]) {
      if (typeof resource !== 'string' || !(resource === `arn:aws:s3:::${bucket}` || resource.startsWith(`arn:aws:s3:::${bucket}/`))) {
        return 'Policy has invalid resource'
      }
    }
  }
  return undefined
}

export async function putBucketPolicy(ctx: RequestContext): Promise<void> {
  const state = ctx.bucket()
  const text = (await readSmallBody(ctx)).toString('utf8')
  const problem = policyProblem(text, state.record.name)
  if (problem) throw new S3Error('MalformedPolicy', problem)
  ctx.store.updateBucket(state, { policy: text })
  ctx.sendEmpty(204)
}

export function getBucketPolicy(ctx: RequestContext): void {
  const { record } = ctx.bucket()
  if (record.policy === undefined) throw new S3Error('NoSuchBucketPolicy', undefined, { BucketName: record.name })
  const bytes = Buffer.from(record.policy, 'utf8')
  ctx.res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': bytes.length })
  ctx.res.end(bytes)
}

export function deleteBucketPolicy(ctx: RequestContext): void {
  const state = ctx.bucket()
  ctx.store.updateBucket(state, { policy: undefined })
  ctx.sendEmpty(204)
}
