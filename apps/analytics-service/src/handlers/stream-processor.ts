import { invokeHandler } from '@shop/common';
import { CheckoutStarted } from '@shop/contracts';
import { dynamoMetricsStore } from '../adapters/dynamodb-metrics-store';
import { checkoutStartedMetrics } from '../domain/metrics';

const metrics = dynamoMetricsStore();

/**
 * create-order fires this with an asynchronous invoke when a checkout starts: the top of the
 * funnel. Counted once per order however often it arrives (a retried checkout tells it again,
 * Lambda may deliver an event twice). A failure is Lambda's to retry; nothing waits on it.
 */
export const handler = invokeHandler(CheckoutStarted, async ({ payload, log }) => {
  const outcome = await metrics.record(`checkout-started#${payload.orderId}`, checkoutStartedMetrics(payload));
  log.info({ orderId: payload.orderId, outcome }, 'checkout start counted');
  return { outcome };
});
