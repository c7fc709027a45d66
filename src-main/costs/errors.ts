/** Refusals of the costs module in words: CloudWatch denied, engine limits, lifecycle writes S3 refused. */
import { HaneulError } from '../core/errors'
import { explainS3Error } from '../s3/errors'
import { LifecycleMergeError } from './lifecycle-merge'
import { UnknownRegionError } from './prices'

interface AwsErrorLike {
  name?: string
  message?: string
}

/** CloudWatch's refusals; a denied metrics read points to the exact scan, which needs only S3 listing rights. */
export function explainCloudWatchError(thrown: unknown): unknown {
  if (thrown instanceof HaneulError || typeof thrown !== 'object' || thrown === null) return thrown
  const { name = '', message = '' } = thrown as AwsErrorLike
  const detail = message ? ` (${message})` : ''
  if (name === 'AccessDenied' || name === 'AccessDeniedException')
    return new HaneulError(
      'access-denied',
      `This profile may not read CloudWatch metrics (cloudwatch:GetMetricData, cloudwatch:ListMetrics)${detail}. ` +
        'Use the exact scan of the bucket instead: it needs only permission to list the bucket.',
    )
  return explainEngineError(thrown)
}

/** The engine's own refusals (a rule S3 would refuse, a bad price override) as bad requests. */
export function explainEngineError(thrown: unknown): unknown {
  if (thrown instanceof LifecycleMergeError)
    return new HaneulError(/already exists/.test(thrown.message) ? 'already-exists' : 'bad-request', `Lifecycle rule: ${thrown.message}.`)
  if (thrown instanceof UnknownRegionError) return new HaneulError('unsupported', thrown.message)
  if (thrown instanceof RangeError) return new HaneulError('bad-request', thrown.message)
  return thrown
}

/** S3's refusals of a lifecycle write, explained; the rest as the S3 module explains them. */
export function explainLifecycleWriteError(thrown: unknown): unknown {
  if (typeof thrown === 'object' && thrown !== null) {
    const { name = '', message = '' } = thrown as AwsErrorLike
    if (name === 'MalformedXML' || name === 'InvalidRequest' || name === 'InvalidArgument')
      return new HaneulError(
        'bad-request',
        `S3 refused the lifecycle configuration (${name}: ${message}). Nothing was changed; the bucket keeps its previous rules.`,
      )
  }
  return explainS3Error(thrown)
}

export const rethrow =
  (explain: (thrown: unknown) => unknown) =>
  (thrown: unknown): never => {
    throw explain(thrown)
  }
