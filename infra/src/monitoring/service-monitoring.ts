import type { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { EXPECTED_ERRORS_METRIC, NAMED_ERROR_TRIGGERS, parseRef } from '@shop/platform';
import { DEAD_LETTER_RUNBOOK } from '../service/queues';
import type { ServiceStack } from '../service/service-stack';
import { topicDeadLetterQueue } from '../service/triggers';
import { slug } from '../stacks/resource-names';
import { alarm, countingMetricFilter } from './alarm';
import { dashboard, type MetricRow, type Widget } from './dashboard';
import { failStates } from './fail-states';
import { RUNBOOK_ENTRIES } from './runbooks';
import { failStateMetric, functionAlarms, INCIDENT_NAMESPACE, OPERATOR_INCIDENTS, STATE_MACHINE_ALARMS, STREAM_ITERATOR_AGE, TOPIC_DELIVERIES_FAILED } from './thresholds';

/**
 * A service's alarms and dashboard, from its manifest alone, so that a function, queue, mapping,
 * state machine or incident added to a manifest is watched without anyone remembering to:
 *
 * - every function: Errors and Throttles; for a function invoked directly or run as a state
 *   machine's task, Errors less the named errors it answers on purpose (`ExpectedErrors`);
 * - every stream mapping: IteratorAge (how far behind the stream the function reads);
 * - every topic subscription: the topic's failed deliveries (its dead-letter queue: triggers.ts);
 * - every dead-letter queue: not empty, and each new message in it (queues.ts, next to the queue);
 * - every state machine: executions failed, timed out and aborted; and each Fail state of its
 *   definition on its own, from the execution's failure in the machine's log group, so that the
 *   alarm says which way the checkout failed (PaidButNotCompleted: money taken; StockNotReleased:
 *   stock held);
 * - every operator incident a function publishes (RefundFailed, PaymentMismatch, UnknownCharge, UnknownRefund): the EMF metric
 *   the function writes with it, in namespace `Shop`.
 *
 * Every alarm tells the platform's alarms topic, and its description names its entry of
 * docs/runbooks.md (runbooks.ts): a Fail state's and an incident's are headed by their name, so a
 * new one needs its entry, which test/runbooks.test.ts asks for. The dashboard
 * `shop-<stage>-<service>` shows the functions' invocations, errors, p99 duration and throttles,
 * the queues and dead-letter queues, the state machines' executions, and the state of every alarm
 * above.
 */
export function serviceMonitoring(stack: ServiceStack): void {
  const topic = stack.platform.value('alarmsTopicArn');
  // Already holds the dead-letter queues' alarms, made with the queues.
  const alarms = stack.alarms;
  const { stage } = stack.config;

  for (const name of stack.functions.keys()) {
    const def = stack.manifest.functions[name];
    for (const spec of functionAlarms(stack.physical(name), { answersNamedErrors: answersNamedErrors(stack, name), service: stack.manifest.name, stage })) {
      alarms.push(alarm(stack, topic, { ...spec, id: `alarm-function-${name}-${spec.id}`, description: `${stack.manifest.name}/${name}: ${spec.description}` }));
    }
    for (const trigger of def?.triggers ?? []) {
      if (trigger.type === 'table-stream') {
        alarms.push(
          alarm(stack, topic, {
            ...STREAM_ITERATOR_AGE,
            id: `alarm-stream-${name}-${slug(trigger.table)}`,
            name: `${stack.physical(name)}-${slug(trigger.table)}-iterator-age`,
            description:
              `${stack.manifest.name}/${name} reads the stream of ${trigger.table}: ${STREAM_ITERATOR_AGE.description} ` +
              `(runbook: ${RUNBOOK_ENTRIES.streamBehind(parseRef(trigger.table).name)})`,
            dimensions: { FunctionName: stack.physical(name) },
          }),
        );
      }
      if (trigger.type === 'topic') {
        const { service, name: subscribed } = parseRef(trigger.topic);
        alarms.push(
          alarm(stack, topic, {
            ...TOPIC_DELIVERIES_FAILED,
            id: `alarm-topic-${name}-${slug(trigger.topic)}`,
            name: `${stack.physical(name)}-${slug(trigger.topic)}-deliveries-failed`,
            description:
              `${stack.manifest.name}/${name} is subscribed to ${trigger.topic}: ${TOPIC_DELIVERIES_FAILED.description} (runbook: ${RUNBOOK_ENTRIES.topicDeliveriesFailed}). ` +
              `What SNS could not deliver to ${name} is in ${stack.manifest.name}/${topicDeadLetterQueue(name, trigger.topic)} (runbook: ${DEAD_LETTER_RUNBOOK})`,
            dimensions: { TopicName: stack.arns.name(service, subscribed) },
          }),
        );
      }
    }
  }

  for (const [name, { machine, logGroup, definition }] of stack.stateMachines) {
    for (const spec of STATE_MACHINE_ALARMS) {
      alarms.push(
        alarm(stack, topic, {
          ...spec,
          id: `alarm-state-machine-${name}-${spec.id}`,
          name: `${stack.physical(name)}-${spec.id}`,
          description: `${stack.manifest.name}/${name}: ${spec.description} (runbook: ${RUNBOOK_ENTRIES.stateMachineExecutions})`,
          dimensions: { StateMachineArn: machine.arn },
        }),
      );
    }
    for (const fail of failStates(definition)) {
      const metric = failStateMetric(stack.physical(name), fail.error);
      countingMetricFilter(stack, `fail-state-${name}-${slug(fail.state)}`, {
        name: `${fail.state} (${fail.error})`,
        logGroupName: logGroup.name,
        // The machine logs at level ERROR: an execution that ends in a Fail state logs ExecutionFailed with its error.
        pattern: `{ ($.type = "ExecutionFailed") && ($.details.error = ${JSON.stringify(fail.error)}) }`,
        metric,
      });
      alarms.push(
        alarm(stack, topic, {
          id: `alarm-fail-state-${name}-${slug(fail.state)}`,
          name: `${stack.physical(name)}-${fail.error}`,
          description:
            `${stack.manifest.name}/${name} ended an execution in its Fail state ${fail.state}: see the execution's error and cause, ` +
            `and act on it (runbook: ${RUNBOOK_ENTRIES.failState(fail.error)})`,
          ...metric,
          dimensions: {},
          statistic: 'Sum',
          threshold: 0,
          period: 300,
        }),
      );
    }
  }

  const published = new Set(Object.values(stack.manifest.functions).flatMap((fn) => fn.permissions.publishes?.detailTypes ?? []));
  for (const incident of OPERATOR_INCIDENTS.filter((i) => published.has(i.name))) {
    alarms.push(
      alarm(stack, topic, {
        id: `alarm-incident-${slug(incident.name)}`,
        name: `${stack.physical(incident.name)}`,
        description: `${stack.manifest.name}: ${incident.description} (runbook: ${RUNBOOK_ENTRIES.incident(incident.name)})`,
        namespace: INCIDENT_NAMESPACE,
        metricName: incident.name,
        dimensions: { service: stack.manifest.name, stage },
        statistic: 'Sum',
        threshold: 0,
        period: 300,
      }),
    );
  }

  dashboard(stack, 'dashboard', `shop-${stage}-${stack.manifest.name}`, serviceWidgets(stack, alarms));
}

/** Whether the function's wrapper answers a named error by failing the invocation (libs/common: `directHandler`). */
function answersNamedErrors(stack: ServiceStack, name: string): boolean {
  return stack.manifest.functions[name]?.triggers.some((t) => (NAMED_ERROR_TRIGGERS as readonly string[]).includes(t.type)) ?? false;
}

function serviceWidgets(stack: ServiceStack, alarms: readonly CloudwatchMetricAlarm[]): Widget[] {
  // Names, not Terraform references: they are the physical names, and the dashboard reads them plainly.
  const functions = [...stack.functions.keys()];
  const lambda = (metric: string): MetricRow[] => functions.map((fn) => ['AWS/Lambda', metric, 'FunctionName', stack.physical(fn), { label: fn }]);
  const answering = functions.filter((name) => answersNamedErrors(stack, name));
  const widgets: Widget[] = [
    { kind: 'text', markdown: `# ${stack.manifest.name} (${stack.config.stage})\n${stack.manifest.description}` },
    { kind: 'alarms', title: 'Alarms', alarmArns: alarms.map((a) => a.arn) },
  ];
  if (functions.length > 0) {
    widgets.push(
      { kind: 'metric', title: 'Invocations', metrics: lambda('Invocations') },
      { kind: 'metric', title: 'Errors', metrics: lambda('Errors') },
      ...(answering.length > 0
        ? [
            {
              kind: 'metric' as const,
              title: 'Errors answered on purpose (OutOfStock, OrderCancelled: not alarmed)',
              metrics: answering.map((fn): MetricRow => [INCIDENT_NAMESPACE, EXPECTED_ERRORS_METRIC, 'service', stack.manifest.name, 'stage', stack.config.stage, 'function', stack.physical(fn), { label: fn }]),
            },
          ]
        : []),
      { kind: 'metric', title: 'Duration p99 (ms)', metrics: lambda('Duration'), stat: 'p99' },
      { kind: 'metric', title: 'Throttles', metrics: lambda('Throttles') },
    );
  }
  const streamReaders = functions.filter((name) => stack.manifest.functions[name]?.triggers.some((t) => t.type === 'table-stream'));
  if (streamReaders.length > 0) {
    widgets.push({
      kind: 'metric',
      title: 'Stream iterator age, maximum (ms)',
      stat: 'Maximum',
      metrics: streamReaders.map((fn) => ['AWS/Lambda', 'IteratorAge', 'FunctionName', stack.physical(fn), { label: fn }]),
    });
  }
  const queues = [...stack.queues.keys()];
  if (queues.length > 0) {
    widgets.push(
      {
        kind: 'metric',
        title: 'Queues and dead-letter queues: messages waiting',
        stat: 'Maximum',
        metrics: queues.map((q) => ['AWS/SQS', 'ApproximateNumberOfMessagesVisible', 'QueueName', stack.physical(q), { label: q }]),
      },
      {
        kind: 'metric',
        title: 'Queues: age of the oldest message (s)',
        stat: 'Maximum',
        metrics: queues.map((q) => ['AWS/SQS', 'ApproximateAgeOfOldestMessage', 'QueueName', stack.physical(q), { label: q }]),
      },
    );
  }
  for (const name of stack.stateMachines.keys()) {
    const machine = stack.arns.stateMachine(stack.manifest.name, name);
    widgets.push({
      kind: 'metric',
      title: `State machine ${name}: executions`,
      metrics: ['ExecutionsStarted', 'ExecutionsSucceeded', 'ExecutionsFailed', 'ExecutionsTimedOut', 'ExecutionsAborted'].map((metric) => [
        'AWS/States',
        metric,
        'StateMachineArn',
        machine,
      ]),
    });
  }
  return widgets;
}
