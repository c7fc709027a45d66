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
  ms?: number
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
  const optional = <T>(work: Promise<T>) =>
    work.then(
      (v) => v as unknown,
      (e: { name?: string }) => `error ${e.name}`,
    )

  /** The seeded buckets themselves, without their objects: cheap enough to look at after every accepted call. */
  async function bucketsFingerprint(): Promise<string> {
    const [listed, config] = await Promise.all([
      raw.send(new ListBucketsCommand({})),
      Promise.all(
        SEEDED.map(async (Bucket) =>
          Promise.all([
            optional(raw.send(new GetBucketTaggingCommand({ Bucket })).then((r) => r.TagSet)),
            optional(raw.send(new GetBucketLifecycleConfigurationCommand({ Bucket })).then((r) => r.Rules)),
            optional(raw.send(new GetBucketVersioningCommand({ Bucket })).then((r) => r.Status ?? 'Unversioned')),
          ]),
        ),
      ),
    ])
    return JSON.stringify({ names: listed.Buckets?.map((b) => b.Name).filter((n) => SEEDED.includes(n!)), config })
  }

  async function fingerprint(): Promise<{ buckets: string; objects: string; toString(): string }> {
    const perBucketLook = Promise.all(
      SEEDED.map(async (Bucket) => {
        // A bucket that is gone is a change like any other, not a crash of the sweep.
        const exists = await raw.send(new HeadBucketCommand({ Bucket })).then(
          () => true,
          () => false,
        )
        if (!exists) return { Bucket, missing: true, versions: [] }
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
        return { Bucket, versions }
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
    const [buckets, perBucket, watched] = await Promise.all([bucketsFingerprint(), perBucketLook, watchedLook])
    const objects = JSON.stringify({ versions: perBucket, watched })
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

    /** One call through the router, with every per-call check; returns its result (if it answered). */
    async function run(name: string, spec: (typeof operations)[number]['spec'], label: string, input: unknown) {
      const outcome: Outcome = { operation: name, label }
      outcomes.push(outcome)
      const callStarted = Date.now()
      const controller = new AbortController()
      let timer: ReturnType<typeof setTimeout> | undefined
      try {
        const answer = harness.services.router.handle(name, input, { senderUrl: 'app://haneul/index.html', signal: controller.signal })
        const guard = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), CALL_GUARD_MS)))
        const result = await Promise.race([answer, guard])
        if (result === 'timeout') {
          controller.abort()
          outcome.problem = `no answer within ${CALL_GUARD_MS / 1000} s`
          return undefined
        }
        outcome.result = result
      } catch (thrown) {
        outcome.problem = `exception escaped the router: ${String(thrown)}`
        return undefined
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
      await settled(result)
      outcome.ms = Date.now() - callStarted
      return result
    }

    const opMs = new Map<string, number>()
    for (const { name, spec } of operations) {
      const opStarted = Date.now()
      const shape = Object.keys((spec.input as { shape?: Record<string, unknown> }).shape ?? {})
      const first = samples[name]![0] as Record<string, unknown>
      // Their keys are swept once more against the empty bucket, where a keyless request would delete it.
      const onEmpty =
        first && typeof first === 'object' && first.bucket === 'haneul-demo-site' && !BUCKET_WRITES.has(name)
          ? mutationsOf({ ...first, bucket: EMPTY_BUCKET })
              .filter((m) => /^(key|newKey|keys|uploads) /.test(m.label) && !m.label.includes('100,001'))
              .map((m) => ({ ...m, label: `empty bucket, ${m.label}` }))
          : []
      const all = [
        ...samples[name]!.map((sample, i) => ({ label: `sample ${i}`, input: sample })),
        ...mutationsOf(first),
        ...absentFieldMutations(first, shape),
        ...onEmpty,
      ]
      const valid = all.map((call) => spec.input.safeParse(call.input).success)
      const writes = WRITES.has(name)

      // 1. Calls the input schema refuses never reach a handler: one look after all of them.
      for (const call of all.filter((_, i) => !valid[i])) await run(name, spec, call.label, call.input)
      if (writes) {
        const after = await fingerprint()
        if (`${after}` !== `${before}`) seededChanges.push(`${name}: calls refused by the input schema changed the seeded buckets`)
        before = after
      }

      // 2. Calls that reach the handler. Accepted ones may change objects (that is their job), never a
      //    bucket's own configuration unless the operation is about buckets (an empty key once made
      //    PutObjectTagging replace the bucket's tags).
      const refusedByHandler: typeof all = []
      let bucketsBefore = before.buckets
      for (const call of all.filter((_, i) => valid[i])) {
        const result = await run(name, spec, call.label, call.input)
        if (result && !result.ok) refusedByHandler.push(call)
        if (writes && result?.ok) {
          const buckets = await bucketsFingerprint()
          if (!BUCKET_WRITES.has(name) && buckets !== bucketsBefore)
            seededChanges.push(`${name} [${call.label}] (or a refused call before it) changed a seeded bucket's own configuration`)
          bucketsBefore = buckets
        }
      }

      // 3. A writing operation's refusals once more, together, on the state its accepted calls left:
      //    refused, they must change nothing at all.
      if (writes && refusedByHandler.length) {
        const start = await fingerprint()
        let acceptedNow = false
        for (const call of refusedByHandler) acceptedNow = (await run(name, spec, `${call.label} (again)`, call.input))?.ok || acceptedNow
        const end = await fingerprint()
        if (!acceptedNow && `${end}` !== `${start}`) seededChanges.push(`${name}: calls its handler refused changed the seeded buckets`)
      }
      const after = await fingerprint()
      if (!writes && `${after}` !== `${before}`) seededChanges.push(`${name} (a read-only operation changed the seeded buckets)`)
      before = after
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
    const slowCalls = outcomes
      .filter((o) => o.ms !== undefined)
      .sort((a, b) => b.ms! - a.ms!)
      .slice(0, 5)
    console.log(`slowest calls: ${slowCalls.map((o) => `${o.operation} [${o.label}] ${o.ms} ms`).join(', ')}`)
    const slowest = [...opMs].sort((a, b) => b[1] - a[1]).slice(0, 6)
    console.log(`slowest: ${slowest.map(([op, ms]) => `${op} ${(ms / 1000).toFixed(1)} s`).join(', ')}`)
    expect(problems).toEqual([])
    expect(seededChanges).toEqual([])
    expect(unhandled).toEqual([])
    // The sweep means something only if valid samples worked and odd input was refused.
    expect(accepted).toBeGreaterThan(operations.length)
    expect(outcomes.length - accepted).toBeGreaterThan(operations.length * 10)
  }, 600_000)
})
