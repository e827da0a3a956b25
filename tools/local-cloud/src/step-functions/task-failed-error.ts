import type { ErrorPayload } from '../lambda-runtime';

/**
 * How a Task state fails, as aws-local-stepfunctions reads it: `name` is the error that Retry
 * and Catch match (`ErrorEquals`), `message` the cause. For a Lambda function that threw, the
 * error is the function's `errorType` (`OutOfStock`, `PaymentDeclined`) and the cause is its
 * error payload as JSON, as on AWS.
 */
export class TaskFailedError extends Error {
  constructor(error: string, cause: string) {
    super(cause);
    this.name = error;
  }

  static fromLambda(payload: ErrorPayload): TaskFailedError {
    const cause = JSON.stringify({
      errorMessage: payload.errorMessage,
      errorType: payload.errorType,
      ...(payload.trace && { trace: payload.trace }),
    });
    return new TaskFailedError(payload.errorType, cause);
  }
}
