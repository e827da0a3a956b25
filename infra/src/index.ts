export * from './iam';
export { shopApp, synthNotes, type ShopAppOptions } from './app/shop-app';
export { stageConfig, STAGES, StageConfigError, type Stage, type StageConfig } from './config/stage-config';
export { BuildOutputs, MissingBuildError } from './assets/build-outputs';
export { PLATFORM_STACK, PlatformStack } from './platform/platform-stack';
export { PLATFORM_PARAMETERS, parameterName, type PlatformParameterKey } from './platform/platform-parameters';
export { ServiceStack } from './service/service-stack';
export { WEB_STACK, WebStack } from './web/web-stack';
