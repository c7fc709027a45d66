/**
 * The sandbox's metric sources in one call, for the server list: CloudFront metrics from the traffic
 * model the seeded log files were written from (its window is read from the seeded store, so metrics
 * agree with the logs after any restart), and S3 storage metrics from the store's contents.
 */
import type { S3Store } from '../s3/index'
import { seededTrafficModel } from '../seed'
import { cloudFrontMetrics } from './cloudfront-metrics'
import { s3StorageMetrics, s3StoreContents } from './s3-metrics'
import type { MetricSource } from './series'

export interface SandboxSourcesOptions {
  s3Store: S3Store
  /** The CloudFront emulator's `monitoringSince`. */
  monitoringSince(distributionId: string): number | undefined
}

export function sandboxMetricSources({ s3Store, monitoringSince }: SandboxSourcesOptions): MetricSource[] {
  let cloudFront: MetricSource | undefined
  // Built on first use: the store may be seeded after the sources are made.
  const lazyCloudFront: MetricSource = {
    series: (nowMs) => {
      if (!cloudFront) {
        const model = seededTrafficModel(s3Store)
        if (!model) return []
        cloudFront = cloudFrontMetrics({ traffic: [model], monitoringSince })
      }
      return cloudFront.series(nowMs)
    },
  }
  return [lazyCloudFront, s3StorageMetrics(s3StoreContents(s3Store))]
}
