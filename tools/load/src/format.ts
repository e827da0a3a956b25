import type { LoadFigures } from './api-load';
import type { BudgetResult, LoadReport } from './budgets';
import type { LatencySummary } from './stats';

const ms = (value: number) => `${Math.round(value)} ms`;

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  return [line(header), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...rows.map(line)].join('\n');
}

function latencyRow(what: string, s: LatencySummary, extra: string): string[] {
  return [what, String(s.count), ms(s.median), ms(s.p90), ms(s.p99), ms(s.max), extra];
}

function loadExtra(f: LoadFigures): string {
  const statuses = Object.entries(f.statuses)
    .map(([status, n]) => `${status}×${n}`)
    .join(' ');
  return `${f.errors} errors (${f.serverErrors} 5xx); ${statuses}; driver lag ≤ ${Math.round(f.maxStartLagMs)} ms`;
}

/** The figures as a markdown table (docs/performance.md takes it as printed), then the budgets. */
export function formatReport(report: LoadReport, budgets: readonly BudgetResult[]): string {
  const rows: string[][] = [];
  if (report.checkout) {
    rows.push(latencyRow('POST /orders → AWAITING_PAYMENT', report.checkout.toAwaitingPayment, 'one checkout at a time'));
    rows.push(latencyRow('POST /payment/process → PAID', report.checkout.toPaid, 'one checkout at a time'));
    rows.push(latencyRow('  of which the provider holds the webhook', report.checkout.providerHold, "the simulator's delay, not the shop's"));
    rows.push(latencyRow('  of which the shop', report.checkout.toPaidShopPart, 'PAID less the hold, checkout by checkout'));
  }
  if (report.reads) rows.push(latencyRow('reads (GET /products, /products/{id})', report.reads.latency, loadExtra(report.reads)));
  if (report.cartWrites) {
    const cart = report.cartWrites;
    rows.push(latencyRow('cart writes (POST /cart)', cart.latency, `${loadExtra(cart)}; ${cart.conflicts} lost races; ${cart.catalogueInvokes} get-products invokes`));
  }
  if (report.startUp) rows.push(['npm start → ready (after the build)', '1', ms(report.startUp.readyMs), '', '', '', '']);
  const figures = table(['what', 'n', 'median', 'p90', 'p99', 'max', 'notes'], rows);

  const shown = (b: BudgetResult) => (b.unit === 'ms' ? ms(b.value) : b.unit === 'ratio' ? b.value.toFixed(3) : String(b.value));
  const limit = (b: BudgetResult) => (b.unit === 'ms' ? `≤ ${ms(b.limit)}` : `≤ ${b.limit}`);
  const budgetRows = budgets.map((b) => [b.name, shown(b), limit(b), b.kind === 'ci' ? 'CI' : 'reported', b.ok ? 'ok' : 'OVER']);
  return `${figures}\n\n${table(['budget', 'figure', 'budget', 'held by', ''], budgetRows)}`;
}
