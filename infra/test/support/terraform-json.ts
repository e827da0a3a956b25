import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The part of a synthesized `cdk.tf.json` the tests read. */
export interface TerraformJson {
  terraform: {
    backend?: Record<string, Record<string, unknown>>;
    required_providers?: Record<string, { source: string; version: string }>;
    required_version?: string;
  };
  provider?: Record<string, unknown[]>;
  data?: Record<string, Record<string, Block>>;
  resource?: Record<string, Record<string, Block>>;
  output?: Record<string, Block>;
}

// Terraform JSON is free-form; tests read it as such.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Block = Record<string, any>;

/** Every stack `app.synth()` wrote under `outdir`, by name. */
export function readStacks(outdir: string): Record<string, TerraformJson> {
  const stacksDir = join(outdir, 'stacks');
  return Object.fromEntries(
    readdirSync(stacksDir).map((name) => [name, JSON.parse(readFileSync(join(stacksDir, name, 'cdk.tf.json'), 'utf8')) as TerraformJson]),
  );
}

/** The resources of one type, as `[logical name, block]`. */
export function resources(stack: TerraformJson, type: string): [string, Block][] {
  return Object.entries(stack.resource?.[type] ?? {});
}

/** The data sources of one type, as `[logical name, block]`. */
export function dataSources(stack: TerraformJson, type: string): [string, Block][] {
  return Object.entries(stack.data?.[type] ?? {});
}

/** The one resource of `type` whose `attribute` is `value`; fails naming what was looked for. */
export function resourceWith(stack: TerraformJson, type: string, attribute: string, value: unknown): [string, Block] {
  const found = resources(stack, type).filter(([, block]) => block[attribute] === value);
  if (found.length !== 1) throw new Error(`expected one ${type} with ${attribute} = ${JSON.stringify(value)}, found ${found.length}`);
  return found[0]!;
}

/** `${aws_lambda_function.function-create-order.arn}`: how a synthesized stack references an attribute. */
export function ref(type: string, name: string, attribute: string): string {
  return `\${${type}.${name}.${attribute}}`;
}

/** What Terraform hands AWS for a string it read literally (`$${` is an escaped `${`). */
export function unescapeTerraform(text: string): string {
  return text.replace(/\$\$\{/g, '${').replace(/%%\{/g, '%{');
}

/** The terraform expressions the stacks build their ARNs from. */
export const TF = {
  region: '${data.aws_region.current.name}',
  account: '${data.aws_caller_identity.current.account_id}',
  /** An SSM parameter as a service stack reads it (`platform-<path with dashes>`). */
  platform: (path: string) => `\${data.aws_ssm_parameter.platform-${path.replace(/\//g, '-')}.insecure_value}`,
};
