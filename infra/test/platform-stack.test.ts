import { join } from 'node:path';
import { LAYERS } from '@shop/common';
import { PASSWORD_POLICY, ROLES } from '@shop/domain';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { zipEntries } from './support/zip-entries';
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

  it("configures the user pool with libs/domain's password policy, email usernames and one group per role", () => {
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

  it("gives the API's client exactly the sign-in flow user-service uses, and no secret", () => {
    const [, client] = only('aws_cognito_user_pool_client');
    expect(client).toMatchObject({ generate_secret: false, explicit_auth_flows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] });
  });

  it('has the event bus and the alarms topic', () => {
    expect(only('aws_cloudwatch_event_bus')[1]['name']).toBe('shop-dev-events');
    expect(only('aws_sns_topic')[1]['name']).toBe('shop-dev-alarms');
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
        'layers/auth-layer/arn',
        'layers/common-utils/arn',
        'payment-provider/api-key',
        'payment-provider/url',
        'payment-provider/webhook-secret',
        'user-pool/arn',
        'user-pool/client-id',
        'user-pool/id',
      ].map((path) => `/shop/dev/${path}`),
    );
    expect(parameters['/shop/dev/http-api/execution-arn']!['value']).toBe(ref('aws_apigatewayv2_api', 'http-api', 'execution_arn'));
    expect(parameters['/shop/dev/email/identity-arn']!['value']).toMatch(/^arn:aws:ses:.+:identity\/shop\.example\.com$/);
    for (const secret of ['api-key', 'webhook-secret']) {
      expect(parameters[`/shop/dev/payment-provider/${secret}`]).toMatchObject({ type: 'SecureString', lifecycle: { ignore_changes: ['value'] } });
    }
  });

  it('accepts the AWS provider 5.100 that the local mirror holds', () => {
    expect(platform.terraform.required_providers?.['aws']).toEqual({ source: 'aws', version: '5.100.0' });
  });
});
