import { Apigatewayv2Integration } from '@cdktf/provider-aws/lib/apigatewayv2-integration';
import { Apigatewayv2Route } from '@cdktf/provider-aws/lib/apigatewayv2-route';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { LambdaAlias } from '@cdktf/provider-aws/lib/lambda-alias';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import type { ServiceManifest } from '@shop/platform';
import { Fn, TerraformAsset, AssetType } from 'cdktf';
import { fallbackFunctionZip } from '../api-fallback/bundle';
import { knownRoutes } from '../api-fallback/known-routes';
import type { BuildOutputs } from '../assets/build-outputs';
import { FUNCTION_POLICY_NAME } from '../service/functions';
import { LAMBDA_ARCHITECTURE, LAMBDA_RUNTIME, LIVE_ALIAS } from '../stacks/lambda-runtime';
import type { ShopStack } from '../stacks/shop-stack';
import type { HttpApi } from './http-api';

/** `shop-dev-api-fallback`. */
export function apiFallbackFunctionName(stage: string): string {
  return `shop-${stage}-api-fallback`;
}

/**
 * The HTTP API's `$default` route and its function: every request no route takes gets the
 * shop's own 404 (unknown path) or 405 with `Allow` (known path, other method), as the local
 * cloud answers, instead of API Gateway's `{"message":"Not Found"}`. The routes it knows come
 * from every manifest at synth, so a service whose routes change redeploys the platform too
 * (tools/deploy-plan). Public: an unknown route needs no token to be told so.
 */
export function apiFallbackFunction(stack: ShopStack, api: HttpApi, manifests: readonly ServiceManifest[], outputs: BuildOutputs): LambdaFunction {
  const functionName = apiFallbackFunctionName(stack.config.stage);
  const logGroup = new CloudwatchLogGroup(stack, 'api-fallback-logs', { name: `/aws/lambda/${functionName}`, retentionInDays: stack.config.logRetentionDays });
  const role = new IamRole(stack, 'api-fallback-role', {
    name: functionName,
    description: 'Role of the HTTP API $default route function: writes its own logs, nothing else',
    permissionsBoundary: stack.workloadBoundaryArn,
    assumeRolePolicy: JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
    }),
  });
  const policy = new IamRolePolicy(stack, 'api-fallback-policy', {
    role: role.id,
    name: FUNCTION_POLICY_NAME,
    policy: JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Sid: 'Logs1', Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: [`${logGroup.arn}:*`] }],
    }),
  });
  const code = new TerraformAsset(stack, 'api-fallback-code', {
    path: outputs.stagedZip('platform/api-fallback', fallbackFunctionZip(knownRoutes(manifests))),
    type: AssetType.FILE,
  });
  const fallback = new LambdaFunction(stack, 'api-fallback', {
    functionName,
    description: "Answers the HTTP API's $default route: 404 for an unknown path, 405 with Allow for a known one",
    role: role.arn,
    handler: 'index.handler',
    runtime: LAMBDA_RUNTIME,
    architectures: [LAMBDA_ARCHITECTURE],
    memorySize: 128,
    timeout: 3,
    filename: code.path,
    sourceCodeHash: Fn.filebase64sha256(code.path),
    publish: true,
    dependsOn: [logGroup, policy],
  });
  const alias = new LambdaAlias(stack, 'api-fallback-live', { name: LIVE_ALIAS, functionName: fallback.functionName, functionVersion: fallback.version });
  const integration = new Apigatewayv2Integration(stack, 'api-fallback-integration', {
    apiId: api.api.id,
    integrationType: 'AWS_PROXY',
    integrationMethod: 'POST',
    integrationUri: alias.arn,
    payloadFormatVersion: '2.0',
    description: 'Unknown routes and wrong methods, answered in the shop error shape',
  });
  new Apigatewayv2Route(stack, 'api-fallback-route', {
    apiId: api.api.id,
    routeKey: '$default',
    target: `integrations/${integration.id}`,
    authorizationType: 'NONE',
  });
  new LambdaPermission(stack, 'api-fallback-permission', {
    statementId: 'http-api-default-route',
    action: 'lambda:InvokeFunction',
    functionName: fallback.functionName,
    qualifier: alias.name,
    principal: 'apigateway.amazonaws.com',
    sourceArn: `${api.api.executionArn}/*/$default`,
  });
  return fallback;
}
