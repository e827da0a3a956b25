import type { LocalEventBus } from './eventbridge/event-bus';
import type { Denial } from './iam/local-iam';
import type { FunctionConfig } from './lambda-runtime';
import { type FaultInjector, FaultSpecError, parseFaultSpecs } from './faults';
import type { MetricsCollector } from './metrics-collector';
import type { UsageMeter } from './usage/usage-meter';
import type { Outbox, OutboxChannel } from './outbox';
import type { PaymentProvider } from './payment-provider';
import type { LocalScheduler } from './scheduler/local-scheduler';
import { statePath } from './step-functions/execution-history';
import type { StepFunctions } from './step-functions/step-functions';
import { type DeliveryTrace, formatWaterfall, waterfall } from './trace';

/**
 * The local cloud's own pages, beside the shop's API under `/_local/` (they do not exist on
 * AWS, where CloudWatch, X-Ray and the mail providers play their part):
 *
 * - `GET /_local/outbox[?to=<address>&channel=email|sms]`: the e-mails and text messages sent;
 * - `GET /_local/trace[?correlationId=<id>|traceId=<id>]`: every invocation, with what carried it,
 *   its trace and the segment that called it; for one order or trace, also as a waterfall;
 * - `GET /_local/events[?detailType=<type>]`: the events the bus took, with the rules they matched;
 * - `GET /_local/payments[?orderId=<id>]`: the payment provider's charges, with their refunds and
 *   webhooks, and its ledger (what it charged and refunded, by currency), as its dashboard would;
 * - `POST /_local/payments/charges/<chargeId>/settle`: the provider decides a pending charge now and
 *   sends its webhook (a late confirmation of a `pm_card_no_answer` charge);
 * - `POST /_local/payments/events/<eventId>/redeliver`: the provider sends a webhook again (a
 *   duplicate, or an old event out of order);
 * - `POST /_local/payments/refunds/<refundId>/fail`: a refund that succeeded fails after all (a closed
 *   card account), and its `refund.failed` webhook goes to the shop.
 * - `POST /_local/payments/charges/<chargeId>/refunds` `{amount?}`: an operator refunds the charge
 *   in the provider's dashboard (all that is left, or `amount`); it succeeds, and its webhook goes
 *   to the shop like any other (how a REFUND_FAILED incident is settled);
 * - `POST /_local/schedules/<name>/run`: fires a schedule now (the daily report, say);
 * - `GET /_local/functions`: every function with the environment it is given, as the Lambda
 *   console shows it (names and endpoints; secrets are read at run time, never put there);
 * - `GET /_local/iam`: the calls a function made that its IAM policy refused (there should be
 *   none), each with AWS's message; the log also prints each as it happens;
 * - `GET /_local/usage` (with `meterUsage`): what the shop used of each billable service since
 *   start: Lambda requests, duration and log bytes per function, DynamoDB capacity units per
 *   table, API requests, SQS sends, SNS publishes, EventBridge events, state transitions;
 * - `GET /_local/metrics[?namespace=<namespace>&service=<service>&name=<metric>]`: the metrics the
 *   functions wrote (EMF), and Lambda's own of every invocation (`AWS/Lambda`: Invocations, Errors,
 *   Duration by FunctionName), added up per namespace, metric and dimensions, as CloudWatch would graph them;
 * - `GET /_local/executions?orderId=<id>` or `?name=<execution name>`: a state machine execution's
 *   history (each state entered and exited, with input, output, error and cause) and its path;
 * - `GET /_local/faults`: the faults armed and how many of each kind fired; `POST /_local/faults`
 *   `{kind, target?, count?, delayMs?}` (or a list) arms faults (src/faults.ts lists the kinds);
 *   `DELETE /_local/faults` disarms them all.
 */
export function localConsole(parts: {
  outbox: Outbox;
  trace: DeliveryTrace;
  bus: LocalEventBus;
  scheduler: () => LocalScheduler | undefined;
  paymentProvider: () => PaymentProvider | undefined;
  functions?: () => readonly FunctionConfig[];
  faults?: FaultInjector;
  metrics?: MetricsCollector;
  stepFunctions?: StepFunctions;
  /** With `meterUsage`: what the shop used of each billable service. */
  usage?: UsageMeter;
  /** The local cloud's IAM: what it refused. */
  iam?: { denials(): readonly Denial[] };
}) {
  return async ({ method, path, query, body }: { method: string; path: string; query: URLSearchParams; body?: string }): Promise<{ status: number; body: unknown } | undefined> => {
    if (path === '/_local/faults' && parts.faults) return faultsPage(parts.faults, method, body ?? '');
    if (method === 'GET' && path === '/_local/outbox') {
      const channel = query.get('channel');
      if (channel && channel !== 'email' && channel !== 'sms') return badRequest('channel', 'must be email or sms');
      const to = query.get('to');
      return { status: 200, body: { messages: parts.outbox.list({ ...(channel && { channel: channel as OutboxChannel }), ...(to && { to }) }) } };
    }
    if (method === 'GET' && path === '/_local/trace') {
      const correlationId = query.get('correlationId');
      const traceId = query.get('traceId');
      if (traceId !== null && !/^1-[0-9a-f]{8}-[0-9a-f]{24}$/.test(traceId)) return badRequest('traceId', 'must be an X-Ray trace id: 1-<8 hex digits>-<24 hex digits>');
      const invocations = parts.trace.list({ ...(correlationId && { correlationId }), ...(traceId && { traceId }) });
      if (!correlationId && !traceId) return { status: 200, body: { invocations } };
      // One order (or one trace): its invocations as a waterfall, and the traces it spans.
      const rows = waterfall(invocations);
      return { status: 200, body: { invocations, traceIds: [...new Set(invocations.map((i) => i.traceId))], waterfall: rows, text: formatWaterfall(rows) } };
    }
    if (method === 'GET' && path === '/_local/events') {
      const detailType = query.get('detailType');
      const events = parts.bus.events().filter((e) => !detailType || e.event['detail-type'] === detailType);
      return { status: 200, body: { events } };
    }
    if (method === 'GET' && path === '/_local/metrics' && parts.metrics) {
      const namespace = query.get('namespace');
      const service = query.get('service');
      const name = query.get('name');
      return { status: 200, body: { metrics: parts.metrics.list({ ...(namespace && { namespace }), ...(service && { service }), ...(name && { name }) }) } };
    }
    if (method === 'GET' && path === '/_local/usage' && parts.usage) return { status: 200, body: parts.usage.snapshot() };
    if (method === 'GET' && path === '/_local/executions' && parts.stepFunctions) return executionPage(parts.stepFunctions, query);
    if (method === 'GET' && path === '/_local/iam' && parts.iam) return { status: 200, body: { denials: parts.iam.denials() } };
    if (method === 'GET' && path === '/_local/functions' && parts.functions) {
      const functions = parts.functions().map(({ name, service, functionName, environment }) => ({ name, service, functionName, environment }));
      return { status: 200, body: { functions } };
    }
    const provider = parts.paymentProvider();
    if (method === 'GET' && path === '/_local/payments' && provider) {
      const orderId = query.get('orderId');
      return { status: 200, body: { charges: provider.charges().filter((c) => !orderId || c.orderId === orderId), ledger: provider.ledger() } };
    }
    const settle = /^\/_local\/payments\/charges\/([^/]+)\/settle$/.exec(path);
    if (method === 'POST' && settle?.[1] && provider) {
      return provider.settle(decodeURIComponent(settle[1]))
        ? { status: 202, body: { settled: settle[1] } }
        : { status: 409, body: { error: { code: 'NOT_PENDING', message: `No pending charge ${settle[1]}` } } };
    }
    const redeliver = /^\/_local\/payments\/events\/([^/]+)\/redeliver$/.exec(path);
    if (method === 'POST' && redeliver?.[1] && provider) {
      return provider.redeliver(decodeURIComponent(redeliver[1]))
        ? { status: 202, body: { redelivered: redeliver[1] } }
        : { status: 404, body: { error: { code: 'EVENT_NOT_FOUND', message: `No webhook event ${redeliver[1]}` } } };
    }
    const byHand = /^\/_local\/payments\/charges\/([^/]+)\/refunds$/.exec(path);
    if (method === 'POST' && byHand?.[1] && provider) {
      let asked: unknown;
      try {
        asked = JSON.parse(body || '{}');
      } catch {
        return badRequest('body', 'not JSON');
      }
      const amount = (asked as { amount?: unknown } | null)?.amount;
      if (amount !== undefined && !(typeof amount === 'number' && Number.isInteger(amount) && amount > 0)) {
        return badRequest('amount', 'a positive whole number of minor units, or absent for all that is left');
      }
      return provider.refundByHand(decodeURIComponent(byHand[1]), amount);
    }
    const reversed = /^\/_local\/payments\/refunds\/([^/]+)\/fail$/.exec(path);
    if (method === 'POST' && reversed?.[1] && provider) {
      const refundId = decodeURIComponent(reversed[1]);
      return provider.failRefund(refundId)
        ? { status: 202, body: { failed: refundId } }
        : { status: 404, body: { error: { code: 'REFUND_NOT_FOUND', message: `No succeeded refund ${refundId}` } } };
    }
    const schedule = /^\/_local\/schedules\/([^/]+)\/run$/.exec(path);
    const scheduler = parts.scheduler();
    if (method === 'POST' && schedule?.[1] && scheduler) {
      const name = decodeURIComponent(schedule[1]);
      try {
        scheduler.fire(name);
      } catch {
        return { status: 404, body: { error: { code: 'SCHEDULE_NOT_FOUND', message: `No schedule ${name}` } } };
      }
      return { status: 202, body: { fired: name } };
    }
    return undefined;
  };
}

function faultsPage(faults: FaultInjector, method: string, body: string): { status: number; body: unknown } {
  if (method === 'GET') return { status: 200, body: { armed: faults.armed(), fired: faults.fired() } };
  if (method === 'DELETE') {
    faults.clear();
    return { status: 200, body: { armed: [], fired: faults.fired() } };
  }
  if (method !== 'POST') return { status: 405, body: { error: { code: 'METHOD_NOT_ALLOWED', message: 'GET, POST or DELETE /_local/faults' } } };
  try {
    const armed = parseFaultSpecs(JSON.parse(body || 'null')).map((spec) => faults.add(spec));
    return { status: 201, body: { armed } };
  } catch (error) {
    if (error instanceof SyntaxError) return badRequest('body', 'not JSON');
    if (error instanceof FaultSpecError) return badRequest('body', error.message);
    throw error;
  }
}

/** The newest execution named so, or whose input is about the order, with its history and the states it went through. */
function executionPage(stepFunctions: StepFunctions, query: URLSearchParams): { status: number; body: unknown } {
  const name = query.get('name') || undefined;
  const orderId = query.get('orderId') || undefined;
  if (!name && !orderId) return badRequest('orderId', 'give orderId or name');
  const [found] = stepFunctions.findExecutions({ ...(name && { name }), ...(orderId && { orderId }) });
  if (!found) {
    const what = [orderId && `for order ${orderId}`, name && `named ${name}`].filter(Boolean).join(' ');
    return { status: 404, body: { error: { code: 'EXECUTION_NOT_FOUND', message: `No execution ${what}` } } };
  }
  const events = stepFunctions.executionHistory(found.executionArn);
  const { startDate, stopDate, input, output, ...rest } = found;
  return {
    status: 200,
    body: {
      execution: {
        ...rest,
        startDate: startDate.toISOString(),
        ...(stopDate && { stopDate: stopDate.toISOString() }),
        input: parseJson(input),
        ...(output !== undefined && { output: parseJson(output) }),
      },
      path: statePath(events),
      events,
    },
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function badRequest(field: string, message: string): { status: number; body: unknown } {
  return { status: 400, body: { error: { code: 'VALIDATION_FAILED', message: `${field}: ${message}`, details: [{ field, message }] } } };
}
