/** Route 53 alias targets that are AWS services, shared by the app and the sandbox's Route 53. */

/** Every CloudFront distribution's hosted zone (developer guide, "Routing traffic to a CloudFront distribution"). */
export const CLOUDFRONT_HOSTED_ZONE_ID = 'Z2FDTNDATAQYW2'

export type AliasKind = 'cloudfront' | 's3-website' | 'record' | 'other'

/** What an alias points at, from its target: a distribution, a bucket's website endpoint, a record of a zone of the account, or another AWS target. */
export function aliasKind(target: { HostedZoneId?: string; DNSName?: string }, zoneIdsOfAccount: ReadonlySet<string>): AliasKind {
  const dnsName = (target.DNSName ?? '').toLowerCase()
  if (target.HostedZoneId === CLOUDFRONT_HOSTED_ZONE_ID || dnsName.endsWith('.cloudfront.net.')) return 'cloudfront'
  if (/(^|\.)s3-website[.-]/.test(dnsName)) return 's3-website'
  if (target.HostedZoneId && zoneIdsOfAccount.has(target.HostedZoneId)) return 'record'
  return 'other'
}
