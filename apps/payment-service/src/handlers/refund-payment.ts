import { sqsHandler } from '@shop/common';
import { RefundRequest } from '@shop/contracts';
import { dynamoRefundRepository } from '../adapters/dynamodb-refund-repository';
import { busIncidents } from '../adapters/incidents';
import { paymentProviderClient } from '../adapters/payment-provider-client';
import { sqsPaymentQueues } from '../adapters/sqs-payment-queues';
import { refundPayment } from '../domain/refund-payment';

const refunds = dynamoRefundRepository();
const provider = paymentProviderClient();
const incidents = busIncidents();
const queues = sqsPaymentQueues();

/** Kept back from the function's remaining time for recording the answer. */
const ANSWER_RESERVE_MS = 1500;

/**
 * Consumes the refunds queue: each request gives a charge back at most once. A provider that does
 * not answer fails the message alone (partial batch response), which the queue brings back later
 * and, after its receives, to the dead-letter queue, which is alarmed. A refund the provider refuses
 * outright counts as a failed attempt: asked again later, then an incident.
 */
export const handler = sqsHandler(
  RefundRequest,
  async ({ message: request, log: messageLog, context }) => {
    const log = messageLog.child({ orderId: request.orderId, chargeId: request.chargeId });
    const handling = await refundPayment(
      { refunds, provider, queues, incidents, deadline: () => Date.now() + context.getRemainingTimeInMillis() - ANSWER_RESERVE_MS, now: () => new Date(), log },
      request,
    );
    log.info({ handling: handling.kind, attempt: request.attempt }, 'refund request processed');
  },
  // One after another: two requests for one charge in a batch then ask the provider once.
  { inParallel: false },
);
