/**
 * The invalidation a publish sends: exactly the changed keys' paths through the origin path, with every
 * `index.html` also as its folder ("/docs/index.html" → also "/docs/", what a default root object or an
 * index rewrite serves), folded into wildcards when the exact list would cost money or break CloudFront's
 * limits. Pure.
 *
 * Folding is greedy and invalidates as little as it can: when one folder's wildcard brings the count within
 * what is free this month and one batch (3,000), the smallest such folder; otherwise the folder (not the
 * root) that replaces the most paths, and again; and while over 15 wildcards, the folder holding most of
 * them. With nothing free left every path costs the same, so folding goes down to as
 * few paths as possible: a wildcard that covers more of the cache is cheaper than paying for each path.
 */
import { invalidationLimits } from '../../api/cloudfront'
import { keyToPath } from '../../cloudfront/index'

export interface ExactPaths {
  paths: string[]
  /** Keys whose path could not be made (see invalidation-paths.ts), with the reason. */
  problems: Array<{ key: string; problem: string }>
}

export function exactPathsOf(keys: readonly string[], originPath: string): ExactPaths {
  const seen = new Set<string>()
  const paths: string[] = []
  const problems: ExactPaths['problems'] = []
  const add = (path: string) => {
    if (!seen.has(path)) {
      seen.add(path)
      paths.push(path)
    }
  }
  for (const key of keys) {
    const encoded = keyToPath(key, originPath)
    if (!encoded.path) {
      problems.push({ key, problem: encoded.problem ?? 'cannot be invalidated' })
      continue
    }
    add(encoded.path)
    if (!encoded.wildcard && (encoded.path === '/index.html' || encoded.path.endsWith('/index.html')))
      add(encoded.path.slice(0, -'index.html'.length))
  }
  return { paths, problems }
}

const isWildcard = (path: string) => path.endsWith('*')

/** The folders above a path, deepest first: "/a/b/c.html" → "/a/b/", "/a/", "/". */
function foldersOf(path: string): string[] {
  const base = isWildcard(path) ? path.slice(0, -1) : path
  // A folder path ("/docs/") or wildcard ("/docs/*") is covered by its own folder's wildcard too.
  const out: string[] = base.endsWith('/') ? [base] : []
  for (
    let i = base.lastIndexOf('/', base.endsWith('/') ? base.length - 2 : base.length - 1);
    i >= 0 && base !== '/';
    i = base.lastIndexOf('/', i - 1)
  ) {
    out.push(base.slice(0, i + 1))
    if (i === 0) break
  }
  return out
}

/** The folder to fold next (see the header). */
function nextFold(paths: readonly string[], target: number): string {
  const covered = new Map<string, { paths: number; wildcards: number }>()
  for (const path of paths) {
    for (const folder of foldersOf(path)) {
      const count = covered.get(folder) ?? { paths: 0, wildcards: 0 }
      count.paths++
      if (isWildcard(path)) count.wildcards++
      covered.set(folder, count)
    }
  }
  const candidates = [...covered].filter(([, count]) => count.paths > 1)
  const smallestFirst = (a: [string, { paths: number }], b: [string, { paths: number }]) =>
    a[1].paths - b[1].paths || b[0].length - a[0].length
  if (paths.length <= target) {
    // Only the wildcards are over their limit.
    const byWildcards = candidates.filter(([, c]) => c.wildcards > 1).sort((a, b) => b[1].wildcards - a[1].wildcards || smallestFirst(a, b))
    return byWildcards[0]?.[0] ?? '/'
  }
  const reaching = candidates.filter(([, c]) => paths.length - c.paths + 1 <= target).sort(smallestFirst)
  if (reaching[0]) return reaching[0][0]
  const biggest = candidates.filter(([folder]) => folder !== '/').sort((a, b) => -smallestFirst(a, b))
  return biggest[0]?.[0] ?? '/'
}

export interface Folded {
  paths: string[]
  /** Why it was folded; absent when the exact paths are kept. */
  reason?: string
}

export function foldPaths(exact: readonly string[], pathsThisMonth: number): Folded {
  const freeLeft = Math.max(0, invalidationLimits.freePathsPerMonth - pathsThisMonth)
  const target = Math.max(1, Math.min(freeLeft, invalidationLimits.pathsPerBatch))
  const wildcardLimit = invalidationLimits.wildcardsInProgress
  let paths = [...exact]
  const fits = () => paths.length <= target && paths.filter(isWildcard).length <= wildcardLimit
  if (fits()) return { paths }
  const folded: string[] = []
  while (!fits()) {
    const folder = nextFold(paths, target)
    const wildcard = `${folder}*`
    paths = [...paths.filter((path) => !path.startsWith(folder)), wildcard]
    folded.push(wildcard)
    if (folder === '/') break
  }
  const inFolds = folded.filter((w) => paths.includes(w))
  const why =
    exact.length > invalidationLimits.pathsPerBatch
      ? `${exact.length.toLocaleString('en-US')} changed paths are more than one invalidation takes (3,000)`
      : freeLeft === 0
        ? `the 1,000 free paths of this month are used up, so each of the ${exact.length.toLocaleString('en-US')} paths would cost $0.005`
        : exact.length > freeLeft
          ? `${exact.length.toLocaleString('en-US')} changed paths are more than the ${freeLeft.toLocaleString('en-US')} free paths left this month`
          : `more than ${wildcardLimit} wildcard paths cannot be in progress at once`
  return {
    paths,
    reason: `Folded into ${inFolds.join(', ')}: ${why}. ${paths.length.toLocaleString('en-US')} path${paths.length === 1 ? '' : 's'} instead of ${exact.length.toLocaleString('en-US')}; the wildcards also refresh unchanged files below them.`,
  }
}
