import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsRegion } from '@cdktf/provider-aws/lib/data-aws-region';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { LocalBackend, S3Backend, TerraformOutput, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import type { StageConfig } from '../config/stage-config';
import { ShopArns } from './shop-arns';
import { workloadBoundaryArn } from '../bootstrap/workload-boundary';

/**
 * The Terraform CLI every stack accepts: 1.11 for S3's own lock file (`use_lockfile`) and the
 * mock providers of `terraform test`; any later 1.x, not 2.
 */
export const TERRAFORM_VERSION = '~> 1.11';

/**
 * What every stack of the shop has: the Terraform version it needs, the AWS provider for the
 * stage's region, tags naming the stage and stack on everything, its own state (S3 with a lock
 * file on the deploy path, one key per stage and stack; a local file for offline synthesis, see
 * stage-config.ts), and the account and region as data sources, from which the ARNs of other
 * stacks' resources are built.
 */
export class ShopStack extends TerraformStack {
  private identity?: DataAwsCallerIdentity;
  private currentRegion?: DataAwsRegion;
  private shopArns?: ShopArns;

  constructor(
    scope: Construct,
    readonly name: string,
    readonly config: StageConfig,
  ) {
    super(scope, name);
    this.addOverride('terraform.required_version', TERRAFORM_VERSION);
    new AwsProvider(this, 'aws', {
      region: config.region,
      defaultTags: [{ tags: { project: 'serverless-shop', stage: config.stage, stack: name, 'managed-by': 'cdktf' } }],
    });
    if (config.backend === 's3') {
      if (!config.stateBucket) throw new Error(`${name}: the S3 backend needs a state bucket`);
      // No `encrypt`: with it and no key id, the backend asks S3 for SSE-S3 (AES256) on every write,
      // overriding the bucket's default of SSE-KMS with the bootstrap's state key. Without it the
      // default applies, so reading any state needs a grant on that key as well as on the bucket.
      new S3Backend(this, { bucket: config.stateBucket, key: `shop/${config.stage}/${name}.tfstate`, region: config.region });
      // S3's own lock file (Terraform 1.10+): no DynamoDB lock table to keep.
      this.addOverride('terraform.backend.s3.use_lockfile', true);
    } else {
      // Beside infra/, from the stack's directory (infra/cdktf.out/stacks/<stack>), outside what synth rewrites.
      new LocalBackend(this, { path: `../../../terraform.${config.stage}.${name}.tfstate` });
    }
  }

  /** A stack output (`terraform output -json` names it), for people and the pipeline's next steps. */
  output(id: string, value: string | string[], description: string, sensitive = false): TerraformOutput {
    return new TerraformOutput(this, id, { value, description, sensitive });
  }

  /**
   * The permissions boundary every role of the stage's stacks carries (made by the bootstrap,
   * infra/src/bootstrap/workload-boundary.ts): the deploy role may make a role only with it.
   */
  get workloadBoundaryArn(): string {
    return workloadBoundaryArn(this.accountId, this.config.stage);
  }

  /** The account id, known once Terraform runs. */
  get accountId(): string {
    this.identity ??= new DataAwsCallerIdentity(this, 'current');
    return this.identity.accountId;
  }

  /** The region the provider works in, as Terraform sees it. */
  get region(): string {
    if (!this.currentRegion) {
      // Construct ids are unique per stack, Terraform's per type: both are `current` in Terraform.
      this.currentRegion = new DataAwsRegion(this, 'current-region');
      this.currentRegion.overrideLogicalId('current');
    }
    return this.currentRegion.name;
  }

  /** ARNs and URLs of the shop's resources by their deterministic names, in this stack's account and region. */
  get arns(): ShopArns {
    this.shopArns ??= new ShopArns(this.config.stage, this.region, this.accountId);
    return this.shopArns;
  }
}
