import { describe, expect, it } from 'vitest';
import { median, percentile, summarize } from '../src/stats';

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

  it('takes a percentile by nearest rank', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile(values, 100)).toBe(100);
    expect(percentile([7], 99)).toBe(7);
  });

  it('refuses a percentile outside (0, 100] or of no values', () => {
    expect(() => percentile([1, 2], 0)).toThrow(RangeError);
    expect(() => percentile([1, 2], 101)).toThrow(RangeError);
    expect(() => percentile([], 50)).toThrow(RangeError);
  });
});
