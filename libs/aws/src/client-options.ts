import { StandardRetryStrategy } from '@smithy/core/retry';

/**
 * Options shared by every AWS client. Endpoints are not set here: SDK v3 reads
 * `AWS_ENDPOINT_URL_<SERVICE>` (e.g. `AWS_ENDPOINT_URL_DYNAMODB`) by itself, which is how the
 * local cloud points handlers at its emulators without the handlers knowing.
 *
 * Every call is bounded: the SDK sets no request timeout of its own, so a request to a service
 * that hangs would hold the function until Lambda kills it, with nothing to show why. Three
 * attempts with the SDK's backoff, each cut off after `requestTimeout`: a hung call fails in
 * seconds, as a named error the caller can retry or report. (`throwOnRequestTimeout`: without it
 * the SDK only logs a warning when `requestTimeout` passes, and the request goes on waiting.)
 */
export const clientOptions = {
  maxAttempts: 3,
  requestHandler: { connectionTimeout: 1_000, requestTimeout: 5_000, throwOnRequestTimeout: true },
} as const;

/**
 * For calls that wait on another function (a RequestResponse invoke): its answer may take as long
 * as that function's init (up to 10 s on Lambda) and its own timeout (15 s at most in this shop),
 * so the request may too. A retried
 * invoke runs the function again; every function another one invokes is idempotent for that.
 */
export const invokeClientOptions = {
  maxAttempts: 3,
  requestHandler: { connectionTimeout: 1_000, requestTimeout: 30_000, throwOnRequestTimeout: true },
} as const;

/**
 * Retries a call only when the service refused it for throttling, which means it did nothing. For
 * calls that deliver a message to a person and take no idempotency token (SES SendEmail, an SMS
 * through SNS Publish): after a timeout, a reset connection or a 5xx the message may have gone, and
 * whether to send it again is for the caller's once-per-message guard to decide, not the SDK's, which
 * would otherwise send up to three copies per attempt.
 */
export class ThrottlingOnlyRetryStrategy {
  private readonly standard = new StandardRetryStrategy(clientOptions.maxAttempts);

  acquireInitialRetryToken(...args: Parameters<StandardRetryStrategy['acquireInitialRetryToken']>) {
    return this.standard.acquireInitialRetryToken(...args);
  }

  refreshRetryTokenForRetry(...[token, errorInfo]: Parameters<StandardRetryStrategy['refreshRetryTokenForRetry']>) {
    // Refusing a token makes the SDK throw the call's own error.
    if (errorInfo.errorType !== 'THROTTLING') return Promise.reject(new Error(`a ${errorInfo.errorType} error is not retried: the message may have gone`));
    return this.standard.refreshRetryTokenForRetry(token, errorInfo);
  }

  recordSuccess(...args: Parameters<StandardRetryStrategy['recordSuccess']>) {
    this.standard.recordSuccess(...args);
  }
}

/** Options for the clients that deliver messages to people (SES, SMS through SNS): bounded as every call is, retried only when throttled. */
export function deliveryClientOptions() {
  return { requestHandler: clientOptions.requestHandler, retryStrategy: new ThrottlingOnlyRetryStrategy() };
}

/** Memoizes a client factory so that one client (and its connection pool) serves every warm invocation. */
export function memo<T>(create: () => T): () => T {
  let instance: T | undefined;
  return () => (instance ??= create());
}
