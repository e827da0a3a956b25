/**
 * Options shared by every AWS client. Endpoints are not set here: SDK v3 reads
 * `AWS_ENDPOINT_URL_<SERVICE>` (e.g. `AWS_ENDPOINT_URL_DYNAMODB`) by itself, which is how the
 * local cloud points handlers at its emulators without the handlers knowing.
 */
export const clientOptions = {
  maxAttempts: 3,
} as const;

/** Memoizes a client factory so that one client (and its connection pool) serves every warm invocation. */
export function memo<T>(create: () => T): () => T {
  let instance: T | undefined;
  return () => (instance ??= create());
}
