import type { Apigatewayv2Api } from '@cdktf/provider-aws/lib/apigatewayv2-api';
import type { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import { emailConfigurationSetName } from '../iam';
import { apiFallbackFunctionName } from '../platform/api-fallback-function';
import type { ShopStack } from '../stacks/shop-stack';
import { topicKey } from '../stacks/topic-key';
import { alarm } from './alarm';
import { throttledRequestAlarms } from './api-throttling';
import { dashboard, type MetricRow } from './dashboard';
import { rejectedPaymentWebhookAlarm } from './payment-webhook-rejected';
import { runbookEntry } from './runbooks';
import { ACCOUNT_METRIC_WINDOW, EMAIL_REPUTATION_ALARMS, functionAlarms, INCIDENT_NAMESPACE, OPERATOR_INCIDENTS, QUOTA_ALARM_SHARE } from './thresholds';

/**
 * The topic every alarm of the stage tells, e-mailed to `SHOP_ALARM_EMAIL` (the address confirms
 * the subscription once, from SNS's e-mail). Encrypted with a key of its own: CloudWatch cannot
 * publish to a topic under the AWS-managed SNS key, and its grant on this one holds only for the
 * stage's own alarms, in this account.
 */
export function alarmsTopic(stack: ShopStack): SnsTopic {
  const { stage, region, alarmEmail } = stack.config;
  const name = `shop-${stage}-alarms`;
  const key = topicKey(stack, 'alarms-key', {
    alias: name,
    description: `Encrypts the SNS topic ${name}, which CloudWatch alarms publish to`,
    publishers: [
      {
        service: 'cloudwatch.amazonaws.com',
        condition: {
          StringEquals: { 'aws:SourceAccount': stack.accountId },
          ArnLike: { 'aws:SourceArn': `arn:aws:cloudwatch:${region}:${stack.accountId}:alarm:shop-${stage}-*` },
        },
      },
    ],
  });
  const topic = new SnsTopic(stack, 'alarms', { name, kmsMasterKeyId: key.arn });
  new SnsTopicSubscription(stack, 'alarms-email', { topicArn: topic.arn, protocol: 'email', endpoint: alarmEmail });
  return topic;
}

/**
 * The HTTP API's alarms (any 5xx in five minutes; p99 latency over 3 s for 15 minutes; any request
 * API Gateway throttled, and any of the payment provider's webhooks among them: api-throttling.ts;
 * any of those webhooks the shop refused with a 4xx: payment-webhook-rejected.ts), the
 * `$default` function's, the alarms on what can stop the shop's messages (`sendingAlarms`), and
 * the checkout dashboard.
 */
export function platformMonitoring(stack: ShopStack, topicArn: string, api: Apigatewayv2Api): CloudwatchMetricAlarm[] {
  const { stage } = stack.config;
  const dimensions = { ApiId: api.id, Stage: '$default' };
  const apiAlarms = [
    alarm(stack, topicArn, {
      id: 'alarm-api-5xx',
      name: `shop-${stage}-api-5xx`,
      description: `The HTTP API answered 5xx: a function failed or timed out, or API Gateway could not reach it. See the access log, and ${runbookEntry('The API answered 5xx')}`,
      namespace: 'AWS/ApiGateway',
      metricName: '5xx',
      dimensions,
      statistic: 'Sum',
      threshold: 0,
      period: 300,
    }),
    alarm(stack, topicArn, {
      id: 'alarm-api-latency-p99',
      name: `shop-${stage}-api-latency-p99`,
      description: `One request in a hundred has taken over 3 seconds for 15 minutes: see the functions' durations and cold starts, and ${runbookEntry('The API is slow')}`,
      namespace: 'AWS/ApiGateway',
      metricName: 'Latency',
      dimensions,
      statistic: 'p99',
      threshold: 3000,
      period: 300,
      evaluationPeriods: 3,
      datapointsToAlarm: 3,
    }),
    ...throttledRequestAlarms(stack, topicArn),
    rejectedPaymentWebhookAlarm(stack, topicArn),
    ...functionAlarms(apiFallbackFunctionName(stage)).map((spec) =>
      alarm(stack, topicArn, { ...spec, id: `alarm-api-fallback-${spec.id}`, description: `The HTTP API's $default route function: ${spec.description}` }),
    ),
  ];
  const sending = sendingAlarms(stack, topicArn);
  checkoutDashboard(stack, apiAlarms, sending);
  return [...apiAlarms, ...sending];
}

/** `limit`'s share at which its alarm fires, to the cent. */
function quotaThreshold(limit: number): number {
  return Math.round(limit * QUOTA_ALARM_SHARE * 100) / 100;
}

/**
 * What stops the shop's e-mail and SMS while no function fails: SNS's monthly SMS spend limit
 * (`smsSpendLimitUsd`), SES's bounce and complaint rates, and SES's 24-hour sending quota
 * (`sesDailyQuota`). Each alarms before AWS acts. The spend, the quota and SES's review are the
 * account's, shared by the stages in it, so both stages' alarms fire for either's sending. The
 * rates are read from the stage's configuration set (whose reputation metrics email-sending.ts
 * turns on, dimension `ses:configuration-set`): every message of the stage goes through it, so
 * this is the stage's own mail, and while each stage's stays under the threshold, so does the
 * account's (the account's rate, with no dimension, is what SES reviews).
 */
export function sendingAlarms(stack: ShopStack, topicArn: string): CloudwatchMetricAlarm[] {
  const { stage, smsSpendLimitUsd, sesDailyQuota } = stack.config;
  const share = `${Math.round(QUOTA_ALARM_SHARE * 100)} %`;
  const configurationSet = emailConfigurationSetName(stage);
  return [
    alarm(stack, topicArn, {
      id: 'alarm-sms-spend',
      name: `shop-${stage}-sms-spend`,
      description:
        `The account's SMS spend this month has reached ${share} of its spend limit of ${smsSpendLimitUsd} USD (SHOP_SMS_SPEND_LIMIT_USD): ` +
        'once past it, SNS sends no SMS (codes, order texts) until the month ends. Raise the limit in SNS and the setting with it, ' +
        'or find what sends so much. See docs/runbooks.md#sms-spend-near-the-limit',
      namespace: 'AWS/SNS',
      metricName: 'SMSMonthToDateSpentUSD',
      dimensions: {},
      statistic: 'Maximum',
      threshold: quotaThreshold(smsSpendLimitUsd),
      comparison: 'GreaterThanOrEqualToThreshold',
      ...ACCOUNT_METRIC_WINDOW,
    }),
    ...EMAIL_REPUTATION_ALARMS.map(({ id, metricName, threshold, percent, what, review }) =>
      alarm(stack, topicArn, {
        id: `alarm-email-${id}`,
        name: `shop-${stage}-email-${id}`,
        description:
          `More than ${percent} of the stage's e-mail ${what} (${configurationSet}): SES reviews an account at ${review} ` +
          "and may pause all its sending, every stage's order e-mails and codes. Find what is sent to whom, and stop it. " +
          'See docs/runbooks.md#e-mail-bounces-or-complaints',
        namespace: 'AWS/SES',
        metricName,
        dimensions: { 'ses:configuration-set': configurationSet },
        statistic: 'Maximum',
        threshold,
        ...ACCOUNT_METRIC_WINDOW,
      }),
    ),
    alarm(stack, topicArn, {
      id: 'alarm-email-daily-quota',
      name: `shop-${stage}-email-daily-quota`,
      description:
        `The account has sent ${share} of its SES quota of ${sesDailyQuota} messages in 24 hours (SHOP_SES_DAILY_QUOTA): ` +
        'once it is spent, SES refuses every send, every stage\'s order e-mails and codes. Ask AWS for more and raise the setting with it, ' +
        'or find what sends so much. See docs/runbooks.md#e-mails-daily-quota-nearly-spent',
      namespace: 'AWS/SES',
      metricName: 'Send',
      dimensions: {},
      statistic: 'Sum',
      threshold: quotaThreshold(sesDailyQuota),
      comparison: 'GreaterThanOrEqualToThreshold',
      // One period of a day, which slides as CloudWatch evaluates (its default window): the sends of
      // the last 24 hours, which is what the quota counts.
      period: 86_400,
    }),
  ];
}

/**
 * Orders by how they ended, revenue and checkout duration, from the metrics the services write
 * in Embedded Metric Format (namespace `Shop`, dimensions `service` and `stage`, and `currency` for
 * RevenueCents: order-events/src/domain/checkout-metrics.ts). SEARCH finds
 * them whichever service writes them, so this dashboard need not know which one does.
 */
function checkoutDashboard(stack: ShopStack, alarms: readonly CloudwatchMetricAlarm[], sending: readonly CloudwatchMetricAlarm[]): void {
  const { stage } = stack.config;
  const search = (metric: string, stat: string, id: string, label: string, dimensions = 'service,stage'): MetricRow => [
    { expression: `SEARCH('{${INCIDENT_NAMESPACE},${dimensions}} MetricName="${metric}" stage="${stage}"', '${stat}', 300)`, label, id },
  ];
  dashboard(stack, 'checkout-dashboard', `shop-${stage}-checkout`, [
    { kind: 'text', markdown: `# Checkout (${stage})\nOrders by how they ended, revenue and checkout duration, as the services report them.` },
    { kind: 'alarms', title: 'API alarms', alarmArns: alarms.map((a) => a.arn) },
    { kind: 'alarms', title: 'E-mail and SMS: quotas and reputation (the account)', alarmArns: sending.map((a) => a.arn) },
    {
      kind: 'metric',
      title: 'Orders by final state',
      metrics: [
        search('OrdersPlaced', 'Sum', 'placed', 'placed'),
        search('OrdersPaid', 'Sum', 'paid', 'paid'),
        search('OrdersFailed', 'Sum', 'failed', 'payment failed'),
        search('OrdersCancelled', 'Sum', 'cancelled', 'cancelled'),
        search('OrdersRefunded', 'Sum', 'refunded', 'refunded'),
      ],
    },
    // Cents of two currencies do not add up: revenue is written by currency, one line each.
    { kind: 'metric', title: 'Revenue (cents, by currency)', metrics: [search('RevenueCents', 'Sum', 'revenue', 'revenue', 'currency,service,stage')] },
    {
      kind: 'metric',
      title: 'Checkout duration (ms)',
      metrics: [search('CheckoutDurationMs', 'p50', 'p50', 'p50'), search('CheckoutDurationMs', 'p99', 'p99', 'p99')],
    },
    {
      kind: 'metric',
      title: 'Incidents',
      // One line per operator incident, so that a new incident is on the dashboard as it is alarmed.
      metrics: OPERATOR_INCIDENTS.map(({ name }) =>
        search(name, 'Sum', name.charAt(0).toLowerCase() + name.slice(1), name.replace(/(?<=.)([A-Z])/g, ' $1').toLowerCase()),
      ),
    },
  ]);
}
