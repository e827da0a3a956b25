import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicPolicy } from '@cdktf/provider-aws/lib/sns-topic-policy';
import { topicKey } from '../stacks/topic-key';
import { eventRule } from './event-rules';
import type { ServiceStack } from './service-stack';

/** SNS's AWS-managed key: enough for a topic only the shop's own functions publish to. */
export const AWS_MANAGED_SNS_KEY = 'alias/aws/sns';

/**
 * The service's SNS topics, each encrypted at rest, with the EventBridge rules that feed it and
 * a topic policy that lets EventBridge publish for exactly those rules. EventBridge cannot use
 * the AWS-managed SNS key (its key policy admits no other service), so a topic a rule feeds gets
 * a customer-managed key whose policy lets EventBridge encrypt with it; a topic no rule feeds
 * keeps `alias/aws/sns`. Subscriptions belong to the subscribers' stacks (their `topic`
 * triggers); SNS itself decrypts to deliver to Lambda, which needs nothing of the subscriber.
 */
export function serviceTopics(stack: ServiceStack): void {
  for (const [name, def] of Object.entries(stack.manifest.topics ?? {})) {
    const rules = Object.entries(def.rules ?? {});
    const key =
      rules.length > 0
        ? topicKey(stack, `topic-${name}-key`, {
            alias: stack.physical(name),
            description: `Encrypts the SNS topic ${stack.manifest.name}/${name}, which EventBridge rules publish to`,
            publishers: [{ service: 'events.amazonaws.com' }],
          }).arn
        : AWS_MANAGED_SNS_KEY;
    const topic = new SnsTopic(stack, `topic-${name}`, { name: stack.physical(name), kmsMasterKeyId: key });
    stack.topics.set(name, topic);
    if (rules.length === 0) continue;
    const ruleResources = rules.map(([ruleName, rule]) => eventRule(stack, ruleName, rule, { id: 'topic', arn: topic.arn }));
    new SnsTopicPolicy(stack, `topic-${name}-policy`, {
      arn: topic.arn,
      policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'EventBridgeRules',
            Effect: 'Allow',
            Principal: { Service: 'events.amazonaws.com' },
            Action: 'sns:Publish',
            Resource: topic.arn,
            Condition: { ArnEquals: { 'aws:SourceArn': ruleResources.map((rule) => rule.arn) } },
          },
        ],
      }),
    });
  }
}
