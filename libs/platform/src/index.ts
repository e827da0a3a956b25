// The platform model: what a service is (its manifest), the names its resources go by, and the
// build- and deploy-time readers of the manifests (environment derivation, checks, layers, state
// machine rendering, loading them from apps/). libs/common is the Lambda-side runtime built on it.
export * from './manifest';
export * from './dynamodb-actions';
export * from './dynamodb-access';
export * from './conventions';
export * from './function-environment';
export * from './manifest-problems';
export * from './layers';
export * from './state-machine-definition';
export * from './function-policy';
export * from './policy-evaluation';
export { UnknownReferenceError } from './unknown-reference-error';
export { findRepoRoot, loadManifests, loadServices, serviceRoots, type LoadedService } from './load-services';
export { deployDependencies, deployOrder } from './deploy-dependencies';
