/**
 * Messages between the costs module (main thread) and its scan worker (worker_threads). The worker
 * holds the scans (aggregator, object table, position) and makes every listing request with its own
 * S3 client; main sends what the client needs (no secrets: credentials are asked for when the SDK
 * needs them, and answered from the profile's own provider), and gets back only small messages:
 * progress counts, the bounded summary, what-if answers.
 */
import type { AwsCredentialIdentity } from '@aws-sdk/types'
import type { LifecycleRule } from '@aws-sdk/client-s3'
import type { ApiError } from '../api/contract'
import type { ScanOrigin } from '../api/costs'
import type { ScanSummary } from './scan-aggregator'
import type { PrefixScan } from './prefix-scan'
import type { LifecycleRuleEffect, PlanResult, TransitionDefaultMinimumObjectSize, WhatIfRule } from './what-if'

/** The S3 client's configuration, as main's client for the profile has it (credentials apart). */
export interface WorkerClientSettings {
  region: string
  /** A custom endpoint (the sandbox, an S3-compatible store); absent for AWS's own. */
  endpoint?: string
  forcePathStyle: boolean
  followRegionRedirects: boolean
  maxAttempts: number
  /** The app's socket timeouts (profiles/clients.ts). */
  connectionTimeoutMs: number
  socketTimeoutMs: number
}

/** What a new scan starts from: the scan's own identity fields, shared with `PrefixScan`. */
export type NewScanFields = Pick<PrefixScan, 'id' | 'profileId' | 'bucket' | 'prefix' | 'versions' | 'book' | 'nowMs'>

export type ToScanWorker =
  | {
      type: 'run'
      callId: number
      scanId: string
      /** A new scan (absent: resume the kept one). */
      create?: NewScanFields
      /** A new scan first looks for an inventory report: 'optional' falls back to listing, 'required' fails. */
      inventory?: 'optional' | 'required'
      client: WorkerClientSettings
      pageSize: number
    }
  | { type: 'cancel'; scanId: string }
  | { type: 'drop'; scanId: string }
  | {
      type: 'whatIf'
      callId: number
      scanId: string
      rule: WhatIfRule
      nowMs: number
      transitionDefaultMinimumObjectSize?: TransitionDefaultMinimumObjectSize
      /** The bucket's lifecycle rules, as main read them. */
      rules: LifecycleRule[]
    }
  | { type: 'credentials'; callId: number; identity?: AwsCredentialIdentity; error?: ApiError }

/** Where a scan is, after a run: what main needs for the contract's ScanResult. */
export interface ScanState {
  summary: ScanSummary
  from: ScanOrigin
  listed: { objects: number; bytes: number }
  phase: 'objects' | 'uploads' | 'done'
  afterKey?: string
  /** The object table's memory. */
  tableBytes: number
}

export type FromScanWorker =
  | { type: 'progress'; scanId: string; objects: number; bytes: number }
  /** A run ended: `error` when it stopped early (the scan keeps its position unless main drops it). */
  | { type: 'ran'; callId: number; state?: ScanState; error?: ApiError }
  | { type: 'whatIf'; callId: number; answer?: { result: PlanResult; existingRules: LifecycleRuleEffect[] }; error?: ApiError }
  /** The worker's S3 client needs credentials (first use, or the last ones are about to expire). */
  | { type: 'credentials'; callId: number; scanId: string }
