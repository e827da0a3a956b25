import type { Context } from 'aws-lambda';
import { isSafeCorrelationId } from '../correlation-id';
import { logger as rootLogger, type Logger } from '../logger';
import type { Trigger } from '@shop/platform';
import { recordError, recordExpectedError, recordInvocation } from '../metrics';

/** The kinds of trigger a manifest declares (`http`, `queue`, `table-stream`, ...): one wrapper each. */
export type TriggerType = Trigger['type'];

/**
 * The mark every wrapper puts on the function it returns: the trigger kinds it answers. A test
 * (tools/e2e/checks/handler-wrappers.test.ts) loads every handler the manifests name and fails
 * when one is not built by a wrapper for its triggers. `Symbol.for`, so that the mark reads the
 * same whichever copy of this module made it (the layer's, or a test's).
 */
export const HANDLER_TRIGGERS = Symbol.for('shop.handler-triggers');

export type MarkedHandler<F> = F & { readonly [HANDLER_TRIGGERS]: readonly TriggerType[] };

export function markHandler<F extends (...args: never[]) => unknown>(fn: F, triggers: readonly TriggerType[]): MarkedHandler<F> {
  const timed = ((...args: Parameters<F>) => withinInvocation(args[1], () => fn(...args))) as unknown as F;
  return Object.assign(timed, { [HANDLER_TRIGGERS]: triggers });
}

/** When the invocation under way must have answered (ms since the epoch), from Lambda's context. */
let invocationDeadline: number | undefined;

/**
 * How long the invocation under way has left, in ms; undefined outside one (a test calling an
 * adapter, a script). The AWS clients (libs/aws) bound each request by it, so that a hung call
 * fails while the function can still answer, rather than when Lambda kills it. One invocation runs
 * at a time in a Lambda execution environment, so one value serves.
 */
export function invocationTimeLeft(): number | undefined {
  return invocationDeadline === undefined ? undefined : invocationDeadline - Date.now();
}

/** Runs one invocation with its deadline known (while its context tells the time left), and forgets it afterwards. */
async function withinInvocation<T>(context: unknown, run: () => T): Promise<Awaited<T>> {
  const timeLeft = (context as Partial<Pick<Context, 'getRemainingTimeInMillis'>> | undefined)?.getRemainingTimeInMillis;
  invocationDeadline = typeof timeLeft === 'function' ? Date.now() + timeLeft.call(context) : undefined;
  try {
    return await run();
  } finally {
    invocationDeadline = undefined;
  }
}

/** The trigger kinds a handler was built for, or undefined when no wrapper built it. */
export function handlerTriggers(fn: unknown): readonly TriggerType[] | undefined {
  if (typeof fn !== 'function') return undefined;
  return (fn as Partial<MarkedHandler<unknown>>)[HANDLER_TRIGGERS];
}

/**
 * Where the technical metrics of every function are recorded (invocations, cold starts, retries
 * and errors by trigger kind): one place for all wrappers. By default they are written as EMF
 * (metrics.ts): one line as an invocation starts, one per error; CloudWatch adds them up.
 */
export interface InvocationHooks {
  /** At the start of every invocation, before the input is read. */
  onInvocation?(info: { trigger: TriggerType; coldStart: boolean; retries: number }): void;
  /** For every input that failed: a whole invocation, or one record of a batch (`poison` when it did not parse). */
  onError?(info: { trigger: TriggerType; error: unknown; poison: boolean }): void;
  /** For every invocation that ended in a named error of the function's contract (OutOfStock): an answer, not a fault. */
  onExpectedError?(info: { trigger: TriggerType; errorType: string; startedAt: number }): void;
}

export const EMF_INVOCATION_HOOKS: InvocationHooks = {
  onInvocation: ({ trigger, coldStart, retries }) => recordInvocation({ triggerKind: trigger, coldStart, error: false, retries }),
  onError: ({ trigger }) => recordError(trigger),
  onExpectedError: ({ errorType, startedAt }) => recordExpectedError({ errorType, startedAt }),
};

let hooks: InvocationHooks = EMF_INVOCATION_HOOKS;

export function setInvocationHooks(next: InvocationHooks): void {
  hooks = next;
}

export function reportError(trigger: TriggerType, error: unknown, poison = false): void {
  hooks.onError?.({ trigger, error, poison });
}

export function reportExpectedError(trigger: TriggerType, errorType: string, startedAt: number): void {
  hooks.onExpectedError?.({ trigger, errorType, startedAt });
}

let initialised = false;

/** The ids of one invocation that every line it logs carries. */
export interface Invocation {
  trigger: TriggerType;
  /** Lambda's request id for this invocation. */
  awsRequestId: string;
  /** True for the first invocation of this instance (its module was just loaded). */
  coldStart: boolean;
  /** X-Ray's root trace id, when Lambda gave one (`_X_AMZN_TRACE_ID`). */
  traceId?: string;
  started: number;
  /** A logger for this invocation, with `correlationId` bound to the given one. */
  logger(correlationId: string, bindings?: Record<string, unknown>): Logger;
}

/**
 * Starts an invocation: counts the cold start, reads the trace id Lambda set for it, and returns
 * what its loggers carry. `context` is always there on Lambda; tests may leave it out. `retries`:
 * how many of its deliveries are known repeats (an SQS message received before).
 */
export function startInvocation(trigger: TriggerType, context: Pick<Context, 'awsRequestId'> | undefined, retries = 0): Invocation {
  const coldStart = !initialised;
  initialised = true;
  const awsRequestId = context?.awsRequestId ?? 'unknown';
  const traceId = traceIdOf(process.env['_X_AMZN_TRACE_ID']);
  hooks.onInvocation?.({ trigger, coldStart, retries });
  const base = { awsRequestId, coldStart, ...(traceId ? { traceId } : {}), trigger };
  return {
    trigger,
    awsRequestId,
    coldStart,
    ...(traceId ? { traceId } : {}),
    started: Date.now(),
    logger: (correlationId, bindings = {}) => rootLogger.child({ ...base, correlationId, ...bindings }),
  };
}

/** `Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1` → its Root. */
function traceIdOf(header: string | undefined): string | undefined {
  const root = header?.split(';').find((part) => part.startsWith('Root='));
  return root?.slice('Root='.length) || undefined;
}

/**
 * The order a message is about (a top-level `orderId`, which every message of the checkout and the
 * payments carries), as a log binding: the wrapper's own line for a message that failed then names
 * it, so that an operator finds the failure from the order as well as from the message. Only an id
 * of the shop's shape: a message's text goes no further into the logs than that.
 */
export function carriedOrderBinding(value: unknown): { orderId?: string } {
  const offered = typeof value === 'object' && value !== null ? (value as { orderId?: unknown }).orderId : undefined;
  return typeof offered === 'string' && UUID.test(offered) ? { orderId: offered } : {};
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The correlation id a message carries (a top-level `correlationId`), when it is a safe one. */
export function carriedCorrelationId(value: unknown): string | undefined {
  const offered = typeof value === 'object' && value !== null ? (value as { correlationId?: unknown }).correlationId : undefined;
  return isSafeCorrelationId(offered) ? offered : undefined;
}
