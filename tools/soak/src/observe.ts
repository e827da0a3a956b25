import { DescribeExecutionCommand, ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { GetQueueAttributesCommand, ListQueuesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { physicalName, type ServiceManifest } from '@shop/platform';
import type { OrderPayment } from '@shop/contracts';
import { ApiClient, signIn } from '@shop/testing';
import type { SoakTarget } from './target';

/**
 * What the shop looks like from the outside once a soak has run, read from where the truth is:
 * the orders through the API (as their owners and the admin see them), the provider's charges and
 * refunds (its dashboard: /_local/payments), the bus's events, the outbox, the queues, the state
 * machine's executions, and the faults that fired.
 */

export interface ObservedOrder {
  orderId: string;
  status: string;
  reason?: string;
  total: { amount: number; currency: string };
  payment?: OrderPayment;
}

export interface ObservedCharge {
  id: string;
  orderId: string;
  amount: number;
  currency: string;
  status: string;
  refunds: { id: string; amount: number; status: string }[];
  webhooks: { state: string }[];
}

export interface Observation {
  orders: Map<string, ObservedOrder>;
  /** Checkout executions by order id: their status, and the error a FAILED one ended with. */
  executions: Map<string, { status: string; error?: string }>;
  charges: ObservedCharge[];
  refundsPending: number;
  webhooksUndelivered: number;
  /** Event ids by type and order: how many of each the bus took. */
  events: Map<string, Map<string, number>>;
  /** "is paid" e-mails per order id (by the order's short id in the subject). */
  paidMessages: Map<string, number>;
  /** Messages left in each queue (visible and in flight). */
  queues: Map<string, number>;
  faultsFired: Record<string, number>;
}

/** The payment incidents that name an order (libs/events' PAYMENT_INCIDENTS but UnknownCharge): each hands it to a person. */
export const ORDER_INCIDENT_EVENTS = ['RefundFailed', 'PaymentMismatch', 'UnknownRefund'] as const;
export const EVENT_TYPES = ['OrderPaid', 'OrderRefunded', 'OrderCancelled', 'OrderPaymentFailed', ...ORDER_INCIDENT_EVENTS] as const;

export async function observe(target: SoakTarget, orderIds: readonly string[]): Promise<Observation> {
  const api = new ApiClient(target.apiUrl);
  const admin = await signIn(api, target.admin.email, target.admin.password);
  const local = { region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
  const sfn = new SFNClient({ ...local, endpoint: target.stepFunctionsEndpoint });
  const sqs = new SQSClient({ ...local, endpoint: target.sqsEndpoint });
  const wanted = new Set(orderIds);
  try {
    const orders = new Map<string, ObservedOrder>();
    for (let i = 0; i < orderIds.length; i += 10) {
      const batch = await Promise.all(orderIds.slice(i, i + 10).map((id) => admin.api.get(`/orders/${id}`)));
      for (const answer of batch) if (answer.status === 200) orders.set(answer.body.orderId, answer.body as ObservedOrder);
    }

    const executions = new Map<string, { status: string; error?: string }>();
    let nextToken: string | undefined;
    do {
      const page = await sfn.send(new ListExecutionsCommand({ stateMachineArn: target.checkoutStateMachineArn, maxResults: 1000, nextToken }));
      for (const execution of page.executions ?? []) {
        if (!execution.name || !wanted.has(execution.name)) continue;
        let error: string | undefined;
        if (execution.status === 'FAILED' && execution.executionArn) {
          error = (await sfn.send(new DescribeExecutionCommand({ executionArn: execution.executionArn }))).error;
        }
        executions.set(execution.name, { status: execution.status ?? 'UNKNOWN', ...(error && { error }) });
      }
      nextToken = page.nextToken;
    } while (nextToken);

    const payments = (await api.get('/_local/payments')).body as { charges: ObservedCharge[]; ledger: { refundsPending: number } };
    const charges = payments.charges.filter((c) => wanted.has(c.orderId));

    const events = new Map<string, Map<string, number>>();
    for (const type of EVENT_TYPES) {
      const byOrder = new Map<string, number>();
      const seen = new Set<string>();
      for (const accepted of (await api.get(`/_local/events?detailType=${type}`)).body.events as { event: { detail: { id: string; detail: { orderId: string } } } }[]) {
        const envelope = accepted.event.detail;
        if (!wanted.has(envelope.detail.orderId)) continue;
        // The same event put on the bus again (a retried stream batch) is one event: count ids.
        if (seen.has(envelope.id)) continue;
        seen.add(envelope.id);
        byOrder.set(envelope.detail.orderId, (byOrder.get(envelope.detail.orderId) ?? 0) + 1);
      }
      events.set(type, byOrder);
    }

    const shortIds = new Map(orderIds.map((id) => [id.slice(0, 8).toUpperCase(), id]));
    const paidMessages = new Map<string, number>();
    for (const message of (await api.get('/_local/outbox?channel=email')).body.messages as { subject?: string }[]) {
      const match = /^Order ([0-9A-F]{8}) is paid$/.exec(message.subject ?? '');
      const orderId = match ? shortIds.get(match[1] ?? '') : undefined;
      if (orderId) paidMessages.set(orderId, (paidMessages.get(orderId) ?? 0) + 1);
    }

    const queues = await queueDepths(sqs, target.stage);

    const faultsFired = ((await api.get('/_local/faults')).body?.fired ?? {}) as Record<string, number>;
    return {
      orders,
      executions,
      charges,
      refundsPending: charges.reduce((sum, c) => sum + c.refunds.filter((r) => r.status === 'pending').length, 0),
      webhooksUndelivered: charges.reduce((sum, c) => sum + c.webhooks.filter((w) => w.state === 'delivering').length, 0),
      events,
      paidMessages,
      queues,
      faultsFired,
    };
  } finally {
    sfn.destroy();
    sqs.destroy();
  }
}

/** What is still moving: nothing, once the shop is quiet. */
export function inFlight(observation: Observation, deadLetterQueues: ReadonlySet<string>): string[] {
  const moving: string[] = [];
  const running = [...observation.executions.values()].filter((e) => e.status === 'RUNNING').length;
  if (running) moving.push(`${running} checkout execution(s) running`);
  const open = [...observation.orders.values()].filter((o) => o.status === 'PENDING' || o.status === 'AWAITING_PAYMENT');
  const stuck = open.filter((o) => observation.executions.get(o.orderId)?.status !== 'FAILED');
  if (stuck.length) moving.push(`${stuck.length} order(s) not ended`);
  // PROCESSING on an order that ended is a charge the provider never decided (pm_card_no_answer):
  // nothing was taken, and whatever it decides later is refunded. Only a refund under way moves.
  const refunding = [...observation.orders.values()].filter((o) => o.payment?.status === 'REFUND_PENDING');
  if (refunding.length) moving.push(`${refunding.length} order(s) with a refund under way`);
  if (observation.refundsPending) moving.push(`${observation.refundsPending} refund(s) pending at the provider`);
  if (observation.webhooksUndelivered) moving.push(`${observation.webhooksUndelivered} webhook(s) being delivered`);
  const queued = [...observation.queues].filter(([name, count]) => count > 0 && !isDeadLetterQueue(name, deadLetterQueues));
  if (queued.length) moving.push(`messages in ${queued.map(([name, count]) => `${name} (${count})`).join(', ')}`);
  return moving;
}

/** A queue's dead-letter queue is `<queue>-dlq`; the manifests' `deadLetterQueues` have their own names. */
export function isDeadLetterQueue(name: string, declared: ReadonlySet<string> = new Set()): boolean {
  return name.endsWith('-dlq') || declared.has(name);
}

/** The physical names of the dead-letter queues the manifests declare (`deadLetterQueues`) in a stage. */
export function declaredDeadLetterQueues(manifests: readonly ServiceManifest[], stage: string): Set<string> {
  return new Set(manifests.flatMap((m) => Object.keys(m.deadLetterQueues ?? {}).map((name) => physicalName(stage, m.name, name))));
}

/** Messages in each of the stage's queues (visible and in flight), by queue name. */
export async function queueDepths(sqs: SQSClient, stage: string): Promise<Map<string, number>> {
  const queues = new Map<string, number>();
  for (const url of (await sqs.send(new ListQueuesCommand({ QueueNamePrefix: `shop-${stage}-` }))).QueueUrls ?? []) {
    const attributes = (
      await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }))
    ).Attributes;
    queues.set(url.split('/').pop() ?? url, Number(attributes?.ApproximateNumberOfMessages ?? 0) + Number(attributes?.ApproximateNumberOfMessagesNotVisible ?? 0));
  }
  return queues;
}

/**
 * The messages that came to the dead-letter queues while the soak ran: a shared local cloud may
 * hold dead letters that earlier tests left on purpose, which are not the soak's to explain.
 */
export function sinceBaseline(queues: ReadonlyMap<string, number>, baseline: ReadonlyMap<string, number>): Map<string, number> {
  return new Map([...queues].map(([name, count]) => [name, Math.max(0, count - (baseline.get(name) ?? 0))]));
}
