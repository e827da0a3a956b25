import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import type { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { LambdaAlias } from '@cdktf/provider-aws/lib/lambda-alias';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { LambdaFunctionEventInvokeConfig } from '@cdktf/provider-aws/lib/lambda-function-event-invoke-config';
import { type EnvironmentSources, eventBusName, type FunctionDef, functionEnvironmentVariables, physicalName, type PlatformVariable } from '@shop/platform';
import { AssetType, Fn, TerraformAsset } from 'cdktf';
import { functionPolicy, type PaymentSecretsContext, paymentSecretStatements, type PolicyContext, type PolicyDocument, type PolicyStatement } from '../iam';
import { LAYER_PARAMETERS, parameterName } from '../platform/platform-parameters';
import { LAMBDA_ARCHITECTURE, LAMBDA_RUNTIME, LIVE_ALIAS } from '../stacks/lambda-runtime';
import { fittingName } from '../stacks/resource-names';
import { literal } from '../terraform/literal';
import type { ServiceStack } from './service-stack';

/** The name of each function's inline policy. */
export const FUNCTION_POLICY_NAME = 'least-privilege';

export interface DeployedFunction {
  function: LambdaFunction;
  /** The `live` alias: what every trigger invokes. */
  alias: LambdaAlias;
  role: IamRole;
  /** What a trigger that Lambda checks against the role (a mapping, a destination) must wait for. */
  policy: IamRolePolicy;
}

/** Where each platform variable's value comes from in a deployed function. */
const PLATFORM_VALUES: Record<PlatformVariable, (stack: ServiceStack) => string> = {
  USER_POOL_ID: (stack) => stack.platform.value('userPoolId'),
  USER_POOL_CLIENT_ID: (stack) => stack.platform.value('userPoolClientId'),
  PAYMENT_PROVIDER_URL: (stack) => stack.platform.value('paymentProviderUrl'),
  // The secrets' NAMES: the function reads the values at run time (GetParameter, decrypted), so
  // they are neither in this stack's state nor in the function's configuration.
  PAYMENT_PROVIDER_API_KEY_PARAMETER: (stack) => parameterName(stack.config.stage, 'paymentProviderApiKey'),
  PAYMENT_WEBHOOK_SECRET_PARAMETER: (stack) => parameterName(stack.config.stage, 'paymentWebhookSecret'),
  PAYMENT_WINDOW_SECONDS: (stack) => String(stack.config.paymentWindowSeconds),
  EMAIL_FROM: (stack) => stack.platform.value('emailFrom'),
};

/** The variables the function reads, by the same derivation the local cloud uses (libs/platform). */
export function environmentSources(stack: ServiceStack): EnvironmentSources {
  const { stage, logLevel } = stack.config;
  return {
    stage,
    logLevel,
    tableName: (service, table) => physicalName(stage, service, table),
    // The alias, not the function: a rollback moves what callers reach too.
    functionName: (service, fn) => `${physicalName(stage, service, fn)}:${LIVE_ALIAS}`,
    queueUrl: (service, queue) => stack.queueUrl(service, queue),
    stateMachineArn: (service, machine) => stack.arns.stateMachine(service, machine),
    eventBusName: () => eventBusName(stage),
    platform: (variable) => PLATFORM_VALUES[variable](stack),
  };
}

/** The context `functionPolicy` builds ARNs in; platform ARNs are read from SSM only by the functions that need them. */
export function policyContext(stack: ServiceStack): PolicyContext {
  return {
    stage: stack.config.stage,
    region: stack.region,
    accountId: stack.accountId,
    services: stack.services,
    get userPoolArn() {
      return stack.platform.value('userPoolArn');
    },
    get emailIdentityArn() {
      return stack.platform.value('emailIdentityArn');
    },
    get emailFrom() {
      return stack.platform.value('emailFrom');
    },
  };
}

/** Where the payment secrets are, for the functions that read them; the key's ARN is read from SSM only then. */
function paymentSecretsContext(stack: ServiceStack): PaymentSecretsContext {
  return {
    region: stack.region,
    accountId: stack.accountId,
    parameterNames: [parameterName(stack.config.stage, 'paymentProviderApiKey'), parameterName(stack.config.stage, 'paymentWebhookSecret')],
    get keyArn() {
      return stack.platform.value('paymentSecretsKeyArn');
    },
  };
}

/** A function's whole policy: what its manifest names (functionPolicy), and the payment secrets if it uses the provider. */
export function deployedFunctionPolicy(stack: ServiceStack, name: string): PolicyDocument {
  const document = functionPolicy(stack.manifest, name, policyContext(stack));
  const def = stack.manifest.functions[name];
  return def
    ? { ...document, Statement: [...document.Statement, ...paymentSecretStatements(def, paymentSecretsContext(stack)), XRAY_WRITE] }
    : document;
}

/**
 * The tables of this stack that the function's manifest grants it. Their names and ARNs reach the
 * function as plain strings (its environment, its policy), so Terraform sees no edge from the
 * function to them: a deploy that adds a table and a function version using it could publish the
 * version and move the `live` alias while the table is still being created, and every call would
 * fail until it is ACTIVE. Depending on the table resource waits for it, its indexes with it (the
 * provider waits for a table's new global secondary indexes to be ACTIVE too). Another service's
 * tables (`foreignTables`) are its own stack's resources, which this stack has no edge to.
 */
function grantedOwnTables(stack: ServiceStack, def: FunctionDef): DynamodbTable[] {
  return Object.keys(def.permissions.tables ?? {}).flatMap((table) => {
    const resource = stack.tables.get(table);
    return resource ? [resource] : [];
  });
}

/** Active tracing: Lambda sends the function's segments to X-Ray (AWSXRayDaemonWriteAccess's two write actions; X-Ray has no resource ARNs). */
const XRAY_WRITE: PolicyStatement = { Sid: 'XRayWrite', Effect: 'Allow', Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], Resource: ['*'] };

/**
 * Each function of the service: its zip (the bundle as `index.js`), its log group with the
 * stage's retention, its own role holding exactly `functionPolicy`, the layers its bundle
 * requires, and its environment; published, with the `live` alias on the new version; and,
 * for a function invoked asynchronously, its retries and the dead-letter queue its failures
 * go to (set on the alias, which is what is invoked).
 */
export function serviceFunctions(stack: ServiceStack): void {
  const sources = environmentSources(stack);
  for (const [name, def] of Object.entries(stack.manifest.functions)) {
    const functionName = fittingName('lambdaFunction', stack.physical(name));
    const logGroup = new CloudwatchLogGroup(stack, `function-${name}-logs`, {
      name: `/aws/lambda/${functionName}`,
      retentionInDays: stack.config.logRetentionDays,
    });
    const role = new IamRole(stack, `function-${name}-role`, {
      name: fittingName('iamRole', functionName),
      description: `Role of ${stack.manifest.name}/${name}: exactly what its manifest names`,
      permissionsBoundary: stack.workloadBoundaryArn,
      assumeRolePolicy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
      }),
    });
    // The basic execution role's log actions are in here too, scoped to the function's own log group.
    const policy = new IamRolePolicy(stack, `function-${name}-policy`, {
      role: role.id,
      name: FUNCTION_POLICY_NAME,
      policy: JSON.stringify(deployedFunctionPolicy(stack, name)),
    });
    const code = new TerraformAsset(stack, `function-${name}-code`, { path: stack.outputs.functionZip(stack.manifest.name, name), type: AssetType.FILE });
    const layers = stack.outputs.layersOf(stack.manifest.name, name).map((layer) => stack.platform.value(LAYER_PARAMETERS[layer]));

    const lambda = new LambdaFunction(stack, `function-${name}`, {
      functionName,
      description: literal(def.description).slice(0, 256),
      role: role.arn,
      handler: 'index.handler',
      runtime: LAMBDA_RUNTIME,
      architectures: [LAMBDA_ARCHITECTURE],
      memorySize: def.memoryMb,
      timeout: def.timeoutSeconds,
      filename: code.path,
      sourceCodeHash: Fn.filebase64sha256(code.path),
      layers,
      environment: { variables: functionEnvironmentVariables(stack.manifest, name, sources) },
      // One trace per request across invokes, queues, topics, rules and the state machine: the SDK
      // sends the trace header and the services carry it (decision 102).
      tracingConfig: { mode: 'Active' },
      // Lambda's logging controls: the level reaches the logger as AWS_LAMBDA_LOG_LEVEL; the lines are JSON already.
      loggingConfig: { logFormat: 'JSON', applicationLogLevel: 'INFO', systemLogLevel: 'WARN', logGroup: logGroup.name },
      publish: true,
      // Lambda would create the log group itself, without retention, if it wrote first. The
      // stack's own tables the function uses come first too (grantedOwnTables).
      dependsOn: [logGroup, policy, ...grantedOwnTables(stack, def)],
    });
    const alias = new LambdaAlias(stack, `function-${name}-live`, {
      name: LIVE_ALIAS,
      description: 'The version in service: what every trigger invokes; `npm run rollback` moves it',
      functionName: lambda.functionName,
      functionVersion: lambda.version,
    });

    if (def.asyncInvoke) {
      new LambdaFunctionEventInvokeConfig(stack, `function-${name}-async-invoke`, {
        functionName: lambda.functionName,
        qualifier: alias.name,
        maximumRetryAttempts: def.asyncInvoke.maximumRetryAttempts,
        destinationConfig: { onFailure: { destination: stack.queueArn(def.asyncInvoke.onFailure) } },
        // Lambda checks that the role may send to the destination.
        dependsOn: [policy],
      });
    }
    stack.functions.set(name, { function: lambda, alias, role, policy });
  }
}
