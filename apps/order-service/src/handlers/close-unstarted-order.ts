import { sqsHandler } from '@shop/common';
import { sfnCheckoutStateMachine } from '../adapters/checkout-state-machine';
import { dynamoOrderRepository } from '../adapters/dynamodb-order-repository';
import { CheckoutStartCheck, closeUnstartedOrder } from '../domain/checkout-start-check';

const orders = dynamoOrderRepository();
const checkout = sfnCheckoutStateMachine();

/**
 * Consumes the checkout-start-checks queue: each message comes one payment window after its order
 * was written, and cancels the order if its checkout never started. A message that fails comes
 * back (and after five receives waits in the alarmed dead-letter queue) without holding up the others.
 */
export const handler = sqsHandler(CheckoutStartCheck, async ({ message, log: recordLog }) => {
  const log = recordLog.child({ orderId: message.orderId });
  const outcome = await closeUnstartedOrder({ orders, checkout, now: () => new Date(), log }, message);
  log.info({ outcome }, 'checkout start checked');
});
