import { evaluatePolicy, type PolicyDocument } from '@shop/platform';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { workloadBoundary, workloadBoundaryArn } from '../src/bootstrap/workload-boundary';
import { readStacks, resources, type TerraformJson, TF } from './support/terraform-json';

/**
 * Every role the stacks make carries the stage's workload boundary, and asks for nothing outside
 * it: a permission outside the boundary would be granted on paper and refused by IAM at run time.
 * Terraform's references are read as the values AWS would hand the boundary.
 */
const STAGE = 'dev';
const REGION = 'us-east-1';
const ACCOUNT = '123456789012';

/** What each reference the role policies hold stands for in a deployed account. */
function resolve(resource: string): string {
  const resolved = resource
    .replaceAll(TF.region, REGION)
    .replaceAll(TF.account, ACCOUNT)
    .replace(/\$\{aws_lambda_alias\.function-([a-z0-9-]+)-live\.arn\}/g, `arn:aws:lambda:${REGION}:${ACCOUNT}:function:shop-${STAGE}-x-$1:live`)
    .replace(/\$\{aws_sqs_queue\.queue-([a-z0-9-]+)\.arn\}/g, `arn:aws:sqs:${REGION}:${ACCOUNT}:shop-${STAGE}-x-$1`)
    .replace(/\$\{aws_cloudwatch_log_group\.api-fallback-logs\.arn\}/g, `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/lambda/shop-${STAGE}-api-fallback`)
    .replaceAll(TF.platform('user-pool/arn'), `arn:aws:cognito-idp:${REGION}:${ACCOUNT}:userpool/${REGION}_AbCdEf123`)
    .replaceAll(TF.platform('email/identity-arn'), `arn:aws:ses:${REGION}:${ACCOUNT}:identity/shop.example`)
    .replaceAll(TF.platform('payment-provider/secrets-key-arn'), `arn:aws:kms:${REGION}:${ACCOUNT}:key/0a1b2c3d-0000-4000-8000-000000000000`);
  if (resolved.includes('${')) throw new Error(`no deployed value for the reference in ${resource}: add it to resolve()`);
  return resolved;
}

describe("the workload boundary of the repository's stacks", () => {
  let stacks: Record<string, TerraformJson>;
  const boundary = workloadBoundary({ stage: STAGE, region: REGION, accountId: ACCOUNT }) as unknown as PolicyDocument;

  beforeAll(() => {
    stacks = readStacks(inject('synthesized').real);
  });

  it('is on every role the stacks make', () => {
    const roles = Object.values(stacks).flatMap((stack) => resources(stack, 'aws_iam_role'));
    expect(roles.length).toBeGreaterThan(40);
    for (const [id, role] of roles) {
      expect(role['permissions_boundary'], id).toBe(workloadBoundaryArn(TF.account, STAGE));
    }
  });

  it('holds every permission every role policy grants', () => {
    const outside: string[] = [];
    let judged = 0;
    for (const [stackName, stack] of Object.entries(stacks)) {
      for (const [id, policy] of resources(stack, 'aws_iam_role_policy')) {
        const document = JSON.parse(policy['policy'] as string) as { Statement: { Action: string | string[]; Resource: string | string[] }[] };
        for (const statement of document.Statement) {
          for (const action of [statement.Action].flat()) {
            for (const resource of [statement.Resource].flat()) {
              judged++;
              // The stage's keys carry its tag (the provider's default tags).
              const decision = evaluatePolicy(boundary, { action, resource: resolve(resource), context: { 'aws:ResourceTag/stage': STAGE } });
              if (!decision.allowed) outside.push(`${stackName}/${id}: ${action} on ${resource}`);
            }
          }
        }
      }
    }
    expect(judged).toBeGreaterThan(100);
    expect(outside).toEqual([]);
  });

  it('does not reach another stage', () => {
    for (const [action, resource] of [
      ['dynamodb:PutItem', `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/shop-prod-order-service-orders`],
      ['lambda:InvokeFunction', `arn:aws:lambda:${REGION}:${ACCOUNT}:function:shop-prod-payment-service-refund-payment:live`],
      ['ssm:GetParameter', `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/shop/prod/payment-provider/api-key`],
      ['iam:PutRolePolicy', `arn:aws:iam::${ACCOUNT}:role/shop-dev-anything`],
    ] as const) {
      expect(evaluatePolicy(boundary, { action, resource, context: { 'aws:ResourceTag/stage': STAGE } }).allowed, `${action} ${resource}`).toBe(false);
    }
    const prodKey = `arn:aws:kms:${REGION}:${ACCOUNT}:key/0a1b2c3d-0000-4000-8000-000000000000`;
    expect(evaluatePolicy(boundary, { action: 'kms:Decrypt', resource: prodKey, context: { 'aws:ResourceTag/stage': 'prod' } }).allowed).toBe(false);
  });
});
