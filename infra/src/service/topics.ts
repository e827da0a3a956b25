import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicPolicy } from '@cdktf/provider-aws/lib/sns-topic-policy';
import { eventRule } from './event-rules';
import type { ServiceStack } from './service-stack';

/**
 * The service's SNS topics, each with the EventBridge rules that feed it and a topic policy
 * that lets EventBridge publish for exactly those rules. Subscriptions belong to the
 * subscribers' stacks (their `topic` triggers).
 */
export function serviceTopics(stack: ServiceStack): void {
  for (const [name, def] of Object.entries(stack.manifest.topics ?? {})) {
    const topic = new SnsTopic(stack, `topic-${name}`, { name: stack.physical(name) });
    stack.topics.set(name, topic);
    const rules = Object.entries(def.rules ?? {}).map(([ruleName, rule]) => eventRule(stack, ruleName, rule, { id: 'topic', arn: topic.arn }));
    if (rules.length === 0) continue;
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
            Condition: { ArnEquals: { 'aws:SourceArn': rules.map((rule) => rule.arn) } },
          },
        ],
      }),
    });
  }
}
