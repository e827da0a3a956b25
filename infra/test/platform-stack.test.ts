import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BROWSER_CORS, findRepoRoot, LAYERS, loadManifests } from '@shop/platform';
import { PASSWORD_POLICY, ROLES } from '@shop/contracts';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { PAYMENT_WEBHOOK_ROUTE } from '../src/monitoring/api-throttling';
import { PAYMENT_WEBHOOK_REJECTED_FILTER } from '../src/monitoring/payment-webhook-rejected';
import { ACCESS_LOG_FORMAT } from '../src/platform/http-api';
import { matchesJsonPattern } from './support/json-filter-pattern';
import { readZip, zipEntries } from './support/zip-entries';
import { testConfig } from './support/synthesize';
import { readStacks, ref, resources, resourceWith, type TerraformJson } from './support/terraform-json';

let platform: TerraformJson;
let outdir: string;
beforeAll(() => {
  outdir = inject('synthesized').real;
  platform = readStacks(outdir)['platform']!;
});

const only = (type: string) => {
  const all = resources(platform, type);
  expect(all, type).toHaveLength(1);
  return all[0]!;
};

/**
 * An alarm on a metric filter of the API's access log: any counted in five minutes tells the alarms
 * topic, links its runbook entry, and is on the checkout dashboard. Answers the alarm.
 */
function expectAccessLogAlarm(name: string, metric: string, runbook: string): Record<string, unknown> {
  const [id, alarm] = resourceWith(platform, 'aws_cloudwatch_metric_alarm', 'alarm_name', name);
  expect(alarm).toMatchObject({
    namespace: 'Shop/HttpApi',
    metric_name: metric,
    dimensions: {},
    statistic: 'Sum',
    period: 300,
    evaluation_periods: 1,
    threshold: 0,
    comparison_operator: 'GreaterThanThreshold',
    treat_missing_data: 'notBreaching',
    alarm_actions: [ref('aws_sns_topic', 'alarms', 'arn')],
    ok_actions: [ref('aws_sns_topic', 'alarms', 'arn')],
  });
  expect(alarm['alarm_description']).toContain(`docs/runbooks.md#${runbook}`);
  expect(resourceWith(platform, 'aws_cloudwatch_dashboard', 'dashboard_name', 'shop-dev-checkout')[1]['dashboard_body']).toContain(
    ref('aws_cloudwatch_metric_alarm', id, 'arn'),
  );
  return alarm;
}

describe('the platform stack', () => {
  it('has one HTTP API whose JWT authorizer trusts the user pool and its client', () => {
    const [apiId, api] = only('aws_apigatewayv2_api');
    expect(api).toMatchObject({ name: 'shop-dev-api', protocol_type: 'HTTP' });
    const [, authorizer] = only('aws_apigatewayv2_authorizer');
    const [poolId] = only('aws_cognito_user_pool');
    const [clientId] = only('aws_cognito_user_pool_client');
    expect(authorizer).toEqual(
      expect.objectContaining({
        api_id: ref('aws_apigatewayv2_api', apiId, 'id'),
        authorizer_type: 'JWT',
        identity_sources: ['$request.header.Authorization'],
        jwt_configuration: {
          issuer: `https://cognito-idp.us-east-1.amazonaws.com/${ref('aws_cognito_user_pool', poolId, 'id')}`,
          audience: [ref('aws_cognito_user_pool_client', clientId, 'id')],
        },
      }),
    );
  });

  it('serves the API from an auto-deployed $default stage with JSON access logs and throttling', () => {
    const [, stage] = only('aws_apigatewayv2_stage');
    const [logsId] = resourceWith(platform, 'aws_cloudwatch_log_group', 'name', '/aws/apigateway/shop-dev-api');
    expect(stage).toMatchObject({
      name: '$default',
      auto_deploy: true,
      access_log_settings: { destination_arn: ref('aws_cloudwatch_log_group', logsId, 'arn') },
      default_route_settings: { throttling_burst_limit: 100, throttling_rate_limit: 50 },
    });
    expect(JSON.parse(stage['access_log_settings'].format)).toMatchObject({
      requestId: '$context.requestId',
      routeKey: '$context.routeKey',
      status: '$context.status',
      integrationError: '$context.integrationErrorMessage',
    });
  });

  it("configures the user pool with libs/contracts's password policy, email usernames and one group per role", () => {
    const [poolId, pool] = only('aws_cognito_user_pool');
    expect(pool['username_attributes']).toEqual(['email']);
    expect(pool['password_policy']).toMatchObject({
      minimum_length: PASSWORD_POLICY.minimumLength,
      require_lowercase: PASSWORD_POLICY.requireLowercase,
      require_uppercase: PASSWORD_POLICY.requireUppercase,
      require_numbers: PASSWORD_POLICY.requireNumbers,
      require_symbols: PASSWORD_POLICY.requireSymbols,
    });
    expect(resources(platform, 'aws_cognito_user_group').map(([, g]) => g['name']).sort()).toEqual([...ROLES].sort());
    for (const [, group] of resources(platform, 'aws_cognito_user_group')) expect(group['user_pool_id']).toBe(ref('aws_cognito_user_pool', poolId, 'id'));
  });

  it("gives the client the API and the storefront sign in with exactly user-service's sign-in flow and refreshing, no secret, and the stage's token lifetimes", () => {
    const [, client] = only('aws_cognito_user_pool_client');
    expect(client).toMatchObject({
      generate_secret: false,
      explicit_auth_flows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      enable_token_revocation: true,
      access_token_validity: 15,
      id_token_validity: 15,
      refresh_token_validity: 30,
      token_validity_units: [{ access_token: 'minutes', id_token: 'minutes', refresh_token: 'days' }],
    });
  });

  it("lets a signed-in user's token write only what user-service's SignUp sends, never email_verified, and read only what the shop sets", () => {
    const [, client] = only('aws_cognito_user_pool_client');
    // Unset (or empty: the provider drops an empty list), Cognito lets the client write every standard attribute.
    expect(client['write_attributes']?.length).toBeGreaterThan(0);
    // The attributes register's SignUp sends, which Cognito holds to the client's write list too.
    const directory = readFileSync(join(findRepoRoot(__dirname), 'apps/user-service/src/adapters/cognito-account-directory.ts'), 'utf8');
    const signUp = /new SignUpCommand\(\{[\s\S]*?UserAttributes: \[([\s\S]*?)\]/.exec(directory)?.[1] ?? '';
    const sent = [...signUp.matchAll(/Name: '([^']+)'/g)].map((m) => m[1]);
    expect(sent.length).toBeGreaterThan(0);
    expect([...client['write_attributes']].sort()).toEqual([...sent].sort());
    expect(client['write_attributes']).not.toContain('email_verified');
    expect([...client['read_attributes']].sort()).toEqual(['email', 'email_verified', 'name']);
  });

  it('has the event bus, and the alarms topic under a key CloudWatch may use for the stage alarms only, e-mailed to the stage address', () => {
    expect(only('aws_cloudwatch_event_bus')[1]['name']).toBe('shop-dev-events');
    const [topicId, topic] = only('aws_sns_topic');
    expect(topic['name']).toBe('shop-dev-alarms');
    // The platform's other key encrypts the payment secrets (below).
    const [keyId, key] = resources(platform, 'aws_kms_key').find(([id]) => id !== 'payment-secrets-key')!;
    expect(topic['kms_master_key_id']).toBe(ref('aws_kms_key', keyId, 'arn'));
    expect(key['enable_key_rotation']).toBe(true);
    const publisher = JSON.parse(key['policy']).Statement.find((s: { Sid: string }) => s.Sid === 'ServicePublishes1');
    expect(publisher).toMatchObject({
      Principal: { Service: 'cloudwatch.amazonaws.com' },
      Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      Condition: { ArnLike: { 'aws:SourceArn': expect.stringMatching(/:alarm:shop-dev-\*$/) } },
    });
    expect(only('aws_sns_topic_subscription')[1]).toEqual(
      expect.objectContaining({ topic_arn: ref('aws_sns_topic', topicId, 'arn'), protocol: 'email', endpoint: 'alarms@shop.example.com' }),
    );
  });

  it("answers unknown routes and wrong methods with the $default route's function, which knows every manifest's routes", () => {
    const [, route] = resourceWith(platform, 'aws_apigatewayv2_route', 'route_key', '$default');
    expect(route['authorization_type']).toBe('NONE');
    const [, fallback] = resourceWith(platform, 'aws_lambda_function', 'function_name', 'shop-dev-api-fallback');
    expect(fallback).toMatchObject({ runtime: 'nodejs22.x', publish: true, handler: 'index.handler' });
    expect(fallback['layers']).toBeUndefined();
    const zip = join(outdir, 'stacks', 'platform', fallback['filename']);
    expect(zipEntries(zip)).toEqual(['index.js', 'routes.json']);
    const routes = JSON.parse(readZip(readFileSync(zip)).find((e) => e.name === 'routes.json')!.data.toString('utf8'));
    expect(routes['/products']).toEqual(['GET', 'POST']);
    expect(routes['/users/login']).toEqual(['POST']);
    const [, permission] = resourceWith(platform, 'aws_lambda_permission', 'principal', 'apigateway.amazonaws.com');
    expect(permission['source_arn']).toBe(`${ref('aws_apigatewayv2_api', 'http-api', 'execution_arn')}/*/$default`);
  });

  it("allows the storefront's origin, and localhost outside prod, to call the API without credentials", () => {
    const [, api] = only('aws_apigatewayv2_api');
    expect(api['cors_configuration']).toMatchObject({
      allow_origins: [`https://${ref('aws_cloudfront_distribution', 'web-distribution', 'domain_name')}`, 'http://localhost:3000', 'http://localhost:3001', 'http://localhost:4173', 'http://localhost:5173'],
      allow_credentials: false,
      allow_headers: expect.arrayContaining(['authorization', 'content-type', 'idempotency-key']),
    });
  });

  it('lets a browser send every header a route declares, and read the ETag and Location the API answers', async () => {
    const [, api] = only('aws_apigatewayv2_api');
    const cors = api['cors_configuration'] as { allow_headers: string[]; expose_headers: string[] };
    const declared = new Set<string>();
    for (const manifest of await loadManifests(findRepoRoot(__dirname))) {
      for (const fn of Object.values(manifest.functions)) {
        for (const trigger of fn.triggers) {
          const headers = trigger.type === 'http' ? trigger.request?.headers : undefined;
          for (const name of Object.keys((headers?._zod.def as { shape?: object } | undefined)?.shape ?? {})) declared.add(name.toLowerCase());
        }
      }
    }
    expect([...declared].sort()).toEqual(expect.arrayContaining(['idempotency-key', 'if-match']));
    expect(cors.allow_headers).toEqual(expect.arrayContaining([...declared, 'authorization', 'content-type']));
    expect(cors.expose_headers).toEqual(expect.arrayContaining(['etag', 'location', 'retry-after', 'x-request-id']));
    expect(cors).toMatchObject({ allow_headers: [...BROWSER_CORS.requestHeaders], expose_headers: [...BROWSER_CORS.responseHeaders] });
  });

  it('serves the storefront from a private bucket that only its CloudFront distribution reads, with SPA fallback and security headers', () => {
    const [bucketId] = only('aws_s3_bucket');
    expect(only('aws_s3_bucket_public_access_block')[1]).toMatchObject({ block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true });
    const [oacId, oac] = only('aws_cloudfront_origin_access_control');
    expect(oac).toMatchObject({ origin_access_control_origin_type: 's3', signing_behavior: 'always', signing_protocol: 'sigv4' });
    const [distributionId, distribution] = only('aws_cloudfront_distribution');
    expect(distribution).toMatchObject({
      default_root_object: 'index.html',
      origin: [{ origin_access_control_id: ref('aws_cloudfront_origin_access_control', oacId, 'id'), domain_name: ref('aws_s3_bucket', bucketId, 'bucket_regional_domain_name') }],
      default_cache_behavior: { viewer_protocol_policy: 'redirect-to-https' },
      custom_error_response: [
        { error_code: 403, response_code: 200, response_page_path: '/index.html' },
        { error_code: 404, response_code: 200, response_page_path: '/index.html' },
      ],
    });
    expect(distribution['origin'][0]['s3_origin_config']).toBeUndefined(); // no origin access identity
    const [headersId, headers] = only('aws_cloudfront_response_headers_policy');
    expect(distribution['default_cache_behavior']['response_headers_policy_id']).toBe(ref('aws_cloudfront_response_headers_policy', headersId, 'id'));
    expect(Object.keys(headers['security_headers_config']).sort()).toEqual(
      ['content_security_policy', 'content_type_options', 'frame_options', 'referrer_policy', 'strict_transport_security'].sort(),
    );
    const statements = JSON.parse(only('aws_s3_bucket_policy')[1]['policy']).Statement;
    expect(statements[0]).toMatchObject({
      Principal: { Service: 'cloudfront.amazonaws.com' },
      Action: 's3:GetObject',
      Condition: { StringEquals: { 'AWS:SourceArn': ref('aws_cloudfront_distribution', distributionId, 'arn') } },
    });
    expect(statements[1]).toMatchObject({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } });
  });

  it('creates the SES identity with 2048-bit DKIM and the configuration set every message goes through, and outputs the DKIM records', () => {
    expect(only('aws_sesv2_email_identity')[1]).toMatchObject({
      email_identity: 'shop.example.com',
      configuration_set_name: ref('aws_sesv2_configuration_set', 'email-configuration-set', 'configuration_set_name'),
      dkim_signing_attributes: { next_signing_key_length: 'RSA_2048_BIT' },
    });
    expect(only('aws_sesv2_configuration_set')[1]).toMatchObject({
      configuration_set_name: 'shop-dev-email',
      suppression_options: { suppressed_reasons: ['BOUNCE', 'COMPLAINT'] },
      reputation_options: { reputation_metrics_enabled: true },
    });
    expect(JSON.stringify(platform.output?.['email_dkim_records'])).toContain('dkim.amazonses.com');
  });

  it('outputs the API and web URLs for people and the pipeline', () => {
    expect(platform.output?.['api_url']?.value).toBe(ref('aws_apigatewayv2_api', 'http-api', 'api_endpoint'));
    expect(platform.output?.['web_url']?.value).toBe(`https://${ref('aws_cloudfront_distribution', 'web-distribution', 'domain_name')}`);
  });

  it("alarms on the API's 5xx, p99 latency and throttled requests and on the $default function, and draws the checkout dashboard", () => {
    const alarms = resources(platform, 'aws_cloudwatch_metric_alarm').map(([, a]) => a);
    expect(alarms.map((a) => a['alarm_name']).sort()).toEqual(
      [
        'shop-dev-api-5xx',
        'shop-dev-api-latency-p99',
        'shop-dev-api-throttled',
        'shop-dev-payment-webhook-throttled',
        'shop-dev-payment-webhook-rejected',
        'shop-dev-api-fallback-errors',
        'shop-dev-api-fallback-throttles',
        'shop-dev-sms-spend',
        'shop-dev-email-bounce-rate',
        'shop-dev-email-complaint-rate',
        'shop-dev-email-daily-quota',
      ].sort(),
    );
    expect(alarms.find((a) => a['alarm_name'] === 'shop-dev-api-latency-p99')).toMatchObject({ extended_statistic: 'p99', metric_name: 'Latency' });
    for (const alarm of alarms) expect(alarm['alarm_actions']).toEqual([ref('aws_sns_topic', 'alarms', 'arn')]);
    const [, board] = resourceWith(platform, 'aws_cloudwatch_dashboard', 'dashboard_name', 'shop-dev-checkout');
    // The dimensions order-events writes them with (apps/order-events/src/domain/checkout-metrics.ts): SEARCH matches the set exactly.
    for (const metric of ['OrdersPaid', 'OrdersFailed', 'OrdersCancelled', 'OrdersPlaced', 'OrdersRefunded', 'CheckoutDurationMs']) {
      expect(board['dashboard_body']).toContain(`{Shop,service,stage} MetricName=\\"${metric}\\"`);
    }
    expect(board['dashboard_body']).toContain(`{Shop,currency,service,stage} MetricName=\\"RevenueCents\\"`);
  });

  describe('alarms on what stops e-mail and SMS while no function fails', () => {
    const alarmNamed = (name: string) => resourceWith(platform, 'aws_cloudwatch_metric_alarm', 'alarm_name', name);
    const config = testConfig();

    it("alarms once the account's SMS spend of the month reaches 80 % of the stage's spend limit", () => {
      const [id, alarm] = alarmNamed('shop-dev-sms-spend');
      expect(alarm).toMatchObject({
        namespace: 'AWS/SNS',
        metric_name: 'SMSMonthToDateSpentUSD',
        dimensions: {},
        statistic: 'Maximum',
        threshold: 0.8 * config.smsSpendLimitUsd,
        comparison_operator: 'GreaterThanOrEqualToThreshold',
        alarm_actions: [ref('aws_sns_topic', 'alarms', 'arn')],
        ok_actions: [ref('aws_sns_topic', 'alarms', 'arn')],
      });
      expect(alarm['alarm_description']).toMatch(/SNS sends no SMS.*docs\/runbooks\.md#sms-spend-near-the-limit/);
      expect(resourceWith(platform, 'aws_cloudwatch_dashboard', 'dashboard_name', 'shop-dev-checkout')[1]['dashboard_body']).toContain(
        ref('aws_cloudwatch_metric_alarm', id, 'arn'),
      );
    });

    it("alarms on the bounce and complaint rates of the stage's configuration set, under those SES reviews an account at", () => {
      const configurationSet = only('aws_sesv2_configuration_set')[1]['configuration_set_name'];
      for (const [name, metric, threshold] of [
        ['shop-dev-email-bounce-rate', 'Reputation.BounceRate', 0.04],
        ['shop-dev-email-complaint-rate', 'Reputation.ComplaintRate', 0.0008],
      ] as const) {
        const [, alarm] = alarmNamed(name);
        expect(alarm).toMatchObject({
          namespace: 'AWS/SES',
          metric_name: metric,
          dimensions: { 'ses:configuration-set': configurationSet },
          statistic: 'Maximum',
          threshold,
          comparison_operator: 'GreaterThanThreshold',
          alarm_actions: [ref('aws_sns_topic', 'alarms', 'arn')],
        });
        expect(alarm['alarm_description']).toMatch(/pause all its sending.*docs\/runbooks\.md#e-mail-bounces-or-complaints/);
      }
    });

    it("alarms once the account's sends of the last 24 hours reach 80 % of the stage's SES quota", () => {
      const [, alarm] = alarmNamed('shop-dev-email-daily-quota');
      expect(alarm).toMatchObject({
        namespace: 'AWS/SES',
        metric_name: 'Send',
        dimensions: {},
        statistic: 'Sum',
        period: 86_400,
        evaluation_periods: 1,
        threshold: 0.8 * config.sesDailyQuota,
        comparison_operator: 'GreaterThanOrEqualToThreshold',
        alarm_actions: [ref('aws_sns_topic', 'alarms', 'arn')],
      });
      expect(alarm['alarm_description']).toMatch(/SES refuses every send.*docs\/runbooks\.md#e-mails-daily-quota-nearly-spent/);
    });
  });

  describe('alarms on requests API Gateway throttled, most of all the payment provider\'s webhooks', () => {
    const filterCounting = (metricName: string) => {
      const found = resources(platform, 'aws_cloudwatch_log_metric_filter').filter(([, f]) => f['metric_transformation']['name'] === metricName);
      expect(found, metricName).toHaveLength(1);
      return found[0]![1];
    };
    /** An access-log line as http-api.ts's format writes it: every field a string, `-` where it has no value. */
    const logLine = (fields: Partial<Record<keyof typeof ACCESS_LOG_FORMAT, string>>) => ({
      ...Object.fromEntries(Object.keys(ACCESS_LOG_FORMAT).map((key) => [key, '-'])),
      ...fields,
    });
    const webhook = { routeKey: PAYMENT_WEBHOOK_ROUTE, httpMethod: 'POST', path: '/payment/webhook' };
    const throttled = { status: '429', integrationStatus: '-' };
    // What each filter should count: [requests, payment webhooks].
    const lines: [string, ReturnType<typeof logLine>, [boolean, boolean]][] = [
      ['a webhook API Gateway throttled', logLine({ ...webhook, ...throttled }), [true, true]],
      ['a webhook throttled before its route was matched', logLine({ ...webhook, routeKey: '-', ...throttled }), [true, true]],
      ['another route throttled', logLine({ routeKey: 'GET /products', httpMethod: 'GET', path: '/products', ...throttled }), [true, false]],
      [
        "user-service's own 429 (a code asked for too often)",
        logLine({ routeKey: 'POST /users/me/verification', httpMethod: 'POST', path: '/users/me/verification', status: '429', integrationStatus: '200' }),
        [false, false],
      ],
      ['a forged webhook, refused by the function', logLine({ ...webhook, status: '401', integrationStatus: '200' }), [false, false]],
      ['a webhook received', logLine({ ...webhook, status: '202', integrationStatus: '200' }), [false, false]],
    ];

    it('counts them with two metric filters on the access log, each into a metric of the stage\'s API', () => {
      const [logsId] = resourceWith(platform, 'aws_cloudwatch_log_group', 'name', '/aws/apigateway/shop-dev-api');
      const filters = [filterCounting('shop-dev-api/ThrottledRequests'), filterCounting('shop-dev-api/ThrottledPaymentWebhooks')];
      for (const filter of filters) {
        expect(filter).toMatchObject({
          log_group_name: ref('aws_cloudwatch_log_group', logsId, 'name'),
          metric_transformation: { namespace: 'Shop/HttpApi', value: '1', default_value: '0', unit: 'Count' },
        });
        // Every field the pattern reads is one the access log writes.
        for (const [, name] of (filter['pattern'] as string).matchAll(/\$\.(\w+)/g)) expect(Object.keys(ACCESS_LOG_FORMAT), name).toContain(name);
      }
      for (const [what, line, counted] of lines) {
        expect(
          filters.map((f) => matchesJsonPattern(f['pattern'], line)),
          what,
        ).toEqual(counted);
      }
    });

    it("names the webhook's route as payment-service's stack makes it, public", () => {
      const [, route] = resourceWith(readStacks(outdir)['payment-service']!, 'aws_apigatewayv2_route', 'route_key', PAYMENT_WEBHOOK_ROUTE);
      expect(route['authorization_type']).toBe('NONE');
    });

    it('alarms on any in five minutes, telling the alarms topic, with what to do and the runbook', () => {
      for (const [name, metric, runbook] of [
        ['shop-dev-api-throttled', 'shop-dev-api/ThrottledRequests', 'api-gateway-throttled-requests'],
        ['shop-dev-payment-webhook-throttled', 'shop-dev-api/ThrottledPaymentWebhooks', 'the-payment-providers-webhooks-were-throttled'],
      ] as const) {
        expectAccessLogAlarm(name, metric, runbook);
      }
      expect(resourceWith(platform, 'aws_cloudwatch_metric_alarm', 'alarm_name', 'shop-dev-api-throttled')[1]['alarm_description']).toMatch(
        /apiThrottling: 50 requests a second, bursts of 100/,
      );
      expect(resourceWith(platform, 'aws_cloudwatch_metric_alarm', 'alarm_name', 'shop-dev-payment-webhook-throttled')[1]['alarm_description']).toMatch(
        /POST \/payment\/webhook.*refunded/,
      );
    });
  });

  describe("alarms on the payment provider's webhooks the shop refused with 4xx: a wrong signing secret, or forgeries", () => {
    const logLine = (fields: Partial<Record<keyof typeof ACCESS_LOG_FORMAT, string>>) => ({
      ...Object.fromEntries(Object.keys(ACCESS_LOG_FORMAT).map((key) => [key, '-'])),
      ...fields,
    });
    const webhook = (status: string, integrationStatus = '200') => logLine({ routeKey: PAYMENT_WEBHOOK_ROUTE, httpMethod: 'POST', path: '/payment/webhook', status, integrationStatus });
    const lines: [string, ReturnType<typeof logLine>, boolean][] = [
      ['a webhook whose signature does not match the secret', webhook('401'), true],
      ['a webhook whose body is no event', webhook('400'), true],
      ['a webhook too large', webhook('413'), true],
      ['a webhook received', webhook('202'), false],
      ['a webhook received again', webhook('200'), false],
      // 5xx: the API's 5xx alarm; API Gateway's throttle: payment-webhook-throttled, with its own runbook.
      ['a webhook answered 503, the secret unreadable', webhook('503'), false],
      ['a webhook API Gateway throttled', webhook('429', '-'), false],
      ['a webhook throttled before its route was matched', logLine({ routeKey: '-', httpMethod: 'POST', path: '/payment/webhook', status: '429', integrationStatus: '-' }), false],
      ['a sign-in refused', logLine({ routeKey: 'POST /users/login', httpMethod: 'POST', path: '/users/login', status: '401', integrationStatus: '200' }), false],
    ];

    it('counts them with a metric filter on the access log, into a metric of the stage\'s API', () => {
      const [logsId] = resourceWith(platform, 'aws_cloudwatch_log_group', 'name', '/aws/apigateway/shop-dev-api');
      const found = resources(platform, 'aws_cloudwatch_log_metric_filter').filter(([, f]) => f['metric_transformation']['name'] === 'shop-dev-api/RejectedPaymentWebhooks');
      expect(found).toHaveLength(1);
      const [, filter] = found[0]!;
      expect(filter).toMatchObject({
        log_group_name: ref('aws_cloudwatch_log_group', logsId, 'name'),
        pattern: PAYMENT_WEBHOOK_REJECTED_FILTER.pattern,
        metric_transformation: { namespace: 'Shop/HttpApi', value: '1', default_value: '0', unit: 'Count' },
      });
      for (const [, name] of (filter['pattern'] as string).matchAll(/\$\.(\w+)/g)) expect(Object.keys(ACCESS_LOG_FORMAT), name).toContain(name);
      for (const [what, line, counted] of lines) expect(matchesJsonPattern(filter['pattern'], line), what).toBe(counted);
    });

    it('alarms on any in five minutes, telling the alarms topic, with the secret to check and the runbook', () => {
      const alarm = expectAccessLogAlarm('shop-dev-payment-webhook-rejected', 'shop-dev-api/RejectedPaymentWebhooks', 'the-payment-providers-webhooks-were-refused');
      expect(alarm['alarm_description']).toContain('/shop/dev/payment-provider/webhook-secret');
    });
  });

  it('publishes both layers for nodejs22.x on arm64, each a zip with nodejs/ at its root', () => {
    const layers = resources(platform, 'aws_lambda_layer_version');
    expect(layers.map(([, l]) => l['layer_name']).sort()).toEqual(Object.keys(LAYERS).map((l) => `shop-dev-${l}`).sort());
    for (const [name, { package: pkg }] of Object.entries(LAYERS)) {
      const [, layer] = resourceWith(platform, 'aws_lambda_layer_version', 'layer_name', `shop-dev-${name}`);
      expect(layer).toMatchObject({ compatible_runtimes: ['nodejs22.x'], compatible_architectures: ['arm64'] });
      const listing = zipEntries(join(outdir, 'stacks', 'platform', layer['filename']));
      expect(listing).toContain(`nodejs/node_modules/${pkg}/index.js`);
      expect(listing.every((entry) => entry.startsWith('nodejs/')), listing.join(', ')).toBe(true);
    }
  });

  it('hands every shared resource to the service stacks through SSM under /shop/dev/, secrets as SecureString that Terraform never overwrites', () => {
    const parameters = Object.fromEntries(resources(platform, 'aws_ssm_parameter').map(([, p]) => [p['name'], p]));
    expect(Object.keys(parameters).sort()).toEqual(
      [
        'alarms/topic-arn',
        'email/from',
        'email/identity-arn',
        'event-bus/arn',
        'event-bus/name',
        'http-api/authorizer-id',
        'http-api/execution-arn',
        'http-api/id',
        'http-api/url',
        'layers/auth-layer/arn',
        'layers/common-utils/arn',
        'payment-provider/api-key',
        'payment-provider/secrets-key-arn',
        'payment-provider/url',
        'payment-provider/webhook-secret',
        'user-pool/arn',
        'user-pool/client-id',
        'user-pool/id',
        'web/bucket-name',
        'web/url',
      ].map((path) => `/shop/dev/${path}`),
    );
    expect(parameters['/shop/dev/http-api/execution-arn']!['value']).toBe(ref('aws_apigatewayv2_api', 'http-api', 'execution_arn'));
    expect(parameters['/shop/dev/email/identity-arn']!['value']).toBe(ref('aws_sesv2_email_identity', 'email-identity', 'arn'));
    for (const secret of ['api-key', 'webhook-secret']) {
      // Write-only: neither the placeholder nor the operator's value is ever in state or a plan.
      expect(parameters[`/shop/dev/payment-provider/${secret}`]).toMatchObject({
        type: 'SecureString',
        key_id: ref('aws_kms_key', 'payment-secrets-key', 'arn'),
        value_wo: expect.any(String),
        value_wo_version: 1,
        // The operator's put-parameter names the key by its alias: a plan must not put it back (with no value to put).
        lifecycle: { ignore_changes: ['key_id'] },
      });
      expect(parameters[`/shop/dev/payment-provider/${secret}`]).not.toHaveProperty('value');
    }
    expect(parameters['/shop/dev/payment-provider/secrets-key-arn']!['value']).toBe(ref('aws_kms_key', 'payment-secrets-key', 'arn'));
    expect(platform.resource?.['aws_kms_key']?.['payment-secrets-key']).toMatchObject({ enable_key_rotation: true, deletion_window_in_days: 30 });
    expect(resources(platform, 'aws_kms_alias').map(([, a]) => a['name'])).toContain('alias/shop-dev-payment-secrets');
  });

  it('accepts the AWS provider 5.100 that the local mirror holds', () => {
    expect(platform.terraform.required_providers?.['aws']).toEqual({ source: 'aws', version: '5.100.0' });
  });
});
