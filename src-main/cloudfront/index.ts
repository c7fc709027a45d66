/** What other service folders may use of the CloudFront module (the lint boundary allows nothing else). */
export { createCloudFrontModule, type AnalyzeLogs, type CloudFrontModuleDeps } from './handlers'
export { distributionsForBucket, logBucketOf, originKindOf } from './distributions'
export { encodeTypedPath, keyToPath, prefixToPath, planPaths } from './invalidation-paths'
