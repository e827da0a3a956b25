import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { removeSynthesized, type Synthesized, synthesize, testConfig } from './support/synthesize';
import { beta as betaService, SYNTHETIC_SERVICES } from './support/synthetic-services';
import { type Block, readStacks, ref, resources, resourceWith, type TerraformJson, TF } from './support/terraform-json';

/**
 * What each kind of trigger and resource becomes, on the made-up services that use them all
 * (test/support/synthetic-services.ts): the real services do not use every kind yet.
 */

let stacks: Record<string, TerraformJson>;
let alpha: TerraformJson;
let beta: TerraformJson;
beforeAll(() => {
  stacks = readStacks(inject('synthesized').synthetic);
  alpha = stacks['alpha-service']!;
  beta = stacks['beta-service']!;
});

const fn = (stack: TerraformJson, name: string) => resourceWith(stack, 'aws_lambda_function', 'function_name', name)[0];
/** The ARN of the `live` alias of the function whose resource is `functionId`: what every trigger invokes. */
const live = (functionId: string) => ref('aws_lambda_alias', `${functionId}-live`, 'arn');

describe('an event-rule trigger', () => {
  it("is a rule on the shop's bus with the manifest's pattern, targeting the function, which EventBridge may invoke for that rule only", () => {
    const [ruleId, rule] = resourceWith(beta, 'aws_cloudwatch_event_rule', 'name', 'shop-dev-beta-service-things-changed');
    expect(rule['event_bus_name']).toBe(TF.platform('event-bus/name'));
    expect(JSON.parse(rule['event_pattern'])).toEqual(betaService.functions.listener.triggers[0].pattern);
    const listener = fn(beta, 'shop-dev-beta-service-listener');
    expect(resourceWith(beta, 'aws_cloudwatch_event_target', 'rule', ref('aws_cloudwatch_event_rule', ruleId, 'name'))[1]).toMatchObject({
      arn: live(listener),
      event_bus_name: TF.platform('event-bus/name'),
      retry_policy: { maximum_event_age_in_seconds: 14_400, maximum_retry_attempts: 185 },
    });
    expect(resourceWith(beta, 'aws_lambda_permission', 'source_arn', ref('aws_cloudwatch_event_rule', ruleId, 'arn'))[1]).toMatchObject({
      principal: 'events.amazonaws.com',
      action: 'lambda:InvokeFunction',
      function_name: ref('aws_lambda_function', listener, 'function_name'),
      qualifier: ref('aws_lambda_alias', `${listener}-live`, 'name'),
    });
  });
});

describe("a service's topics", () => {
  it('are topics fed by their rules, with a policy that lets EventBridge publish for those rules only', () => {
    const [topicId] = resourceWith(alpha, 'aws_sns_topic', 'name', 'shop-dev-alpha-service-alerts');
    const [ruleId] = resourceWith(alpha, 'aws_cloudwatch_event_rule', 'name', 'shop-dev-alpha-service-big-things');
    expect(resourceWith(alpha, 'aws_cloudwatch_event_target', 'rule', ref('aws_cloudwatch_event_rule', ruleId, 'name'))[1]['arn']).toBe(
      ref('aws_sns_topic', topicId, 'arn'),
    );
    const [, policy] = resourceWith(alpha, 'aws_sns_topic_policy', 'arn', ref('aws_sns_topic', topicId, 'arn'));
    expect(JSON.parse(policy['policy']).Statement).toEqual([
      {
        Sid: 'EventBridgeRules',
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sns:Publish',
        Resource: ref('aws_sns_topic', topicId, 'arn'),
        Condition: { ArnEquals: { 'aws:SourceArn': [ref('aws_cloudwatch_event_rule', ruleId, 'arn')] } },
      },
    ]);
  });

  it('need no policy when no rule feeds them', () => {
    const [quietId] = resourceWith(alpha, 'aws_sns_topic', 'name', 'shop-dev-alpha-service-quiet');
    expect(resources(alpha, 'aws_sns_topic_policy').filter(([, p]) => p['arn'] === ref('aws_sns_topic', quietId, 'arn'))).toEqual([]);
  });
});

describe('a topic trigger', () => {
  it("subscribes the function to its own service's topic, which SNS may invoke it for", () => {
    const [topicId] = resourceWith(alpha, 'aws_sns_topic', 'name', 'shop-dev-alpha-service-alerts');
    const onAlert = fn(alpha, 'shop-dev-alpha-service-on-alert');
    expect(resourceWith(alpha, 'aws_sns_topic_subscription', 'endpoint', live(onAlert))[1]).toMatchObject({
      protocol: 'lambda',
      topic_arn: ref('aws_sns_topic', topicId, 'arn'),
    });
    expect(resourceWith(alpha, 'aws_lambda_permission', 'source_arn', ref('aws_sns_topic', topicId, 'arn'))[1]).toMatchObject({ principal: 'sns.amazonaws.com' });
  });

  it("subscribes to another service's topic by its ARN, without that service's state", () => {
    const topicArn = `arn:aws:sns:${TF.region}:${TF.account}:shop-dev-alpha-service-alerts`;
    const follower = fn(beta, 'shop-dev-beta-service-follower');
    expect(resourceWith(beta, 'aws_sns_topic_subscription', 'endpoint', live(follower))[1]['topic_arn']).toBe(topicArn);
    expect(resourceWith(beta, 'aws_lambda_permission', 'source_arn', topicArn)[1]).toMatchObject({ principal: 'sns.amazonaws.com' });
  });
});

describe("a topic trigger's failed deliveries", () => {
  it("go to a dead-letter queue of the subscription's own, which only the topic may write to, which raises alarms", () => {
    const onAlert = fn(alpha, 'shop-dev-alpha-service-on-alert');
    const [topicId] = resourceWith(alpha, 'aws_sns_topic', 'name', 'shop-dev-alpha-service-alerts');
    const [dlqId] = resourceWith(alpha, 'aws_sqs_queue', 'name', 'shop-dev-alpha-service-on-alert-alerts-topic-dlq');
    expect(JSON.parse(resourceWith(alpha, 'aws_sns_topic_subscription', 'endpoint', live(onAlert))[1]['redrive_policy'])).toEqual({
      deadLetterTargetArn: ref('aws_sqs_queue', dlqId, 'arn'),
    });
    const [, policy] = resourceWith(alpha, 'aws_sqs_queue_policy', 'queue_url', ref('aws_sqs_queue', dlqId, 'url'));
    expect(JSON.parse(policy['policy']).Statement).toEqual([
      expect.objectContaining({ Principal: { Service: 'sns.amazonaws.com' }, Action: 'sqs:SendMessage', Condition: { ArnEquals: { 'aws:SourceArn': ref('aws_sns_topic', topicId, 'arn') } } }),
    ]);
    for (const alarm of ['not-empty', 'new-messages']) resourceWith(alpha, 'aws_cloudwatch_metric_alarm', 'alarm_name', `shop-dev-alpha-service-on-alert-alerts-topic-dlq-${alarm}`);
    expect(resourceWith(alpha, 'aws_cloudwatch_metric_alarm', 'alarm_name', 'shop-dev-alpha-service-on-alert-alpha-service-alerts-deliveries-failed')[1]).toMatchObject({
      namespace: 'AWS/SNS',
      metric_name: 'NumberOfNotificationsFailed',
      dimensions: { TopicName: 'shop-dev-alpha-service-alerts' },
      threshold: 0,
    });
  });

  it("of another service's topic go to the subscriber's own queue, which that topic may write to by its ARN", () => {
    const topicArn = `arn:aws:sns:${TF.region}:${TF.account}:shop-dev-alpha-service-alerts`;
    const follower = fn(beta, 'shop-dev-beta-service-follower');
    const [dlqId] = resourceWith(beta, 'aws_sqs_queue', 'name', 'shop-dev-beta-service-follower-alerts-topic-dlq');
    expect(JSON.parse(resourceWith(beta, 'aws_sns_topic_subscription', 'endpoint', live(follower))[1]['redrive_policy'])).toEqual({
      deadLetterTargetArn: ref('aws_sqs_queue', dlqId, 'arn'),
    });
    const [, policy] = resourceWith(beta, 'aws_sqs_queue_policy', 'queue_url', ref('aws_sqs_queue', dlqId, 'url'));
    expect(JSON.parse(policy['policy']).Statement[0].Condition).toEqual({ ArnEquals: { 'aws:SourceArn': topicArn } });
    expect(resourceWith(beta, 'aws_cloudwatch_metric_alarm', 'alarm_name', 'shop-dev-beta-service-follower-alpha-service-alerts-deliveries-failed')[1]['dimensions']).toEqual({
      TopicName: 'shop-dev-alpha-service-alerts',
    });
  });
});

describe('a schedule trigger', () => {
  it('is a UTC schedule with no flexible window, sending the input, through a role that may invoke only that function', () => {
    const nightly = fn(alpha, 'shop-dev-alpha-service-nightly');
    const [, schedule] = resourceWith(alpha, 'aws_scheduler_schedule', 'name', 'shop-dev-alpha-service-nightly');
    expect(schedule).toMatchObject({
      schedule_expression: 'cron(0 2 * * ? *)',
      schedule_expression_timezone: 'UTC',
      flexible_time_window: { mode: 'OFF' },
      target: { arn: live(nightly) },
    });
    // The input's `${name}` is meant literally: Terraform must not read it as a reference.
    expect(schedule['target'].input).toBe('{"greeting":"Hello $${name}","n":1}');
    const roleId = /^\$\{aws_iam_role\.([^.]+)\.arn\}$/.exec(schedule['target'].role_arn)![1]!;
    const role = alpha.resource!['aws_iam_role']![roleId]!;
    expect(JSON.parse(role['assume_role_policy']).Statement[0].Principal).toEqual({ Service: 'scheduler.amazonaws.com' });
    const [, policy] = resourceWith(alpha, 'aws_iam_role_policy', 'role', ref('aws_iam_role', roleId, 'id'));
    const [dlqId] = resourceWith(alpha, 'aws_sqs_queue', 'name', 'shop-dev-alpha-service-nightly-schedule-dlq');
    expect(JSON.parse(policy['policy']).Statement).toEqual([
      { Sid: 'Lambda1', Effect: 'Allow', Action: ['lambda:InvokeFunction'], Resource: [live(nightly)] },
      { Sid: 'DeadLetters', Effect: 'Allow', Action: ['sqs:SendMessage'], Resource: [ref('aws_sqs_queue', dlqId, 'arn')] },
    ]);
  });

  it('retries an invocation it cannot deliver, then puts it in a dead-letter queue of its own that raises an alarm', () => {
    const [, schedule] = resourceWith(alpha, 'aws_scheduler_schedule', 'name', 'shop-dev-alpha-service-nightly');
    const [dlqId, dlq] = resourceWith(alpha, 'aws_sqs_queue', 'name', 'shop-dev-alpha-service-nightly-schedule-dlq');
    expect(schedule['target']).toMatchObject({
      retry_policy: { maximum_event_age_in_seconds: 14_400, maximum_retry_attempts: 185 },
      dead_letter_config: { arn: ref('aws_sqs_queue', dlqId, 'arn') },
    });
    const [, alarm] = resourceWith(alpha, 'aws_cloudwatch_metric_alarm', 'alarm_name', 'shop-dev-alpha-service-nightly-schedule-dlq-not-empty');
    // On the messages it holds, visible and in flight (stacks.test.ts checks the whole expression).
    expect(alarm['threshold']).toBe(0);
    expect(alarm['metric_query'].filter((q: Block) => q['metric']).map((q: Block) => q['metric'])).toEqual(
      ['ApproximateNumberOfMessagesVisible', 'ApproximateNumberOfMessagesNotVisible'].map((metric) =>
        expect.objectContaining({ namespace: 'AWS/SQS', metric_name: metric, dimensions: { QueueName: ref('aws_sqs_queue', dlqId, 'name') } }),
      ),
    );
    expect(dlq['sqs_managed_sse_enabled']).toBe(true);
  });
});

describe('a table-stream trigger', () => {
  it("maps its own table's stream with the manifest's retries, bisection, window and dead-letter queue", () => {
    const reader = fn(alpha, 'shop-dev-alpha-service-stream-reader');
    const [tableId] = resourceWith(alpha, 'aws_dynamodb_table', 'name', 'shop-dev-alpha-service-things');
    const [failedId] = resourceWith(alpha, 'aws_sqs_queue', 'name', 'shop-dev-alpha-service-failed');
    expect(resourceWith(alpha, 'aws_lambda_event_source_mapping', 'function_name', live(reader))[1]).toMatchObject({
      event_source_arn: ref('aws_dynamodb_table', tableId, 'stream_arn'),
      starting_position: 'LATEST',
      batch_size: 100,
      maximum_batching_window_in_seconds: 3,
      maximum_retry_attempts: 3,
      bisect_batch_on_function_error: true,
      destination_config: { on_failure: { destination_arn: ref('aws_sqs_queue', failedId, 'arn') } },
      function_response_types: ['ReportBatchItemFailures'],
    });
  });

  it("reads another service's stream ARN from its table, by name", () => {
    const follower = fn(beta, 'shop-dev-beta-service-follower');
    const [sourceId, source] = Object.entries(beta.data!['aws_dynamodb_table']!)[0]!;
    expect(source['name']).toBe('shop-dev-alpha-service-things');
    expect(resourceWith(beta, 'aws_lambda_event_source_mapping', 'function_name', live(follower))[1]).toMatchObject({
      event_source_arn: `\${data.aws_dynamodb_table.${sourceId}.stream_arn}`,
      starting_position: 'TRIM_HORIZON',
      maximum_retry_attempts: -1,
    });
  });

  it('needs the table to declare its stream, which it does', () => {
    expect(resourceWith(alpha, 'aws_dynamodb_table', 'name', 'shop-dev-alpha-service-things')[1]).toMatchObject({
      stream_enabled: true,
      stream_view_type: 'NEW_AND_OLD_IMAGES',
      ttl: { attribute_name: 'expiresAt', enabled: true },
      attribute: [
        { name: 'thingId', type: 'S' },
        { name: 'version', type: 'N' },
        { name: 'ownerId', type: 'S' },
      ],
    });
  });
});

describe('text from manifests and definition files', () => {
  it('is escaped, so Terraform does not read `${...}` in it as a reference', () => {
    expect(resourceWith(alpha, 'aws_cloudwatch_event_rule', 'name', 'shop-dev-alpha-service-big-things')[1]['description']).toBe('things of size $${big}');
    const definition = resourceWith(alpha, 'aws_sfn_state_machine', 'name', 'shop-dev-alpha-service-flow')[1]['definition'] as string;
    expect(JSON.parse(definition).Comment).toBe('A flow whose comment mentions $${amount} and %%{ literally.');
    expect(definition).toContain(`function:shop-dev-beta-service-lookup`);
    expect(definition).not.toContain('${beta-service/lookup}');
  });
});

describe('the prod stage', () => {
  let prod: Synthesized;
  beforeAll(() => {
    const workspace = inject('synthesized').syntheticWorkspace;
    const services = SYNTHETIC_SERVICES.map((manifest) => ({ manifest, root: join(workspace, 'apps', manifest.name) }));
    prod = synthesize(services, workspace, testConfig({
        SHOP_STAGE: 'prod',
        SHOP_TF_BACKEND: 's3',
        SHOP_TF_STATE_BUCKET: 'shop-terraform-state',
        SHOP_EMAIL_FROM: 'orders@shop.test',
        SHOP_ALARM_EMAIL: 'ops@shop.test',
        SHOP_SMS_SPEND_LIMIT_USD: '25',
        SHOP_SES_DAILY_QUOTA: '50000',
      }), 'shop-infra-prod-');
  });
  afterAll(() => removeSynthesized(prod));

  it('names everything for prod, protects tables and the user pool from deletion and keeps logs 90 days', () => {
    const alphaProd = prod.stacks['alpha-service']!;
    const [, table] = resourceWith(alphaProd, 'aws_dynamodb_table', 'name', 'shop-prod-alpha-service-things');
    expect(table['deletion_protection_enabled']).toBe(true);
    expect(resourceWith(alphaProd, 'aws_cloudwatch_log_group', 'name', '/aws/lambda/shop-prod-alpha-service-worker')[1]['retention_in_days']).toBe(90);
    expect(resources(prod.stacks['platform']!, 'aws_cognito_user_pool')[0]![1]['deletion_protection']).toBe('ACTIVE');
    expect(alphaProd.data!['aws_ssm_parameter']!['platform-http-api-id']!['name']).toBe('/shop/prod/http-api/id');
  });

  it('requires Terraform 1.11 or a later 1.x in every stack', () => {
    for (const stack of Object.values(prod.stacks)) expect(stack.terraform.required_version).toBe('~> 1.11');
  });

  it('e-mails its alarms to the stage address and sends as the stage domain', () => {
    const platform = prod.stacks['platform']!;
    expect(resourceWith(platform, 'aws_sns_topic_subscription', 'protocol', 'email')[1]['endpoint']).toBe('ops@shop.test');
    expect(resources(platform, 'aws_sesv2_email_identity')[0]![1]['email_identity']).toBe('shop.test');
  });

  it("alarms at 80 % of the SMS spend limit and SES quota the deploy names", () => {
    const platform = prod.stacks['platform']!;
    expect(resourceWith(platform, 'aws_cloudwatch_metric_alarm', 'alarm_name', 'shop-prod-sms-spend')[1]['threshold']).toBe(20);
    expect(resourceWith(platform, 'aws_cloudwatch_metric_alarm', 'alarm_name', 'shop-prod-email-daily-quota')[1]['threshold']).toBe(40_000);
    expect(resourceWith(platform, 'aws_cloudwatch_metric_alarm', 'alarm_name', 'shop-prod-email-bounce-rate')[1]['dimensions']).toEqual({ 'ses:configuration-set': 'shop-prod-email' });
  });

  it('lets no localhost origin call the prod API', () => {
    const [, api] = resources(prod.stacks['platform']!, 'aws_apigatewayv2_api')[0]!;
    expect(api['cors_configuration'].allow_origins).toEqual([expect.stringMatching(/^https:\/\/\$\{aws_cloudfront_distribution\./)]);
  });

  it("keeps each stack in its own key of the S3 state bucket, locked, and encrypted by the bucket's default (the state key), not SSE-S3", () => {
    for (const [name, stack] of Object.entries(prod.stacks)) {
      // `encrypt: true` without a key id would make every write SSE-S3 (AES256), overriding the bucket's SSE-KMS default.
      expect(stack.terraform.backend).toEqual({
        s3: { bucket: 'shop-terraform-state', key: `shop/prod/${name}.tfstate`, region: 'us-east-1', use_lockfile: true },
      });
    }
  });

  it('keeps dev state local without a bucket', () => {
    expect(stacks['alpha-service']!.terraform.backend).toEqual({ local: { path: '../../../terraform.dev.alpha-service.tfstate' } });
  });
});
