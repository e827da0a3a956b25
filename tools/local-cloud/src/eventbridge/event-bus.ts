import { randomUUID } from 'node:crypto';
import type { PutEventsRequestEntry, PutEventsResultEntry } from '@aws-sdk/client-eventbridge';
import type { EventPattern } from '@shop/platform';
import type { EventBridgeEvent } from 'aws-lambda';
import { DEFAULT_REGION, LOCAL_ACCOUNT_ID } from '../lambda-runtime';
import { matchesPattern, patternProblems } from './event-pattern';

/**
 * EventBridge on this machine: named buses with rules, PutEvents answered as AWS answers it,
 * and each accepted event delivered to the targets of every rule whose pattern matches, in the
 * shape targets get on AWS. The bus knows no runtime: delivery is handed in.
 *
 * Left out: archives and replays, input transformers and input paths (targets get the whole
 * event), dead-letter queues of targets, schedules (the scheduler is its own emulator), and
 * cross-account or partner buses.
 */

export type RuleTarget =
  | { kind: 'lambda'; functionName: string }
  | { kind: 'sns'; topicArn: string }
  | { kind: 'sqs'; queueUrl: string };

export interface BusRule {
  name: string;
  pattern: EventPattern;
  targets: readonly RuleTarget[];
}

export type BusEvent = EventBridgeEvent<string, unknown>;

export interface TargetDelivery {
  /** An asynchronous invoke; its retries are the invoker's job, as with Lambda's own async retries. */
  lambda(functionName: string, event: BusEvent): void;
  sns(topicArn: string, message: string): Promise<void>;
  sqs(queueUrl: string, body: string): Promise<void>;
}

/** An event the bus accepted, with the rules that matched it (none is worth knowing too). */
export interface AcceptedEvent {
  bus: string;
  event: BusEvent;
  matchedRules: string[];
}

export interface LocalEventBusOptions {
  deliver: TargetDelivery;
  /** Buses besides `default`, e.g. `shop-local-events`. */
  buses?: readonly string[];
  region?: string;
  log?: (line: string) => void;
  onEvent?: (accepted: AcceptedEvent) => void;
  /** Fault injection: an ErrorCode fails that entry (after the checks AWS makes), e.g. `InternalFailure`. */
  failEntries?: (entry: PutEventsRequestEntry) => string | undefined;
  /**
   * How SNS and SQS targets are retried when they fail. EventBridge retries for 24 hours with
   * exponential backoff; locally a few quick attempts say the same thing sooner.
   */
  targetRetry?: { attempts: number; firstDelayMs: number };
  /** How many accepted events `events()` keeps, newest last. */
  historySize?: number;
}

export interface PutEventsResult {
  FailedEntryCount: number;
  Entries: PutEventsResultEntry[];
}

/** A whole PutEvents request refused (AWS answers an exception, not failed entries). */
export class EventBridgeError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = code;
  }
}

/** PutRule's answer to a pattern it cannot use. */
export class InvalidEventPatternError extends EventBridgeError {
  constructor(
    readonly rule: string,
    readonly problems: readonly string[],
  ) {
    super('InvalidEventPatternException', `Event pattern of rule ${rule} is not valid: ${problems.join('; ')}`);
  }
}

export const DEFAULT_BUS = 'default';
export const MAX_ENTRIES_PER_REQUEST = 10;
/** PutEvents' limit on the summed entry sizes (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-putevent-size.html). */
export const MAX_REQUEST_ENTRY_BYTES = 256 * 1024;

const BUS_ARN = /^arn:aws[a-z-]*:events:[a-z0-9-]+:\d{12}:event-bus\/(.+)$/;

export class LocalEventBus {
  /** Events accepted since start, on every bus: what EventBridge bills (the usage meter reads it; `events()` keeps only the last ones). */
  accepted = 0;
  private readonly rules = new Map<string, Map<string, BusRule>>();
  private readonly history: AcceptedEvent[] = [];
  private readonly pending = new Set<Promise<void>>();
  private readonly region: string;
  private readonly log: (line: string) => void;
  private readonly retry: { attempts: number; firstDelayMs: number };
  private readonly historySize: number;

  constructor(private readonly options: LocalEventBusOptions) {
    this.region = options.region ?? DEFAULT_REGION;
    this.log = options.log ?? (() => undefined);
    this.retry = options.targetRetry ?? { attempts: 3, firstDelayMs: 100 };
    this.historySize = options.historySize ?? 50_000;
    for (const bus of [DEFAULT_BUS, ...(options.buses ?? [])]) this.addBus(bus);
  }

  addBus(name: string): void {
    if (!this.rules.has(name)) this.rules.set(name, new Map());
  }

  busArn(name: string): string {
    return `arn:aws:events:${this.region}:${LOCAL_ACCOUNT_ID}:event-bus/${name}`;
  }

  /** PutRule with its targets: a rule of the same name is replaced. Refuses a pattern AWS would refuse. */
  putRule(busName: string, rule: BusRule): void {
    const rules = this.rules.get(busName);
    if (!rules) throw new EventBridgeError('ResourceNotFoundException', `Event bus ${busName} does not exist.`);
    const problems = patternProblems(rule.pattern);
    if (problems.length > 0) throw new InvalidEventPatternError(rule.name, problems);
    rules.set(rule.name, { ...rule, targets: [...rule.targets] });
  }

  /** Accepted events, oldest first (the last `historySize`), with the rules each matched. */
  events(): AcceptedEvent[] {
    return [...this.history];
  }

  /** Resolves when every SNS and SQS delivery started so far has succeeded or given up. */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.all(this.pending);
  }

  /**
   * PutEvents: each entry is accepted (an EventId) or fails on its own (ErrorCode and
   * ErrorMessage); only a request AWS would refuse whole throws an EventBridgeError. `deny`, the
   * caller's IAM judging one entry, fails an entry it refuses with AccessDeniedException.
   */
  putEvents(entries: readonly PutEventsRequestEntry[], deny?: (entry: PutEventsRequestEntry) => string | undefined): PutEventsResult {
    if (entries.length === 0 || entries.length > MAX_ENTRIES_PER_REQUEST) {
      throw new EventBridgeError(
        'ValidationException',
        `1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length less than or equal to ${MAX_ENTRIES_PER_REQUEST} and greater than or equal to 1`,
      );
    }
    if (entries.reduce((sum, entry) => sum + entrySize(entry), 0) > MAX_REQUEST_ENTRY_BYTES) {
      throw new EventBridgeError('ValidationException', 'Total size of the entries in the request is over the limit.');
    }
    const results = entries.map((entry) => this.putEntry(entry, deny));
    return { FailedEntryCount: results.filter((result) => result.ErrorCode).length, Entries: results };
  }

  private putEntry(entry: PutEventsRequestEntry, deny?: (entry: PutEventsRequestEntry) => string | undefined): PutEventsResultEntry {
    const fail = (ErrorCode: string, ErrorMessage: string): PutEventsResultEntry => {
      this.log(`PutEvents: entry ${entry.Source ?? '?'}/${entry.DetailType ?? '?'} failed: ${ErrorCode}: ${ErrorMessage}`);
      return { ErrorCode, ErrorMessage };
    };
    const missing = (['Source', 'DetailType', 'Detail'] as const).filter((field) => !entry[field]);
    if (missing.length > 0) return fail('InvalidArgument', `Parameter(s) ${missing.join(', ')} must be specified.`);
    const { Source: source = '', DetailType: detailType = '', Detail: detailText = '' } = entry;
    if (source.startsWith('aws.')) return fail('NotAuthorizedForSourceException', 'Not authorized for the source.');
    const denied = deny?.(entry);
    if (denied) return fail('AccessDeniedException', denied);
    const detail = parseObject(detailText);
    if (detail === undefined) return fail('MalformedDetail', 'Detail is malformed.');

    const busName = this.busName(entry.EventBusName);
    const rules = this.rules.get(busName);
    if (!rules) return fail('ResourceNotFoundException', `Event bus ${busName} does not exist.`);
    const injected = this.options.failEntries?.(entry);
    if (injected) return fail(injected, 'Failure injected by the local event bus.');

    const event: BusEvent = {
      version: '0',
      id: randomUUID(),
      'detail-type': detailType,
      source,
      account: LOCAL_ACCOUNT_ID,
      // Whole seconds, as EventBridge writes `time`.
      time: `${(entry.Time ?? new Date()).toISOString().slice(0, 19)}Z`,
      region: this.region,
      resources: [...(entry.Resources ?? [])],
      detail,
    };
    this.route(busName, rules, event);
    return { EventId: event.id };
  }

  private busName(reference: string | undefined): string {
    if (!reference) return DEFAULT_BUS;
    return BUS_ARN.exec(reference)?.[1] ?? reference;
  }

  private route(bus: string, rules: Map<string, BusRule>, event: BusEvent): void {
    const matched = [...rules.values()].filter((rule) => matchesPattern(rule.pattern, event));
    const accepted: AcceptedEvent = { bus, event, matchedRules: matched.map((rule) => rule.name) };
    this.accepted += 1;
    this.history.push(accepted);
    if (this.history.length > this.historySize) this.history.shift();
    this.log(
      `${bus}: ${event.source} ${event['detail-type']} ${event.id} → ${matched.length ? matched.map((rule) => rule.name).join(', ') : 'no rule matched'}`,
    );
    this.options.onEvent?.(accepted);
    for (const rule of matched) for (const target of rule.targets) this.deliver(rule.name, target, event);
  }

  private deliver(rule: string, target: RuleTarget, event: BusEvent): void {
    const { deliver } = this.options;
    if (target.kind === 'lambda') {
      try {
        deliver.lambda(target.functionName, event);
      } catch (error) {
        this.log(`${rule} → ${target.functionName}: delivery failed: ${(error as Error).message}`);
      }
      return;
    }
    // SNS and SQS targets get the whole event as JSON text, EventBridge's default input.
    const text = JSON.stringify(event);
    const send = target.kind === 'sns' ? () => deliver.sns(target.topicArn, text) : () => deliver.sqs(target.queueUrl, text);
    const name = target.kind === 'sns' ? target.topicArn : target.queueUrl;
    const delivery = this.withRetries(send, `${rule} → ${name}`).finally(() => this.pending.delete(delivery));
    this.pending.add(delivery);
  }

  private async withRetries(send: () => Promise<void>, what: string): Promise<void> {
    let delayMs = this.retry.firstDelayMs;
    for (let attempt = 1; ; attempt++) {
      try {
        return await send();
      } catch (error) {
        if (attempt >= this.retry.attempts) {
          return this.log(`${what}: delivery failed after ${attempt} attempts, dropped: ${(error as Error).message}`);
        }
        this.log(`${what}: delivery attempt ${attempt} failed (${(error as Error).message}); retrying`);
        await new Promise((resolve) => setTimeout(resolve, delayMs));
        delayMs *= 2;
      }
    }
  }
}

/** The size AWS counts for an entry: 14 bytes for a Time, and the UTF-8 bytes of the texts. */
function entrySize(entry: PutEventsRequestEntry): number {
  const bytes = (text: string | undefined) => (text ? Buffer.byteLength(text, 'utf8') : 0);
  return (
    (entry.Time ? 14 : 0) +
    bytes(entry.Source) +
    bytes(entry.DetailType) +
    bytes(entry.Detail) +
    (entry.Resources ?? []).reduce((sum, resource) => sum + bytes(resource), 0)
  );
}

/** Detail must be a JSON object; anything else is MalformedDetail. */
function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
