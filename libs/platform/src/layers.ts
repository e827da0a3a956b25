/**
 * The shop's shared Lambda layers. Each ships one workspace lib, bundled with its own
 * third-party code (but not the AWS SDK, which each function bundles for itself, tree-shaken to
 * what it uses: libs/aws), as `/opt/nodejs/node_modules/<package>`: Lambda puts `/opt/nodejs/node_modules`
 * on the module path, so `require('@shop/common')` in a function finds it there. Function bundles
 * leave these packages out (`external` in each service's build), which is what makes them small.
 * infra deploys the layers, the local cloud mounts them the same way, `tools/layers` builds them.
 */
export const LAYERS = {
  'common-utils': {
    description: 'libs/common: the handler wrappers (one per trigger kind), errors, JSON-line logging, metrics, config',
    package: '@shop/common',
    requires: [],
  },
  'auth-layer': {
    description: 'libs/auth: Cognito access-token verification and role checks',
    package: '@shop/auth',
    requires: ['common-utils'],
  },
} as const satisfies Record<string, { description: string; package: string; requires: readonly string[] }>;

export type LayerName = keyof typeof LAYERS;

/** The packages that come from layers: what every function bundle keeps external. */
export const LAYER_PACKAGES: readonly string[] = Object.values(LAYERS).map((layer) => layer.package);

/** Where a built layer's content lies, relative to the workspace root: the folder zipped as the layer. */
export function layerDir(layer: LayerName): string {
  return `dist/layers/${layer}`;
}

/** The part of an esbuild metafile that says what each output file requires from outside it. */
export interface BundleMetafile {
  outputs: Readonly<Record<string, { imports: readonly { path: string; external?: boolean }[] }>>;
}

/**
 * The layers a function bundle needs: those whose package it requires (from the build's
 * metafile), with the layers those need in turn. `bundle` is the output's path as the metafile
 * names it, relative to the workspace root (`dist/apps/order-service/create-order.js`).
 */
export function layersRequiredBy(metafile: BundleMetafile, bundle: string): LayerName[] {
  const output = metafile.outputs[bundle];
  if (!output) throw new Error(`the metafile has no output ${bundle}`);
  const required = new Set(output.imports.filter((i) => i.external).map((i) => i.path));
  const needed = new Set<LayerName>();
  const add = (name: LayerName): void => {
    if (needed.has(name)) return;
    needed.add(name);
    for (const other of LAYERS[name].requires) add(other);
  };
  for (const [name, layer] of Object.entries(LAYERS) as [LayerName, (typeof LAYERS)[LayerName]][]) {
    if (required.has(layer.package)) add(name);
  }
  return (Object.keys(LAYERS) as LayerName[]).filter((name) => needed.has(name));
}
