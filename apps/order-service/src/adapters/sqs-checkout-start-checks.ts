import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { requireEnv } from '@shop/common';
import { queueUrlEnvVar, type SendsToOf } from '@shop/platform';
import { sqsClient } from '@shop/aws';
import { CheckoutStartCheck, type CheckoutStartChecks } from '../domain/checkout-start-check';
import type { OrderService } from '../service';

/** order-service's own queue of delayed checks (manifest: sendsTo). */
export const CHECKOUT_START_CHECKS_QUEUE_REF = 'order-service/checkout-start-checks' satisfies SendsToOf<OrderService>;
export const CHECKOUT_START_CHECKS_QUEUE_URL_ENV = queueUrlEnvVar(CHECKOUT_START_CHECKS_QUEUE_REF);

/** Sends an order's check, delayed, to the checkout-start-checks queue. */
export function sqsCheckoutStartChecks(options: { client?: () => SQSClient; queueUrl?: () => string } = {}): CheckoutStartChecks {
  const client = options.client ?? sqsClient;
  const queueUrl = options.queueUrl ?? (() => requireEnv(CHECKOUT_START_CHECKS_QUEUE_URL_ENV));
  return {
    async send(check, delaySeconds) {
      const body = CheckoutStartCheck.parse(check);
      await client().send(
        new SendMessageCommand({
          QueueUrl: queueUrl(),
          MessageBody: JSON.stringify(body),
          DelaySeconds: delaySeconds,
          MessageAttributes: { correlationId: { DataType: 'String', StringValue: body.correlationId } },
        }),
      );
    },
  };
}
