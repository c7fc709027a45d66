/**
 * publish.* through the router against the sandbox's S3 and CloudFront emulators with the real SDK
 * clients: a publish of a changed folder changes exactly the changed objects and sends one invalidation of
 * exactly their paths through the origin path, followed to Completed (the emulator's clock is moved by the
 * poll's wait, never slept); a failed upload stops the publish before anything is deleted or invalidated;
 * a publish interrupted by closing "the app" continues after reopening on the same data folder.
 */
import { createHash } from 'node:crypto'
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { GetInvalidationCommand } from '@aws-sdk/client-cloudfront'
import { HeadObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Result } from '../../../../src-main/api/contract'
import type { AppEvent } from '../../../../src-main/api/events'
import { publishApi, type PublishPlan, type PublishView } from '../../../../src-main/api/publish'
import { OfflineFirst } from '../../../../src-main/offline/offline-first'
import { createRouter } from '../../../../src-main/router'
import { STAGING_DISTRIBUTION_ID } from '../../../../src-main/sandbox/cloudfront/index'
import { SANDBOX_ACCESS_KEY_ID, SANDBOX_SECRET_ACCESS_KEY } from '../../../../src-main/sandbox/credentials'
import { createPublishModule, type PublishModule } from '../../../../src-main/site/publish/handlers'
import { TransferEngine } from '../../../../src-main/transfers/index'
import { PROFILE, SENDER, startCloudFrontWorld, type CloudFrontWorld, type OpenModule } from '../../../helpers/cloudfront-world'

const BUCKET = 'haneul-demo-site'
const ORIGIN = '/staging'
const md5 = (data: string | Buffer) => createHash('md5').update(data).digest('hex')

let world: CloudFrontWorld
let cf: OpenModule
let s3: S3Client
const dirs: string[] = []

beforeAll(async () => {
  world = await startCloudFrontWorld()
  cf = await world.openModule()
  s3 = new S3Client({
    endpoint: world.sandbox.endpoints.s3,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: SANDBOX_ACCESS_KEY_ID, secretAccessKey: SANDBOX_SECRET_ACCESS_KEY },
  })
}, 60_000)
afterAll(async () => {
  s3?.destroy()
  await world?.close()
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

const tempDir = (name: string) => {
  const dir = mkdtempSync(join(tmpdir(), `haneul-publish-${name}-`))
  dirs.push(dir)
  return dir
}

function writeTree(root: string, files: Record<string, string>, mtimeOffsetS?: number) {
  for (const [name, content] of Object.entries(files)) {
    const path = join(root, ...name.split('/'))
    mkdirSync(dirname(path), { recursive: true })
    writeFileSync(path, content)
    if (mtimeOffsetS !== undefined) {
      const when = Date.now() / 1000 + mtimeOffsetS
      utimesSync(path, when, when)
    }
  }
}

interface App {
  module: PublishModule
  /** The waits between invalidation polls, in order. */
  sleeps: number[]
  engine: TransferEngine
  events: AppEvent[]
  ok<T>(operation: string, payload: unknown): Promise<T>
  call<T>(operation: string, payload: unknown): Promise<Result<T>>
  /** Resolves with the publish's view once it is in one of these states. */
  until(publishId: string, states: PublishView['state'][]): Promise<PublishView>
  close(): Promise<void>
}

/** "The app": a transfer engine and a publish module on a data folder, the CloudFront module's handlers, the sandbox profile. */
async function openApp(dataDir: string, folder: string, options: { autoResume?: boolean; bandwidth?: number } = {}): Promise<App> {
  const events: AppEvent[] = []
  const sleeps: number[] = []
  const listeners = new Set<() => void>()
  const { services } = world.harness
  const engine = new TransferEngine({
    clients: services.clients,
    journalDir: join(dataDir, 'transfers'),
    config: { concurrency: options.bandwidth ? 1 : 4, ...(options.bandwidth ? { maxBandwidthBytesPerSecond: options.bandwidth } : {}) },
  })
  await engine.restore({ autoResume: true })
  const module = await createPublishModule({
    dataDir,
    s3: (profileId) => services.clients.client(profileId, 's3'),
    s3Offline: new OfflineFirst(services.snapshots, services.connectivity, 's3'),
    engine,
    cloudfront: cf.module.handlers,
    chooseFiles: async () => [folder],
    emit: (event) => {
      events.push(event)
      for (const listener of listeners) listener()
    },
    notify: () => {},
    autoResume: options.autoResume,
    // Waiting between invalidation polls moves the emulator's clock instead of sleeping (the default delays).
    sleep: async (ms) => {
      sleeps.push(ms)
      world.clock.offsetMs += ms
    },
  })
  const router = createRouter({
    contract: { publish: publishApi },
    handlers: { publish: module.handlers },
    isTrustedSender: (url) => url === SENDER,
  })
  const call = <T>(operation: string, payload: unknown) =>
    router.handle(operation, payload, { senderUrl: SENDER, signal: new AbortController().signal }) as Promise<Result<T>>
  return {
    module,
    sleeps,
    engine,
    events,
    call,
    async ok<T>(operation: string, payload: unknown) {
      const result = await call<T>(operation, payload)
      if (!result.ok) expect.fail(`${operation} failed: ${result.error.code}: ${result.error.message}`)
      return result.value
    },
    until(publishId, states) {
      return new Promise((resolve) => {
        const check = () => {
          const view = module.service.list().find((p) => p.publishId === publishId)
          if (view && states.includes(view.state) && !module.service.isRunning(publishId)) {
            listeners.delete(check)
            resolve(view)
          }
        }
        listeners.add(check)
        check()
      })
    },
    async close() {
      await module.close?.()
      await engine.close()
    },
  }
}

async function objectsBelow(prefix: string): Promise<Map<string, { etag: string; cacheControl?: string }>> {
  const out = new Map<string, { etag: string; cacheControl?: string }>()
  let token: string | undefined
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix, ContinuationToken: token }))
    for (const o of page.Contents ?? []) out.set(o.Key!, { etag: o.ETag!.replaceAll('"', '') })
    token = page.NextContinuationToken
  } while (token)
  return out
}

/** CloudFront requests the emulator received since `before` (a copy of its call counts), by operation. */
const cloudfrontCalls = () => ({ ...world.cloudfront.calls })
const cloudfrontSince = (before: Partial<Record<string, number>>) =>
  Object.fromEntries(
    Object.entries(world.cloudfront.calls)
      .map(([name, n]) => [name, (n ?? 0) - (before[name] ?? 0)] as const)
      .filter(([, n]) => n > 0),
  )

const invalidationsOfStaging = () => world.cloudfront.state.distributions.find((d) => d.id === STAGING_DISTRIBUTION_ID)!.invalidations
/** The staging distribution's invalidations made since `before` (the emulator's list, in whatever order it keeps). */
const sentSince = (before: ReadonlySet<string>) => invalidationsOfStaging().filter((i) => !before.has(i.id))
const idsNow = () => new Set(invalidationsOfStaging().map((i) => i.id))

async function plan(app: App, options: { deletions?: boolean; originPath?: string } = {}): Promise<PublishPlan> {
  const { folderId } = await app.ok<{ folderId: string }>('publish.chooseFolder', {})
  return app.ok<PublishPlan>('publish.plan', {
    profileId: PROFILE,
    bucket: BUCKET,
    originPath: options.originPath ?? ORIGIN,
    folderId,
    distributionId: STAGING_DISTRIBUTION_ID,
    deletions: options.deletions ?? false,
  })
}

describe('publishing a changed folder', () => {
  it('changes exactly the changed objects and invalidates exactly their paths, to Completed', async () => {
    const folder = tempDir('site')
    const v1 = {
      'index.html': '<h1>home</h1>',
      'docs/index.html': '<h1>docs</h1>',
      'css/site.css': 'body{color:tan}',
      'app.3f9a8b7c.js': 'console.log("v1")',
      'img/logo.svg': '<svg/>',
      '문서/안내 page.html': '<p>안내</p>',
    }
    // Written an hour ago: the edits below are "older" than the uploads, as after a checkout.
    writeTree(folder, v1, -3600)
    const app = await openApp(tempDir('data'), folder)
    const first = await plan(app)
    expect(first.counts).toMatchObject({ new: 6, changed: 0, delete: 0, problem: 0 })
    const { publish } = await app.ok<{ publish: PublishView }>('publish.start', { planId: first.planId })
    expect((await app.until(publish.publishId, ['completed', 'interrupted', 'failed'])).state).toBe('completed')

    const before = await objectsBelow('staging/')
    const head = (key: string) => s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }))
    expect((await head('staging/app.3f9a8b7c.js')).CacheControl).toBe('public, max-age=31536000, immutable')
    expect((await head('staging/index.html')).CacheControl).toBe('no-cache')
    expect((await head('staging/index.html')).ContentType).toBe('text/html; charset=utf-8')

    // v2: one edit of the same size with an old mtime, one of another size, a new page, a deletion,
    // and an identical rewrite with a new mtime (a rebuild).
    writeTree(folder, { 'css/site.css': 'body{color:red}' }, -7200)
    writeTree(folder, { 'docs/index.html': '<h1>docs, longer</h1>', 'new.html': '<p>new</p>' }, -3600)
    writeTree(folder, { 'index.html': v1['index.html'] }, 3600)
    rmSync(join(folder, 'img', 'logo.svg'))
    let callsBefore = cloudfrontCalls()
    const second = await plan(app, { deletions: true })
    // The dry run reads the distributions once (the origin check, and the ids for the month's usage) and
    // each one's invalidations (path counts of those already seen are kept, its own included).
    expect(cloudfrontSince(callsBefore)).toEqual({
      ListDistributions: 1,
      ListInvalidations: world.cloudfront.state.distributions.length,
    })
    const byName = Object.fromEntries(second.items.map((i) => [i.name, i]))
    expect(second.counts).toEqual({ new: 1, changed: 2, unchanged: 3, delete: 1, problem: 0 })
    expect(byName['css/site.css']).toMatchObject({ action: 'changed', reason: expect.stringMatching(/same size, content differs/) })
    expect(byName['index.html']).toMatchObject({ action: 'unchanged' })
    expect(byName['img/logo.svg']).toMatchObject({ action: 'delete' })
    const expectedPaths = ['/css/site.css', '/docs/index.html', '/docs/', '/new.html', '/img/logo.svg'].sort()
    expect([...second.invalidation!.exactPaths].sort()).toEqual(expectedPaths)
    expect([...second.invalidation!.paths].sort()).toEqual(expectedPaths)
    expect(second.invalidation!.plan.pathCount).toBe(5)

    const sentBefore = idsNow()
    callsBefore = cloudfrontCalls()
    app.sleeps.length = 0
    const run = await app.ok<{ publish: PublishView }>('publish.start', { planId: second.planId })
    const done = await app.until(run.publish.publishId, ['completed', 'interrupted', 'failed'])
    // Sending reuses the dry run's reading: no second distribution read or usage listing, one create, and
    // polls that back off until the emulator's 20 s have passed (seen at 1, 3, 7, 15 and 31 s).
    expect(app.sleeps).toEqual([1_000, 2_000, 4_000, 8_000, 16_000])
    expect(cloudfrontSince(callsBefore)).toEqual({ CreateInvalidation: 1, GetInvalidation: 5 })
    expect(done).toMatchObject({
      state: 'completed',
      uploadsDone: 3,
      uploadsTotal: 3,
      deletesDone: 1,
      invalidation: { status: 'Completed' },
    })

    const after = await objectsBelow('staging/')
    const changed = [...new Set([...before.keys(), ...after.keys()])].filter((k) => before.get(k)?.etag !== after.get(k)?.etag).sort()
    expect(changed).toEqual(['staging/css/site.css', 'staging/docs/index.html', 'staging/img/logo.svg', 'staging/new.html'])
    expect(after.get('staging/css/site.css')!.etag).toBe(md5('body{color:red}'))

    const sent = sentSince(sentBefore)
    expect(sent).toHaveLength(1)
    expect([...sent[0]!.paths].sort()).toEqual(expectedPaths)
    const status = await world.raw.send(new GetInvalidationCommand({ DistributionId: STAGING_DISTRIBUTION_ID, Id: sent[0]!.id }))
    expect(status.Invalidation?.Status).toBe('Completed')
    await app.close()
  })

  it('refuses an origin path the distribution does not serve, an unknown distribution, and a pattern that does not compile', async () => {
    const folder = tempDir('wrong')
    writeTree(folder, { 'a.html': 'a' })
    const app = await openApp(tempDir('data'), folder)
    const { folderId } = await app.ok<{ folderId: string }>('publish.chooseFolder', {})
    const wrong = await app.call('publish.plan', {
      profileId: PROFILE,
      bucket: BUCKET,
      originPath: '/prod',
      folderId,
      distributionId: STAGING_DISTRIBUTION_ID,
    })
    expect(wrong).toMatchObject({
      ok: false,
      error: {
        code: 'bad-request',
        message: expect.stringMatching(/serves "haneul-demo-site" with origin path "\/staging", not "\/prod"/),
      },
    })
    const unknown = await app.call('publish.plan', {
      profileId: PROFILE,
      bucket: BUCKET,
      originPath: ORIGIN,
      folderId,
      distributionId: 'ENOSUCHDIST001',
    })
    expect(unknown).toMatchObject({
      ok: false,
      error: { code: 'not-found', message: 'There is no distribution ENOSUCHDIST001 in this account.' },
    })
    const pattern = await app.call('publish.saveRules', {
      profileId: PROFILE,
      bucket: BUCKET,
      originPath: ORIGIN,
      rules: [{ pattern: '*.[0-9', cacheControl: 'x' }],
    })
    expect(pattern).toMatchObject({ ok: false, error: { code: 'bad-request', message: expect.stringMatching(/has no closing "\]"/) } })
    await app.close()
  })
})

describe('a publish that does not finish', () => {
  it('stops before deleting or invalidating when an upload fails, and finishes on resume', async () => {
    const folder = tempDir('fail')
    writeTree(folder, { 'f/one.html': 'one', 'f/two.html': 'two', 'f/three.html': 'three' })
    const app = await openApp(tempDir('data'), folder)
    const planned = await plan(app)
    rmSync(join(folder, 'f', 'two.html'))
    const sentBefore = idsNow()
    const { publish } = await app.ok<{ publish: PublishView }>('publish.start', { planId: planned.planId })
    const stopped = await app.until(publish.publishId, ['interrupted', 'completed', 'failed'])
    expect(stopped).toMatchObject({ state: 'interrupted', uploadsDone: 2, uploadsTotal: 3 })
    expect(stopped.message).toMatch(/Publish interrupted: 2 of 3 uploaded; 1 upload failed \(staging\/f\/two\.html: Cannot read two\.html/)
    expect(sentSince(sentBefore)).toHaveLength(0)
    const refused = await app.call('publish.dismiss', { publishId: publish.publishId })
    expect(refused).toMatchObject({ ok: false, error: { code: 'conflict', message: expect.stringMatching(/half-published/) } })

    writeTree(folder, { 'f/two.html': 'two' })
    await app.ok('publish.resume', { publishId: publish.publishId })
    expect(await app.until(publish.publishId, ['completed', 'interrupted'])).toMatchObject({ state: 'completed', uploadsDone: 3 })
    expect(sentSince(sentBefore)).toHaveLength(1)
    await app.close()
  })

  it('continues after "the app" is closed mid-way and opened again on the same data folder', async () => {
    const folder = tempDir('resume')
    const files = Object.fromEntries(Array.from({ length: 24 }, (_, i) => [`r/page-${i}.html`, `<p>${i}</p>${'x'.repeat(48 * 1024)}`]))
    writeTree(folder, files)
    const dataDir = tempDir('data')
    // One request at a time at 256 KiB/s: the close below comes while most pages are still to go.
    const first = await openApp(dataDir, folder, { bandwidth: 256 * 1024 })
    const planned = await plan(first)
    expect(planned.counts.new).toBe(24)
    const { publish } = await first.ok<{ publish: PublishView }>('publish.start', { planId: planned.planId })
    await new Promise<void>((resolve) => {
      const check = () => (first.module.service.list()[0]!.uploadsDone >= 3 ? resolve() : setTimeout(check, 20))
      check()
    })
    await first.close()
    const sentBefore = idsNow()

    const second = await openApp(dataDir, folder, { autoResume: false })
    const interrupted = (await second.ok<{ publishes: PublishView[] }>('publish.list', {})).publishes[0]!
    expect(interrupted.state).toBe('interrupted')
    expect(interrupted.uploadsDone).toBeGreaterThanOrEqual(3)
    expect(interrupted.uploadsDone).toBeLessThan(24)
    expect(interrupted.message).toMatch(new RegExp(`Interrupted when Haneul stopped: ${interrupted.uploadsDone} of 24 uploaded`))
    await second.ok('publish.resume', { publishId: publish.publishId })
    expect(await second.until(publish.publishId, ['completed', 'interrupted'])).toMatchObject({ state: 'completed', uploadsDone: 24 })

    const after = await objectsBelow('staging/r/')
    for (const [name, content] of Object.entries(files)) expect(after.get(`staging/${name}`)?.etag, name).toBe(md5(content))
    const sent = sentSince(sentBefore)
    expect(sent).toHaveLength(1)
    expect(sent[0]!.paths.sort()).toEqual(
      Object.keys(files)
        .map((n) => `/${n}`)
        .sort(),
    )
    await second.close()
  })
})
