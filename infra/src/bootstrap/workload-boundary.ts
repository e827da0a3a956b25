import type { IamStatement } from './deploy-permissions';

/**
 * The permissions boundary of every role the stacks make (functions, state machines, schedules,
 * the API's fallback): the most any of them may ever do, whatever inline policy the pipeline puts
 * on it. The bootstrap creates it, and the deploy roles may create or change a `shop-<stage>-*`
 * role only with this boundary on it (deploy-permissions.ts, `RolePermissions`). Without it a
 * deploy role could make a role with `*:*`, hand it to a function it creates, and so be the
 * account's administrator: a push to main would reach prod and the pipeline's own roles.
 *
 * It holds what the functions' manifests can ask for (libs/platform's `functionPolicy`), on the
 * stage's own resources by their `shop-<stage>-` names; where AWS names a resource itself (user
 * pools, SES identities, KMS keys) or the action has no resource (an SMS, a task token, X-Ray,
 * log deliveries), it says so. infra's tests hold every synthesized role's policy inside it.
 */

/** The boundary's name: a managed policy, which only the bootstrap (never a deploy role) may change. */
export function workloadBoundaryName(stage: string): string {
  return `shop-${stage}-workload-boundary`;
}

export function workloadBoundaryArn(accountId: string, stage: string): string {
  return `arn:aws:iam::${accountId}:policy/${workloadBoundaryName(stage)}`;
}

export function workloadBoundary(scope: { stage: string; region: string; accountId: string }): { Version: '2012-10-17'; Statement: IamStatement[] } {
  const { stage, region, accountId: account } = scope;
  const prefix = `shop-${stage}-`;
  const arn = (service: string, resource: string) => `arn:aws:${service}:${region}:${account}:${resource}`;
  const statement = (Sid: string, Action: string[], Resource: string[], Condition?: IamStatement['Condition']): IamStatement => ({
    Sid,
    Effect: 'Allow',
    Action,
    Resource,
    ...(Condition ? { Condition } : {}),
  });
  return {
    Version: '2012-10-17',
    Statement: [
      statement(
        'Tables',
        [
          'dynamodb:GetItem',
          'dynamodb:BatchGetItem',
          'dynamodb:Query',
          'dynamodb:Scan',
          'dynamodb:PutItem',
          'dynamodb:UpdateItem',
          'dynamodb:DeleteItem',
          'dynamodb:BatchWriteItem',
          'dynamodb:ConditionCheckItem',
          'dynamodb:DescribeTable',
          'dynamodb:DescribeStream',
          'dynamodb:GetRecords',
          'dynamodb:GetShardIterator',
          'dynamodb:ListStreams',
        ],
        // Indexes and streams are below their table's ARN.
        [arn('dynamodb', `table/${prefix}*`)],
      ),
      statement(
        'Queues',
        ['sqs:SendMessage', 'sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'],
        [arn('sqs', `${prefix}*`)],
      ),
      statement('Topics', ['sns:Publish'], [arn('sns', `${prefix}*`)]),
      // An SMS goes to a phone number, which is no resource: Publish on any, and nothing else.
      statement('TextMessages', ['sns:Publish'], ['*']),
      statement('EventBus', ['events:PutEvents'], [arn('events', `event-bus/${prefix}*`)]),
      statement('Invokes', ['lambda:InvokeFunction'], [arn('lambda', `function:${prefix}*`)]),
      statement(
        'StateMachines',
        ['states:StartExecution', 'states:DescribeExecution'],
        [arn('states', `stateMachine:${prefix}*`), arn('states', `execution:${prefix}*`)],
      ),
      // A task token names no resource.
      statement('TaskTokens', ['states:SendTaskSuccess', 'states:SendTaskFailure', 'states:SendTaskHeartbeat'], ['*']),
      // Identities are the operator's domain: any of the account; configuration sets are the stage's.
      statement('Email', ['ses:SendEmail', 'ses:SendRawEmail'], [arn('ses', 'identity/*'), arn('ses', `configuration-set/${prefix}*`)]),
      // Pool ids are AWS-made: any pool of the account and region.
      statement(
        'UserPool',
        [
          'cognito-idp:SignUp',
          'cognito-idp:InitiateAuth',
          'cognito-idp:RevokeToken',
          'cognito-idp:AdminCreateUser',
          'cognito-idp:AdminConfirmSignUp',
          'cognito-idp:AdminSetUserPassword',
          'cognito-idp:AdminAddUserToGroup',
          'cognito-idp:AdminGetUser',
          'cognito-idp:AdminDeleteUser',
          'cognito-idp:AdminInitiateAuth',
        ],
        [arn('cognito-idp', 'userpool/*')],
      ),
      statement('Parameters', ['ssm:GetParameter', 'ssm:GetParameters'], [arn('ssm', `parameter/shop/${stage}/*`)]),
      // Key ids are AWS-made: the stage's keys, by the stage tag the provider puts on everything.
      statement('Keys', ['kms:Decrypt', 'kms:GenerateDataKey'], [arn('kms', 'key/*')], { StringEquals: { 'aws:ResourceTag/stage': stage } }),
      statement(
        'Logs',
        ['logs:CreateLogStream', 'logs:PutLogEvents'],
        [arn('logs', `log-group:/aws/lambda/${prefix}*`), arn('logs', `log-group:/aws/vendedlogs/states/${prefix}*`)],
      ),
      // Step Functions delivers its execution logs through log deliveries, which have no resource.
      statement(
        'LogDeliveries',
        [
          'logs:CreateLogDelivery',
          'logs:GetLogDelivery',
          'logs:UpdateLogDelivery',
          'logs:DeleteLogDelivery',
          'logs:ListLogDeliveries',
          'logs:PutResourcePolicy',
          'logs:DescribeResourcePolicies',
          'logs:DescribeLogGroups',
        ],
        ['*'],
      ),
      statement('Tracing', ['xray:PutTraceSegments', 'xray:PutTelemetryRecords', 'xray:GetSamplingRules', 'xray:GetSamplingTargets'], ['*']),
    ],
  };
}
