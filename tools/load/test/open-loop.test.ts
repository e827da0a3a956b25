import { describe, expect, it } from 'vitest';
import { arrivalOffsets, type Clock, runOpenLoop } from '../src/open-loop';

/** A clock that moves only when the driver sleeps, or when a test moves it. */
function fakeClock(): Clock & { advance(ms: number): void } {
  let now = 1000;
  return {
    now: () => now,
    sleepUntil: async (at) => {
      now = Math.max(now, at);
    },
    advance: (ms) => {
      now += ms;
    },
  };
}

describe('arrivalOffsets', () => {
  it('spaces the requests evenly at the rate, over the duration', () => {
    expect(arrivalOffsets(100, 50)).toEqual([0, 10, 20, 30, 40]);
    expect(arrivalOffsets(50, 1000)).toHaveLength(50);
    expect(arrivalOffsets(4, 1000)).toEqual([0, 250, 500, 750]);
  });

  it('refuses a rate or a duration that is not positive', () => {
    expect(() => arrivalOffsets(0, 1000)).toThrow(RangeError);
    expect(() => arrivalOffsets(10, -1)).toThrow(RangeError);
  });
});

describe('runOpenLoop', () => {
  it('starts each request when it is due, without waiting for the answers before it', async () => {
    const clock = fakeClock();
    const started: number[] = [];
    const answers: (() => void)[] = [];
    const run = runOpenLoop({ ratePerSecond: 100, durationMs: 40, clock }, (i) => {
      started.push(clock.now());
      return new Promise<number>((resolve) => answers.push(() => resolve(i)));
    });
    // Let the driver reach its last arrival: no request has answered yet.
    await new Promise((resolve) => setImmediate(resolve));
    expect(started).toEqual([1000, 1010, 1020, 1030]);

    clock.advance(100);
    for (const answer of answers) answer();
    const samples = await run;
    expect(samples.map((s) => s.outcome)).toEqual([0, 1, 2, 3]);
  });

  it('counts latency from when the request was due, so a slow answer is not hidden by a late start', async () => {
    const clock = fakeClock();
    const samples = await runOpenLoop({ ratePerSecond: 10, durationMs: 200, clock }, async (i) => {
      // The first request's sending takes the driver 150 ms: the second starts 50 ms late.
      if (i === 0) clock.advance(150);
      clock.advance(5);
      return 'ok';
    });
    expect(samples.map((s) => [s.latencyMs, s.startLagMs])).toEqual([
      [155, 0],
      [60, 55],
    ]);
  });
});
