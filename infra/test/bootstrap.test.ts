import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'cdktf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BootstrapConfigError, bootstrapConfig } from '../src/bootstrap/bootstrap-config';
import { BootstrapStack, githubSubject, PIPELINE_ROLES } from '../src/bootstrap/bootstrap-stack';
import { deployPermissions, iamStatements, MANAGED_POLICY_LIMIT } from '../src/bootstrap/deploy-permissions';
import { ref, resources, resourceWith, type TerraformJson } from './support/terraform-json';

const ENV = { SHOP_GITHUB_REPOSITORY: 'acme/shop', AWS_REGION: 'eu-west-1', SHOP_TF_STATE_BUCKET: 'acme-shop-terraform-state' };
let outdir: string;
let stack: TerraformJson;

beforeAll(() => {
  outdir = mkdtempSync(join(tmpdir(), 'shop-infra-bootstrap-'));
  const app = new App({ outdir, stackTraces: false });
  new BootstrapStack(app, bootstrapConfig(ENV));
  app.synth();
  stack = JSON.parse(readFileSync(join(outdir, 'stacks', 'bootstrap', 'cdk.tf.json'), 'utf8')) as TerraformJson;
});
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

describe('the bootstrap inputs', () => {
  it('come from the environment, and every missing or malformed one is named at once', () => {
    expect(bootstrapConfig(ENV)).toEqual({ repository: 'acme/shop', region: 'eu-west-1', stateBucket: 'acme-shop-terraform-state' });
    expect(() => bootstrapConfig({})).toThrow(BootstrapConfigError);
    const message = (() => {
      try {
        bootstrapConfig({ SHOP_GITHUB_REPOSITORY: 'shop', AWS_REGION: 'Ireland', SHOP_TF_STATE_BUCKET: 'My.Bucket' });
      } catch (error) {
        return (error as Error).message;
      }
      return '';
    })();
    expect(message).toContain('SHOP_GITHUB_REPOSITORY is "shop"');
    expect(message).toContain('AWS_REGION is "Ireland"');
    expect(message).toContain('SHOP_TF_STATE_BUCKET is "My.Bucket"');
  });
});

describe('the bootstrap stack', () => {
  it('keeps its own state locally and needs Terraform 1.11', () => {
    expect(stack.terraform.backend).toEqual({ local: { path: '../../../terraform.bootstrap.tfstate' } });
    expect(stack.terraform.required_version).toBe('~> 1.11');
  });

  it('creates the state bucket versioned, encrypted with its own key, private, TLS only, and kept from terraform destroy', () => {
    const [bucketId, bucket] = resourceWith(stack, 'aws_s3_bucket', 'bucket', 'acme-shop-terraform-state');
    expect(bucket['lifecycle']).toEqual({ prevent_destroy: true });
    const of = (type: string) => resourceWith(stack, type, 'bucket', ref('aws_s3_bucket', bucketId, 'id'))[1];
    expect(of('aws_s3_bucket_versioning')['versioning_configuration']).toEqual({ status: 'Enabled' });
    expect(of('aws_s3_bucket_server_side_encryption_configuration')['rule'][0]).toMatchObject({
      apply_server_side_encryption_by_default: { sse_algorithm: 'aws:kms', kms_master_key_id: ref('aws_kms_key', 'state-key', 'arn') },
    });
    expect(of('aws_s3_bucket_public_access_block')).toMatchObject({ block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true });
    expect(JSON.parse(of('aws_s3_bucket_policy')['policy']).Statement).toEqual([
      expect.objectContaining({ Sid: 'TlsOnly', Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    ]);
    expect(resources(stack, 'aws_dynamodb_table')).toEqual([]);
    // A stage tag of its own, so that no deploy role can tag it into a stage (TopicKeyCreation).
    expect(resources(stack, 'aws_kms_key').find(([id]) => id === 'state-key')?.[1]['tags']).toEqual({ stage: 'bootstrap' });
  });

  it("makes each stage's workload boundary, the managed policy every role of the stage's stacks carries", () => {
    for (const stage of ['dev', 'prod']) {
      const [, policy] = resourceWith(stack, 'aws_iam_policy', 'name', `shop-${stage}-workload-boundary`);
      const document = JSON.parse(policy['policy']) as { Statement: { Resource: string[] }[] };
      expect(document.Statement.length).toBeGreaterThan(10);
      const named = document.Statement.flatMap((s) => s.Resource).filter((r) => r.includes('shop-'));
      expect(named.every((r) => r.includes(`shop-${stage}-`) || r.includes(`/shop/${stage}/`))).toBe(true);
    }
  });

  it("trusts GitHub's OIDC provider, and each role only for its environment of this repository", () => {
    const [providerId, provider] = resources(stack, 'aws_iam_openid_connect_provider')[0]!;
    expect(provider).toMatchObject({ url: 'https://token.actions.githubusercontent.com', client_id_list: ['sts.amazonaws.com'] });
    expect(resources(stack, 'aws_iam_role').map(([, r]) => r['name']).sort()).toEqual(PIPELINE_ROLES.map((r) => r.name).sort());
    for (const role of PIPELINE_ROLES) {
      const [, block] = resourceWith(stack, 'aws_iam_role', 'name', role.name);
      expect(JSON.parse(block['assume_role_policy']).Statement).toEqual([
        {
          Sid: 'GitHubEnvironment',
          Effect: 'Allow',
          Principal: { Federated: ref('aws_iam_openid_connect_provider', providerId, 'arn') },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: {
            StringEquals: {
              'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
              'token.actions.githubusercontent.com:sub': githubSubject('acme/shop', role.environment),
            },
          },
        },
      ]);
      // The roles that manage `shop-<stage>-*` roles must not be among them.
      expect(role.name.startsWith(`shop-${role.stage}-`)).toBe(false);
    }
    expect(PIPELINE_ROLES.map((r) => `${r.name}:${r.environment}`)).toEqual(['shop-deploy-dev:dev', 'shop-plan-prod:prod-plan', 'shop-deploy-prod:prod']);
  });

  it('attaches to each role every statement of its stage (the plan role: the reads), within the managed policy size', () => {
    for (const role of PIPELINE_ROLES) {
      const policies = resources(stack, 'aws_iam_role_policy_attachment')
        .filter(([, a]) => a['role'] === ref('aws_iam_role', `role-${role.name}`, 'name'))
        .map(([, a]) => /^\$\{aws_iam_policy\.([^.]+)\.arn\}$/.exec(a['policy_arn'])![1]!)
        .map((id) => JSON.parse(stack.resource!['aws_iam_policy']![id]!['policy']) as { Statement: { Sid: string; Action: string[] }[] });
      const granted = policies.flatMap((p) => p.Statement);
      const expected = iamStatements(deployPermissions({ stage: role.stage, region: 'eu-west-1', accountId: 'x', stateBucket: 'b', stateKeyArn: 'k' }), role.access);
      expect(granted.map((s) => s.Sid), role.name).toEqual(expected.map((s) => s.Sid));
      expect(granted.map((s) => s.Action), role.name).toEqual(expected.map((s) => s.Action));
      for (const policy of policies) {
        // As AWS will count it: the account id and the state key's ARN in place of Terraform's references.
        const size = JSON.stringify(policy)
          .replaceAll('${data.aws_caller_identity.current.account_id}', '123456789012')
          .replaceAll(`\${aws_kms_key.state-key.arn}`, 'arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555').length;
        expect(size).toBeLessThanOrEqual(MANAGED_POLICY_LIMIT);
      }
    }
  });
});

describe("the pipeline's permissions", () => {
  const dev = deployPermissions({ stage: 'dev', region: 'eu-west-1', accountId: '123456789012', stateBucket: 'acme-state', stateKeyArn: 'arn:aws:kms:eu-west-1:123456789012:key/k' });

  it('name the stage in every resource that has a name we choose, and say why wherever they cannot', () => {
    for (const statement of dev) {
      const named = statement.resources.every((r) => r.includes('shop-dev-') || r.includes('/shop/dev/') || r.includes('acme-state') || r === 'arn:aws:kms:eu-west-1:123456789012:key/k');
      if (!named) expect(statement.scope, statement.sid).toBeTruthy();
      expect(statement.why.length, statement.sid).toBeGreaterThan(20);
    }
    expect(JSON.stringify(dev)).not.toContain('shop-prod-');
  });

  it('write nothing for the plan role, and only within the stage for the deploy role', () => {
    const plan = iamStatements(dev, 'plan').flatMap((s) => s.Action);
    // Reads, and the data key that encrypts the saved plans (deploy.yml).
    expect(plan.filter((action) => !/:(Get|List|Describe)/.test(action) && !['kms:Decrypt', 'kms:GenerateDataKey', 'apigateway:GET'].includes(action))).toEqual([]);
    expect(iamStatements(dev, 'deploy').flatMap((s) => s.Action)).not.toContain('*');
  });

  it('let the deploy role make a role, or set what it may do, only with the stage’s workload boundary on it', () => {
    const roleWrites = dev.filter((s) => s.write.some((a) => a.startsWith('iam:')));
    const permissionWrites = ['iam:CreateRole', 'iam:PutRolePolicy', 'iam:DeleteRolePolicy', 'iam:PutRolePermissionsBoundary', 'iam:AttachRolePolicy'];
    for (const statement of roleWrites) {
      const grants = statement.write.filter((a) => permissionWrites.includes(a));
      if (grants.length === 0) continue;
      expect(statement.condition, statement.sid).toEqual({ StringEquals: { 'iam:PermissionsBoundary': 'arn:aws:iam::123456789012:policy/shop-dev-workload-boundary' } });
    }
    expect(roleWrites.flatMap((s) => s.write)).toEqual(expect.arrayContaining(['iam:CreateRole', 'iam:PutRolePolicy']));
    expect(roleWrites.flatMap((s) => s.write)).not.toContain('iam:DeleteRolePermissionsBoundary');
    expect(JSON.stringify(dev)).not.toMatch(/iam:(CreatePolicy|CreatePolicyVersion|SetDefaultPolicyVersion|AttachRolePolicy)/);
  });

  it('let the deploy role tag a key into its stage only while the key has no stage tag (a new one)', () => {
    const creation = dev.find((s) => s.sid === 'TopicKeyCreation')!;
    expect(creation.condition).toEqual({ StringEquals: { 'aws:RequestTag/stage': 'dev' }, Null: { 'aws:ResourceTag/stage': 'true' } });
  });

  it('let the deploy role pass the roles it makes to Lambda, Step Functions and the scheduler only', () => {
    const pass = dev.find((s) => s.sid === 'PassRoles')!;
    expect(pass.condition).toEqual({ StringEquals: { 'iam:PassedToService': ['lambda.amazonaws.com', 'scheduler.amazonaws.com', 'states.amazonaws.com'] } });
  });

  it('let Terraform tag the event source mappings and read their tags back, on the mappings\' own ARNs', () => {
    // The provider (5.70 and later) tags a mapping with the stacks' default tags when it creates it, and reads them at every plan.
    const onMappings = (access: 'deploy' | 'plan', action: string) =>
      iamStatements(dev, access).some((s) => s.Action.includes(action) && !s.Condition && s.Resource.some((r) => r.startsWith('arn:aws:lambda:eu-west-1:123456789012:event-source-mapping:')));
    expect(onMappings('deploy', 'lambda:TagResource')).toBe(true);
    expect(onMappings('deploy', 'lambda:ListTags')).toBe(true);
    expect(onMappings('plan', 'lambda:ListTags')).toBe(true);
    expect(onMappings('plan', 'lambda:TagResource')).toBe(false);
  });

  it('are each listed, with the reason, in docs/deploying.md', () => {
    const docs = readFileSync(join(__dirname, '..', '..', 'docs', 'deploying.md'), 'utf8');
    for (const statement of dev) expect(docs, statement.sid).toContain(`\`${statement.sid}\``);
  });
});
