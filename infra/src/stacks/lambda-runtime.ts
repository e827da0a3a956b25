/** Lambda's runtime for every function and layer (Node 20 runs the code locally; it must run on both). */
export const LAMBDA_RUNTIME = 'nodejs22.x';
/** Graviton: cheaper per millisecond, and the bundles are plain JavaScript. */
export const LAMBDA_ARCHITECTURE = 'arm64';
