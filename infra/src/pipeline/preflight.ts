import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findRepoRoot } from '@shop/platform';
import { stageConfig } from '../config/stage-config';

/**
 * The deploy workflow's checks, in GitHub's annotation format:
 *
 * - `settings` (before anything is built or planned): the stage's configuration as synth will
 *   read it on the deploy path (SHOP_TF_BACKEND=s3: the state bucket, the addresses), and the
 *   role the job assumes (ROLE_ARN);
 * - `backends` (after synth): every synthesized stack keeps its state in S3, none in a file on
 *   the runner.
 */
function settings(): string[] {
  const problems: string[] = [];
  try {
    stageConfig();
  } catch (error) {
    problems.push(error instanceof Error ? error.message : String(error));
  }
  if (!process.env['ROLE_ARN']) problems.push('the GitHub environment has no AWS_DEPLOY_ROLE_ARN (or AWS_PLAN_ROLE_ARN for prod-plan): the bootstrap stack outputs it');
  if (!process.env['AWS_REGION']) problems.push('AWS_REGION is not set: the repository variable AWS_REGION');
  return problems;
}

function backends(): string[] {
  const dir = join(findRepoRoot(__dirname), 'infra', 'cdktf.out', 'stacks');
  return readdirSync(dir)
    .filter((stack) => !(JSON.parse(readFileSync(join(dir, stack, 'cdk.tf.json'), 'utf8')) as { terraform: { backend?: { s3?: unknown } } }).terraform.backend?.s3)
    .map((stack) => `the stack ${stack} would keep its Terraform state on the runner, not in the state bucket`);
}

const check = process.argv[2];
const problems = check === 'settings' ? settings() : check === 'backends' ? backends() : [`unknown check "${check}": expected settings or backends`];
for (const problem of problems) process.stdout.write(`::error::${problem}\n`);
if (problems.length > 0) {
  process.stdout.write(`${problems.length} problem(s); nothing was planned. See docs/deploying.md.\n`);
  process.exit(1);
}
process.stdout.write(`${check}: ok\n`);
