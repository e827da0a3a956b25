import { describe, expect, it } from 'vitest';
import { STAGES, stageConfig, StageConfigError } from '../src/config/stage-config';

const DEPLOY = {
  SHOP_TF_BACKEND: 's3',
  SHOP_TF_STATE_BUCKET: 'acme-shop-terraform-state',
  SHOP_EMAIL_FROM: 'orders@shop.test',
  SHOP_ALARM_EMAIL: 'ops@shop.test',
};

describe('stageConfig', () => {
  it('is dev in us-east-1 with local state and example addresses when nothing is set', () => {
    const config = stageConfig({});
    expect(config).toMatchObject({ stage: 'dev', region: 'us-east-1', logRetentionDays: 14, deletionProtection: false, backend: 'local' });
    expect(config.stateBucket).toBeUndefined();
    expect(config.alarmEmail).toBe('alarms@shop.example.com');
  });

  it('makes prod keep logs longer, protect its data, take more traffic and allow no localhost origin', () => {
    const dev = stageConfig({ SHOP_STAGE: 'dev' });
    const prod = stageConfig({ SHOP_STAGE: 'prod', AWS_REGION: 'eu-west-1', ...DEPLOY });
    expect(prod).toMatchObject({ stage: 'prod', region: 'eu-west-1', logRetentionDays: 90, deletionProtection: true, backend: 's3', stateBucket: DEPLOY.SHOP_TF_STATE_BUCKET });
    expect(prod.apiThrottling.rateLimit).toBeGreaterThan(dev.apiThrottling.rateLimit);
    expect(prod.extraWebOrigins).toEqual([]);
    expect(dev.extraWebOrigins.every((origin) => origin.startsWith('http://localhost:'))).toBe(true);
  });

  it('sends e-mail as the domain of EMAIL_FROM unless another identity is named', () => {
    expect(stageConfig({ SHOP_EMAIL_FROM: 'orders@mail.shop.test' }).email).toEqual({ from: 'orders@mail.shop.test', identity: 'mail.shop.test' });
    expect(stageConfig({ SHOP_EMAIL_FROM: 'orders@shop.test', SHOP_EMAIL_IDENTITY: 'orders@shop.test' }).email.identity).toBe('orders@shop.test');
  });

  it('refuses a stage it does not know and an address that is none', () => {
    expect(() => stageConfig({ SHOP_STAGE: 'staging' })).toThrow(StageConfigError);
    expect(() => stageConfig({ SHOP_EMAIL_FROM: 'nobody' })).toThrow(StageConfigError);
    expect(() => stageConfig({ SHOP_ALARM_EMAIL: 'ops' })).toThrow(StageConfigError);
    expect(() => stageConfig({ SHOP_TF_BACKEND: 'consul' })).toThrow(/expected one of local, s3/);
  });

  it('keeps the deploy path off local state: S3 without a bucket is refused, before anything is planned', () => {
    expect(() => stageConfig({ ...DEPLOY, SHOP_TF_STATE_BUCKET: '' })).toThrow(/SHOP_TF_STATE_BUCKET is not set.*never keeps Terraform state on the machine/);
    expect(() => stageConfig({ SHOP_TF_BACKEND: 'local', SHOP_TF_STATE_BUCKET: 'b' })).toThrow(StageConfigError);
  });

  it('makes the deploy path name its addresses instead of using the examples', () => {
    expect(() => stageConfig({ ...DEPLOY, SHOP_EMAIL_FROM: '' })).toThrow(/SHOP_EMAIL_FROM is not set/);
    expect(() => stageConfig({ ...DEPLOY, SHOP_ALARM_EMAIL: '' })).toThrow(/SHOP_ALARM_EMAIL is not set/);
    expect(stageConfig(DEPLOY)).toMatchObject({ alarmEmail: 'ops@shop.test', email: { from: 'orders@shop.test', identity: 'shop.test' } });
  });

  it("takes the account's SMS spend limit and SES quota from the deploy's settings, AWS's defaults for a new account unless set", () => {
    for (const stage of STAGES) expect(stageConfig({ SHOP_STAGE: stage })).toMatchObject({ smsSpendLimitUsd: 1, sesDailyQuota: 200 });
    expect(stageConfig({ ...DEPLOY, SHOP_SMS_SPEND_LIMIT_USD: '250', SHOP_SES_DAILY_QUOTA: '50000' })).toMatchObject({ smsSpendLimitUsd: 250, sesDailyQuota: 50_000 });
    expect(stageConfig({ SHOP_SMS_SPEND_LIMIT_USD: '12.5' }).smsSpendLimitUsd).toBe(12.5);
  });

  it('refuses a spend limit or a quota that is not a number above 0', () => {
    for (const value of ['0', '-200', 'lots', 'Infinity']) {
      expect(() => stageConfig({ SHOP_SES_DAILY_QUOTA: value })).toThrow(new RegExp(`SHOP_SES_DAILY_QUOTA is "${value}": expected .*a number above 0`));
      expect(() => stageConfig({ SHOP_SMS_SPEND_LIMIT_USD: value })).toThrow(StageConfigError);
    }
  });
});
