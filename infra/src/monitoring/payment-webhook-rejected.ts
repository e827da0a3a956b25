import type { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import type { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import type { ShopStack } from '../stacks/shop-stack';
import { alarm, countingMetricFilter } from './alarm';
import { accessLogField, apiName, NOT_THROTTLED, PAYMENT_WEBHOOK_REQUEST, PAYMENT_WEBHOOK_ROUTE } from './api-throttling';
import { accessLogMetric, PAYMENT_WEBHOOK_REJECTED } from './thresholds';

/**
 * The payment provider's webhooks that the shop refused with a 4xx: payment-webhook answers 401
 * when the signature does not match the signing secret in SSM (or is missing, or too old), 400 when
 * the body is no event, 413 when it is too large (apps/payment-service/src/handlers/payment-webhook.ts).
 * A provider signs every delivery with the secret the shop should hold, so a wrong secret refuses
 * them all: no charge or refund is recorded, the orders' payment windows run out, and the function
 * logs each refusal at info, as any 4xx, which no alarm on errors or 5xx sees. A metric filter on the
 * access log counts them, as the throttled requests are counted (api-throttling.ts); the refusals
 * that are API Gateway's throttle are left to `payment-webhook-throttled`, which has its own
 * procedure.
 */
export const PAYMENT_WEBHOOK_REJECTED_FILTER = {
  metric: 'RejectedPaymentWebhooks',
  name: `Payment webhooks the shop refused with 4xx (${PAYMENT_WEBHOOK_ROUTE})`,
  pattern: `{ ${PAYMENT_WEBHOOK_REQUEST} && ${accessLogField('status', '=', '4*')} && ${NOT_THROTTLED} }`,
} as const;

/** Where an operator reads what to do when the shop refuses the provider's webhooks. */
export const PAYMENT_WEBHOOK_REJECTED_RUNBOOK = 'docs/runbooks.md#the-payment-providers-webhooks-were-refused';

/** The metric filter on the HTTP API's access log group that counts the refused webhooks. */
export function rejectedPaymentWebhookFilter(stack: ShopStack, accessLogs: CloudwatchLogGroup): void {
  const { metric, name, pattern } = PAYMENT_WEBHOOK_REJECTED_FILTER;
  countingMetricFilter(stack, 'api-payment-webhooks-rejected', { name, logGroupName: accessLogs.name, pattern, metric: accessLogMetric(apiName(stack), metric) });
}

/** `shop-<stage>-payment-webhook-rejected`, on the filter's metric. */
export function rejectedPaymentWebhookAlarm(stack: ShopStack, topicArn: string): CloudwatchMetricAlarm {
  const { stage } = stack.config;
  return alarm(stack, topicArn, {
    id: 'alarm-payment-webhook-rejected',
    name: `shop-${stage}-payment-webhook-rejected`,
    description:
      `The shop refused webhooks to ${PAYMENT_WEBHOOK_ROUTE} with 4xx in the last five minutes: the webhook signing secret ` +
      `(/shop/${stage}/payment-provider/webhook-secret) is not the provider's, and then every charge and refund the provider reports ` +
      'goes unrecorded; or someone sends forged webhooks. Tell which from the access log, mend the secret if it is wrong: the provider ' +
      `resends the refused events. See ${PAYMENT_WEBHOOK_REJECTED_RUNBOOK}`,
    ...accessLogMetric(apiName(stack), PAYMENT_WEBHOOK_REJECTED_FILTER.metric),
    dimensions: {},
    ...PAYMENT_WEBHOOK_REJECTED,
  });
}
