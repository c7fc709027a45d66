/** CodePipeline's refusals as HaneulErrors that say what happened and what to do; anything else is returned as it was. */
import { HaneulError } from '../core/errors'

interface CodePipelineErrorLike {
  name?: string
  message?: string
}

export function explainCodePipelineError(thrown: unknown): unknown {
  if (thrown instanceof HaneulError || typeof thrown !== 'object' || thrown === null) return thrown
  const { name = '', message = '' } = thrown as CodePipelineErrorLike
  const detail = message ? ` (${message})` : ''
  switch (name) {
    case 'PipelineNotFoundException':
      return new HaneulError('not-found', `The pipeline does not exist any more${detail}. Reload the pipeline list.`)
    case 'PipelineExecutionNotFoundException':
      return new HaneulError('not-found', `CodePipeline does not know this execution${detail}.`)
    case 'StageNotFoundException':
    case 'ActionNotFoundException':
      return new HaneulError('not-found', `The pipeline has no such stage or action${detail}; it may have been edited. Reload it.`)
    case 'InvalidApprovalTokenException':
      return new HaneulError(
        'conflict',
        `The approval is no longer waiting${detail}: it expired or its run was stopped. Reload the pipeline.`,
      )
    case 'ApprovalAlreadyCompletedException':
      return new HaneulError('conflict', `Someone already answered this approval${detail}. Reload the pipeline to see the answer.`)
    case 'StageNotRetryableException':
      return new HaneulError('conflict', `This stage cannot be retried now${detail}: only a failed or stopped stage of the latest run can.`)
    case 'NotLatestPipelineExecutionException':
      return new HaneulError('conflict', `A newer run has started${detail}; only the latest run's stages can be retried.`)
    case 'PipelineExecutionNotStoppableException':
      return new HaneulError('conflict', `This run cannot be stopped${detail}: it has finished or is already stopping.`)
    case 'DuplicatedStopRequestException':
      return new HaneulError('conflict', `This run is already being stopped${detail}.`)
    case 'ConcurrentPipelineExecutionsLimitExceededException':
      return new HaneulError('throttled', `The pipeline has as many runs as it may at once${detail}. Start again when one finishes.`, true)
    case 'ConflictException':
      return new HaneulError('conflict', `CodePipeline refused: the pipeline is busy with another change${detail}.`)
    case 'InvalidNextTokenException':
      return new HaneulError('bad-request', `This page token belongs to another listing or has expired${detail}. Reload the history.`)
    case 'ValidationException':
      return new HaneulError('bad-request', `CodePipeline refused the request${detail}.`)
    case 'ThrottlingException':
      return new HaneulError(
        'throttled',
        `CodePipeline asked Haneul to slow down${detail}; it retried with backoff and was still refused. Try again shortly.`,
        true,
      )
  }
  return thrown
}

export function rethrowExplained(thrown: unknown): never {
  throw explainCodePipelineError(thrown)
}
