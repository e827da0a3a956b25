import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { requireEnv } from '@shop/common';
import { queueUrlEnvVar, type SendsToOf } from '@shop/platform';
import { sqsClient } from '@shop/aws';
import { PaymentResultMessage, RefundRequest } from '@shop/contracts';
import type { PaymentService } from '../service';

/** The queue order-service/update-order-status consumes (manifest: queues, sendsTo). */
export const PAYMENT_EVENTS_QUEUE_REF = 'payment-service/payment-events' satisfies SendsToOf<PaymentService>;
export const PAYMENT_EVENTS_QUEUE_URL_ENV = queueUrlEnvVar(PAYMENT_EVENTS_QUEUE_REF);
/** The queue refund-payment consumes. */
export const REFUNDS_QUEUE_REF = 'payment-service/refunds' satisfies SendsToOf<PaymentService>;
export const REFUNDS_QUEUE_URL_ENV = queueUrlEnvVar(REFUNDS_QUEUE_REF);

export interface PaymentQueues {
  /** A verified charge or refund outcome, for order-service. */
  sendResult(message: PaymentResultMessage): Promise<void>;
  /** A charge to give back; `delaySeconds` holds a retried attempt back (SQS allows up to 900 s). */
  requestRefund(request: RefundRequest, delaySeconds?: number): Promise<void>;
}

export function sqsPaymentQueues(options: { client?: () => SQSClient; queueUrl?: (env: string) => string } = {}): PaymentQueues {
  const client = options.client ?? sqsClient;
  const queueUrl = options.queueUrl ?? requireEnv;

  async function send(urlEnv: string, body: { correlationId?: string | undefined }, delaySeconds?: number): Promise<void> {
    await client().send(
      new SendMessageCommand({
        QueueUrl: queueUrl(urlEnv),
        MessageBody: JSON.stringify(body),
        ...(delaySeconds ? { DelaySeconds: Math.min(900, Math.max(0, Math.round(delaySeconds))) } : {}),
        ...(body.correlationId ? { MessageAttributes: { correlationId: { DataType: 'String', StringValue: body.correlationId } } } : {}),
      }),
    );
  }

  return {
    // Checked on the way out as the consumer checks them on the way in.
    sendResult: (message) => send(PAYMENT_EVENTS_QUEUE_URL_ENV, PaymentResultMessage.parse(message)),
    requestRefund: (request, delaySeconds) => send(REFUNDS_QUEUE_URL_ENV, RefundRequest.parse(request), delaySeconds),
  };
}
