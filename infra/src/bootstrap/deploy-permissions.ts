import { workloadBoundaryArn } from './workload-boundary';

/**
 * What the pipeline's roles may do in the account, statement by statement, each with the reason
 * it exists: the deploy role of a stage gets every statement (`read` and `write` actions), the
 * read-only plan role gets the `read` actions alone. Everything is confined to the stage's own
 * resources by their `shop-<stage>-` names where the service's ARNs carry a name we choose; where
 * they do not (API ids, user pool ids, CloudFront distributions, KMS key ids and SES identities
 * are AWS's or the operator's), the statement says so in `scope`, and it is confined to the
 * account and region, or by the stage tag the provider puts on everything.
 *
 * docs/deploying.md lists these statements (a test holds the two together). Read families
 * (`Get*`, `List*`, `Describe*`) are granted as prefixes on our own resources: the provider
 * reads a resource through a dozen calls that change between its versions; every write is named.
 */

export interface DeployScope {
  stage: string;
  region: string;
  accountId: string;
  /** The Terraform state bucket and the KMS key that encrypts it. */
  stateBucket: string;
  stateKeyArn: string;
}

export interface PermissionStatement {
  sid: string;
  /** Why the pipeline needs it: what in the stacks it creates or reads. */
  why: string;
  /** How narrowly it is scoped, when not by `shop-<stage>-` names. */
  scope?: string;
  read: string[];
  write: string[];
  resources: string[];
  condition?: Record<string, Record<string, string | string[]>>;
}

export interface IamStatement {
  Sid: string;
  Effect: 'Allow';
  Action: string[];
  Resource: string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

export function deployPermissions(scope: DeployScope): PermissionStatement[] {
  const { stage, region, accountId: account, stateBucket, stateKeyArn } = scope;
  const prefix = `shop-${stage}-`;
  const stageTag = { StringEquals: { 'aws:ResourceTag/stage': stage } };
  return [
    {
      sid: 'TerraformState',
      why:
        "Terraform reads and writes the stage's state files and their lock files (shop/<stage>/<stack>.tfstate, .tflock), encrypted with the state key; " +
        'the plan role makes a data key with it to encrypt the saved plans it hands to the apply job (they hold secrets, as the state does)',
      read: ['s3:GetObject', 'kms:Decrypt', 'kms:GenerateDataKey'],
      write: ['s3:PutObject', 's3:DeleteObject', 'kms:Encrypt'],
      resources: [`arn:aws:s3:::${stateBucket}/shop/${stage}/*`, stateKeyArn],
    },
    {
      sid: 'TerraformStateList',
      why: "Terraform lists the stage's prefix of the state bucket",
      read: ['s3:ListBucket'],
      write: [],
      resources: [`arn:aws:s3:::${stateBucket}`],
      condition: { StringLike: { 's3:prefix': [`shop/${stage}/*`] } },
    },
    {
      sid: 'Roles',
      why: 'Each function, state machine and schedule has its own role with an inline policy',
      read: ['iam:GetRole', 'iam:GetRolePolicy', 'iam:ListRolePolicies', 'iam:ListAttachedRolePolicies', 'iam:ListInstanceProfilesForRole', 'iam:ListRoleTags'],
      write: ['iam:DeleteRole', 'iam:UpdateRole', 'iam:UpdateRoleDescription', 'iam:UpdateAssumeRolePolicy', 'iam:TagRole', 'iam:UntagRole'],
      resources: [`arn:aws:iam::${account}:role/${prefix}*`],
    },
    {
      sid: 'RolePermissions',
      why:
        "What a role may do is set only on roles that carry the stage's workload boundary (made by the bootstrap): without it the deploy role could make a role " +
        'with any permission, pass it to a function of its own, and so act as the account administrator',
      scope: 'on condition that the role has, or is given, the permissions boundary shop-<stage>-workload-boundary',
      read: [],
      write: ['iam:CreateRole', 'iam:PutRolePolicy', 'iam:DeleteRolePolicy', 'iam:PutRolePermissionsBoundary'],
      resources: [`arn:aws:iam::${account}:role/${prefix}*`],
      condition: { StringEquals: { 'iam:PermissionsBoundary': workloadBoundaryArn(account, stage) } },
    },
    {
      sid: 'PassRoles',
      why: 'Lambda, Step Functions and EventBridge Scheduler are handed the roles the stacks made for them, and no others',
      read: [],
      write: ['iam:PassRole'],
      resources: [`arn:aws:iam::${account}:role/${prefix}*`],
      condition: { StringEquals: { 'iam:PassedToService': ['lambda.amazonaws.com', 'scheduler.amazonaws.com', 'states.amazonaws.com'] } },
    },
    {
      sid: 'Functions',
      why: 'The functions: code, configuration, published versions, the live alias, resource policies for their triggers, async-invoke settings',
      read: ['lambda:Get*', 'lambda:List*'],
      write: [
        'lambda:CreateFunction',
        'lambda:DeleteFunction',
        'lambda:UpdateFunctionCode',
        'lambda:UpdateFunctionConfiguration',
        'lambda:PublishVersion',
        'lambda:CreateAlias',
        'lambda:UpdateAlias',
        'lambda:DeleteAlias',
        'lambda:AddPermission',
        'lambda:RemovePermission',
        'lambda:PutFunctionEventInvokeConfig',
        'lambda:UpdateFunctionEventInvokeConfig',
        'lambda:DeleteFunctionEventInvokeConfig',
        'lambda:TagResource',
        'lambda:UntagResource',
      ],
      resources: [`arn:aws:lambda:${region}:${account}:function:${prefix}*`],
    },
    {
      sid: 'Layers',
      why: 'The platform publishes the common-utils and auth-layer versions; functions are configured with them',
      read: ['lambda:GetLayerVersion', 'lambda:ListLayerVersions'],
      write: ['lambda:PublishLayerVersion', 'lambda:DeleteLayerVersion'],
      resources: [`arn:aws:lambda:${region}:${account}:layer:${prefix}*`, `arn:aws:lambda:${region}:${account}:layer:${prefix}*:*`],
    },
    {
      sid: 'EventSourceMappings',
      why: "Queue and stream mappings, which have generated ids: confined to those whose function is the stage's",
      scope: 'any mapping id, on condition that lambda:FunctionArn is one of the stage functions',
      read: ['lambda:GetEventSourceMapping'],
      write: ['lambda:CreateEventSourceMapping', 'lambda:UpdateEventSourceMapping', 'lambda:DeleteEventSourceMapping'],
      resources: ['*'],
      condition: { ArnLike: { 'lambda:FunctionArn': `arn:aws:lambda:${region}:${account}:function:${prefix}*` } },
    },
    {
      sid: 'EventSourceMappingTags',
      why: "The stacks' default tags on the mappings: the provider (5.70 and later) tags a mapping as it creates it and reads its tags back at every plan, and Lambda authorizes both on the mapping's own ARN",
      scope: "any mapping of the account and region, tags only: a mapping's ARN names no function, so it cannot be confined to the stage's",
      read: ['lambda:ListTags'],
      write: ['lambda:TagResource', 'lambda:UntagResource'],
      resources: [`arn:aws:lambda:${region}:${account}:event-source-mapping:*`],
    },
    {
      sid: 'AccountReads',
      why: 'List and describe calls AWS authorizes on "*" only: the provider reads mappings, log groups, parameters and KMS aliases through them',
      scope: 'read-only, account-wide, as AWS requires',
      read: ['lambda:ListEventSourceMappings', 'logs:DescribeLogGroups', 'ssm:DescribeParameters', 'kms:ListAliases'],
      write: [],
      resources: ['*'],
    },
    {
      sid: 'LogGroups',
      why: 'Log groups of the functions, the API access log and the state machines, with retention and the Fail-state metric filters',
      read: ['logs:ListTagsLogGroup', 'logs:ListTagsForResource', 'logs:DescribeMetricFilters'],
      write: [
        'logs:CreateLogGroup',
        'logs:DeleteLogGroup',
        'logs:PutRetentionPolicy',
        'logs:DeleteRetentionPolicy',
        'logs:TagLogGroup',
        'logs:UntagLogGroup',
        'logs:TagResource',
        'logs:UntagResource',
        'logs:PutMetricFilter',
        'logs:DeleteMetricFilter',
      ],
      resources: [
        `arn:aws:logs:${region}:${account}:log-group:/aws/lambda/${prefix}*`,
        `arn:aws:logs:${region}:${account}:log-group:/aws/apigateway/${prefix}*`,
        `arn:aws:logs:${region}:${account}:log-group:/aws/vendedlogs/states/${prefix}*`,
      ],
    },
    {
      sid: 'LogDeliveries',
      why: 'Step Functions (and the API stage) deliver logs to CloudWatch Logs through log deliveries, which have no resource type',
      scope: 'account-wide, as AWS requires for log deliveries',
      read: ['logs:GetLogDelivery', 'logs:ListLogDeliveries', 'logs:DescribeResourcePolicies'],
      write: ['logs:CreateLogDelivery', 'logs:UpdateLogDelivery', 'logs:DeleteLogDelivery', 'logs:PutResourcePolicy'],
      resources: ['*'],
    },
    {
      sid: 'Tables',
      why: 'Tables with their streams, indexes, TTL, point-in-time recovery and deletion protection; another service stack reads a table for its stream ARN',
      read: ['dynamodb:Describe*', 'dynamodb:ListTagsOfResource'],
      write: ['dynamodb:CreateTable', 'dynamodb:DeleteTable', 'dynamodb:UpdateTable', 'dynamodb:UpdateContinuousBackups', 'dynamodb:UpdateTimeToLive', 'dynamodb:TagResource', 'dynamodb:UntagResource'],
      resources: [`arn:aws:dynamodb:${region}:${account}:table/${prefix}*`],
    },
    {
      sid: 'Queues',
      why: "Work queues, their dead-letter queues, and the dead-letter queues of the rules, schedules and topic subscriptions, with their queue policies",
      read: ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:ListQueueTags', 'sqs:ListDeadLetterSourceQueues'],
      write: ['sqs:CreateQueue', 'sqs:DeleteQueue', 'sqs:SetQueueAttributes', 'sqs:TagQueue', 'sqs:UntagQueue'],
      resources: [`arn:aws:sqs:${region}:${account}:${prefix}*`],
    },
    {
      sid: 'Topics',
      why: 'The notifications and alarms topics, their policies, and the subscriptions (Lambda and e-mail) on them',
      read: ['sns:GetTopicAttributes', 'sns:GetSubscriptionAttributes', 'sns:ListSubscriptionsByTopic', 'sns:ListTagsForResource', 'sns:GetDataProtectionPolicy'],
      write: ['sns:CreateTopic', 'sns:DeleteTopic', 'sns:SetTopicAttributes', 'sns:Subscribe', 'sns:Unsubscribe', 'sns:SetSubscriptionAttributes', 'sns:TagResource', 'sns:UntagResource'],
      resources: [`arn:aws:sns:${region}:${account}:${prefix}*`],
    },
    {
      sid: 'EventBus',
      why: "The stage's event bus and the rules on it (with their targets)",
      read: ['events:DescribeEventBus', 'events:DescribeRule', 'events:ListTargetsByRule', 'events:ListTagsForResource'],
      write: [
        'events:CreateEventBus',
        'events:DeleteEventBus',
        'events:PutRule',
        'events:DeleteRule',
        'events:EnableRule',
        'events:DisableRule',
        'events:PutTargets',
        'events:RemoveTargets',
        'events:TagResource',
        'events:UntagResource',
      ],
      resources: [`arn:aws:events:${region}:${account}:event-bus/${prefix}*`, `arn:aws:events:${region}:${account}:rule/${prefix}*/${prefix}*`],
    },
    {
      sid: 'Schedules',
      why: 'EventBridge Scheduler schedules (the daily and weekly reports)',
      read: ['scheduler:GetSchedule', 'scheduler:ListTagsForResource'],
      write: ['scheduler:CreateSchedule', 'scheduler:UpdateSchedule', 'scheduler:DeleteSchedule'],
      resources: [`arn:aws:scheduler:${region}:${account}:schedule/default/${prefix}*`],
    },
    {
      sid: 'StateMachines',
      why: 'The checkout state machine',
      read: ['states:DescribeStateMachine', 'states:ListStateMachineVersions', 'states:ListStateMachineAliases', 'states:ListTagsForResource'],
      write: ['states:CreateStateMachine', 'states:UpdateStateMachine', 'states:DeleteStateMachine', 'states:TagResource', 'states:UntagResource'],
      resources: [`arn:aws:states:${region}:${account}:stateMachine:${prefix}*`],
    },
    {
      sid: 'Parameters',
      why: 'The platform writes /shop/<stage>/… for the other stacks, which read them (secrets too, for the payment provider)',
      read: ['ssm:GetParameter', 'ssm:GetParameters', 'ssm:ListTagsForResource'],
      write: ['ssm:PutParameter', 'ssm:DeleteParameter', 'ssm:AddTagsToResource', 'ssm:RemoveTagsFromResource'],
      resources: [`arn:aws:ssm:${region}:${account}:parameter/shop/${stage}/*`],
    },
    {
      sid: 'ParameterDecryption',
      why: "The payment provider's SecureString parameters are encrypted with the platform's customer-managed key (alias/shop-<stage>-payment-secrets): writing and reading them uses it, through SSM only",
      scope: 'any key of the account and region, on condition that SSM makes the call',
      read: ['kms:Decrypt'],
      write: ['kms:Encrypt', 'kms:GenerateDataKey'],
      resources: [`arn:aws:kms:${region}:${account}:key/*`],
      condition: { StringEquals: { 'kms:ViaService': `ssm.${region}.amazonaws.com` } },
    },
    {
      sid: 'TopicKeys',
      why: "Customer-managed keys: for the topics EventBridge and CloudWatch publish to (the AWS-managed SNS key admits neither), and for the payment provider's secrets",
      scope: 'key ids are AWS-made: keys tagged with the stage',
      read: ['kms:DescribeKey', 'kms:GetKeyPolicy', 'kms:GetKeyRotationStatus', 'kms:ListResourceTags'],
      write: [
        'kms:PutKeyPolicy',
        'kms:EnableKeyRotation',
        'kms:UpdateKeyDescription',
        'kms:ScheduleKeyDeletion',
        'kms:TagResource',
        'kms:UntagResource',
        'kms:CreateAlias',
        'kms:UpdateAlias',
        'kms:DeleteAlias',
      ],
      resources: [`arn:aws:kms:${region}:${account}:key/*`],
      condition: stageTag,
    },
    {
      sid: 'TopicKeyCreation',
      why: "A new key (a topic's, the payment secrets') is created with the stage tag, which TopicKeys then requires",
      scope:
        'CreateKey has no resource: on condition that the request tags the key with the stage, and that the key has no stage tag yet ' +
        "(a new one), so that no key of another stage, nor the bootstrap's state key, can be tagged into this one",
      read: [],
      write: ['kms:CreateKey', 'kms:TagResource'],
      resources: ['*'],
      condition: { StringEquals: { 'aws:RequestTag/stage': stage }, Null: { 'aws:ResourceTag/stage': 'true' } },
    },
    {
      sid: 'TopicKeyAliases',
      why: "The keys' aliases (alias/shop-<stage>-…)",
      read: [],
      write: ['kms:CreateAlias', 'kms:UpdateAlias', 'kms:DeleteAlias'],
      resources: [`arn:aws:kms:${region}:${account}:alias/${prefix}*`],
    },
    {
      sid: 'HttpApi',
      why: 'The HTTP API, its stage, authorizer, CORS, and the routes and integrations every service stack adds',
      scope: 'API ids are AWS-made: any HTTP API of the account in the region',
      read: ['apigateway:GET'],
      write: ['apigateway:POST', 'apigateway:PUT', 'apigateway:PATCH', 'apigateway:DELETE'],
      resources: [`arn:aws:apigateway:${region}::/apis`, `arn:aws:apigateway:${region}::/apis/*`, `arn:aws:apigateway:${region}::/tags/*`],
    },
    {
      sid: 'UserPool',
      why: 'The user pool, its app client and the role groups',
      scope: 'pool ids are AWS-made: any user pool of the account in the region',
      read: ['cognito-idp:Describe*', 'cognito-idp:GetGroup', 'cognito-idp:GetUserPoolMfaConfig', 'cognito-idp:ListTagsForResource'],
      write: [
        'cognito-idp:UpdateUserPool',
        'cognito-idp:DeleteUserPool',
        'cognito-idp:CreateUserPoolClient',
        'cognito-idp:UpdateUserPoolClient',
        'cognito-idp:DeleteUserPoolClient',
        'cognito-idp:CreateGroup',
        'cognito-idp:UpdateGroup',
        'cognito-idp:DeleteGroup',
        'cognito-idp:SetUserPoolMfaConfig',
        'cognito-idp:TagResource',
        'cognito-idp:UntagResource',
      ],
      resources: [`arn:aws:cognito-idp:${region}:${account}:userpool/*`],
    },
    {
      sid: 'UserPoolCreation',
      why: 'CreateUserPool has no resource type',
      scope: 'account-wide, as AWS requires',
      read: [],
      write: ['cognito-idp:CreateUserPool'],
      resources: ['*'],
    },
    {
      sid: 'Email',
      why: "The stage's SES identity (its domain comes from a stage setting, after bootstrap) and configuration set",
      scope: 'identities: any of the account in the region (the domain is chosen per stage later); configuration sets: the stage',
      read: ['ses:GetEmailIdentity', 'ses:GetConfigurationSet', 'ses:ListTagsForResource'],
      write: [
        'ses:CreateEmailIdentity',
        'ses:DeleteEmailIdentity',
        'ses:PutEmailIdentityDkimSigningAttributes',
        'ses:PutEmailIdentityConfigurationSetAttributes',
        'ses:CreateConfigurationSet',
        'ses:DeleteConfigurationSet',
        'ses:PutConfigurationSetReputationOptions',
        'ses:PutConfigurationSetSendingOptions',
        'ses:PutConfigurationSetSuppressionOptions',
        'ses:PutConfigurationSetDeliveryOptions',
        'ses:PutConfigurationSetTrackingOptions',
        'ses:TagResource',
        'ses:UntagResource',
      ],
      resources: [`arn:aws:ses:${region}:${account}:identity/*`, `arn:aws:ses:${region}:${account}:configuration-set/${prefix}*`],
    },
    {
      sid: 'AlarmsAndDashboards',
      why: 'The alarms of every function, queue, mapping, state machine, incident and the API, and the dashboards',
      read: ['cloudwatch:DescribeAlarms', 'cloudwatch:GetDashboard', 'cloudwatch:ListTagsForResource'],
      write: ['cloudwatch:PutMetricAlarm', 'cloudwatch:DeleteAlarms', 'cloudwatch:PutDashboard', 'cloudwatch:DeleteDashboards', 'cloudwatch:TagResource', 'cloudwatch:UntagResource'],
      resources: [`arn:aws:cloudwatch:${region}:${account}:alarm:${prefix}*`, `arn:aws:cloudwatch::${account}:dashboard/${prefix}*`],
    },
    {
      sid: 'Storefront',
      why: "The storefront's CloudFront distribution, origin access control and security headers policy",
      scope: 'ids are AWS-made: any of these in the account (CloudFront is global)',
      read: ['cloudfront:Get*', 'cloudfront:ListTagsForResource'],
      write: [
        'cloudfront:CreateDistribution',
        'cloudfront:CreateDistributionWithTags',
        'cloudfront:UpdateDistribution',
        'cloudfront:DeleteDistribution',
        'cloudfront:TagResource',
        'cloudfront:UntagResource',
        'cloudfront:CreateOriginAccessControl',
        'cloudfront:UpdateOriginAccessControl',
        'cloudfront:DeleteOriginAccessControl',
        'cloudfront:CreateResponseHeadersPolicy',
        'cloudfront:UpdateResponseHeadersPolicy',
        'cloudfront:DeleteResponseHeadersPolicy',
      ],
      resources: [
        `arn:aws:cloudfront::${account}:distribution/*`,
        `arn:aws:cloudfront::${account}:origin-access-control/*`,
        `arn:aws:cloudfront::${account}:response-headers-policy/*`,
        `arn:aws:cloudfront::${account}:cache-policy/*`,
      ],
    },
    {
      sid: 'StorefrontBucket',
      why: "The storefront's private bucket (encryption, public access block, ownership, the policy for CloudFront) and the files in it",
      read: ['s3:GetBucket*', 's3:GetEncryptionConfiguration', 's3:GetLifecycleConfiguration', 's3:GetReplicationConfiguration', 's3:GetAccelerateConfiguration', 's3:ListBucket', 's3:GetObject', 's3:GetObjectTagging'],
      write: [
        's3:CreateBucket',
        's3:DeleteBucket',
        's3:PutBucketPolicy',
        's3:DeleteBucketPolicy',
        's3:PutBucketPublicAccessBlock',
        's3:PutBucketOwnershipControls',
        's3:PutEncryptionConfiguration',
        's3:PutBucketTagging',
        's3:PutObject',
        's3:DeleteObject',
        's3:PutObjectTagging',
      ],
      resources: [`arn:aws:s3:::${prefix}web-${account}`, `arn:aws:s3:::${prefix}web-${account}/*`],
    },
  ];
}

/** The IAM statements of `permissions`: all of them for the deploy role, the reads alone for the plan role. */
export function iamStatements(permissions: readonly PermissionStatement[], access: 'deploy' | 'plan'): IamStatement[] {
  return permissions.flatMap((p) => {
    const actions = access === 'deploy' ? [...p.read, ...p.write] : p.read;
    if (actions.length === 0) return [];
    return [{ Sid: p.sid, Effect: 'Allow' as const, Action: actions, Resource: p.resources, ...(p.condition && { Condition: p.condition }) }];
  });
}

/** AWS's limit on a customer-managed policy, in characters without whitespace. */
export const MANAGED_POLICY_LIMIT = 6144;

/**
 * The statements packed into as few managed policies as fit AWS's size limit (a role holds at
 * most ten managed policies, and its inline policies share a 10,240-character budget, too little
 * here). `measure` gives a statement's size as AWS will count it.
 */
export function packPolicies(statements: readonly IamStatement[], measure: (s: IamStatement) => number, limit = MANAGED_POLICY_LIMIT): IamStatement[][] {
  const envelope = JSON.stringify({ Version: '2012-10-17', Statement: [] }).length;
  const policies: IamStatement[][] = [];
  let current: IamStatement[] = [];
  let size = envelope;
  for (const statement of statements) {
    const next = measure(statement) + 1;
    if (current.length > 0 && size + next > limit) {
      policies.push(current);
      current = [];
      size = envelope;
    }
    if (envelope + next > limit) throw new Error(`the statement ${statement.Sid} alone is over the ${limit}-character limit of a managed policy`);
    current.push(statement);
    size += next;
  }
  if (current.length > 0) policies.push(current);
  return policies;
}
