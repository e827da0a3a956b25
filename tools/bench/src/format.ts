import { initRatio, ratioSummary, type ColdStart, type ColdStartRun } from './cold-start';

const ms = (value: number) => `${value.toFixed(1)} ms`;
const mb = (value: number) => `${value.toFixed(1)} MB`;
const times = (value: number) => `${value.toFixed(2)}×`;

/** Slowest first; ties by name so the order is stable from run to run. */
export function bySlowest(results: readonly ColdStart[]): ColdStart[] {
  return [...results].sort((a, b) => b.initMs.median - a.initMs.median || a.name.localeCompare(b.name));
}

/**
 * A plain-text table, the baseline first and the SDK floor next when measured, then one handler a row, slowest first: the cold start
 * (process start to handler loaded) and its ratio to the baseline's, the bundle's own `require`,
 * memory after it; the summed load times at the bottom.
 */
export function formatTable(run: ColdStartRun): string {
  const { baseline, results } = run;
  const header = ['handler', 'cold start', '× baseline', 'load median', 'load min', 'heap used', 'rss'];
  const row = (r: ColdStart) => [
    r.name,
    ms(r.initMs.median),
    times(initRatio(r, baseline)),
    ms(r.loadMs.median),
    ms(r.loadMs.min),
    mb(r.heapUsedMb.median),
    mb(r.rssMb.median),
  ];
  const sum = (pick: (r: ColdStart) => number) => results.reduce((acc, r) => acc + pick(r), 0);
  const total = [`total (${results.length} handlers)`, '', '', ms(sum((r) => r.loadMs.median)), ms(sum((r) => r.loadMs.min)), '', ''];
  const all = [header, row(baseline), ...(run.floor ? [row(run.floor)] : []), ...bySlowest(results).map(row), total];
  const widths = header.map((_, i) => Math.max(...all.map((cells) => cells[i]?.length ?? 0)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return all.map(line).join('\n');
}

/** One line for a commit message or a pull request: the typical handler and the worst one, as ratios to the baseline. */
export function formatSummary(run: ColdStartRun): string {
  if (run.results.length === 0) return 'no handlers measured';
  const { median, slowest, floor } = ratioSummary(run);
  const line =
    `cold start across ${run.results.length} handlers: median ${times(median)} hello-world's ` +
    `(${ms(run.baseline.initMs.median)}); slowest: ${slowest.name} ${times(slowest.ratio)}`;
  if (!floor) return line;
  return (
    `${line}\nthe SDK floor (the DynamoDB document client alone) is ${times(floor.ratio)} hello-world's; ` +
    `above it, the median handler is ${times(floor.median)} and the slowest ${times(floor.slowest)}`
  );
}
