/**
 * Everything that differs between stages, decided by one variable: `SHOP_STAGE` (dev | prod,
 * default dev). The region comes from `AWS_REGION` (default us-east-1); the Terraform state goes
 * to S3 when `SHOP_TF_STATE_BUCKET` is set, and to a local file otherwise (tests, first steps).
 */

export const STAGES = ['dev', 'prod'] as const;
export type Stage = (typeof STAGES)[number];

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
  /** Deletion protection on tables and the user pool: a `terraform destroy` of prod must not take the data. */
  deletionProtection: boolean;
  /** Lambda's log level for the shop's functions. */
  logLevel: string;
  /** PAYMENT_WINDOW_SECONDS: how long an order waits for its payment (the local cloud's default too). */
  paymentWindowSeconds: number;
  /**
   * EMAIL_FROM, and the SES identity it sends as (the address's domain unless `SHOP_EMAIL_IDENTITY`
   * names another). The identity must be verified in SES once per account and region; it is not
   * created here, because one identity serves every stage.
   */
  email: { from: string; identity: string };
  /** S3 bucket for Terraform state, one key per stage and stack; undefined: local state. */
  stateBucket?: string;
}

const SETTINGS: Record<Stage, Omit<StageConfig, 'stage' | 'region' | 'email' | 'stateBucket'>> = {
  dev: {
    logRetentionDays: 14,
    apiThrottling: { burstLimit: 100, rateLimit: 50 },
    deletionProtection: false,
    logLevel: 'info',
    paymentWindowSeconds: 15 * 60,
  },
  prod: {
    logRetentionDays: 90,
    apiThrottling: { burstLimit: 1000, rateLimit: 500 },
    deletionProtection: true,
    logLevel: 'info',
    paymentWindowSeconds: 15 * 60,
  },
};

const DEFAULT_EMAIL_FROM = 'no-reply@shop.example.com';

/** The configuration for the stage the environment names. */
export function stageConfig(env: NodeJS.ProcessEnv = process.env): StageConfig {
  const stage = env['SHOP_STAGE'] || 'dev';
  if (!(STAGES as readonly string[]).includes(stage)) {
    throw new StageConfigError(`SHOP_STAGE is "${stage}": expected one of ${STAGES.join(', ')}`);
  }
  const from = env['SHOP_EMAIL_FROM'] || DEFAULT_EMAIL_FROM;
  const domain = /^[^@\s]+@([^@\s]+)$/.exec(from)?.[1];
  if (!domain) throw new StageConfigError(`SHOP_EMAIL_FROM is "${from}": expected an e-mail address`);
  const bucket = env['SHOP_TF_STATE_BUCKET'];
  return {
    stage: stage as Stage,
    region: env['AWS_REGION'] || 'us-east-1',
    ...SETTINGS[stage as Stage],
    email: { from, identity: env['SHOP_EMAIL_IDENTITY'] || domain },
    ...(bucket ? { stateBucket: bucket } : {}),
  };
}
