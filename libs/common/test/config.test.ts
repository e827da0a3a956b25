import { afterEach, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { ConfigError, lazyConfig, requireEnv } from '../src';

describe('config', () => {
  afterEach(() => {
    delete process.env['SHOP_TEST_TABLE'];
  });

  it('names the missing variable', () => {
    expect(() => requireEnv('SHOP_TEST_TABLE')).toThrow(new ConfigError('environment variable SHOP_TEST_TABLE is not set'));
  });

  it('reads config lazily, on first use, and validates it', () => {
    const config = lazyConfig(z.object({ SHOP_TEST_TABLE: z.string().min(1) }));
    expect(() => config()).toThrow(/SHOP_TEST_TABLE/);
    process.env['SHOP_TEST_TABLE'] = 'orders';
    expect(config().SHOP_TEST_TABLE).toBe('orders');
  });
});
