/**
 * SDK clients per profile, built on demand and reused (one connection pool per profile). Only this file
 * knows how a profile becomes client configuration.
 */
import { Agent as HttpAgent } from 'node:http'
import { Agent as HttpsAgent } from 'node:https'
import { S3Client } from '@aws-sdk/client-s3'
import { NodeHttpHandler } from '@smithy/node-http-handler'
import { guardObjectRequests } from '../s3/request-guard'
import type { ProfileService, ResolvedProfile } from './profile-service'

export interface ClientOptions {
  /** Sockets per profile; the transfer scheduler's concurrency fits under this. */
  maxSockets: number
  connectionTimeoutMs: number
  /** A socket silent this long is treated as stalled. */
  socketTimeoutMs: number
}

/** How long a replaced client keeps its sockets for requests still running on it. */
const RETIRED_CLIENT_GRACE_MS = 10 * 60_000

export const defaultClientOptions: ClientOptions = { maxSockets: 64, connectionTimeoutMs: 5_000, socketTimeoutMs: 60_000 }

export class AwsClients {
  private readonly s3Clients = new Map<string, Promise<S3Client>>()

  constructor(
    private readonly profiles: ProfileService,
    private readonly options: ClientOptions = defaultClientOptions,
  ) {}

  s3(profileId: string): Promise<S3Client> {
    let client = this.s3Clients.get(profileId)
    if (!client) {
      // Guarded: an object request with an empty key must never go out as a bucket request.
      client = this.profiles.resolve(profileId).then((profile) => guardObjectRequests(this.createS3(profile)))
      // A failed resolve (sandbox down, broken profile) must not be cached.
      client.catch(() => this.s3Clients.delete(profileId))
      this.s3Clients.set(profileId, client)
    }
    return client
  }

  /** Drops cached clients, e.g. after the profile's configuration changed. */
  forget(profileId?: string): void {
    for (const [id, client] of this.s3Clients) {
      if (profileId === undefined || id === profileId) {
        // New work gets a new client at once; requests already on the old one finish before it is closed.
        const timer = setTimeout(
          () =>
            void client.then(
              (c) => c.destroy(),
              () => {},
            ),
          RETIRED_CLIENT_GRACE_MS,
        )
        timer.unref?.()
        this.s3Clients.delete(id)
      }
    }
  }

  private requestHandler(): NodeHttpHandler {
    const agentOptions = { keepAlive: true, maxSockets: this.options.maxSockets }
    return new NodeHttpHandler({
      httpAgent: new HttpAgent(agentOptions),
      httpsAgent: new HttpsAgent(agentOptions),
      connectionTimeout: this.options.connectionTimeoutMs,
      socketTimeout: this.options.socketTimeoutMs,
    })
  }

  private createS3(profile: ResolvedProfile): S3Client {
    return new S3Client({
      region: profile.region,
      credentials: profile.credentials,
      endpoint: profile.endpoints.s3,
      forcePathStyle: profile.forcePathStyle,
      // Buckets in other regions answer with a redirect; follow it instead of failing.
      followRegionRedirects: true,
      requestHandler: this.requestHandler(),
      maxAttempts: 3,
    })
  }
}
