import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import type { EventPattern } from '@shop/common';
import { literal, literalJson } from '../terraform/literal';
import { fittingName } from '../stacks/resource-names';
import type { ServiceStack } from './service-stack';

/**
 * An EventBridge rule on the shop's bus (a platform resource, by the name the platform wrote
 * to SSM) with one target. Rule names are unique within a service (manifestProblems checks it),
 * so `rule-<name>` is a stable address.
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
  new CloudwatchEventTarget(stack, `rule-${name}-target`, {
    rule: resource.name,
    eventBusName,
    targetId: target.id,
    arn: target.arn,
  });
  return resource;
}
