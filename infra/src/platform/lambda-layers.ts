import { LambdaLayerVersion } from '@cdktf/provider-aws/lib/lambda-layer-version';
import { type LayerName, LAYERS } from '@shop/platform';
import { AssetType, Fn, TerraformAsset } from 'cdktf';
import type { BuildOutputs } from '../assets/build-outputs';
import type { ShopStack } from '../stacks/shop-stack';
import { LAMBDA_ARCHITECTURE, LAMBDA_RUNTIME } from '../stacks/lambda-runtime';

/**
 * The two shared layers (libs/common as common-utils, libs/auth as auth-layer), each zipped
 * from `dist/layers/<layer>/nodejs` with `nodejs/` at the root of the zip. Function bundles keep
 * these packages external; service stacks attach the versions the platform published, read
 * from SSM.
 */
export function lambdaLayers(stack: ShopStack, outputs: BuildOutputs): Record<LayerName, LambdaLayerVersion> {
  const layers = {} as Record<LayerName, LambdaLayerVersion>;
  for (const name of Object.keys(LAYERS) as LayerName[]) {
    const content = new TerraformAsset(stack, `layer-${name}-content`, { path: outputs.layerZip(name), type: AssetType.FILE });
    layers[name] = new LambdaLayerVersion(stack, `layer-${name}`, {
      layerName: `shop-${stack.config.stage}-${name}`,
      description: LAYERS[name].description.slice(0, 256),
      filename: content.path,
      sourceCodeHash: Fn.filebase64sha256(content.path),
      compatibleRuntimes: [LAMBDA_RUNTIME],
      compatibleArchitectures: [LAMBDA_ARCHITECTURE],
      // A new version does not delete the old one: functions not yet redeployed keep theirs, and a rollback finds it.
      skipDestroy: true,
    });
  }
  return layers;
}
