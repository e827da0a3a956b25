export { DEFAULT_DESCRIPTION, DEPENDENCY_VERSIONS, serviceGenerator, ServiceGeneratorError, takenNames } from './service/generator';
export type { ServiceGeneratorOptions } from './service/schema';
export { MAX_FUNCTION_NAME_LENGTH, serviceNameProblem, serviceNames, type ServiceNames, type TakenNames } from './service/service-names';
