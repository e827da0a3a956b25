import { Apigatewayv2Api } from '@cdktf/provider-aws/lib/apigatewayv2-api';
import { Apigatewayv2Authorizer } from '@cdktf/provider-aws/lib/apigatewayv2-authorizer';
import { Apigatewayv2Stage } from '@cdktf/provider-aws/lib/apigatewayv2-stage';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { BROWSER_CORS } from '@shop/platform';
import { throttledRequestFilters } from '../monitoring/api-throttling';
import { rejectedPaymentWebhookFilter } from '../monitoring/payment-webhook-rejected';
import type { ShopStack } from '../stacks/shop-stack';
import type { UserPool } from './user-pool';

/**
 * The one HTTP API every service's routes hang on. Service stacks add their own routes and
 * integrations to it; the platform owns the API, its `$default` stage (auto-deployed, so a new
 * route is live once its stack applies), the access log, the JWT authorizer, and CORS for the
 * storefront's origin (plus, outside prod, a storefront served from localhost: stage-config.ts).
 * Browsers send the bearer token in a header, never a cookie, so credentials stay off.
 */

/** One JSON line per request: what an operator needs to find a failing route and its request id. */
export const ACCESS_LOG_FORMAT = {
  requestId: '$context.requestId',
  requestTime: '$context.requestTime',
  ip: '$context.identity.sourceIp',
  httpMethod: '$context.httpMethod',
  path: '$context.path',
  routeKey: '$context.routeKey',
  status: '$context.status',
  protocol: '$context.protocol',
  responseLength: '$context.responseLength',
  responseLatency: '$context.responseLatency',
  integrationStatus: '$context.integrationStatus',
  integrationLatency: '$context.integrationLatency',
  integrationError: '$context.integrationErrorMessage',
  authorizerError: '$context.authorizer.error',
  userAgent: '$context.identity.userAgent',
};

export interface HttpApi {
  api: Apigatewayv2Api;
  authorizer: Apigatewayv2Authorizer;
  stage: Apigatewayv2Stage;
}

export function httpApi(stack: ShopStack, users: UserPool, webOrigin: string): HttpApi {
  const { stage: stageName, region, logRetentionDays, apiThrottling, extraWebOrigins } = stack.config;
  const api = new Apigatewayv2Api(stack, 'http-api', {
    name: `shop-${stageName}-api`,
    protocolType: 'HTTP',
    description: 'The shop HTTP API: every service route, behind the Cognito JWT authorizer where a route needs a signed-in user',
    corsConfiguration: {
      allowOrigins: [webOrigin, ...extraWebOrigins],
      allowMethods: [...BROWSER_CORS.methods],
      allowHeaders: [...BROWSER_CORS.requestHeaders],
      exposeHeaders: [...BROWSER_CORS.responseHeaders],
      allowCredentials: false,
      maxAge: 600,
    },
  });

  // Checks signature, expiry, issuer and (for access tokens, decision #5) client_id; routes
  // require the access-token scope too (service/triggers.ts); the handler checks the role.
  const authorizer = new Apigatewayv2Authorizer(stack, 'http-api-authorizer', {
    apiId: api.id,
    name: 'cognito',
    authorizerType: 'JWT',
    identitySources: ['$request.header.Authorization'],
    jwtConfiguration: {
      issuer: `https://cognito-idp.${region}.amazonaws.com/${users.pool.id}`,
      audience: [users.client.id],
    },
  });

  const accessLogs = new CloudwatchLogGroup(stack, 'http-api-access-logs', {
    name: `/aws/apigateway/shop-${stageName}-api`,
    retentionInDays: logRetentionDays,
  });
  // Made here, with the log group they read: the platform's alarms on their metrics need only the names.
  throttledRequestFilters(stack, accessLogs);
  rejectedPaymentWebhookFilter(stack, accessLogs);

  const stage = new Apigatewayv2Stage(stack, 'http-api-stage', {
    apiId: api.id,
    name: '$default',
    autoDeploy: true,
    accessLogSettings: { destinationArn: accessLogs.arn, format: JSON.stringify(ACCESS_LOG_FORMAT) },
    defaultRouteSettings: {
      throttlingBurstLimit: apiThrottling.burstLimit,
      throttlingRateLimit: apiThrottling.rateLimit,
      detailedMetricsEnabled: true,
    },
  });
  return { api, authorizer, stage };
}
