import { describe, expect, it } from 'vitest';
import type { ColdStart, ColdStartRun } from '../src/cold-start';
import { formatSummary, formatTable } from '../src/format';

const result = (name: string, initMedian: number, loadMedian: number, loadMin: number): ColdStart => ({
  name,
  loadMs: { median: loadMedian, min: loadMin },
  initMs: { median: initMedian, min: initMedian - 1 },
  heapUsedMb: { median: 6.25, min: 6 },
  rssMb: { median: 48, min: 47 },
});

const run: ColdStartRun = {
  baseline: result('hello-world (baseline)', 50, 0.5, 0.4),
  results: [result('cart-service/get-cart', 62, 12, 10), result('order-service/create-order', 170.5, 120.5, 100), result('user-service/login', 90, 40, 35)],
};

const withFloor: ColdStartRun = { ...run, floor: result('DynamoDB document client alone (SDK floor)', 80, 30, 28) };

describe('cold-start report', () => {
  it('lists the baseline first, then the slowest handler first, and the total last', () => {
    const names = formatTable(run)
      .split('\n')
      .map((line) => line.split(/\s{2,}/)[0]);
    expect(names).toEqual([
      'handler',
      'hello-world (baseline)',
      'order-service/create-order',
      'user-service/login',
      'cart-service/get-cart',
      'total (3 handlers)',
    ]);
  });

  it('shows each cold start as a multiple of the baseline measured in the same run', () => {
    const table = formatTable(run);
    expect(table).toMatch(/hello-world \(baseline\)\s+50\.0 ms\s+1\.00×/);
    expect(table).toMatch(/order-service\/create-order\s+170\.5 ms\s+3\.41×\s+120\.5 ms\s+100\.0 ms/);
    expect(table).toMatch(/cart-service\/get-cart\s+62\.0 ms\s+1\.24×/);
  });

  it('lists the SDK floor after the baseline, with its ratio to hello-world', () => {
    const lines = formatTable(withFloor).split('\n');
    expect(lines[1]).toMatch(/^hello-world \(baseline\)/);
    expect(lines[2]).toMatch(/^DynamoDB document client alone \(SDK floor\)\s+80\.0 ms\s+1\.60×/);
    expect(lines.at(-1)).toMatch(/^total \(3 handlers\)/);
  });

  it('lines up every figure column on its right edge', () => {
    const lines = formatTable(run).split('\n');
    const rows = lines.slice(1, -1);
    expect(new Set(rows.map((row) => row.length)).size).toBe(1);
    expect(lines[0]?.length).toBe(rows[0]?.length);
    expect(lines.at(-1)).toMatch(/^total \(3 handlers\)\s+172\.5 ms\s+145\.0 ms$/);
  });

  it('shows memory after the load in megabytes', () => {
    expect(formatTable(run)).toMatch(/cart-service\/get-cart\s+62\.0 ms\s+1\.24×\s+12\.0 ms\s+10\.0 ms\s+6\.3 MB\s+48\.0 MB/);
  });

  it('sums up the typical handler and names the slowest, as ratios to hello-world', () => {
    expect(formatSummary(run)).toBe(
      "cold start across 3 handlers: median 1.80× hello-world's (50.0 ms); slowest: order-service/create-order 3.41×",
    );
  });

  it('adds how far the handlers sit above the SDK floor when the run measured it', () => {
    expect(formatSummary(withFloor).split('\n')[1]).toBe(
      "the SDK floor (the DynamoDB document client alone) is 1.60× hello-world's; above it, the median handler is 1.13× and the slowest 2.13×",
    );
  });
});
