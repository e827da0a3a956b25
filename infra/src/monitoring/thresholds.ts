import { EXPECTED_ERRORS_METRIC } from '@shop/platform';
import type { AlarmSpec } from './alarm';
import { RUNBOOK_ENTRIES } from './runbooks';

/**
 * What the shop alarms on, and when: one place to read (and tune) every threshold. Each is
 * chosen to page on something a person must look at, not on noise: a function's unhandled
 * error is a bug or an outage (handlers answer bad input with a 4xx, which is no error); a
 * throttle means the account's concurrency ran out; an incident or a Fail state means money or
 * stock waits for a person.
 */

type Threshold = Omit<AlarmSpec, 'id' | 'name' | 'dimensions'>;

/** Any unhandled error or throttle of a function within five minutes, each with its runbook entry. */
export const FUNCTION_ALARMS: readonly (Threshold & { id: string; runbook: string })[] = [
  {
    id: 'errors',
    runbook: RUNBOOK_ENTRIES.functionFailed,
    description: 'the function failed (an unhandled error, a timeout or out of memory): see its log group',
    namespace: 'AWS/Lambda',
    metricName: 'Errors',
    statistic: 'Sum',
    threshold: 0,
    period: 300,
  },
  {
    id: 'throttles',
    runbook: RUNBOOK_ENTRIES.functionThrottled,
    description: "Lambda refused to run the function: the account's or the function's concurrency is used up",
    namespace: 'AWS/Lambda',
    metricName: 'Throttles',
    statistic: 'Sum',
    threshold: 0,
    period: 300,
  },
];

/**
 * A function's alarms, named `<physical function name>-errors` and `-throttles`. A function that a
 * caller invokes directly or a state machine runs as a task (`answersNamedErrors`) fails on purpose
 * to answer OutOfStock or OrderCancelled, and Lambda counts that in Errors like a crash; its errors
 * alarm takes off the `ExpectedErrors` it wrote itself, so a sold-out product pages nobody and a
 * timeout, a crash or a bug still does. The description ends with the alarm's runbook entry.
 */
export function functionAlarms(
  functionName: string,
  named?: { answersNamedErrors: boolean; service: string; stage: string },
): (AlarmSpec & { id: string })[] {
  return FUNCTION_ALARMS.map(({ runbook, ...spec }) => {
    const lessExpected = spec.id === 'errors' && named?.answersNamedErrors ? named : undefined;
    const what = lessExpected ? `${spec.description}; the named errors it answers on purpose (OutOfStock, OrderCancelled) are not counted` : spec.description;
    return {
      ...spec,
      name: `${functionName}-${spec.id}`,
      dimensions: { FunctionName: functionName },
      description: `${what} (runbook: ${runbook})`,
      ...(lessExpected && {
        less: {
          namespace: INCIDENT_NAMESPACE,
          metricName: EXPECTED_ERRORS_METRIC,
          dimensions: { service: lessExpected.service, stage: lessExpected.stage, function: functionName },
        },
      }),
    };
  });
}

/** A stream reader more than a minute behind, five minutes running: order events are late to everyone downstream. */
export const STREAM_ITERATOR_AGE: Threshold = {
  description: 'the function has been more than a minute behind its stream for five minutes: records wait, and expire after 24 hours',
  namespace: 'AWS/Lambda',
  metricName: 'IteratorAge',
  statistic: 'Maximum',
  threshold: 60_000,
  period: 60,
  evaluationPeriods: 5,
  datapointsToAlarm: 5,
};

/**
 * Any message of a topic that SNS failed to deliver within five minutes. SNS counts per topic,
 * whichever subscription failed; a Lambda subscription's failures also land in its own
 * dead-letter queue, and this alarm also sees those that could not land there.
 */
export const TOPIC_DELIVERIES_FAILED: Threshold = {
  description: 'SNS failed to deliver a message of the topic to one of its subscribers (this one, or another)',
  namespace: 'AWS/SNS',
  metricName: 'NumberOfNotificationsFailed',
  statistic: 'Sum',
  threshold: 0,
  period: 300,
};

/** Any execution of a state machine that failed, timed out or was aborted within five minutes. */
export const STATE_MACHINE_ALARMS: readonly (Threshold & { id: string })[] = [
  { id: 'executions-failed', metricName: 'ExecutionsFailed', description: 'an execution failed: see the execution history' },
  { id: 'executions-timed-out', metricName: 'ExecutionsTimedOut', description: 'an execution timed out: see the execution history' },
  { id: 'executions-aborted', metricName: 'ExecutionsAborted', description: 'an execution was stopped by hand or by a deploy' },
].map((spec) => ({ ...spec, namespace: 'AWS/States', statistic: 'Sum', threshold: 0, period: 300 }));

/**
 * How much of a quota the account may use before its alarm fires: the SMS spend limit of the
 * month, SES's sending quota of 24 hours. What is left is the time to raise the quota, or to find
 * what spends it, before AWS stops sending.
 */
export const QUOTA_ALARM_SHARE = 0.8;

/**
 * How the alarms on the account's sending metrics read them: each hour's highest value, and in
 * ALARM while any hour of the last day breached. AWS may publish these only when there is
 * something to count, not every minute; an alarm on the last datapoint alone would then go OK (and
 * e-mail so) whenever an hour passed without one.
 */
export const ACCOUNT_METRIC_WINDOW = { period: 3600, evaluationPeriods: 24, datapointsToAlarm: 1 } as const;

/**
 * SES puts an account under review at about 5 % bounces or 0.1 % complaints, and may pause its
 * sending (every stage's order e-mails and codes); the alarms fire at 4 % and 0.08 %. The rates
 * are a fraction (0.05 is 5 %) over a representative volume of recent mail, not a count.
 */
export const EMAIL_REPUTATION_ALARMS = [
  { id: 'bounce-rate', metricName: 'Reputation.BounceRate', threshold: 0.04, percent: '4 %', what: 'bounced', review: '5 %' },
  { id: 'complaint-rate', metricName: 'Reputation.ComplaintRate', threshold: 0.0008, percent: '0.08 %', what: 'was marked as spam', review: '0.1 %' },
] as const;

/** The namespace of the metrics the services write themselves (Embedded Metric Format), with dimensions `service` and `stage`. */
export const INCIDENT_NAMESPACE = 'Shop';

/**
 * Operator incidents: money that needs a person. A service raises one as an event on the bus
 * (so its manifest `publishes` it) and writes the EMF metric of the same name; its stack alarms
 * on the metric of every incident it publishes.
 */
export const OPERATOR_INCIDENTS = [
  { name: 'RefundFailed', description: 'a refund kept failing: the money is still with the shop and a person must give it back' },
  { name: 'PaymentMismatch', description: 'a provider event did not match the charge the shop made: it paid nothing; a person must look' },
  { name: 'UnknownCharge', description: "a charge that names no order of the shop was taken with the shop's key: it paid nothing, nothing was refunded; a person must look" },
  { name: 'UnknownRefund', description: 'a charge that paid an order was refunded outside the shop (the dashboard, a leaked key): the order may still ship; a person must look' },
] as const;

/**
 * The metric a Fail state's metric filter writes. Metric filters take dimension values only from
 * the log event, and a state machine's log events name the execution, not the machine; so the
 * machine (and with it the stage) is in the metric's name: namespace `Shop/FailStates`, metric
 * `shop-dev-checkout-orchestrator-checkout/PaidButNotCompleted`.
 */
export function failStateMetric(machinePhysicalName: string, error: string): { namespace: string; metricName: string } {
  return { namespace: 'Shop/FailStates', metricName: `${machinePhysicalName}/${error}` };
}

/**
 * Requests API Gateway refused for its throttle (api-throttling.ts), and those of them that were
 * the payment provider's webhooks: any in five minutes. Zero, not a few: the stage's limits
 * (`apiThrottling`) are set above what the shop's own traffic needs, so one refusal is already a
 * flood or a sale past what the limits were set for; either refuses customers' carts, checkouts and
 * payments, and may refuse the provider's webhooks. A threshold of a few would stay quiet through a
 * flood's first minutes, and the webhook alarm would miss the one confirmation that mattered.
 */
export const API_THROTTLED = { statistic: 'Sum', threshold: 0, period: 300 } as const;

/**
 * Payment webhooks the shop refused with a 4xx (payment-webhook-rejected.ts): any in five minutes.
 * The provider signs its webhooks with the secret the shop holds, so it sends none that the shop
 * should refuse: a refusal is the secret in SSM not being the provider's (then every delivery is
 * refused, and no charge or refund is recorded), or a forged request to the public route. Zero, not
 * a few: each genuine webhook refused is a payment the shop does not record until the secret is
 * mended, and at a quiet hour one payment may be all there is; the provider resends a refused event,
 * backing off, for days, so one refused batch is enough to know, and a threshold of several would
 * leave a wrong secret unseen while the payment windows of the orders behind it run out. Five
 * minutes, as the API's other alarms: a longer period would change only how late it fires.
 */
export const PAYMENT_WEBHOOK_REJECTED = { statistic: 'Sum', threshold: 0, period: 300 } as const;

/**
 * The metric a metric filter on the API's access log writes (the throttled requests, the refused
 * payment webhooks). As with the Fail states (a filter takes dimension values only from the log
 * event, and the access log does not name the stage), the API and with it the stage is in the
 * metric's name: namespace `Shop/HttpApi`, metric `shop-dev-api/ThrottledRequests`.
 */
export function accessLogMetric(apiName: string, what: string): { namespace: string; metricName: string } {
  return { namespace: 'Shop/HttpApi', metricName: `${apiName}/${what}` };
}
