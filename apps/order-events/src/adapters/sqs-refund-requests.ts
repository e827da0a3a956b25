import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { requireEnv } from '@shop/common';
import { queueUrlEnvVar, type SendsToOf } from '@shop/platform';
import { sqsClient } from '@shop/aws';
import { RefundRequest } from '@shop/contracts';
import type { OrderEventsService } from '../service';

/** payment-service's refunds queue (manifest: sendsTo). */
export const REFUNDS_QUEUE_REF = 'payment-service/refunds' satisfies SendsToOf<OrderEventsService>;
export const REFUNDS_QUEUE_URL_ENV = queueUrlEnvVar(REFUNDS_QUEUE_REF);

export interface RefundRequests {
  send(request: RefundRequest): Promise<void>;
}

/** Asks payment-service for a refund; it refunds a charge at most once, so asking twice is harmless. */
export function sqsRefundRequests(options: { client?: () => SQSClient; queueUrl?: () => string } = {}): RefundRequests {
  const client = options.client ?? sqsClient;
  const queueUrl = options.queueUrl ?? (() => requireEnv(REFUNDS_QUEUE_URL_ENV));
  return {
    async send(request) {
      const body = RefundRequest.parse(request);
      await client().send(
        new SendMessageCommand({
          QueueUrl: queueUrl(),
          MessageBody: JSON.stringify(body),
          ...(body.correlationId ? { MessageAttributes: { correlationId: { DataType: 'String', StringValue: body.correlationId } } } : {}),
        }),
      );
    },
  };
}
