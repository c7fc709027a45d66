/**
 * Secrets never reach the renderer. Profiles with known secret keys and session tokens — ones that work
 * against the sandbox (static keys, and temporary credentials from its STS) and one it rejects — are used
 * for every operation in the contract. No reply, no error and no event may contain a secret or a session
 * token, and neither may any file Haneul wrote.
 */
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { operationNames } from '../../src-main/router'
import { SANDBOX_ACCESS_KEY_ID, SANDBOX_SECRET_ACCESS_KEY } from '../../src-main/sandbox/credentials'
import { SANDBOX_ADMIN_ROLE_ARN } from '../../src-main/sandbox/endpoints'
import { startHarness, type Harness } from '../helpers/app-harness'

const rejectedSecret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETKEY1'
const rejectedToken = 'IQoJb3JpZ2luX2VjEBAaCXVzLWVhc3QtMSJHMEUCIQ-SESSION-TOKEN-SECRET'
const addedSecret = 'added-profile-secret-0123456789abcdefghij'
const addedToken = 'added-profile-session-token-0123456789'
const site = 'haneul-demo-site'

/** A valid input for every operation; the test fails if an operation is added without one here. */
function sampleInputs(profileId: string, s3Endpoint: string, run: number): Record<string, unknown[]> {
  const bucket = { profileId, bucket: site }
  return {
    'app.info': [{}],
    'app.storageClasses': [{ region: 'us-east-1' }],
    'app.copyText': [{ text: 'hello' }],
    'app.openExternal': [{ url: 'https://docs.aws.amazon.com/s3/' }, { url: 'https://evil.example/' }],
    'profiles.list': [{}],
    'profiles.setActive': [{ profileId }],
    'profiles.reload': [{}],
    'profiles.secretStorage': [{}],
    'profiles.add': [
      {
        name: `added-${run}`,
        region: 'us-east-1',
        accessKeyId: 'AKIAADDEDEXAMPLE0001',
        secret: addedSecret,
        sessionToken: addedToken,
        endpoint: s3Endpoint,
        endpoints: { cloudfront: s3Endpoint },
      },
      {
        name: `working-${run}`,
        region: 'us-east-1',
        accessKeyId: SANDBOX_ACCESS_KEY_ID,
        secret: SANDBOX_SECRET_ACCESS_KEY,
        endpoint: s3Endpoint,
      },
    ],
    'profiles.update': [
      { profileId, region: 'us-west-2' },
      { profileId, endpoint: s3Endpoint, accessKeyId: SANDBOX_ACCESS_KEY_ID, secret: SANDBOX_SECRET_ACCESS_KEY },
    ],
    'profiles.remove': [{ profileId: 'app:does-not-exist' }],
    'profiles.pendingMfa': [{}],
    'profiles.submitMfa': [{ promptId: 'nope', code: '123456' }],
    'profiles.cancelMfa': [{ promptId: 'nope' }],
    'profiles.signIn': [{ profileId }],
    's3.listBuckets': [{ profileId }, { profileId, source: 'cache' }],
    's3.listObjects': [
      { ...bucket },
      { ...bucket, prefix: 'blog/', delimiter: '/', pageSize: 5 },
      { profileId, bucket: 'no-such-bucket-here' },
    ],
    's3.createBucket': [{ profileId, bucket: `secret-test-${run}`, region: 'us-east-1' }],
    's3.deleteBucket': [{ profileId, bucket: `secret-test-${run}`, confirm: `secret-test-${run}` }],
    's3.bucketInfo': [{ ...bucket }],
    's3.searchObjects': [{ ...bucket, query: 'index' }],
    's3.listVersions': [{ ...bucket, prefix: 'css/' }],
    's3.objectDetails': [{ ...bucket, key: 'index.html' }],
    's3.updateMetadata': [{ ...bucket, key: 'robots.txt', system: { cacheControl: 'max-age=60' }, metadata: { run: String(run) } }],
    's3.putTags': [{ ...bucket, key: 'robots.txt', tags: { run: String(run) } }],
    's3.changeStorageClass': [{ ...bucket, key: 'css/print.css', storageClass: run % 2 ? 'STANDARD_IA' : 'STANDARD' }],
    's3.restoreObject': [{ ...bucket, key: 'archive/releases/site-v1.1.0.zip', days: 1, tier: 'Standard' }],
    's3.presignGet': [{ ...bucket, key: 'index.html', expiresInSeconds: 60, copyToClipboard: true }],
    's3.createFolder': [{ ...bucket, prefix: `secret-test-${run}/` }],
    's3.copy': [
      { ...bucket, keys: ['robots.txt'], destination: { profileId, bucket: site, prefix: `copies-${run}/` }, onConflict: 'overwrite' },
    ],
    's3.move': [
      { ...bucket, keys: ['no-such-key.txt'], destination: { profileId, bucket: site, prefix: 'moved/' }, onConflict: 'overwrite' },
    ],
    's3.rename': [{ ...bucket, key: 'robots.txt', newKey: 'robots.txt.bak' }],
    's3.delete': [{ ...bucket, keys: ['no-such-key.txt'] }],
    's3.countPrefix': [{ ...bucket, prefixes: ['blog/'] }],
    's3.listMultipartUploads': [{ ...bucket }],
    's3.abortMultipartUploads': [{ ...bucket, uploads: [{ key: 'x', uploadId: 'nope' }] }],
    's3.addAbortIncompleteRule': [{ ...bucket, days: 7 }],
    'jobs.list': [{}],
    'jobs.cancel': [{ jobId: 'nope' }],
    'jobs.watches': [{}],
    'jobs.cancelWatch': [{ watchId: 'nope' }],
    'transfers.list': [{}],
    'transfers.settings': [{}],
    'transfers.updateSettings': [{ concurrency: 10, partSizeMiB: 8, maxBandwidthMiBps: 0 }],
    'transfers.chooseFiles': [{}],
    'transfers.planUpload': [{ dropId: 'nope', ...bucket, prefix: '' }],
    'transfers.startUpload': [{ dropId: 'nope', ...bucket, prefix: '', onConflict: 'skip' }],
    'transfers.download': [{ ...bucket, keys: ['index.html'] }],
    'transfers.pause': [{ jobId: 'nope' }],
    'transfers.resume': [{ jobId: 'nope' }],
    'transfers.retry': [{ jobId: 'nope' }],
    'transfers.cancel': [{ jobId: 'nope' }],
    'transfers.clearFinished': [{}],
    'transfers.showInFolder': [{ jobId: 'nope' }],
    'transfers.dragOut': [{ ...bucket, key: 'index.html' }],
  }
}

describe('no secret crosses to the renderer', () => {
  let harness: Harness
  let secrets: string[]
  const replies: unknown[] = []

  beforeAll(async () => {
    const homeDir = mkdtempSync(join(tmpdir(), 'haneul-home-'))
    mkdirSync(join(homeDir, '.aws'))
    const downloads = mkdtempSync(join(tmpdir(), 'haneul-downloads-'))
    harness = await startHarness({ homeDir, chooseFolder: () => downloads })
    const { s3, sts } = harness.services.sandbox.endpoints!
    // Temporary credentials with a session token, from the sandbox's own STS.
    const assumed = await new STSClient({
      endpoint: sts,
      region: 'us-east-1',
      credentials: { accessKeyId: SANDBOX_ACCESS_KEY_ID, secretAccessKey: SANDBOX_SECRET_ACCESS_KEY },
    }).send(new AssumeRoleCommand({ RoleArn: SANDBOX_ADMIN_ROLE_ARN, RoleSessionName: 'secrets-test' }))
    const session = assumed.Credentials!
    secrets = [
      SANDBOX_SECRET_ACCESS_KEY,
      rejectedSecret,
      rejectedToken,
      addedSecret,
      addedToken,
      session.SecretAccessKey!,
      session.SessionToken!,
    ]
    writeFileSync(
      join(homeDir, '.aws', 'credentials'),
      [
        '[works]',
        `aws_access_key_id = ${SANDBOX_ACCESS_KEY_ID}`,
        `aws_secret_access_key = ${SANDBOX_SECRET_ACCESS_KEY}`,
        '[session]',
        `aws_access_key_id = ${session.AccessKeyId}`,
        `aws_secret_access_key = ${session.SecretAccessKey}`,
        `aws_session_token = ${session.SessionToken}`,
        '[rejected]',
        'aws_access_key_id = ASIAREJECTEDEXAMPLE1',
        `aws_secret_access_key = ${rejectedSecret}`,
        `aws_session_token = ${rejectedToken}`,
      ].join('\n'),
    )
    writeFileSync(
      join(homeDir, '.aws', 'config'),
      ['works', 'session', 'rejected'].map((name) => `[profile ${name}]\nregion = us-east-1\nendpoint_url = ${s3}\n`).join(''),
    )
    await harness.services.profiles.reload()
  })
  afterAll(async () => {
    await harness?.close()
  })

  it('covers every operation in the contract', () => {
    expect(Object.keys(sampleInputs('x', 'http://x', 0)).sort()).toEqual(operationNames().sort())
  })

  it('keeps secrets out of every reply, error and event', async () => {
    const context = { senderUrl: 'app://haneul/index.html', signal: new AbortController().signal }
    const outcomes = new Map<string, boolean>()
    const s3Endpoint = harness.services.sandbox.endpoints!.s3!
    let run = 0
    const exercise = async (profileId: string, only?: string) => {
      run++
      for (const [operation, inputs] of Object.entries(sampleInputs(profileId, s3Endpoint, run))) {
        if (only && !operation.startsWith(only)) continue
        for (const input of inputs) {
          const result = await harness.services.router.handle(operation, input, context)
          replies.push(result)
          outcomes.set(`${profileId} ${operation}`, (outcomes.get(`${profileId} ${operation}`) ?? false) || result.ok)
        }
      }
    }
    for (const profileId of ['sandbox', 'aws:works', 'aws:session', 'aws:rejected']) await exercise(profileId)
    // The Haneul profiles just added (keys in the vault) are used for every S3 operation too.
    const added = harness.services.profiles.list().profiles.filter((p) => p.source === 'app')
    expect(added.length).toBe(8)
    for (const profile of added) await exercise(profile.id, 's3.')
    // Let the bulk jobs and downloads started above finish, so their events are part of the scan.
    const unfinished = () =>
      harness.services.engine.list().some((t) => !['done', 'failed', 'cancelled'].includes(t.state)) ||
      harness.events.filter((e) => e.type === 'job.done').length <
        harness.events
          .filter((e) => e.type === 'job.progress')
          .map((e) => (e as { job: { jobId: string } }).job.jobId)
          .filter((id, i, all) => all.indexOf(id) === i).length
    for (let i = 0; i < 200 && unfinished(); i++) await new Promise((resolve) => setTimeout(resolve, 50))
    // One more progress tick, so the last transfers.updated events are in.
    await new Promise((resolve) => setTimeout(resolve, 300))

    // The scan means something only if real data came back, for static and session credentials alike.
    for (const profileId of ['sandbox', 'aws:works', 'aws:session']) {
      for (const operation of [
        's3.listBuckets',
        's3.objectDetails',
        's3.presignGet',
        's3.copy',
        'transfers.download',
        'transfers.dragOut',
      ]) {
        expect(outcomes.get(`${profileId} ${operation}`), `${profileId} ${operation}`).toBe(true)
      }
    }
    expect(outcomes.get('aws:rejected s3.listBuckets')).toBe(false)
    const seen = JSON.stringify({ replies, events: harness.events })
    expect(seen).toContain('haneul-demo-site')
    expect(seen).toContain('credentials-invalid')
    expect(seen).toContain('"redacted":true')
    expect(harness.events.some((e) => e.type === 'job.done')).toBe(true)
    expect(harness.events.some((e) => e.type === 'transfers.updated')).toBe(true)
    // Raw, and as URLs carry them (percent-encoded), so a token inside a link is caught too.
    for (const secret of secrets) {
      for (const form of new Set([
        secret,
        encodeURIComponent(secret),
        encodeURIComponent(secret).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`),
      ])) {
        expect(seen.includes(form), `a secret (${secret.slice(0, 6)}…) reached the renderer`).toBe(false)
      }
    }
    expect(seen).not.toMatch(/X-Amz-Security-Token=(?!…)/)
    // The working presigned URL (with the session token) went only to the clipboard, as asked.
    expect(harness.clipboard.some((text) => text.includes('X-Amz-Security-Token='))).toBe(true)
  })

  it('keeps secrets out of every file Haneul wrote (settings, snapshots, journals, sandbox state)', () => {
    const files: string[] = []
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name)
        if (statSync(path).isDirectory()) walk(path)
        else files.push(path)
      }
    }
    walk(harness.dataDir)
    expect(files.some((f) => f.includes('snapshots'))).toBe(true)
    expect(files.some((f) => f.endsWith('profiles.json'))).toBe(true)
    for (const file of files) {
      const content = readFileSync(file, 'latin1')
      for (const secret of secrets) expect(content.includes(secret), `${file} contains a secret`).toBe(false)
    }
  })
})
