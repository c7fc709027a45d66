/**
 * Route 53's ChangeResourceRecordSets limits: at most 1,000 ResourceRecord elements and 32,000
 * characters across all Values in one request, an UPSERT counting twice toward both.
 */
import type { Change } from '@aws-sdk/client-route-53'

export const MAX_BATCH_RESOURCE_RECORDS = 1000
export const MAX_BATCH_VALUE_CHARS = 32000

export interface BatchSize {
  resourceRecords: number
  valueChars: number
}

export function changeSize(change: Change): BatchSize {
  const factor = change.Action === 'UPSERT' ? 2 : 1
  const records = change.ResourceRecordSet?.ResourceRecords ?? []
  return {
    resourceRecords: factor * records.length,
    valueChars: factor * records.reduce((sum, r) => sum + (r.Value ?? '').length, 0),
  }
}

export function batchSize(changes: Change[]): BatchSize {
  return changes
    .map(changeSize)
    .reduce((a, b) => ({ resourceRecords: a.resourceRecords + b.resourceRecords, valueChars: a.valueChars + b.valueChars }), {
      resourceRecords: 0,
      valueChars: 0,
    })
}

export function withinLimits(size: BatchSize): boolean {
  return size.resourceRecords <= MAX_BATCH_RESOURCE_RECORDS && size.valueChars <= MAX_BATCH_VALUE_CHARS
}
