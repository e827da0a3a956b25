import { describe, expect, it } from 'vitest';
import type { ColdStart } from '../src/cold-start';
import { formatSummary, formatTable } from '../src/format';

const result = (name: string, loadMedian: number, loadMin: number): ColdStart => ({
  name,
  loadMs: { median: loadMedian, min: loadMin },
  heapUsedMb: { median: 6.25, min: 6 },
  rssMb: { median: 48, min: 47 },
});

const results = [
  result('cart-service/get-cart', 12, 10),
  result('order-service/create-order', 120.5, 100),
  result('user-service/login', 40, 35),
];

describe('cold-start report', () => {
  it('lists the slowest handler first and the total last', () => {
    const names = formatTable(results)
      .split('\n')
      .map((line) => line.split(/\s{2,}/)[0]);
    expect(names).toEqual(['handler', 'order-service/create-order', 'user-service/login', 'cart-service/get-cart', 'total (3 handlers)']);
  });

  it('lines up every figure column on its right edge', () => {
    const lines = formatTable(results).split('\n');
    const rows = lines.slice(1, -1);
    for (const figure of ['120.5 ms', '40.0 ms', '12.0 ms']) expect(rows.some((row) => row.includes(figure))).toBe(true);
    const medianEnds = rows.map((row) => row.indexOf(' ms') + ' ms'.length);
    expect(new Set(medianEnds).size).toBe(1);
    expect(new Set(rows.map((row) => row.length)).size).toBe(1);
    expect(lines[0]?.length).toBe(rows[0]?.length);
    expect(lines.at(-1)).toMatch(/^total \(3 handlers\)\s+172\.5 ms\s+145\.0 ms$/);
  });

  it('shows memory after the load in megabytes', () => {
    expect(formatTable(results)).toMatch(/cart-service\/get-cart\s+12\.0 ms\s+10\.0 ms\s+6\.3 MB\s+48\.0 MB/);
  });

  it('sums up the typical handler and names the slowest', () => {
    expect(formatSummary(results)).toBe('median module load across 3 handlers: 40.0 ms; slowest: order-service/create-order 120.5 ms');
  });
});
