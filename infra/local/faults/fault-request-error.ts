/** A fault request (a rule, a function fault) that cannot be honoured; the message names the bad value. */
export class FaultRequestError extends Error {
  override readonly name = 'FaultRequestError';

  constructor(
    message: string,
    /** The HTTP status the control answers with: 400 a bad body, 404 nothing of that name. */
    readonly status = 400,
  ) {
    super(message);
  }
}
