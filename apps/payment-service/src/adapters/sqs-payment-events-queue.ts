import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { queueUrlEnvVar, requireEnv } from '@shop/common';
import { sqsClient } from '@shop/aws';
import { PaymentResultMessage } from '@shop/domain';

/** The queue order-service/update-order-status consumes (manifest: queues, sendsTo). */
export const PAYMENT_EVENTS_QUEUE_REF = 'payment-service/payment-events';
export const PAYMENT_EVENTS_QUEUE_URL_ENV = queueUrlEnvVar(PAYMENT_EVENTS_QUEUE_REF);

export interface PaymentEventsQueue {
  send(message: PaymentResultMessage): Promise<void>;
}

export function sqsPaymentEventsQueue(options: { client?: () => SQSClient; queueUrl?: () => string } = {}): PaymentEventsQueue {
  const client = options.client ?? sqsClient;
  const queueUrl = options.queueUrl ?? (() => requireEnv(PAYMENT_EVENTS_QUEUE_URL_ENV));
  return {
    async send(message) {
      // Checked on the way out as the consumer checks it on the way in.
      const body = PaymentResultMessage.parse(message);
      await client().send(
        new SendMessageCommand({
          QueueUrl: queueUrl(),
          MessageBody: JSON.stringify(body),
          ...(body.correlationId
            ? { MessageAttributes: { correlationId: { DataType: 'String', StringValue: body.correlationId } } }
            : {}),
        }),
      );
    },
  };
}
