import { functionPolicy, type PolicyDocument, paymentSecretStatements, type ServiceManifest } from '@shop/platform';
import { DEFAULT_REGION as LOCAL_REGION, LOCAL_ACCOUNT_ID } from '../lambda-runtime';

/** The stand-in for the KMS key of the payment secrets, whose ARN the policies of their readers name. */
export function localSecretsKeyArn(stage: string): string {
  return `arn:aws:kms:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:alias/shop-${stage}-payment-secrets`;
}

export interface LocalPolicyContext {
  stage: string;
  region: string;
  services: readonly ServiceManifest[];
  userPoolId: string;
  /** EMAIL_FROM: SES authorizes a send on its domain's identity. */
  emailFrom: string;
  secretParameters: { apiKeyParameter: string; webhookSecretParameter: string };
}

/**
 * Each function's policy in the local cloud: the document infra attaches to its role on AWS
 * (`functionPolicy`, plus the payment secrets for the functions that use the provider), with the
 * local account, user pool and e-mail identity in its ARNs.
 */
export function localPolicies(context: LocalPolicyContext): (service: string, fn: string) => PolicyDocument {
  const { stage, region, services } = context;
  const ctx = {
    stage,
    region,
    accountId: LOCAL_ACCOUNT_ID,
    userPoolArn: `arn:aws:cognito-idp:${region}:${LOCAL_ACCOUNT_ID}:userpool/${context.userPoolId}`,
    emailIdentityArn: `arn:aws:ses:${region}:${LOCAL_ACCOUNT_ID}:identity/${context.emailFrom.split('@').pop() ?? context.emailFrom}`,
    emailFrom: context.emailFrom,
    services,
  };
  const secrets = {
    region,
    accountId: LOCAL_ACCOUNT_ID,
    parameterNames: [context.secretParameters.apiKeyParameter, context.secretParameters.webhookSecretParameter],
    keyArn: localSecretsKeyArn(stage),
  };
  return (service, fn) => {
    const manifest = services.find((s) => s.name === service);
    const def = manifest?.functions[fn];
    if (!manifest || !def) throw new Error(`no function ${service}/${fn} to give a policy`);
    const document = functionPolicy(manifest, fn, ctx);
    return { ...document, Statement: [...document.Statement, ...paymentSecretStatements(def, secrets)] };
  };
}
