import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { SfnStateMachine } from '@cdktf/provider-aws/lib/sfn-state-machine';
import { functionRefs, parseRef, renderDefinition } from '@shop/platform';
import { boundedName, fittingName, NAME_LIMITS } from '../stacks/resource-names';
import { literal } from '../terraform/literal';
import type { ServiceStack } from './service-stack';

/**
 * What Step Functions needs to deliver its logs to CloudWatch Logs. AWS accepts only Resource
 * "*" for these (log deliveries have no resource type), as its guide for state machine logging says.
 */
export const LOG_DELIVERY_ACTIONS = [
  'logs:CreateLogDelivery',
  'logs:DeleteLogDelivery',
  'logs:DescribeLogGroups',
  'logs:DescribeResourcePolicies',
  'logs:GetLogDelivery',
  'logs:ListLogDeliveries',
  'logs:PutResourcePolicy',
  'logs:UpdateLogDelivery',
];

/**
 * Each state machine of the service, from the same definition file the local cloud runs, with
 * the `${service/function}` placeholders rendered to the ARNs of the functions' `live` aliases
 * (renderDefinition); a role that may invoke exactly those; a log group for its errors; and,
 * for each Fail state, a metric of its own (state-machine-alarms.ts).
 */
export function serviceStateMachines(stack: ServiceStack): void {
  for (const [name, def] of Object.entries(stack.manifest.stateMachines ?? {})) {
    const machineName = fittingName('stateMachine', stack.physical(name));
    const asl = JSON.parse(readFileSync(join(stack.root, def.definition), 'utf8')) as object;
    const tasks = functionRefs(asl);

    const logGroup = new CloudwatchLogGroup(stack, `state-machine-${name}-logs`, {
      // The prefix AWS recommends for vended logs: it keeps CloudWatch's resource policy small.
      name: `/aws/vendedlogs/states/${machineName}`,
      retentionInDays: stack.config.logRetentionDays,
    });
    const role = new IamRole(stack, `state-machine-${name}-role`, {
      name: boundedName(`${machineName}-state-machine`, NAME_LIMITS.iamRole),
      description: `Role of the state machine ${stack.manifest.name}/${name}: invokes its task functions`,
      permissionsBoundary: stack.workloadBoundaryArn,
      assumeRolePolicy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: 'states.amazonaws.com' },
            Action: 'sts:AssumeRole',
            Condition: { StringEquals: { 'aws:SourceAccount': stack.accountId } },
          },
        ],
      }),
    });
    const statements: object[] = [{ Sid: 'Logs1', Effect: 'Allow', Action: LOG_DELIVERY_ACTIONS, Resource: ['*'] }];
    statements.push({ Sid: 'XRayWrite', Effect: 'Allow', Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords', 'xray:GetSamplingRules', 'xray:GetSamplingTargets'], Resource: '*' });
    if (tasks.length > 0) {
      const functionArns = tasks.map((ref) => functionArn(stack, ref)).sort();
      statements.unshift({ Sid: 'Lambda1', Effect: 'Allow', Action: ['lambda:InvokeFunction'], Resource: functionArns });
    }
    const policy = new IamRolePolicy(stack, `state-machine-${name}-policy`, {
      role: role.id,
      name: 'invoke-tasks',
      policy: JSON.stringify({ Version: '2012-10-17', Statement: statements }),
    });

    const machine = new SfnStateMachine(stack, `state-machine-${name}`, {
      name: machineName,
      type: 'STANDARD',
      roleArn: role.arn,
      definition: renderForTerraform(asl, (ref) => functionArn(stack, ref)),
      loggingConfiguration: { logDestination: `${logGroup.arn}:*`, includeExecutionData: true, level: 'ERROR' },
      // The execution joins the trace of the call that started it, and passes it to its tasks.
      tracingConfiguration: { enabled: true },
      // Step Functions checks the role's log delivery permissions when it creates the machine.
      dependsOn: [policy],
    });
    stack.stateMachines.set(name, { machine, logGroup, definition: asl });
  }
}

function functionArn(stack: ServiceStack, ref: string): string {
  const { service, name } = parseRef(ref);
  return stack.arns.functionAlias(service, name);
}

/**
 * The rendered definition as JSON text for Terraform: the file's own text is escaped (its
 * comments and JSONPath mean `${` literally), the function ARNs, which hold Terraform
 * references, are put in after.
 */
function renderForTerraform(asl: object, resolveArn: (ref: string) => string): string {
  const marker = (ref: string) => `@@function-arn:${ref}@@`;
  const text = literal(JSON.stringify(renderDefinition(asl, marker)));
  return text.replace(/@@function-arn:([^@]+)@@/g, (_, ref: string) => resolveArn(ref));
}
