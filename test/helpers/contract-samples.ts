/**
 * One valid input (or a few) for every operation of the contract, against the sandbox's seeded
 * buckets. Shared by the tests that must touch every operation — the secrets scan and the contract
 * sweep — so an operation added to the contract needs its sample once, here.
 */
import { SANDBOX_ACCESS_KEY_ID, SANDBOX_SECRET_ACCESS_KEY } from '../../src-main/sandbox/credentials'

export const addedSecret = 'added-profile-secret-0123456789abcdefghij'
export const addedToken = 'added-profile-session-token-0123456789'
export const site = 'haneul-demo-site'

/** A valid input for every operation; the tests fail if an operation is added without one here. */
export function sampleInputs(profileId: string, s3Endpoint: string, run: number): Record<string, unknown[]> {
  const bucket = { profileId, bucket: site }
  const siteRelease = { profileId, pipeline: 'site-release' }
  const docs = { profileId, pipeline: 'docs-build' }
  const noExecution = '00000000-0000-4000-8000-000000000000'
  const zoneName = 'haneul-demo.example.'
  const zone = { profileId, zoneId: 'Z0HANEULDEMO0001' }
  const demo = { profileId, distributionId: 'E2HANEULDEMO01' }
  const staging = { profileId, distributionId: 'E3HANEULSTAGE2' }
  return {
    'app.info': [{}],
    'app.storageClasses': [{ region: 'us-east-1' }],
    'app.copyText': [{ text: 'hello' }],
    'app.openExternal': [{ url: 'https://docs.aws.amazon.com/s3/' }, { url: 'https://evil.example/' }],
    'profiles.list': [{}],
    'profiles.setActive': [{ profileId }],
    'profiles.reload': [{}],
    'profiles.secretStorage': [{}],
    'profiles.add': [
      {
        name: `added-${run}`,
        region: 'us-east-1',
        accessKeyId: 'AKIAADDEDEXAMPLE0001',
        secret: addedSecret,
        sessionToken: addedToken,
        endpoint: s3Endpoint,
        endpoints: { cloudfront: s3Endpoint },
      },
      {
        name: `working-${run}`,
        region: 'us-east-1',
        accessKeyId: SANDBOX_ACCESS_KEY_ID,
        secret: SANDBOX_SECRET_ACCESS_KEY,
        endpoint: s3Endpoint,
      },
    ],
    'profiles.update': [
      { profileId, region: 'us-west-2' },
      { profileId, endpoint: s3Endpoint, accessKeyId: SANDBOX_ACCESS_KEY_ID, secret: SANDBOX_SECRET_ACCESS_KEY },
    ],
    'profiles.remove': [{ profileId: 'app:does-not-exist' }],
    'profiles.pendingMfa': [{}],
    'profiles.submitMfa': [{ promptId: 'nope', code: '123456' }],
    'profiles.cancelMfa': [{ promptId: 'nope' }],
    'profiles.signIn': [{ profileId }],
    's3.listBuckets': [{ profileId }, { profileId, source: 'cache' }],
    's3.listObjects': [
      { ...bucket },
      { ...bucket, prefix: 'blog/', delimiter: '/', pageSize: 5 },
      { profileId, bucket: 'no-such-bucket-here' },
    ],
    's3.createBucket': [{ profileId, bucket: `secret-test-${run}`, region: 'us-east-1' }],
    's3.deleteBucket': [{ profileId, bucket: `secret-test-${run}`, confirm: `secret-test-${run}` }],
    's3.bucketInfo': [{ ...bucket }],
    's3.searchObjects': [{ ...bucket, query: 'index' }],
    's3.listVersions': [{ ...bucket, prefix: 'css/' }],
    's3.objectDetails': [{ ...bucket, key: 'index.html' }],
    's3.updateMetadata': [{ ...bucket, key: 'robots.txt', system: { cacheControl: 'max-age=60' }, metadata: { run: String(run) } }],
    's3.putTags': [{ ...bucket, key: 'robots.txt', tags: { run: String(run) } }],
    's3.changeStorageClass': [{ ...bucket, key: 'css/print.css', storageClass: run % 2 ? 'STANDARD_IA' : 'STANDARD' }],
    's3.restoreObject': [{ ...bucket, key: 'archive/releases/site-v1.1.0.zip', days: 1, tier: 'Standard' }],
    's3.presignGet': [{ ...bucket, key: 'index.html', expiresInSeconds: 60, copyToClipboard: true }],
    's3.createFolder': [{ ...bucket, prefix: `secret-test-${run}/` }],
    's3.copy': [
      { ...bucket, keys: ['robots.txt'], destination: { profileId, bucket: site, prefix: `copies-${run}/` }, onConflict: 'overwrite' },
    ],
    's3.move': [
      { ...bucket, keys: ['no-such-key.txt'], destination: { profileId, bucket: site, prefix: 'moved/' }, onConflict: 'overwrite' },
    ],
    's3.rename': [{ ...bucket, key: 'robots.txt', newKey: 'robots.txt.bak' }],
    's3.delete': [{ ...bucket, keys: ['no-such-key.txt'] }],
    's3.countPrefix': [{ ...bucket, prefixes: ['blog/'] }],
    's3.listMultipartUploads': [{ ...bucket }],
    's3.abortMultipartUploads': [{ ...bucket, uploads: [{ key: 'x', uploadId: 'nope' }] }],
    's3.addAbortIncompleteRule': [{ ...bucket, days: 7 }],
    'jobs.list': [{}],
    'jobs.cancel': [{ jobId: 'nope' }],
    'jobs.watches': [{}],
    'jobs.cancelWatch': [{ watchId: 'nope' }],
    'transfers.list': [{}],
    'transfers.settings': [{}],
    'transfers.updateSettings': [{ concurrency: 10, partSizeMiB: 8, maxBandwidthMiBps: 0 }],
    'transfers.chooseFiles': [{}],
    'transfers.planUpload': [{ dropId: 'nope', ...bucket, prefix: '' }],
    'transfers.startUpload': [{ dropId: 'nope', ...bucket, prefix: '', onConflict: 'skip' }],
    'transfers.download': [{ ...bucket, keys: ['index.html'] }],
    'transfers.pause': [{ jobId: 'nope' }],
    'transfers.resume': [{ jobId: 'nope' }],
    'transfers.retry': [{ jobId: 'nope' }],
    'transfers.cancel': [{ jobId: 'nope' }],
    'transfers.clearFinished': [{}],
    'transfers.showInFolder': [{ jobId: 'nope' }],
    'transfers.dragOut': [{ ...bucket, key: 'index.html' }],
    // The V1 docs pipeline for anything that writes, so the demo's waiting approval stays for the other tests.
    'codepipeline.listPipelines': [{ profileId }, { profileId, source: 'cache' }],
    'codepipeline.pipeline': [{ ...siteRelease }, { profileId, pipeline: 'no-such-pipeline' }],
    'codepipeline.executions': [{ ...siteRelease }, { ...siteRelease, status: 'Failed' }],
    'codepipeline.timeline': [{ ...siteRelease, executionId: noExecution }],
    'codepipeline.stageDurations': [{ ...docs, runs: 3 }],
    'codepipeline.start': [{ ...docs }],
    'codepipeline.stop': [{ ...docs, executionId: noExecution, abandon: false, confirm: true }],
    'codepipeline.retryStage': [{ ...docs, stage: 'Build', executionId: noExecution, mode: 'FAILED_ACTIONS' }],
    'codepipeline.setTransition': [{ ...docs, stage: 'Build', enabled: true }],
    'codepipeline.answerApproval': [{ ...docs, stage: 'Build', action: 'NoSuchApproval', approve: false, comment: 'sweep' }],
    'codepipeline.pendingApprovals': [{}],
    'codepipeline.watchApprovals': [{ profileId, pipelines: 'all', enabled: true }],
    'route53.listZones': [{ profileId }, { profileId, source: 'cache' }],
    'route53.listRecords': [{ ...zone }, { profileId, zoneId: 'Z0NOSUCHZONE000' }],
    'route53.checkRecord': [
      { zoneName: zoneName, set: { Name: `www.${zoneName}`, Type: 'A', TTL: 60, ResourceRecords: [{ Value: '192.0.2.1' }] } },
    ],
    'route53.draft': [{ ...zone }],
    'route53.saveDraft': [
      {
        ...zone,
        zoneName,
        edits: [
          {
            kind: 'create',
            after: { Name: `secret-test-${run}.${zoneName}`, Type: 'TXT', TTL: 60, ResourceRecords: [{ Value: `"run ${run}"` }] },
          },
        ],
      },
    ],
    'route53.planDraft': [{ ...zone }],
    'route53.submitDraft': [{ ...zone, planId: 'not-the-plan' }],
    'route53.importZoneFile': [{ ...zone, text: `$ORIGIN ${zoneName}\nsecret-import 300 IN A 192.0.2.9\n` }],
    'route53.exportZoneFile': [{ ...zone }],
    'route53.testAnswer': [{ ...zone, name: `mx1.${zoneName}`, type: 'A' }],
    'route53.listHealthChecks': [{ profileId }],
    'route53.discardDraft': [{ ...zone }],
    // The sandbox's demo distribution, and the disabled staging one for anything that writes.
    'cloudfront.listDistributions': [{ profileId }, { profileId, source: 'cache' }],
    'cloudfront.distribution': [{ ...demo }, { profileId, distributionId: 'ENOSUCHDIST001' }],
    'cloudfront.distributionsForBucket': [{ ...bucket }],
    'cloudfront.listInvalidations': [{ ...demo }],
    'cloudfront.invalidation': [{ ...demo, invalidationId: 'I2HANEULPAST01' }],
    'cloudfront.planInvalidation': [
      { ...demo, paths: ['/index.html', '/문서/a b.html', '/img/*'] },
      { ...demo, objects: { bucket: site, keys: ['index.html'], prefixes: ['css/'] } },
    ],
    'cloudfront.createInvalidation': [{ ...staging, paths: [`/secrets-test-${run}.html`] }],
    'cloudfront.setDistributionEnabled': [{ ...staging, enabled: true, etag: 'ESTALEETAG0001' }],
    'cloudfront.monitoring': [{ ...demo }],
    'cloudfront.setAdditionalMetrics': [{ ...staging, enabled: false, confirm: true }],
    'cloudfront.metrics': [{ ...demo, range: { last: '1h' } }],
    'cloudfront.analyzeLogs': [{ ...demo, fromMs: Date.UTC(2026, 10, 1), toMs: Date.UTC(2026, 10, 2) }],
    // Costs: the demo site's figures; plans and scans by ids that are not (or no longer) kept, so nothing is written.
    'costs.bucketCosts': [{ ...bucket }, { ...bucket, days: 90, source: 'cache' }],
    'costs.scanPrefix': [
      { ...bucket, prefix: 'css/' },
      { ...bucket, versions: true },
      { ...bucket, prefix: 'media/', method: 'inventory' },
    ],
    'costs.whatIf': [{ scanId: noExecution, rule: { prefix: 'css/', olderThanDays: 90, target: 'GLACIER' } }],
    'costs.planLifecycle': [{ ...bucket, ruleId: `sweep-${run}`, rule: { prefix: 'archive/', olderThanDays: 30, target: 'STANDARD_IA' } }],
    'costs.applyLifecycle': [{ ...bucket, planId: noExecution, confirm: true }],
    'costs.restoreLifecycle': [{ ...bucket, planId: noExecution, confirm: true }],
    'costs.prices': [{ region: 'us-east-1' }, { region: 'ap-northeast-2' }],
    // Site: the demo domain's stack; a fix plan for a finding the seed does not have, and a plan id never given.
    'site.domains': [{ profileId }, { profileId, source: 'cache' }],
    'site.map': [
      { profileId, domain: 'haneul-demo.example' },
      { profileId, domain: 'nothing-here.example', source: 'cache' },
    ],
    'site.planFix': [{ profileId, domain: 'haneul-demo.example', code: 'origin-access-denied', subject: site }],
    'site.applyFix': [{ profileId, planId: noExecution, confirm: true }],
    // Publish: a folder id no dialog gave (the harness's dialog picks nothing), plans and publishes not kept.
    'publish.chooseFolder': [{}],
    'publish.rules': [{ ...bucket }, { ...bucket, originPath: '/staging' }],
    'publish.saveRules': [{ ...bucket, originPath: `/sweep-${run}`, rules: [{ pattern: '*.html', cacheControl: 'no-cache' }] }],
    'publish.plan': [{ ...bucket, folderId: noExecution, distributionId: 'E2HANEULDEMO01' }],
    'publish.start': [{ planId: noExecution }],
    'publish.list': [{}],
    'publish.resume': [{ publishId: noExecution }],
    'publish.dismiss': [{ publishId: noExecution }],
  }
}
