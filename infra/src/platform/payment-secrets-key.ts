import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import type { ShopStack } from '../stacks/shop-stack';

/**
 * The customer-managed KMS key the payment provider's SecureString parameters are encrypted with.
 * With the AWS-managed `alias/aws/ssm` key, anyone in the account allowed `ssm:GetParameter` could
 * read them, since that key's policy admits every principal of the account through SSM; with this
 * one, a function needs `kms:Decrypt` on it as well, which only the functions that use the payment
 * provider get (infra/src/iam: paymentSecretStatements). The policy leaves the key to the account's
 * IAM (AWS's default statement; without it no one could ever manage the key again). Rotated
 * yearly; kept 30 days after a destroy, in case it was a mistake.
 */
export function paymentSecretsKey(stack: ShopStack): KmsKey {
  const key = new KmsKey(stack, 'payment-secrets-key', {
    description: `Encrypts the payment provider's secrets in Parameter Store (shop-${stack.config.stage})`,
    enableKeyRotation: true,
    deletionWindowInDays: 30,
    policy: JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Sid: 'AccountAdministers', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${stack.accountId}:root` }, Action: 'kms:*', Resource: '*' }],
    }),
  });
  new KmsAlias(stack, 'payment-secrets-key-alias', { name: `alias/shop-${stack.config.stage}-payment-secrets`, targetKeyId: key.keyId });
  return key;
}
