import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import type { ShopStack } from './shop-stack';

/** An AWS service that publishes to the topic, and the conditions that confine it (where the service sends them). */
export interface TopicPublisher {
  service: string;
  condition?: Record<string, Record<string, string | string[]>>;
}

/**
 * A customer-managed KMS key for an SNS topic that an AWS service publishes to: the
 * AWS-managed `alias/aws/sns` key admits no service principal, so EventBridge rules and
 * CloudWatch alarms cannot publish to a topic it encrypts. The policy keeps the account's IAM in
 * charge of the key (AWS's default statement; without it no one could ever manage the key again)
 * and lets each publisher make and read the data keys that encrypting a message takes.
 * Rotated yearly; kept 30 days after a destroy, in case it was a mistake.
 */
export function topicKey(stack: ShopStack, id: string, props: { alias: string; description: string; publishers: TopicPublisher[] }): KmsKey {
  const key = new KmsKey(stack, id, {
    description: props.description,
    enableKeyRotation: true,
    deletionWindowInDays: 30,
    policy: JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'AccountAdministers',
          Effect: 'Allow',
          Principal: { AWS: `arn:aws:iam::${stack.accountId}:root` },
          Action: 'kms:*',
          Resource: '*',
        },
        ...props.publishers.map((publisher, n) => ({
          Sid: `ServicePublishes${n + 1}`,
          Effect: 'Allow',
          Principal: { Service: publisher.service },
          Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          Resource: '*',
          ...(publisher.condition && { Condition: publisher.condition }),
        })),
      ],
    }),
  });
  new KmsAlias(stack, `${id}-alias`, { name: `alias/${props.alias}`, targetKeyId: key.keyId });
  return key;
}
