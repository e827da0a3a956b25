import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { logger } from '@shop/common';
import { RefundRequest } from '@shop/domain';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { dynamoRefundRepository } from '../adapters/dynamodb-refund-repository';
import { busIncidents } from '../adapters/incidents';
import { paymentProviderClient } from '../adapters/payment-provider-client';
import { sqsPaymentQueues } from '../adapters/sqs-payment-queues';
import { refundPayment } from '../domain/refund-payment';

const refunds = dynamoRefundRepository();
const provider = paymentProviderClient();
const incidents = busIncidents();
const queues = sqsPaymentQueues();
const processor = new BatchProcessor(EventType.SQS);

/** Kept back from the function's remaining time for recording the answer. */
const ANSWER_RESERVE_MS = 1500;

/** A message that can never be processed; it fails alone, and the queue moves it to the DLQ after its receives. */
export class PoisonMessageError extends Error {
  override readonly name = 'PoisonMessage';
}

function parseRequest(record: SQSRecord): RefundRequest {
  let json: unknown;
  try {
    json = JSON.parse(record.body);
  } catch {
    throw new PoisonMessageError(`message ${record.messageId} is not JSON`);
  }
  const parsed = RefundRequest.safeParse(json);
  if (!parsed.success) throw new PoisonMessageError(`message ${record.messageId} is not a RefundRequest: ${parsed.error.message}`);
  return parsed.data;
}

/**
 * Consumes the refunds queue: each request gives a charge back at most once. A provider that does
 * not answer fails the message alone (partial batch response), which the queue brings back later
 * and, after its receives, to the dead-letter queue, which is alarmed. A refund the provider refuses
 * outright counts as a failed attempt: asked again later, then an incident.
 */
export const handler = async (event: SQSEvent, context: Context) =>
  processPartialResponse(
    event,
    async (record: SQSRecord) => {
      let request: RefundRequest;
      try {
        request = parseRequest(record);
      } catch (error) {
        logger.error({ messageId: record.messageId, err: error }, 'poison message');
        throw error;
      }
      const log = logger.child({ messageId: record.messageId, correlationId: request.correlationId ?? record.messageId, orderId: request.orderId, chargeId: request.chargeId });
      const handling = await refundPayment(
        { refunds, provider, queues, incidents, deadline: () => Date.now() + context.getRemainingTimeInMillis() - ANSWER_RESERVE_MS, now: () => new Date(), log },
        request,
      );
      log.info({ handling: handling.kind, attempt: request.attempt }, 'refund request processed');
    },
    processor,
    // One after another: two requests for one charge in a batch then ask the provider once.
    { context, processInParallel: false },
  );
