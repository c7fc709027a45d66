/**
 * Bulk operations on keys and whole prefixes: copy, move and delete as background jobs, plus rename
 * (a move of one key, answered directly) and counting what a prefix delete would remove.
 *
 * Prefixes are walked with flat ListObjectsV2 listings, streamed: keys are handled as pages arrive, so
 * memory stays flat on buckets with millions of keys. A key that fails is reported and the rest carry
 * on; a lost network, bad credentials or a cancel end the job.
 */
import { DeleteObjectCommand, DeleteObjectsCommand, type S3Client } from '@aws-sdk/client-s3'
import { HaneulError } from '../core/errors'
import type { JobContext, JobRunner } from '../jobs/job-runner'
import { forEachLimit } from '../core/pool'
import { isVersioned } from './buckets'
import type { S3Config } from './config'
import { copyAcrossProfiles, copyServerSide, headObject, sourceFromHead, type SourceObject } from './copy'
import { isJobFatal, isNotFound, keyFailure } from './errors'
import { listPages, normalizeSelection, toListed, type ListedObject } from './listing'
import { refuseIfArchived } from './objects'
import type { S3ClientSource } from './s3-service'

export interface BulkDeps {
  clients: S3ClientSource
  config: S3Config
  jobs: JobRunner
  /** Runs a job's work as one network call of the profile, so its connectivity state stays current. */
  network: <T>(profileId: string, call: () => Promise<T>) => Promise<T>
}

export interface CopyRequest {
  profileId: string
  bucket: string
  sourcePrefix: string
  keys: string[]
  prefixes: string[]
  destination: { profileId: string; bucket: string; prefix: string }
  onConflict: 'fail' | 'overwrite' | 'skip'
}

export interface DeleteRequest {
  profileId: string
  bucket: string
  keys: string[]
  prefixes: string[]
  confirmCount?: number
}

/** Deleting more explicit keys than this needs the count typed to confirm (prefixes always do). */
export const CONFIRM_ABOVE_KEYS = 100

/** S3 takes at most 1,000 keys per DeleteObjects call. */
const DELETE_BATCH = 1000

/** A key to work on: selected by name (details unknown until asked) or found by listing a prefix. */
interface Item {
  key: string
  listed?: ListedObject
}

/**
 * The selection as a stream of items. Listed pages add to the job's total as they arrive, so "found so
 * far" grows a page at a time while the first keys are already being handled.
 */
async function* itemsOf(
  client: S3Client,
  bucket: string,
  selection: { keys: string[]; prefixes: string[] },
  context: JobContext,
): AsyncGenerator<Item> {
  context.reportTotal(selection.keys.length)
  for (const key of selection.keys) yield { key }
  for (const prefix of selection.prefixes) {
    for await (const page of listPages(client, bucket, prefix, context.signal)) {
      context.reportTotal(page.objects.length)
      for (const object of page.objects) yield { key: object.Key, listed: toListed(object) }
    }
  }
}

async function exists(client: S3Client, bucket: string, key: string, signal?: AbortSignal): Promise<boolean> {
  return headObject(client, bucket, key, signal).then(
    () => true,
    (error: unknown) => {
      if (isNotFound(error)) return false
      throw error
    },
  )
}

/** Refuses, before any job starts, a copy that could not mean what it says. */
function checkCopy(request: CopyRequest, target: (key: string) => string): void {
  const { keys, prefixes, sourcePrefix, destination } = request
  if (keys.length === 0 && prefixes.length === 0) throw new HaneulError('bad-request', 'Choose at least one object or folder to copy.')
  const outside = [...keys, ...prefixes].find((key) => !key.startsWith(sourcePrefix))
  if (outside !== undefined)
    throw new HaneulError(
      'bad-request',
      `"${outside}" is not under the source folder "${sourcePrefix}". Select keys from the folder being copied.`,
    )
  if (destination.profileId !== request.profileId || destination.bucket !== request.bucket) return
  const same = keys.find((key) => target(key) === key)
  if (same !== undefined) throw new HaneulError('bad-request', `"${same}" would be copied onto itself. Choose another destination folder.`)
  // Listing a prefix while writing into it would find the new copies and never end.
  const inside = prefixes.find((prefix) => target(prefix).startsWith(prefix))
  if (inside !== undefined)
    throw new HaneulError('bad-request', `The folder "${inside}" cannot be copied into itself. Choose a destination outside it.`)
}

/** Copy (or move) as a job: returns its id at once. */
export function startCopy(deps: BulkDeps, request: CopyRequest, move: boolean): { jobId: string } {
  const target = (key: string) => request.destination.prefix + key.slice(request.sourcePrefix.length)
  checkCopy(request, target)
  const run = (context: JobContext) => deps.network(request.profileId, () => runCopy(deps, request, move, target, context))
  return { jobId: deps.jobs.start(move ? 'move' : 'copy', request.profileId, request.bucket, run) }
}

async function runCopy(
  deps: BulkDeps,
  request: CopyRequest,
  move: boolean,
  target: (key: string) => string,
  context: JobContext,
): Promise<void> {
  const { config } = deps
  const { signal } = context
  const source = await deps.clients.s3(request.profileId)
  const sameProfile = request.destination.profileId === request.profileId
  const destination = sameProfile ? source : await deps.clients.s3(request.destination.profileId)
  const destinationBucket = request.destination.bucket
  let items: AsyncIterable<Item> | Item[] = itemsOf(source, request.bucket, normalizeSelection(request.keys, request.prefixes), context)

  if (request.onConflict === 'fail') {
    // Every destination is checked before anything is written, so a conflict changes nothing.
    const all: Item[] = []
    for await (const item of items) all.push(item)
    const conflicts: string[] = []
    await forEachLimit(all, config.keyConcurrency, signal, async (item) => {
      if (await exists(destination, destinationBucket, target(item.key), signal)) conflicts.push(target(item.key))
    })
    if (conflicts.length > 0) {
      context.reportConflicts(conflicts.sort())
      const n = conflicts.length
      throw new HaneulError(
        'conflict',
        `${n.toLocaleString('en-US')} destination key${n === 1 ? '' : 's'} already exist${n === 1 ? 's' : ''} (e.g. "${conflicts[0]}"); nothing was copied. Choose to overwrite or to skip them.`,
      )
    }
    items = all
  }

  await forEachLimit(items, config.keyConcurrency, signal, async (item) => {
    const to = { bucket: destinationBucket, key: target(item.key) }
    try {
      const from: SourceObject = item.listed
        ? { bucket: request.bucket, ...item.listed }
        : sourceFromHead(request.bucket, item.key, await headObject(source, request.bucket, item.key, signal))
      if (request.onConflict === 'skip' && (await exists(destination, to.bucket, to.key, signal))) return context.reportSkipped()
      if (sameProfile) await copyServerSide(source, config, from, to, { signal })
      else await copyAcrossProfiles(source, destination, config, from, to, signal)
      // The source goes only once its copy is confirmed.
      if (move) await deleteMovedSource(source, destination, from, to, signal)
      context.reportDone(1, from.size)
    } catch (error) {
      if (isJobFatal(error)) throw error
      context.reportFailure(keyFailure(item.key, error))
    }
  })
}

/**
 * The last step of a move, and the only one that can lose data: the original goes only if its copy is
 * there with every byte, and only if the original is still the version that was copied.
 */
async function deleteMovedSource(
  source: S3Client,
  destination: S3Client,
  from: SourceObject,
  to: { bucket: string; key: string },
  signal: AbortSignal,
): Promise<void> {
  const copy = await headObject(destination, to.bucket, to.key, signal)
  if ((copy.ContentLength ?? -1) !== from.size) {
    throw new HaneulError(
      'conflict',
      `The copy at "${to.key}" has ${copy.ContentLength ?? 0} bytes, the original ${from.size}; the original was kept.`,
    )
  }
  const original = await headObject(source, from.bucket, from.key, signal)
  if (from.etag && original.ETag !== from.etag) {
    throw new HaneulError(
      'conflict',
      `"${from.key}" changed while it was being moved; it was kept, and "${to.key}" holds the version before the change.`,
    )
  }
  try {
    // A plain delete: in a versioned bucket that is a delete marker, so the original stays recoverable.
    await source.send(new DeleteObjectCommand({ Bucket: from.bucket, Key: from.key }), { abortSignal: signal })
  } catch (error) {
    if (isJobFatal(error)) throw error
    const { code, message } = keyFailure(from.key, error)
    throw new HaneulError(code as HaneulError['code'], `Copied to "${to.key}", but the original could not be deleted: ${message}`)
  }
}

/** Delete as a job: DeleteObjects, 1,000 keys per call; returns its id at once. */
export function startDelete(deps: BulkDeps, request: DeleteRequest): { jobId: string } {
  const selection = normalizeSelection(request.keys, request.prefixes)
  const n = selection.keys.length
  if (n === 0 && selection.prefixes.length === 0) throw new HaneulError('bad-request', 'Choose at least one object or folder to delete.')
  if (selection.prefixes.length > 0 && request.confirmCount === undefined) {
    throw new HaneulError(
      'bad-request',
      'Deleting a folder deletes everything in it: count its objects first and type the number to confirm.',
    )
  }
  if (selection.prefixes.length === 0 && n > CONFIRM_ABOVE_KEYS && request.confirmCount !== n) {
    throw new HaneulError(
      'bad-request',
      `Deleting ${n.toLocaleString('en-US')} objects needs confirmation: type the number ${n} to confirm.`,
    )
  }
  const run = (context: JobContext) =>
    deps.network(request.profileId, () => runDelete(deps, request.profileId, request.bucket, selection, request.confirmCount, context))
  return { jobId: deps.jobs.start('delete', request.profileId, request.bucket, run) }
}

async function runDelete(
  deps: BulkDeps,
  profileId: string,
  bucket: string,
  selection: { keys: string[]; prefixes: string[] },
  confirmCount: number | undefined,
  context: JobContext,
): Promise<void> {
  const { signal } = context
  const client = await deps.clients.s3(profileId)
  if (await isVersioned(client, bucket, signal)) context.reportDeleteMarkers()

  if (selection.prefixes.length > 0) {
    // Count first: if the folders hold more (or fewer) objects than the user confirmed, delete nothing.
    let found = selection.keys.length
    context.reportTotal(selection.keys.length)
    for (const prefix of selection.prefixes) {
      for await (const page of listPages(client, bucket, prefix, signal)) {
        found += page.objects.length
        context.reportTotal(page.objects.length)
      }
    }
    if (found !== confirmCount) {
      throw new HaneulError(
        'conflict',
        `The selection now holds ${found.toLocaleString('en-US')} objects, not the ${confirmCount?.toLocaleString('en-US')} confirmed; nothing was deleted. Count again and confirm the new number.`,
      )
    }
  } else {
    context.reportTotal(selection.keys.length)
  }

  await forEachLimit(batchesOf(client, bucket, selection, signal), deps.config.deleteConcurrency, signal, async (keys) => {
    try {
      const { Errors = [] } = await client.send(
        new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys.map((Key) => ({ Key })), Quiet: true } }),
        { abortSignal: signal },
      )
      // Quiet mode answers only the keys that failed; a missing key is deleted as far as S3 is concerned.
      for (const error of Errors) context.reportFailure(keyFailure(error.Key ?? '', { name: error.Code, message: error.Message }))
      context.reportDone(keys.length - Errors.length)
    } catch (error) {
      if (isJobFatal(error)) throw error
      for (const key of keys) context.reportFailure(keyFailure(key, error))
    }
  })
}

/** Keys to delete in groups of at most 1,000: the named keys, then each prefix's listing. */
async function* batchesOf(
  client: S3Client,
  bucket: string,
  selection: { keys: string[]; prefixes: string[] },
  signal: AbortSignal,
): AsyncGenerator<string[]> {
  for (let i = 0; i < selection.keys.length; i += DELETE_BATCH) yield selection.keys.slice(i, i + DELETE_BATCH)
  for (const prefix of selection.prefixes) {
    // A listing page holds at most 1,000 keys: one page, one DeleteObjects call.
    for await (const page of listPages(client, bucket, prefix, signal))
      if (page.objects.length > 0) yield page.objects.map((object) => object.Key)
  }
}

/** Renames one key: copy, then delete the original. Refuses to replace an existing key unless asked to. */
export async function rename(
  client: S3Client,
  config: S3Config,
  input: { bucket: string; key: string; newKey: string; overwrite: boolean },
  signal: AbortSignal,
): Promise<{ key: string }> {
  const { bucket, key, newKey } = input
  if (key === newKey) throw new HaneulError('bad-request', 'The new name is the same as the old one.')
  const head = await headObject(client, bucket, key, signal).catch((error: unknown) => {
    if (isNotFound(error))
      throw new HaneulError('not-found', `"${key}" does not exist; it may have been deleted or renamed meanwhile. Reload the folder.`)
    throw error
  })
  refuseIfArchived(head, key, 'renamed')
  if (!input.overwrite && (await exists(client, bucket, newKey, signal))) {
    throw new HaneulError('conflict', `"${newKey}" already exists; confirm to overwrite it.`)
  }
  await copyServerSide(client, config, sourceFromHead(bucket, key, head), { bucket, key: newKey }, { signal })
  await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: signal })
  return { key: newKey }
}

/** What deleting these prefixes would remove, so the confirmation can name the number. */
export async function countPrefixes(
  client: S3Client,
  bucket: string,
  prefixes: string[],
  signal: AbortSignal,
): Promise<{ objects: number; bytes: number; versioned: boolean }> {
  let objects = 0
  let bytes = 0
  for (const prefix of normalizeSelection([], prefixes).prefixes) {
    for await (const page of listPages(client, bucket, prefix, signal)) {
      objects += page.objects.length
      for (const object of page.objects) bytes += object.Size ?? 0
    }
  }
  return { objects, bytes, versioned: await isVersioned(client, bucket, signal) }
}
