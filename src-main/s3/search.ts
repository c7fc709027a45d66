/**
 * Bounded deep search: walks every key under a prefix (flat ListObjectsV2) and keeps those whose name
 * below the prefix contains the query. It stops at maxResults matches or maxScanned keys, whichever
 * comes first, and says which, so a bucket with millions of keys never turns into an endless scan.
 */
import type { S3Client } from '@aws-sdk/client-s3'
import type { ObjectSummary } from '../api/s3'
import { listPages, toSummary } from './listing'

/** Matching ignores case and Unicode normal form, so "한글" finds both the NFC and the NFD key; results keep their exact keys. */
const folded = (text: string) => text.normalize('NFC').toLowerCase()

export async function searchObjects(
  client: S3Client,
  input: { bucket: string; prefix: string; query: string; maxResults: number; maxScanned: number },
  signal: AbortSignal,
): Promise<{ objects: ObjectSummary[]; scanned: number; stoppedAt?: 'max-results' | 'max-scanned' }> {
  const query = folded(input.query)
  const objects: ObjectSummary[] = []
  let scanned = 0
  // Never asks for more keys than the scan budget has left.
  for await (const page of listPages(client, input.bucket, input.prefix, signal, () => input.maxScanned - scanned)) {
    for (const [index, object] of page.objects.entries()) {
      scanned++
      if (!folded(object.Key.slice(input.prefix.length)).includes(query)) continue
      objects.push(toSummary(object))
      const unscanned = index < page.objects.length - 1 || page.more
      if (objects.length === input.maxResults) return { objects, scanned, ...(unscanned ? { stoppedAt: 'max-results' as const } : {}) }
    }
    if (page.more && scanned >= input.maxScanned) return { objects, scanned, stoppedAt: 'max-scanned' }
  }
  return { objects, scanned }
}
