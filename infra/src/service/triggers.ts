import { Apigatewayv2Integration } from '@cdktf/provider-aws/lib/apigatewayv2-integration';
import { Apigatewayv2Route } from '@cdktf/provider-aws/lib/apigatewayv2-route';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { LambdaEventSourceMapping } from '@cdktf/provider-aws/lib/lambda-event-source-mapping';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import { SchedulerSchedule } from '@cdktf/provider-aws/lib/scheduler-schedule';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import { type HttpTrigger, parseRef, type QueueTrigger, type ScheduleTrigger, type TableStreamTrigger, type TopicTrigger, type Trigger } from '@shop/platform';
import { boundedName, fittingName, NAME_LIMITS, slug } from '../stacks/resource-names';
import { literal, literalJson } from '../terraform/literal';
import { eventRule, RULE_RETRY_POLICY } from './event-rules';
import { allowSendFrom, deadLetterQueue } from './queues';
import type { DeployedFunction } from './functions';
import type { ServiceStack } from './service-stack';

/** The scope Cognito puts in every access token it issues for a sign-in, and in no ID token. */
export const ACCESS_TOKEN_SCOPE = 'aws.cognito.signin.user.admin';

/**
 * Turns each trigger of each function into what makes AWS invoke it: a route, a mapping, a
 * rule, a subscription or a schedule, with the resource-based permission or role it needs, all
 * aimed at the function's `live` alias. `invoke` and `state-machine-task` need nothing here: the
 * caller's own role grants the invoke (its manifest says so), and the state machine's role
 * lists its task functions.
 */
export function serviceTriggers(stack: ServiceStack): void {
  for (const [name, deployed] of stack.functions) {
    const def = stack.manifest.functions[name];
    for (const trigger of def?.triggers ?? []) addTrigger(stack, name, deployed, trigger);
  }
}

function addTrigger(stack: ServiceStack, name: string, deployed: DeployedFunction, trigger: Trigger): void {
  switch (trigger.type) {
    case 'http':
      return httpRoute(stack, deployed, trigger);
    case 'queue':
      return queueMapping(stack, name, deployed, trigger);
    case 'table-stream':
      return streamMapping(stack, name, deployed, trigger);
    case 'event-rule': {
      const rule = eventRule(stack, trigger.rule, trigger, { id: 'function', arn: deployed.alias.arn });
      allowInvoke(stack, `rule-${trigger.rule}`, deployed, 'events.amazonaws.com', rule.arn);
      return;
    }
    case 'topic':
      return topicSubscription(stack, name, deployed, trigger);
    case 'schedule':
      return schedule(stack, deployed, trigger);
    case 'invoke':
    case 'state-machine-task':
      return;
    default: {
      const unknown: never = trigger;
      throw new Error(`${stack.manifest.name}/${name}: no infra for trigger ${JSON.stringify(unknown)}`);
    }
  }
}

/** A resource-based permission for an AWS service to invoke the function's `live` alias, for one source only. */
function allowInvoke(stack: ServiceStack, id: string, deployed: DeployedFunction, principal: string, sourceArn: string): void {
  new LambdaPermission(stack, `permission-${id}`, {
    statementId: boundedName(id, NAME_LIMITS.lambdaStatementId),
    action: 'lambda:InvokeFunction',
    functionName: deployed.function.functionName,
    qualifier: deployed.alias.name,
    principal,
    sourceArn,
  });
}

/**
 * `METHOD /path` on the platform's HTTP API, integrated as a Lambda proxy (payload 2.0), behind
 * the JWT authorizer unless the route is public; API Gateway may invoke the function for this
 * route only. A signed-in route also requires the `aws.cognito.signin.user.admin` scope, which
 * only Cognito's access tokens carry: an ID token's `aud` is the client id, so it passes the
 * authorizer's audience check, and without the scope API Gateway would take it where the local
 * authorizer (and `libs/auth`) take access tokens only.
 */
function httpRoute(stack: ServiceStack, deployed: DeployedFunction, trigger: HttpTrigger): void {
  const routeKey = `${trigger.method} ${trigger.path}`;
  const id = `http-${slug(routeKey)}`;
  const apiId = stack.platform.value('httpApiId');
  const integration = new Apigatewayv2Integration(stack, `${id}-integration`, {
    apiId,
    integrationType: 'AWS_PROXY',
    integrationMethod: 'POST',
    integrationUri: deployed.alias.arn,
    payloadFormatVersion: '2.0',
    description: literal(trigger.summary).slice(0, 1024),
  });
  const signedIn = trigger.auth.kind === 'signed-in';
  new Apigatewayv2Route(stack, `${id}-route`, {
    apiId,
    routeKey,
    target: `integrations/${integration.id}`,
    authorizationType: signedIn ? 'JWT' : 'NONE',
    ...(signedIn && { authorizerId: stack.platform.value('httpApiAuthorizerId'), authorizationScopes: [ACCESS_TOKEN_SCOPE] }),
  });
  // `<execution ARN>/<stage>/<METHOD>/<path>`; a path parameter is matched as `*`.
  const sourcePath = trigger.path.replace(/\{[^}]+\}/g, '*');
  allowInvoke(stack, id, deployed, 'apigateway.amazonaws.com', `${stack.platform.value('httpApiExecutionArn')}/*/${trigger.method}${sourcePath}`);
}

/** An SQS mapping that reports partial batch failures, so one bad message does not return the whole batch. */
function queueMapping(stack: ServiceStack, name: string, deployed: DeployedFunction, trigger: QueueTrigger): void {
  new LambdaEventSourceMapping(stack, `queue-mapping-${name}-${slug(trigger.queue)}`, {
    eventSourceArn: stack.queueArn(trigger.queue),
    functionName: deployed.alias.arn,
    batchSize: trigger.batchSize,
    maximumBatchingWindowInSeconds: trigger.maxBatchingWindowSeconds ?? 0,
    functionResponseTypes: ['ReportBatchItemFailures'],
    // Lambda checks the role's queue permissions when it creates the mapping.
    dependsOn: [deployed.policy],
  });
}

/** A DynamoDB stream mapping: retries, bisection and a dead-letter queue for batches that keep failing. */
function streamMapping(stack: ServiceStack, name: string, deployed: DeployedFunction, trigger: TableStreamTrigger): void {
  new LambdaEventSourceMapping(stack, `stream-mapping-${name}-${slug(trigger.table)}`, {
    eventSourceArn: stack.streamArn(trigger.table),
    functionName: deployed.alias.arn,
    startingPosition: trigger.startingPosition,
    batchSize: trigger.batchSize,
    maximumBatchingWindowInSeconds: trigger.maxBatchingWindowSeconds ?? 0,
    maximumRetryAttempts: trigger.maximumRetryAttempts,
    bisectBatchOnFunctionError: trigger.bisectBatchOnError,
    destinationConfig: { onFailure: { destinationArn: stack.queueArn(trigger.onFailure) } },
    functionResponseTypes: ['ReportBatchItemFailures'],
    dependsOn: [deployed.policy],
  });
}

/** The suffix of a topic subscription's own dead-letter queue. */
export const TOPIC_DLQ_SUFFIX = '-topic-dlq';

/**
 * The dead-letter queue of a function's subscription to a topic, by the topic's name alone (a
 * queue's name has 80 characters at most): `send-notification` subscribed to
 * `notification-service/notifications` → `send-notification-notifications-topic-dlq`.
 */
export function topicDeadLetterQueue(fn: string, topic: string): string {
  return `${fn}-${parseRef(topic).name}${TOPIC_DLQ_SUFFIX}`;
}

/**
 * The function subscribed to a topic (its own service's or another's); SNS may invoke it for that
 * topic only. A message SNS cannot deliver (a permission gone after a deploy, a client error SNS
 * does not retry; or a server error after SNS's retries) goes to a dead-letter queue of the
 * subscription's own, alarmed, which only that topic may write to, rather than being dropped
 * unseen: EventBridge delivered it to the topic, and Lambda's own failure destination only sees
 * invocations Lambda accepted. The topic's failed deliveries are alarmed as well
 * (service-monitoring.ts).
 */
function topicSubscription(stack: ServiceStack, name: string, deployed: DeployedFunction, trigger: TopicTrigger): void {
  const id = `topic-${name}-${slug(trigger.topic)}`;
  const topicArn = stack.topicArn(trigger.topic);
  allowInvoke(stack, id, deployed, 'sns.amazonaws.com', topicArn);
  const dlq = deadLetterQueue(stack, topicDeadLetterQueue(name, trigger.topic), `Messages of the topic ${trigger.topic} that SNS could not deliver to ${name}`);
  const dlqPolicy = allowSendFrom(stack, `${id}-dlq-policy`, dlq, { sid: 'SnsTopic', service: 'sns.amazonaws.com', sourceArn: topicArn });
  new SnsTopicSubscription(stack, `${id}-subscription`, {
    topicArn,
    protocol: 'lambda',
    endpoint: deployed.alias.arn,
    redrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn }),
    dependsOn: [dlqPolicy],
  });
}

/** The suffix of a schedule's own dead-letter queue: `daily-report` → `daily-report-schedule-dlq`. */
export const SCHEDULE_DLQ_SUFFIX = '-schedule-dlq';

/**
 * An EventBridge Scheduler schedule (UTC, no flexible window) with its own role, which may
 * invoke this one function and nothing else. An invocation Scheduler cannot deliver (a broken
 * permission, an alias gone) is retried as event rules are (`RULE_RETRY_POLICY`) and then goes to
 * a dead-letter queue of the schedule's own, alarmed, rather than being dropped unseen: Lambda's
 * own failure destination only sees invocations Lambda accepted.
 */
function schedule(stack: ServiceStack, deployed: DeployedFunction, trigger: ScheduleTrigger): void {
  const id = `schedule-${trigger.schedule}`;
  const scheduleName = fittingName('schedule', stack.physical(trigger.schedule));
  const dlq = deadLetterQueue(stack, `${trigger.schedule}${SCHEDULE_DLQ_SUFFIX}`, `Invocations the schedule ${trigger.schedule} could not deliver to its function`);
  const role = new IamRole(stack, `${id}-role`, {
    name: boundedName(`${scheduleName}-schedule`, NAME_LIMITS.iamRole),
    description: `EventBridge Scheduler role of ${stack.manifest.name}'s schedule ${trigger.schedule}`,
    permissionsBoundary: stack.workloadBoundaryArn,
    assumeRolePolicy: JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Service: 'scheduler.amazonaws.com' },
          Action: 'sts:AssumeRole',
          Condition: { StringEquals: { 'aws:SourceAccount': stack.accountId } },
        },
      ],
    }),
  });
  new IamRolePolicy(stack, `${id}-policy`, {
    role: role.id,
    name: 'invoke-function',
    policy: JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Sid: 'Lambda1', Effect: 'Allow', Action: ['lambda:InvokeFunction'], Resource: [deployed.alias.arn] },
        // Scheduler writes to the dead-letter queue with the schedule's own role.
        { Sid: 'DeadLetters', Effect: 'Allow', Action: ['sqs:SendMessage'], Resource: [dlq.arn] },
      ],
    }),
  });
  new SchedulerSchedule(stack, id, {
    name: scheduleName,
    groupName: 'default',
    description: literal(trigger.description).slice(0, 512),
    scheduleExpression: trigger.expression,
    scheduleExpressionTimezone: 'UTC',
    flexibleTimeWindow: { mode: 'OFF' },
    target: {
      arn: deployed.alias.arn,
      roleArn: role.arn,
      input: literalJson(trigger.input),
      retryPolicy: RULE_RETRY_POLICY,
      deadLetterConfig: { arn: dlq.arn },
    },
  });
}
