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

/** Memoizes a client factory so that one client (and its connection pool) serves every warm invocation. */
export function memo<T>(create: () => T): () => T {
  let instance: T | undefined;
  return () => (instance ??= create());
}
