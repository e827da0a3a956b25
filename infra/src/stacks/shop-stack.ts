import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsRegion } from '@cdktf/provider-aws/lib/data-aws-region';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { LocalBackend, S3Backend, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import type { StageConfig } from '../config/stage-config';
import { ShopArns } from './shop-arns';

/**
 * What every stack of the shop has: the AWS provider for the stage's region, tags naming the
 * stage and stack on everything, its own state (S3 with a lock file when `SHOP_TF_STATE_BUCKET`
 * is set, one key per stage and stack; a local file otherwise), and the account and region as
 * data sources, from which the ARNs of other stacks' resources are built.
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
    new AwsProvider(this, 'aws', {
      region: config.region,
      defaultTags: [{ tags: { project: 'serverless-shop', stage: config.stage, stack: name, 'managed-by': 'cdktf' } }],
    });
    if (config.stateBucket) {
      new S3Backend(this, { bucket: config.stateBucket, key: `shop/${config.stage}/${name}.tfstate`, region: config.region, encrypt: true });
      // S3's own lock file (Terraform 1.10+): no DynamoDB lock table to keep.
      this.addOverride('terraform.backend.s3.use_lockfile', true);
    } else {
      // Beside infra/, from the stack's directory (infra/cdktf.out/stacks/<stack>), outside what synth rewrites.
      new LocalBackend(this, { path: `../../../terraform.${config.stage}.${name}.tfstate` });
    }
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
