export { emailConfigurationSetName, functionPolicy, SMS_ONLY, WILDCARD_RESOURCE_ACTIONS } from './function-policy';
export type { PolicyCondition, PolicyContext, PolicyDocument, PolicyStatement } from './function-policy';
export { paymentSecretStatements, type PaymentSecretsContext } from './function-policy';
export { UnknownReferenceError } from './errors';
