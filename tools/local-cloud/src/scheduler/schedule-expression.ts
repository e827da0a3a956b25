import { Cron } from 'croner';

/**
 * EventBridge Scheduler's recurring schedule expressions, in UTC:
 * `cron(minutes hours day-of-month month day-of-week year)` and `rate(value unit)`.
 *
 * croner computes the cron times: it has the year field, `L`, `W` and `#`, and gets month ends
 * and sparse expressions (the fifth Monday of February) right. It is more lenient than AWS,
 * though (it takes both day fields set, or none), so the fields are checked here first, against
 * the syntax AWS documents, and only an expression AWS would accept reaches it.
 *
 * Left out: one-time `at(...)` schedules, time zones other than UTC, start and end dates,
 * flexible time windows. Within the cron syntax, a step (`/`) is allowed only as a whole field
 * (`0/15`, `10-50/10`), not as one item of a list, as AWS documents it.
 */

export type ScheduleExpression =
  | { kind: 'cron'; expression: string; cron: Cron }
  | { kind: 'rate'; expression: string; periodMs: number };

export class ScheduleExpressionError extends Error {
  constructor(
    readonly expression: string,
    readonly problems: readonly string[],
    readonly scheduleName?: string,
  ) {
    super(`${scheduleName ? `schedule "${scheduleName}": ` : ''}${expression} is not a valid schedule expression: ${problems.join('; ')}`);
    this.name = 'ScheduleExpressionError';
  }
}

/** What is wrong with `expression`, as AWS would refuse it; empty when it is valid. */
export function scheduleExpressionProblems(expression: string): string[] {
  return analyse(expression).problems;
}

/** Parses `expression` or throws a ScheduleExpressionError naming `scheduleName` and every problem. */
export function parseScheduleExpression(expression: string, scheduleName?: string): ScheduleExpression {
  const { problems, parsed } = analyse(expression);
  if (!parsed) throw new ScheduleExpressionError(expression, problems, scheduleName);
  return parsed;
}

/**
 * The first fire time strictly after `after`; undefined when there is none (a cron
 * expression whose years are past). A rate counts its periods from `rateStart`.
 */
export function nextFireTime(schedule: ScheduleExpression, after: Date, rateStart: Date): Date | undefined {
  if (schedule.kind === 'rate') {
    const periods = Math.max(0, Math.floor((after.getTime() - rateStart.getTime()) / schedule.periodMs)) + 1;
    return new Date(rateStart.getTime() + periods * schedule.periodMs);
  }
  return nextCronTime(schedule.cron, after);
}

const MINUTE_MS = 60_000;
const RATE_UNITS: Record<string, { periodMs: number; singular: boolean }> = {
  minute: { periodMs: MINUTE_MS, singular: true },
  minutes: { periodMs: MINUTE_MS, singular: false },
  hour: { periodMs: 60 * MINUTE_MS, singular: true },
  hours: { periodMs: 60 * MINUTE_MS, singular: false },
  day: { periodMs: 24 * 60 * MINUTE_MS, singular: true },
  days: { periodMs: 24 * 60 * MINUTE_MS, singular: false },
};

function analyse(expression: string): { problems: string[]; parsed?: ScheduleExpression } {
  const rate = /^rate\((.*)\)$/.exec(expression.trim());
  if (rate) return analyseRate(expression, rate[1] ?? '');
  const cron = /^cron\((.*)\)$/.exec(expression.trim());
  if (cron) return analyseCron(expression, cron[1] ?? '');
  if (/^at\(/.test(expression.trim())) return { problems: ['one-time at(...) schedules are not supported locally; use cron(...) or rate(...)'] };
  return { problems: ['expected cron(minutes hours day-of-month month day-of-week year) or rate(value unit)'] };
}

function analyseRate(expression: string, body: string): { problems: string[]; parsed?: ScheduleExpression } {
  const match = /^\s*(\S+)\s+(\S+)\s*$/.exec(body);
  if (!match) return { problems: ['a rate is a value and a unit, e.g. rate(5 minutes)'] };
  const [, valueText = '', unitText = ''] = match;
  const problems: string[] = [];
  const value = Number(valueText);
  if (!/^\d+$/.test(valueText) || value < 1) problems.push(`the value ${valueText} is not a positive whole number`);
  const unit = RATE_UNITS[unitText];
  if (!unit) problems.push(`the unit ${unitText} is not one of minute, minutes, hour, hours, day, days`);
  // As EventBridge requires: rate(1 hour) and rate(5 hours), not rate(1 hours) or rate(5 hour).
  else if (problems.length === 0 && unit.singular !== (value === 1)) {
    problems.push(value === 1 ? `a value of 1 takes the singular unit (${unitText.replace(/s$/, '')})` : `a value above 1 takes the plural unit (${unitText}s)`);
  }
  if (problems.length > 0 || !unit) return { problems };
  return { problems, parsed: { kind: 'rate', expression, periodMs: value * unit.periodMs } };
}

interface FieldRule {
  name: string;
  min: number;
  max: number;
  names?: readonly string[];
  /** Forms allowed only as the whole field, besides numbers, ranges, lists and steps. */
  special?: (value: string, rule: FieldRule) => string | undefined | 'ok';
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const WEEKDAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

const FIELDS: readonly FieldRule[] = [
  { name: 'minutes', min: 0, max: 59 },
  { name: 'hours', min: 0, max: 23 },
  {
    name: 'day-of-month',
    min: 1,
    max: 31,
    special: (value) => {
      if (value === '?' || value === 'L') return 'ok';
      const weekday = /^(\d+)W$/.exec(value);
      if (!weekday) return undefined;
      return inRange(Number(weekday[1]), 1, 31) ? 'ok' : `${value}: the day before W must be 1-31`;
    },
  },
  { name: 'month', min: 1, max: 12, names: MONTHS },
  {
    name: 'day-of-week',
    min: 1,
    max: 7,
    names: WEEKDAYS,
    special: (value) => {
      if (value === '?' || value === 'L') return 'ok';
      const last = /^(\d+)L$/.exec(value);
      if (last) return inRange(Number(last[1]), 1, 7) ? 'ok' : `${value}: the day before L must be 1-7 (SUN-SAT)`;
      const nth = /^(\d+)#(\d+)$/.exec(value);
      if (!nth) return undefined;
      return inRange(Number(nth[1]), 1, 7) && inRange(Number(nth[2]), 1, 5) ? 'ok' : `${value}: expected day#n with day 1-7 (SUN-SAT) and n 1-5`;
    },
  },
  { name: 'year', min: 1970, max: 2199 },
];

function analyseCron(expression: string, body: string): { problems: string[]; parsed?: ScheduleExpression } {
  const fields = body.trim().split(/\s+/).filter(Boolean);
  if (fields.length !== 6) {
    return { problems: [`a cron expression has six fields (minutes hours day-of-month month day-of-week year); this one has ${fields.length}`] };
  }
  const normalised = fields.map((field, i) => withNumbersForNames(field.toUpperCase(), FIELDS[i] as FieldRule));
  const problems = normalised.flatMap((field, i) => fieldProblems(field, FIELDS[i] as FieldRule));
  const [, , dayOfMonth, , dayOfWeek] = normalised;
  if (dayOfMonth === '?' && dayOfWeek === '?') problems.push('day-of-month and day-of-week cannot both be ?; one of them must name the days');
  else if (dayOfMonth !== '?' && dayOfWeek !== '?') {
    problems.push('day-of-month and day-of-week cannot both be set; one of them must be ? (e.g. cron(0 9 * * ? *) or cron(0 9 ? * MON-FRI *))');
  }
  if (problems.length > 0) return { problems };
  return { problems, parsed: { kind: 'cron', expression, cron: toCroner(normalised) } };
}

/**
 * AWS's six fields as croner's seven (seconds first, always 0), with AWS's day-of-week numbers
 * (1 = SUN … 7 = SAT, croner's `alternativeWeekdays`): `L` alone is the last day of the week,
 * Saturday, and `nL` (the last weekday n of the month) is croner's `n#L`.
 */
function toCroner(fields: readonly string[]): Cron {
  // AWS's `0/15` starts at 0 and steps to the end of the field; croner spells it `0-59/15`.
  const stepped = fields.map((field, i) => field.replace(/^(\d+)\/(\d+)$/, `$1-${(FIELDS[i] as FieldRule).max}/$2`));
  const [minutes, hours, dayOfMonth, month, dayOfWeek = '', year] = stepped;
  const weekday = dayOfWeek === 'L' ? '7' : dayOfWeek.replace(/^(\d)L$/, '$1#L');
  return new Cron(['0', minutes, hours, dayOfMonth, month, weekday, year].join(' '), {
    timezone: 'Etc/UTC',
    alternativeWeekdays: true,
    mode: '7-part',
    paused: true,
  });
}

/** JAN → 1, MON-FRI → 2-6: names as AWS's numbers, so that ranges can be checked. */
function withNumbersForNames(field: string, rule: FieldRule): string {
  if (!rule.names) return field;
  const names = rule.names;
  return field.replace(/[A-Z]{3}/g, (name) => (names.includes(name) ? String(names.indexOf(name) + 1) : name));
}

function fieldProblems(field: string, rule: FieldRule): string[] {
  const special = rule.special?.(field, rule);
  if (special === 'ok') return [];
  if (special) return [`${rule.name} ${special}`];
  if (field === '?') return [`${rule.name} cannot be ? (only day-of-month or day-of-week can)`];
  if (field === '*') return [];

  const step = /^(.+)\/(.+)$/.exec(field);
  if (step) {
    const [, start = '', increment = ''] = step;
    if (start.includes(',')) return [`${rule.name} ${field}: a step (/) can only apply to the whole field here, not to one item of a list`];
    const problems = start === '*' ? [] : itemProblems(start, rule);
    if (!/^\d+$/.test(increment) || !inRange(Number(increment), 1, rule.max)) problems.push(`${rule.name} step ${increment} is not a whole number 1-${rule.max}`);
    return problems;
  }
  return field.split(',').flatMap((item) => itemProblems(item, rule));
}

/** One item of a list: a value or an upward range. */
function itemProblems(item: string, rule: FieldRule): string[] {
  const range = /^(\w+)-(\w+)$/.exec(item);
  const values = range ? [range[1] ?? '', range[2] ?? ''] : [item];
  const allowed = `${rule.min}-${rule.max}${rule.names ? ` or ${rule.names[0]}-${rule.names[rule.names.length - 1]}` : ''}`;
  for (const value of values) {
    if (!/^\d+$/.test(value) || !inRange(Number(value), rule.min, rule.max)) return [`${rule.name} value ${value} is not ${allowed}`];
  }
  if (range && Number(values[0]) > Number(values[1])) return [`${rule.name} range ${item} must go upwards`];
  return [];
}

function inRange(value: number, min: number, max: number): boolean {
  return Number.isInteger(value) && value >= min && value <= max;
}

function nextCronTime(cron: Cron, after: Date): Date | undefined {
  return cron.nextRun(after) ?? undefined;
}
