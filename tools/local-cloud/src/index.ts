/**
 * The local cloud: the whole shop on localhost, wired from the service manifests.
 * `startLocalCloud` is what `npm start` and the end-to-end tests use; the parts are
 * exported for tests that need only one of them.
 */
export { startLocalCloud, type LocalCloud, type LocalCloudOptions, type RequestLogEntry } from './local-cloud';
export { seed, SEED_ADMIN, SEED_MANAGER, type SeedAccount, type SeededProduct, type SeedResult } from './seed';
export { LOCAL_AWS } from './local-aws';
export { startDynamoDbLocal, type DynamoDbLocal, type DynamoDbLocalOptions } from './dynamodb-local';
export { startCognitoLocal, type CognitoLocal, type CognitoLocalOptions } from './cognito-local';
export { ensureTables, createTableInput, type EnsureTablesResult } from './tables';
export {
  loadServices,
  functionBundles,
  missingBundles,
  findRepoRoot,
  bundlePath,
  type FunctionBundle,
} from './services';
export {
  functionEnvironment,
  functionConfigs,
  routeBindings,
  type LocalEndpoints,
  type UserPoolRef,
  type WiringContext,
} from './wiring';
export { freePort, isPortFree } from './free-port';
export { LambdaRuntime, type FunctionConfig, type InvokeResult, type RuntimeLogLine } from './lambda-runtime';
export { startLambdaApi, type LambdaApi } from './lambda-api';
export { startApiGateway, type ApiGateway, type RouteBinding } from './api-gateway';
