/** What other service folders may use of S3 (the lint boundary allows only this file). */
export { presignGet } from './presign'
export { createS3Module } from './handlers'
export { bucketRegion } from './buckets'
export { explainS3Error } from './errors'
