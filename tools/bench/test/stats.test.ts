import { describe, expect, it } from 'vitest';
import { median, summarize } from '../src/stats';

describe('statistics over repeated runs', () => {
  it('takes the middle value of an odd count, whatever the order', () => {
    expect(median([9, 1, 5])).toBe(5);
  });

  it('takes the mean of the two middle values of an even count', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('refuses to summarize no runs at all', () => {
    expect(() => median([])).toThrow(RangeError);
  });

  it('reports the median and the best case', () => {
    expect(summarize([12, 8, 30, 10, 9])).toEqual({ median: 10, min: 8 });
  });
});
