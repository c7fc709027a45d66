/** An error an emulated service answers with, in the terms of the AWS API reference. */
export class EmulatedError extends Error {
  constructor(
    /** The AWS error code, e.g. 'NoSuchHostedZone'. */
    readonly code: string,
    message: string,
    /** HTTP status AWS uses for this code. */
    readonly status = 400,
    /** 'Sender' for client faults, 'Receiver' for server faults (used by XML protocols). */
    readonly type: 'Sender' | 'Receiver' = status >= 500 ? 'Receiver' : 'Sender',
    /** Extra members of the error shape, written inside `<Error>` (e.g. Route 53's `Messages`). */
    readonly details?: Record<string, unknown>,
  ) {
    super(message)
  }
}
