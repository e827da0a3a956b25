import type { ReportPeriod } from '@shop/contracts';

/** The UTC day of an instant, as `YYYY-MM-DD`: the day a figure counts on. */
export function dayOf(instant: string | Date): string {
  return new Date(instant).toISOString().slice(0, 10);
}

/** The days a report on `date` covers: that day, or the ISO week (Monday to Sunday) it falls in. */
export function periodDays(period: ReportPeriod, date: string): string[] {
  const day = new Date(`${date}T00:00:00.000Z`);
  if (period === 'daily') return [date];
  const monday = addDays(day, -((day.getUTCDay() + 6) % 7));
  return Array.from({ length: 7 }, (_, i) => dayOf(addDays(monday, i)));
}

/** A day of the last complete period before `now`: yesterday, or last week's Monday. */
export function lastCompletePeriod(period: ReportPeriod, now: Date): string {
  const today = new Date(`${dayOf(now)}T00:00:00.000Z`);
  return dayOf(addDays(today, period === 'daily' ? -1 : -7));
}

function addDays(day: Date, days: number): Date {
  return new Date(day.getTime() + days * 86_400_000);
}
