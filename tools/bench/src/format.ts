import type { ColdStart } from './cold-start';
import { median } from './stats';

const ms = (value: number) => `${value.toFixed(1)} ms`;
const mb = (value: number) => `${value.toFixed(1)} MB`;

/** Slowest first; ties by name so the order is stable from run to run. */
export function bySlowest(results: readonly ColdStart[]): ColdStart[] {
  return [...results].sort((a, b) => b.loadMs.median - a.loadMs.median || a.name.localeCompare(b.name));
}

/** A plain-text table, one handler a row, slowest first, with the summed load times at the bottom. */
export function formatTable(results: readonly ColdStart[]): string {
  const header = ['handler', 'load median', 'load min', 'heap used', 'rss'];
  const rows = bySlowest(results).map((r) => [r.name, ms(r.loadMs.median), ms(r.loadMs.min), mb(r.heapUsedMb.median), mb(r.rssMb.median)]);
  const sum = (pick: (r: ColdStart) => number) => results.reduce((acc, r) => acc + pick(r), 0);
  const total = [`total (${results.length} handlers)`, ms(sum((r) => r.loadMs.median)), ms(sum((r) => r.loadMs.min)), '', ''];
  const all = [header, ...rows, total];
  const widths = header.map((_, i) => Math.max(...all.map((row) => row[i]?.length ?? 0)));
  const line = (row: string[]) =>
    row
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return all.map(line).join('\n');
}

/** One line for a commit message or a pull request: the typical handler and the worst one. */
export function formatSummary(results: readonly ColdStart[]): string {
  const slowest = bySlowest(results)[0];
  if (slowest === undefined) return 'no handlers measured';
  const typical = median(results.map((r) => r.loadMs.median));
  return `median module load across ${results.length} handlers: ${ms(typical)}; slowest: ${slowest.name} ${ms(slowest.loadMs.median)}`;
}
