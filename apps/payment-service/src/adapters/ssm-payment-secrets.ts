import { SSMClient } from '@aws-sdk/client-ssm';
import { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import { clientOptions, memo } from '@shop/aws';
import { requireEnv } from '@shop/common';
import { PARAMETER_PLACEHOLDER } from '@shop/platform';
import { type PaymentSecrets, PaymentSecretUnavailableError } from '../domain/payment-secrets';

/**
 * How long a warm instance keeps a secret before it asks SSM again: the longest a rotated secret
 * takes to be used everywhere (see the README's "Secrets"). One GetParameter per secret per
 * instance every five minutes stays far below Parameter Store's standard throughput.
 */
export const SECRET_MAX_AGE_SECONDS = 300;

/** What a provider's key or signing secret is made of: printable ASCII, no space (Stripe's `sk_…`, `whsec_…`). */
const SECRET_SHAPE = /^[\x21-\x7e]+$/;

/** One provider (and its cache and SSM client) per warm instance, made on first use: not at load. */
const parameterStore = memo(() => new SSMProvider({ awsSdkV3Client: new SSMClient(clientOptions()) }));

export interface SsmPaymentSecretsOptions {
  provider?: () => Pick<SSMProvider, 'get'>;
  maxAgeSeconds?: number;
}

/**
 * The provider's secrets from SSM Parameter Store SecureString parameters, decrypted by SSM with
 * their KMS key, through Powertools Parameters' cache. The parameter NAMES come from the
 * environment (PAYMENT_PROVIDER_API_KEY_PARAMETER, PAYMENT_WEBHOOK_SECRET_PARAMETER, set by the
 * manifest's `uses: ['paymentProvider']`); the values never are: not in the function's
 * configuration, not in Terraform state, not in logs. A failed read is not cached: the next call
 * asks again.
 */
export function ssmPaymentSecrets(options: SsmPaymentSecretsOptions = {}): PaymentSecrets {
  const provider = options.provider ?? parameterStore;
  const maxAge = options.maxAgeSeconds ?? SECRET_MAX_AGE_SECONDS;

  async function read(variable: string): Promise<string> {
    const name = requireEnv(variable);
    let value: unknown;
    try {
      value = await provider().get(name, { decrypt: true, maxAge });
    } catch (error) {
      throw new PaymentSecretUnavailableError(name, error);
    }
    // An empty parameter is no key: better a 503 now than every signature refused.
    if (typeof value !== 'string' || value === '') throw new PaymentSecretUnavailableError(name, new Error('the parameter is empty'));
    // The value the platform stack created the parameter with: nobody has set the secret yet. Taken as
    // a signing secret it would refuse every genuine webhook with a 401 that no alarm on 5xx sees,
    // while the charges it should confirm go unrecorded; a 503 pages the operator instead.
    if (value === PARAMETER_PLACEHOLDER) throw new PaymentSecretUnavailableError(name, new Error('the parameter still holds the placeholder it was created with'));
    // Two keys on two lines (a rotation pasted whole), a stray control character: no such value is a
    // key, and fetch would refuse it in a header with a message that quotes it into the logs.
    if (!SECRET_SHAPE.test(value)) throw new PaymentSecretUnavailableError(name, new Error('the parameter is not one secret: it holds whitespace or control characters'));
    return value;
  }

  return {
    apiKey: () => read('PAYMENT_PROVIDER_API_KEY_PARAMETER'),
    webhookSecret: () => read('PAYMENT_WEBHOOK_SECRET_PARAMETER'),
  };
}
