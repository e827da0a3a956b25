import { describe, expect, it } from 'vitest';
import { stageConfig, StageConfigError } from '../src/config/stage-config';

describe('stageConfig', () => {
  it('is dev in us-east-1 with local state when nothing is set', () => {
    const config = stageConfig({});
    expect(config).toMatchObject({ stage: 'dev', region: 'us-east-1', logRetentionDays: 14, deletionProtection: false });
    expect(config.stateBucket).toBeUndefined();
  });

  it('makes prod keep logs longer, protect its data and take more traffic', () => {
    const dev = stageConfig({ SHOP_STAGE: 'dev' });
    const prod = stageConfig({ SHOP_STAGE: 'prod', AWS_REGION: 'eu-west-1', SHOP_TF_STATE_BUCKET: 'state' });
    expect(prod).toMatchObject({ stage: 'prod', region: 'eu-west-1', logRetentionDays: 90, deletionProtection: true, stateBucket: 'state' });
    expect(prod.apiThrottling.rateLimit).toBeGreaterThan(dev.apiThrottling.rateLimit);
  });

  it('sends e-mail as the domain of EMAIL_FROM unless another identity is named', () => {
    expect(stageConfig({ SHOP_EMAIL_FROM: 'orders@mail.shop.test' }).email).toEqual({ from: 'orders@mail.shop.test', identity: 'mail.shop.test' });
    expect(stageConfig({ SHOP_EMAIL_FROM: 'orders@shop.test', SHOP_EMAIL_IDENTITY: 'orders@shop.test' }).email.identity).toBe('orders@shop.test');
  });

  it('refuses a stage it does not know and an address that is none', () => {
    expect(() => stageConfig({ SHOP_STAGE: 'staging' })).toThrow(StageConfigError);
    expect(() => stageConfig({ SHOP_EMAIL_FROM: 'nobody' })).toThrow(StageConfigError);
  });
});
