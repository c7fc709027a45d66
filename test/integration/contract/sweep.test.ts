/**
 * The contract sweep: every operation of the contract (walked from `contract` itself, so an operation
 * added later — of any service — is swept too, and fails here until it has a sample), called through
 * the real router against the sandbox with its valid sample and with one-field mutations of it.
 *
 * For every call: a typed result (the output schema for ok, a contract error code otherwise), never
 * `internal`, no exception out of the router, no unhandled rejection, no local path or secret in the
 * reply, an answer within 10 s (a guard against hangs, not a speed test), and — for refused calls — the
 * seeded buckets (objects, versions, metadata, tags, lifecycle, versioning) exactly as before.
 */
import { mkdtempSync } from 'node:fs'
import { homedir, tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  GetBucketLifecycleConfigurationCommand,
  GetBucketTaggingCommand,
  GetBucketVersioningCommand,
  GetObjectTaggingCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  CreateBucketCommand,
  ListObjectVersionsCommand,
  PutBucketTaggingCommand,
  S3Client,
} from '@aws-sdk/client-s3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { contract } from '../../../src-main/api/index'
import { errorCodes, type Result } from '../../../src-main/api/contract'
import { SANDBOX_ACCESS_KEY_ID, SANDBOX_SECRET_ACCESS_KEY } from '../../../src-main/sandbox/credentials'
import { repoRoot, startHarness, type Harness } from '../../helpers/app-harness'
import { absentFieldMutations, mutationsOf } from '../../helpers/contract-mutations'
import { addedSecret, addedToken, sampleInputs } from '../../helpers/contract-samples'

/** An empty bucket: where a keyless object request would do the most harm (DeleteBucket succeeds on it). */
const EMPTY_BUCKET = 'sweep-empty-bucket'
const SEEDED = ['haneul-demo-site', 'haneul-demo-logs', EMPTY_BUCKET]
/** The only operations that may change a seeded bucket itself (its existence, tags, lifecycle, versioning). */
const BUCKET_WRITES = new Set(['s3.addAbortIncompleteRule', 's3.createBucket', 's3.deleteBucket'])
/** Objects whose metadata and tags the samples edit: their state is part of the fingerprint. */
const WATCHED_KEYS = ['index.html', 'robots.txt', 'css/print.css', 'archive/releases/site-v1.1.0.zip']
/** Operations that may change S3: checked after every refused call, not only once per operation. */
const WRITES = new Set([
  's3.createBucket',
  's3.deleteBucket',
  's3.updateMetadata',
  's3.putTags',
  's3.changeStorageClass',
  's3.restoreObject',
  's3.createFolder',
  's3.copy',
  's3.move',
  's3.rename',
  's3.delete',
  's3.abortMultipartUploads',
  's3.addAbortIncompleteRule',
  'transfers.startUpload',
])
const CALL_GUARD_MS = 10_000

interface Outcome {
  operation: string
  label: string
  result?: Result<unknown>
  problem?: string
}

describe('every operation of the contract, with odd input', () => {
  let harness: Harness
  let raw: S3Client
  let downloads: string
  const unhandled: unknown[] = []
  const onUnhandled = (reason: unknown) => void unhandled.push(reason)

  beforeAll(async () => {
    process.on('unhandledRejection', onUnhandled)
    downloads = mkdtempSync(join(tmpdir(), 'haneul-sweep-downloads-'))
    harness = await startHarness({ chooseFolder: () => downloads })
    // A client of the test's own, to look at the seeded buckets without Haneul's code in between.
    raw = new S3Client({
      endpoint: harness.services.sandbox.endpoints!.s3,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: SANDBOX_ACCESS_KEY_ID, secretAccessKey: SANDBOX_SECRET_ACCESS_KEY },
    })
    await raw.send(new CreateBucketCommand({ Bucket: EMPTY_BUCKET }))
    await raw.send(new PutBucketTaggingCommand({ Bucket: EMPTY_BUCKET, Tagging: { TagSet: [{ Key: 'seeded', Value: 'yes' }] } }))
  })
  afterAll(async () => {
    process.off('unhandledRejection', onUnhandled)
    raw?.destroy()
    await harness?.close()
  })

  /**
   * What a refused call must leave alone: `buckets` (each seeded bucket's existence, tags, lifecycle and
   * versioning, which only BUCKET_WRITES may change even when accepted) and `objects` (versions,
   * metadata and tags), each as one comparable string.
   */
  async function fingerprint(): Promise<{ buckets: string; objects: string; toString(): string }> {
    const optional = <T>(work: Promise<T>) =>
      work.then(
        (v) => v as unknown,
        (e: { name?: string }) => `error ${e.name}`,
      )
    const perBucketLook = Promise.all(
      SEEDED.map(async (Bucket) => {
        // A bucket that is gone is a change like any other, not a crash of the sweep.
        const exists = await raw.send(new HeadBucketCommand({ Bucket })).then(
          () => true,
          () => false,
        )
        if (!exists) return { bucket: { Bucket, missing: true }, versions: [] }
        const versions: unknown[] = []
        let KeyMarker: string | undefined
        let VersionIdMarker: string | undefined
        do {
          const page = await raw.send(new ListObjectVersionsCommand({ Bucket, KeyMarker, VersionIdMarker }))
          for (const v of page.Versions ?? []) versions.push([v.Key, v.VersionId, v.ETag, v.Size, v.StorageClass, v.IsLatest])
          for (const m of page.DeleteMarkers ?? []) versions.push([m.Key, m.VersionId, 'marker', m.IsLatest])
          KeyMarker = page.IsTruncated ? page.NextKeyMarker : undefined
          VersionIdMarker = page.IsTruncated ? page.NextVersionIdMarker : undefined
        } while (KeyMarker)
        const [tags, lifecycle, versioning] = await Promise.all([
          optional(raw.send(new GetBucketTaggingCommand({ Bucket })).then((r) => r.TagSet)),
          optional(raw.send(new GetBucketLifecycleConfigurationCommand({ Bucket })).then((r) => r.Rules)),
          raw.send(new GetBucketVersioningCommand({ Bucket })).then((r) => r.Status ?? 'Unversioned'),
        ])
        return { bucket: { Bucket, tags, lifecycle, versioning }, versions }
      }),
    )
    const watchedLook = Promise.all(
      WATCHED_KEYS.map(async (Key) => {
        const Bucket = SEEDED[0]
        const head = await optional(
          raw.send(new HeadObjectCommand({ Bucket, Key })).then((h) => [h.ETag, h.Metadata, h.ContentType, h.CacheControl, h.StorageClass]),
        )
        const tags = await optional(raw.send(new GetObjectTaggingCommand({ Bucket, Key })).then((r) => r.TagSet))
        return { Key, head, tags }
      }),
    )
    const [listed, perBucket, watched] = await Promise.all([raw.send(new ListBucketsCommand({})), perBucketLook, watchedLook])
    const names = listed.Buckets?.map((b) => b.Name).filter((n) => SEEDED.includes(n!))
    const buckets = JSON.stringify({ names, config: perBucket.map((b) => b.bucket) })
    const objects = JSON.stringify({ versions: perBucket.map((b) => b.versions), watched })
    return { buckets, objects, toString: () => buckets + objects }
  }

  /** Bulk jobs run after their call returns: wait for the job's end before looking at the buckets. */
  async function settled(result: Result<unknown>): Promise<void> {
    const jobId = result.ok ? (result.value as { jobId?: unknown }).jobId : undefined
    if (typeof jobId !== 'string') return
    const deadline = Date.now() + CALL_GUARD_MS
    while (!harness.events.some((e) => e.type === 'job.done' && e.job.jobId === jobId) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
  }

  it('answers every call with a typed result and changes nothing when it refuses', async () => {
    const started = Date.now()
    const s3Endpoint = harness.services.sandbox.endpoints!.s3!
    const samples = sampleInputs('sandbox', s3Endpoint, 1)
    const operations = Object.entries(contract).flatMap(([service, ops]) =>
      Object.entries(ops).map(([name, spec]) => ({ name: `${service}.${name}`, spec })),
    )
    // Driven from the contract: an operation without a sample is a failure, not a skip.
    expect(operations.map((o) => o.name).filter((name) => !samples[name]?.length)).toEqual([])

    const forbidden = [
      harness.dataDir,
      harness.homeDir,
      downloads,
      repoRoot,
      homedir(),
      tmpdir(),
      SANDBOX_SECRET_ACCESS_KEY,
      addedSecret,
      addedToken,
    ]
    const outcomes: Outcome[] = []
    const seededChanges: string[] = []
    let before = await fingerprint()

    const opMs = new Map<string, number>()
    for (const { name, spec } of operations) {
      const opStarted = Date.now()
      const shape = Object.keys((spec.input as { shape?: Record<string, unknown> }).shape ?? {})
      const first = samples[name]![0] as Record<string, unknown>
      // Object operations are swept once more against the empty bucket, where a keyless request would delete it.
      const onEmpty =
        first && typeof first === 'object' && first.bucket === 'haneul-demo-site' && !BUCKET_WRITES.has(name)
          ? mutationsOf({ ...first, bucket: EMPTY_BUCKET })
              .filter((m) => !m.label.startsWith('bucket '))
              .map((m) => ({ ...m, label: `empty bucket, ${m.label}` }))
          : []
      const all = [
        ...samples[name]!.map((sample, i) => ({ label: `sample ${i}`, input: sample })),
        ...mutationsOf(first),
        ...absentFieldMutations(first, shape),
        ...onEmpty,
      ]
      // Calls the input schema refuses never reach a handler: they run first and are checked as one batch;
      // every call that reaches a handler of a writing operation is checked on its own.
      const reachesHandler = (input: unknown) => spec.input.safeParse(input).success
      const calls = [
        ...all.filter((call) => !reachesHandler(call.input)).map((call) => ({ ...call, batched: true })),
        { label: '', input: undefined, batched: true, checkpoint: true },
        ...all.filter((call) => reachesHandler(call.input)).map((call) => ({ ...call, batched: false })),
      ]
      for (const call of calls) {
        if ('checkpoint' in call) {
          const after = await fingerprint()
          if (`${after}` !== `${before}`) seededChanges.push(`${name} (calls refused by the input schema changed the seeded buckets)`)
          before = after
          continue
        }
        const outcome: Outcome = { operation: name, label: call.label }
        outcomes.push(outcome)
        const controller = new AbortController()
        let timer: ReturnType<typeof setTimeout> | undefined
        try {
          const answer = harness.services.router.handle(name, call.input, {
            senderUrl: 'app://haneul/index.html',
            signal: controller.signal,
          })
          const guard = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), CALL_GUARD_MS)))
          const result = await Promise.race([answer, guard])
          if (result === 'timeout') {
            controller.abort()
            outcome.problem = `no answer within ${CALL_GUARD_MS / 1000} s`
            continue
          }
          outcome.result = result
        } catch (thrown) {
          outcome.problem = `exception escaped the router: ${String(thrown)}`
          continue
        } finally {
          clearTimeout(timer)
        }
        const result = outcome.result
        if (result.ok) {
          const typed = spec.output.safeParse(result.value)
          if (!typed.success) outcome.problem = `reply does not match the output schema: ${typed.error.message.slice(0, 300)}`
        } else if (
          !errorCodes.includes(result.error.code) ||
          typeof result.error.message !== 'string' ||
          typeof result.error.retryable !== 'boolean'
        ) {
          outcome.problem = `untyped error ${JSON.stringify(result.error).slice(0, 200)}`
        } else if (result.error.code === 'internal') {
          outcome.problem = `internal: ${result.error.message.slice(0, 300)}`
        }
        const text = JSON.stringify(result)
        const leaked = forbidden.find((secretOrPath) => text.includes(secretOrPath))
        if (leaked) outcome.problem = `reply holds a local path or secret (${leaked.slice(0, 12)}…)`

        if (WRITES.has(name) && !call.batched) {
          await settled(result)
          const after = await fingerprint()
          if (!result.ok && `${after}` !== `${before}`) seededChanges.push(`${name} [${call.label}] (${result.error.code})`)
          // Accepted or not, an operation on objects must not touch the bucket itself (an empty key made
          // PutObjectTagging replace the bucket's tags).
          if (result.ok && !BUCKET_WRITES.has(name) && after.buckets !== before.buckets)
            seededChanges.push(`${name} [${call.label}] changed a seeded bucket's own configuration`)
          before = after
        }
      }
      if (!WRITES.has(name)) {
        // Read-only operations: one look after all their calls.
        const after = await fingerprint()
        if (`${after}` !== `${before}`) seededChanges.push(`${name} (a read-only operation changed the seeded buckets)`)
        before = after
      }
      opMs.set(name, Date.now() - opStarted)
    }
    // Downloads started by accepted calls finish before the harness closes.
    for (let i = 0; i < 200 && harness.services.engine.list().some((t) => !['done', 'failed', 'cancelled'].includes(t.state)); i++)
      await new Promise((resolve) => setTimeout(resolve, 25))

    const problems = outcomes.filter((o) => o.problem).map((o) => `${o.operation} [${o.label}]: ${o.problem}`)
    const internal = outcomes.filter((o) => o.result && !o.result.ok && o.result.error.code === 'internal').length
    const accepted = outcomes.filter((o) => o.result?.ok).length
    console.log(
      `contract sweep: ${operations.length} operations, ${outcomes.length} calls (${accepted} accepted, ` +
        `${outcomes.length - accepted} refused), ${internal} internal, ${seededChanges.length} seeded changes, ` +
        `${unhandled.length} unhandled rejections, ${((Date.now() - started) / 1000).toFixed(1)} s`,
    )
    if (seededChanges.length) console.log(`seeded changes:\n  ${seededChanges.join('\n  ')}`)
    const slowest = [...opMs].sort((a, b) => b[1] - a[1]).slice(0, 6)
    console.log(`slowest: ${slowest.map(([op, ms]) => `${op} ${(ms / 1000).toFixed(1)} s`).join(', ')}`)
    expect(problems).toEqual([])
    expect(seededChanges).toEqual([])
    expect(unhandled).toEqual([])
    // The sweep means something only if valid samples worked and odd input was refused.
    expect(accepted).toBeGreaterThan(operations.length)
    expect(outcomes.length - accepted).toBeGreaterThan(operations.length * 10)
  }, 240_000)
})
