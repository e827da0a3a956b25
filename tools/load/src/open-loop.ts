/**
 * An open-loop driver: requests start at a fixed arrival rate whether or not the earlier ones have
 * answered, as customers do. A closed loop (the next request when the last answered) slows down
 * with the system it measures and hides its queueing: the slow answers hold back the requests that
 * would have met them ("coordinated omission"). Each latency here is counted from the moment the
 * request was due, so a driver that falls behind shows as latency, not as a lower rate.
 */

/** Time and waiting, injectable so that the schedule can be tested without real time. */
export interface Clock {
  /** Milliseconds on a monotonic clock. */
  now(): number;
  /** Resolves at `at` (a `now()` value) or at once when that has passed. */
  sleepUntil(at: number): Promise<void>;
}

export const realClock: Clock = {
  now: () => performance.now(),
  sleepUntil: (at) => new Promise((resolve) => setTimeout(resolve, Math.max(0, at - performance.now()))),
};

/** When each request is due, in milliseconds from the start: evenly spaced at `ratePerSecond` for `durationMs`. */
export function arrivalOffsets(ratePerSecond: number, durationMs: number): number[] {
  if (!(ratePerSecond > 0)) throw new RangeError(`rate ${ratePerSecond} per second is not positive`);
  if (!(durationMs > 0)) throw new RangeError(`duration ${durationMs} ms is not positive`);
  const count = Math.floor((ratePerSecond * durationMs) / 1000);
  const interval = 1000 / ratePerSecond;
  return Array.from({ length: count }, (_, i) => i * interval);
}

export interface Sample<T> {
  index: number;
  /** From when the request was due to when it answered. */
  latencyMs: number;
  /** How late the driver started it (its own lag, already inside `latencyMs`). */
  startLagMs: number;
  outcome: T;
}

/**
 * Fires `send(i)` at each arrival of `ratePerSecond` over `durationMs`, never waiting for an answer
 * before the next is due, and resolves with every sample once all have answered. `send` must not
 * throw: its answer (a status, an error) is the sample's outcome.
 */
export async function runOpenLoop<T>(
  options: { ratePerSecond: number; durationMs: number; clock?: Clock },
  send: (index: number) => Promise<T>,
): Promise<Sample<T>[]> {
  const clock = options.clock ?? realClock;
  const start = clock.now();
  const inFlight: Promise<Sample<T>>[] = [];
  for (const [index, offset] of arrivalOffsets(options.ratePerSecond, options.durationMs).entries()) {
    const due = start + offset;
    await clock.sleepUntil(due);
    const startLagMs = Math.max(0, clock.now() - due);
    inFlight.push(send(index).then((outcome) => ({ index, latencyMs: clock.now() - due, startLagMs, outcome })));
  }
  return Promise.all(inFlight);
}
