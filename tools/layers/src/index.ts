export { buildLayers, requiredExternals, type BuiltLayer } from './build-layers';
