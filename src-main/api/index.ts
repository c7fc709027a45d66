/**
 * The whole renderer↔main contract: every callable operation, by service. Adding an operation here is
 * the only way to make it callable; the router, preload and test bridge all derive from this object.
 */
import { appApi } from './app'
import { cloudfrontApi } from './cloudfront'
import { codepipelineApi } from './codepipeline'
import { costsApi } from './costs'
import { jobsApi } from './jobs'
import { profilesApi } from './profiles'
import { publishApi } from './publish'
import { route53Api } from './route53'
import { s3Api } from './s3'
import { siteApi } from './site'
import { transfersApi } from './transfers'
import type { InputOf, OutputOf, Result } from './contract'
import type { AppEvent } from './events'

export const contract = {
  app: appApi,
  profiles: profilesApi,
  s3: s3Api,
  jobs: jobsApi,
  transfers: transfersApi,
  cloudfront: cloudfrontApi,
  route53: route53Api,
  codepipeline: codepipelineApi,
  costs: costsApi,
  site: siteApi,
  publish: publishApi,
} as const

export type Contract = typeof contract
export type ServiceName = keyof Contract
export type OperationName = {
  [S in ServiceName]: `${S}.${Extract<keyof Contract[S], string>}`
}[ServiceName]

/** What `window.haneul` looks like: one function per operation, plus cancellation and events. */
export type HaneulBridge = {
  [S in ServiceName]: {
    [O in keyof Contract[S]]: (input: InputOf<Contract[S][O]>, requestId?: string) => Promise<Result<OutputOf<Contract[S][O]>>>
  }
} & {
  /** Aborts the long operation started with this request id. */
  cancel(requestId: string): void
  /** Subscribes to main's events; returns the unsubscribe function. */
  onEvent(listener: (event: AppEvent) => void): () => void
}

export type { AppEvent } from './events'
export type { ApiError, ErrorCode, Result } from './contract'
