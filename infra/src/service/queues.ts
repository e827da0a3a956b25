import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { alarm } from '../monitoring/alarm';
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
 * asynchronous invocations and stream batches land. Every dead-letter queue has an alarm that
 * tells operators as soon as anything is in it.
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

/** A dead-letter queue of the service: kept two weeks, encrypted, alarmed as soon as it holds a message. */
export function deadLetterQueue(stack: ServiceStack, name: string, description: string): SqsQueue {
  if (stack.queues.has(name)) throw new Error(`${stack.manifest.name}: the dead-letter queue ${name} has the name of another queue`);
  const queue = new SqsQueue(stack, `queue-${name}`, {
    name: fittingName('sqsQueue', stack.physical(name)),
    messageRetentionSeconds: DEAD_LETTER_RETENTION_SECONDS,
    sqsManagedSseEnabled: true,
  });
  stack.queues.set(name, queue);
  alarm(stack, stack.platform.value('alarmsTopicArn'), {
    id: `alarm-${name}`,
    name: `${stack.physical(name)}-not-empty`,
    description: `${stack.manifest.name}/${name} holds messages: ${description}`,
    namespace: 'AWS/SQS',
    metricName: 'ApproximateNumberOfMessagesVisible',
    dimensions: { QueueName: queue.name },
    statistic: 'Maximum',
    threshold: 0,
  });
  return queue;
}
