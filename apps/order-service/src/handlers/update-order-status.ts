import { sqsHandler } from '@shop/common';
import { PaymentResultMessage } from '@shop/contracts';
import { sfnCheckoutStateMachine } from '../adapters/checkout-state-machine';
import { dynamoOrderRepository } from '../adapters/dynamodb-order-repository';
import { applyPaymentResult } from '../domain/payment-result';

const orders = dynamoOrderRepository();
const checkout = sfnCheckoutStateMachine();

/**
 * Consumes payment-service's payment-events queue. Each message is processed on its own: one
 * that fails (or is not a PaymentResultMessage) is reported in `batchItemFailures` and comes back
 * later, without failing the others. When every message of a batch fails, the invocation fails:
 * the batch comes back as a whole, and the function's error metric shows that something is wrong.
 */
export const handler = sqsHandler(PaymentResultMessage, async ({ message, record, log: recordLog }) => {
  const log = recordLog.child({ orderId: message.orderId, providerEventId: message.providerEventId });
  const handling = await applyPaymentResult({ orders, checkout, now: () => new Date(), log }, message, record.messageId);
  log.info({ handling, outcome: message.outcome }, 'payment result processed');
});
