import { nextFireTime, parseScheduleExpression, type ScheduleExpression } from './schedule-expression';

/**
 * EventBridge Scheduler on the laptop: each schedule invokes its function asynchronously
 * with the schedule's input, as is (what Scheduler sends a Lambda target with a universal
 * target input), when its cron or rate expression says, in UTC.
 *
 * A timer per schedule waits for the next fire time and is armed again after it fires. The
 * timers are unref'd: schedules never keep the process alive. Times missed while the machine
 * slept are not made up for; the next one is the first after waking, as Scheduler without a
 * retry policy would drop them. A rate counts its periods from start(), not from a creation
 * time Scheduler would keep. Left out: flexible time windows, retry policies, dead-letter
 * queues of the schedule itself, start and end dates, time zones (see schedule-expression.ts).
 */

export interface LocalSchedule {
  /** Unique among the schedules. */
  name: string;
  /** `cron(minutes hours day-of-month month day-of-week year)` or `rate(value unit)`, UTC. */
  expression: string;
  /** Physical name of the function to invoke. */
  functionName: string;
  input: unknown;
}

export interface LocalSchedulerOptions {
  schedules: readonly LocalSchedule[];
  /** An asynchronous invoke (the caller does not wait for the function); `scheduleName` says which schedule fired. */
  invoke: (functionName: string, event: unknown, scheduleName: string) => void;
  now?: () => Date;
  log?: (line: string) => void;
}

export class UnknownScheduleError extends Error {
  constructor(readonly scheduleName: string) {
    super(`No schedule named "${scheduleName}"`);
    this.name = 'UnknownScheduleError';
  }
}

/** setTimeout fires at once for a delay above 2^31-1 ms (24.8 days); longer waits are taken in parts. */
const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

interface Armed {
  schedule: LocalSchedule;
  expression: ScheduleExpression;
  timer?: NodeJS.Timeout;
}

export class LocalScheduler {
  private readonly schedules = new Map<string, Armed>();
  private readonly now: () => Date;
  private readonly log: (line: string) => void;
  private rateStart: Date;
  private running = false;

  /** Throws a ScheduleExpressionError (naming the schedule) for an expression AWS would refuse. */
  constructor(private readonly options: LocalSchedulerOptions) {
    this.now = options.now ?? (() => new Date());
    this.log = options.log ?? (() => undefined);
    this.rateStart = this.now();
    for (const schedule of options.schedules) {
      if (this.schedules.has(schedule.name)) throw new Error(`Two schedules are named "${schedule.name}"`);
      this.schedules.set(schedule.name, { schedule, expression: parseScheduleExpression(schedule.expression, schedule.name) });
    }
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.rateStart = this.now();
    for (const armed of this.schedules.values()) this.arm(armed);
  }

  stop(): void {
    this.running = false;
    for (const armed of this.schedules.values()) {
      clearTimeout(armed.timer);
      armed.timer = undefined;
    }
  }

  /** The schedule's first fire time after `after` (now by default); undefined when it fires no more. */
  next(name: string, after: Date = this.now()): Date | undefined {
    const armed = this.get(name);
    return nextFireTime(armed.expression, after, this.rateStart);
  }

  /** The schedules' names, in the order they were given. */
  names(): string[] {
    return [...this.schedules.keys()];
  }

  /**
   * Runs the schedule now, whatever its expression says (tests, the demo); its timer is left as it
   * is. `scheduledAt`: the time it was due, which `<aws.scheduler.scheduled-time>` in its input reads.
   */
  fire(name: string, scheduledAt: Date = this.now()): void {
    const { schedule } = this.get(name);
    this.log(`schedule ${schedule.name} (${schedule.expression}): invoking ${schedule.functionName}`);
    try {
      this.options.invoke(schedule.functionName, withContextAttributes(schedule.input, scheduledAt), schedule.name);
    } catch (error) {
      this.log(`schedule ${schedule.name}: invoking ${schedule.functionName} failed: ${(error as Error).message}`);
    }
  }

  private get(name: string): Armed {
    const armed = this.schedules.get(name);
    if (!armed) throw new UnknownScheduleError(name);
    return armed;
  }

  private arm(armed: Armed): void {
    const at = this.next(armed.schedule.name);
    if (!at) {
      this.log(`schedule ${armed.schedule.name} (${armed.schedule.expression}) has no fire time left; it stays idle`);
      return;
    }
    this.wait(armed, at);
  }

  private wait(armed: Armed, at: Date): void {
    const delay = Math.min(Math.max(0, at.getTime() - this.now().getTime()), MAX_TIMER_DELAY_MS);
    armed.timer = setTimeout(() => {
      if (!this.running) return;
      // Woken early (a long wait taken in parts): wait for the rest.
      if (this.now().getTime() < at.getTime()) return this.wait(armed, at);
      this.fire(armed.schedule.name, at);
      this.arm(armed);
    }, delay).unref();
  }
}

/**
 * The input as EventBridge Scheduler hands it over: its context attribute
 * `<aws.scheduler.scheduled-time>` (the time the schedule was due, ISO 8601 in UTC to the second)
 * replaced wherever a string holds it.
 */
function withContextAttributes(input: unknown, scheduledAt: Date): unknown {
  const text = JSON.stringify(input);
  if (text === undefined || !text.includes('<aws.scheduler.scheduled-time>')) return input;
  const due = scheduledAt.toISOString().replace(/\.\d{3}Z$/, 'Z');
  return JSON.parse(text.replaceAll('<aws.scheduler.scheduled-time>', due)) as unknown;
}
