export { SmokeFailure, type SmokeMode, type SmokeOptions, smokeTest } from './smoke';
export { apiUrlFromOutputs } from './api-url';
