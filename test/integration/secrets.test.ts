/**
 * Secrets never reach the renderer. Profiles with known secret keys and session tokens (one that works
 * against the sandbox, one the sandbox rejects) are used for every operation in the contract; no reply,
 * no error and no event may contain a secret, and neither may any file Haneul wrote.
 */
import { readdirSync, readFileSync, statSync, writeFileSync, mkdtempSync, mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { operationNames } from '../../src-main/router'
import { SANDBOX_ACCESS_KEY_ID, SANDBOX_SECRET_ACCESS_KEY } from '../../src-main/sandbox/credentials'
import { startHarness, type Harness } from '../helpers/app-harness'

const rejectedSecret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETKEY1'
const rejectedToken = 'IQoJb3JpZ2luX2VjEBAaCXVzLWVhc3QtMSJHMEUCIQ-SESSION-TOKEN-SECRET'
const addedSecret = 'added-profile-secret-0123456789abcdefghij'
const addedToken = 'added-profile-session-token-0123456789'
const secrets = [SANDBOX_SECRET_ACCESS_KEY, rejectedSecret, rejectedToken, addedSecret, addedToken]

/** A valid input for every operation; the test fails if an operation is added without one here. */
function sampleInputs(profileId: string, s3Endpoint = 'http://127.0.0.1:9'): Record<string, unknown[]> {
  return {
    'app.info': [{}],
    'app.copyText': [{ text: 'hello' }],
    'app.openExternal': [{ url: 'https://docs.aws.amazon.com/s3/' }, { url: 'https://evil.example/' }],
    'profiles.list': [{}],
    'profiles.setActive': [{ profileId }],
    'profiles.reload': [{}],
    'profiles.secretStorage': [{}],
    'profiles.add': [
      { name: `added-${profileId}`, region: 'us-east-1', accessKeyId: 'AKIAADDEDEXAMPLE0001', secretAccessKey: addedSecret, sessionToken: addedToken, endpoint: s3Endpoint },
      { name: `working-${profileId}`, region: 'us-east-1', accessKeyId: SANDBOX_ACCESS_KEY_ID, secretAccessKey: SANDBOX_SECRET_ACCESS_KEY, endpoint: s3Endpoint },
    ],
    'profiles.update': [{ profileId, region: 'us-west-2' }],
    'profiles.remove': [{ profileId: 'app:does-not-exist' }],
    'profiles.submitMfa': [{ promptId: 'nope', code: '123456' }],
    'profiles.cancelMfa': [{ promptId: 'nope' }],
    'profiles.signIn': [{ profileId }],
    's3.listBuckets': [{ profileId }],
    's3.listObjects': [
      { profileId, bucket: 'haneul-demo-site' },
      { profileId, bucket: 'haneul-demo-site', prefix: 'blog/', delimiter: '/', pageSize: 5 },
      { profileId, bucket: 'no-such-bucket-here' },
    ],
  }
}

describe('no secret crosses to the renderer', () => {
  let harness: Harness
  const replies: unknown[] = []

  beforeAll(async () => {
    const homeDir = mkdtempSync(join(tmpdir(), 'haneul-home-'))
    mkdirSync(join(homeDir, '.aws'))
    harness = await startHarness({ homeDir })
    const s3 = harness.services.sandbox.endpoints!.s3
    writeFileSync(
      join(homeDir, '.aws', 'credentials'),
      [
        '[works]',
        `aws_access_key_id = ${SANDBOX_ACCESS_KEY_ID}`,
        `aws_secret_access_key = ${SANDBOX_SECRET_ACCESS_KEY}`,
        '[rejected]',
        'aws_access_key_id = ASIAREJECTEDEXAMPLE1',
        `aws_secret_access_key = ${rejectedSecret}`,
        `aws_session_token = ${rejectedToken}`,
      ].join('\n'),
    )
    writeFileSync(join(homeDir, '.aws', 'config'), ['[profile works]', 'region = us-east-1', `endpoint_url = ${s3}`, '[profile rejected]', 'region = us-east-1', `endpoint_url = ${s3}`].join('\n'))
    await harness.services.profiles.reload()
  })
  afterAll(async () => {
    await harness?.close()
  })

  it('covers every operation in the contract', () => {
    expect(Object.keys(sampleInputs('x')).sort()).toEqual(operationNames().sort())
  })

  it('keeps secrets out of every reply, error and event', async () => {
    const context = { senderUrl: 'app://haneul/index.html', signal: new AbortController().signal }
    const outcomes = new Map<string, boolean>()
    const s3Endpoint = harness.services.sandbox.endpoints!.s3
    const run = async (profileId: string, only?: string) => {
      for (const [operation, inputs] of Object.entries(sampleInputs(profileId, s3Endpoint))) {
        if (only && !operation.startsWith(only)) continue
        for (const input of inputs) {
          const result = await harness.services.router.handle(operation, input, context)
          replies.push(result)
          outcomes.set(`${profileId} ${operation}`, (outcomes.get(`${profileId} ${operation}`) ?? false) || result.ok)
        }
      }
    }
    for (const profileId of ['sandbox', 'aws:works', 'aws:rejected']) await run(profileId)
    // The Haneul profiles just added (keys in the vault) are used for every S3 operation too.
    const added = harness.services.profiles.list().profiles.filter((p) => p.source === 'app')
    expect(added.length).toBe(6)
    for (const profile of added) await run(profile.id, 's3.')
    expect(outcomes.get(`${added.find((p) => p.name === 'working-sandbox')!.id} s3.listBuckets`)).toBe(true)
    // The scan means something only if real data came back: the working profiles listed the sandbox.
    expect(outcomes.get('aws:works s3.listBuckets')).toBe(true)
    expect(outcomes.get('sandbox s3.listObjects')).toBe(true)
    expect(outcomes.get('aws:rejected s3.listBuckets')).toBe(false)
    const seen = JSON.stringify({ replies, events: harness.events })
    expect(seen).toContain('haneul-demo-site')
    expect(seen).toContain('credentials-invalid')
    for (const secret of secrets) expect(seen).not.toContain(secret)
  })

  it('keeps secrets out of every file Haneul wrote (settings, sandbox state)', () => {
    const files: string[] = []
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name)
        if (statSync(path).isDirectory()) walk(path)
        else files.push(path)
      }
    }
    walk(harness.dataDir)
    expect(files.length).toBeGreaterThan(0)
    for (const file of files) {
      const content = readFileSync(file, 'latin1')
      for (const secret of secrets) expect(content.includes(secret), `${file} contains a secret`).toBe(false)
    }
  })
})
