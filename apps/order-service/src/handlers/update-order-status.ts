import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { logger } from '@shop/common';
import { PaymentResultMessage } from '@shop/domain';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { sfnCheckoutStateMachine } from '../adapters/checkout-state-machine';
import { dynamoOrderRepository } from '../adapters/dynamodb-order-repository';
import { applyPaymentResult } from '../domain/payment-result';

const orders = dynamoOrderRepository();
const checkout = sfnCheckoutStateMachine();
const processor = new BatchProcessor(EventType.SQS);

/** A message that can never be processed; it fails alone, and the queue moves it to the DLQ after its receives. */
export class PoisonMessageError extends Error {
  override readonly name = 'PoisonMessage';
}

function parseMessage(record: SQSRecord): PaymentResultMessage {
  let json: unknown;
  try {
    json = JSON.parse(record.body);
  } catch {
    throw new PoisonMessageError(`message ${record.messageId} is not JSON`);
  }
  const parsed = PaymentResultMessage.safeParse(json);
  if (!parsed.success) throw new PoisonMessageError(`message ${record.messageId} is not a PaymentResultMessage: ${parsed.error.message}`);
  return parsed.data;
}

async function processRecord(record: SQSRecord): Promise<void> {
  let message: PaymentResultMessage;
  try {
    message = parseMessage(record);
  } catch (error) {
    logger.error({ messageId: record.messageId, err: error }, 'poison message');
    throw error;
  }
  const log = logger.child({
    messageId: record.messageId,
    correlationId: message.correlationId ?? record.messageId,
    orderId: message.orderId,
    providerEventId: message.providerEventId,
  });
  const handling = await applyPaymentResult({ orders, checkout, now: () => new Date(), log }, message, record.messageId);
  log.info({ handling, outcome: message.outcome }, 'payment result processed');
}

/**
 * Consumes payment-service's payment-events queue. Each message is processed on its own: one
 * that fails is reported in `batchItemFailures` and comes back later, without failing the others.
 * When every message of a batch fails, Powertools fails the invocation (FullBatchFailureError):
 * the batch comes back as a whole, and the function's error metric shows that something is wrong.
 */
export const handler = async (event: SQSEvent, context: Context) => processPartialResponse(event, processRecord, processor, { context });
