import type { FaultSpec } from '@shop/local-cloud';

/** Checkouts per wave of faults. */
export const ORDERS_PER_WAVE = 40;

/** One wave: a burst armed as it begins, and a pause of DynamoDB Local armed halfway through it. */
export interface FaultWave {
  /** Armed once the wave's first checkout is placed, replacing whatever the wave before left unfired. */
  burst: FaultSpec[];
  /** Added halfway through the wave, while its checkouts are in flight. */
  midway: FaultSpec[];
}

/**
 * The faults a soak arms: one wave per 40 checkouts, each with at least one of every kind the local
 * cloud can inject, aimed at the places where money and stock are decided.
 *
 * Each count in a wave stays below the attempts of what it hits: a queue message is received 5
 * times, a stream batch tried 11 times, an asynchronous invoke 3, a checkout step 4, the provider's
 * webhook delivered 4 times, a customer's request sent 6 (test/fault-plan.test.ts holds every fault
 * to its figure). These are outages the design is meant to survive, not ones it hands to a person. A bigger soak gets more
 * waves, not bigger bursts. The first plan multiplied the counts by the size instead, and at 200
 * orders it armed 15 errors in a row on order-service/update-order-status. The local cloud hands a
 * failed message back after 1 s, not the queue's 90 s, so those 15 errors were one 15-second outage
 * that spent all 5 receives of 8 payment results and dead-lettered them. On AWS, failing 5 receives
 * takes an outage of 7.5 minutes: one that should reach a person (the dead-letter queue's alarm),
 * not one a soak of survivable faults should cause. The faults that fired are counted by the local
 * cloud (`/_local/faults`).
 */
export function faultPlan(orders: number): FaultWave[] {
  return Array.from({ length: Math.max(1, Math.round(orders / ORDERS_PER_WAVE)) }, () => ({
    burst: [
      { kind: 'function-error', target: 'order-service/update-order-status', count: 3 },
      { kind: 'function-error', target: 'inventory-service/reserve-stock', count: 1 },
      { kind: 'function-error', target: 'order-events/publish-order-events', count: 2 },
      // One of each on send-notification's three attempts: together no more than the two the single kind had.
      { kind: 'function-error', target: 'notification-service/send-notification', count: 1 },
      { kind: 'email-send-fail', count: 1 },
      { kind: 'function-error', target: 'inventory-service/release-stock', count: 1 },
      { kind: 'function-timeout', target: 'payment-service/payment-webhook', count: 2, delayMs: 30 },
      { kind: 'function-timeout', target: 'order-service/finalize-order', count: 1, delayMs: 30 },
      { kind: 'function-crash', target: 'order-service/create-order', count: 1, delayMs: 5000 },
      { kind: 'function-crash', target: 'payment-service/refund-payment', count: 1, delayMs: 5000 },
      { kind: 'function-crash', target: 'order-service/cancel-order', count: 1, delayMs: 5000 },
      { kind: 'queue-send-fail', target: 'payment-service/payment-events', count: 2 },
      { kind: 'queue-send-hang', target: 'payment-service/refunds', count: 1, delayMs: 7000 },
      // Within the SDK's three attempts: a start that fails twice still starts.
      { kind: 'execution-start-fail', count: 2 },
      { kind: 'provider-5xx', count: 3 },
      { kind: 'provider-key-in-use', count: 2 },
      { kind: 'provider-timeout', count: 1, delayMs: 6000 },
      { kind: 'webhook-duplicate', count: 4 },
      { kind: 'webhook-late', count: 3, delayMs: 4000 },
      { kind: 'webhook-reorder', count: 5, delayMs: 3000 },
    ],
    midway: [{ kind: 'dynamodb-pause', delayMs: 2500 }],
  }));
}
