/**
 * Everything that differs between stages, decided by one variable: `SHOP_STAGE` (dev | prod,
 * default dev). The region comes from `AWS_REGION` (default us-east-1).
 *
 * Where Terraform keeps its state is `SHOP_TF_BACKEND`: `s3` (the deploy path: CI sets it) needs
 * `SHOP_TF_STATE_BUCKET`, `SHOP_EMAIL_FROM` and `SHOP_ALARM_EMAIL`, and refuses to synthesize
 * without them, so a deploy can never fall back to a state file on the runner's disk or to an
 * example address. `local` keeps state in a file beside infra/ and fills the addresses with
 * examples: for offline synthesis, tests and first steps. Unset, it is `s3` when a bucket is
 * named and `local` otherwise.
 */

export const STAGES = ['dev', 'prod'] as const;
export type Stage = (typeof STAGES)[number];

export const BACKENDS = ['local', 's3'] as const;
export type Backend = (typeof BACKENDS)[number];

export class StageConfigError extends Error {
  override name = 'StageConfigError';
}

export interface StageConfig {
  stage: Stage;
  region: string;
  /** Days every log group keeps its events. */
  logRetentionDays: number;
  /** The HTTP API's default route throttling, for the whole API. */
  apiThrottling: { burstLimit: number; rateLimit: number };
  /**
   * The account's monthly SMS spend limit in USD, as the operator set it in SNS
   * (`SHOP_SMS_SPEND_LIMIT_USD`): SNS stops sending SMS once the month's spend passes it, and the
   * stage alarms before then. Default: AWS's $1 of a new account.
   */
  smsSpendLimitUsd: number;
  /**
   * The account's SES sending quota, messages in 24 hours, as AWS granted it
   * (`SHOP_SES_DAILY_QUOTA`): SES refuses every send once it is spent, and the stage alarms before
   * then. Default: the sandbox's 200.
   */
  sesDailyQuota: number;
  /** Deletion protection on tables and the user pool: a `terraform destroy` of prod must not take the data. */
  deletionProtection: boolean;
  /** Lambda's log level for the shop's functions. */
  logLevel: string;
  /** PAYMENT_WINDOW_SECONDS: how long an order waits for its payment (the local cloud's default too). */
  paymentWindowSeconds: number;
  /**
   * EMAIL_FROM, and the SES identity it sends as (the address's domain unless `SHOP_EMAIL_IDENTITY`
   * names another). The platform stack creates the identity (with Easy DKIM for a domain) and
   * outputs the DNS records that verify it. An identity exists once per account and region, so
   * two stages in one account send from two domains (`dev.shop.example.com`, `shop.example.com`).
   */
  email: { from: string; identity: string };
  /** Where alarms are e-mailed (`SHOP_ALARM_EMAIL`): the alarms topic's subscription. */
  alarmEmail: string;
  /**
   * Origins besides the storefront's own that the HTTP API's CORS allows: in dev, a storefront
   * served from the developer's machine (any `http://localhost` port) may call the deployed API;
   * prod allows the storefront's origin alone.
   */
  extraWebOrigins: string[];
  /** The Cognito app client's token lifetimes (access and ID in minutes, refresh in days). */
  tokenValidity: { accessMinutes: number; idMinutes: number; refreshDays: number };
  backend: Backend;
  /** S3 bucket for Terraform state, one key per stage and stack; set exactly when `backend` is s3. */
  stateBucket?: string;
}

type StageSettings = Omit<StageConfig, 'stage' | 'region' | 'email' | 'alarmEmail' | 'backend' | 'stateBucket' | 'smsSpendLimitUsd' | 'sesDailyQuota'>;

const SETTINGS: Record<Stage, StageSettings> = {
  dev: {
    logRetentionDays: 14,
    apiThrottling: { burstLimit: 100, rateLimit: 50 },
    deletionProtection: false,
    logLevel: 'info',
    paymentWindowSeconds: 15 * 60,
    // The HTTP API matches origins exactly, so each port a developer uses is listed: Vite's
    // 5173 and 4173, and 3000 and 3001 (`npm start`'s API and storefront).
    extraWebOrigins: ['http://localhost:3000', 'http://localhost:3001', 'http://localhost:4173', 'http://localhost:5173'],
    // An access token cannot be revoked at the API (the JWT authorizer checks its signature and
    // expiry only), so it lives 15 minutes; the clients renew it with the refresh token (decision 155).
    tokenValidity: { accessMinutes: 15, idMinutes: 15, refreshDays: 30 },
  },
  prod: {
    logRetentionDays: 90,
    apiThrottling: { burstLimit: 1000, rateLimit: 500 },
    deletionProtection: true,
    logLevel: 'info',
    paymentWindowSeconds: 15 * 60,
    extraWebOrigins: [],
    // An access token cannot be revoked at the API (the JWT authorizer checks its signature and
    // expiry only), so it lives 15 minutes; the clients renew it with the refresh token (decision 155).
    tokenValidity: { accessMinutes: 15, idMinutes: 15, refreshDays: 30 },
  },
};

/** What a local synthesis uses where the deploy path demands a real value. */
const EXAMPLE_EMAIL_FROM = 'no-reply@shop.example.com';
const EXAMPLE_ALARM_EMAIL = 'alarms@shop.example.com';

const EMAIL = /^[^@\s]+@([^@\s]+\.[^@\s]+)$/;

/**
 * What a new account has until the operator asks for more: $1 of SMS a month and SES's sandbox
 * quota of 200 messages a day. Both are the account's, shared by the stages in it, so both stages
 * default to the same. A default that is too low makes its alarm fire early, and the runbook says
 * to set the real value; one too high would stay quiet until sending stops.
 */
const SMS_SPEND_LIMIT_USD = 1;
const SES_DAILY_QUOTA = 200;

/** The configuration for the stage the environment names. */
export function stageConfig(env: NodeJS.ProcessEnv = process.env): StageConfig {
  const stage = env['SHOP_STAGE'] || 'dev';
  if (!(STAGES as readonly string[]).includes(stage)) {
    throw new StageConfigError(`SHOP_STAGE is "${stage}": expected one of ${STAGES.join(', ')}`);
  }
  const bucket = env['SHOP_TF_STATE_BUCKET'] || undefined;
  const backend = env['SHOP_TF_BACKEND'] || (bucket ? 's3' : 'local');
  if (!(BACKENDS as readonly string[]).includes(backend)) {
    throw new StageConfigError(`SHOP_TF_BACKEND is "${backend}": expected one of ${BACKENDS.join(', ')}`);
  }
  const deploying = backend === 's3';
  /** A setting the deploy path must be given; a local synthesis may use the example. */
  const required = (name: string, example: string, why: string): string => {
    const value = env[name];
    if (value) return value;
    if (deploying) throw new StageConfigError(`${name} is not set: ${why}. See docs/deploying.md.`);
    return example;
  };

  if (deploying && !bucket) {
    throw new StageConfigError(
      'SHOP_TF_STATE_BUCKET is not set, and a deploy (SHOP_TF_BACKEND=s3) never keeps Terraform state on the machine that runs it: ' +
        'set it to the state bucket the bootstrap stack created (the repository variable SHOP_TF_STATE_BUCKET in CI). See docs/deploying.md.',
    );
  }
  if (!deploying && bucket) {
    throw new StageConfigError('SHOP_TF_STATE_BUCKET is set but SHOP_TF_BACKEND is local: unset one of them');
  }

  const from = required('SHOP_EMAIL_FROM', EXAMPLE_EMAIL_FROM, 'the address the shop e-mails customers from, in a domain you control');
  const domain = EMAIL.exec(from)?.[1];
  if (!domain) throw new StageConfigError(`SHOP_EMAIL_FROM is "${from}": expected an e-mail address`);
  const alarmEmail = required('SHOP_ALARM_EMAIL', EXAMPLE_ALARM_EMAIL, 'the address alarms are e-mailed to');
  if (!EMAIL.test(alarmEmail)) throw new StageConfigError(`SHOP_ALARM_EMAIL is "${alarmEmail}": expected an e-mail address`);

  const smsSpendLimitUsd = positiveNumber(env, 'SHOP_SMS_SPEND_LIMIT_USD', SMS_SPEND_LIMIT_USD, "the account's monthly SMS spend limit in USD");
  const sesDailyQuota = positiveNumber(env, 'SHOP_SES_DAILY_QUOTA', SES_DAILY_QUOTA, "the account's SES sending quota, messages in 24 hours");

  return {
    stage: stage as Stage,
    region: env['AWS_REGION'] || 'us-east-1',
    ...SETTINGS[stage as Stage],
    email: { from, identity: env['SHOP_EMAIL_IDENTITY'] || domain },
    alarmEmail,
    smsSpendLimitUsd,
    sesDailyQuota,
    backend: backend as Backend,
    ...(bucket ? { stateBucket: bucket } : {}),
  };
}

/** A setting that is a number above zero, `fallback` when it is not set. */
function positiveNumber(env: NodeJS.ProcessEnv, name: string, fallback: number, what: string): number {
  const text = env[name];
  if (!text) return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new StageConfigError(`${name} is "${text}": expected ${what}, a number above 0`);
  return value;
}
