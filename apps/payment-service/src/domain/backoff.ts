/**
 * Exponential backoff with jitter: before retry n (1, 2, …) wait `baseMs · 2^(n-1)` (100, 200,
 * 400 ms with the default), give or take half of it at random, so that clients that failed
 * together do not retry together.
 */
export function backoffDelayMs(retry: number, baseMs = 100, random: () => number = Math.random): number {
  const nominal = baseMs * 2 ** (retry - 1);
  return Math.round(nominal * (0.5 + random()));
}
