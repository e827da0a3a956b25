import type { FaultSpec } from '@shop/local-cloud';

/**
 * The faults a soak arms, scaled to its size: at least one of every kind the local cloud can
 * inject, aimed at the places where money and stock are decided. Each count stays within the
 * retries of what it hits (a stream retries 10 times, an asynchronous invoke 2, a queue message
 * 5 receives, the provider's webhook 3 retries): a fault the design is meant to survive, not one it
 * is meant to hand to a person. Those that fired are counted by the local cloud (`/_local/faults`).
 */
export function faultPlan(orders: number): { atStart: FaultSpec[]; midway: FaultSpec[] } {
  const n = (perForty: number) => Math.max(1, Math.round((perForty * orders) / 40));
  return {
    atStart: [
      { kind: 'function-error', target: 'order-service/update-order-status', count: n(3) },
      { kind: 'function-error', target: 'inventory-service/reserve-stock', count: n(1) },
      { kind: 'function-error', target: 'order-events/publish-order-events', count: n(2) },
      { kind: 'function-error', target: 'notification-service/send-notification', count: n(2) },
      { kind: 'function-error', target: 'inventory-service/release-stock', count: n(1) },
      { kind: 'function-timeout', target: 'payment-service/payment-webhook', count: n(2), delayMs: 30 },
      { kind: 'function-timeout', target: 'order-service/finalize-order', count: n(1), delayMs: 30 },
      { kind: 'function-crash', target: 'order-service/create-order', count: n(1), delayMs: 5000 },
      { kind: 'function-crash', target: 'payment-service/refund-payment', count: n(1), delayMs: 5000 },
      { kind: 'function-crash', target: 'order-service/cancel-order', count: n(1), delayMs: 5000 },
      { kind: 'queue-send-fail', target: 'payment-service/payment-events', count: n(2) },
      { kind: 'queue-send-hang', target: 'payment-service/refunds', count: n(1), delayMs: 7000 },
      { kind: 'provider-5xx', count: n(3) },
      { kind: 'provider-timeout', count: n(1), delayMs: 6000 },
      { kind: 'webhook-duplicate', count: n(4) },
      { kind: 'webhook-late', count: n(3), delayMs: 4000 },
      { kind: 'webhook-reorder', count: n(5), delayMs: 3000 },
    ],
    midway: [{ kind: 'dynamodb-pause', delayMs: 2500 }],
  };
}
