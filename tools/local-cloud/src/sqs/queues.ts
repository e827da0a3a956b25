import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { physicalName, type QueueDef, type ServiceManifest } from '@shop/platform';

/**
 * Creates the queues the manifests declare, each with its dead-letter queue `<name>-dlq`,
 * as infra creates them in AWS: same names, the declared visibility timeout.
 *
 * The redrive policy is deliberately not set on the local queue: the event source mapping
 * (queue-poller.ts) counts receives and moves a message to the dead-letter queue itself,
 * because local-aws-sqs counts a ChangeMessageVisibility as a receive, which would dead-letter
 * messages early once `sqsRetryDelaySeconds` shortens their invisibility that way.
 */

export interface QueueAddress {
  /** Physical name: `shop-local-payment-service-payment-events`. */
  name: string;
  url: string;
  arn: string;
}

export interface LocalQueue extends QueueAddress {
  /** `service/queue`, as triggers and permissions name it. */
  ref: string;
  def: QueueDef;
  deadLetter: QueueAddress;
}

/** Creates every queue of every manifest (a queue that exists is kept); answers them by `service/queue`. */
export async function ensureQueues(
  sqs: SQSClient,
  stage: string,
  services: readonly ServiceManifest[],
): Promise<Map<string, LocalQueue>> {
  const queues = new Map<string, LocalQueue>();
  for (const service of services) {
    for (const [logicalName, def] of Object.entries(service.queues ?? {})) {
      const name = physicalName(stage, service.name, logicalName);
      const deadLetter = await createQueue(sqs, `${name}-dlq`, {
        // AWS's longest retention: a dead letter should wait for a person.
        MessageRetentionPeriod: String(14 * 24 * 3600),
      });
      const queue = await createQueue(sqs, name, { VisibilityTimeout: String(def.visibilityTimeoutSeconds) });
      queues.set(`${service.name}/${logicalName}`, { ...queue, ref: `${service.name}/${logicalName}`, def, deadLetter });
    }
  }
  return queues;
}

/** Creates every dead-letter queue the manifests declare (on-failure destinations); answers them by `service/queue`. */
export async function ensureDeadLetterQueues(
  sqs: SQSClient,
  stage: string,
  services: readonly ServiceManifest[],
): Promise<Map<string, QueueAddress>> {
  const queues = new Map<string, QueueAddress>();
  for (const service of services) {
    for (const logicalName of Object.keys(service.deadLetterQueues ?? {})) {
      queues.set(
        `${service.name}/${logicalName}`,
        await createQueue(sqs, physicalName(stage, service.name, logicalName), { MessageRetentionPeriod: String(14 * 24 * 3600) }),
      );
    }
  }
  return queues;
}

async function createQueue(sqs: SQSClient, name: string, attributes: Record<string, string>): Promise<QueueAddress> {
  const { QueueUrl: url } = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  if (!url) throw new Error(`creating queue ${name}: no queue URL in the answer`);
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }));
  const arn = Attributes?.QueueArn;
  if (!arn) throw new Error(`queue ${name} has no ARN`);
  return { name, url, arn };
}
