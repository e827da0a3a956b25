import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import type { EventPattern } from '@shop/platform';
import { literal, literalJson } from '../terraform/literal';
import { fittingName } from '../stacks/resource-names';
import { allowSendFrom, deadLetterQueue } from './queues';
import type { ServiceStack } from './service-stack';

/**
 * How EventBridge retries delivering to a rule's target before the event goes to the rule's
 * dead-letter queue. AWS's defaults keep trying for 24 hours; four hours rides out throttling or
 * a target that is briefly unavailable, and still puts an event that cannot be delivered (a
 * broken permission or key policy, which no retry fixes) in front of a person the same day,
 * through the dead-letter queue's alarm. The attempt count is AWS's maximum, so that the age
 * decides.
 */
export const RULE_RETRY_POLICY = { maximumEventAgeInSeconds: 4 * 60 * 60, maximumRetryAttempts: 185 } as const;

/** The suffix of a rule's own dead-letter queue: `order-notifications` → `order-notifications-rule-dlq`. */
export const RULE_DLQ_SUFFIX = '-rule-dlq';

/**
 * An EventBridge rule on the shop's bus (a platform resource, by the name the platform wrote
 * to SSM) with one target, which EventBridge retries as `RULE_RETRY_POLICY` says and then sends
 * to a dead-letter queue of the rule's own (encrypted, alarmed, writable by this rule only).
 * Rule names are unique within a service (manifestProblems checks it), so `rule-<name>` is a
 * stable address.
 */
export function eventRule(
  stack: ServiceStack,
  name: string,
  rule: { description: string; pattern: EventPattern },
  target: { id: string; arn: string },
): CloudwatchEventRule {
  const eventBusName = stack.platform.value('eventBusName');
  const resource = new CloudwatchEventRule(stack, `rule-${name}`, {
    name: fittingName('eventRule', stack.physical(name)),
    description: literal(rule.description).slice(0, 512),
    eventBusName,
    eventPattern: literalJson(rule.pattern),
  });
  const dlq = deadLetterQueue(stack, `${name}${RULE_DLQ_SUFFIX}`, `Events the rule ${name} could not deliver to its target`);
  const dlqPolicy = allowSendFrom(stack, `rule-${name}-dlq-policy`, dlq, { sid: 'EventBridgeRule', service: 'events.amazonaws.com', sourceArn: resource.arn });
  new CloudwatchEventTarget(stack, `rule-${name}-target`, {
    rule: resource.name,
    eventBusName,
    targetId: target.id,
    arn: target.arn,
    retryPolicy: RULE_RETRY_POLICY,
    deadLetterConfig: { arn: dlq.arn },
    dependsOn: [dlqPolicy],
  });
  return resource;
}
