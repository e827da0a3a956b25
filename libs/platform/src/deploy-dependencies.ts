import { parseRef } from './conventions';
import type { ServiceManifest } from './manifest';

/**
 * The other services whose stacks must be deployed before this service's: the owners of what
 * Terraform must find when it creates this stack's resources. A queue or table stream that a
 * mapping reads, a topic a function subscribes to, a dead-letter queue failures go to must
 * exist; a function invoked, a table read or a queue sent to is only named by ARN (in a policy,
 * an environment variable) and need not. The platform comes before every service anyway.
 */
export function deployDependencies(manifest: ServiceManifest): string[] {
  const owners = new Set<string>();
  const needs = (ref: string) => owners.add(parseRef(ref).service);
  for (const fn of Object.values(manifest.functions)) {
    for (const trigger of fn.triggers) {
      if (trigger.type === 'queue') needs(trigger.queue);
      if (trigger.type === 'topic') needs(trigger.topic);
      if (trigger.type === 'table-stream') {
        needs(trigger.table);
        needs(trigger.onFailure);
      }
    }
    if (fn.asyncInvoke) needs(fn.asyncInvoke.onFailure);
  }
  owners.delete(manifest.name);
  return [...owners].sort();
}

/**
 * The services in an order they can be deployed in: each after the services it depends on
 * (`deployDependencies`), otherwise by name. Throws on a cycle, which no order can serve.
 */
export function deployOrder(manifests: readonly ServiceManifest[]): string[] {
  const byName = new Map(manifests.map((m) => [m.name, m]));
  const placed: string[] = [];
  const visiting = new Set<string>();
  const visit = (name: string, path: readonly string[]): void => {
    if (placed.includes(name)) return;
    if (visiting.has(name)) throw new Error(`the service stacks depend on each other in a circle: ${[...path, name].join(' → ')}`);
    visiting.add(name);
    const manifest = byName.get(name);
    for (const dependency of manifest ? deployDependencies(manifest) : []) visit(dependency, [...path, name]);
    visiting.delete(name);
    placed.push(name);
  };
  for (const name of [...byName.keys()].sort()) visit(name, []);
  return placed;
}
