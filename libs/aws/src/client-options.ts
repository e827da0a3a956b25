import { invocationTimeLeft } from '@shop/common';
import { StandardRetryStrategy } from '@smithy/core/retry';
import { NodeHttpHandler, type NodeHttpHandlerOptions } from '@smithy/node-http-handler';

/**
 * Options shared by every AWS client. Endpoints are not set here: SDK v3 reads
 * `AWS_ENDPOINT_URL_<SERVICE>` (e.g. `AWS_ENDPOINT_URL_DYNAMODB`) by itself, which is how the
 * local cloud points handlers at its emulators without the handlers knowing.
 *
 * Every call is bounded: the SDK sets no request timeout of its own, so a request to a service
 * that hangs would hold the function until Lambda kills it, with nothing to show why. Three
 * attempts with the SDK's backoff, each cut off after `requestTimeout`, and all of them before
 * the invocation's deadline (InvocationBoundHandler): a hung call fails while the function can
 * still answer, as a named error the caller can retry or report.
 * (`throwOnRequestTimeout`: without it the SDK only logs a warning when `requestTimeout` passes,
 * and the request goes on waiting.) A function, because each client needs a handler of its own.
 */
export function clientOptions() {
  return { maxAttempts: MAX_ATTEMPTS, requestHandler: new InvocationBoundHandler({ ...ATTEMPT_LIMITS, requestTimeout: 5_000 }) };
}

/**
 * For calls that wait on another function (a RequestResponse invoke): its answer may take as long
 * as that function's init (up to 10 s on Lambda) and its own timeout (15 s at most in this shop),
 * so the request may too, within the caller's own time left. A retried invoke runs the function
 * again; every function another one invokes is idempotent for that.
 */
export function invokeClientOptions() {
  return { maxAttempts: MAX_ATTEMPTS, requestHandler: new InvocationBoundHandler({ ...ATTEMPT_LIMITS, requestTimeout: 30_000 }) };
}

const MAX_ATTEMPTS = 3;
const ATTEMPT_LIMITS = { connectionTimeout: 1_000, throwOnRequestTimeout: true } as const;

/**
 * Kept back from the invocation's time left for what comes after a call cut off at the deadline:
 * the caller's answer and its log line, or a last call of its own (a recovery read, the record of
 * what was done). When less than twice this is left, an attempt may take half of what is left.
 */
export const ANSWER_RESERVE_MS = 1_500;

/** Below this, an attempt is not sent at all: no service answers a request in less. */
const SHORTEST_ATTEMPT_MS = 100;

/** A call the invocation has no time left for, or that took the time it had: not retried (the next attempt would have none either). */
export class InvocationDeadlineError extends Error {
  override readonly name = 'InvocationDeadline';
}

/**
 * The SDK's HTTP handler, with each request cut off before the invocation's deadline when that
 * comes before its own `requestTimeout`: at the time left less `ANSWER_RESERVE_MS`, or at half
 * the time left when that is later. A request cut off there fails as `InvocationDeadline`, which
 * the SDK does not retry, so that the caller still has time to handle it, and a call it makes
 * then still has a part of what is left. Without it three attempts of 5 s (30 s for an invoke)
 * outlast a function of 5, 10 or 15 s: Lambda killed the function before the SDK gave up, and the
 * code that handles a failed call never ran. Outside an invocation (tests, scripts) the request's
 * own timeout is the only bound.
 */
export class InvocationBoundHandler extends NodeHttpHandler {
  private readonly requestTimeoutMs: number;

  constructor(options: NodeHttpHandlerOptions & { requestTimeout: number }) {
    super(options);
    this.requestTimeoutMs = options.requestTimeout;
  }

  override handle(...[request, options = {}]: Parameters<NodeHttpHandler['handle']>) {
    const timeLeft = invocationTimeLeft();
    const ownTimeout = options.requestTimeout ?? this.requestTimeoutMs;
    if (timeLeft === undefined) return super.handle(request, options);
    const budget = Math.floor(Math.max(timeLeft - ANSWER_RESERVE_MS, timeLeft / 2));
    const overDeadline = () => new InvocationDeadlineError(`the invocation had ${Math.max(0, Math.round(timeLeft))} ms left: no time for the call to ${request.hostname}`);
    if (budget < SHORTEST_ATTEMPT_MS) return Promise.reject(overDeadline());
    if (budget >= ownTimeout) return super.handle(request, options);
    const started = Date.now();
    // Only the cut-off itself becomes InvocationDeadline: the handler also names a reset or refused
    // connection `TimeoutError`, and that one the SDK retries, as it always has. Not the
    // TimeoutError as its `cause` either: the SDK retries an error whose cause is transient.
    return super.handle(request, { ...options, requestTimeout: budget }).catch((error: unknown) => {
      const cutOff = error instanceof Error && error.name === 'TimeoutError' && Date.now() - started >= budget;
      throw cutOff ? overDeadline() : error;
    });
  }
}

/**
 * Retries a call only when the service refused it for throttling, which means it did nothing. For
 * calls that deliver a message to a person and take no idempotency token (SES SendEmail, an SMS
 * through SNS Publish): after a timeout, a reset connection or a 5xx the message may have gone, and
 * whether to send it again is for the caller's once-per-message guard to decide, not the SDK's, which
 * would otherwise send up to three copies per attempt.
 */
export class ThrottlingOnlyRetryStrategy {
  private readonly standard = new StandardRetryStrategy(MAX_ATTEMPTS);

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
  return { requestHandler: clientOptions().requestHandler, retryStrategy: new ThrottlingOnlyRetryStrategy() };
}

/** Memoizes a client factory so that one client (and its connection pool) serves every warm invocation. */
export function memo<T>(create: () => T): () => T {
  let instance: T | undefined;
  return () => (instance ??= create());
}
