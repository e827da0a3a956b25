import { describe, expect, it } from 'vitest';
import { dayOf, lastCompletePeriod, periodDays } from '../../src/domain/days';

describe('the days of a report', () => {
  it('counts an instant on its UTC day', () => {
    expect(dayOf('2026-12-01T23:59:59.999Z')).toBe('2026-12-01');
    expect(dayOf('2026-12-02T00:00:00.000Z')).toBe('2026-12-02');
  });

  it('covers one day, or the Monday-to-Sunday week a day falls in, across month and year ends', () => {
    expect(periodDays('daily', '2026-12-01')).toEqual(['2026-12-01']);
    // 2026-12-31 is a Thursday.
    expect(periodDays('weekly', '2026-12-31')).toEqual(['2026-12-28', '2026-12-29', '2026-12-30', '2026-12-31', '2027-01-01', '2027-01-02', '2027-01-03']);
    expect(periodDays('weekly', '2026-12-28')[0]).toBe('2026-12-28');
    expect(periodDays('weekly', '2027-01-03')[0]).toBe('2026-12-28');
  });

  it('reports on schedule the last complete period: yesterday, or last week', () => {
    const mondayMorning = new Date('2026-12-07T00:30:00.000Z');
    expect(lastCompletePeriod('daily', mondayMorning)).toBe('2026-12-06');
    expect(periodDays('weekly', lastCompletePeriod('weekly', mondayMorning))).toEqual([
      '2026-11-30', '2026-12-01', '2026-12-02', '2026-12-03', '2026-12-04', '2026-12-05', '2026-12-06',
    ]);
  });
});
