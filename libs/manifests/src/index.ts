export { findRepoRoot, loadManifests, loadServices, serviceRoots, type LoadedService } from './load-services';
export { deployDependencies, deployOrder } from './deploy-dependencies';
