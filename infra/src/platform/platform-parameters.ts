import type { LayerName } from '@shop/platform';

/**
 * The SSM parameters through which the platform stack hands its resources to the service
 * stacks, under `/shop/<stage>/`. A service stack reads them (`data "aws_ssm_parameter"`) instead
 * of the platform's Terraform state, so that it plans and deploys on its own.
 */

export interface PlatformParameter {
  /** The name below `/shop/<stage>/`. */
  path: string;
  description: string;
  /**
   * SecureString: a secret, written by operators (`aws ssm put-parameter --overwrite`); the
   * platform creates it with a placeholder and never overwrites it.
   */
  secret?: true;
  /** Set by operators after the first deploy; the platform creates it with a placeholder. */
  operatorValue?: true;
}

export const PLATFORM_PARAMETERS = {
  httpApiId: { path: 'http-api/id', description: 'Id of the shop HTTP API (API Gateway v2)' },
  httpApiUrl: { path: 'http-api/url', description: 'Base URL of the shop HTTP API' },
  httpApiExecutionArn: { path: 'http-api/execution-arn', description: 'Execution ARN of the HTTP API, the source of its Lambda invocations' },
  httpApiAuthorizerId: { path: 'http-api/authorizer-id', description: 'Id of the Cognito JWT authorizer of the HTTP API' },
  userPoolId: { path: 'user-pool/id', description: 'Id of the Cognito user pool' },
  userPoolArn: { path: 'user-pool/arn', description: 'ARN of the Cognito user pool' },
  userPoolClientId: { path: 'user-pool/client-id', description: 'Id of the user pool client the API signs in with' },
  eventBusName: { path: 'event-bus/name', description: "Name of the shop's EventBridge bus" },
  eventBusArn: { path: 'event-bus/arn', description: "ARN of the shop's EventBridge bus" },
  alarmsTopicArn: { path: 'alarms/topic-arn', description: 'ARN of the SNS topic operators get alarms from' },
  commonUtilsLayerArn: { path: 'layers/common-utils/arn', description: 'Version ARN of the common-utils Lambda layer (libs/common)' },
  authLayerArn: { path: 'layers/auth-layer/arn', description: 'Version ARN of the auth-layer Lambda layer (libs/auth)' },
  webBucketName: { path: 'web/bucket-name', description: 'The private S3 bucket CloudFront serves the storefront from' },
  webUrl: { path: 'web/url', description: "The storefront's URL (its CloudFront distribution)" },
  emailFrom: { path: 'email/from', description: 'EMAIL_FROM: the address messages to people are sent from' },
  emailIdentityArn: { path: 'email/identity-arn', description: 'ARN of the SES identity EMAIL_FROM sends as' },
  paymentProviderUrl: { path: 'payment-provider/url', description: 'PAYMENT_PROVIDER_URL: base URL of the payment provider', operatorValue: true },
  // The two secrets: payment-service reads them at run time (GetParameter, decrypted), by the names
  // its environment gives; no stack reads their values, so they are in no state but the platform's.
  paymentProviderApiKey: { path: 'payment-provider/api-key', description: "The payment provider's API key (secret; read at run time through PAYMENT_PROVIDER_API_KEY_PARAMETER)", secret: true },
  paymentWebhookSecret: { path: 'payment-provider/webhook-secret', description: 'The HMAC key of the webhooks (secret; read at run time through PAYMENT_WEBHOOK_SECRET_PARAMETER)', secret: true },
  paymentSecretsKeyArn: { path: 'payment-provider/secrets-key-arn', description: "ARN of the KMS key that encrypts the payment provider's secrets" },
} as const satisfies Record<string, PlatformParameter>;

export type PlatformParameterKey = keyof typeof PLATFORM_PARAMETERS;

/** The parameter holding each layer's version ARN. */
export const LAYER_PARAMETERS: Record<LayerName, 'commonUtilsLayerArn' | 'authLayerArn'> = {
  'common-utils': 'commonUtilsLayerArn',
  'auth-layer': 'authLayerArn',
};

/** `/shop/dev/http-api/id`. */
export function parameterName(stage: string, key: PlatformParameterKey): string {
  return `/shop/${stage}/${PLATFORM_PARAMETERS[key].path}`;
}

/** Parameters whose value operators set (secrets, the provider's URL); the platform only creates them. */
export type OperatorParameterKey = {
  [K in PlatformParameterKey]: (typeof PLATFORM_PARAMETERS)[K] extends { secret: true } | { operatorValue: true } ? K : never;
}[PlatformParameterKey];

/** Parameters whose value the platform stack writes from its own resources and settings. */
export type PlatformValueKey = Exclude<PlatformParameterKey, OperatorParameterKey>;

/** The SecureString parameters: no stack reads them (`PlatformReader` refuses); functions do, at run time. */
export type SecretParameterKey = {
  [K in PlatformParameterKey]: (typeof PLATFORM_PARAMETERS)[K] extends { secret: true } ? K : never;
}[PlatformParameterKey];

/** Whether operators, not Terraform, own the parameter's value. */
export function isOperatorParameter(key: PlatformParameterKey): key is OperatorParameterKey {
  const parameter: PlatformParameter = PLATFORM_PARAMETERS[key];
  return Boolean(parameter.secret || parameter.operatorValue);
}

/** A construct id for the parameter: `parameter-http-api-id`. */
export function parameterId(key: PlatformParameterKey): string {
  return `parameter-${PLATFORM_PARAMETERS[key].path.replace(/\//g, '-')}`;
}
