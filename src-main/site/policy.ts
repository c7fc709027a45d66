/**
 * PURE: what a bucket policy says about a distribution — does it let the distribution read the served
 * keys through its OAC (the cloudfront.amazonaws.com service principal, restricted by AWS:SourceArn) or
 * OAI (the identity's IAM user), and does it let anyone read — and the two fixes: a statement that
 * allows the distribution, and the policy without its public statements. Follows the S3 developer
 * guide's "Restricting access to an Amazon S3 origin" examples; explicit Deny statements are honoured
 * only when they name the same principal without conditions (a reading, not a full IAM evaluator).
 */

export interface OriginAccess {
  kind: 'origin-access-control' | 'origin-access-identity'
  /** The OAI's id (E2…), for OAI. */
  accessId?: string
}

type Statement = Record<string, unknown>
interface PolicyDocument {
  Version?: string
  Statement: Statement[]
  [key: string]: unknown
}

const asList = (value: unknown): unknown[] => (value === undefined ? [] : Array.isArray(value) ? value : [value])

/** Parses a policy; undefined when it is not a JSON object with statements (S3 never stores such). */
export function parsePolicy(text: string): PolicyDocument | undefined {
  try {
    const parsed = JSON.parse(text) as unknown
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined
    const raw = (parsed as { Statement?: unknown }).Statement
    return { ...(parsed as object), Statement: asList(raw).filter((s): s is Statement => typeof s === 'object' && s !== null) }
  } catch {
    return undefined
  }
}

/** IAM's wildcard match: `*` any run of characters, `?` one. */
function wildcardMatch(pattern: string, value: string): boolean {
  const regex = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    's',
  )
  return regex.test(value)
}

const readsObjects = (statement: Statement) =>
  asList(statement.Action).some((action) => typeof action === 'string' && wildcardMatch(action.toLowerCase(), 's3:getobject'))

/** Whether the statement's resources cover an object key under `keyPrefix` of the bucket. */
function coversKeys(statement: Statement, bucket: string, keyPrefix: string): boolean {
  const probe = `arn:aws:s3:::${bucket}/${keyPrefix}index.html`
  return asList(statement.Resource).some((resource) => typeof resource === 'string' && wildcardMatch(resource, probe))
}

function principalsOf(statement: Statement): { any: boolean; services: string[]; aws: string[] } {
  const principal = statement.Principal
  if (principal === '*') return { any: true, services: [], aws: [] }
  if (typeof principal !== 'object' || principal === null) return { any: false, services: [], aws: [] }
  const record = principal as Record<string, unknown>
  const aws = asList(record.AWS).filter((p): p is string => typeof p === 'string')
  return { any: aws.includes('*'), services: asList(record.Service).filter((p): p is string => typeof p === 'string'), aws }
}

/** The AWS:SourceArn condition values of a statement (StringEquals, StringLike, ArnEquals, ArnLike), if any. */
function sourceArnCondition(statement: Statement): { present: boolean; values: string[] } {
  const condition = statement.Condition
  if (typeof condition !== 'object' || condition === null) return { present: false, values: [] }
  const values: string[] = []
  let present = false
  for (const [operator, block] of Object.entries(condition as Record<string, unknown>)) {
    if (typeof block !== 'object' || block === null) continue
    for (const [key, value] of Object.entries(block as Record<string, unknown>)) {
      if (key.toLowerCase() !== 'aws:sourcearn') continue
      present = true
      if (/^(StringEquals|StringLike|ArnEquals|ArnLike)$/.test(operator))
        values.push(...asList(value).filter((v): v is string => typeof v === 'string'))
    }
  }
  return { present, values }
}

const oaiArn = (id: string) => `arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity ${id}`

function namesDistribution(statement: Statement, access: OriginAccess, distributionArn: string): boolean {
  const principals = principalsOf(statement)
  if (access.kind === 'origin-access-identity')
    return principals.aws.some((p) => access.accessId !== undefined && p === oaiArn(access.accessId))
  if (!principals.services.includes('cloudfront.amazonaws.com')) return false
  const condition = sourceArnCondition(statement)
  return !condition.present || condition.values.some((value) => wildcardMatch(value, distributionArn))
}

/** True when an Allow statement lets the distribution (through its OAC or OAI) read keys under the origin path, and no Deny takes it back. */
export function allowsDistribution(
  policy: PolicyDocument,
  bucket: string,
  keyPrefix: string,
  access: OriginAccess,
  distributionArn: string,
): boolean {
  const applies = (statement: Statement) =>
    readsObjects(statement) && coversKeys(statement, bucket, keyPrefix) && namesDistribution(statement, access, distributionArn)
  const denied = policy.Statement.some((s) => s.Effect === 'Deny' && s.Condition === undefined && applies(s))
  return !denied && policy.Statement.some((s) => s.Effect === 'Allow' && applies(s))
}

/** An Allow statement that lets anyone read objects, with no condition narrowing it. */
const isPublicStatement = (statement: Statement) =>
  statement.Effect === 'Allow' && principalsOf(statement).any && readsObjects(statement) && statement.Condition === undefined

export function isPublic(policy: PolicyDocument): boolean {
  return policy.Statement.some(isPublicStatement)
}

/** The statement AWS's console adds for a distribution: OAC (service principal + SourceArn) or OAI. */
export function distributionStatement(bucket: string, keyPrefix: string, access: OriginAccess, distributionArn: string): Statement {
  const resource = `arn:aws:s3:::${bucket}/${keyPrefix}*`
  if (access.kind === 'origin-access-identity') {
    return {
      Sid: 'AllowCloudFrontOriginAccessIdentity',
      Effect: 'Allow',
      Principal: { AWS: oaiArn(access.accessId ?? '') },
      Action: 's3:GetObject',
      Resource: resource,
    }
  }
  return {
    Sid: 'AllowCloudFrontServicePrincipalReadOnly',
    Effect: 'Allow',
    Principal: { Service: 'cloudfront.amazonaws.com' },
    Action: 's3:GetObject',
    Resource: resource,
    Condition: { StringEquals: { 'AWS:SourceArn': distributionArn } },
  }
}

/** The policy with the distribution's statement added (a new policy when there was none). */
export function withDistributionAllowed(
  current: string | undefined,
  bucket: string,
  keyPrefix: string,
  access: OriginAccess,
  distributionArn: string,
): string {
  const policy = (current && parsePolicy(current)) || { Version: '2012-10-17', Statement: [] }
  const taken = new Set(policy.Statement.map((s) => s.Sid))
  const statement = distributionStatement(bucket, keyPrefix, access, distributionArn)
  let sid = statement.Sid as string
  for (let n = 2; taken.has(sid); n++) sid = `${statement.Sid as string}${n}`
  return JSON.stringify({ ...policy, Statement: [...policy.Statement, { ...statement, Sid: sid }] }, null, 2)
}

/** The policy without its public-read statements; undefined when nothing would be left (the policy is then deleted). */
export function withoutPublicStatements(current: string): string | undefined {
  const policy = parsePolicy(current)
  if (!policy) return current
  const kept = policy.Statement.filter((s) => !isPublicStatement(s))
  return kept.length ? JSON.stringify({ ...policy, Statement: kept }, null, 2) : undefined
}

/** A policy as people read it (indented), or the words for none. */
export function showPolicy(text: string | undefined): string {
  if (text === undefined) return '(no bucket policy)'
  const parsed = parsePolicy(text)
  return parsed ? JSON.stringify(JSON.parse(text), null, 2) : text
}
