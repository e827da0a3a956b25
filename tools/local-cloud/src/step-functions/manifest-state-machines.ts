import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { physicalName } from '@shop/platform';
import type { LoadedService } from '@shop/platform';
import { DefinitionError, prepareDefinition, type PreparedDefinition } from './prepare-definition';

/**
 * The state machines the manifests declare, their definitions read from
 * `<service root>/<definition>` and prepared for the local runner. Read before anything
 * starts, so that a broken definition fails start-up in a second, not after java's 15.
 */

export interface ManifestStateMachine {
  /** `service/stateMachine`, as triggers and permissions name it. */
  ref: string;
  service: string;
  /** Physical name: `shop-local-checkout-orchestrator-checkout`. */
  physicalName: string;
  /** The definition file, absolute. */
  definitionFile: string;
  prepared: PreparedDefinition;
}

export function loadStateMachines(stage: string, services: readonly LoadedService[], region?: string): ManifestStateMachine[] {
  const functionNames = new Map<string, string>(
    services.flatMap(({ manifest }) =>
      Object.keys(manifest.functions).map((fn) => [`${manifest.name}/${fn}`, physicalName(stage, manifest.name, fn)]),
    ),
  );
  const machines: ManifestStateMachine[] = [];
  const problems: string[] = [];
  for (const { manifest, root } of services) {
    for (const [name, def] of Object.entries(manifest.stateMachines ?? {})) {
      const definitionFile = join(root, def.definition);
      const source = relative(process.cwd(), definitionFile) || definitionFile;
      try {
        const raw: unknown = JSON.parse(readFileSync(definitionFile, 'utf8'));
        machines.push({
          ref: `${manifest.name}/${name}`,
          service: manifest.name,
          physicalName: physicalName(stage, manifest.name, name),
          definitionFile,
          prepared: prepareDefinition(raw, source, (ref) => functionNames.get(ref), region),
        });
      } catch (error) {
        problems.push(error instanceof DefinitionError ? error.message : `${source}: ${(error as Error).message}`);
      }
    }
  }
  if (problems.length > 0) throw new Error(`state machine definitions are broken:\n${problems.join('\n')}`);
  return machines;
}
