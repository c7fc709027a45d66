/**
 * CreateInvalidation's rules (Invalidation.md, cloudfront-limits.md, API_InvalidationBatch):
 * paths start with `/`, `*` only as the last character, at most 4,000 characters; at most 3,000 paths
 * and 15 wildcard paths in progress per distribution; CallerReference reuse with the same paths returns
 * the existing invalidation, with other paths the live service answers InvalidArgument.
 */
import { EmulatedError } from '../framework/emulated-error'
import { asList } from '../framework/xml'
import {
  isWildcard,
  MAX_PATH_LENGTH,
  MAX_PATHS_IN_PROGRESS,
  MAX_WILDCARD_PATHS_IN_PROGRESS,
  newId,
  type CloudFrontState,
  type DistributionState,
  type InvalidationState,
  type XmlTree,
} from './state'

export interface InvalidationBatch {
  callerReference: string
  paths: string[]
}

const invalidPaths = (detail: string) =>
  new EmulatedError('InvalidArgument', `Your request contains one or more invalid invalidation paths. ${detail}`, 400)

/** Why CloudFront refuses a path, or undefined. */
export function pathProblem(path: string): string | undefined {
  if (!path.startsWith('/')) return `The path ${JSON.stringify(path)} must begin with a slash (/).`
  if (path.length > MAX_PATH_LENGTH) return `A path can be at most ${MAX_PATH_LENGTH} characters long.`
  const star = path.indexOf('*')
  if (star !== -1 && star !== path.length - 1) return `The path ${JSON.stringify(path)} has a * that is not its last character.`
  // Whitespace and control characters must be percent-encoded (a space is %20); so must a raw ~.
  if ([...path].some((c) => c <= ' ' || c === '\u007f' || c === '~'))
    return `The path ${JSON.stringify(path)} has a character that must be percent-encoded.`
  return undefined
}

/** Reads `<InvalidationBatch>` from a parsed body, with the API's own errors for a bad one. */
export function readBatch(body: XmlTree | undefined): InvalidationBatch {
  const batch = body?.InvalidationBatch as XmlTree | undefined
  if (!batch || typeof batch !== 'object') {
    throw new EmulatedError(
      'MissingBody',
      'This operation requires a body. Ensure that the body is present and the Content-Type header is set.',
      400,
    )
  }
  const callerReference = typeof batch.CallerReference === 'string' ? batch.CallerReference : ''
  if (!callerReference) throw new EmulatedError('InvalidArgument', 'CallerReference is required.', 400)
  const pathsNode = batch.Paths as XmlTree | undefined
  const quantity = Number(pathsNode?.Quantity)
  const paths = asList((pathsNode?.Items as XmlTree | undefined)?.Path as string | string[]).map(String)
  if (!pathsNode || !Number.isInteger(quantity) || quantity !== paths.length) {
    throw new EmulatedError('InconsistentQuantities', "The value of Quantity and the size of Items don't match.", 400)
  }
  if (paths.length === 0) throw new EmulatedError('InvalidArgument', 'An invalidation batch must contain at least one path.', 400)
  if (paths.length > MAX_PATHS_IN_PROGRESS) throw new EmulatedError('BatchTooLarge', 'Invalidation batch specified is too large.', 413)
  for (const path of paths) {
    const problem = pathProblem(path)
    if (problem) throw invalidPaths(problem)
  }
  return { callerReference, paths }
}

const samePaths = (a: string[], b: string[]) => a.length === b.length && [...a].sort().join('\n') === [...b].sort().join('\n')

/** Creates the invalidation, or returns the existing one for a repeated request. `created` says which. */
export function createInvalidation(
  state: CloudFrontState,
  distribution: DistributionState,
  batch: InvalidationBatch,
  nowMs: number,
): { invalidation: InvalidationState; created: boolean } {
  const previous = distribution.invalidations.find((i) => i.callerReference === batch.callerReference)
  if (previous) {
    if (samePaths(previous.paths, batch.paths)) return { invalidation: previous, created: false }
    // The developer guide says InvalidationBatchAlreadyExists; the live service answers this.
    throw new EmulatedError(
      'InvalidArgument',
      'Your request contains a caller reference that was used for a previous invalidation batch for the same distribution.',
      400,
    )
  }
  const running = state.inProgress(distribution).flatMap((i) => i.paths)
  const wildcards = batch.paths.filter(isWildcard).length + running.filter(isWildcard).length
  const individual = batch.paths.filter((p) => !isWildcard(p)).length + running.filter((p) => !isWildcard(p)).length
  if (individual > MAX_PATHS_IN_PROGRESS || wildcards > MAX_WILDCARD_PATHS_IN_PROGRESS) {
    throw new EmulatedError(
      'TooManyInvalidationsInProgress',
      `You have exceeded the maximum number of allowable InProgress invalidation batch requests, or invalidation objects (${MAX_PATHS_IN_PROGRESS} paths and ${MAX_WILDCARD_PATHS_IN_PROGRESS} wildcard paths in progress per distribution).`,
      400,
    )
  }
  const invalidation: InvalidationState = {
    id: newId('I'),
    callerReference: batch.callerReference,
    paths: batch.paths,
    createdMs: nowMs,
    completesAtMs: nowMs + state.invalidationDelayMs,
  }
  distribution.invalidations.unshift(invalidation)
  return { invalidation, created: true }
}
