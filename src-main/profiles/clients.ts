/**
 * SDK clients per profile and service, built on demand and reused: one cache, one keep-alive pool per
 * profile shared by all its services' clients, one `forget`. Only this file knows how a resolved profile
 * becomes client configuration: the service's endpoint override, the region it signs for (global
 * services sign for us-east-1; a call may ask for another region, e.g. a bucket's for its metrics).
 */
import { Agent as HttpAgent } from 'node:http'
import { Agent as HttpsAgent } from 'node:https'
import type { S3Client } from '@aws-sdk/client-s3'
import { NodeHttpHandler } from '@smithy/node-http-handler'
import { awsServices, signingRegion, type AwsServiceSpec } from '../api/services'
import { HaneulError } from '../core/errors'
import type { ResolvedProfile } from './profile-service'
import { sdkClients, type ClientFactory, type SdkClient, type SdkClients } from './sdk-clients'

export interface ClientOptions {
  /** Sockets per profile, for all its services; the transfer scheduler's concurrency fits under this. */
  maxSockets: number
  connectionTimeoutMs: number
  /** A socket silent this long is treated as stalled. */
  socketTimeoutMs: number
}

/** How long a replaced client keeps its sockets for requests still running on it. */
const RETIRED_CLIENT_GRACE_MS = 10 * 60_000

export const defaultClientOptions: ClientOptions = { maxSockets: 64, connectionTimeoutMs: 5_000, socketTimeoutMs: 60_000 }

export interface ProfileResolver {
  resolve(profileId: string): Promise<ResolvedProfile>
}

export interface AwsClientsOptions<F extends Record<string, ClientFactory>> {
  /** One factory per service id; the app's SDK clients unless a test adds a service. */
  factories?: F
  /** The service list the factories belong to (signing rules, labels). */
  services?: readonly AwsServiceSpec[]
  client?: ClientOptions
}

type ClientOf<F extends Record<string, ClientFactory>, K extends keyof F> = Awaited<ReturnType<F[K]>>

interface ProfileClients {
  pool: NodeHttpHandler
  clients: Map<string, Promise<SdkClient>>
}

export class AwsClients<F extends Record<string, ClientFactory> = SdkClients> {
  private readonly byProfile = new Map<string, ProfileClients>()
  private readonly factories: F
  private readonly services: readonly AwsServiceSpec[]
  private readonly options: ClientOptions

  constructor(
    private readonly profiles: ProfileResolver,
    options: AwsClientsOptions<F> = {},
  ) {
    this.factories = options.factories ?? (sdkClients as unknown as F)
    this.services = options.services ?? awsServices
    this.options = options.client ?? defaultClientOptions
  }

  /**
   * The profile's client for a service. `region` is for regional services whose call belongs to another
   * region than the profile's (S3 storage metrics live in the bucket's region); global ones ignore it.
   */
  client<K extends keyof F & string>(profileId: string, service: K, region?: string): Promise<ClientOf<F, K>> {
    const spec = this.services.find((s) => s.id === service)
    if (!spec) return Promise.reject(new Error(`"${service}" is not in the service list`))
    let entry = this.byProfile.get(profileId)
    if (!entry) {
      entry = { pool: this.pool(), clients: new Map() }
      this.byProfile.set(profileId, entry)
    }
    const key = `${service}\n${region ?? ''}`
    let client = entry.clients.get(key)
    if (!client) {
      const { pool, clients } = entry
      client = this.profiles.resolve(profileId).then((profile) => this.create(profile, spec, pool, region))
      // A failed resolve (sandbox down, broken profile) must not be cached.
      client.catch(() => {
        if (clients.get(key) === client) clients.delete(key)
      })
      clients.set(key, client)
    }
    return client as Promise<ClientOf<F, K>>
  }

  /** The profile's S3 client (what the storage browser and the transfer engine use). */
  s3(profileId: string): Promise<S3Client> {
    return (this as unknown as AwsClients).client(profileId, 's3')
  }

  /** Drops cached clients and the pool of a profile (or of all), e.g. after its configuration changed. */
  forget(profileId?: string): void {
    for (const [id, entry] of this.byProfile) {
      if (profileId !== undefined && id !== profileId) continue
      this.byProfile.delete(id)
      // New work gets new clients at once; requests already on the old ones finish before they are closed.
      const timer = setTimeout(() => {
        for (const client of entry.clients.values())
          void client.then(
            (c) => c.destroy(),
            () => {},
          )
        entry.pool.destroy()
      }, RETIRED_CLIENT_GRACE_MS)
      timer.unref?.()
    }
  }

  private pool(): NodeHttpHandler {
    const agentOptions = { keepAlive: true, maxSockets: this.options.maxSockets }
    return new NodeHttpHandler({
      httpAgent: new HttpAgent(agentOptions),
      httpsAgent: new HttpsAgent(agentOptions),
      connectionTimeout: this.options.connectionTimeoutMs,
      socketTimeout: this.options.socketTimeoutMs,
    })
  }

  private create(profile: ResolvedProfile, spec: AwsServiceSpec, pool: NodeHttpHandler, region?: string): Promise<SdkClient> {
    const endpoint = (profile.endpoints as Record<string, string | undefined>)[spec.id]
    // The sandbox must never fall through to real AWS for a service it does not emulate (yet).
    if (!endpoint && profile.summary.source === 'sandbox') {
      throw new HaneulError('unsupported', `The sandbox has no ${spec.label} yet; use an AWS profile for it.`)
    }
    const factory = this.factories[spec.id] as ClientFactory
    return factory({
      region: signingRegion(spec, region ?? profile.region),
      credentials: profile.credentials,
      endpoint,
      forcePathStyle: profile.forcePathStyle,
      requestHandler: pool,
      maxAttempts: 3,
    })
  }
}
