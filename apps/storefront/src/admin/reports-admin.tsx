import type { Report } from '@shop/api-client';
import { useState } from 'preact/hooks';
import { attempt, type Outcome } from '../api';
import { formatMoney } from '../money';
import { useShop } from '../shop-context';
import { LoadStatus } from '../ui/load-status';
import { useLoad } from '../ui/use-async';
import { type Bar, Columns, HorizontalBars } from './charts';

type Period = 'daily' | 'weekly';

/** The daily or weekly report, drawn: the checkout funnel, revenue day by day, units per product. */
export function ReportsAdmin() {
  const shop = useShop();
  const [period, setPeriod] = useState<Period>('daily');
  const [date, setDate] = useState(today());
  const [loaded] = useLoad(() => loadReports(shop, period, date), [period, date]);

  return (
    <section aria-labelledby="reports-heading">
      <h2 id="reports-heading">Sales</h2>
      <form class="inline-form" onSubmit={(e) => e.preventDefault()}>
        <div class="field">
          <label for="report-period">Period</label>
          <select id="report-period" value={period} onChange={(e) => setPeriod(e.currentTarget.value as Period)}>
            <option value="daily">One day</option>
            <option value="weekly">One week (Monday to Sunday)</option>
          </select>
        </div>
        <div class="field">
          <label for="report-date">{period === 'daily' ? 'Day' : 'A day of the week'}</label>
          <input id="report-date" type="date" value={date} max={today()} onChange={(e) => e.currentTarget.value && setDate(e.currentTarget.value)} />
        </div>
      </form>
      <LoadStatus loaded={loaded} loading="Loading the report…" />
      {loaded.state === 'ok' ? <ReportView report={loaded.data.report} days={loaded.data.days} /> : null}
    </section>
  );
}

function ReportView({ report, days }: { report: Report; days: Report[] }) {
  const { orders } = report;
  const funnel: Bar[] = [
    { label: 'Checkouts started', value: orders.started, text: String(orders.started) },
    { label: 'Paid', value: orders.paid, text: String(orders.paid) },
    { label: 'Payment failed', value: orders.paymentFailed, text: String(orders.paymentFailed) },
    { label: 'Cancelled', value: orders.cancelled, text: String(orders.cancelled) },
  ];
  const currency = report.revenue[0]?.currency ?? 'USD';
  const revenue: Bar[] = days.map((day) => {
    const amount = day.revenue.find((m) => m.currency === currency)?.amount ?? 0;
    return { label: shortDay(day.from), value: amount, text: formatMoney({ amount, currency }) };
  });
  const units: Bar[] = report.units.slice(0, 10).map((u) => ({ label: u.name, value: u.quantity, text: String(u.quantity) }));
  return (
    <>
      <p>
        {report.from === report.to ? `${report.from}` : `${report.from} to ${report.to}`}: revenue{' '}
        <strong>{report.revenue.length ? report.revenue.map((m) => formatMoney(m)).join(' + ') : formatMoney({ amount: 0, currency })}</strong>
        {report.conversion === null ? '' : `, ${Math.round(report.conversion * 100)}% of checkouts paid`}.
      </p>
      <div class="charts">
        <HorizontalBars id="funnel" title="Checkout funnel: started, then paid, failed or cancelled" bars={funnel} />
        <Columns id="revenue" title={`Revenue by day (${currency})`} bars={revenue} />
        <HorizontalBars id="units" title="Units sold, by product" bars={units} />
      </div>
    </>
  );
}

/**
 * The report asked for, and the daily reports of its days (a week's seven, or the seven days up
 * to a day) for the revenue columns: the API reports a period's total, not its days.
 */
async function loadReports(shop: ReturnType<typeof useShop>, period: Period, date: string): Promise<Outcome<{ report: Report; days: Report[] }>> {
  const get = (p: Period, d: string) => attempt(shop.session, () => shop.client.GET('/reports', { params: { query: { period: p, date: d } } }), 'report');
  const main = await get(period, date);
  if (!main.ok) return main;
  const last = period === 'weekly' ? main.data.to : date;
  const days = await Promise.all(lastSevenDays(last).map((d) => get('daily', d)));
  const failed = days.find((d) => !d.ok);
  if (failed && !failed.ok) return failed;
  return { ok: true, response: main.response, data: { report: main.data, days: days.map((d) => (d.ok ? d.data : main.data)) } };
}

function lastSevenDays(last: string): string[] {
  const end = Date.parse(`${last}T00:00:00Z`);
  return Array.from({ length: 7 }, (_, i) => new Date(end - (6 - i) * 86_400_000).toISOString().slice(0, 10));
}

function today(): string {
  return new Date().toISOString().slice(0, 10);
}

function shortDay(date: string): string {
  return new Date(`${date}T00:00:00Z`).toLocaleDateString('en-US', { weekday: 'short', day: 'numeric', timeZone: 'UTC' });
}
