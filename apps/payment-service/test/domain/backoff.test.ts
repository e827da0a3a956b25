import { describe, expect, it } from 'vitest';
import { backoffDelayMs } from '../../src/domain/backoff';

describe('backoff', () => {
  it('doubles from 100 ms: 100, 200, 400 ms at the middle of the jitter', () => {
    expect([1, 2, 3].map((retry) => backoffDelayMs(retry, 100, () => 0.5))).toEqual([100, 200, 400]);
  });

  it('jitters by up to half either way', () => {
    expect(backoffDelayMs(2, 100, () => 0)).toBe(100);
    expect(backoffDelayMs(2, 100, () => 0.999999)).toBe(300);
    for (let i = 0; i < 100; i++) {
      const delay = backoffDelayMs(3);
      expect(delay).toBeGreaterThanOrEqual(200);
      expect(delay).toBeLessThanOrEqual(600);
    }
  });
});
