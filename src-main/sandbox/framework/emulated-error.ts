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
  ) {
    super(message)
  }
}
