import { join } from 'node:path';
import { deployDependencies, type LoadedService, manifestProblems, ManifestReferenceError } from '@shop/platform';
import { App } from 'cdktf';
import { BuildOutputs } from '../assets/build-outputs';
import type { StageConfig } from '../config/stage-config';
import { PlatformStack } from '../platform/platform-stack';
import { ServiceStack } from '../service/service-stack';
import { WebStack } from '../web/web-stack';

export interface ShopAppOptions {
  config: StageConfig;
  services: readonly LoadedService[];
  /** The directory holding `dist/` with the built bundles and layers (the workspace root). */
  buildRoot: string;
  /** Where `app.synth()` writes `stacks/<stack>/cdk.tf.json`; staged zip contents go to `<outdir>/staging`. */
  outdir: string;
}

/**
 * The whole shop as a CDK for Terraform app: the platform stack, one stack per service and the
 * web stack, named as tools/deploy-plan names them (`platform`, the service's name, `web`), each
 * depending on the platform, and each service on the services whose resources it needs to exist
 * (`deployDependencies`). Refuses manifests that do not fit together and bundles that are not
 * built, before anything is written.
 */
export function shopApp({ config, services, buildRoot, outdir }: ShopAppOptions): App {
  const manifests = services.map((s) => s.manifest);
  const problems = manifestProblems(manifests);
  if (problems.length > 0) throw new ManifestReferenceError(problems);

  const outputs = new BuildOutputs(buildRoot, join(outdir, 'staging'));
  outputs.assertBuilt(manifests.flatMap((m) => Object.keys(m.functions).map((functionName) => ({ service: m.name, functionName }))));

  const app = new App({ outdir, stackTraces: false });
  const platform = new PlatformStack(app, config, manifests, outputs);
  const stacks = new Map(services.map((service) => [service.manifest.name, new ServiceStack(app, { config, service, services: manifests, outputs })]));
  // Recorded in manifest.json as each stack's `dependencies`: the order a first deploy must keep.
  for (const [name, stack] of stacks) {
    stack.addDependency(platform);
    for (const owner of deployDependencies(stack.manifest)) {
      const dependency = stacks.get(owner);
      if (!dependency) throw new Error(`${name} needs the stack of ${owner}, which is no service here`);
      if (dependency.dependsOn(stack)) {
        throw new Error(`${name} and ${owner} each need the other's resources to exist first: no deploy order can create both`);
      }
      stack.addDependency(dependency);
    }
  }
  new WebStack(app, config, outputs).addDependency(platform);
  return app;
}

/** What the stacks of an app ask to tell the person who synthesized it (a storefront not built, …). */
export function synthNotes(app: App): string[] {
  return app.node.children.flatMap((child) => (child instanceof WebStack ? child.notes : []));
}
