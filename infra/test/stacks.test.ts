import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type BundleMetafile,
  findRepoRoot,
  type HttpTrigger,
  type LoadedService,
  loadServices,
  parseRef,
  physicalName,
  renderDefinition,
  type ServiceManifest,
} from '@shop/platform';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { functionPolicy, paymentSecretStatements, type PolicyContext, type PolicyStatement } from '../src/iam';
import { SYNTHETIC_SERVICES } from './support/synthetic-services';
import { zipEntries } from './support/zip-entries';
import { type Block, readStacks, ref, resources, resourceWith, type TerraformJson, TF, unescapeTerraform } from './support/terraform-json';

/**
 * Rules every synthesized stack keeps, checked over the repository's own services and over
 * made-up services that use every kind a manifest can hold: each is derived here from the
 * manifests, independently of how infra builds the stacks.
 */

interface Variant {
  label: string;
  outdir: () => string;
  services: () => Promise<LoadedService[]>;
  /** The directory holding the `dist/` the stacks were built from. */
  buildRoot: () => string;
}

const repoRoot = findRepoRoot(__dirname);
const VARIANTS: Variant[] = [
  { label: "the repository's services", outdir: () => inject('synthesized').real, services: () => loadServices(repoRoot), buildRoot: () => repoRoot },
  {
    label: 'made-up services of every kind',
    outdir: () => inject('synthesized').synthetic,
    services: async () => {
      const workspace = inject('synthesized').syntheticWorkspace;
      return SYNTHETIC_SERVICES.map((manifest) => ({ manifest, root: join(workspace, 'apps', manifest.name) }));
    },
    buildRoot: () => inject('synthesized').syntheticWorkspace,
  },
];

const STAGE = 'dev';
const name = (service: string, resource: string) => physicalName(STAGE, service, resource);
const arn = (kind: string, rest: string) => `arn:aws:${kind}:${TF.region}:${TF.account}:${rest}`;
/** The `live` alias of `service/function`, which every caller and trigger invokes. */
const functionArn = (ref: string) => {
  const { service, name: fn } = parseRef(ref);
  return arn('lambda', `function:${name(service, fn)}:live`);
};

/** The actions AWS only grants on Resource "*", and why (see WILDCARD_RESOURCE_ACTIONS and LOG_DELIVERY_ACTIONS). */
/** What active tracing lets a function write to X-Ray (AWSXRayDaemonWriteAccess's write actions). */
const XRAY_WRITE = { Sid: 'XRayWrite', Effect: 'Allow', Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], Resource: ['*'] };

const WILDCARD_EXCEPTIONS = new Set([
  // X-Ray's write and sampling actions have no resource types
  'xray:PutTraceSegments',
  'xray:PutTelemetryRecords',
  'xray:GetSamplingRules',
  'xray:GetSamplingTargets',
  // no resource type for a task token
  'states:SendTaskSuccess',
  'states:SendTaskFailure',
  // an SMS goes to a phone number, which has no ARN
  'sns:Publish',
  // Step Functions' log delivery to CloudWatch Logs
  'logs:CreateLogDelivery',
  'logs:DeleteLogDelivery',
  'logs:DescribeLogGroups',
  'logs:DescribeResourcePolicies',
  'logs:GetLogDelivery',
  'logs:ListLogDeliveries',
  'logs:PutResourcePolicy',
  'logs:UpdateLogDelivery',
]);

describe.each(VARIANTS)('the stacks of $label', (variant) => {
  let stacks: Record<string, TerraformJson>;
  let services: LoadedService[];
  let manifests: ServiceManifest[];

  beforeAll(async () => {
    stacks = readStacks(variant.outdir());
    services = await variant.services();
    manifests = services.map((s) => s.manifest);
  });

  const everyFunction = () => manifests.flatMap((m) => Object.entries(m.functions).map(([fn, def]) => ({ manifest: m, fn, def })));
  const stackOf = (service: string) => {
    const stack = stacks[service];
    if (!stack) throw new Error(`no stack ${service}`);
    return stack;
  };
  /** The Lambda function resource of `service/fn`, by its physical name. */
  const lambda = (service: string, fn: string) => resourceWith(stackOf(service), 'aws_lambda_function', 'function_name', name(service, fn));
  /** The ARN of the function's `live` alias, as its stack references it. */
  const aliasArn = (service: string, fn: string) => {
    const [functionId] = lambda(service, fn);
    const [aliasId] = resourceWith(stackOf(service), 'aws_lambda_alias', 'function_name', ref('aws_lambda_function', functionId, 'function_name'));
    return ref('aws_lambda_alias', aliasId, 'arn');
  };

  it('has the platform stack, one stack per service and the web stack, named as deploy-plan names them', () => {
    expect(Object.keys(stacks).sort()).toEqual(['platform', 'web', ...manifests.map((m) => m.name)].sort());
  });

  it('publishes every function and points its live alias at the new version', () => {
    for (const { manifest, fn } of everyFunction()) {
      const [functionId, block] = lambda(manifest.name, fn);
      expect(block['publish'], `${manifest.name}/${fn}`).toBe(true);
      const [, alias] = resourceWith(stackOf(manifest.name), 'aws_lambda_alias', 'function_name', ref('aws_lambda_function', functionId, 'function_name'));
      expect(alias).toMatchObject({ name: 'live', function_version: ref('aws_lambda_function', functionId, 'version') });
    }
  });

  it('gives every http trigger its route to the live alias, its integration and API Gateway permission, and no route more', () => {
    for (const manifest of manifests) {
      const stack = stackOf(manifest.name);
      const routes = Object.entries(manifest.functions).flatMap(([fn, def]) =>
        def.triggers.filter((t): t is HttpTrigger => t.type === 'http').map((trigger) => ({ fn, trigger })),
      );
      expect(resources(stack, 'aws_apigatewayv2_route')).toHaveLength(routes.length);
      for (const { fn, trigger } of routes) {
        const where = `${manifest.name}/${fn} ${trigger.method} ${trigger.path}`;
        const [functionId] = lambda(manifest.name, fn);
        const [aliasId] = resourceWith(stack, 'aws_lambda_alias', 'function_name', ref('aws_lambda_function', functionId, 'function_name'));
        const [, route] = resourceWith(stack, 'aws_apigatewayv2_route', 'route_key', `${trigger.method} ${trigger.path}`);
        expect(route['api_id'], where).toBe(TF.platform('http-api/id'));
        const integrationId = /^integrations\/\$\{aws_apigatewayv2_integration\.([^.]+)\.id\}$/.exec(route['target'])?.[1];
        const integration = stack.resource?.['aws_apigatewayv2_integration']?.[integrationId ?? ''];
        expect(integration, where).toMatchObject({
          api_id: TF.platform('http-api/id'),
          integration_type: 'AWS_PROXY',
          payload_format_version: '2.0',
          integration_uri: ref('aws_lambda_alias', aliasId, 'arn'),
        });
        if (trigger.auth.kind === 'public') {
          expect(route['authorization_type'], where).toBe('NONE');
          expect(route['authorizer_id'], where).toBeUndefined();
        } else {
          expect(route['authorization_type'], where).toBe('JWT');
          expect(route['authorizer_id'], where).toBe(TF.platform('http-api/authorizer-id'));
          // Only Cognito's access tokens carry it: an ID token is refused, as the local authorizer refuses it.
          expect(route['authorization_scopes'], where).toEqual(['aws.cognito.signin.user.admin']);
        }
        const sourceArn = `${TF.platform('http-api/execution-arn')}/*/${trigger.method}${trigger.path.replace(/\{[^}]+\}/g, '*')}`;
        const permissions = resources(stack, 'aws_lambda_permission').filter(([, p]) => p['source_arn'] === sourceArn);
        expect(permissions, where).toHaveLength(1);
        expect(permissions[0]![1], where).toMatchObject({
          action: 'lambda:InvokeFunction',
          principal: 'apigateway.amazonaws.com',
          function_name: ref('aws_lambda_function', functionId, 'function_name'),
          qualifier: ref('aws_lambda_alias', aliasId, 'name'),
        });
      }
    }
  });

  it("gives every function its own role whose one inline policy is exactly functionPolicy of its manifest", () => {
    const context: PolicyContext = {
      stage: STAGE,
      region: TF.region,
      accountId: TF.account,
      userPoolArn: TF.platform('user-pool/arn'),
      emailIdentityArn: TF.platform('email/identity-arn'),
      emailFrom: TF.platform('email/from'),
      services: manifests,
    };
    const roles = new Set<string>();
    for (const { manifest, fn } of everyFunction()) {
      const stack = stackOf(manifest.name);
      const [, lambdaBlock] = lambda(manifest.name, fn);
      const roleId = /^\$\{aws_iam_role\.([^.]+)\.arn\}$/.exec(lambdaBlock['role'])?.[1] ?? '';
      expect(roles.has(`${manifest.name}:${roleId}`), `${manifest.name}/${fn} shares a role`).toBe(false);
      roles.add(`${manifest.name}:${roleId}`);
      const role = stack.resource?.['aws_iam_role']?.[roleId];
      expect(JSON.parse(role?.['assume_role_policy'] ?? '{}').Statement).toEqual([
        { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
      ]);
      const policies = resources(stack, 'aws_iam_role_policy').filter(([, p]) => p['role'] === ref('aws_iam_role', roleId, 'id'));
      expect(policies, `${manifest.name}/${fn}`).toHaveLength(1);
      const secrets = paymentSecretStatements(manifest.functions[fn]!, { region: TF.region, accountId: TF.account, parameterNames: [`/shop/${STAGE}/payment-provider/api-key`, `/shop/${STAGE}/payment-provider/webhook-secret`], keyArn: TF.platform('payment-provider/secrets-key-arn') });
      expect(JSON.parse(policies[0]![1]['policy']), `${manifest.name}/${fn}`).toEqual({ ...functionPolicy(manifest, fn, context), Statement: [...functionPolicy(manifest, fn, context).Statement, ...secrets, XRAY_WRITE] });
      // Active tracing and Lambda's logging controls (decision 102).
      expect(lambdaBlock['tracing_config'], `${manifest.name}/${fn}`).toEqual({ mode: 'Active' });
      expect(lambdaBlock['logging_config'], `${manifest.name}/${fn}`).toMatchObject({ log_format: 'JSON', application_log_level: 'INFO' });
    }
    for (const stack of Object.values(stacks)) expect(resources(stack, 'aws_iam_role_policy_attachment')).toEqual([]);
  });

  it('grants no wildcard action anywhere, and Resource "*" only for the actions AWS allows nothing narrower for', () => {
    for (const [stackName, stack] of Object.entries(stacks)) {
      const documents = [
        ...resources(stack, 'aws_iam_role_policy').map(([id, p]) => [id, p['policy']] as const),
        ...resources(stack, 'aws_sns_topic_policy').map(([id, p]) => [id, p['policy']] as const),
      ];
      for (const [id, text] of documents) {
        for (const statement of JSON.parse(text).Statement as { Action: string | string[]; Resource: string | string[] }[]) {
          const actions = [statement.Action].flat();
          const resourcesOf = [statement.Resource].flat();
          for (const action of actions) {
            expect(action === '*' || action.endsWith(':*'), `${stackName}/${id}: ${action}`).toBe(false);
          }
          if (resourcesOf.includes('*')) {
            expect(resourcesOf, `${stackName}/${id}`).toEqual(['*']);
            for (const action of actions) expect(WILDCARD_EXCEPTIONS.has(action), `${stackName}/${id}: ${action} on *`).toBe(true);
          }
        }
      }
    }
  });

  it('gives every work queue its dead-letter queue with the redrive policy, and every dead-letter queue an alarm while it holds messages, visible or in flight, and one for each new message', () => {
    const alarmsTopic = TF.platform('alarms/topic-arn');
    for (const manifest of manifests) {
      const stack = stackOf(manifest.name);
      const queueRef = (id: string) => ref('aws_sqs_queue', id, 'arn');
      const triggerRules = Object.values(manifest.functions).flatMap((def) => def.triggers.flatMap((t) => (t.type === 'event-rule' ? [t.rule] : [])));
      const topicRules = Object.values(manifest.topics ?? {}).flatMap((topic) => Object.keys(topic.rules ?? {}));
      const schedules = Object.values(manifest.functions).flatMap((def) => def.triggers.flatMap((t) => (t.type === 'schedule' ? [t.schedule] : [])));
      const subscriptions = Object.entries(manifest.functions).flatMap(([fn, def]) => def.triggers.flatMap((t) => (t.type === 'topic' ? [{ fn, topic: t.topic }] : [])));
      const deadLetterQueues: string[] = [
        ...Object.keys(manifest.deadLetterQueues ?? {}),
        ...[...triggerRules, ...topicRules].map((rule) => `${rule}-rule-dlq`),
        ...schedules.map((schedule) => `${schedule}-schedule-dlq`),
        ...subscriptions.map(({ fn, topic }) => `${fn}-${parseRef(topic).name}-topic-dlq`),
      ];
      for (const [queue, def] of Object.entries(manifest.queues ?? {})) {
        const [, block] = resourceWith(stack, 'aws_sqs_queue', 'name', name(manifest.name, queue));
        const [dlqId] = resourceWith(stack, 'aws_sqs_queue', 'name', name(manifest.name, `${queue}-dlq`));
        expect(JSON.parse(block['redrive_policy']), `${manifest.name}/${queue}`).toEqual({ deadLetterTargetArn: queueRef(dlqId), maxReceiveCount: def.maxReceiveCount });
        expect(block['visibility_timeout_seconds']).toBe(def.visibilityTimeoutSeconds);
        deadLetterQueues.push(`${queue}-dlq`);
      }
      expect(resources(stack, 'aws_sqs_queue')).toHaveLength(Object.keys(manifest.queues ?? {}).length + deadLetterQueues.length);
      for (const [, queue] of resources(stack, 'aws_sqs_queue')) expect(queue['sqs_managed_sse_enabled']).toBe(true);
      const alarms = resources(stack, 'aws_cloudwatch_metric_alarm').map(([, a]) => a);
      const onQueues = (alarm: Block) => [alarm, ...(alarm['metric_query'] ?? []).map((q: Block) => q['metric'] ?? {})].some((m: Block) => m['namespace'] === 'AWS/SQS');
      expect(alarms.filter(onQueues), manifest.name).toHaveLength(2 * deadLetterQueues.length);
      for (const queue of deadLetterQueues) {
        const where = `${manifest.name}/${queue}`;
        const [id, block] = resourceWith(stack, 'aws_sqs_queue', 'name', name(manifest.name, queue));
        expect(block['message_retention_seconds'], where).toBe(14 * 24 * 3600);
        expect(block['redrive_policy'], `${where} is a dead end`).toBeUndefined();
        const queueName = ref('aws_sqs_queue', id, 'name');
        const onThisQueue = alarms.filter((a) => a['metric_query']?.some((q: Block) => q['metric']?.dimensions?.QueueName === queueName));
        expect(onThisQueue.map((a) => a['alarm_name']).sort(), where).toEqual([`${name(manifest.name, queue)}-new-messages`, `${name(manifest.name, queue)}-not-empty`]);
        const messages = (id: string, metric: string) => ({ id, metric: { namespace: 'AWS/SQS', metric_name: metric, dimensions: { QueueName: queueName }, stat: 'Maximum', period: 60 } });
        // While anything is in it, visible or in flight: a level, which tells nobody of the next
        // message, and which an operator receiving the messages to read them does not end.
        const notEmpty = onThisQueue.filter((a) => a['alarm_name'] === `${name(manifest.name, queue)}-not-empty`);
        expect(notEmpty[0], where).not.toHaveProperty('metric_name');
        expect(notEmpty[0], where).toMatchObject({
          comparison_operator: 'GreaterThanThreshold',
          threshold: 0,
          evaluation_periods: 1,
          alarm_actions: [alarmsTopic],
          ok_actions: [alarmsTopic],
          metric_query: [
            messages('visible', 'ApproximateNumberOfMessagesVisible'),
            messages('inflight', 'ApproximateNumberOfMessagesNotVisible'),
            { id: 'alarmed', expression: 'FILL(visible, 0) + FILL(inflight, 0)', return_data: true },
          ],
        });
        // Each message that arrives, however many wait already: the count (visible and in flight) grew within the minute.
        const newMessages = onThisQueue.filter((a) => a['alarm_name'] === `${name(manifest.name, queue)}-new-messages`);
        expect(newMessages[0], where).toMatchObject({
          alarm_name: `${name(manifest.name, queue)}-new-messages`,
          comparison_operator: 'GreaterThanThreshold',
          threshold: 0,
          evaluation_periods: 2,
          datapoints_to_alarm: 1,
          treat_missing_data: 'notBreaching',
          alarm_actions: [alarmsTopic],
          ok_actions: [alarmsTopic],
          metric_query: [
            messages('visible', 'ApproximateNumberOfMessagesVisible'),
            messages('inflight', 'ApproximateNumberOfMessagesNotVisible'),
            { id: 'alarmed', expression: 'DIFF(FILL(visible, 0) + FILL(inflight, 0))', return_data: true },
          ],
        });
        for (const alarm of [...notEmpty, ...newMessages]) expect(alarm['alarm_description'], where).toContain('docs/runbooks.md#dead-letter-queues');
      }
    }
  });

  it('attaches to every function exactly the layers its bundle requires', () => {
    const layerArn = { 'common-utils': TF.platform('layers/common-utils/arn'), 'auth-layer': TF.platform('layers/auth-layer/arn') };
    for (const manifest of manifests) {
      if (Object.keys(manifest.functions).length === 0) continue; // a state machine alone builds nothing
      const metafile = JSON.parse(readFileSync(join(variant.buildRoot(), 'dist', 'apps', manifest.name, 'meta.json'), 'utf8')) as BundleMetafile;
      for (const fn of Object.keys(manifest.functions)) {
        const imports = new Set(metafile.outputs[`dist/apps/${manifest.name}/${fn}.js`]?.imports.filter((i) => i.external).map((i) => i.path));
        // auth-layer's package requires common-utils' in turn.
        const expected = [
          ...(imports.has('@shop/common') || imports.has('@shop/auth') ? [layerArn['common-utils']] : []),
          ...(imports.has('@shop/auth') ? [layerArn['auth-layer']] : []),
        ];
        expect(lambda(manifest.name, fn)[1]['layers'], `${manifest.name}/${fn}`).toEqual(expected);
      }
    }
  });

  it('deploys every function as its manifest says: nodejs22.x on arm64, its memory and timeout, its zip, a log group with retention', () => {
    for (const { manifest, fn, def } of everyFunction()) {
      const stack = stackOf(manifest.name);
      const [, block] = lambda(manifest.name, fn);
      expect(block, `${manifest.name}/${fn}`).toMatchObject({
        runtime: 'nodejs22.x',
        architectures: ['arm64'],
        handler: 'index.handler',
        memory_size: def.memoryMb,
        timeout: def.timeoutSeconds,
      });
      expect(block['filename']).toMatch(/^assets\/.+\.zip$/);
      expect(zipEntries(join(variant.outdir(), 'stacks', manifest.name, block['filename'])), `${manifest.name}/${fn}`).toEqual(['index.js']);
      expect(block['source_code_hash']).toBe(`\${filebase64sha256("${block['filename']}")}`);
      const [logsId, logs] = resourceWith(stack, 'aws_cloudwatch_log_group', 'name', `/aws/lambda/${name(manifest.name, fn)}`);
      expect(logs['retention_in_days']).toBe(14);
      expect(block['depends_on']).toContain(`aws_cloudwatch_log_group.${logsId}`);
    }
  });

  it("publishes every function only once its stack's own tables that it uses exist: their names reach it as plain strings, which make no edge", () => {
    let users = 0;
    for (const { manifest, fn, def } of everyFunction()) {
      const [, block] = lambda(manifest.name, fn);
      for (const table of Object.keys(def.permissions.tables ?? {})) {
        users++;
        const [tableId] = resourceWith(stackOf(manifest.name), 'aws_dynamodb_table', 'name', name(manifest.name, table));
        expect(block['depends_on'], `${manifest.name}/${fn} uses ${table}`).toContain(`aws_dynamodb_table.${tableId}`);
      }
    }
    // Each set of services has functions using their own tables.
    expect(users).toBeGreaterThan(0);
  });

  it('retries and dead-letters every function invoked asynchronously, as its asyncInvoke says', () => {
    for (const manifest of manifests) {
      const stack = stackOf(manifest.name);
      const withSettings = Object.entries(manifest.functions).filter(([, def]) => def.asyncInvoke);
      expect(resources(stack, 'aws_lambda_function_event_invoke_config')).toHaveLength(withSettings.length);
      for (const [fn, def] of withSettings) {
        const [functionId] = lambda(manifest.name, fn);
        const [, config] = resourceWith(stack, 'aws_lambda_function_event_invoke_config', 'function_name', ref('aws_lambda_function', functionId, 'function_name'));
        const { service, name: queue } = parseRef(def.asyncInvoke!.onFailure);
        const destination =
          service === manifest.name
            ? ref('aws_sqs_queue', resourceWith(stack, 'aws_sqs_queue', 'name', name(service, queue))[0], 'arn')
            : arn('sqs', name(service, queue));
        expect(config).toMatchObject({ maximum_retry_attempts: def.asyncInvoke!.maximumRetryAttempts, destination_config: { on_failure: { destination } } });
      }
    }
  });

  it('maps every queue and stream trigger with partial batch responses, from the right source, failures to the right queue', () => {
    for (const manifest of manifests) {
      const stack = stackOf(manifest.name);
      /** This stack's resource, or another service's by its deterministic name. */
      const queueArn = (queueRef: string) => {
        const { service, name: queue } = parseRef(queueRef);
        return service === manifest.name
          ? ref('aws_sqs_queue', resourceWith(stack, 'aws_sqs_queue', 'name', name(service, queue))[0], 'arn')
          : arn('sqs', name(service, queue));
      };
      const streamArn = (tableRef: string) => {
        const { service, name: table } = parseRef(tableRef);
        if (service === manifest.name) return ref('aws_dynamodb_table', resourceWith(stack, 'aws_dynamodb_table', 'name', name(service, table))[0], 'stream_arn');
        const [sourceId] = Object.entries(stack.data?.['aws_dynamodb_table'] ?? {}).find(([, d]) => d['name'] === name(service, table)) ?? [];
        return `\${data.aws_dynamodb_table.${sourceId}.stream_arn}`;
      };
      const mappings = resources(stack, 'aws_lambda_event_source_mapping').map(([, m]) => m);
      let expected = 0;
      for (const [fn, def] of Object.entries(manifest.functions)) {
        for (const trigger of def.triggers) {
          if (trigger.type !== 'queue' && trigger.type !== 'table-stream') continue;
          expected++;
          const source = trigger.type === 'queue' ? queueArn(trigger.queue) : streamArn(trigger.table);
          const found = mappings.filter((m) => m['function_name'] === aliasArn(manifest.name, fn) && m['event_source_arn'] === source);
          expect(found, `${manifest.name}/${fn} ${trigger.type} from ${source}`).toHaveLength(1);
          const mapping = found[0]!;
          expect(mapping).toMatchObject({
            batch_size: trigger.batchSize,
            maximum_batching_window_in_seconds: trigger.maxBatchingWindowSeconds ?? 0,
            function_response_types: ['ReportBatchItemFailures'],
          });
          if (trigger.type === 'table-stream') {
            expect(mapping).toMatchObject({
              starting_position: trigger.startingPosition,
              maximum_retry_attempts: trigger.maximumRetryAttempts,
              bisect_batch_on_function_error: trigger.bisectBatchOnError,
              destination_config: { on_failure: { destination_arn: queueArn(trigger.onFailure) } },
            });
          } else {
            expect(mapping['starting_position']).toBeUndefined();
          }
        }
      }
      expect(mappings, manifest.name).toHaveLength(expected);
    }
  });

  it("runs every state machine from the repository's definition file, rendered with the functions' ARNs", () => {
    for (const { manifest, root } of services) {
      const stack = stackOf(manifest.name);
      for (const [machine, def] of Object.entries(manifest.stateMachines ?? {})) {
        const [, block] = resourceWith(stack, 'aws_sfn_state_machine', 'name', name(manifest.name, machine));
        const file = JSON.parse(readFileSync(join(root, def.definition), 'utf8')) as object;
        expect(JSON.parse(unescapeTerraform(block['definition'])), `${manifest.name}/${machine}`).toEqual(renderDefinition(file, functionArn));
        expect(block['tracing_configuration'], `${manifest.name}/${machine} traces`).toEqual({ enabled: true });
        const roleId = /^\$\{aws_iam_role\.([^.]+)\.arn\}$/.exec(block['role_arn'])?.[1] ?? '';
        const [, policy] = resourceWith(stack, 'aws_iam_role_policy', 'role', ref('aws_iam_role', roleId, 'id'));
        const invokes = (JSON.parse(policy['policy']).Statement as { Action: string[]; Resource: string[] }[]).filter((s) => s.Action.includes('lambda:InvokeFunction'));
        const refs = new Set<string>();
        renderDefinition(file, (r) => (refs.add(r), r));
        expect(invokes.flatMap((s) => s.Resource).sort()).toEqual([...refs].map(functionArn).sort());
      }
    }
  });

  it('keeps every table on demand with point-in-time recovery, and streams, indexes and TTL where declared', () => {
    for (const manifest of manifests) {
      for (const [table, def] of Object.entries(manifest.tables)) {
        const [, block] = resourceWith(stackOf(manifest.name), 'aws_dynamodb_table', 'name', name(manifest.name, table));
        expect(block).toMatchObject({ billing_mode: 'PAY_PER_REQUEST', point_in_time_recovery: { enabled: true }, hash_key: def.partitionKey.name });
        expect(block['stream_enabled']).toBe(Boolean(def.stream));
        expect(block['stream_view_type']).toBe(def.stream);
        expect(block['ttl']?.attribute_name).toBe(def.ttlAttribute);
        expect((block['global_secondary_index'] as Block[]).map((i) => [i['name'], i['projection_type']])).toEqual(
          (def.globalSecondaryIndexes ?? []).map((i) => [i.name, 'ALL']),
        );
      }
    }
  });

  it("grants the payment provider's two secret parameters, and their key through SSM only, to exactly the functions that use the provider", () => {
    const secretGrants = (manifest: ServiceManifest, fn: string) => {
      const [, lambdaBlock] = lambda(manifest.name, fn);
      const roleId = /^\$\{aws_iam_role\.([^.]+)\.arn\}$/.exec(lambdaBlock['role'])?.[1] ?? '';
      const [, policy] = resources(stackOf(manifest.name), 'aws_iam_role_policy').find(([, p]) => p['role'] === ref('aws_iam_role', roleId, 'id'))!;
      return (JSON.parse(policy['policy']).Statement as PolicyStatement[]).filter((s) => s.Action.some((a) => a.startsWith('ssm:') || a.startsWith('kms:')));
    };
    let users = 0;
    for (const { manifest, fn } of everyFunction()) {
      const grants = secretGrants(manifest, fn);
      if (!manifest.functions[fn]!.uses?.includes('paymentProvider')) {
        expect(grants, `${manifest.name}/${fn}`).toEqual([]);
        continue;
      }
      users += 1;
      expect(grants, `${manifest.name}/${fn}`).toEqual([
        {
          Sid: 'PaymentSecretsRead',
          Effect: 'Allow',
          Action: ['ssm:GetParameter'],
          Resource: [`arn:aws:ssm:${TF.region}:${TF.account}:parameter/shop/dev/payment-provider/api-key`, `arn:aws:ssm:${TF.region}:${TF.account}:parameter/shop/dev/payment-provider/webhook-secret`],
        },
        {
          Sid: 'PaymentSecretsDecrypt',
          Effect: 'Allow',
          Action: ['kms:Decrypt'],
          Resource: [TF.platform('payment-provider/secrets-key-arn')],
          Condition: { StringEquals: { 'kms:ViaService': `ssm.${TF.region}.amazonaws.com` } },
        },
      ]);
    }
    // Each set of services has users of the provider (payment-service's three; one made-up function).
    expect(users).toBeGreaterThan(0);
  });

  it('reads from SSM only parameters the platform stack writes', () => {
    const written = new Set(resources(stackOf('platform'), 'aws_ssm_parameter').map(([, p]) => p['name'] as string));
    for (const manifest of manifests) {
      for (const [, data] of Object.entries(stackOf(manifest.name).data?.['aws_ssm_parameter'] ?? {})) {
        expect(written.has(data['name']), `${manifest.name} reads ${data['name']}`).toBe(true);
      }
    }
  });

  it('gives every event-rule, topic and schedule trigger its rule, subscription or schedule, each with what lets AWS invoke, and nothing more', () => {
    for (const manifest of manifests) {
      const stack = stackOf(manifest.name);
      const triggers = Object.values(manifest.functions).flatMap((def) => def.triggers);
      const count = (type: string) => triggers.filter((t) => t.type === type).length;
      const topicRules = Object.values(manifest.topics ?? {}).flatMap((topic) => Object.keys(topic.rules ?? {}));
      expect(resources(stack, 'aws_cloudwatch_event_rule').map(([, r]) => r['name']).sort(), manifest.name).toEqual(
        [...triggers.flatMap((t) => (t.type === 'event-rule' ? [t.rule] : [])), ...topicRules].map((rule) => name(manifest.name, rule)).sort(),
      );
      expect(resources(stack, 'aws_cloudwatch_event_target')).toHaveLength(count('event-rule') + topicRules.length);
      expect(resources(stack, 'aws_sns_topic_subscription')).toHaveLength(count('topic'));
      expect(resources(stack, 'aws_scheduler_schedule').map(([, r]) => r['name']).sort()).toEqual(
        triggers.flatMap((t) => (t.type === 'schedule' ? [name(manifest.name, t.schedule)] : [])).sort(),
      );
      const principals = resources(stack, 'aws_lambda_permission').map(([, p]) => p['principal'] as string);
      expect(principals.filter((p) => p === 'events.amazonaws.com')).toHaveLength(count('event-rule'));
      expect(principals.filter((p) => p === 'sns.amazonaws.com')).toHaveLength(count('topic'));
      expect(principals).toHaveLength(count('http') + count('event-rule') + count('topic'));
      expect(resources(stack, 'aws_sns_topic').map(([, t]) => t['name']).sort()).toEqual(Object.keys(manifest.topics ?? {}).map((t) => name(manifest.name, t)).sort());
    }
  });

  it('sends every rule target through a retry policy to a dead-letter queue of its own, which only that rule may write to', () => {
    for (const manifest of manifests) {
      const stack = stackOf(manifest.name);
      for (const [, target] of resources(stack, 'aws_cloudwatch_event_target')) {
        const ruleId = /^\$\{aws_cloudwatch_event_rule\.([^.]+)\.name\}$/.exec(target['rule'])![1]!;
        const rule = stack.resource!['aws_cloudwatch_event_rule']![ruleId]!;
        const dlqName = `${rule['name']}-rule-dlq`;
        const [dlqId] = resourceWith(stack, 'aws_sqs_queue', 'name', dlqName);
        expect(target, rule['name']).toMatchObject({
          retry_policy: { maximum_event_age_in_seconds: 14_400, maximum_retry_attempts: 185 },
          dead_letter_config: { arn: ref('aws_sqs_queue', dlqId, 'arn') },
        });
        const [, policy] = resourceWith(stack, 'aws_sqs_queue_policy', 'queue_url', ref('aws_sqs_queue', dlqId, 'url'));
        expect(JSON.parse(policy['policy']).Statement).toEqual([
          {
            Sid: 'EventBridgeRule',
            Effect: 'Allow',
            Principal: { Service: 'events.amazonaws.com' },
            Action: 'sqs:SendMessage',
            Resource: ref('aws_sqs_queue', dlqId, 'arn'),
            Condition: { ArnEquals: { 'aws:SourceArn': ref('aws_cloudwatch_event_rule', ruleId, 'arn') } },
          },
        ]);
      }
    }
  });

  it("sends what SNS cannot deliver to a function to the subscription's own dead-letter queue, which only the topic may write to, and alarms on the topic's failed deliveries", () => {
    let subscriptions = 0;
    for (const manifest of manifests) {
      const stack = stackOf(manifest.name);
      for (const [fn, def] of Object.entries(manifest.functions)) {
        for (const trigger of def.triggers) {
          if (trigger.type !== 'topic') continue;
          subscriptions++;
          const where = `${manifest.name}/${fn} on ${trigger.topic}`;
          const { service, name: topic } = parseRef(trigger.topic);
          const topicArn = service === manifest.name ? ref('aws_sns_topic', resourceWith(stack, 'aws_sns_topic', 'name', name(service, topic))[0], 'arn') : arn('sns', name(service, topic));
          const found = resources(stack, 'aws_sns_topic_subscription').filter(([, s]) => s['endpoint'] === aliasArn(manifest.name, fn) && s['topic_arn'] === topicArn);
          expect(found, where).toHaveLength(1);
          const [dlqId] = resourceWith(stack, 'aws_sqs_queue', 'name', name(manifest.name, `${fn}-${topic}-topic-dlq`));
          const dlqArn = ref('aws_sqs_queue', dlqId, 'arn');
          expect(JSON.parse(found[0]![1]['redrive_policy']), where).toEqual({ deadLetterTargetArn: dlqArn });
          const [policyId, policy] = resourceWith(stack, 'aws_sqs_queue_policy', 'queue_url', ref('aws_sqs_queue', dlqId, 'url'));
          expect(JSON.parse(policy['policy']).Statement, where).toEqual([
            {
              Sid: 'SnsTopic',
              Effect: 'Allow',
              Principal: { Service: 'sns.amazonaws.com' },
              Action: 'sqs:SendMessage',
              Resource: dlqArn,
              Condition: { ArnEquals: { 'aws:SourceArn': topicArn } },
            },
          ]);
          expect(found[0]![1]['depends_on'], where).toContain(`aws_sqs_queue_policy.${policyId}`);
          const failed = resources(stack, 'aws_cloudwatch_metric_alarm').filter(
            ([, a]) => a['namespace'] === 'AWS/SNS' && a['metric_name'] === 'NumberOfNotificationsFailed' && a['dimensions']?.TopicName === name(service, topic),
          );
          expect(failed, where).toHaveLength(1);
          expect(failed[0]![1], where).toMatchObject({
            alarm_name: `${name(manifest.name, fn)}-${service}-${topic}-deliveries-failed`,
            statistic: 'Sum',
            comparison_operator: 'GreaterThanThreshold',
            threshold: 0,
            alarm_actions: [TF.platform('alarms/topic-arn')],
          });
        }
      }
      expect(resources(stack, 'aws_cloudwatch_metric_alarm').filter(([, a]) => a['namespace'] === 'AWS/SNS'), manifest.name).toHaveLength(
        Object.values(manifest.functions).flatMap((def) => def.triggers.filter((t) => t.type === 'topic')).length,
      );
    }
    // Each set of services subscribes a function (notification-service's send-notification; two made-up ones).
    expect(subscriptions).toBeGreaterThan(0);
  });

  it('alarms on every function, stream mapping and state machine, and on every Fail state of its definition, all to the alarms topic', () => {
    const alarmsTopic = TF.platform('alarms/topic-arn');
    for (const { manifest, root } of services) {
      const stack = stackOf(manifest.name);
      const alarms = resources(stack, 'aws_cloudwatch_metric_alarm').map(([, a]) => a);
      for (const alarm of alarms) expect(alarm, alarm['alarm_name']).toMatchObject({ alarm_actions: [alarmsTopic], ok_actions: [alarmsTopic] });
      const on = (namespace: string, metric: string, dimension: string, value: string) =>
        alarms.filter((a) => a['namespace'] === namespace && a['metric_name'] === metric && a['dimensions']?.[dimension] === value);
      for (const [fn, def] of Object.entries(manifest.functions)) {
        const physical = name(manifest.name, fn);
        expect(on('AWS/Lambda', 'Throttles', 'FunctionName', physical), `${manifest.name}/${fn} Throttles`).toHaveLength(1);
        const answersNamedErrors = def.triggers.some((t) => t.type === 'invoke' || t.type === 'state-machine-task');
        if (!answersNamedErrors) expect(on('AWS/Lambda', 'Errors', 'FunctionName', physical), `${manifest.name}/${fn} Errors`).toHaveLength(1);
        else {
          // Errors less the named errors it answers on purpose, which its wrapper counts as ExpectedErrors.
          const errors = alarms.filter((a) => a['alarm_name'] === `${physical}-errors`);
          expect(errors, `${manifest.name}/${fn} Errors`).toHaveLength(1);
          expect(errors[0]).not.toHaveProperty('metric_name');
          expect(errors[0]).toMatchObject({ threshold: 0, comparison_operator: 'GreaterThanThreshold', treat_missing_data: 'notBreaching' });
          expect(errors[0]?.['metric_query']).toEqual([
            { id: 'measured', metric: { namespace: 'AWS/Lambda', metric_name: 'Errors', dimensions: { FunctionName: physical }, stat: 'Sum', period: 300 } },
            {
              id: 'expected',
              metric: { namespace: 'Shop', metric_name: 'ExpectedErrors', dimensions: { service: manifest.name, stage: STAGE, function: physical }, stat: 'Sum', period: 300 },
            },
            { id: 'unexpected', expression: 'measured - FILL(expected, 0)', label: 'Errors less ExpectedErrors', return_data: true },
          ]);
        }
        const streams = def.triggers.filter((t) => t.type === 'table-stream').length;
        expect(on('AWS/Lambda', 'IteratorAge', 'FunctionName', name(manifest.name, fn)), `${manifest.name}/${fn} IteratorAge`).toHaveLength(streams);
      }
      for (const [machine, def] of Object.entries(manifest.stateMachines ?? {})) {
        const [machineId] = resourceWith(stack, 'aws_sfn_state_machine', 'name', name(manifest.name, machine));
        for (const metric of ['ExecutionsFailed', 'ExecutionsTimedOut', 'ExecutionsAborted']) {
          expect(on('AWS/States', metric, 'StateMachineArn', ref('aws_sfn_state_machine', machineId, 'arn')), `${manifest.name}/${machine} ${metric}`).toHaveLength(1);
        }
        const asl = JSON.parse(readFileSync(join(root, def.definition), 'utf8')) as { States: Record<string, { Type: string; Error?: string }> };
        for (const [state, body] of Object.entries(asl.States).filter(([, b]) => b.Type === 'Fail' && b.Error)) {
          const metricName = `${name(manifest.name, machine)}/${body.Error}`;
          const [, filter] = resourceWith(stack, 'aws_cloudwatch_log_metric_filter', 'name', `${state} (${body.Error})`);
          expect(filter['metric_transformation']).toMatchObject({ namespace: 'Shop/FailStates', name: metricName });
          expect(filter['pattern']).toContain(`"${body.Error}"`);
          expect(alarms.filter((a) => a['namespace'] === 'Shop/FailStates' && a['metric_name'] === metricName), `${manifest.name}/${machine} ${state}`).toHaveLength(1);
        }
      }
    }
  });

  it('alarms on each operator incident a service publishes, as the EMF metric of its service and stage', () => {
    for (const manifest of manifests) {
      const published = new Set(Object.values(manifest.functions).flatMap((fn) => fn.permissions.publishes?.detailTypes ?? []));
      const incidents = resources(stackOf(manifest.name), 'aws_cloudwatch_metric_alarm')
        .map(([, a]) => a)
        .filter((a) => a['namespace'] === 'Shop');
      const expected = ['RefundFailed', 'PaymentMismatch', 'UnknownCharge', 'UnknownRefund'].filter((i) => published.has(i));
      expect(incidents.map((a) => a['metric_name']).sort(), manifest.name).toEqual(expected.sort());
      for (const alarm of incidents) expect(alarm['dimensions']).toEqual({ service: manifest.name, stage: STAGE });
    }
  });

  it('draws one dashboard per service with its functions, queues and alarms', () => {
    for (const manifest of manifests) {
      const [, board] = resourceWith(stackOf(manifest.name), 'aws_cloudwatch_dashboard', 'dashboard_name', `shop-dev-${manifest.name}`);
      const body = board['dashboard_body'] as string;
      for (const fn of Object.keys(manifest.functions)) expect(body, `${manifest.name}/${fn}`).toContain(`"${name(manifest.name, fn)}"`);
      for (const queue of Object.keys(manifest.queues ?? {})) expect(body).toContain(`"${name(manifest.name, `${queue}-dlq`)}"`);
      // Every alarm of the stack, the dead-letter queues' (made with the queues) among them.
      const alarmWidget = (JSON.parse(body) as { widgets: { type: string; properties: { alarms?: string[] } }[] }).widgets.find((w) => w.type === 'alarm');
      expect(alarmWidget?.properties.alarms?.slice().sort(), manifest.name).toEqual(resources(stackOf(manifest.name), 'aws_cloudwatch_metric_alarm').map(([id]) => ref('aws_cloudwatch_metric_alarm', id, 'arn')).sort());
      for (const queue of Object.keys(manifest.queues ?? {})) {
        for (const alarm of ['not-empty', 'new-messages']) {
          const [alarmId] = resourceWith(stackOf(manifest.name), 'aws_cloudwatch_metric_alarm', 'alarm_name', name(manifest.name, `${queue}-dlq-${alarm}`));
          expect(alarmWidget?.properties.alarms, `${manifest.name}/${queue}-dlq-${alarm}`).toContain(ref('aws_cloudwatch_metric_alarm', alarmId, 'arn'));
        }
      }
      const titles = (JSON.parse(body) as { widgets: { properties: { title?: string } }[] }).widgets.map((w) => w.properties.title);
      if (Object.keys(manifest.functions).length > 0) expect(titles).toEqual(expect.arrayContaining(['Invocations', 'Errors', 'Duration p99 (ms)', 'Throttles', 'Alarms']));
      const answering = Object.entries(manifest.functions).filter(([, def]) => def.triggers.some((t) => t.type === 'invoke' || t.type === 'state-machine-task'));
      const expected = (JSON.parse(body) as { widgets: { properties: { title?: string; metrics?: unknown[][] } }[] }).widgets.find((w) =>
        w.properties.title?.startsWith('Errors answered on purpose'),
      );
      expect(expected?.properties.metrics?.map((row) => row.slice(0, 8)), manifest.name).toEqual(
        answering.length > 0
          ? answering.map(([fn]) => ['Shop', 'ExpectedErrors', 'service', manifest.name, 'stage', STAGE, 'function', name(manifest.name, fn)])
          : undefined,
      );
    }
  });

  it("needs no other stack's state: no remote state anywhere", () => {
    for (const stack of Object.values(stacks)) {
      expect(stack.data?.['terraform_remote_state']).toBeUndefined();
      expect(JSON.stringify(stack)).not.toMatch(/\$\{data\.terraform_remote_state/);
    }
  });
});
