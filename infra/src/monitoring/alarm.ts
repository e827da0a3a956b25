import { CloudwatchLogMetricFilter } from '@cdktf/provider-aws/lib/cloudwatch-log-metric-filter';
import { CloudwatchMetricAlarm, type CloudwatchMetricAlarmConfig, type CloudwatchMetricAlarmMetricQuery } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import type { ShopStack } from '../stacks/shop-stack';

/**
 * One CloudWatch alarm of the shop, the way every alarm is made: named `<owner>-<what>` under
 * the stage's `shop-<stage>-` prefix, telling the alarms topic when it fires and when it is
 * over. A metric with no data is no trouble (a queue nobody wrote to, a function not called).
 */
interface AlarmBase {
  /** The construct id, unique in the stack. */
  id: string;
  /** The alarm's name: `shop-<stage>-…`, what an operator reads in the e-mail's subject. */
  name: string;
  description: string;
  threshold: number;
  comparison?: 'GreaterThanThreshold' | 'GreaterThanOrEqualToThreshold';
  /** Seconds per datapoint; a minute unless the metric is published less often. */
  period?: number;
  /** Datapoints that must breach among the last `evaluationPeriods` (one of one unless set). */
  evaluationPeriods?: number;
  datapointsToAlarm?: number;
}

/** A metric of CloudWatch, by its namespace, name and dimensions. */
export interface MetricRef {
  namespace: string;
  metricName: string;
  dimensions: Record<string, string>;
}

/** An alarm on one metric's statistic. */
export interface AlarmSpec extends AlarmBase, MetricRef {
  /** `Sum`, `Maximum`, …; or a percentile such as `p99`. */
  statistic: string;
  /**
   * A metric to take off this one before the threshold: the alarm reads `metric - FILL(less, 0)`
   * (CloudWatch metric math), with the same statistic and period. For a count of which part is
   * expected: a function's errors less those it answers on purpose.
   */
  less?: MetricRef;
}

/**
 * An alarm on a metric math expression over metrics named by ids (a lower-case letter, then
 * letters, digits and `_`), each read with its statistic over the alarm's period.
 */
export interface ExpressionAlarmSpec extends AlarmBase {
  metrics: Record<string, MetricRef & { statistic: string }>;
  expression: string;
  /** What the expression measures, as a graph of the alarm labels it. */
  label: string;
}

export function alarm(stack: ShopStack, alarmsTopicArn: string, spec: AlarmSpec): CloudwatchMetricAlarm {
  const percentile = /^p\d+(\.\d+)?$/.test(spec.statistic);
  const period = spec.period ?? 60;
  const measure = spec.less
    ? {
        metricQuery: [
          { id: 'measured', metric: { namespace: spec.namespace, metricName: spec.metricName, dimensions: spec.dimensions, stat: spec.statistic, period } },
          { id: 'expected', metric: { ...spec.less, stat: spec.statistic, period } },
          {
            id: 'unexpected',
            expression: 'measured - FILL(expected, 0)',
            label: `${spec.metricName} less ${spec.less.metricName}`,
            returnData: true,
          },
        ],
      }
    : {
        namespace: spec.namespace,
        metricName: spec.metricName,
        dimensions: spec.dimensions,
        ...(percentile ? { extendedStatistic: spec.statistic } : { statistic: spec.statistic }),
        period,
      };
  return metricAlarm(stack, alarmsTopicArn, spec, measure);
}

export function expressionAlarm(stack: ShopStack, alarmsTopicArn: string, spec: ExpressionAlarmSpec): CloudwatchMetricAlarm {
  const period = spec.period ?? 60;
  const metricQuery: CloudwatchMetricAlarmMetricQuery[] = [
    ...Object.entries(spec.metrics).map(([id, { statistic, ...metric }]) => ({ id, metric: { ...metric, stat: statistic, period } })),
    { id: 'alarmed', expression: spec.expression, label: spec.label, returnData: true },
  ];
  return metricAlarm(stack, alarmsTopicArn, spec, { metricQuery });
}

function metricAlarm(
  stack: ShopStack,
  alarmsTopicArn: string,
  spec: AlarmBase,
  measure: Pick<CloudwatchMetricAlarmConfig, 'namespace' | 'metricName' | 'dimensions' | 'statistic' | 'extendedStatistic' | 'period' | 'metricQuery'>,
): CloudwatchMetricAlarm {
  return new CloudwatchMetricAlarm(stack, spec.id, {
    alarmName: spec.name,
    alarmDescription: spec.description.slice(0, 1024),
    ...measure,
    evaluationPeriods: spec.evaluationPeriods ?? 1,
    ...(spec.datapointsToAlarm !== undefined && { datapointsToAlarm: spec.datapointsToAlarm }),
    threshold: spec.threshold,
    comparisonOperator: spec.comparison ?? 'GreaterThanThreshold',
    treatMissingData: 'notBreaching',
    alarmActions: [alarmsTopicArn],
    okActions: [alarmsTopicArn],
  });
}

/**
 * A metric filter that counts a log group's events matching `pattern` into `metric`: 1 for each,
 * and 0 for every other event, so that the metric has no gaps an alarm on its Sum could misread.
 * A filter takes dimension values only from the log event, so the metric has none; its name says
 * whose it is (`failStateMetric`, `accessLogMetric`).
 */
export function countingMetricFilter(
  stack: ShopStack,
  id: string,
  filter: { name: string; logGroupName: string; pattern: string; metric: Pick<MetricRef, 'namespace' | 'metricName'> },
): CloudwatchLogMetricFilter {
  const { name, logGroupName, pattern, metric } = filter;
  return new CloudwatchLogMetricFilter(stack, id, {
    name,
    logGroupName,
    pattern,
    metricTransformation: { namespace: metric.namespace, name: metric.metricName, value: '1', defaultValue: '0', unit: 'Count' },
  });
}
