import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { IamOpenidConnectProvider } from '@cdktf/provider-aws/lib/iam-openid-connect-provider';
import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { LocalBackend, TerraformOutput, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import type { Stage } from '../config/stage-config';
import { TERRAFORM_VERSION } from '../stacks/shop-stack';
import type { BootstrapConfig } from './bootstrap-config';
import { deployPermissions, type DeployScope, iamStatements, packPolicies } from './deploy-permissions';
import { workloadBoundary, workloadBoundaryName } from './workload-boundary';

const SAMPLE_ACCOUNT = '123456789012';
const SAMPLE_KEY_ARN = `arn:aws:kms:us-east-1:${SAMPLE_ACCOUNT}:key/11111111-2222-3333-4444-555555555555`;

/** The name of the bootstrap stack; it is synthesized on its own (`npx nx run infra:bootstrap-synth`), never by the pipeline. */
export const BOOTSTRAP_STACK = 'bootstrap';

/** GitHub's OIDC issuer, and the audience `aws-actions/configure-aws-credentials` asks tokens for. */
export const GITHUB_OIDC_HOST = 'token.actions.githubusercontent.com';
export const GITHUB_OIDC_AUDIENCE = 'sts.amazonaws.com';

/**
 * A role the pipeline assumes, and the GitHub environment whose jobs alone may assume it. The
 * role names start `shop-deploy-`/`shop-plan-`, never `shop-<stage>-`: the deploy role manages
 * roles named `shop-<stage>-*`, and must not be able to change its own.
 */
export interface PipelineRole {
  name: string;
  stage: Stage;
  environment: string;
  access: 'deploy' | 'plan';
}

export const PIPELINE_ROLES: readonly PipelineRole[] = [
  { name: 'shop-deploy-dev', stage: 'dev', environment: 'dev', access: 'deploy' },
  // prod is planned without approval and applied after it: the plan job reads, the apply job writes.
  { name: 'shop-plan-prod', stage: 'prod', environment: 'prod-plan', access: 'plan' },
  { name: 'shop-deploy-prod', stage: 'prod', environment: 'prod', access: 'deploy' },
];

/** The GitHub OIDC subject of a job in `environment` of `repository`. */
export function githubSubject(repository: string, environment: string): string {
  return `repo:${repository}:environment:${environment}`;
}

/**
 * What an AWS account needs once before the pipeline can deploy the shop to it, created by a
 * person with administrator rights, with local state (there is no bucket yet to keep it in):
 *
 * - the Terraform state bucket: versioned (old states are kept 90 days), encrypted with a key of
 *   its own (the state holds the payment provider's secrets), public access blocked, reachable
 *   over TLS only; Terraform locks with S3's own lock files (`use_lockfile`), no DynamoDB table;
 * - GitHub's OIDC provider, so workflows get short-lived credentials and no access key exists;
 * - the pipeline's roles, each trusted only by jobs of one GitHub environment of one repository,
 *   with the permissions of deploy-permissions.ts for its stage.
 */
export class BootstrapStack extends TerraformStack {
  constructor(scope: Construct, config: BootstrapConfig) {
    super(scope, BOOTSTRAP_STACK);
    this.addOverride('terraform.required_version', TERRAFORM_VERSION);
    new AwsProvider(this, 'aws', {
      region: config.region,
      defaultTags: [{ tags: { project: 'serverless-shop', stack: BOOTSTRAP_STACK, 'managed-by': 'cdktf' } }],
    });
    // Beside infra/, from infra/bootstrap.out/stacks/bootstrap; keep it (docs/deploying.md).
    new LocalBackend(this, { path: '../../../terraform.bootstrap.tfstate' });
    const account = new DataAwsCallerIdentity(this, 'current').accountId;

    const stateKey = new KmsKey(this, 'state-key', {
      description: 'Encrypts the shop Terraform state and the saved plans',
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      // A stage tag of its own: the deploy roles may tag a key into their stage only while it has none.
      tags: { stage: 'bootstrap' },
    });
    new KmsAlias(this, 'state-key-alias', { name: 'alias/shop-terraform-state', targetKeyId: stateKey.keyId });

    const bucket = new S3Bucket(this, 'state-bucket', { bucket: config.stateBucket, lifecycle: { preventDestroy: true } });
    new S3BucketVersioningA(this, 'state-bucket-versioning', { bucket: bucket.id, versioningConfiguration: { status: 'Enabled' } });
    new S3BucketServerSideEncryptionConfigurationA(this, 'state-bucket-encryption', {
      bucket: bucket.id,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: stateKey.arn }, bucketKeyEnabled: true }],
    });
    new S3BucketPublicAccessBlock(this, 'state-bucket-public-access', {
      bucket: bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketOwnershipControls(this, 'state-bucket-ownership', { bucket: bucket.id, rule: { objectOwnership: 'BucketOwnerEnforced' } });
    new S3BucketLifecycleConfiguration(this, 'state-bucket-lifecycle', {
      bucket: bucket.id,
      rule: [
        {
          id: 'old-states',
          status: 'Enabled',
          filter: [{ prefix: '' }],
          noncurrentVersionExpiration: [{ noncurrentDays: 90 }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }],
        },
      ],
    });
    new S3BucketPolicy(this, 'state-bucket-policy', {
      bucket: bucket.id,
      policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'TlsOnly',
            Effect: 'Deny',
            Principal: '*',
            Action: 's3:*',
            Resource: [bucket.arn, `${bucket.arn}/*`],
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          },
        ],
      }),
    });

    const github = new IamOpenidConnectProvider(this, 'github-oidc', {
      url: `https://${GITHUB_OIDC_HOST}`,
      clientIdList: [GITHUB_OIDC_AUDIENCE],
    });

    const scopeOf = (stage: Stage): DeployScope => ({ stage, region: config.region, accountId: account, stateBucket: config.stateBucket, stateKeyArn: stateKey.arn });
    // The most any role a stage's stacks make may do; the deploy roles may make roles only with it.
    for (const stage of [...new Set(PIPELINE_ROLES.map((role) => role.stage))]) {
      new IamPolicy(this, `workload-boundary-${stage}`, {
        name: workloadBoundaryName(stage),
        description: `Permissions boundary of every role the ${stage} stacks make: see infra/src/bootstrap/workload-boundary.ts`,
        policy: JSON.stringify(workloadBoundary({ stage, region: config.region, accountId: account })),
      });
    }
    for (const role of PIPELINE_ROLES) {
      const iamRole = new IamRole(this, `role-${role.name}`, {
        name: role.name,
        description: `GitHub Actions, environment ${role.environment} of ${config.repository}: ${role.access === 'deploy' ? 'deploys' : 'plans'} the ${role.stage} stage`,
        maxSessionDuration: 2 * 60 * 60,
        assumeRolePolicy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'GitHubEnvironment',
              Effect: 'Allow',
              Principal: { Federated: github.arn },
              Action: 'sts:AssumeRoleWithWebIdentity',
              Condition: {
                StringEquals: {
                  [`${GITHUB_OIDC_HOST}:aud`]: GITHUB_OIDC_AUDIENCE,
                  [`${GITHUB_OIDC_HOST}:sub`]: githubSubject(config.repository, role.environment),
                },
              },
            },
          ],
        }),
      });
      // Packed by their size with real values in place of the account id and key ARN, which
      // Terraform fills in later.
      const sample = iamStatements(deployPermissions({ ...scopeOf(role.stage), accountId: SAMPLE_ACCOUNT, stateKeyArn: SAMPLE_KEY_ARN }), role.access);
      const statements = new Map(iamStatements(deployPermissions(scopeOf(role.stage)), role.access).map((s) => [s.Sid, s]));
      packPolicies(sample, (s) => JSON.stringify(s).length).forEach((part, n) => {
        const policy = new IamPolicy(this, `policy-${role.name}-${n + 1}`, {
          name: `${role.name}-${n + 1}`,
          description: `What ${role.name} may do (part ${n + 1}): see docs/deploying.md`,
          policy: JSON.stringify({ Version: '2012-10-17', Statement: part.map((s) => statements.get(s.Sid)) }),
        });
        new IamRolePolicyAttachment(this, `attach-${role.name}-${n + 1}`, { role: iamRole.name, policyArn: policy.arn });
      });
      new TerraformOutput(this, `${role.name}-arn`, { value: iamRole.arn, description: `AWS_${role.access === 'deploy' ? 'DEPLOY' : 'PLAN'}_ROLE_ARN of the GitHub environment ${role.environment}` });
    }

    new TerraformOutput(this, 'state_bucket', { value: bucket.bucket, description: 'SHOP_TF_STATE_BUCKET, the repository variable' });
    new TerraformOutput(this, 'state_key_arn', { value: stateKey.arn, description: 'The KMS key that encrypts the state' });
    new TerraformOutput(this, 'github_oidc_provider_arn', { value: github.arn, description: "GitHub's OIDC provider in this account" });
  }
}
