import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The payment provider's API key and webhook signing secret: the services read them from
 * PAYMENT_PROVIDER_API_KEY and PAYMENT_WEBHOOK_SECRET, the simulator checks and signs with
 * them. New random ones every run, so nothing leans on a well-known value; with a persisted
 * data directory the first run's are kept there (`payment-provider.json`), so that a
 * restarted shop and its stored data go on with the same ones.
 */

export interface PaymentSecrets {
  apiKey: string;
  webhookSecret: string;
}

const FILE = 'payment-provider.json';

export function paymentSecrets(persistDir?: string): PaymentSecrets {
  const fresh = (): PaymentSecrets => ({
    apiKey: `sk_test_${randomBytes(24).toString('hex')}`,
    webhookSecret: `whsec_${randomBytes(24).toString('hex')}`,
  });
  if (!persistDir) return fresh();

  const file = join(persistDir, FILE);
  if (existsSync(file)) {
    const stored = JSON.parse(readFileSync(file, 'utf8')) as Partial<PaymentSecrets>;
    if (typeof stored.apiKey === 'string' && typeof stored.webhookSecret === 'string') {
      return { apiKey: stored.apiKey, webhookSecret: stored.webhookSecret };
    }
  }
  const secrets = fresh();
  mkdirSync(persistDir, { recursive: true });
  writeFileSync(file, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
  return secrets;
}
