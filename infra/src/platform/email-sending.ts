import { Sesv2ConfigurationSet } from '@cdktf/provider-aws/lib/sesv2-configuration-set';
import { Sesv2EmailIdentity } from '@cdktf/provider-aws/lib/sesv2-email-identity';
import { Fn } from 'cdktf';
import { emailConfigurationSetName } from '../iam';
import type { ShopStack } from '../stacks/shop-stack';

/**
 * What the shop sends e-mail as: the SES identity of the stage (a domain, with Easy DKIM and
 * 2048-bit keys, or an address) and the configuration set every message goes through, the
 * identity's default: reputation metrics on, and bounces and complaints onto the account's
 * suppression list, so the shop stops writing to addresses that bounce or complain (which is
 * what keeps an account out of SES's review). A domain is verified when its DKIM records are in
 * DNS: the stack outputs them (`email_dkim_records`); an address when its owner clicks the link
 * SES sends. Leaving the SES sandbox is a request to AWS: docs/deploying.md.
 */
export interface EmailSending {
  identity: Sesv2EmailIdentity;
  /** `<token>._domainkey.<domain> CNAME <token>.dkim.amazonses.com`, one per DKIM token; empty for an address. */
  dkimRecords: string[];
}

export function emailSending(stack: ShopStack): EmailSending {
  const { stage, email } = stack.config;
  const configurationSet = new Sesv2ConfigurationSet(stack, 'email-configuration-set', {
    configurationSetName: emailConfigurationSetName(stage),
    reputationOptions: { reputationMetricsEnabled: true },
    sendingOptions: { sendingEnabled: true },
    suppressionOptions: { suppressedReasons: ['BOUNCE', 'COMPLAINT'] },
  });
  const domain = !email.identity.includes('@');
  const identity = new Sesv2EmailIdentity(stack, 'email-identity', {
    emailIdentity: email.identity,
    configurationSetName: configurationSet.configurationSetName,
    ...(domain && { dkimSigningAttributes: { nextSigningKeyLength: 'RSA_2048_BIT' } }),
  });
  const tokens = identity.dkimSigningAttributes.tokens;
  const dkimRecords = domain ? Fn.formatlist(`%s._domainkey.${email.identity} CNAME %s.dkim.amazonses.com`, [tokens, tokens]) : [];
  return { identity, dkimRecords };
}
