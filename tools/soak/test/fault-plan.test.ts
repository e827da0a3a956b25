import { FAULT_KINDS } from '@shop/local-cloud';
import { describe, expect, it } from 'vitest';
import { CLIENT_ATTEMPTS } from '../src/driver';
import { faultPlan } from '../src/fault-plan';

/**
 * The attempts each trigger gives a piece of work before it needs a person (a dead-letter queue, an
 * incident) or its customer gives up. Retries inside one invocation (the AWS SDK's 3 attempts, the
 * payment provider client's 3) are not counted: they only add margin.
 */
const QUEUE_RECEIVES = 5; // maxReceiveCount of payment-service's payment-events and refunds queues (service.ts)
const STREAM_ATTEMPTS = 1 + 10; // order-events/publish-order-events: maximumRetryAttempts 10
const ASYNC_ATTEMPTS = 1 + 2; // notification-service/send-notification: asyncInvoke.maximumRetryAttempts 2
const TASK_ATTEMPTS = 1 + 3; // apps/checkout-orchestrator/src/checkout.asl.json: every Task retries States.TaskFailed 3 times
const WEBHOOK_DELIVERIES = 1 + 3; // the local cloud's provider retries a webhook that gets no 2xx 3 times (provider-server.ts)

/**
 * How many times in a row each fault may fire on one piece of work, by its target or, for the
 * faults that have none, its kind: the attempts of the trigger that hands the work on, the fewest
 * among the functions the fault can meet.
 */
const ATTEMPTS: Record<string, number> = {
  'order-service/update-order-status': QUEUE_RECEIVES, // payment-events
  'payment-service/refund-payment': QUEUE_RECEIVES, // refunds
  'order-events/publish-order-events': STREAM_ATTEMPTS,
  'notification-service/send-notification': ASYNC_ATTEMPTS, // SNS invokes it asynchronously
  'inventory-service/reserve-stock': TASK_ATTEMPTS,
  'order-service/finalize-order': TASK_ATTEMPTS, // MarkPaid and Finalize
  'inventory-service/release-stock': TASK_ATTEMPTS, // ReleaseStock; cancel-order's call to it is best effort
  'payment-service/payment-webhook': WEBHOOK_DELIVERIES,
  // The customer sends it again with the same Idempotency-Key: a retry finishes what a crash left.
  'order-service/create-order': CLIENT_ATTEMPTS,
  'order-service/cancel-order': CLIENT_ATTEMPTS,
  // A failed send fails its sender; payment-webhook, which sends to both, has the fewest attempts.
  'payment-service/payment-events': WEBHOOK_DELIVERIES,
  'payment-service/refunds': WEBHOOK_DELIVERIES,
  'execution-start-fail': CLIENT_ATTEMPTS, // create-order's StartExecution
  // The shop's e-mail during a soak: send-notification's (customers verify their address before the first wave).
  'email-send-fail': ASYNC_ATTEMPTS,
  // The provider's POSTs: a refund (refund-payment, from the refunds queue) or a charge (its customer's retries).
  'provider-5xx': QUEUE_RECEIVES,
  'provider-key-in-use': QUEUE_RECEIVES,
  'provider-timeout': QUEUE_RECEIVES,
  // Delivered all the same, only twice, late or out of order: no attempt is spent.
  'webhook-duplicate': Infinity,
  'webhook-late': Infinity,
  'webhook-reorder': Infinity,
  // Every function's tables at once: the fewest attempts any trigger gives (send-notification's).
  'dynamodb-pause': ASYNC_ATTEMPTS,
};

describe("the soak's fault plan", () => {
  it('arms every kind of fault the local cloud can inject in every wave', () => {
    for (const wave of faultPlan(200)) expect(new Set([...wave.burst, ...wave.midway].map((f) => f.kind))).toEqual(new Set(FAULT_KINDS));
  });

  it('grows by adding a wave per 40 checkouts, never by bigger bursts', () => {
    expect(faultPlan(40)).toHaveLength(1);
    expect(faultPlan(200)).toHaveLength(5);
    expect(faultPlan(1)).toHaveLength(1);
    expect(faultPlan(200)[4]).toEqual(faultPlan(40)[0]);
  });

  it('keeps every fault below the attempts of what it hits: survivable faults, not ones for a person', () => {
    for (const fault of faultPlan(400).flatMap((w) => [...w.burst, ...w.midway])) {
      const what = fault.target ?? fault.kind;
      const attempts = ATTEMPTS[what];
      expect(attempts, `${fault.kind} on ${what}: how many attempts does it meet?`).toBeDefined();
      expect(fault.count ?? 1, `${fault.kind} on ${what}`).toBeLessThan(attempts!);
    }
  });
});
