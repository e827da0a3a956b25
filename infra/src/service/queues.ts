import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { SqsQueuePolicy } from '@cdktf/provider-aws/lib/sqs-queue-policy';
import { expressionAlarm } from '../monitoring/alarm';
import { fittingName } from '../stacks/resource-names';
import type { ServiceStack } from './service-stack';

/** What a dead-letter queue keeps: SQS's longest, so a person has two weeks to look. */
export const DEAD_LETTER_RETENTION_SECONDS = 14 * 24 * 60 * 60;

/** The suffix of a work queue's own dead-letter queue: `payment-events` → `payment-events-dlq`. */
export const DLQ_SUFFIX = '-dlq';

/**
 * The service's queues, all encrypted (SQS-managed keys, which EventBridge, Lambda and SNS can
 * all write to). Each work queue has its own dead-letter queue (`<name>-dlq`) after
 * `maxReceiveCount` receives; each `deadLetterQueues` entry is a queue where failed
 * asynchronous invocations and stream batches land. Every dead-letter queue has alarms that
 * tell operators as soon as anything is in it, and of every message that arrives after.
 */
export function serviceQueues(stack: ServiceStack): void {
  for (const [name, def] of Object.entries(stack.manifest.queues ?? {})) {
    const dlqName = `${name}${DLQ_SUFFIX}`;
    const dlq = deadLetterQueue(stack, dlqName, `Messages of ${name} that failed ${def.maxReceiveCount} receives`);
    const queue = new SqsQueue(stack, `queue-${name}`, {
      name: fittingName('sqsQueue', stack.physical(name)),
      visibilityTimeoutSeconds: def.visibilityTimeoutSeconds,
      redrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: def.maxReceiveCount }),
      sqsManagedSseEnabled: true,
    });
    stack.queues.set(name, queue);
  }
  for (const [name, def] of Object.entries(stack.manifest.deadLetterQueues ?? {})) {
    deadLetterQueue(stack, name, def.description);
  }
}

/** Where an operator reads what to do with a dead-letter queue's messages. */
export const DEAD_LETTER_RUNBOOK = 'docs/runbooks.md#dead-letter-queues';

/**
 * A dead-letter queue of the service: kept two weeks, encrypted, with two alarms.
 *
 * - `<queue>-not-empty`: the queue holds a message. It stays in ALARM while anything waits, and
 *   CloudWatch tells the topic only when an alarm changes state, so it cannot tell of a second
 *   failure while a first one waits (a record set aside on purpose for a fix, say). It counts the
 *   messages visible and in flight together: an operator reading the queue (a receive with a
 *   visibility timeout, the replay tools) hides what they read, and on the visible ones alone the
 *   alarm would go OK while they look and fire again when the messages reappear, although
 *   nothing was dealt with. Only deleting the messages ends it.
 * - `<queue>-new-messages`: the queue's messages grew within a minute, so each new failure is
 *   told, even into a queue that already holds some. It counts the messages visible and in
 *   flight together too, so that messages reappearing after a read do not look like a new
 *   arrival. SQS's `NumberOfMessagesSent` would not do: it leaves out the messages a redrive
 *   policy moves in.
 *
 * Both are kept in `stack.alarms`, for the dashboard.
 */
export function deadLetterQueue(stack: ServiceStack, name: string, description: string): SqsQueue {
  if (stack.queues.has(name)) throw new Error(`${stack.manifest.name}: the dead-letter queue ${name} has the name of another queue`);
  const queue = new SqsQueue(stack, `queue-${name}`, {
    name: fittingName('sqsQueue', stack.physical(name)),
    messageRetentionSeconds: DEAD_LETTER_RETENTION_SECONDS,
    sqsManagedSseEnabled: true,
  });
  stack.queues.set(name, queue);
  const topic = stack.platform.value('alarmsTopicArn');
  const owner = `${stack.manifest.name}/${name}`;
  const what = description.replace(/\.\s*$/, '');
  const messages = (metricName: string) => ({ namespace: 'AWS/SQS', metricName, dimensions: { QueueName: queue.name }, statistic: 'Maximum' });
  const held = { visible: messages('ApproximateNumberOfMessagesVisible'), inflight: messages('ApproximateNumberOfMessagesNotVisible') };
  stack.alarms.push(
    expressionAlarm(stack, topic, {
      id: `alarm-${name}`,
      name: `${stack.physical(name)}-not-empty`,
      description: `${owner} holds messages (runbook: ${DEAD_LETTER_RUNBOOK}): ${what}`,
      metrics: held,
      expression: 'FILL(visible, 0) + FILL(inflight, 0)',
      label: 'Messages held, visible and in flight',
      threshold: 0,
    }),
    expressionAlarm(stack, topic, {
      id: `alarm-${name}-new-messages`,
      name: `${stack.physical(name)}-new-messages`,
      description: `A new message arrived in ${owner} (runbook: ${DEAD_LETTER_RUNBOOK}): ${what}`,
      metrics: held,
      expression: 'DIFF(FILL(visible, 0) + FILL(inflight, 0))',
      label: 'Messages added in the minute',
      threshold: 0,
      // Two minutes, so the expression has the minute before to take the difference from.
      evaluationPeriods: 2,
      datapointsToAlarm: 1,
    }),
  );
  return queue;
}

/**
 * Lets one AWS service send to a dead-letter queue for one resource of its only (an EventBridge
 * rule, an SNS topic): what that resource could not deliver lands there, and nothing else can
 * write to it. Whatever delivers there must depend on the policy, so that it is in force first.
 */
export function allowSendFrom(stack: ServiceStack, id: string, queue: SqsQueue, from: { sid: string; service: string; sourceArn: string }): SqsQueuePolicy {
  return new SqsQueuePolicy(stack, id, {
    queueUrl: queue.url,
    policy: JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: from.sid,
          Effect: 'Allow',
          Principal: { Service: from.service },
          Action: 'sqs:SendMessage',
          Resource: queue.arn,
          Condition: { ArnEquals: { 'aws:SourceArn': from.sourceArn } },
        },
      ],
    }),
  });
}

