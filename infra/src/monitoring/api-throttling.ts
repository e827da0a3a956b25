import type { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import type { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import type { ACCESS_LOG_FORMAT } from '../platform/http-api';
import type { ShopStack } from '../stacks/shop-stack';
import { alarm, countingMetricFilter } from './alarm';
import { accessLogMetric, API_THROTTLED } from './thresholds';

/**
 * Requests API Gateway refused for its throttle, and the payment provider's webhooks among them.
 * API Gateway answers those 429 itself, to everyone alike, once the stage's limits
 * (`apiThrottling`) or the account's are used up: a client flooding the API (junk to the public
 * webhook, each answered 401 cheaply) gets the provider's genuine webhooks refused with the rest.
 * The provider retries, but a payment confirmed after its order's window is refunded: a lost sale.
 * API Gateway publishes no metric of its throttling for an HTTP API (only 4xx, with every other
 * client error), so two metric filters count the refusals in the access log (http-api.ts makes them
 * on its log group) and the platform alarms on both.
 */

/** The route the provider posts its events to (payment-service's manifest), as the access log's `routeKey` writes it. */
export const PAYMENT_WEBHOOK_ROUTE = 'POST /payment/webhook';

type AccessLogField = keyof typeof ACCESS_LOG_FORMAT;

/**
 * A comparison of a metric filter's JSON pattern on a field of the access log, which writes every
 * value as a string; `*` in the value stands for any characters, as in CloudWatch's patterns.
 */
export function accessLogField(name: AccessLogField, comparison: '=' | '!=', value: string): string {
  return `($.${name} ${comparison} ${JSON.stringify(value)})`;
}

/**
 * A 429 that no function answered. `integrationStatus` is Lambda's answer to the invoke, 200
 * whenever the function ran, whatever the function answered (user-service answers 429 of its own:
 * a code asked for too often, Cognito throttled); API Gateway's throttle invokes nothing and logs
 * `-` there.
 */
const THROTTLED = `${accessLogField('status', '=', '429')} && ${accessLogField('integrationStatus', '!=', '200')}`;

/** Any answer but API Gateway's throttle (THROTTLED): what the API answered itself otherwise, or a function did. */
export const NOT_THROTTLED = `(${accessLogField('status', '!=', '429')} || ${accessLogField('integrationStatus', '=', '200')})`;

const [webhookMethod = '', webhookPath = ''] = PAYMENT_WEBHOOK_ROUTE.split(' ');
/**
 * The webhook's route by its key, or by its method and path: a request refused before its route
 * was matched (by the account's throttle rather than the route's) may log no route key, and that
 * webhook is refused all the same.
 */
export const PAYMENT_WEBHOOK_REQUEST = `(${accessLogField('routeKey', '=', PAYMENT_WEBHOOK_ROUTE)} || (${accessLogField('httpMethod', '=', webhookMethod)} && ${accessLogField('path', '=', webhookPath)}))`;

/** The two metric filters, by what they count: the metric's name, and the filter's JSON pattern. */
export const THROTTLED_REQUEST_FILTERS = {
  requests: { metric: 'ThrottledRequests', name: 'Requests API Gateway throttled', pattern: `{ ${THROTTLED} }` },
  'payment-webhooks': {
    metric: 'ThrottledPaymentWebhooks',
    name: `Payment webhooks API Gateway throttled (${PAYMENT_WEBHOOK_ROUTE})`,
    pattern: `{ ${THROTTLED} && ${PAYMENT_WEBHOOK_REQUEST} }`,
  },
} as const;

export function apiName(stack: ShopStack): string {
  return `shop-${stack.config.stage}-api`;
}

/** The metric filters on the HTTP API's access log group that count its throttled requests. */
export function throttledRequestFilters(stack: ShopStack, accessLogs: CloudwatchLogGroup): void {
  for (const [id, { metric, name, pattern }] of Object.entries(THROTTLED_REQUEST_FILTERS)) {
    countingMetricFilter(stack, `api-throttled-${id}`, { name, logGroupName: accessLogs.name, pattern, metric: accessLogMetric(apiName(stack), metric) });
  }
}

/** `shop-<stage>-api-throttled` and `shop-<stage>-payment-webhook-throttled`, on the filters' metrics. */
export function throttledRequestAlarms(stack: ShopStack, topicArn: string): CloudwatchMetricAlarm[] {
  const { stage, apiThrottling } = stack.config;
  const metric = (what: keyof typeof THROTTLED_REQUEST_FILTERS) => ({
    ...accessLogMetric(apiName(stack), THROTTLED_REQUEST_FILTERS[what].metric),
    dimensions: {},
    ...API_THROTTLED,
  });
  return [
    alarm(stack, topicArn, {
      id: 'alarm-api-throttled',
      name: `shop-${stage}-api-throttled`,
      description:
        'API Gateway refused requests with 429 for its throttle in the last five minutes, calling no function: the stage\'s limits ' +
        `(apiThrottling: ${apiThrottling.rateLimit} requests a second, bursts of ${apiThrottling.burstLimit}) or the account's were used up, ` +
        "by a flood or by a sale. Customers' carts, checkouts and payments were refused, and the payment provider's webhooks may be. " +
        'Find who sends the most and block them, or raise the limits for a sale. See docs/runbooks.md#api-gateway-throttled-requests',
      ...metric('requests'),
    }),
    alarm(stack, topicArn, {
      id: 'alarm-payment-webhook-throttled',
      name: `shop-${stage}-payment-webhook-throttled`,
      description:
        `API Gateway refused the payment provider's webhooks (${PAYMENT_WEBHOOK_ROUTE}) with 429 for its throttle in the last five minutes. ` +
        "The provider retries them, but a payment confirmed after its order's payment window is refunded and the order fails: a lost sale. " +
        "Stop what uses up the throttle, then resend the provider's failed deliveries from its dashboard. " +
        'See docs/runbooks.md#the-payment-providers-webhooks-were-throttled',
      ...metric('payment-webhooks'),
    }),
  ];
}
