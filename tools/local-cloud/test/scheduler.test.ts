import { afterEach, describe, expect, it, vi } from 'vitest';
import { type LocalSchedule, LocalScheduler, UnknownScheduleError } from '../src/scheduler/local-scheduler';
import { ScheduleExpressionError, scheduleExpressionProblems } from '../src/scheduler/schedule-expression';

/** The local EventBridge Scheduler: when schedules fire, what they send, and which expressions it refuses. */

const DAILY_REPORT: LocalSchedule = {
  name: 'daily-report',
  expression: 'cron(0 6 * * ? *)',
  functionName: 'shop-local-analytics-service-generate-report',
  input: { period: 'daily' },
};
const WEEKLY_REPORT: LocalSchedule = {
  name: 'weekly-report',
  expression: 'cron(30 7 ? * MON *)',
  functionName: 'shop-local-analytics-service-generate-report',
  input: { period: 'weekly' },
};
const RELEASE_HOLDS: LocalSchedule = {
  name: 'release-expired-holds',
  expression: 'rate(5 minutes)',
  functionName: 'shop-local-inventory-service-release',
  input: { reason: 'expired' },
};

/** Wednesday 2025-03-05 10:17:30 UTC. */
const WEDNESDAY = new Date('2025-03-05T10:17:30Z');

function scheduler(schedules: LocalSchedule[], now: () => Date = () => WEDNESDAY) {
  const invoked: { functionName: string; event: unknown }[] = [];
  const local = new LocalScheduler({ schedules, invoke: (functionName, event) => invoked.push({ functionName, event }), now });
  return { local, invoked };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('schedule expressions', () => {
  it('gives the next fire time of a daily cron expression, in UTC', () => {
    const { local } = scheduler([DAILY_REPORT]);
    expect(local.next('daily-report')?.toISOString()).toBe('2025-03-06T06:00:00.000Z');
    expect(local.next('daily-report', new Date('2025-03-06T05:59:59Z'))?.toISOString()).toBe('2025-03-06T06:00:00.000Z');
    // Strictly after: at the fire time itself, the next one is a day later.
    expect(local.next('daily-report', new Date('2025-03-06T06:00:00Z'))?.toISOString()).toBe('2025-03-07T06:00:00.000Z');
  });

  it('gives the next fire time of a weekly cron expression, with day names', () => {
    const { local } = scheduler([WEEKLY_REPORT]);
    expect(local.next('weekly-report')?.toISOString()).toBe('2025-03-10T07:30:00.000Z');
    expect(local.next('weekly-report', new Date('2025-03-10T07:30:00Z'))?.toISOString()).toBe('2025-03-17T07:30:00.000Z');
  });

  it('handles month ends, last weekdays and nth weekdays the way AWS reads them', () => {
    const at = (expression: string, after: string) =>
      scheduler([{ ...DAILY_REPORT, expression }]).local.next('daily-report', new Date(after))?.toISOString();
    // The 31st skips the months that lack one.
    expect(at('cron(0 0 31 * ? *)', '2025-04-01T00:00:00Z')).toBe('2025-05-31T00:00:00.000Z');
    // February 29th waits for a leap year.
    expect(at('cron(0 0 29 2 ? *)', '2025-03-01T00:00:00Z')).toBe('2028-02-29T00:00:00.000Z');
    // The fifth Monday of February: only when February 1st of a leap year is a Monday.
    expect(at('cron(0 0 ? 2 MON#5 *)', '2025-03-01T00:00:00Z')).toBe('2044-02-29T00:00:00.000Z');
    expect(at('cron(0 0 L * ? *)', '2025-02-01T00:00:00Z')).toBe('2025-02-28T00:00:00.000Z');
    expect(at('cron(0 18 ? * 6L *)', '2025-03-01T00:00:00Z')).toBe('2025-03-28T18:00:00.000Z');
    expect(at('cron(0/15 9-17 ? * MON-FRI *)', '2025-03-07T17:50:00Z')).toBe('2025-03-10T09:00:00.000Z');
    // Years that are past: it fires no more.
    expect(at('cron(0 0 1 1 ? 2020)', '2025-03-01T00:00:00Z')).toBeUndefined();
  });

  it('counts a rate from when the scheduler started', () => {
    const { local } = scheduler([RELEASE_HOLDS]);
    expect(local.next('release-expired-holds')?.toISOString()).toBe('2025-03-05T10:22:30.000Z');
    expect(local.next('release-expired-holds', new Date('2025-03-05T10:22:30Z'))?.toISOString()).toBe('2025-03-05T10:27:30.000Z');
    const hourly = scheduler([{ ...RELEASE_HOLDS, expression: 'rate(1 hour)' }]).local;
    expect(hourly.next('release-expired-holds')?.toISOString()).toBe('2025-03-05T11:17:30.000Z');
    const everyTwoDays = scheduler([{ ...RELEASE_HOLDS, expression: 'rate(2 days)' }]).local;
    expect(everyTwoDays.next('release-expired-holds')?.toISOString()).toBe('2025-03-07T10:17:30.000Z');
  });

  it('accepts what AWS accepts', () => {
    for (const expression of [
      'cron(0 6 * * ? *)',
      'cron(30 7 ? * MON *)',
      'cron(0/15 * * * ? *)',
      'cron(0 8 1,15 * ? *)',
      'cron(0 9 ? JAN-MAR,DEC SUN#1 2025-2030)',
      'cron(0 0 15W * ? *)',
      'cron(0 0 L * ? *)',
      'rate(1 minute)',
      'rate(10 minutes)',
      'rate(1 day)',
      'rate(12 hours)',
    ]) {
      expect(scheduleExpressionProblems(expression), expression).toEqual([]);
    }
  });

  it('refuses cron expressions that set both day-of-month and day-of-week, as AWS does', () => {
    expect(scheduleExpressionProblems('cron(0 6 * * * *)')).toEqual([
      'day-of-month and day-of-week cannot both be set; one of them must be ? (e.g. cron(0 9 * * ? *) or cron(0 9 ? * MON-FRI *))',
    ]);
    expect(scheduleExpressionProblems('cron(0 6 1 * MON *)')).toHaveLength(1);
    expect(scheduleExpressionProblems('cron(0 6 ? * ? *)')).toEqual(['day-of-month and day-of-week cannot both be ?; one of them must name the days']);
  });

  it('refuses malformed expressions with a message that says what is wrong', () => {
    expect(scheduleExpressionProblems('cron(0 6 * * ?)')).toEqual([
      'a cron expression has six fields (minutes hours day-of-month month day-of-week year); this one has 5',
    ]);
    expect(scheduleExpressionProblems('cron(60 24 * * ? *)')).toEqual(['minutes value 60 is not 0-59', 'hours value 24 is not 0-23']);
    expect(scheduleExpressionProblems('cron(x 6 * FOO ? *)')).toEqual(['minutes value X is not 0-59', 'month value FOO is not 1-12 or JAN-DEC']);
    expect(scheduleExpressionProblems('cron(0 6 ? * FRI-MON *)')).toEqual(['day-of-week range 6-2 must go upwards']);
    expect(scheduleExpressionProblems('cron(0 ? * * ? *)')).toEqual(['hours cannot be ? (only day-of-month or day-of-week can)']);
    expect(scheduleExpressionProblems('cron(0 6 ? * MON#6 *)')).toEqual(['day-of-week 2#6: expected day#n with day 1-7 (SUN-SAT) and n 1-5']);
    expect(scheduleExpressionProblems('rate(0 minutes)')).toEqual(['the value 0 is not a positive whole number']);
    expect(scheduleExpressionProblems('rate(1 minutes)')).toEqual(['a value of 1 takes the singular unit (minute)']);
    expect(scheduleExpressionProblems('rate(5 hour)')).toEqual(['a value above 1 takes the plural unit (hours)']);
    expect(scheduleExpressionProblems('rate(5 weeks)')).toEqual(['the unit weeks is not one of minute, minutes, hour, hours, day, days']);
    expect(scheduleExpressionProblems('every day at six')).toEqual([
      'expected cron(minutes hours day-of-month month day-of-week year) or rate(value unit)',
    ]);
    expect(scheduleExpressionProblems('at(2025-03-05T10:00:00)')).toEqual([
      'one-time at(...) schedules are not supported locally; use cron(...) or rate(...)',
    ]);
  });

  it('refuses a scheduler with an invalid schedule, naming the schedule', () => {
    const create = () => scheduler([DAILY_REPORT, { ...WEEKLY_REPORT, expression: 'cron(30 7 * * MON *)' }]);
    expect(create).toThrow(ScheduleExpressionError);
    expect(create).toThrow(/^schedule "weekly-report": cron\(30 7 \* \* MON \*\) is not a valid schedule expression: day-of-month and day-of-week cannot both be set/);
  });
});

describe('LocalScheduler', () => {
  it('fire() invokes the function with the schedule input as is', () => {
    const { local, invoked } = scheduler([DAILY_REPORT, WEEKLY_REPORT]);
    local.fire('weekly-report');
    expect(invoked).toEqual([{ functionName: 'shop-local-analytics-service-generate-report', event: { period: 'weekly' } }]);
    expect(() => local.fire('monthly-report')).toThrow(UnknownScheduleError);
    expect(local.names()).toEqual(['daily-report', 'weekly-report']);
  });

  it('fires a cron schedule when its time comes, and again the next day', () => {
    vi.useFakeTimers({ now: new Date('2025-03-06T05:59:00Z') });
    const { local, invoked } = scheduler([DAILY_REPORT], () => new Date());
    local.start();

    vi.advanceTimersByTime(59_999);
    expect(invoked).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(invoked).toEqual([{ functionName: DAILY_REPORT.functionName, event: { period: 'daily' } }]);
    vi.advanceTimersByTime(24 * 3600_000);
    expect(invoked).toHaveLength(2);
    local.stop();
  });

  it("hands the function the time the schedule was due, as Scheduler's <aws.scheduler.scheduled-time> does", () => {
    vi.useFakeTimers({ now: new Date('2025-03-06T05:59:00Z') });
    const due = { ...DAILY_REPORT, input: { period: 'daily', scheduledAt: '<aws.scheduler.scheduled-time>' } };
    const { local, invoked } = scheduler([due], () => new Date());
    local.start();
    vi.advanceTimersByTime(60_000);
    expect(invoked).toEqual([{ functionName: DAILY_REPORT.functionName, event: { period: 'daily', scheduledAt: '2025-03-06T06:00:00Z' } }]);
    // Fired by hand, it was due now.
    vi.advanceTimersByTime(1_234);
    local.fire(due.name);
    expect(invoked[1]?.event).toEqual({ period: 'daily', scheduledAt: '2025-03-06T06:00:01Z' });
    local.stop();
  });

  it('fires a rate schedule once per period from start()', () => {
    vi.useFakeTimers({ now: WEDNESDAY });
    const { local, invoked } = scheduler([RELEASE_HOLDS], () => new Date());
    local.start();

    vi.advanceTimersByTime(5 * 60_000 - 1);
    expect(invoked).toHaveLength(0);
    vi.advanceTimersByTime(1);
    expect(invoked).toHaveLength(1);
    vi.advanceTimersByTime(10 * 60_000);
    expect(invoked.map((i) => i.event)).toEqual([{ reason: 'expired' }, { reason: 'expired' }, { reason: 'expired' }]);
    local.stop();
  });

  it('waits longer than setTimeout allows in one go (a yearly schedule) without firing early', () => {
    vi.useFakeTimers({ now: new Date('2025-01-01T00:00:00Z') });
    const { local, invoked } = scheduler([{ ...DAILY_REPORT, expression: 'cron(0 0 1 12 ? *)' }], () => new Date());
    local.start();

    vi.advanceTimersByTime(new Date('2025-12-01T00:00:00Z').getTime() - Date.now() - 1);
    expect(invoked).toHaveLength(0);
    vi.advanceTimersByTime(1);
    expect(invoked).toHaveLength(1);
    local.stop();
  });

  it('arms only unref’d timers, so schedules never keep the process alive', () => {
    vi.useFakeTimers({ now: WEDNESDAY });
    const unref = vi.spyOn(globalThis, 'setTimeout');
    const { local } = scheduler([DAILY_REPORT, RELEASE_HOLDS], () => new Date());
    local.start();
    const timers = unref.mock.results.map((r) => r.value as NodeJS.Timeout);
    expect(timers).toHaveLength(2);
    for (const timer of timers) expect(timer.hasRef()).toBe(false);
    local.stop();
  });

  it('stop() clears the timers: nothing fires afterwards', () => {
    vi.useFakeTimers({ now: WEDNESDAY });
    const { local, invoked } = scheduler([DAILY_REPORT, RELEASE_HOLDS], () => new Date());
    local.start();
    expect(vi.getTimerCount()).toBe(2);

    local.stop();
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(7 * 24 * 3600_000);
    expect(invoked).toEqual([]);
  });
});
