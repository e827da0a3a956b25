import { type ErrorPayload, functionArn } from '../lambda-runtime';

/**
 * The invocation record Lambda sends to an asynchronous invocation's on-failure destination
 * once every attempt failed: the event as it came, and the last attempt's error, in the shape
 * AWS documents (a consumer of the dead-letter queue reads the same JSON locally and on AWS).
 */
export interface AsyncFailureRecord {
  version: '1.0';
  timestamp: string;
  requestContext: {
    requestId: string;
    functionArn: string;
    condition: 'RetriesExhausted';
    approximateInvokeCount: number;
  };
  requestPayload: unknown;
  responseContext: { statusCode: 200; executedVersion: '$LATEST'; functionError: 'Unhandled' };
  responsePayload: ErrorPayload;
}

export interface FailedInvocation {
  functionName: string;
  requestId: string;
  event: unknown;
  /** How many times the function ran for this event. */
  attempts: number;
  /** The error of the last attempt. */
  error: ErrorPayload;
  region: string;
  at?: Date;
}

export function asyncFailureRecord(failed: FailedInvocation): AsyncFailureRecord {
  return {
    version: '1.0',
    timestamp: (failed.at ?? new Date()).toISOString(),
    requestContext: {
      requestId: failed.requestId,
      // Asynchronous invokes run the unqualified function, which Lambda reports as $LATEST.
      functionArn: `${functionArn(failed.functionName, failed.region)}:$LATEST`,
      condition: 'RetriesExhausted',
      approximateInvokeCount: failed.attempts,
    },
    requestPayload: failed.event,
    // A function error is still an HTTP 200 from the Invoke API, marked by the error header.
    responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
    responsePayload: failed.error,
  };
}
