/**
 * The `terraform test` file that plans and applies every stack of a combined root against a
 * mocked AWS provider. A mock makes up the attributes AWS would compute, and the provider still
 * checks every value it is given, so made-up strings where an ARN is expected would fail: the
 * mocks below give each computed attribute that flows into a checked one a value of the right
 * shape, and each SSM parameter a service stack reads the value the platform would have written.
 */

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const API = 'a1b2c3d4e5';
const POOL = `${REGION}_AbCdEfGhI`;
const KEY = '11111111-2222-3333-4444-555555555555';

/** What the platform writes under `/shop/<stage>/`, by path; a parameter not here fails the test, so a new one is mocked on purpose. */
const PARAMETER_VALUES: Record<string, string> = {
  'alarms/topic-arn': `arn:aws:sns:${REGION}:${ACCOUNT}:shop-dev-alarms`,
  'event-bus/name': 'shop-dev-events',
  'event-bus/arn': `arn:aws:events:${REGION}:${ACCOUNT}:event-bus/shop-dev-events`,
  'http-api/id': API,
  'http-api/url': `https://${API}.execute-api.${REGION}.amazonaws.com`,
  'http-api/execution-arn': `arn:aws:execute-api:${REGION}:${ACCOUNT}:${API}`,
  'http-api/authorizer-id': 'abc123',
  'user-pool/id': POOL,
  'user-pool/arn': `arn:aws:cognito-idp:${REGION}:${ACCOUNT}:userpool/${POOL}`,
  'user-pool/client-id': '1example23456789abcdefghij',
  'layers/common-utils/arn': `arn:aws:lambda:${REGION}:${ACCOUNT}:layer:shop-dev-common-utils:1`,
  'layers/auth-layer/arn': `arn:aws:lambda:${REGION}:${ACCOUNT}:layer:shop-dev-auth-layer:1`,
  'email/from': 'no-reply@shop.example.com',
  'email/identity-arn': `arn:aws:ses:${REGION}:${ACCOUNT}:identity/shop.example.com`,
  'payment-provider/url': 'https://payments.example.com',
  'payment-provider/secrets-key-arn': `arn:aws:kms:${REGION}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
  'web/bucket-name': `shop-dev-web-${ACCOUNT}`,
  'web/url': 'https://d111111abcdef8.cloudfront.net',
};

/** Computed attributes of each resource type, as AWS would shape them, wherever another resource's checked argument takes them. */
const RESOURCE_DEFAULTS: Record<string, Record<string, string>> = {
  aws_iam_role: { arn: `arn:aws:iam::${ACCOUNT}:role/shop-dev-mock` },
  aws_iam_policy: { arn: `arn:aws:iam::${ACCOUNT}:policy/shop-deploy-mock` },
  aws_iam_openid_connect_provider: { arn: `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com` },
  aws_sns_topic: { arn: `arn:aws:sns:${REGION}:${ACCOUNT}:shop-dev-mock` },
  aws_sqs_queue: { arn: `arn:aws:sqs:${REGION}:${ACCOUNT}:shop-dev-mock`, url: `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/shop-dev-mock` },
  aws_lambda_function: {
    arn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:shop-dev-mock`,
    qualified_arn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:shop-dev-mock:1`,
    invoke_arn: `arn:aws:apigateway:${REGION}:lambda:path/2015-03-31/functions/arn:aws:lambda:${REGION}:${ACCOUNT}:function:shop-dev-mock/invocations`,
    version: '1',
  },
  aws_lambda_alias: {
    arn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:shop-dev-mock:live`,
    invoke_arn: `arn:aws:apigateway:${REGION}:lambda:path/2015-03-31/functions/arn:aws:lambda:${REGION}:${ACCOUNT}:function:shop-dev-mock:live/invocations`,
  },
  aws_lambda_layer_version: { arn: `arn:aws:lambda:${REGION}:${ACCOUNT}:layer:shop-dev-mock:1`, layer_arn: `arn:aws:lambda:${REGION}:${ACCOUNT}:layer:shop-dev-mock` },
  aws_cloudwatch_log_group: { arn: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/shop/mock` },
  aws_cloudwatch_metric_alarm: { arn: `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:shop-dev-mock` },
  aws_cloudwatch_event_bus: { arn: `arn:aws:events:${REGION}:${ACCOUNT}:event-bus/shop-dev-events` },
  aws_cloudwatch_event_rule: { arn: `arn:aws:events:${REGION}:${ACCOUNT}:rule/shop-dev-events/shop-dev-mock` },
  aws_kms_key: { arn: `arn:aws:kms:${REGION}:${ACCOUNT}:key/${KEY}`, key_id: KEY },
  aws_dynamodb_table: {
    arn: `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/shop-dev-mock`,
    stream_arn: `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/shop-dev-mock/stream/2025-01-01T00:00:00.000`,
  },
  aws_sfn_state_machine: { arn: `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:shop-dev-mock` },
  aws_apigatewayv2_api: {
    id: API,
    arn: `arn:aws:apigateway:${REGION}::/apis/${API}`,
    api_endpoint: `https://${API}.execute-api.${REGION}.amazonaws.com`,
    execution_arn: `arn:aws:execute-api:${REGION}:${ACCOUNT}:${API}`,
  },
  aws_cognito_user_pool: { id: POOL, arn: `arn:aws:cognito-idp:${REGION}:${ACCOUNT}:userpool/${POOL}` },
  aws_s3_bucket: { arn: `arn:aws:s3:::shop-dev-mock`, bucket_regional_domain_name: `shop-dev-mock.s3.${REGION}.amazonaws.com` },
  aws_cloudfront_distribution: { arn: `arn:aws:cloudfront::${ACCOUNT}:distribution/E2MOCK`, domain_name: 'd111111abcdef8.cloudfront.net' },
  aws_sesv2_email_identity: { arn: `arn:aws:ses:${REGION}:${ACCOUNT}:identity/shop.example.com` },
};

const DATA_DEFAULTS: Record<string, Record<string, string>> = {
  aws_caller_identity: { account_id: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:user/test`, user_id: 'AIDATEST' },
  aws_region: { name: REGION },
};

interface ModuleJson {
  [key: string]: unknown;
}

type DataSources = Record<string, Record<string, { name?: string }>>;

const hcl = (values: Record<string, string>) => `{ ${Object.entries(values).map(([k, v]) => `${k} = ${JSON.stringify(v)}`).join(', ')} }`;

export function mockProviderTest(modules: Record<string, ModuleJson>): string {
  const overrides: string[] = [];
  for (const [module, json] of Object.entries(modules)) {
    const data = (json['data'] ?? {}) as DataSources;
    for (const [id, parameter] of Object.entries(data['aws_ssm_parameter'] ?? {})) {
      const path = /^\/shop\/[a-z]+\/(.+)$/.exec(parameter.name ?? '')?.[1] ?? '';
      const value = PARAMETER_VALUES[path];
      if (value === undefined) throw new Error(`${module} reads the SSM parameter ${parameter.name}, which terraform-mocks.ts does not know: add its value`);
      overrides.push(`override_data {\n  target = module.${module}.data.aws_ssm_parameter.${id}\n  values = ${hcl({ value, insecure_value: value })}\n}`);
    }
    for (const [id, table] of Object.entries(data['aws_dynamodb_table'] ?? {})) {
      const streamArn = `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${table.name}/stream/2025-01-01T00:00:00.000`;
      overrides.push(`override_data {\n  target = module.${module}.data.aws_dynamodb_table.${id}\n  values = ${hcl({ stream_arn: streamArn })}\n}`);
    }
  }
  return [
    'mock_provider "aws" {',
    ...Object.entries(DATA_DEFAULTS).map(([type, values]) => `  mock_data "${type}" {\n    defaults = ${hcl(values)}\n  }`),
    ...Object.entries(RESOURCE_DEFAULTS).map(([type, values]) => `  mock_resource "${type}" {\n    defaults = ${hcl(values)}\n  }`),
    '}',
    '',
    ...overrides,
    '',
    'run "plan" {\n  command = plan\n}',
    '',
    'run "apply" {\n  command = apply\n}',
    '',
  ].join('\n');
}
