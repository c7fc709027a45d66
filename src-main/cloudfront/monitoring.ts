/**
 * Additional metrics: a distribution's monitoring subscription (Get/Create/DeleteMonitoringSubscription,
 * the plural `/distributions/{Id}/monitoring-subscription` path).
 *
 * Price: the subscription adds 8 metrics (CacheHitRate, OriginLatency, 401/403/404/502/503/504ErrorRate;
 * viewing-cloudfront-metrics.md, AWS-FACTS.md §A2), each billed as a CloudWatch custom metric. CloudWatch's
 * rate for the first 10,000 metrics is $0.30 per metric-month (https://aws.amazon.com/cloudwatch/pricing/,
 * "Metrics"; checked 2026-12-03). The costs price book (src-main/costs/prices.ts) has no CloudWatch rates,
 * so the figure lives here, with its date.
 */
import {
  CreateMonitoringSubscriptionCommand,
  DeleteMonitoringSubscriptionCommand,
  GetMonitoringSubscriptionCommand,
  type CloudFrontClient,
} from '@aws-sdk/client-cloudfront'
import { rethrowExplained } from './errors'

export const ADDITIONAL_METRIC_COUNT = 8
export const CLOUDWATCH_USD_PER_METRIC_MONTH = 0.3
export const CLOUDWATCH_PRICE_DATE = '2026-12-03'

const isNamed = (error: unknown, name: string) => typeof error === 'object' && error !== null && (error as { name?: string }).name === name

export async function additionalMetricsEnabled(client: CloudFrontClient, distributionId: string, signal?: AbortSignal): Promise<boolean> {
  try {
    const reply = await client.send(new GetMonitoringSubscriptionCommand({ DistributionId: distributionId }), { abortSignal: signal })
    return reply.MonitoringSubscription?.RealtimeMetricsSubscriptionConfig?.RealtimeMetricsSubscriptionStatus === 'Enabled'
  } catch (error) {
    if (isNamed(error, 'NoSuchMonitoringSubscription')) return false
    return rethrowExplained(error)
  }
}

export async function monitoring(client: CloudFrontClient, distributionId: string) {
  return {
    additionalMetrics: await additionalMetricsEnabled(client, distributionId),
    metricCount: ADDITIONAL_METRIC_COUNT,
    monthlyUsd: Math.round(ADDITIONAL_METRIC_COUNT * CLOUDWATCH_USD_PER_METRIC_MONTH * 100) / 100,
  }
}

/** Turns the additional metrics on (a subscription with status Enabled) or off (no subscription). */
export async function setAdditionalMetrics(
  client: CloudFrontClient,
  distributionId: string,
  enabled: boolean,
): Promise<{ additionalMetrics: boolean }> {
  if (!enabled) {
    try {
      await client.send(new DeleteMonitoringSubscriptionCommand({ DistributionId: distributionId }))
    } catch (error) {
      // Already off.
      if (!isNamed(error, 'NoSuchMonitoringSubscription')) rethrowExplained(error)
    }
    return { additionalMetrics: false }
  }
  const create = () =>
    client.send(
      new CreateMonitoringSubscriptionCommand({
        DistributionId: distributionId,
        MonitoringSubscription: { RealtimeMetricsSubscriptionConfig: { RealtimeMetricsSubscriptionStatus: 'Enabled' } },
      }),
    )
  try {
    await create()
  } catch (error) {
    if (!isNamed(error, 'MonitoringSubscriptionAlreadyExists')) rethrowExplained(error)
    // A subscription exists; if it is a disabled one, replace it with an enabled one.
    if (!(await additionalMetricsEnabled(client, distributionId))) {
      await client.send(new DeleteMonitoringSubscriptionCommand({ DistributionId: distributionId })).catch(rethrowExplained)
      await create().catch(rethrowExplained)
    }
  }
  return { additionalMetrics: true }
}
