import { describe, expect, it } from 'vitest';
import { median, percentile, summarize } from '../src/stats';

describe('percentile (nearest rank)', () => {
  const hundred = Array.from({ length: 100 }, (_, i) => 100 - i); // 100 … 1, unsorted on purpose

  it('answers a value some request really had: the smallest with p% of the values at or below it', () => {
    expect(percentile(hundred, 50)).toBe(50);
    expect(percentile(hundred, 99)).toBe(99);
    expect(percentile(hundred, 100)).toBe(100);
    expect(percentile([7, 3, 5], 50)).toBe(5);
    expect(percentile([10, 20], 99)).toBe(20);
  });

  it('makes p99 of fewer than 100 values the slowest one', () => {
    expect(percentile([5, 1, 9, 3], 99)).toBe(9);
  });

  it('refuses no values and a percentile outside (0, 100]', () => {
    expect(() => percentile([], 50)).toThrow(RangeError);
    expect(() => percentile([1], 0)).toThrow(RangeError);
    expect(() => percentile([1], 101)).toThrow(RangeError);
  });

  it('does not reorder what it was given', () => {
    const values = [3, 1, 2];
    percentile(values, 50);
    expect(values).toEqual([3, 1, 2]);
  });
});

describe('median', () => {
  it('is the middle value, or the mean of the two middle ones', () => {
    expect(median([300, 100, 200])).toBe(200);
    expect(median([400, 100, 300, 200])).toBe(250);
  });
});

describe('summarize', () => {
  it('gives the count, median, p90, p99 and the slowest', () => {
    const latencies = Array.from({ length: 1000 }, (_, i) => i + 1);
    expect(summarize(latencies)).toEqual({ count: 1000, median: 500.5, p90: 900, p99: 990, max: 1000 });
  });

  it('refuses an empty set rather than printing zeros', () => {
    expect(() => summarize([])).toThrow(RangeError);
  });
});
