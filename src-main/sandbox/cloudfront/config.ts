/**
 * DistributionConfig checks done on UpdateDistribution, and the summary ListDistributions derives from
 * a config. The config itself is kept as the XML tree the client sent, so GetDistributionConfig returns
 * exactly what UpdateDistribution stored.
 */
import { EmulatedError } from '../framework/emulated-error'
import { asList } from '../framework/xml'
import { aliasesOf, type DistributionState, type XmlTree } from './state'

const invalid = (message: string) => new EmulatedError('InvalidArgument', message, 400)

/** Drops whitespace-only text between elements (pretty-printed XML) so stored trees stay plain. */
export function normalizeTree(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalizeTree)
  if (value === null || typeof value !== 'object') return value
  const out: XmlTree = {}
  for (const [name, child] of Object.entries(value as XmlTree)) {
    if (name === '#text' && typeof child === 'string' && child.trim() === '') continue
    out[name] = normalizeTree(child)
  }
  return out
}

/** Every `{Quantity, Items}` list in the tree must hold Quantity items (InconsistentQuantities). */
function checkQuantities(tree: XmlTree, path: string): void {
  for (const [name, child] of Object.entries(tree)) {
    for (const element of asList(child as XmlTree | XmlTree[])) {
      if (element === null || typeof element !== 'object') continue
      const node = element as XmlTree
      const here = `${path}.${name}`
      if ('Quantity' in node) {
        const quantity = Number(node.Quantity)
        const items = node.Items as XmlTree | undefined
        const count = items && typeof items === 'object' ? Object.values(items).reduce<number>((n, v) => n + asList(v).length, 0) : 0
        if (!Number.isInteger(quantity) || quantity !== count) {
          throw new EmulatedError('InconsistentQuantities', `The value of Quantity and the size of Items don't match (${here}).`, 400)
        }
      }
      checkQuantities(node, here)
    }
  }
}

function requireElement(config: XmlTree, name: string): unknown {
  if (config[name] === undefined) throw invalid(`DistributionConfig is missing the required element ${name}.`)
  return config[name]
}

function requireBoolean(value: unknown, name: string): void {
  if (value !== 'true' && value !== 'false') throw invalid(`${name} must be true or false.`)
}

/**
 * Checks a config sent with UpdateDistribution against the distribution's current one and the other
 * distributions (aliases are unique across the account). Returns the tree to store.
 */
export function checkUpdatedConfig(body: XmlTree | undefined, current: DistributionState, others: DistributionState[]): XmlTree {
  const config = body?.DistributionConfig
  if (!config || typeof config !== 'object')
    throw new EmulatedError(
      'MissingBody',
      'This operation requires a body. Ensure that the body is present and the Content-Type header is set.',
      400,
    )
  const tree = normalizeTree(config) as XmlTree
  for (const name of ['CallerReference', 'Origins', 'DefaultCacheBehavior', 'Comment', 'Enabled']) requireElement(tree, name)
  requireBoolean(tree.Enabled, 'Enabled')
  if (tree.CallerReference !== current.config.CallerReference) {
    throw new EmulatedError('IllegalUpdate', 'The CallerReference of a distribution cannot be changed.', 400)
  }
  checkQuantities(tree, 'DistributionConfig')
  const originIds = new Set(
    asList(((tree.Origins as XmlTree).Items as XmlTree | undefined)?.Origin as XmlTree | XmlTree[]).map((o) => String(o.Id)),
  )
  if (originIds.size === 0) throw invalid('A distribution must have at least one origin.')
  const behaviours = [
    tree.DefaultCacheBehavior as XmlTree,
    ...asList(((tree.CacheBehaviors as XmlTree | undefined)?.Items as XmlTree | undefined)?.CacheBehavior as XmlTree | XmlTree[]),
  ]
  for (const behaviour of behaviours) {
    if (!originIds.has(String(behaviour.TargetOriginId))) {
      throw new EmulatedError('NoSuchOrigin', `No origin exists with the specified Origin Id: ${String(behaviour.TargetOriginId)}.`, 404)
    }
  }
  const taken = new Set(others.filter((d) => d !== current).flatMap((d) => aliasesOf(d.config)))
  for (const alias of aliasesOf(tree)) {
    if (taken.has(alias)) {
      throw new EmulatedError(
        'CNAMEAlreadyExists',
        `One or more of the CNAMEs you provided are already associated with a different resource: ${alias}.`,
        409,
      )
    }
  }
  return tree
}

/** The config fields a DistributionSummary repeats, in the API's order. */
const SUMMARY_FIELDS = [
  'Aliases',
  'Origins',
  'OriginGroups',
  'DefaultCacheBehavior',
  'CacheBehaviors',
  'CustomErrorResponses',
  'Comment',
  'PriceClass',
  'Enabled',
  'ViewerCertificate',
  'Restrictions',
  'WebACLId',
  'HttpVersion',
  'IsIPV6Enabled',
  'Staging',
]

export function summaryFields(config: XmlTree): XmlTree {
  const out: XmlTree = {}
  for (const name of SUMMARY_FIELDS) if (config[name] !== undefined) out[name] = config[name]
  return out
}
