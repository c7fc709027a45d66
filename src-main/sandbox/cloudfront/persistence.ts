/**
 * The emulated CloudFront's distributions, invalidations and subscriptions in one JSON file, so the
 * sandbox keeps them across restarts as real CloudFront does (an invalidation the app is following is
 * still there, and completes, after the app restarts). Saved after every change through
 * framework/state-saver.ts. A file that cannot be read is an error naming it, never replaced silently.
 */
import { readFileSync } from 'node:fs'
import type { DistributionState } from './state'

const VERSION = 1

export class CloudFrontStateFileError extends Error {}

/** The saved distributions; undefined when nothing was saved yet. */
export function loadDistributions(path: string): DistributionState[] | undefined {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
  let file: { version?: unknown; distributions?: unknown }
  try {
    file = JSON.parse(text) as typeof file
  } catch (error) {
    throw new CloudFrontStateFileError(
      `The CloudFront sandbox state ${path} is not valid JSON (${(error as Error).message}); move it away to start from the seed.`,
    )
  }
  if (file.version !== VERSION || !Array.isArray(file.distributions)) {
    throw new CloudFrontStateFileError(
      `The CloudFront sandbox state ${path} has version ${String(file.version)}, expected ${VERSION}; move it away to start from the seed.`,
    )
  }
  return file.distributions as DistributionState[]
}

export const serializeDistributions = (distributions: readonly DistributionState[]): string =>
  JSON.stringify({ version: VERSION, distributions })
