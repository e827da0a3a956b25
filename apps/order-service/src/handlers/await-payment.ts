import { taskHandler } from '@shop/common';
import { AwaitPaymentRequest } from '@shop/contracts';
import { sfnCheckoutStateMachine } from '../adapters/checkout-state-machine';
import { dynamoOrderRepository } from '../adapters/dynamodb-order-repository';
import { awaitPayment } from '../domain/await-payment';

const orders = dynamoOrderRepository();
const checkout = sfnCheckoutStateMachine();

/**
 * Checkout step WaitForPayment (`.waitForTaskToken`): the order becomes AWAITING_PAYMENT and keeps
 * the task token until update-order-status (or a cancel) resumes the execution with it. A retried
 * step brings a new token: it replaces the old one while no payment outcome is recorded; once one
 * is, the step reports it with its own token at once. What this returns is ignored.
 */
export const handler = taskHandler(AwaitPaymentRequest, async ({ payload, log }): Promise<void> => {
  await awaitPayment({ orders, checkout, now: () => new Date(), log }, payload);
});
