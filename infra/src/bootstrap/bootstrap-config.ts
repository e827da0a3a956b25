/**
 * What the one-time bootstrap of an AWS account needs, from the environment, checked before
 * anything is written: the GitHub repository whose workflows may deploy (`owner/repo`), the
 * region, and the name of the Terraform state bucket to create.
 */

export class BootstrapConfigError extends Error {
  override name = 'BootstrapConfigError';
}

export interface BootstrapConfig {
  /** `owner/repo`, as GitHub names it (GITHUB_REPOSITORY in a workflow). */
  repository: string;
  region: string;
  stateBucket: string;
}

const REPOSITORY = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9._-]{1,100}$/;
const REGION = /^[a-z]{2}(?:-gov)?-[a-z]+-\d$/;
/** S3's rules for a bucket name, without dots (a dotted name breaks TLS for virtual-hosted requests). */
const BUCKET = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;

export function bootstrapConfig(env: NodeJS.ProcessEnv = process.env): BootstrapConfig {
  const problems: string[] = [];
  const read = (name: string, pattern: RegExp, expected: string): string => {
    const value = env[name]?.trim() ?? '';
    if (!value) problems.push(`${name} is not set: ${expected}`);
    else if (!pattern.test(value)) problems.push(`${name} is "${value}": ${expected}`);
    return value;
  };
  const repository = read('SHOP_GITHUB_REPOSITORY', REPOSITORY, 'the GitHub repository that deploys, as owner/repo (e.g. acme/shop)');
  const region = read('AWS_REGION', REGION, 'the AWS region the shop runs in (e.g. eu-west-1)');
  const stateBucket = read(
    'SHOP_TF_STATE_BUCKET',
    BUCKET,
    'a new S3 bucket name for the Terraform state: 3-63 lower-case letters, digits and hyphens, unique in all of S3 (e.g. acme-shop-terraform-state)',
  );
  if (problems.length > 0) {
    throw new BootstrapConfigError(`the bootstrap needs:\n${problems.map((p) => `  - ${p}`).join('\n')}\nSee docs/deploying.md, step 1.`);
  }
  return { repository, region, stateBucket };
}
