/**
 * Non-ASCII metadata end to end: Haneul writes `author: 김철수` RFC 2047-encoded (HTTP headers are ASCII),
 * the sandbox decodes and stores it as S3 does, Haneul reads it back decoded, and the aws CLI — which
 * shows header values as they travel — sees the encoded-word S3 returns. A non-ASCII file name in
 * Content-Disposition goes out as RFC 6266 `filename*`.
 */
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ObjectDetails } from '../../../src-main/api/s3'
import { SANDBOX_ACCESS_KEY_ID, SANDBOX_SECRET_ACCESS_KEY } from '../../../src-main/sandbox/credentials'
import { serverObject, startWorld, type S3World } from '../../helpers/s3-world'

const run = promisify(execFile)
const site = 'haneul-demo-site'

describe('Korean metadata', () => {
  let world: S3World
  beforeAll(async () => {
    world = await startWorld()
  })
  afterAll(async () => {
    await world?.close()
  })

  async function awsHeadObject(key: string): Promise<{ Metadata?: Record<string, string>; ContentDisposition?: string }> {
    const { stdout } = await run(
      'aws',
      ['--endpoint-url', world.sandbox.endpoints.s3!, 's3api', 'head-object', '--bucket', site, '--key', key, '--output', 'json'],
      {
        env: {
          PATH: process.env.PATH,
          HOME: world.harness.homeDir,
          AWS_ACCESS_KEY_ID: SANDBOX_ACCESS_KEY_ID,
          AWS_SECRET_ACCESS_KEY: SANDBOX_SECRET_ACCESS_KEY,
          AWS_DEFAULT_REGION: 'us-east-1',
          AWS_CONFIG_FILE: '/dev/null',
          AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
        },
      },
    )
    return JSON.parse(stdout) as { Metadata?: Record<string, string>; ContentDisposition?: string }
  }

  it('writes, stores, reads back and shows raw a Korean metadata value and file name', async () => {
    const details = await world.ok<ObjectDetails>('s3.updateMetadata', {
      profileId: 'aws:main',
      bucket: site,
      key: 'robots.txt',
      system: { contentDisposition: 'attachment; filename="보고서 2026.pdf"' },
      // A value that merely looks like an encoded-word must come back exactly as typed, too.
      metadata: { author: '김철수', note: 'plain ascii', literal: '=?UTF-8?B?not-decoded?=' },
    })
    // Through Haneul: decoded, as typed.
    expect(details.metadata).toEqual({ author: '김철수', note: 'plain ascii', literal: '=?UTF-8?B?not-decoded?=' })
    const again = await world.ok<ObjectDetails>('s3.objectDetails', { profileId: 'aws:main', bucket: site, key: 'robots.txt' })
    expect(again.metadata.author).toBe('김철수')
    // The store holds the decoded text, as S3 does.
    expect(serverObject(world, site, 'robots.txt')?.metadata.author).toBe('김철수')

    // As it travels: the aws CLI shows S3's RFC 2047 encoded-word, which decodes to the name.
    const head = await awsHeadObject('robots.txt')
    expect(head.Metadata?.author).toBe(`=?UTF-8?B?${Buffer.from('김철수').toString('base64')}?=`)
    expect(head.Metadata?.note).toBe('plain ascii')
    expect(head.ContentDisposition).toBe(`attachment; filename="___ 2026.pdf"; filename*=UTF-8''${encodeURIComponent('보고서 2026.pdf')}`)
  })

  it('refuses a non-ASCII metadata name, and keeps a Korean value through a storage-class change', async () => {
    const result = await world.call('s3.updateMetadata', {
      profileId: 'aws:main',
      bucket: site,
      key: 'css/print.css',
      system: {},
      metadata: { 작성자: 'x' },
    })
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'bad-request', message: expect.stringContaining('metadata names may contain only') },
    })

    await world.ok('s3.updateMetadata', {
      profileId: 'aws:main',
      bucket: site,
      key: 'css/print.css',
      system: {},
      metadata: { author: '이영희 ✍️' },
    })
    const moved = await world.ok<ObjectDetails>('s3.changeStorageClass', {
      profileId: 'aws:main',
      bucket: site,
      key: 'css/print.css',
      storageClass: 'STANDARD_IA',
    })
    expect(moved.storageClass).toBe('STANDARD_IA')
    expect(moved.metadata.author).toBe('이영희 ✍️')
    expect(serverObject(world, site, 'css/print.css')?.metadata.author).toBe('이영희 ✍️')
  })
})
