import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Whether a saved plan of a stack can be trusted when an earlier stack of the same deploy has
 * not been applied yet. A stack reads some of another's resources while it plans (data sources:
 * the platform's SSM parameters, another service's table for its stream ARN); if an earlier
 * stack's plan creates or changes one of those, a later stack planned now would see the old
 * value (or nothing, on a first deploy) and its saved plan would apply the wrong thing. So the
 * prod plan stops after such a stack: the stacks planned so far are applied after approval, and
 * the deploy is run again for the rest, planned against what was applied.
 */

/** Resources one stack reads from another while planning, by type and name: infra's data sources. */
export const PLAN_TIME_READS = {
  /** The platform's parameters under /shop/<stage>/ (infra/src/service/platform-reader.ts). */
  aws_ssm_parameter: 'aws_ssm_parameter',
  /** Another service's table, for its stream ARN (infra/src/service/service-stack.ts, streamArn). */
  aws_dynamodb_table: 'aws_dynamodb_table',
} as const;

export interface Resource {
  type: string;
  name: string;
}

/** The part of `terraform show -json <plan>` this reads. */
export interface PlanJson {
  resource_changes?: { type: string; change: { actions: string[]; before?: { name?: unknown } | null; after?: { name?: unknown } | null } }[];
}

/** What a plan creates, changes or replaces among the resources other stacks read while planning. */
export function changedPlanTimeReads(plan: PlanJson): Resource[] {
  return (plan.resource_changes ?? [])
    .filter((r) => r.type in PLAN_TIME_READS && !r.change.actions.every((a) => a === 'no-op' || a === 'read'))
    .map((r) => ({ type: r.type, name: String(r.change.after?.name ?? r.change.before?.name ?? '') }));
}

/** The data sources a synthesized stack (`cdk.tf.json`) plans with, of the kinds above. */
export function planTimeReads(stackJson: { data?: Record<string, Record<string, { name?: unknown }>> }): Resource[] {
  return Object.keys(PLAN_TIME_READS).flatMap((type) => Object.values(stackJson.data?.[type] ?? {}).map((d) => ({ type, name: String(d.name ?? '') })));
}

/** The later stacks that read something `changes` creates or changes: they must be planned after it is applied. */
export function readersOf(changes: readonly Resource[], later: Record<string, readonly Resource[]>): string[] {
  const changed = new Set(changes.map((r) => `${r.type}:${r.name}`));
  return Object.entries(later)
    .filter(([, reads]) => reads.some((r) => changed.has(`${r.type}:${r.name}`)))
    .map(([stack]) => stack);
}

/** readersOf for a saved plan's JSON and the synthesized stacks planned after it, as files. */
export function waveCut(planJsonFile: string, stacksDir: string, laterStacks: readonly string[]): string[] {
  const changes = changedPlanTimeReads(JSON.parse(readFileSync(planJsonFile, 'utf8')) as PlanJson);
  const later = Object.fromEntries(
    laterStacks.map((stack) => [stack, planTimeReads(JSON.parse(readFileSync(join(stacksDir, stack, 'cdk.tf.json'), 'utf8')) as Parameters<typeof planTimeReads>[0])]),
  );
  return readersOf(changes, later);
}
