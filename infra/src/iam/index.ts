// The functions' IAM policies are rendered in @shop/platform from the manifests, so that the local
// cloud can hold every call to the same document infra attaches to the role.
export { emailConfigurationSetName, functionPolicy, SMS_ONLY, WILDCARD_RESOURCE_ACTIONS } from '@shop/platform';
export type { PolicyCondition, PolicyContext, PolicyDocument, PolicyStatement } from '@shop/platform';
export { paymentSecretStatements, type PaymentSecretsContext } from '@shop/platform';
export { UnknownReferenceError } from '@shop/platform';
