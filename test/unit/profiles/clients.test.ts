/**
 * AwsClients: one client per (profile, service, region asked for), one keep-alive pool per profile
 * shared by all its services, the service list's signing rules, and the sandbox never falling through
 * to real AWS for a service it does not emulate.
 */
import { describe, expect, it } from 'vitest'
import { toApiError } from '../../../src-main/core/errors'
import { AwsClients, type ProfileResolver } from '../../../src-main/profiles/clients'
import type { ResolvedProfile } from '../../../src-main/profiles/profile-service'

const resolved = (source: 'sandbox' | 'aws-config', endpoints: ResolvedProfile['endpoints']): ResolvedProfile => ({
  summary: {
    id: source === 'sandbox' ? 'sandbox' : 'aws:work',
    name: 'x',
    kind: source === 'sandbox' ? 'sandbox' : 'static',
    source,
    needsMfa: false,
  },
  region: 'eu-west-1',
  credentials: async () => ({ accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'secret' }),
  endpoints,
  forcePathStyle: true,
})

function clientsFor(profiles: Record<string, ResolvedProfile>) {
  let resolves = 0
  const resolver: ProfileResolver = {
    resolve: async (id) => {
      resolves++
      const profile = profiles[id]
      if (!profile) throw new Error(`no profile ${id}`)
      return profile
    },
  }
  return { clients: new AwsClients(resolver), resolves: () => resolves }
}

describe('AwsClients', () => {
  it('signs global services for us-east-1, regional ones for the profile’s region or the one asked for', async () => {
    const { clients } = clientsFor({ 'aws:work': resolved('aws-config', {}) })
    expect(await (await clients.client('aws:work', 'cloudfront')).config.region()).toBe('us-east-1')
    expect(await (await clients.client('aws:work', 'route53')).config.region()).toBe('us-east-1')
    expect(await (await clients.client('aws:work', 'codepipeline')).config.region()).toBe('eu-west-1')
    // S3 storage metrics live in the bucket's region.
    expect(await (await clients.client('aws:work', 'cloudwatch', 'ap-northeast-2')).config.region()).toBe('ap-northeast-2')
    // A global service ignores the region asked for.
    expect(await (await clients.client('aws:work', 'route53', 'ap-northeast-2')).config.region()).toBe('us-east-1')
  })

  it('caches per profile, service and region; shares one pool per profile; forget starts afresh', async () => {
    const { clients, resolves } = clientsFor({ 'aws:work': resolved('aws-config', { s3: 'http://127.0.0.1:9000' }) })
    const s3 = await clients.s3('aws:work')
    expect(await clients.client('aws:work', 's3')).toBe(s3)
    const sts = await clients.client('aws:work', 'sts')
    expect(sts.config.requestHandler).toBe(s3.config.requestHandler)
    expect(await clients.client('aws:work', 'cloudwatch', 'us-east-1')).not.toBe(
      await clients.client('aws:work', 'cloudwatch', 'eu-west-1'),
    )
    expect((await s3.config.endpoint?.())?.hostname).toBe('127.0.0.1')
    const before = resolves()
    clients.forget('aws:work')
    const fresh = await clients.s3('aws:work')
    expect(fresh).not.toBe(s3)
    expect(fresh.config.requestHandler).not.toBe(s3.config.requestHandler)
    expect(resolves()).toBe(before + 1)
  })

  it('refuses a sandbox service that has no emulator instead of calling real AWS, and does not cache failures', async () => {
    const { clients } = clientsFor({ sandbox: resolved('sandbox', { s3: 'http://127.0.0.1:1', sts: 'http://127.0.0.1:2' }) })
    const error = await clients.client('sandbox', 'cloudfront').catch((e: unknown) => e)
    expect(toApiError(error)).toMatchObject({ code: 'unsupported', message: expect.stringMatching(/sandbox has no CloudFront/) })
    await expect(clients.client('nobody', 's3')).rejects.toThrow('no profile nobody')
    await expect(clients.client('nobody', 's3')).rejects.toThrow('no profile nobody')
  })
})
